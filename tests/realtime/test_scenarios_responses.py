"""End-to-end: the realtime client against the scripted server, answers and rate limits.

Everything here goes over a real WebSocket on 127.0.0.1; the only fake is the clock that drives
rate-limit waits and retry backoff, so no test really sleeps for them.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
from collections.abc import Callable
from typing import Any

import pytest

from fake_clock import FakeClock
from release_tools.logs import setup_logging
from release_tools.realtime import (
    ClientConfig,
    FunctionTool,
    RealtimeSession,
    ResponseRequest,
    RetryPolicy,
    SessionConfig,
    SessionPool,
    Timeouts,
)
from release_tools.realtime.exceptions import AuthenticationError, ServerError
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedFunctionCall,
    ScriptedRealtimeServer,
)

KEY = "sk-scenario-canary-4f9a1c2e8b7d6a5f"
TOOL = FunctionTool(
    name="report_bump",
    description="Report the semantic version bump",
    parameters={"type": "object", "properties": {"bump": {"type": "string"}}},
)
SESSION = SessionConfig(instructions="Decide the version bump.", tools=[TOOL])


def _config(server: ScriptedRealtimeServer, **kwargs: Any) -> ClientConfig:
    kwargs.setdefault("timeouts", Timeouts(connect=5, session=5, response=10, idle=5, close=1))
    kwargs.setdefault("retry", RetryPolicy(max_retries=3, base=0.01, cap=0.05, jitter=0.0))
    return ClientConfig(url=server.url, model="gpt-realtime", api_key=KEY, **kwargs)


async def _eventually(predicate: Callable[[], bool]) -> None:
    """Wait, at most 5 s, for a state the client's reader task reaches on its own schedule.

    Polled: the rate-limit state has no event to wait on, and a fixed sleep flaked under load.
    """
    async with asyncio.timeout(5):
        while not predicate():  # noqa: ASYNC110 (nothing to await but the reader's progress)
            await asyncio.sleep(0.001)


def _text(reply_text: str) -> int:
    """Output tokens the scripted server reports for a text (four characters a token)."""
    return math.ceil(len(reply_text) / 4)


async def test_text_answer_and_what_went_over_the_wire() -> None:
    answer = "minor: adds the --dry-run flag"
    async with (
        ScriptedRealtimeServer([Reply(text=answer, chunk_size=3)]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        assert session.session_id == server.connections[0].session_id
        request = ResponseRequest(
            instructions="Answer with the bump.",
            input_text="diff --git a/x b/x",
            metadata={"chunk": "7"},
        )
        result = await session.respond(request)
        assert result.status == "completed"
        assert result.text == answer
        assert result.function_calls == []
        assert result.response_id is not None and result.response_id.startswith("resp_")
        assert result.usage.output_tokens == _text(answer)
        assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
        (conn,) = server.connections
        assert conn.header("authorization") == f"Bearer {KEY}"
        assert conn.header("openai-beta") is None
        assert conn.path == "/v1/realtime?model=gpt-realtime"
        (update,) = conn.events_of_type("session.update")
        assert update["session"]["type"] == "realtime"
        assert update["session"]["instructions"] == SESSION.instructions
        assert update["session"]["output_modalities"] == ["text"]
        assert [t["name"] for t in update["session"]["tools"]] == ["report_bump"]
        (create,) = conn.events_of_type("response.create")
        params = create["response"]
        assert params["conversation"] == "none"
        assert params["instructions"] == "Answer with the bump."
        assert params["metadata"]["chunk"] == "7"
        assert "diff --git a/x b/x" in json.dumps(params["input"])
        # The key went in the Authorization header and nowhere else.
        assert all(KEY not in frame for frame in conn.frames)
    assert conn.closed and conn.close_code == 1000


async def test_extra_headers_reach_the_server_and_stay_out_of_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    azure_key = "azure-key-7d1e5b9c3a2f4e6d8b0a"
    async with ScriptedRealtimeServer(["ok"]) as server:
        config = ClientConfig(
            url=server.url, model="gpt-realtime", api_key=None, extra_headers={"api-key": azure_key}
        )
        async with RealtimeSession(config, SESSION) as session:
            assert (await session.respond(ResponseRequest(input_text="x"))).text == "ok"
    conn = server.connections[0]
    assert conn.header("api-key") == azure_key
    assert conn.header("authorization") is None
    assert azure_key not in _raw_log(caplog.records)


async def test_session_expiry_between_requests_is_survived_by_reconnecting() -> None:
    expired = {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "code": "session_expired",
            "message": "Your session hit the maximum duration of 60 minutes.",
        },
    }
    last = Reply(text="first", events_after=(expired,), close_after_done=True, drop_code=1001)
    async with (
        ScriptedRealtimeServer([last, "second"]) as server,
        RealtimeSession(_config(server), SESSION, clock=FakeClock()) as session,
    ):
        first = await session.respond(ResponseRequest(input_text="x"))
        async with asyncio.timeout(5):
            await server.wait_for(lambda: server.connections[0].closed)
        second = await session.respond(ResponseRequest(input_text="y"))
    assert (first.text, second.text) == ("first", "second")
    assert server.connection_count == 2
    assert len(server.connections[1].events_of_type("session.update")) == 1


async def test_function_call_answer() -> None:
    reply = Reply.function_call("report_bump", '{"bump": "minor"}', call_id="call_1", chunk_size=4)
    async with (
        ScriptedRealtimeServer([reply]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        result = await session.respond(ResponseRequest(input_text="x", tool_choice="required"))
    assert result.text == ""
    (call,) = result.function_calls
    assert (call.call_id, call.name, call.arguments) == (
        "call_1",
        "report_bump",
        '{"bump": "minor"}',
    )
    assert json.loads(call.arguments) == {"bump": "minor"}
    assert server.response_creates[0]["response"]["tool_choice"] == "required"


async def test_text_and_several_calls_in_one_response_keep_their_order() -> None:
    reply = Reply(
        text="two calls follow",
        function_calls=(
            ScriptedFunctionCall("first", '{"n": 1}', "call_a"),
            ScriptedFunctionCall("second", '{"n": 2}', "call_b"),
        ),
        chunk_size=2,
    )
    async with (
        ScriptedRealtimeServer([reply]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        result = await session.respond(ResponseRequest(input_text="x"))
    assert result.text == "two calls follow"
    assert [(c.name, c.arguments) for c in result.function_calls] == [
        ("first", '{"n": 1}'),
        ("second", '{"n": 2}'),
    ]


TRICKY = 'ünïcode ✓ bump — "quoted" \\ back\nnew line 🚀 ' * 5


@pytest.mark.parametrize(
    "reply",
    [
        Reply(text=TRICKY, chunk_size=1),
        Reply(text=TRICKY, chunk_size=7),
        Reply(text=TRICKY),
        Reply(deltas=("", TRICKY[:3], "", TRICKY[3:50], TRICKY[50:])),
        Reply(text=TRICKY, chunk_size=5, omit_done_events=True),
        Reply(text=TRICKY, chunk_size=5, omit_done_events=True, include_output_in_done=False),
    ],
    ids=["1-char", "7-char", "one-delta", "explicit-with-empties", "no-done", "deltas-only"],
)
async def test_deltas_split_arbitrarily_reassemble_exactly(reply: Reply) -> None:
    async with (
        ScriptedRealtimeServer([reply]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        result = await session.respond(ResponseRequest(input_text="x"))
    assert result.text == TRICKY
    assert result.status == "completed"


async def test_function_call_arguments_from_deltas_only() -> None:
    args = json.dumps({"bump": "major", "reasons": ["removed API"] * 20})
    reply = Reply.function_call(
        "report_bump", args, chunk_size=3, omit_done_events=True, include_output_in_done=False
    )
    async with (
        ScriptedRealtimeServer([reply]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        result = await session.respond(ResponseRequest(input_text="x"))
    assert result.function_calls[0].arguments == args


@pytest.mark.parametrize(
    ("status", "reason"),
    [("incomplete", "max_output_tokens"), ("incomplete", "content_filter")],
)
async def test_incomplete_status_and_reason_are_reported(status: str, reason: str) -> None:
    reply = Reply(
        text="cut sh", status="incomplete", status_details={"type": status, "reason": reason}
    )
    async with (
        ScriptedRealtimeServer([reply]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        result = await session.respond(ResponseRequest(input_text="x"))
    assert (result.status, result.status_reason, result.text) == (status, reason, "cut sh")


async def test_unknown_and_extra_events_are_skipped() -> None:
    noise = (
        {"type": "response.mcp_call.in_progress", "item_id": "item_x"},
        {"type": "conversation.item.truncated", "item_id": "item_y"},
        {"type": "output_audio_buffer.started"},
    )
    reply = Reply(text="still fine", chunk_size=4, events_before=noise, events_after=noise)
    async with (
        ScriptedRealtimeServer([reply, "second"]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        first = await session.respond(ResponseRequest(input_text="x"))
        second = await session.respond(ResponseRequest(input_text="y"))
    assert (first.text, second.text) == ("still fine", "second")
    assert server.connection_count == 1


async def test_concurrent_out_of_band_requests_on_one_session_get_their_own_answers() -> None:
    def echo(event: dict[str, Any]) -> Reply:
        job = event["response"]["metadata"]["job"]
        # Interleave the streams so that a client routing by arrival order would mix them up.
        return Reply(text=f"answer for {job} " * 3, chunk_size=2, delta_delay=0.001)

    async with (
        ScriptedRealtimeServer(default=echo) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        jobs = [f"job{i}" for i in range(6)]
        results = await asyncio.gather(
            *(session.respond(ResponseRequest(input_text=j, metadata={"job": j})) for j in jobs)
        )
    assert [r.text for r in results] == [f"answer for {j} " * 3 for j in jobs]
    assert server.connection_count == 1
    assert server.connections[0].max_active_responses > 1  # they really overlapped
    assert len({r.response_id for r in results}) == len(jobs)


async def test_in_band_request_adds_items_to_the_conversation_first() -> None:
    async with (
        ScriptedRealtimeServer(["in band"]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        result = await session.respond(
            ResponseRequest(input_text="remember this", out_of_band=False)
        )
    assert result.text == "in band"
    conn = server.connections[0]
    types = [e["type"] for e in conn.events]
    assert types.index("conversation.item.create") < types.index("response.create")
    (item_event,) = conn.events_of_type("conversation.item.create")
    assert "remember this" in json.dumps(item_event["item"])
    assert conn.events_of_type("response.create")[0]["response"].get("conversation") != "none"


async def test_pool_spreads_requests_one_in_flight_per_session() -> None:
    def slow(event: dict[str, Any]) -> Reply:
        return Reply(text=event["response"]["metadata"]["job"], first_delta_delay=0.02)

    async with (
        ScriptedRealtimeServer(default=slow) as server,
        SessionPool(_config(server), SESSION, size=3) as pool,
    ):
        jobs = [f"j{i}" for i in range(9)]
        results = await asyncio.gather(
            *(pool.respond(ResponseRequest(input_text=j, metadata={"job": j})) for j in jobs)
        )
    assert [r.text for r in results] == jobs
    accepted = [c for c in server.connections if not c.rejected]
    assert 1 < len(accepted) <= 3
    assert all(c.max_active_responses == 1 for c in accepted)
    assert all(c.closed for c in accepted)


async def test_pool_replaces_a_session_that_died_while_idle() -> None:
    replies = [Reply(text="a", close_after_done=True, drop_code=1011), "b", "c"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        SessionPool(_config(server), SESSION, size=1) as pool,
    ):
        first = await pool.respond(ResponseRequest(input_text="1"))
        async with asyncio.timeout(5):
            await server.wait_for(lambda: server.connections[0].closed)
            # The client's reader must have seen the close (a fixed sleep flaked under load).
            await pool.sessions[0].wait_disconnected()
        assert not pool.sessions[0].healthy
        rest = [(await pool.respond(ResponseRequest(input_text=str(i)))).text for i in (2, 3)]
        replacements = pool.replacements
    assert [first.text, *rest] == ["a", "b", "c"]
    assert server.connection_count == 2
    assert replacements == 1


def _partial(text: str) -> dict[str, Any]:
    return {"type": "response.partial", "response": {"text": text}}


@pytest.mark.parametrize(
    ("final", "expected"),
    [
        ({"type": "response.final"}, "minor bump"),
        ({"type": "response.final", "response": {"text": "Minor bump."}}, "Minor bump."),
    ],
    ids=["final-without-text", "final-with-text"],
)
async def test_seed_event_names_from_a_compatible_server(
    final: dict[str, Any], expected: str
) -> None:
    seed = Reply(only_events=(_partial("minor"), _partial(" "), _partial("bump"), final))
    async with (
        ScriptedRealtimeServer([seed, "GA again"]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        first = await session.respond(ResponseRequest(input_text="x"))
        second = await session.respond(ResponseRequest(input_text="y"))
    assert (first.status, first.text) == ("completed", expected)
    assert second.text == "GA again"


async def test_seed_response_error_fails_the_request() -> None:
    error = {
        "type": "response.error",
        "error": {"type": "invalid_request_error", "code": "invalid_value", "message": "No."},
    }
    seed = Reply(only_events=(_partial("par"), error))
    async with (
        ScriptedRealtimeServer([seed]) as server,
        RealtimeSession(_config(server), SESSION) as session,
    ):
        with pytest.raises(ServerError) as info:
            await session.respond(ResponseRequest(input_text="x"))
    assert info.value.code == "invalid_value"
    assert len(server.response_creates) == 1


# --- rate limits --------------------------------------------------------------------------


async def test_failed_response_rate_limit_waits_the_parsed_time_then_retries() -> None:
    clock = FakeClock()
    replies = [Reply.rate_limited("1.5s"), "after the wait"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        result = await session.respond(ResponseRequest(input_text="x"))
    assert result.text == "after the wait"
    assert len(server.response_creates) == 2
    assert sum(clock.sleeps) >= 1.5
    assert max(clock.sleeps) < 3.0  # the parsed wait, not some long default


@pytest.mark.parametrize(("wait", "seconds"), [("174ms", 0.174), ("1m26.4s", 86.4)])
async def test_rate_limit_wait_formats(wait: str, seconds: float) -> None:
    clock = FakeClock()
    async with (
        ScriptedRealtimeServer([Reply.rate_limited(wait), "ok"]) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        assert (await session.respond(ResponseRequest(input_text="x"))).text == "ok"
    assert any(math.isclose(s, seconds, rel_tol=0.05) for s in clock.sleeps), clock.sleeps


async def test_exhausted_requests_budget_delays_the_next_request_until_reset() -> None:
    clock = FakeClock()
    empty = ({"name": "requests", "limit": 100, "remaining": 0, "reset_seconds": 2.5},)
    replies = [Reply(text="first", rate_limits=empty), "second"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        await session.respond(ResponseRequest(input_text="x"))
        assert clock.sleeps == []
        result = await session.respond(ResponseRequest(input_text="y"))
    assert result.text == "second"
    assert clock.sleeps and math.isclose(sum(clock.sleeps), 2.5, rel_tol=0.05)


async def test_seed_rate_limit_and_backoff_events_are_honoured() -> None:
    clock = FakeClock()
    seed = (
        {"type": "rate_limit", "remaining_requests": 3, "retry_after": 2},
        {"type": "backoff", "wait_ms": 750},
    )
    replies = [Reply(text="first", events_after=seed), "second"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        await session.respond(ResponseRequest(input_text="x"))
        # The events follow response.done: wait until the client's reader has applied them.
        await _eventually(lambda: session.rate_limits.wait_time(clock.monotonic()) >= 2.0)
        assert (await session.respond(ResponseRequest(input_text="y"))).text == "second"
    # getWaitTime: requests remain, so the larger of retry_after (2 s) and backoff (0.75 s).
    assert clock.sleeps and math.isclose(clock.sleeps[0], 2.0, rel_tol=0.05)


async def test_handshake_429_retry_after_ms_is_waited_then_connects() -> None:
    clock = FakeClock()
    busy = ConnectionScript(reject=Rejection(429, headers={"retry-after-ms": "1500"}))
    async with (
        ScriptedRealtimeServer(["ok"], connection_scripts=[busy]) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        assert (await session.respond(ResponseRequest(input_text="x"))).text == "ok"
    assert server.connection_count == 2
    assert any(s >= 1.5 for s in clock.sleeps), clock.sleeps


async def test_pool_shares_one_rate_limit_state() -> None:
    # Time stands still here, so every session that consults the shared state must wait the
    # full reset, not only the one whose connection carried the event.
    clock = FakeClock(advance=False)
    empty = ({"name": "requests", "limit": 100, "remaining": 0, "reset_seconds": 4.0},)
    async with (
        ScriptedRealtimeServer([Reply(text="a", rate_limits=empty)], default="b") as server,
        SessionPool(_config(server), SESSION, size=2, clock=clock) as pool,
        asyncio.timeout(5),
    ):
        await pool.respond(ResponseRequest(input_text="x"))
        results = await asyncio.gather(
            *(pool.respond(ResponseRequest(input_text=str(i))) for i in range(2))
        )
    assert [r.text for r in results] == ["b", "b"]
    assert len({id(s) for s in pool.sessions}) == 2
    assert [round(s, 1) for s in clock.sleeps] == [4.0, 4.0]


# --- logging --------------------------------------------------------------------------------


@pytest.fixture
def json_log() -> Any:
    """The package's real log handler (JSON, with redaction) at DEBUG, writing to a buffer."""
    stream = io.StringIO()
    handler = setup_logging("debug", "json", stream=stream)
    # setup_logging stops propagation; caplog listens on the root logger, so restore it.
    logging.getLogger("release_tools").propagate = True
    yield stream
    root = logging.getLogger("release_tools")
    root.removeHandler(handler)
    root.propagate = True
    root.setLevel(logging.NOTSET)


