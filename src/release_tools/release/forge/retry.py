"""When a forge request is worth another attempt, and how long to wait first. Pure.

Nothing here sleeps or performs I/O: :class:`RetryPolicy` is given the facts of a response
(status, headers, message) and the time, and returns a verdict. The HTTP client
(:mod:`.http`) sleeps with its injectable ``sleep`` and asks again.

What is retried:

* server errors (500, 502, 503, 504) and transport failures (connection refused, timeouts):
  exponential backoff with jitter, capped;
* GitHub's secondary rate limits: 403 or 429 with ``Retry-After``, or whose message says
  "secondary rate limit"; the wait is ``Retry-After``, else at least a minute, as GitHub asks;
* primary rate limits: 403 or 429 with ``x-ratelimit-remaining: 0`` (GitLab:
  ``RateLimit-Remaining``); the wait runs until ``x-ratelimit-reset`` (a Unix time) or
  ``Retry-After``;
* any 429 (GitLab's rate limit), after its ``Retry-After`` or the backoff.

The total time spent waiting is bounded (``max_total_wait``): a wait that would cross the
bound is not started, so the caller fails at once with the server's reason rather than
hanging a CI job for an hour.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

__all__ = ["Retry", "RetryKind", "RetryPolicy", "classify", "server_wait"]

_SERVER_ERRORS = frozenset({500, 502, 503, 504})


class RetryKind(enum.Enum):
    """Why a request failed in a way that may pass on a later attempt."""

    SERVER_ERROR = "server error"
    TRANSPORT = "network error"
    SECONDARY_RATE_LIMIT = "secondary rate limit"
    RATE_LIMIT = "rate limit"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def classify(status: int, headers: Mapping[str, str], message: str = "") -> RetryKind | None:
    """The retryable kind of a response, or None when it is final (a success or a refusal)."""
    if status in _SERVER_ERRORS:
        return RetryKind.SERVER_ERROR
    if status not in (403, 429):
        return None
    remaining = _header(headers, "x-ratelimit-remaining") or _header(headers, "ratelimit-remaining")
    if remaining is not None and remaining.strip() == "0":
        return RetryKind.RATE_LIMIT
    if _header(headers, "retry-after") is not None or "secondary rate limit" in message.lower():
        return RetryKind.SECONDARY_RATE_LIMIT
    if status == 429:
        return RetryKind.RATE_LIMIT
    # A 403 without rate-limit signs is a permission refusal: retrying cannot change it.
    return None


def server_wait(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked us to wait (``Retry-After``, else the rate-limit reset).

    ``now`` is the wall-clock Unix time, for ``x-ratelimit-reset`` and HTTP-date values.
    """
    retry_after = _header(headers, "retry-after")
    if retry_after is not None:
        text = retry_after.strip()
        try:
            return max(0.0, float(text))
        except ValueError:
            pass
        try:
            return max(0.0, parsedate_to_datetime(text).timestamp() - now)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    reset = _header(headers, "x-ratelimit-reset") or _header(headers, "ratelimit-reset")
    if reset is not None:
        try:
            # The reset is a whole second; one more avoids arriving just before it.
            return max(0.0, float(reset.strip()) - now + 1.0)
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class Retry:
    """A verdict: wait ``delay`` seconds, then try again."""

    delay: float
    kind: RetryKind


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter and a cap; server-given waits win; total wait bounded.

    ``max_retries`` counts retries after the first attempt. ``rng`` returns floats in [0, 1);
    inject a constant one for deterministic tests.
    """

    max_retries: int = 5
    base: float = 1.0
    factor: float = 2.0
    cap: float = 30.0
    jitter: float = 0.25
    #: The shortest wait after a secondary rate limit that gave no ``Retry-After``.
    secondary_floor: float = 60.0
    #: The most time all waits of one request may add up to.
    max_total_wait: float = 300.0
    rng: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.max_total_wait < 0:
            raise ValueError("max_retries and max_total_wait must be >= 0")
        if self.base < 0 or self.cap < 0 or self.factor < 1:
            raise ValueError("base and cap must be >= 0 and factor >= 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    def backoff(self, attempt: int) -> float:
        """The jittered exponential delay before retry ``attempt + 1`` (0-based)."""
        raw = self.cap if attempt >= 64 else min(self.cap, self.base * self.factor**attempt)
        return raw * (1.0 - self.jitter * self.rng())

    def decide(
        self,
        kind: RetryKind | None,
        *,
        attempt: int,
        waited: float,
        wait_asked: float | None = None,
    ) -> Retry | None:
        """Retry after a delay, or None: give up (the caller reports the last failure).

        ``attempt`` is the 0-based number of the attempt that just failed, ``waited`` the time
        already spent waiting for this request, ``wait_asked`` the server's own wait.
        """
        if kind is None or attempt >= self.max_retries:
            return None
        delay = self.backoff(attempt)
        if wait_asked is not None:
            # A rate limit lifts when the server says; a failing server may ask for longer
            # than our backoff, never for less.
            rate_limited = kind in (RetryKind.RATE_LIMIT, RetryKind.SECONDARY_RATE_LIMIT)
            delay = max(wait_asked, 0.0) if rate_limited else max(delay, wait_asked)
        elif kind is RetryKind.SECONDARY_RATE_LIMIT:
            delay = max(delay, self.secondary_floor)
        if waited + delay > self.max_total_wait:
            return None
        return Retry(delay, kind)
