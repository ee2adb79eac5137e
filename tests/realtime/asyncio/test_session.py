"""RealtimeSession against the scripted server on 127.0.0.1: connect, respond, retry, close."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import shutil
import ssl
import subprocess
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve

from fake_clock import FakeClock
from release_tools.logs import setup_logging
from release_tools.realtime import (
    ClientConfig,
    FunctionTool,
    RealtimeSession,
    ResponseRequest,
    ResponseResult,
    RetryPolicy,
    SessionConfig,
    SessionState,
    Timeouts,
)
from release_tools.realtime.aggregate import ResponseTable
from release_tools.realtime.exceptions import (
    AuthenticationError,
    ConnectionClosedError,
    HandshakeError,
    IncompleteResponseError,
    RateLimitError,
    RealtimeConnectionError,
    RealtimeProtocolError,
    RealtimeStateError,
    RealtimeTimeoutError,
    RetryExhaustedError,
    ServerError,
)
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedRealtimeServer,
)

KEY = "sk-canary-session-0123456789abcdefXYZ"
TOOL = FunctionTool(
    "list_commits",
    "Commits between two refs",
    {"type": "object", "properties": {"from_ref": {"type": "string"}}, "required": ["from_ref"]},
)
SESSION = SessionConfig(instructions="You pick semver bumps.", tools=[TOOL])


def make_config(server: ScriptedRealtimeServer, **kwargs: Any) -> ClientConfig:
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault(
        "timeouts", Timeouts(connect=2.0, session=1.0, response=5.0, idle=2.0, close=0.5)
    )
    kwargs.setdefault("retry", RetryPolicy(max_retries=3, base=0.5, jitter=0.0))
    return ClientConfig(url=server.url, model="gpt-realtime", **kwargs)


def ask(text: str = "bump?", **kwargs: Any) -> ResponseRequest:
    return ResponseRequest(input_text=text, **kwargs)


async def answer(
    replies: list[Reply | str], request: ResponseRequest | None = None
) -> ResponseResult:
    """Run one request against a fresh server scripted with ``replies``."""
    async with contextlib.AsyncExitStack() as stack:
        server = await stack.enter_async_context(ScriptedRealtimeServer(replies))
        session = await stack.enter_async_context(
            RealtimeSession(make_config(server), SESSION, clock=FakeClock())
        )
        return await session.respond(request or ask())


async def test_text_response_end_to_end() -> None:
    async with ScriptedRealtimeServer([Reply(text="minor: new API", chunk_size=3)]) as server:
        session = RealtimeSession(make_config(server), SESSION, clock=FakeClock())
        assert session.state is SessionState.CONNECTING
        async with session:
            assert session.state is SessionState.OPEN
            assert session.session_id == server.connections[0].session_id
            result = await session.respond(ask(metadata={"job": "bump"}))
        assert session.state is SessionState.CLOSED
        assert result.text == "minor: new API"
        assert result.status == "completed"
        assert result.usage.total_tokens > 0
        assert result.metadata == {"job": "bump"}
        update = server.events_of_type("session.update")[0]["session"]
        assert update["instructions"] == "You pick semver bumps."
        assert update["tools"][0]["name"] == "list_commits"
        create = server.response_creates[0]["response"]
        assert create["conversation"] == "none"
        assert create["metadata"]["job"] == "bump"
        assert create["input"][0]["content"][0]["text"] == "bump?"
        await asyncio.wait_for(server.wait_closed(), 2)
        assert server.connections[0].close_code == 1000
        assert server.connections[0].close_reason == "client closing"
        # No task of the session outlives it.
        assert [t for t in asyncio.all_tasks() if t.get_name().startswith(session.name)] == []


async def test_function_call_response() -> None:
    reply = Reply.function_call("list_commits", '{"from_ref": "v1.0.0"}', chunk_size=4)
    result = await answer([reply], ask(tools=[TOOL], tool_choice="required"))
    [call] = result.function_calls
    assert call.name == "list_commits"
    assert call.parsed_arguments() == {"from_ref": "v1.0.0"}
    assert call.call_id


async def test_missing_done_events_fall_back_to_deltas() -> None:
    replies = [
        Reply(text="abcdefgh", chunk_size=1, omit_done_events=True, include_output_in_done=False)
    ]
    result = await answer(replies)
    assert result.text == "abcdefgh"


async def test_large_single_frame_response() -> None:
    text = "x" * (3 * 1024 * 1024)
    result = await answer([Reply(text=text, include_output_in_done=False)])
    assert result.text == text


async def test_in_band_request_adds_items_to_the_conversation() -> None:
    async with ScriptedRealtimeServer(["in band"]) as server:
        async with RealtimeSession(make_config(server), SESSION) as session:
            result = await session.respond(ask("hello", out_of_band=False))
        assert result.text == "in band"
        kinds = [e["type"] for e in server.events]
        assert kinds == ["session.update", "conversation.item.create", "response.create"]


async def test_concurrent_out_of_band_requests_share_one_session() -> None:
    def echo(event: dict[str, Any]) -> Reply:
        text = event["response"]["input"][0]["content"][0]["text"]
        return Reply(text=text.upper(), chunk_size=1, delta_delay=0.001)

    async with ScriptedRealtimeServer(default=echo) as server:
        async with RealtimeSession(make_config(server), SESSION) as session:
            results = await asyncio.gather(*(session.respond(ask(w)) for w in ("ab", "cd", "ef")))
        assert [r.text for r in results] == ["AB", "CD", "EF"]
        assert server.connection_count == 1


async def test_use_before_open_and_after_close_is_a_state_error() -> None:
    async with ScriptedRealtimeServer() as server:
        session = RealtimeSession(make_config(server), SESSION)
        with pytest.raises(RealtimeStateError, match="not open"):
            await session.respond(ask())
        async with session:
            pass
        with pytest.raises(RealtimeStateError, match="closed"):
            await session.respond(ask())
        with pytest.raises(RealtimeStateError, match="closed"):
            await session.connect()
        await session.close()  # idempotent
        assert session.state is SessionState.CLOSED


async def test_drop_mid_response_reconnects_restores_and_reruns_only_that_request() -> None:
    replies = [Reply(text="first"), Reply.dropped(after_deltas=2, text="lost answer"), "second"]
    clock = FakeClock()
    async with ScriptedRealtimeServer(replies) as server:
        async with RealtimeSession(make_config(server), SESSION, clock=clock) as session:
            first = await session.respond(ask("one"))
            old_id = session.session_id
            second = await session.respond(ask("two"))
            assert session.session_id != old_id
            assert session.connections == 2
        assert (first.text, second.text) == ("first", "second")
        assert server.connection_count == 2
        # The new connection got the configuration again, and only the interrupted request.
        updates = server.connections[1].events_of_type("session.update")
        assert updates[0]["session"]["instructions"] == "You pick semver bumps."
        assert updates[0]["session"]["tools"][0]["name"] == "list_commits"
        creates = server.connections[1].events_of_type("response.create")
        assert [c["response"]["input"][0]["content"][0]["text"] for c in creates] == ["two"]
        assert clock.sleeps == [0.5]


@pytest.mark.parametrize("code", [1001, 1005, 1006, 1011, 1012, 1013, 1000])
async def test_retryable_close_codes_are_retried(code: int) -> None:
    replies = [Reply.dropped(after_deltas=1, code=code), "after reconnect"]
    result = await answer(replies)
    assert result.text == "after reconnect"


async def test_normal_closure_mid_response_is_retried_within_the_budget() -> None:
    closing = Reply.dropped(after_deltas=1, code=1000, drop_reason="done here")
    async with ScriptedRealtimeServer(default=closing) as server:
        clock = FakeClock()
        async with RealtimeSession(make_config(server), SESSION, clock=clock) as session:
            with pytest.raises(RetryExhaustedError) as info:
                await session.respond(ask())
        assert server.connection_count == 4  # the first attempt and three retries
    assert clock.sleeps == [0.5, 1.0, 2.0]
    last = info.value.last
    assert isinstance(last, ConnectionClosedError) and last.retryable
    assert (last.code, last.reason) == (1000, "done here")
    assert "before the response completed" in str(last)


async def test_normal_closure_during_the_handshake_stays_final() -> None:
    scripts = [ConnectionScript(close_after_open=(1000, "bye"))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        session = RealtimeSession(make_config(server), SESSION, clock=FakeClock())
        with pytest.raises(ConnectionClosedError) as info:
            await session.connect()
        await session.close()
        assert server.connection_count == 1
    assert info.value.code == 1000 and not info.value.retryable


async def test_malformed_frame_is_a_retryable_protocol_error() -> None:
    replies = [Reply(text="abcd", chunk_size=1, malformed_after_deltas=2), "clean"]
    async with ScriptedRealtimeServer(replies) as server:
        async with RealtimeSession(make_config(server), SESSION, clock=FakeClock()) as session:
            result = await session.respond(ask())
            assert result.text == "clean"
            policy = RetryPolicy(max_retries=0)
        # The broken response was cancelled rather than left running.
        cancel = server.connections[0].events_of_type("response.cancel")
        assert cancel and cancel[0]["response_id"].startswith("resp_")
        server.add_replies(Reply(text="abcd", chunk_size=1, malformed_after_deltas=1))
        async with RealtimeSession(make_config(server, retry=policy), SESSION) as session:
            with pytest.raises(RealtimeProtocolError, match="not JSON"):
                await session.respond(ask())


async def test_failed_response_with_server_error_is_retried() -> None:
    async with ScriptedRealtimeServer([Reply.failed(), "recovered"]) as server:
        clock = FakeClock()
        async with RealtimeSession(make_config(server), SESSION, clock=clock) as session:
            result = await session.respond(ask())
        assert result.text == "recovered"
        assert len(server.response_creates) == 2


async def test_invalid_request_is_never_retried() -> None:
    reply = Reply.failed(type="invalid_request_error", code="invalid_value", message="bad tool")
    async with ScriptedRealtimeServer([reply]) as server:
        async with RealtimeSession(make_config(server), SESSION, clock=FakeClock()) as session:
            with pytest.raises(ServerError, match="bad tool") as info:
                await session.respond(ask())
        assert info.value.code == "invalid_value"
        assert len(server.response_creates) == 1


async def test_an_error_after_response_created_fails_the_request_at_once() -> None:
    # response.created, then an error naming no client event: the one request in flight owns
    # it. An invalid request is final: no retry, no waiting for the response timeout.
    async with ScriptedRealtimeServer([Reply.refused()], default="unused") as server:
        config = make_config(
            server, timeouts=Timeouts(connect=2.0, session=1.0, response=3.0, idle=3.0)
        )
        async with RealtimeSession(config, SESSION, clock=FakeClock()) as session:
            started = asyncio.get_running_loop().time()
            with pytest.raises(ServerError, match="the tool schema is not accepted") as info:
                await session.respond(ask())
            assert asyncio.get_running_loop().time() - started < 1.0
            assert info.value.type == "invalid_request_error" and not info.value.retryable
            # The response the server had created is cancelled; the session stays usable.
            cancel = await server.wait_for_event("response.cancel")
            assert cancel["response_id"].startswith("resp_")
            assert (await session.respond(ask())).text == "unused"
        assert len(server.response_creates) == 2
        assert server.connection_count == 1


async def test_a_server_error_after_response_created_is_retried() -> None:
    refused = Reply.refused("The server had an error.", type="server_error")
    async with ScriptedRealtimeServer([refused, "recovered"]) as server:
        async with RealtimeSession(make_config(server), SESSION, clock=FakeClock()) as session:
            assert (await session.respond(ask())).text == "recovered"
        assert len(server.response_creates) == 2


async def test_retries_are_bounded() -> None:
    async with ScriptedRealtimeServer(default=Reply.failed()) as server:
        clock = FakeClock()
        policy = RetryPolicy(max_retries=2, base=0.5, jitter=0.0)
        async with RealtimeSession(make_config(server, retry=policy), SESSION, clock=clock) as s:
            with pytest.raises(RetryExhaustedError) as info:
                await s.respond(ask())
        assert info.value.attempts == 3
        assert isinstance(info.value.last, ServerError)
        assert clock.sleeps == [0.5, 1.0]
        assert len(server.response_creates) == 3


async def test_rate_limited_response_waits_the_servers_time_then_succeeds() -> None:
    async with ScriptedRealtimeServer([Reply.rate_limited("1.5s"), "ok"]) as server:
        clock = FakeClock()
        async with RealtimeSession(make_config(server), SESSION, clock=clock) as session:
            result = await session.respond(ask())
        assert result.text == "ok"
        # Backoff would be 0.5 s; the server's 1.5 s wins, and no extra wait follows.
        assert clock.sleeps == [1.5]


async def test_exhausted_budget_delays_the_next_request() -> None:
    limits = ({"name": "requests", "limit": 10, "remaining": 0, "reset_seconds": 2.0},)
    async with ScriptedRealtimeServer([Reply(text="a", rate_limits=limits), "b"]) as server:
        clock = FakeClock()
        async with RealtimeSession(make_config(server), SESSION, clock=clock) as session:
            await session.respond(ask())
            assert clock.sleeps == []
            assert (await session.respond(ask())).text == "b"
        assert clock.sleeps == [pytest.approx(2.0)]


@pytest.mark.parametrize(
    ("event", "wait"),
    [
        ({"type": "backoff", "wait_ms": 750}, 0.75),
        ({"type": "rate_limit", "remaining_requests": 5, "retry_after": 1.25}, 1.25),
    ],
)
async def test_seed_rate_limit_events_delay_the_next_request(
    event: dict[str, Any], wait: float
) -> None:
    async with ScriptedRealtimeServer([Reply(text="a", events_after=(event,)), "b"]) as server:
        clock = FakeClock()
        async with RealtimeSession(make_config(server), SESSION, clock=clock) as session:
            await session.respond(ask())
            await session.respond(ask())
        assert clock.sleeps == [pytest.approx(wait)]


async def test_active_response_conflict_is_retried() -> None:
    result = await answer([Reply.rejected(), "after conflict"])
    assert result.text == "after conflict"


async def test_handshake_401_fails_at_once() -> None:
    scripts = [ConnectionScript(reject=Rejection(401))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        session = RealtimeSession(make_config(server), SESSION, clock=FakeClock())
        with pytest.raises(AuthenticationError):
            await session.__aenter__()
        assert server.connection_count == 1
        assert session.state is SessionState.CLOSED


async def test_handshake_429_is_retried_after_the_servers_wait() -> None:
    scripts = [ConnectionScript(reject=Rejection(429, headers={"retry-after-ms": "2500"}))]
    async with ScriptedRealtimeServer(["ok"], connection_scripts=scripts) as server:
        clock = FakeClock()
        async with RealtimeSession(make_config(server), SESSION, clock=clock) as session:
            assert (await session.respond(ask())).text == "ok"
        assert clock.sleeps == [2.5]
        assert server.connection_count == 2


async def test_handshake_5xx_exhausts_retries() -> None:
    scripts = [ConnectionScript(reject=Rejection(503))] * 3
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        policy = RetryPolicy(max_retries=2, jitter=0.0)
        session = RealtimeSession(make_config(server, retry=policy), SESSION, clock=FakeClock())
        with pytest.raises(RetryExhaustedError) as info:
            await session.connect()
        assert isinstance(info.value.last, HandshakeError)
        assert info.value.last.status == 503
        await session.close()


async def test_beta_header_rejection_is_fatal() -> None:
    async with ScriptedRealtimeServer() as server:
        config = make_config(server, beta_header=True)
        session = RealtimeSession(config, SESSION, clock=FakeClock())
        with pytest.raises(ServerError) as info:
            await session.connect()
        assert info.value.code == "beta_api_shape_disabled"
        assert server.connection_count == 1
        await session.close()


BETA_DISABLED = {
    "type": "error",
    "error": {
        "type": "invalid_request_error",
        "code": "beta_api_shape_disabled",
        "message": f"The Realtime Beta API is no longer supported (key {KEY}).",
        "param": None,
    },
}


@pytest.mark.parametrize("close", [True, False], ids=["then-close-4000", "then-silence"])
async def test_fatal_error_right_after_session_created_keeps_the_servers_message(
    close: bool,
) -> None:
    script = ConnectionScript(
        events_after_open=(BETA_DISABLED,),
        close_after_open=(4000, "invalid_request_error.beta_api_shape_disabled") if close else None,
    )
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        session = RealtimeSession(make_config(server), SESSION, clock=FakeClock())
        with pytest.raises(ServerError) as info:
            await session.connect()
        await session.close()
        assert server.connection_count == 1  # fatal: not retried
    error = info.value
    assert (error.type, error.code) == ("invalid_request_error", "beta_api_shape_disabled")
    message = str(error)
    assert "The Realtime Beta API is no longer supported" in message
    assert "beta_api_shape_disabled" in message
    assert KEY not in message and "[REDACTED]" in message


async def test_missing_session_created_times_out_in_the_session_phase() -> None:
    scripts = [ConnectionScript(send_session_created=False)]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        config = make_config(
            server, timeouts=Timeouts(session=0.1), retry=RetryPolicy(max_retries=0)
        )
        with pytest.raises(RealtimeTimeoutError, match=r"session\.created") as info:
            async with RealtimeSession(config, SESSION):
                pass
        assert info.value.phase == "session"
        await asyncio.wait_for(server.wait_closed(), 2)


async def test_missing_session_updated_times_out_then_retry_succeeds() -> None:
    scripts = [ConnectionScript(answer_session_update=False)]
    async with ScriptedRealtimeServer(["ok"], connection_scripts=scripts) as server:
        # The retry's good connection must answer within the same timeout: not too tight.
        config = make_config(server, timeouts=Timeouts(session=0.5))
        async with RealtimeSession(config, SESSION, clock=FakeClock()) as session:
            assert (await session.respond(ask())).text == "ok"
        assert server.connection_count == 2


async def test_response_timeout_names_its_phase_and_cancels_the_response() -> None:
    async with ScriptedRealtimeServer(
        [Reply(text="abc", chunk_size=1, stall_after_deltas=1)]
    ) as server:
        config = make_config(
            server,
            timeouts=Timeouts(response=0.2, idle=5.0),
            retry=RetryPolicy(max_retries=0),
        )
        async with RealtimeSession(config, SESSION) as session:
            with pytest.raises(RealtimeTimeoutError) as info:
                await session.respond(ask())
            assert info.value.phase == "response"
            cancel = await asyncio.wait_for(server.wait_for_event("response.cancel"), 2)
            assert cancel["response_id"]
            assert session.healthy  # the connection itself is kept


async def test_idle_timeout_names_its_phase_and_drops_the_connection() -> None:
    async with ScriptedRealtimeServer(
        [Reply(text="abc", chunk_size=1, stall_after_deltas=1), "ok"]
    ) as server:
        # The idle timeout also applies to the retried response: leave room for a loaded CI.
        config = make_config(server, timeouts=Timeouts(response=5.0, idle=0.4))
        clock = FakeClock()
        async with RealtimeSession(config, SESSION, clock=clock) as session:
            result = await session.respond(ask())
        assert result.text == "ok"
        assert server.connection_count == 2  # the silent connection was replaced


async def test_idle_timeout_does_not_apply_while_the_request_is_queued() -> None:
    async def queued(event: dict[str, Any]) -> str:
        # No event at all until response.created: far longer than the idle timeout.
        await asyncio.sleep(0.4)
        return "late answer"

    async with ScriptedRealtimeServer(default=queued) as server:
        config = make_config(
            server,
            timeouts=Timeouts(response=5.0, idle=0.05),
            retry=RetryPolicy(max_retries=0),
        )
        async with RealtimeSession(config, SESSION, clock=FakeClock()) as session:
            assert (await session.respond(ask())).text == "late answer"
        assert server.connection_count == 1


async def test_a_response_never_started_ends_with_the_response_timeout() -> None:
    async with ScriptedRealtimeServer([Reply(silent=True)]) as server:
        config = make_config(
            server,
            timeouts=Timeouts(response=0.3, idle=0.05),
            retry=RetryPolicy(max_retries=0),
        )
        async with RealtimeSession(config, SESSION, clock=FakeClock()) as session:
            with pytest.raises(RealtimeTimeoutError) as info:
                await session.respond(ask())
    assert info.value.phase == "response" and info.value.timeout == 0.3
    assert str(info.value) == (
        "response did not complete within 0.3s (the server never started it: no response.created)"
    )


async def test_caller_cancellation_closes_the_socket_and_leaves_no_task() -> None:
    async with ScriptedRealtimeServer(
        [Reply(text="abc", chunk_size=1, stall_after_deltas=1), "again"]
    ) as server:
        before = asyncio.all_tasks()
        async with RealtimeSession(make_config(server), SESSION) as session:
            task = asyncio.create_task(session.respond(ask()))
            await asyncio.wait_for(server.wait_for_event("response.create"), 2)
            await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.wait_for(server.wait_for(lambda: server.connections[0].closed), 2)
            # The session is usable again: the next request reconnects.
            assert (await session.respond(ask())).text == "again"
        leftover = {t for t in asyncio.all_tasks() - before if "reader" in t.get_name()}
        assert leftover == set()


async def test_cancelling_the_whole_block_aborts_and_closes() -> None:
    replies = [Reply(text="abc", chunk_size=1, stall_after_deltas=1)]
    async with ScriptedRealtimeServer(replies) as server:
        holder: list[RealtimeSession] = []

        async def work() -> None:
            async with RealtimeSession(make_config(server), SESSION) as session:
                holder.append(session)
                await session.respond(ask())

        task = asyncio.create_task(work())
        await asyncio.wait_for(server.wait_for_event("response.create"), 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert holder[0].state is SessionState.CLOSED
        await asyncio.wait_for(server.wait_closed(), 2)


async def test_close_is_bounded_when_the_server_ignores_it() -> None:
    scripts = [ConnectionScript(ignore_close=True)]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        config = make_config(server, timeouts=Timeouts(close=0.2))
        session = RealtimeSession(config, SESSION)
        await session.connect()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await session.close()
        assert 0.15 <= loop.time() - started < 3.0  # waited for the answer, but bounded
        assert session.state is SessionState.CLOSED


async def test_close_during_a_response_fails_it_as_incomplete() -> None:
    replies = [Reply(text="abc", chunk_size=1, stall_after_deltas=1)]
    async with ScriptedRealtimeServer(replies) as server:
        session = RealtimeSession(make_config(server), SESSION)
        await session.connect()
        task = asyncio.create_task(session.respond(ask()))
        await asyncio.wait_for(server.wait_for_event("response.create"), 2)
        await session.close()
        with pytest.raises(IncompleteResponseError):
            await task


async def test_server_closing_with_4000_is_not_retried() -> None:
    scripts = [ConnectionScript(close_after_open=(4000, "invalid_request_error.invalid_intent"))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        session = RealtimeSession(make_config(server), SESSION, clock=FakeClock())
        with pytest.raises(ConnectionClosedError) as info:
            await session.connect()
        assert info.value.code == 4000
        assert "invalid_intent" in info.value.reason
        assert server.connection_count == 1
        await session.close()


async def test_rate_limit_error_type_for_handshake_429_without_retries() -> None:
    scripts = [ConnectionScript(reject=Rejection(429, headers={"retry-after": "3"}))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        config = make_config(server, retry=RetryPolicy(max_retries=0))
        session = RealtimeSession(config, SESSION, clock=FakeClock())
        with pytest.raises(RateLimitError) as info:
            await session.connect()
        assert info.value.retry_after == 3.0
        # The shared state learned the wait too.
        assert session.rate_limits.wait_time() == pytest.approx(3.0)
        await session.close()


async def test_logs_carry_context_and_never_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = setup_logging("debug", "json", stream=stream)
    try:
        replies = [Reply.dropped(after_deltas=1), Reply.failed(), "done"]
        async with ScriptedRealtimeServer(replies) as server:
            config = make_config(server, extra_headers={"api-key": "azure-canary-987654321"})
            async with RealtimeSession(config, SESSION, clock=FakeClock()) as session:
                await session.respond(ask())
    finally:
        logging.getLogger("release_tools").removeHandler(handler)
        logging.getLogger("release_tools").propagate = True
    output = stream.getvalue()
    ours = [r for r in caplog.records if r.name.startswith("release_tools")]
    everything = output + "\n".join(r.getMessage() + str(vars(r)) for r in ours)
    assert KEY not in everything
    assert "azure-canary-987654321" not in everything
    lines = [json.loads(line) for line in output.splitlines()]
    sent = [line for line in lines if line["message"] == "request sent"]
    assert sent and sent[0]["session_id"].startswith("sess_")
    assert sent[0]["state"] == "open"
    assert sent[0]["request_id"].startswith(session.name)
    retries = [line for line in lines if line["message"].startswith("attempt failed")]
    assert len(retries) == 2


async def test_session_expiry_reconnects_and_reruns() -> None:
    expired = {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "code": "session_expired",
            "message": "Your session hit the maximum duration of 60 minutes.",
        },
    }
    replies = [Reply(text="never", events_before=(expired,), drop_after_deltas=0, drop_code=1001)]
    async with ScriptedRealtimeServer([*replies, "fresh session"]) as server:
        async with RealtimeSession(make_config(server), SESSION, clock=FakeClock()) as session:
            result = await session.respond(ask())
        assert result.text == "fresh session"
        assert server.connection_count == 2
        assert len(server.response_creates) == 2


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


async def test_tls_is_verified(self_signed: tuple[str, str]) -> None:
    cert, key = self_signed
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    async def handler(ws: ServerConnection) -> None:
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0, ssl=context) as server:
        port = server.sockets[0].getsockname()[1] if server.sockets else 0
        config = ClientConfig(url=f"wss://127.0.0.1:{port}/v1/realtime", model="m", api_key=KEY)
        session = RealtimeSession(config, SESSION, clock=FakeClock())
        with pytest.raises(RealtimeConnectionError, match="could not be verified") as info:
            await session.connect()
        assert not info.value.retryable
        await session.close()


async def test_a_bug_in_event_handling_fails_the_request_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Text deltas mostly bypass the typed handlers (the inlined hot path), so the bug is put
    # in a handler every response passes through.
    original = ResponseTable.on_output_item
    calls = {"n": 0}

    def broken_once(self: ResponseTable, event: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("handler bug")
        original(self, event)

    monkeypatch.setattr(ResponseTable, "on_output_item", broken_once)
    async with ScriptedRealtimeServer(["one", "two"]) as server:
        async with RealtimeSession(make_config(server), SESSION, clock=FakeClock()) as session:
            result = await session.respond(ask())
        assert result.text == "two"
        assert server.connection_count == 2
    assert any(r.getMessage() == "receive loop failed" for r in caplog.records)
