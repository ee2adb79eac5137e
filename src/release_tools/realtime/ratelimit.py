"""Rate-limit state shared by every session of a client; fed by server signals; no I/O.

Signals that feed it:

* ``rate_limits.updated``: ``requests`` / ``tokens`` entries with ``remaining`` and
  ``reset_seconds``;
* the legacy ``rate_limit`` event (``remaining_requests``, absolute ``reset_at``,
  ``retry_after`` seconds) and ``backoff`` event (``wait_ms``); the real API sends neither, but
  compatible servers may;
* a failed ``response.done`` whose message says "Please try again in 6.2s" (also ``174ms``,
  ``1m26.4s``);
* a handshake 429 with ``retry-after-ms`` / ``retry-after``.

:meth:`RateLimitState.wait_time` answers how long to hold the next request: when a budget is
exhausted, wait until it resets; otherwise the larger of the server's retry-after and backoff.
Every wait is stored as a deadline, so it expires instead of being applied forever. Times are
read from an injectable monotonic clock (and a wall clock for absolute ``reset_at`` values), so
tests never sleep.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

from release_tools.realtime.credentials import redacting_logger
from release_tools.realtime.events import RateLimitEntry

__all__ = [
    "Clock",
    "RateLimitState",
    "SystemClock",
    "parse_retry_after_headers",
    "parse_retry_after_message",
]

logger = redacting_logger(__name__)

_TRY_AGAIN = re.compile(r"(?i)try again in\s+((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)")
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class Clock(Protocol):
    """Time as the realtime client sees it; inject a fake one so tests never really sleep."""

    def monotonic(self) -> float:
        """Monotonic seconds (deadlines, waits)."""
        ...

    def time(self) -> float:
        """Unix seconds (absolute reset times sent by servers)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (rate-limit waits and retry backoff)."""
        ...


class SystemClock:
    """The real clock: ``time.monotonic``, ``time.time`` and ``asyncio.sleep``."""

    def monotonic(self) -> float:
        """Monotonic seconds."""
        return time.monotonic()

    def time(self) -> float:
        """Unix seconds."""
        return time.time()

    async def sleep(self, seconds: float) -> None:
        """Sleep on the event loop."""
        await asyncio.sleep(seconds)


def parse_retry_after_message(message: str) -> float | None:
    """Seconds from "try again in 6.2s" / "174ms" / "1m26.4s" in an error message, else None."""
    match = _TRY_AGAIN.search(message or "")
    if match is None:
        return None
    return sum(float(num) * _UNIT[unit] for num, unit in _PART.findall(match.group(1)))


def parse_retry_after_headers(
    headers: Mapping[str, str], wall_now: float | None = None
) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds or HTTP date), else None."""
    lowered = {key.lower(): value for key, value in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    now = time.time() if wall_now is None else wall_now
    return max(0.0, when.timestamp() - now)


def _parse_reset_at(value: str | float) -> float | None:
    """An absolute reset time (ISO 8601 string or unix seconds) as unix seconds."""
    if isinstance(value, int | float):
        return float(value)
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


class RateLimitState:
    """Request/token budgets and server-imposed waits, as deadlines on a monotonic clock.

    One instance may be shared by all sessions of a pool. ``clock`` is monotonic seconds;
    ``wall_clock`` is unix seconds, used only to convert absolute ``reset_at`` values.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.clock = clock
        self.wall_clock = wall_clock
        self.remaining_requests: float | None = None
        self.requests_reset_at: float | None = None
        self.remaining_tokens: float | None = None
        self.tokens_reset_at: float | None = None
        self.retry_until: float = 0.0
        self.backoff_until: float = 0.0

    # --- feeding -------------------------------------------------------------------------------

    def update_from_entries(self, entries: Iterable[RateLimitEntry]) -> None:
        """Apply a ``rate_limits.updated`` list (unknown names are ignored)."""
        now = self.clock()
        for entry in entries:
            reset_at = None if entry.reset_seconds is None else now + entry.reset_seconds
            if entry.name == "requests":
                self.remaining_requests = entry.remaining
                self.requests_reset_at = reset_at
            elif entry.name == "tokens":
                self.remaining_tokens = entry.remaining
                self.tokens_reset_at = reset_at
        logger.debug(
            "rate limits updated",
            extra={
                "remaining_requests": self.remaining_requests,
                "remaining_tokens": self.remaining_tokens,
            },
        )

    def update_from_seed(
        self,
        remaining_requests: float | None = None,
        reset_at: str | float | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Apply the legacy ``rate_limit`` event (absolute ``reset_at``, ``retry_after`` s)."""
        now = self.clock()
        if remaining_requests is not None:
            self.remaining_requests = remaining_requests
        if reset_at is not None:
            wall = _parse_reset_at(reset_at)
            if wall is not None:
                self.requests_reset_at = now + (wall - self.wall_clock())
        if retry_after is not None:
            self.note_retry_after(retry_after)

    def note_retry_after(self, seconds: float) -> None:
        """The server said: retry after ``seconds`` (429, "try again in", legacy retry_after)."""
        self.retry_until = max(self.retry_until, self.clock() + max(0.0, seconds))

    def note_backoff(self, wait_ms: float) -> None:
        """The legacy ``backoff`` event: hold requests for ``wait_ms`` milliseconds."""
        self.backoff_until = max(self.backoff_until, self.clock() + max(0.0, wait_ms) / 1000.0)

    def seconds_until_reset(self, now: float | None = None) -> float | None:
        """Seconds until the later known budget reset, or None when no reset is known."""
        if now is None:
            now = self.clock()
        resets = [at - now for at in (self.requests_reset_at, self.tokens_reset_at) if at]
        return max(resets) if resets and max(resets) > 0 else None

    # --- asking ------------------------------------------------------------------------------

    def wait_time(self, now: float | None = None) -> float:
        """Seconds to wait before the next request (0.0 when it may go now).

        An exhausted budget (requests or tokens) whose reset lies ahead wins; otherwise the
        longer of the pending retry-after and backoff.
        """
        return self.pending_wait(now)[0]

    def pending_wait(self, now: float | None = None) -> tuple[float, str]:
        """:meth:`wait_time` and what imposes it, in words for a log line or an error.

        ``(0.0, "")`` when the next request may go now.
        """
        if now is None:
            now = self.clock()
        exhausted, cause = 0.0, ""
        for name, remaining, reset_at in (
            ("requests", self.remaining_requests, self.requests_reset_at),
            ("tokens", self.remaining_tokens, self.tokens_reset_at),
        ):
            used_up = remaining is not None and remaining <= 0 and reset_at is not None
            if used_up and reset_at is not None and reset_at - now > exhausted:
                exhausted, cause = reset_at - now, f"the {name} budget is used up until it resets"
        if exhausted > 0:
            return exhausted, cause
        retry, backoff = self.retry_until - now, self.backoff_until - now
        if retry <= 0 and backoff <= 0:
            return 0.0, ""
        if retry >= backoff:
            return retry, "a retry-after from the server"
        return backoff, "a backoff event from the server"
