"""Rate-limit state: fed by every signal, answers how long to wait, with a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fake_clock import FakeClock
from release_tools.realtime.events import RateLimitEntry
from release_tools.realtime.ratelimit import (
    RateLimitState,
    parse_retry_after_headers,
    parse_retry_after_message,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def state(clock: FakeClock) -> RateLimitState:
    return RateLimitState(clock=clock.monotonic, wall_clock=clock.time)


@pytest.mark.parametrize(
    ("message", "seconds"),
    [
        ("Rate limit reached ... Please try again in 6.2s. Visit", 6.2),
        ("Please try again in 174ms.", 0.174),
        ("please TRY AGAIN IN 1m26.4s", 86.4),
        ("try again in 6.232s", 6.232),
        ("try again in 2h", 7200.0),
        ("no wait mentioned", None),
        ("", None),
    ],
)
def test_parse_wait_from_message(message: str, seconds: float | None) -> None:
    result = parse_retry_after_message(message)
    if seconds is None:
        assert result is None
    else:
        assert result == pytest.approx(seconds)


def test_parse_headers_prefers_milliseconds() -> None:
    assert parse_retry_after_headers({"Retry-After-Ms": "250", "Retry-After": "9"}) == 0.25
    assert parse_retry_after_headers({"retry-after": "3"}) == 3.0
    assert parse_retry_after_headers({}) is None
    assert parse_retry_after_headers({"retry-after": "soon"}) is None


def test_parse_headers_http_date() -> None:
    wall = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    headers = {"retry-after": "Thu, 01 Jan 2026 12:00:30 GMT"}
    assert parse_retry_after_headers(headers, wall_now=wall) == pytest.approx(30.0)


def test_fresh_state_never_waits(state: RateLimitState) -> None:
    assert state.wait_time() == 0.0


def test_exhausted_requests_wait_until_reset(state: RateLimitState, clock: FakeClock) -> None:
    state.update_from_entries([RateLimitEntry(name="requests", remaining=0, reset_seconds=2.5)])
    assert state.wait_time() == pytest.approx(2.5)
    clock.advance_by(2.0)
    assert state.wait_time() == pytest.approx(0.5)
    clock.advance_by(1.0)
    assert state.wait_time() == 0.0


def test_exhausted_tokens_wait_until_reset(state: RateLimitState) -> None:
    state.update_from_entries(
        [
            RateLimitEntry(name="requests", remaining=10, reset_seconds=0.1),
            RateLimitEntry(name="tokens", remaining=0, reset_seconds=6.7),
        ]
    )
    assert state.wait_time() == pytest.approx(6.7)
    assert state.seconds_until_reset() == pytest.approx(6.7)


def test_remaining_budget_means_no_wait(state: RateLimitState) -> None:
    state.update_from_entries([RateLimitEntry(name="tokens", remaining=100, reset_seconds=9)])
    assert state.wait_time() == 0.0


def test_otherwise_larger_of_retry_after_and_backoff(
    state: RateLimitState, clock: FakeClock
) -> None:
    state.note_retry_after(1.0)
    state.note_backoff(3000)
    assert state.wait_time() == pytest.approx(3.0)
    clock.advance_by(2.0)
    assert state.wait_time() == pytest.approx(1.0)
    clock.advance_by(5.0)
    assert state.wait_time() == 0.0


def test_pending_wait_says_what_imposes_it(state: RateLimitState, clock: FakeClock) -> None:
    assert state.pending_wait() == (0.0, "")
    state.note_backoff(3000)
    state.note_retry_after(1.0)
    assert state.pending_wait() == (pytest.approx(3.0), "a backoff event from the server")
    clock.advance_by(2.5)
    state.note_retry_after(2.0)
    assert state.pending_wait() == (pytest.approx(2.0), "a retry-after from the server")
    state.update_from_entries([RateLimitEntry(name="tokens", remaining=0, reset_seconds=5.0)])
    assert state.pending_wait() == (
        pytest.approx(5.0),
        "the tokens budget is used up until it resets",
    )


def test_exhausted_budget_overrides_retry_after(state: RateLimitState) -> None:
    # getWaitTime: nothing remaining -> until the reset, even if retry_after is longer.
    state.note_retry_after(10.0)
    state.update_from_entries([RateLimitEntry(name="requests", remaining=0, reset_seconds=1.0)])
    assert state.wait_time() == pytest.approx(1.0)


def test_seed_rate_limit_event_with_absolute_reset(state: RateLimitState, clock: FakeClock) -> None:
    reset = datetime.fromtimestamp(clock.wall + 4.0, UTC).isoformat()
    state.update_from_seed(remaining_requests=0, reset_at=reset, retry_after=None)
    assert state.wait_time() == pytest.approx(4.0)
    state.update_from_seed(remaining_requests=0, reset_at=clock.wall + 8.0)
    assert state.wait_time() == pytest.approx(8.0)


def test_seed_retry_after_when_requests_remain(state: RateLimitState) -> None:
    state.update_from_seed(remaining_requests=3, reset_at=None, retry_after=2.0)
    assert state.wait_time() == pytest.approx(2.0)


def test_waits_only_grow_until_they_expire(state: RateLimitState) -> None:
    state.note_retry_after(5.0)
    state.note_retry_after(1.0)
    assert state.wait_time() == pytest.approx(5.0)


def test_explicit_now_argument(state: RateLimitState, clock: FakeClock) -> None:
    state.note_retry_after(5.0)
    assert state.wait_time(clock.now + 4.0) == pytest.approx(1.0)
