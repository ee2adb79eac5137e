"""The retry loop of a session's operations, and the waits the server asks for.

:func:`with_retries` runs an operation (connect, or one request) under a :class:`RetryPolicy`:
a retryable :class:`RealtimeError` is retried after the policy's backoff, a server-requested wait
(a ``Retry-After``, a ``rate_limits.updated`` reset) is slept only while the request's
``max_server_wait`` allows it, and a refused wait fails the request at once with a
:class:`RateLimitError` that names it. Waits of :data:`LONG_WAIT` seconds or more are logged as
warnings so that a long pause never looks like a hang.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from release_tools.realtime.credentials import redacting_logger
from release_tools.realtime.exceptions import RateLimitError, RealtimeError, RetryExhaustedError
from release_tools.realtime.logtext import Escaped
from release_tools.realtime.ratelimit import Clock, RateLimitState
from release_tools.realtime.retry import RetryPolicy

__all__ = ["LONG_WAIT", "RetryContext", "seconds", "with_retries"]

logger = redacting_logger(__name__)

T = TypeVar("T")

#: Seconds from which a wait is logged as a warning (how long, and why) instead of at info
#: level: a run that stops for longer than this without a word looks hung.
LONG_WAIT = 5.0


def seconds(value: float) -> str:
    """A duration for a message: seconds, to the millisecond."""
    return f"{round(value, 3):g}s"


def _wait_refused(exc: RateLimitError, wait: float, reason: str) -> RateLimitError:
    """A copy of ``exc`` whose message names the server's wait and why it was not waited.

    A copy, so that the class (a handshake 429 stays one) and the fields (``retryable``: the
    classifier's verdict for a caller who may try later) are kept.
    """
    refused = copy.copy(exc)
    refused.args = (f"{exc} (the server asked to wait {seconds(wait)}; not waited: {reason})",)
    refused.retry_after = wait
    return refused


@dataclass(frozen=True, slots=True)
class RetryContext:
    """What the retry loop needs from the session that runs it."""

    policy: RetryPolicy
    rate_limits: RateLimitState
    clock: Clock
    #: Whether the session was closed meanwhile (nothing is retried then).
    closed: Callable[[], bool]
    #: The structured-log fields of the session.
    extra: Callable[[], dict[str, Any]]


async def _hold_for_rate_limits(ctx: RetryContext, waited: float) -> float:
    """Sleep the wait the shared rate-limit state asks for before a request; return it.

    The wait counts against the request's ``max_server_wait`` like the ones its errors carry.
    Refused only when retries are off or it does not fit in what is left: the last attempt of a
    request may still be held, it is not a retry.
    """
    wait, cause = ctx.rate_limits.pending_wait(ctx.clock.monotonic())
    if wait <= 0:
        return 0.0
    policy = ctx.policy
    refusal = policy.refuse_server_wait(wait, waited=waited, retries_left=policy.max_retries)
    if refusal is not None:
        error = RateLimitError(
            f"rate limited: the server asked to wait {seconds(wait)} ({cause}); "
            f"not waited: {refusal}",
            retry_after=wait,
        )
        logger.warning("%s", Escaped(error), extra=ctx.extra())
        raise error
    level = logging.WARNING if wait >= LONG_WAIT else logging.INFO
    extra = ctx.extra()
    extra.update(delay=round(wait, 3))
    logger.log(
        level, "waiting %s before the request: %s", seconds(wait), Escaped(cause), extra=extra
    )
    await ctx.clock.sleep(wait)
    return wait


async def with_retries(
    ctx: RetryContext, operation: Callable[[], Awaitable[T]], *, hold: bool = False
) -> T:
    """Run ``operation`` under the retry policy; with ``hold``, after any rate-limit wait.

    Waits the server asked for (in the shared rate-limit state, or carried by a
    :class:`RateLimitError`) are slept only as the policy allows
    (:meth:`RetryPolicy.refuse_server_wait`); otherwise the request fails at once with a
    :class:`RateLimitError` naming the wait.
    """
    policy = ctx.policy
    attempt = 0
    waited = 0.0  # slept at the server's request, counted against policy.max_server_wait
    while True:
        if hold:
            waited += await _hold_for_rate_limits(ctx, waited)
        try:
            return await operation()
        except RealtimeError as exc:
            wait = exc.retry_after if isinstance(exc, RateLimitError) else None
            if wait:
                # Shared with the other sessions of a pool: they hold off too.
                ctx.rate_limits.note_retry_after(wait)
            if ctx.closed() or not policy.is_retryable(exc):
                raise
            error: RealtimeError = exc
            refusal = None
            if isinstance(exc, RateLimitError) and wait:
                left = policy.max_retries - attempt
                refusal = policy.refuse_server_wait(wait, waited=waited, retries_left=left)
                if refusal is not None:
                    error = _wait_refused(exc, wait, refusal)
            if attempt >= policy.max_retries:
                if policy.max_retries == 0:
                    if error is exc:
                        raise
                    raise error from exc
                raise RetryExhaustedError(
                    f"gave up after {attempt + 1} attempts: {error}",
                    attempts=attempt + 1,
                    last=error,
                ) from exc
            if refusal is not None:
                logger.warning("%s", Escaped(error), extra=ctx.extra())
                raise error from exc
            delay = policy.delay(attempt, wait)
            if wait:
                waited += delay
            extra = ctx.extra()
            extra.update(attempt=attempt + 1, delay=round(delay, 3), error=type(exc).__name__)
            asked = f" (the server asked for {seconds(wait)})" if wait else ""
            message = "attempt failed (%s); retrying in %s%s"
            logger.warning(message, Escaped(exc), seconds(delay), asked, extra=extra)
            await ctx.clock.sleep(delay)
            attempt += 1
