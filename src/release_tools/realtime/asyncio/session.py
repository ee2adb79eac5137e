"""RealtimeSession: an async context manager over one transport and one protocol.

::

    async with RealtimeSession(config, SessionConfig(instructions="...")) as session:
        result = await session.respond(ResponseRequest(input_text="..."))

Entering connects (retrying retryable failures), waits for ``session.created``, sends
``session.update`` and waits for ``session.updated``, each phase under its own timeout.
:meth:`RealtimeSession.respond` waits for the shared rate-limit state, sends the request and
awaits its response under the overall and idle timeouts. A retryable failure (a drop, a failed or
rate-limited response, a timeout, protocol garbage) is retried with the policy's backoff. Waits
the server asks for are slept within the request's ``RetryPolicy.max_server_wait`` and only when
retries are allowed; one that is not fails the request at once with a :class:`RateLimitError`
naming it, and a long one is logged as a warning (:mod:`.attempts` runs that loop). After a
drop the session reconnects, restores its configuration with a new ``session.update``, and
re-runs only the interrupted request. Results already returned are never re-run. A new
connection is a new, empty conversation, so the in-band conversation recorded so far (the items
in-band requests added and the output of their completed responses, bounded by
``SessionConfig.history_max_items`` / ``history_max_chars``) is replayed with
``conversation.item.create`` and acknowledged before the interrupted request runs again; a retry
never sends an in-band request's items twice. Out-of-band requests (the default) carry their
whole input, record nothing and need no replay.

:attr:`RealtimeSession.usage` sums the tokens of every response the session received, failed
and retried attempts included.

Cancelling a caller aborts the socket (a half-read stream cannot be trusted) and re-raises;
the next request reconnects. :meth:`RealtimeSession.close` closes with 1000, waits at most the
close timeout, aborts otherwise, and stops the receive task; it is idempotent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from types import TracebackType
from typing import Any, Self, TypeVar

from release_tools.realtime.aggregate import ResponseResult, Usage
from release_tools.realtime.asyncio.attempts import RetryContext, with_retries
from release_tools.realtime.asyncio.transport import Transport, open_transport
from release_tools.realtime.config import ClientConfig, ResponseRequest, SessionConfig
from release_tools.realtime.credentials import redact, redacting_logger
from release_tools.realtime.exceptions import (
    ConnectionClosedError,
    RealtimeConnectionError,
    RealtimeError,
    RealtimeStateError,
    RealtimeTimeoutError,
)
from release_tools.realtime.history import ConversationHistory, InBandItems
from release_tools.realtime.logtext import Escaped, escape
from release_tools.realtime.protocol import RealtimeProtocol, SessionState
from release_tools.realtime.ratelimit import Clock, RateLimitState, SystemClock

__all__ = ["RealtimeSession"]

logger = redacting_logger(__name__)

T = TypeVar("T")

_session_numbers = itertools.count(1)


def _settle(*futures: asyncio.Future[Any]) -> None:
    """Mark failed futures as retrieved: their error was delivered another way (no GC noise)."""
    for future in futures:
        if future.done() and not future.cancelled():
            future.exception()


async def _bounded(waiter: asyncio.Future[T], seconds: float, phase: str, what: str) -> T:
    """Await ``waiter`` for at most ``seconds``; the error names ``phase``."""
    try:
        async with asyncio.timeout(seconds) as scope:
            return await waiter
    except TimeoutError as exc:
        if scope.expired():
            raise RealtimeTimeoutError(
                f"{what} did not arrive within {seconds:g}s", phase=phase, timeout=seconds
            ) from exc
        raise


class RealtimeSession:
    """One realtime connection serving any number of requests, with reconnect and retries.

    ``rate_limits`` may be shared between sessions (a pool does so). ``clock`` drives
    rate-limit waits and retry backoff; inject a fake one in tests. Requests with
    ``out_of_band=True`` may run concurrently on one session; in-band requests (which write to
    the default conversation, where only one response may be active) are serialised.
    """

    def __init__(
        self,
        config: ClientConfig,
        session_config: SessionConfig,
        rate_limits: RateLimitState | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.config = config
        self.session_config = session_config
        self.clock: Clock = clock if clock is not None else SystemClock()
        if rate_limits is None:
            rate_limits = RateLimitState(clock=self.clock.monotonic, wall_clock=self.clock.time)
        self.rate_limits = rate_limits
        self.name = f"s{next(_session_numbers)}"
        self._protocol = RealtimeProtocol(session_config, rate_limits, id_prefix=self.name)
        self._transport: Transport | None = None
        self._reader: asyncio.Task[None] | None = None
        self._connect_lock = asyncio.Lock()
        self._in_band_lock = asyncio.Lock()
        self._connected_once = False
        self._closed = False
        self._close_lock = asyncio.Lock()
        #: How many connections this session has opened (1 + reconnects).
        self.connections = 0
        self._retry_context = RetryContext(
            config.retry, rate_limits, self.clock, lambda: self._closed, self._extra
        )

    # --- public state -----------------------------------------------------------------------

    @property
    def state(self) -> SessionState:
        """CONNECTING, OPEN, CLOSING or CLOSED."""
        return self._protocol.state

    @property
    def session_id(self) -> str | None:
        """The server's id of the current session (``sess_...``); changes on reconnect."""
        return self._protocol.session_id

    @property
    def healthy(self) -> bool:
        """Open, with a live socket: a request would be sent without reconnecting."""
        transport = self._transport
        return (
            self.state is SessionState.OPEN
            and transport is not None
            and not transport.closed
            and not self._protocol.expired
        )

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def usage(self) -> Usage:
        """Tokens of every response received so far, whatever its status.

        Unlike the sum of returned results, this counts failed attempts that were retried,
        failed requests, and responses that were abandoned (timed out, cancelled) but ended.
        """
        return self._protocol.usage

    @property
    def history(self) -> ConversationHistory:
        """The recorded in-band conversation (replayed after a reconnect)."""
        return self._protocol.history

    async def wait_disconnected(self) -> None:
        """Return once the current connection is gone (dropped, failed keepalive, closed)."""
        reader = self._reader
        if reader is not None:
            await asyncio.shield(reader)

    def _extra(self, request_id: str | None = None) -> dict[str, Any]:
        extra = self._protocol.log_extra(request_id)
        extra["session"] = self.name
        return extra

    # --- context manager ---------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and issubclass(exc_type, asyncio.CancelledError):
            # Being cancelled: do not wait for a closing handshake.
            self._abort()
        await self.close()

    # --- connecting --------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the connection and configure the session, retrying retryable failures."""
        if self._closed:
            raise RealtimeStateError("session is closed")
        await with_retries(self._retry_context, self._ensure_open)

    async def _ensure_open(self) -> None:
        if self._closed:
            raise RealtimeStateError("session is closed")
        if self.healthy:
            return
        async with self._connect_lock:
            if self.healthy:
                return
            if self._closed:
                raise RealtimeStateError("session is closed")
            await self._connect_once()

    async def _connect_once(self) -> None:
        # A previous connection may be half dead (socket closed, reader not done yet).
        self._abort()
        await self._teardown()
        if self.state in (SessionState.OPEN, SessionState.CLOSING):
            self._protocol.connection_lost(ConnectionClosedError("connection lost"))
        loop = asyncio.get_running_loop()
        timeouts = self.config.timeouts
        created: asyncio.Future[str] = loop.create_future()
        updated: asyncio.Future[str] = loop.create_future()
        self._protocol.begin_connect(created)
        logger.debug("opening session", extra=self._extra())
        try:
            transport = await open_transport(self.config)
            self._transport = transport
            self.connections += 1
            self._reader = asyncio.create_task(self._read(transport), name=f"{self.name}-reader")
            await _bounded(created, timeouts.session, "session", "session.created")
            await transport.send(self._protocol.session_update_frame(updated))
            await _bounded(updated, timeouts.session, "session", "session.updated")
            await self._replay(transport)
            self._protocol.mark_open()
        except BaseException as exc:
            self._abort()
            # The reader reads what arrived before the close: a refusal among it is recorded.
            await self._teardown()
            if self.state is not SessionState.CLOSED:
                self._protocol.connection_lost(
                    exc
                    if isinstance(exc, RealtimeError)
                    else RealtimeConnectionError(redact(str(exc)) or type(exc).__name__)
                )
            refused = self._protocol.session_error
            if refused is not None and refused is not exc and isinstance(exc, RealtimeError):
                # The server said why it refused the session; the close that followed did not.
                raise refused from exc
            raise
        finally:
            _settle(created, updated)
        self._connected_once = True
        logger.info("session open", extra=self._extra())

    async def _replay(self, transport: Transport) -> None:
        """Re-create the recorded in-band conversation on this new connection."""
        replayed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        try:
            frames = self._protocol.replay_frames(replayed)
            if not frames:
                return
            for frame in frames:
                await transport.send(frame)
            timeout = self.config.timeouts.session
            await _bounded(replayed, timeout, "session", "acknowledgement of the replayed items")
        finally:
            _settle(replayed)

    async def _read(self, transport: Transport) -> None:
        """The receive task: frames into the protocol until the socket closes."""
        error: RealtimeError
        try:
            error = await transport.run(self._protocol.feed)
        except Exception as exc:  # a bug must not leave waiters hanging forever
            logger.exception("receive loop failed", extra=self._extra())
            transport.abort()  # nobody reads this socket any more
            error = RealtimeConnectionError(f"receive loop failed: {redact(str(exc))}")
        if self._transport is transport and self.state is not SessionState.CLOSED:
            # A close this side asked for, or a drop it made itself (a cancelled request, an
            # idle response), is said where it was decided: here it is only a debug line.
            quiet = self.state is SessionState.CLOSING or transport.dropped
            level = logging.DEBUG if quiet else logging.WARNING
            extra = self._extra()
            if isinstance(error, ConnectionClosedError):
                extra.update(close_code=error.code, close_reason=escape(error.reason))
            logger.log(level, "%s", Escaped(error), extra=extra)
            self._protocol.connection_lost(error)

    def _abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    async def _teardown(self) -> None:
        """Stop the receive task of the current transport (the socket must be closing)."""
        reader, self._reader = self._reader, None
        self._transport = None
        if reader is None:
            return
        if not reader.done():
            # The socket was closed or aborted, so recv() ends promptly; bound it anyway.
            try:
                async with asyncio.timeout(self.config.timeouts.close):
                    await asyncio.shield(reader)
            except TimeoutError:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader

    # --- requests ----------------------------------------------------------------------------

    async def respond(self, request: ResponseRequest) -> ResponseResult:
        """Send ``request`` and return its result, retrying and reconnecting as needed.

        Raises :class:`RealtimeStateError` if the session is closed or was never opened, the
        request's own error when it is not retryable, or :class:`RetryExhaustedError`.
        """
        if self._closed:
            raise RealtimeStateError("session is closed")
        if not self._connected_once:
            raise RealtimeStateError("session is not open; use 'async with RealtimeSession(...)'")
        if request.out_of_band:
            return await with_retries(
                self._retry_context, lambda: self._attempt(request, None), hold=True
            )
        async with self._in_band_lock:
            # One record of the items across attempts: once in the conversation, never resent.
            conversation = InBandItems(request.items())
            return await with_retries(
                self._retry_context, lambda: self._attempt(request, conversation), hold=True
            )

    async def _attempt(
        self, request: ResponseRequest, conversation: InBandItems | None
    ) -> ResponseResult:
        await self._ensure_open()
        return await self._respond_once(request, conversation)

    async def _respond_once(
        self, request: ResponseRequest, conversation: InBandItems | None
    ) -> ResponseResult:
        transport = self._transport
        if transport is None or self.state is not SessionState.OPEN:
            raise ConnectionClosedError("connection lost before the request was sent")
        waiter: asyncio.Future[ResponseResult] = asyncio.get_running_loop().create_future()
        request_id, frames = self._protocol.start_response(request, waiter, conversation)
        logger.debug("request sent", extra=self._extra(request_id))
        try:
            for frame in frames:
                await transport.send(frame)
            result = await self._await_response(waiter, transport, request_id)
        except asyncio.CancelledError:
            # The caller gave up: the rest of the stream is unusable, drop the socket now.
            self._protocol.abandon(request_id)
            transport.abort()
            raise
        except RealtimeTimeoutError as exc:
            cancel = self._protocol.abandon(request_id)
            if exc.phase == "idle":
                # Silence mid-response: the connection itself is suspect; reconnect next time.
                transport.abort()
            else:
                for frame in cancel:
                    with contextlib.suppress(RealtimeError):
                        await transport.send(frame)
            logger.warning("%s", Escaped(exc), extra=self._extra(request_id))
            raise
        except RealtimeError:
            # E.g. a broken frame failed the request while its response still runs: cancel it.
            for frame in self._protocol.abandon(request_id):
                with contextlib.suppress(RealtimeError):
                    await transport.send(frame)
            raise
        finally:
            self._protocol.abandon(request_id)
            _settle(waiter)
        logger.debug(
            "response %s", result.status, extra={**self._extra(request_id), "status": result.status}
        )
        return result

    async def _await_response(
        self, waiter: asyncio.Future[ResponseResult], transport: Transport, request_id: str
    ) -> ResponseResult:
        """The result of ``request_id``, under the response timeout and, once the server has
        started the response, the idle timeout.

        Before the start the server is still queueing the request, and silence then says
        nothing about the connection: only the response timeout applies. The start is looked
        for at least every ``idle`` seconds; the silence is measured from the last frame, which
        is never older than the start.
        """
        timeouts = self.config.timeouts
        loop = asyncio.get_running_loop()
        started = False
        try:
            async with asyncio.timeout(timeouts.response) as scope:
                while True:
                    started = started or self._protocol.response_started(request_id)
                    wait = timeouts.idle
                    if started:
                        wait = transport.last_frame_at + timeouts.idle - loop.time()
                        if wait <= 0:
                            raise RealtimeTimeoutError(
                                f"no event for {timeouts.idle:g}s in the middle of a response",
                                phase="idle",
                                timeout=timeouts.idle,
                            )
                    done, _ = await asyncio.wait((waiter,), timeout=wait)
                    if done:
                        return waiter.result()
        except TimeoutError as exc:
            if not isinstance(exc, RealtimeTimeoutError) and scope.expired():
                started = started or self._protocol.response_started(request_id)
                queued = "" if started else " (the server never started it: no response.created)"
                raise RealtimeTimeoutError(
                    f"response did not complete within {timeouts.response:g}s{queued}",
                    phase="response",
                    timeout=timeouts.response,
                ) from exc
            raise

    # --- closing -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Close with 1000, wait at most the close timeout, abort otherwise. Idempotent."""
        async with self._close_lock:
            if self._closed and self._transport is None and self._reader is None:
                return
            self._closed = True
            self._protocol.closing()
            transport = self._transport
            try:
                if transport is not None and not transport.closed:
                    await transport.close(1000, "client closing", grace=self.config.timeouts.close)
            finally:
                self._abort()
                await self._teardown()
                if self.state is not SessionState.CLOSED:
                    self._protocol.transition(SessionState.CLOSED)
            logger.info("session closed", extra=self._extra())
