"""Retry policy for the realtime client: a backoff schedule and a retryable/fatal classifier.

Pure: nothing here sleeps or touches the network. The session asks :meth:`RetryPolicy.delay`
how long to wait before attempt ``n + 1`` and sleeps with its (injectable) clock.

The schedule follows the REST convention of the official SDKs:
``base * factor**attempt`` capped at ``cap``, minus up to ``jitter`` of it at random so that many
clients do not retry in lockstep. A wait the server gave (``retry-after``, "try again in 6.2s")
takes precedence when it is longer, within :attr:`RetryPolicy.max_server_wait`: the waits a
server may impose on one request add up to at most that, and a wait that does not fit in what is
left fails the request at once (see :meth:`RetryPolicy.refuse_server_wait`) instead of being
slept, or cut short and retried before the server is ready.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from release_tools.realtime.exceptions import RealtimeError

__all__ = ["RetryPolicy", "is_retryable"]


def is_retryable(exc: BaseException) -> bool:
    """Say whether ``exc`` is worth another attempt.

    Realtime errors carry their own verdict (:attr:`RealtimeError.retryable`): drops with
    1001/1005/1006/1011/1012/1013, handshake 429 and 5xx, rate limits, ``server_error``, protocol
    garbage and timeouts are retryable; authentication, invalid requests, insecure transport
    and quota exhaustion are not. Cancellation and anything foreign are never retried.
    """
    if isinstance(exc, asyncio.CancelledError):
        return False
    if isinstance(exc, RealtimeError):
        return bool(exc.retryable)
    return False


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter and a cap, honouring server-given waits.

    ``max_retries`` counts retries after the first attempt (0 = no retry, and no waiting for
    the server either). ``max_server_wait`` is the most one request (or one connect) may spend
    sleeping because the server asked it to wait (rate-limit events, "try again in 6.2s",
    ``retry-after``), summed over its attempts; see :meth:`refuse_server_wait`.
    ``rng`` returns floats in [0, 1); inject a fixed one for deterministic tests.
    """

    max_retries: int = 3
    base: float = 0.5
    factor: float = 2.0
    cap: float = 8.0
    jitter: float = 0.25
    max_server_wait: float = 120.0
    rng: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.base < 0 or self.cap < 0 or self.factor < 1:
            raise ValueError("base and cap must be >= 0 and factor >= 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")
        if self.max_server_wait < 0:
            raise ValueError("max_server_wait must be >= 0")

    def backoff(self, attempt: int) -> float:
        """The jittered exponential delay before retry number ``attempt + 1`` (0-based)."""
        # min() before the power would overflow for large attempts; cap the exponent instead.
        raw = self.cap if attempt >= 64 else min(self.cap, self.base * self.factor**attempt)
        return raw * (1.0 - self.jitter * self.rng())

    def delay(self, attempt: int, server_wait: float | None = None) -> float:
        """Seconds to wait before retry ``attempt + 1``; a server's wait wins when longer."""
        computed = self.backoff(attempt)
        if server_wait is None or server_wait <= 0:
            return computed
        return max(computed, min(server_wait, self.max_server_wait))

    def refuse_server_wait(self, wait: float, *, waited: float, retries_left: int) -> str | None:
        """Why a wait of ``wait`` seconds the server asked for must fail the request at once.

        ``None`` when it may be slept: a retry is left to follow it and it fits in what the
        request's earlier server-requested waits (``waited`` seconds) left of
        :attr:`max_server_wait`. Otherwise the reason, for the error message.
        """
        if retries_left <= 0:
            return "no retries left" if self.max_retries else "retries are off (max_retries 0)"
        left = self.max_server_wait - waited
        if wait > left:
            return (
                f"longer than the {max(left, 0.0):g}s left of max_server_wait "
                f"({self.max_server_wait:g}s per request)"
            )
        return None

    def is_retryable(self, exc: BaseException) -> bool:
        """Classify ``exc``; see :func:`is_retryable`."""
        return is_retryable(exc)
