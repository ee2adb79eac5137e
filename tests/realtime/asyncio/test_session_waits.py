"""Waits the server asks for: slept within the request's budget, else the request fails at once.

Every exchange is a real WebSocket on 127.0.0.1; waits go through the fake clock, so a wait of
an hour is asserted without being slept.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from fake_clock import FakeClock
from release_tools.realtime import (
    ClientConfig,
    RealtimeSession,
    ResponseRequest,
    RetryPolicy,
    SessionConfig,
    SessionPool,
    Timeouts,
)
from release_tools.realtime.exceptions import RateLimitError, RetryExhaustedError
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedRealtimeServer,
)

KEY = "sk-canary-waits-0123456789abcdefXYZ"
SESSION = SessionConfig(instructions="You pick semver bumps.")
TIMEOUTS = Timeouts(connect=2.0, session=1.0, response=5.0, idle=2.0, close=0.5)


def _config(server: ScriptedRealtimeServer, **retry: Any) -> ClientConfig:
    retry.setdefault("max_retries", 3)
    policy = RetryPolicy(base=0.5, jitter=0.0, **retry)
    return ClientConfig(
        url=server.url, model="gpt-realtime", api_key=KEY, timeouts=TIMEOUTS, retry=policy
    )


def _ask(text: str = "bump?") -> ResponseRequest:
    return ResponseRequest(input_text=text)


def _backoff(seconds: float) -> Reply:
    """An answer that also asks, before it starts, to hold later requests for ``seconds``."""
    return Reply(text="first", events_before=({"type": "backoff", "wait_ms": seconds * 1000},))


async def test_pending_server_wait_with_retries_off_fails_at_once() -> None:
    async with ScriptedRealtimeServer([_backoff(30), "second"]) as server:
        clock = FakeClock()
        config = _config(server, max_retries=0)
        async with RealtimeSession(config, SESSION, clock=clock) as session:
            assert (await session.respond(_ask())).text == "first"
            with pytest.raises(RateLimitError) as info:
                await session.respond(_ask())
        assert clock.sleeps == []
        assert len(server.response_creates) == 1
    assert info.value.retry_after == pytest.approx(30.0)
    message = str(info.value)
    assert "asked to wait 30s" in message and "max_retries 0" in message


async def test_rate_limit_error_with_retries_off_names_the_wait() -> None:
    # No "try again in" in the message: the wait comes from the reported reset.
    limits = ({"name": "tokens", "limit": 100, "remaining": 0, "reset_seconds": 2.5},)
    failed = Reply.failed(
        type="tokens", code="rate_limit_exceeded", message="Rate limit reached.", rate_limits=limits
    )
    async with ScriptedRealtimeServer([failed]) as server:
        clock = FakeClock()
        async with RealtimeSession(_config(server, max_retries=0), SESSION, clock=clock) as s:
            with pytest.raises(RateLimitError) as info:
                await s.respond(_ask())
        assert clock.sleeps == []
    assert str(info.value).startswith("Rate limit reached.")
    assert "asked to wait 2.5s" in str(info.value)
    assert info.value.result is not None and info.value.result.status == "failed"


async def test_wait_longer_than_max_server_wait_fails_at_once() -> None:
    async with ScriptedRealtimeServer([Reply.rate_limited("1h"), "never sent"]) as server:
        clock = FakeClock()
        async with RealtimeSession(_config(server), SESSION, clock=clock) as session:
            with pytest.raises(RateLimitError) as info:
                await session.respond(_ask())
        assert clock.sleeps == []
        assert len(server.response_creates) == 1
    assert not isinstance(info.value, RetryExhaustedError)
    assert info.value.retry_after == pytest.approx(3600.0)
    message = str(info.value)
    assert "asked to wait 3600s" in message and "max_server_wait (120s per request)" in message


async def test_server_waits_of_one_request_add_up_against_max_server_wait() -> None:
    replies = [Reply.rate_limited("6s"), Reply.rate_limited("6s"), "ok"]
    async with ScriptedRealtimeServer(replies) as server:
        clock = FakeClock()
        config = _config(server, max_server_wait=10.0)
        async with RealtimeSession(config, SESSION, clock=clock) as session:
            with pytest.raises(RateLimitError) as info:
                await session.respond(_ask())
        assert clock.sleeps == [6.0]
        assert len(server.response_creates) == 2
    assert "the 4s left of max_server_wait (10s per request)" in str(info.value)


async def test_each_request_has_its_own_budget() -> None:
    replies = [Reply.rate_limited("6s"), "a", Reply.rate_limited("6s"), "b"]
    async with ScriptedRealtimeServer(replies) as server:
        clock = FakeClock()
        config = _config(server, max_server_wait=10.0)
        async with RealtimeSession(config, SESSION, clock=clock) as session:
            assert (await session.respond(_ask())).text == "a"
            assert (await session.respond(_ask())).text == "b"
        assert clock.sleeps == [6.0, 6.0]


async def test_pending_wait_over_the_budget_fails_before_sending() -> None:
    async with ScriptedRealtimeServer([_backoff(300), "second"]) as server:
        clock = FakeClock()
        async with RealtimeSession(_config(server), SESSION, clock=clock) as session:
            await session.respond(_ask())
            with pytest.raises(RateLimitError) as info:
                await session.respond(_ask())
        assert clock.sleeps == []
        assert len(server.response_creates) == 1
    message = str(info.value)
    assert "asked to wait 300s (a backoff event from the server)" in message
    assert "max_server_wait" in message


async def test_handshake_429_over_the_budget_fails_at_once() -> None:
    scripts = [ConnectionScript(reject=Rejection(429, headers={"retry-after": "600"}))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        clock = FakeClock()
        session = RealtimeSession(_config(server), SESSION, clock=clock)
        with pytest.raises(RateLimitError) as info:
            await session.connect()
        await session.close()
        assert server.connection_count == 1
    assert clock.sleeps == []
    assert info.value.status == 429  # type: ignore[attr-defined]
    assert "asked to wait 600s" in str(info.value)


async def test_long_pending_wait_is_a_warning_and_a_short_one_is_not(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="release_tools.realtime")
    replies = [_backoff(30), "second", _backoff(0.75), "fourth"]
    async with ScriptedRealtimeServer(replies) as server:
        clock = FakeClock()
        async with RealtimeSession(_config(server), SESSION, clock=clock) as session:
            for _ in range(4):
                await session.respond(_ask())
        assert clock.sleeps == [30.0, 0.75]
    waits = [r for r in caplog.records if r.getMessage().startswith("waiting ")]
    assert [(r.levelno, r.getMessage()) for r in waits] == [
        (logging.WARNING, "waiting 30s before the request: a backoff event from the server"),
        (logging.INFO, "waiting 0.75s before the request: a backoff event from the server"),
    ]


async def test_retry_warning_names_the_servers_wait(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="release_tools.realtime")
    async with ScriptedRealtimeServer([Reply.rate_limited("6.2s"), "ok"]) as server:
        clock = FakeClock()
        async with RealtimeSession(_config(server), SESSION, clock=clock) as session:
            assert (await session.respond(_ask())).text == "ok"
        assert clock.sleeps == [6.2]
    (retry,) = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert retry.getMessage().endswith("retrying in 6.2s (the server asked for 6.2s)")


async def test_pool_requests_fail_at_once_on_a_wait_another_session_learned() -> None:
    # Time stands still: the hour the server asked for never runs out.
    clock = FakeClock(advance=False)
    async with (
        ScriptedRealtimeServer([Reply.rate_limited("1h")], default="late") as server,
        SessionPool(_config(server), SESSION, size=2, clock=clock) as pool,
    ):
        with pytest.raises(RateLimitError):
            await pool.respond(_ask("1"))
        with pytest.raises(RateLimitError) as info:
            await pool.respond(_ask("2"))
        assert len(server.response_creates) == 1
    assert clock.sleeps == []
    assert "asked to wait 3600s (a retry-after from the server)" in str(info.value)