def _raw_log(records: list[logging.LogRecord]) -> str:
    """Every record as it was emitted (caplog has no redaction filter of its own).

    The scripted server's records count too: it receives the key, but its handshake dump must
    not show it.
    """
    mine = list(records)
    return "\n".join([r.getMessage() for r in mine] + [repr(vars(r)) for r in mine])


async def test_key_never_logged_at_debug_through_drops_failures_and_fatal_errors(
    caplog: pytest.LogCaptureFixture, json_log: io.StringIO
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = FakeClock()
    scripts = [ConnectionScript(), ConnectionScript(reject=Rejection(500))]
    replies = [Reply.dropped(after_deltas=1), Reply.failed(), Reply.rejected("invalid_value")]
    async with (
        ScriptedRealtimeServer(replies, connection_scripts=scripts) as server,
        RealtimeSession(_config(server), SESSION, clock=clock) as session,
    ):
        with pytest.raises(ServerError) as info:
            await session.respond(ResponseRequest(input_text="x"))
    assert info.value.code == "invalid_value"
    assert server.connection_count == 3
    assert len(caplog.records) > 5, "the client logged almost nothing at DEBUG"
    raw = _raw_log(caplog.records)
    assert KEY not in raw
    assert "Bearer" not in raw
    assert json_log.getvalue() and KEY not in json_log.getvalue()
    assert KEY not in str(info.value) and KEY not in repr(info.value)


async def test_key_echoed_by_the_server_is_redacted_from_errors_and_logs(
    caplog: pytest.LogCaptureFixture, json_log: io.StringIO
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"type": "invalid_request_error", "message": f"Bad key: {KEY}"}}
    denied = ConnectionScript(reject=Rejection(401, body=echo))
    async with ScriptedRealtimeServer(connection_scripts=[denied]) as server:
        with pytest.raises(AuthenticationError) as info:
            async with RealtimeSession(_config(server), SESSION):
                pass
    assert info.value.status == 401
    assert "Bad key" in str(info.value)  # the server's message is kept ...
    assert KEY not in str(info.value)  # ... without the secret
    assert KEY not in json_log.getvalue()
