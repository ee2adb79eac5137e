"""Backoff schedule and classifier: pure, no sleeping."""

from __future__ import annotations

import asyncio

import pytest

from release_tools.realtime.exceptions import (
    AuthenticationError,
    ConnectionClosedError,
    HandshakeError,
    InsecureTransportError,
    RateLimitError,
    RealtimeProtocolError,
    RealtimeTimeoutError,
    ServerError,
)
from release_tools.realtime.retry import RetryPolicy, is_retryable


def test_exponential_schedule_without_jitter() -> None:
    policy = RetryPolicy(jitter=0.0)
    assert [policy.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert policy.delay(500) == 8.0


def test_jitter_subtracts_up_to_its_share() -> None:
    assert RetryPolicy(jitter=0.25, rng=lambda: 0.0).delay(2) == 2.0
    assert RetryPolicy(jitter=0.25, rng=lambda: 0.999999).delay(2) == pytest.approx(1.5, abs=1e-5)


def test_server_wait_wins_when_longer_and_is_bounded() -> None:
    policy = RetryPolicy(jitter=0.0, max_server_wait=30.0)
    assert policy.delay(0, server_wait=6.2) == 6.2
    assert policy.delay(4, server_wait=0.1) == 8.0
    assert policy.delay(0, server_wait=3600) == 30.0
    assert policy.delay(0, server_wait=None) == 0.5


def test_server_waits_are_refused_without_retries_or_beyond_the_budget() -> None:
    policy = RetryPolicy(max_retries=3, max_server_wait=10.0)
    assert policy.refuse_server_wait(6.0, waited=0.0, retries_left=3) is None
    assert policy.refuse_server_wait(4.0, waited=6.0, retries_left=2) is None
    assert policy.refuse_server_wait(6.0, waited=6.0, retries_left=2) == (
        "longer than the 4s left of max_server_wait (10s per request)"
    )
    assert policy.refuse_server_wait(1.0, waited=0.0, retries_left=0) == "no retries left"
    off = RetryPolicy(max_retries=0)
    assert off.refuse_server_wait(0.1, waited=0.0, retries_left=0) == (
        "retries are off (max_retries 0)"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"factor": 0.5},
        {"jitter": 2.0},
        {"base": -1.0},
        {"max_server_wait": -1.0},
    ],
)
def test_invalid_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ConnectionClosedError("drop", code=1006), True),
        (ConnectionClosedError("away", code=1001), True),
        (ConnectionClosedError("ka", code=1011), True),
        (ConnectionClosedError("restart", code=1012), True),
        (ConnectionClosedError("later", code=1013), True),
        (ConnectionClosedError("none", code=1005), True),
        (ConnectionClosedError("fatal", code=4000), False),
        (ConnectionClosedError("normal", code=1000), False),
        (HandshakeError("429", status=429), True),
        (HandshakeError("502", status=502), True),
        (HandshakeError("404", status=404), False),
        (AuthenticationError("401", status=401), False),
        (RateLimitError("slow down", retry_after=1.0), True),
        (RateLimitError("billing", code="insufficient_quota"), False),
        (ServerError("x", type="server_error", code="server_error"), True),
        (ServerError("x", type="invalid_request_error", code="invalid_value"), False),
        (ServerError("x", type="invalid_request_error", code="beta_api_shape_disabled"), False),
        (RealtimeTimeoutError("slow", phase="response"), True),
        (RealtimeProtocolError("garbage"), True),
        (InsecureTransportError("ws"), False),
        (asyncio.CancelledError(), False),
        (ValueError("foreign"), False),
    ],
)
def test_classifier(exc: BaseException, expected: bool) -> None:
    assert is_retryable(exc) is expected
    assert RetryPolicy().is_retryable(exc) is expected
