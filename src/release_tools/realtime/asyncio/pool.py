"""SessionPool: a bounded set of realtime sessions serving concurrent requests.

The Realtime API allows one active response per conversation, and a session's socket is one
ordered stream, so the pool gives each request a session of its own for the request's duration:
at most ``size`` responses are in flight, one per session. All sessions share one
:class:`RateLimitState`, so a limit hit on one holds the others back too. Each connection keeps
WebSocket pings going (``ClientConfig.ping_interval`` / ``ping_timeout``); a session found dead
when it is taken (closed by a failed keepalive, dropped, aborted by a cancelled caller) is
closed and replaced by a new one before the request is sent. :attr:`SessionPool.usage` sums the
tokens of every response of every session, replaced ones and failed attempts included.

The pool is made for out-of-band requests (the default): an in-band conversation belongs to the
session that happened to serve it, and a replacement session starts with an empty one.

::

    async with SessionPool(config, SessionConfig(instructions="..."), size=4) as pool:
        results = await asyncio.gather(*(pool.respond(r) for r in requests))
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from release_tools.realtime.aggregate import ResponseResult, Usage
from release_tools.realtime.asyncio.session import RealtimeSession
from release_tools.realtime.config import ClientConfig, ResponseRequest, SessionConfig
from release_tools.realtime.credentials import redacting_logger
from release_tools.realtime.exceptions import RealtimeStateError
from release_tools.realtime.ratelimit import Clock, RateLimitState, SystemClock

__all__ = ["SessionPool"]

logger = redacting_logger(__name__)


class SessionPool:
    """``size`` sessions, each serving one request at a time, with a shared rate-limit state."""

    def __init__(
        self,
        config: ClientConfig,
        session_config: SessionConfig,
        size: int = 4,
        rate_limits: RateLimitState | None = None,
        clock: Clock | None = None,
    ) -> None:
        if size < 1:
            raise ValueError("pool size must be at least 1")
        self.config = config
        self.session_config = session_config
        self.size = size
        self.clock: Clock = clock if clock is not None else SystemClock()
        if rate_limits is None:
            rate_limits = RateLimitState(clock=self.clock.monotonic, wall_clock=self.clock.time)
        self.rate_limits = rate_limits
        self._idle: asyncio.Queue[RealtimeSession] = asyncio.Queue()
        self._sessions: list[RealtimeSession] = []
        self._open = False
        self._closed = False
        #: How many dead sessions were replaced by new ones.
        self.replacements = 0
        self._retired_usage = Usage()

    @property
    def sessions(self) -> list[RealtimeSession]:
        """The sessions currently owned by the pool (idle or busy)."""
        return list(self._sessions)

    @property
    def usage(self) -> Usage:
        """Tokens of every response any session of the pool received, replaced ones included.

        Failed attempts (retried or not) count: they are billed. Sum of
        :attr:`RealtimeSession.usage` over the pool's life.
        """
        total = self._retired_usage
        for session in self._sessions:
            total += session.usage
        return total

    def _new_session(self) -> RealtimeSession:
        return RealtimeSession(self.config, self.session_config, self.rate_limits, self.clock)

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def open(self) -> None:
        """Connect all sessions concurrently; if one fails, close the others and raise."""
        if self._closed:
            raise RealtimeStateError("pool is closed")
        if self._open:
            return
        sessions = [self._new_session() for _ in range(self.size)]
        self._sessions = sessions
        try:
            # gather, not a TaskGroup: callers get the first error itself, not an ExceptionGroup.
            results = await asyncio.gather(
                *(session.connect() for session in sessions), return_exceptions=True
            )
        except BaseException:
            await self._close_all()
            raise
        errors = [result for result in results if isinstance(result, BaseException)]
        if errors:
            await self._close_all()
            raise errors[0]
        for session in sessions:
            self._idle.put_nowait(session)
        self._open = True
        logger.info("session pool open", extra={"size": self.size})

    async def respond(self, request: ResponseRequest) -> ResponseResult:
        """Run ``request`` on a free session (waiting for one) and return its result."""
        if not self._open or self._closed:
            raise RealtimeStateError("pool is not open; use 'async with SessionPool(...)'")
        session = await self._idle.get()
        try:
            if self._closed:
                raise RealtimeStateError("pool is closed")
            if not session.healthy:
                dead, session = session, self._new_session()
                await self._replace(dead, session)
            return await session.respond(request)
        finally:
            if self._closed:
                await session.close()
            # Always hand the slot back: callers queued behind it must wake up, even if only
            # to learn that the pool closed.
            self._idle.put_nowait(session)

    async def _replace(self, dead: RealtimeSession, fresh: RealtimeSession) -> None:
        """Close ``dead`` and connect ``fresh`` in its slot.

        ``fresh`` takes the slot before it connects: if it cannot connect, the pool keeps its
        size and the next request taking the slot tries again.
        """
        logger.warning(
            "replacing dead session",
            extra={"session": dead.name, "session_id": dead.session_id, "state": dead.state.value},
        )
        self._sessions[self._sessions.index(dead)] = fresh
        self._retired_usage += dead.usage
        self.replacements += 1
        await dead.close()
        await fresh.connect()

    async def _close_all(self) -> None:
        results = await asyncio.gather(
            *(session.close() for session in self._sessions), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result

    async def close(self) -> None:
        """Close every session (idle or busy). Idempotent."""
        if self._closed:
            return
        self._closed = True
        await self._close_all()
        logger.info("session pool closed", extra={"size": self.size})
