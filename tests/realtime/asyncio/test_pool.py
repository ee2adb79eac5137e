"""SessionPool: one response per session, shared rate limits, keepalive, dead sessions replaced."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from fake_clock import FakeClock
from release_tools.realtime import (
    ClientConfig,
    RealtimeSession,
    ResponseRequest,
    RetryPolicy,
    SessionConfig,
    SessionPool,
    SessionState,
    Timeouts,
)
from release_tools.realtime.exceptions import (
    AuthenticationError,
    IncompleteResponseError,
    RealtimeStateError,
)
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedRealtimeServer,
)

KEY = "sk-canary-pool-0123456789abcdefghij"
SESSION = SessionConfig(instructions="pool test")


def make_config(url: str, **kwargs: Any) -> ClientConfig:
    kwargs.setdefault("timeouts", Timeouts(connect=2.0, session=1.0, response=5.0, close=0.5))
    kwargs.setdefault("retry", RetryPolicy(max_retries=2, base=0.01, jitter=0.0))
    return ClientConfig(url=url, model="gpt-realtime", api_key=KEY, **kwargs)


def echo(event: dict[str, Any]) -> Reply:
    text = event["response"]["input"][0]["content"][0]["text"]
    return Reply(text=text.upper(), chunk_size=1, delta_delay=0.002)


async def test_one_response_in_flight_per_session() -> None:
    async with ScriptedRealtimeServer(default=echo) as server:
        async with SessionPool(make_config(server.url), SESSION, size=3) as pool:
            words = [f"w{i}" for i in range(9)]
            results = await asyncio.gather(
                *(pool.respond(ResponseRequest(input_text=w)) for w in words)
            )
            assert [r.text for r in results] == [w.upper() for w in words]
            assert len(pool.sessions) == 3
        assert server.connection_count == 3
        assert [c.max_active_responses for c in server.connections] == [1, 1, 1]
        assert all(session.state is SessionState.CLOSED for session in pool.sessions)
        await asyncio.wait_for(server.wait_closed(), 2)


async def test_rate_limits_are_shared_between_sessions() -> None:
    exhausted = ({"name": "requests", "limit": 10, "remaining": 0, "reset_seconds": 2.0},)
    replies = [Reply(text="first", rate_limits=exhausted), "second"]
    clock = FakeClock()
    async with ScriptedRealtimeServer(replies) as server:
        async with SessionPool(make_config(server.url), SESSION, size=2, clock=clock) as pool:
            assert all(s.rate_limits is pool.rate_limits for s in pool.sessions)
            await pool.respond(ResponseRequest(input_text="a"))
            await pool.respond(ResponseRequest(input_text="b"))
        # The second request ran on the other session and still waited for the reset.
        creates = [len(c.events_of_type("response.create")) for c in server.connections]
        assert creates == [1, 1]
        assert clock.sleeps == [pytest.approx(2.0)]


async def test_dead_session_is_replaced() -> None:
    replies = [Reply(text="then dies", close_after_done=True, drop_code=1011), "fresh"]
    async with ScriptedRealtimeServer(replies) as server:
        async with SessionPool(make_config(server.url), SESSION, size=1) as pool:
            first = await pool.respond(ResponseRequest(input_text="a"))
            [old] = pool.sessions
            await asyncio.wait_for(server.wait_closed(), 2)
            await asyncio.wait_for(old.wait_disconnected(), 2)
            assert not old.healthy
            second = await pool.respond(ResponseRequest(input_text="b"))
            [new] = pool.sessions
            assert new is not old
            assert old.state is SessionState.CLOSED
            assert pool.replacements == 1
        assert (first.text, second.text) == ("then dies", "fresh")
        assert server.connection_count == 2


async def test_cancelled_request_gets_its_session_replaced() -> None:
    replies = [Reply(text="abc", chunk_size=1, stall_after_deltas=1), "next"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        SessionPool(make_config(server.url), SESSION, size=1) as pool,
    ):
        task = asyncio.create_task(pool.respond(ResponseRequest(input_text="a")))
        await asyncio.wait_for(server.wait_for_event("response.create"), 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        result = await pool.respond(ResponseRequest(input_text="b"))
        assert result.text == "next"
        assert pool.replacements == 1


async def test_failed_open_closes_everything_and_raises_the_error() -> None:
    scripts = [ConnectionScript(), ConnectionScript(reject=Rejection(401))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        pool = SessionPool(make_config(server.url), SESSION, size=2)
        with pytest.raises(AuthenticationError):
            await pool.open()
        assert all(s.state is SessionState.CLOSED for s in pool.sessions)
        await asyncio.wait_for(server.wait_closed(), 2)


async def test_pool_misuse_is_a_state_error() -> None:
    async with ScriptedRealtimeServer() as server:
        pool = SessionPool(make_config(server.url), SESSION, size=1)
        with pytest.raises(RealtimeStateError, match="not open"):
            await pool.respond(ResponseRequest(input_text="x"))
        async with pool:
            pass
        await pool.close()  # idempotent
        with pytest.raises(RealtimeStateError):
            await pool.respond(ResponseRequest(input_text="x"))
        with pytest.raises(RealtimeStateError):
            await pool.open()
    with pytest.raises(ValueError):
        SessionPool(make_config("ws://127.0.0.1:1/"), SESSION, size=0)


async def test_keepalive_ping_timeout_marks_the_session_dead(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A peer that stops reading never answers pings: the client closes with 1011."""

    release = asyncio.Event()

    async def frozen_server(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"type": "session.created", "session": {"id": "sess_frozen"}}))
        await ws.recv()  # session.update
        await ws.send(json.dumps({"type": "session.updated", "session": {"id": "sess_frozen"}}))
        ws.transport.pause_reading()  # pings pile up unanswered
        await release.wait()
        ws.transport.abort()

    caplog.set_level(logging.WARNING, logger="release_tools.realtime")
    async with serve(frozen_server, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1] if server.sockets else 0
        config = make_config(f"ws://127.0.0.1:{port}/", ping_interval=0.05, ping_timeout=0.05)
        async with RealtimeSession(config, SESSION) as session:
            assert session.healthy
            await asyncio.wait_for(session.wait_disconnected(), 3)
            assert session.state is SessionState.CLOSED
            assert not session.healthy
            release.set()
    closes = [r for r in caplog.records if getattr(r, "close_code", None) == 1011]
    assert closes, "the keepalive failure was not logged with its close code"


async def test_closing_the_pool_wakes_queued_callers() -> None:
    replies = [Reply(text="abc", chunk_size=1, stall_after_deltas=1)]
    async with ScriptedRealtimeServer(replies) as server:
        pool = SessionPool(make_config(server.url), SESSION, size=1)
        await pool.open()
        busy = asyncio.create_task(pool.respond(ResponseRequest(input_text="a")))
        await asyncio.wait_for(server.wait_for_event("response.create"), 2)
        queued = asyncio.create_task(pool.respond(ResponseRequest(input_text="b")))
        await asyncio.sleep(0)
        await pool.close()
        with pytest.raises(IncompleteResponseError):
            await asyncio.wait_for(busy, 2)
        with pytest.raises(RealtimeStateError, match="closed"):
            await asyncio.wait_for(queued, 2)
        assert server.connection_count == 1
