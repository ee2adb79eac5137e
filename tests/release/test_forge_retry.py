"""The forge retry policy: classification, server waits and the bounded schedule (pure)."""

from __future__ import annotations

import pytest

from release_tools.release.forge.retry import (
    Retry,
    RetryKind,
    RetryPolicy,
    classify,
    server_wait,
)

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("status", "headers", "message", "kind"),
    [
        (200, {}, "", None),
        (201, {}, "", None),
        (500, {}, "", RetryKind.SERVER_ERROR),
        (502, {}, "", RetryKind.SERVER_ERROR),
        (503, {}, "", RetryKind.SERVER_ERROR),
        (401, {}, "Bad credentials", None),
        (404, {}, "Not Found", None),
        (422, {}, "Validation Failed", None),
        (403, {}, "Resource not accessible by integration", None),
        (403, {"Retry-After": "5"}, "", RetryKind.SECONDARY_RATE_LIMIT),
        (403, {}, "You have exceeded a secondary rate limit", RetryKind.SECONDARY_RATE_LIMIT),
        (429, {"retry-after": "5"}, "", RetryKind.SECONDARY_RATE_LIMIT),
        (403, {"X-RateLimit-Remaining": "0"}, "API rate limit exceeded", RetryKind.RATE_LIMIT),
        (403, {"x-ratelimit-remaining": "12"}, "forbidden", None),
        (429, {"RateLimit-Remaining": "0"}, "", RetryKind.RATE_LIMIT),
        (429, {}, "", RetryKind.RATE_LIMIT),
    ],
)
def test_classify(
    status: int, headers: dict[str, str], message: str, kind: RetryKind | None
) -> None:
    assert classify(status, headers, message) is kind


def test_server_wait_forms() -> None:
    assert server_wait({"Retry-After": "7"}, NOW) == 7.0
    assert server_wait({"Retry-After": "-3"}, NOW) == 0.0
    # 1_700_000_040 is Tue, 14 Nov 2023 22:14:00 GMT.
    assert server_wait({"Retry-After": "Tue, 14 Nov 2023 22:14:00 GMT"}, NOW) == 40.0
    assert server_wait({"x-ratelimit-reset": str(int(NOW) + 30)}, NOW) == 31.0
    assert server_wait({"x-ratelimit-reset": str(int(NOW) - 30)}, NOW) == 0.0
    assert server_wait({"Retry-After": "soon"}, NOW) is None
    assert server_wait({}, NOW) is None


def _policy(**kwargs: float) -> RetryPolicy:
    return RetryPolicy(rng=lambda: 0.0, **kwargs)  # type: ignore[arg-type]


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = _policy(base=1.0, factor=2.0, cap=5.0)
    assert [policy.backoff(n) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert policy.backoff(10_000) == 5.0
    jittered = RetryPolicy(base=1.0, jitter=0.5, rng=lambda: 1.0)
    assert jittered.backoff(0) == 0.5


def test_decide_follows_the_server_and_the_limits() -> None:
    policy = _policy(max_retries=3, max_total_wait=100.0, secondary_floor=60.0)
    assert policy.decide(None, attempt=0, waited=0) is None
    assert policy.decide(RetryKind.SERVER_ERROR, attempt=0, waited=0) == Retry(
        1.0, RetryKind.SERVER_ERROR
    )
    # A failing server may ask for longer than the backoff, never for less.
    assert policy.decide(RetryKind.SERVER_ERROR, attempt=2, waited=0, wait_asked=0.5) == Retry(
        4.0, RetryKind.SERVER_ERROR
    )
    assert policy.decide(RetryKind.RATE_LIMIT, attempt=2, waited=0, wait_asked=0.5) == Retry(
        0.5, RetryKind.RATE_LIMIT
    )
    assert policy.decide(RetryKind.SECONDARY_RATE_LIMIT, attempt=0, waited=0) == Retry(
        60.0, RetryKind.SECONDARY_RATE_LIMIT
    )
    # The retries are counted, and the total wait is bounded.
    assert policy.decide(RetryKind.SERVER_ERROR, attempt=3, waited=0) is None
    assert policy.decide(RetryKind.RATE_LIMIT, attempt=0, waited=0, wait_asked=101) is None
    assert policy.decide(RetryKind.RATE_LIMIT, attempt=1, waited=50, wait_asked=51) is None
    assert policy.decide(RetryKind.RATE_LIMIT, attempt=1, waited=50, wait_asked=50) == Retry(
        50.0, RetryKind.RATE_LIMIT
    )


def test_the_schedule_with_a_fake_clock() -> None:
    """Replaying a run of failures: the waits add up, and the policy stops at the bound."""
    policy = _policy(max_retries=10, base=1.0, cap=8.0, max_total_wait=20.0)
    waited, attempt, waits = 0.0, 0, []
    while decision := policy.decide(RetryKind.SERVER_ERROR, attempt=attempt, waited=waited):
        waits.append(decision.delay)
        waited += decision.delay
        attempt += 1
    assert waits == [1.0, 2.0, 4.0, 8.0]  # the next 8 would cross the 20 s bound
    assert waited <= 20.0


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(factor=0.5)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=2)
