"""The scripted test server, driven by a bare ``websockets`` client (no release_tools client)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedFunctionCall,
    ScriptedRealtimeServer,
)
from release_tools.realtime.testing.stream import Drop, EventFactory, Pause, Stall, response_steps

JSON = dict[str, Any]
KEY = "sk-test-canary-0123456789abcdef"
TEXT_SEQUENCE = [
    "response.created",
    "rate_limits.updated",
    "response.output_item.added",
    "response.content_part.added",
]


def _connect(server: ScriptedRealtimeServer, **kwargs: Any) -> connect:
    headers = kwargs.pop("additional_headers", {"Authorization": f"Bearer {KEY}"})
    return connect(
        server.url + "?model=gpt-realtime-test",
        additional_headers=headers,
        max_size=None,
        ping_interval=None,
        **kwargs,
    )


async def _recv(ws: ClientConnection) -> JSON:
    async with asyncio.timeout(5):
        event = json.loads(await ws.recv())
    assert isinstance(event, dict)
    return event


async def _open(ws: ClientConnection) -> JSON:
    created = await _recv(ws)
    assert created["type"] == "session.created"
    return created


async def _until_done(ws: ClientConnection) -> list[JSON]:
    events = []
    while True:
        event = await _recv(ws)
        events.append(event)
        if event["type"] == "response.done":
            return events


async def _create(ws: ClientConnection, **response: Any) -> None:
    response.setdefault("conversation", "none")
    await ws.send(
        json.dumps({"type": "response.create", "event_id": "cli-1", "response": response})
    )


def _types(events: list[JSON]) -> list[str]:
    return [e["type"] for e in events]


async def test_session_created_then_update_echoes_effective_config() -> None:
    async with ScriptedRealtimeServer() as server, _connect(server) as ws:
        created = await _open(ws)
        session = created["session"]
        assert session["id"].startswith("sess_")
        assert session["model"] == "gpt-realtime-test"
        update = {"type": "realtime", "output_modalities": ["text"], "instructions": "Be terse."}
        await ws.send(json.dumps({"type": "session.update", "session": update}))
        updated = await _recv(ws)
        assert updated["type"] == "session.updated"
        assert updated["session"]["id"] == session["id"]
        assert updated["session"]["instructions"] == "Be terse."
        assert updated["session"]["output_modalities"] == ["text"]
        assert updated["session"]["tool_choice"] == "auto"  # untouched fields kept
        assert server.connections[0].session_id == session["id"]
        assert server.url.endswith("/v1/realtime")


async def test_records_headers_path_frames_and_counts_connections() -> None:
    async with ScriptedRealtimeServer() as server:
        for _ in range(2):
            async with _connect(server) as ws:
                await _open(ws)
                await ws.send(json.dumps({"type": "session.update", "session": {"x": KEY}}))
                await _recv(ws)
        async with asyncio.timeout(5):
            await server.wait_closed()
        assert server.connection_count == 2
        first = server.connections[0]
        assert first.header("AUTHORIZATION") == f"Bearer {KEY}"
        assert first.path == "/v1/realtime?model=gpt-realtime-test"
        assert first.events_of_type("session.update")[0]["session"] == {"x": KEY}
        assert KEY in server.transcript()
        assert first.closed and first.close_code == 1000
        assert server.open_connections == 0


async def test_text_reply_follows_ga_sequence_with_split_deltas_and_usage() -> None:
    reply = Reply(text="hello world", chunk_size=3)
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws, metadata={"job": "bump"})
        events = await _until_done(ws)
    assert _types(events) == [
        *TEXT_SEQUENCE,
        *["response.output_text.delta"] * 4,
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.done",
    ]
    deltas = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert deltas == ["hel", "lo ", "wor", "ld"]
    done = events[-1]["response"]
    assert done["id"].startswith("resp_") and done["id"] == events[0]["response"]["id"]
    assert done["status"] == "completed"
    assert done["conversation_id"] is None  # out-of-band
    assert done["metadata"] == {"job": "bump"}
    assert done["output"][0]["content"][0] == {"type": "output_text", "text": "hello world"}
    assert done["usage"]["output_tokens"] == 3
    assert done["usage"]["total_tokens"] == done["usage"]["input_tokens"] + 3
    item_ids = {e["item_id"] for e in events if "item_id" in e}
    assert len(item_ids) == 1
    assert all(e["event_id"].startswith("event_") for e in events)


async def test_in_conversation_reply_adds_conversation_items() -> None:
    async with ScriptedRealtimeServer(["hi"]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws, conversation="auto")
        events = await _until_done(ws)
    assert "conversation.item.added" in _types(events)
    assert "conversation.item.done" in _types(events)
    assert events[-1]["response"]["conversation_id"] is not None


async def test_conversation_records_created_items_and_in_band_output_only() -> None:
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "q"}]}
    async with ScriptedRealtimeServer(["in band", "out of band"]) as server, _connect(server) as ws:
        await _open(ws)
        await ws.send(json.dumps({"type": "conversation.item.create", "item": item}))
        await _recv(ws), await _recv(ws)
        await _create(ws, conversation="auto")
        await _until_done(ws)
        await _create(ws)  # out of band: nothing enters the conversation
        await _until_done(ws)
    conversation = server.connections[0].conversation
    assert [(c["type"], c.get("role")) for c in conversation] == [
        ("message", "user"),
        ("message", "assistant"),
    ]
    assert conversation[1]["content"][0]["text"] == "in band"


async def test_item_creates_can_be_rejected() -> None:
    item = {"type": "message", "role": "user", "content": []}
    script = ConnectionScript(reject_item_creates=True)
    async with (
        ScriptedRealtimeServer(connection_scripts=[script]) as server,
        _connect(server) as ws,
    ):
        await _open(ws)
        event = {"type": "conversation.item.create", "event_id": "cli-9", "item": item}
        await ws.send(json.dumps(event))
        error = await _recv(ws)
    assert error["type"] == "error"
    assert error["error"]["event_id"] == "cli-9"
    assert error["error"]["type"] == "invalid_request_error"
    assert server.connections[0].conversation == []


async def test_explicit_deltas_and_function_calls() -> None:
    reply = Reply(
        deltas=("a", "", "bc"),
        function_calls=(ScriptedFunctionCall("list_commits", '{"from_ref": "v1"}', "call_1"),),
        chunk_size=5,
    )
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        events = await _until_done(ws)
    text = [e["delta"] for e in events if e["type"] == "response.output_text.delta"]
    assert text == ["a", "", "bc"]
    args = [e for e in events if e["type"] == "response.function_call_arguments.delta"]
    assert "".join(e["delta"] for e in args) == '{"from_ref": "v1"}'
    assert len(args) == 4
    assert {e["call_id"] for e in args} == {"call_1"}
    assert all(e["output_index"] == 1 for e in args)
    (args_done,) = [e for e in events if e["type"] == "response.function_call_arguments.done"]
    assert args_done["name"] == "list_commits"
    assert args_done["arguments"] == '{"from_ref": "v1"}'
    output = events[-1]["response"]["output"]
    assert [o["type"] for o in output] == ["message", "function_call"]


async def test_callable_and_async_callable_replies_see_the_request() -> None:
    def by_instructions(event: JSON) -> str:
        return event["response"]["instructions"].upper()

    async def later(event: JSON) -> Reply:
        await asyncio.sleep(0)
        return Reply.function_call("f", json.dumps(event["response"]["metadata"]))

    async with ScriptedRealtimeServer([by_instructions, later]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws, instructions="shout")
        first = await _until_done(ws)
        await _create(ws, metadata={"k": "v"})
        second = await _until_done(ws)
    assert first[-1]["response"]["output"][0]["content"][0]["text"] == "SHOUT"
    assert second[-1]["response"]["output"][0]["arguments"] == '{"k": "v"}'
    assert len(server.response_creates) == 2


async def test_reply_queue_spans_connections_then_default_answers() -> None:
    async with ScriptedRealtimeServer(["one"], default="fallback") as server:
        texts = []
        for _ in range(2):
            async with _connect(server) as ws:
                await _open(ws)
                for _ in range(2 if not texts else 1):
                    await _create(ws)
                    done = (await _until_done(ws))[-1]
                    texts.append(done["response"]["output"][0]["content"][0]["text"])
        server.add_replies("late")
        async with _connect(server) as ws:
            await _open(ws)
            await _create(ws)
            texts.append((await _until_done(ws))[-1]["response"]["output"][0]["content"][0]["text"])
    assert texts == ["one", "fallback", "fallback", "late"]


async def test_conversation_item_create_is_acknowledged() -> None:
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "x"}]}
    async with ScriptedRealtimeServer() as server, _connect(server) as ws:
        await _open(ws)
        await ws.send(json.dumps({"type": "conversation.item.create", "item": item}))
        added, done = await _recv(ws), await _recv(ws)
    assert added["type"] == "conversation.item.added"
    assert done["type"] == "conversation.item.done"
    assert added["item"]["id"].startswith("item_")
    assert added["item"]["content"] == item["content"]


async def test_latency_before_first_delta_and_between_deltas() -> None:
    # Only lower bounds measured from before the request is sent: the server cannot send delta
    # k before first_delta_delay + k * delta_delay has passed, however loaded the machine is.
    # Gaps between arrivals are not checked: a starved reader receives delayed frames in a
    # burst, so an arrival gap may be far shorter than the send gap (that flaked on CI).
    first, between = 0.05, 0.02
    reply = Reply(text="abcd", chunk_size=1, first_delta_delay=first, delta_delay=between)
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        sent = time.monotonic()
        await _create(ws)
        stamps: list[tuple[str, float]] = []
        while not stamps or stamps[-1][0] != "response.done":
            event = await _recv(ws)
            stamps.append((event["type"], time.monotonic() - sent))
    kinds = [kind for kind, _ in stamps]
    assert kinds[0] == "response.created"
    delta_times = [t for kind, t in stamps if kind == "response.output_text.delta"]
    assert len(delta_times) == 4
    assert kinds.index("response.output_text.delta") > kinds.index("response.created")
    slack = 0.005  # timer granularity
    for k, arrived in enumerate(delta_times):
        assert arrived >= first + k * between - slack, (k, delta_times)


async def test_drop_1006_aborts_without_close_frame() -> None:
    reply = Reply.dropped(after_deltas=2, text="abcdef", chunk_size=1)
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        seen: list[JSON] = []
        with pytest.raises(ConnectionClosedError) as info:
            while True:
                seen.append(await _recv(ws))
    assert info.value.rcvd is None  # no close frame: the client sees 1006
    assert [e["delta"] for e in seen if e["type"] == "response.output_text.delta"] == ["a", "b"]
    assert "response.done" not in _types(seen)


@pytest.mark.parametrize("code", [1011, 1001])
async def test_drop_with_close_code(code: int) -> None:
    reply = Reply.dropped(after_deltas=0, code=code, drop_reason="scripted")
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        with pytest.raises(ConnectionClosed) as info:
            while True:
                await _recv(ws)
    assert info.value.rcvd is not None
    assert (info.value.rcvd.code, info.value.rcvd.reason) == (code, "scripted")


async def test_malformed_frame_mid_stream_then_the_stream_continues() -> None:
    reply = Reply(text="abc", chunk_size=1, malformed_after_deltas=1, malformed_frame="<html>")
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        raw: list[str] = []
        async with asyncio.timeout(5):
            while not raw or '"response.done"' not in raw[-1]:
                raw.append(str(await ws.recv()))
    deltas_before = [r for r in raw[: raw.index("<html>")] if "output_text.delta" in r]
    assert len(deltas_before) == 1
    with pytest.raises(ValueError):
        json.loads("<html>")


async def test_error_reply_rejects_create_without_a_response() -> None:
    async with (
        ScriptedRealtimeServer([Reply.rejected(), "after"]) as server,
        _connect(server) as ws,
    ):
        await _open(ws)
        await _create(ws)
        error = await _recv(ws)
        await _create(ws)
        events = await _until_done(ws)
    assert error["type"] == "error"
    assert error["error"]["code"] == "conversation_already_has_active_response"
    assert error["error"]["event_id"] == "cli-1"
    assert events[0]["type"] == "response.created"


async def test_concurrent_default_conversation_response_is_rejected() -> None:
    slow = Reply(text="ab", chunk_size=1, first_delta_delay=0.1)
    async with ScriptedRealtimeServer([slow, "never"]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws, conversation="auto")
        await _create(ws, conversation="auto")
        events = await _until_done(ws)
    errors = [e for e in events if e["type"] == "error"]
    assert [e["error"]["code"] for e in errors] == ["conversation_already_has_active_response"]
    assert len(server.response_creates) == 1


@pytest.mark.parametrize(
    ("reply", "code", "needle"),
    [
        (Reply.failed(), "server_error", "The server had an error"),
        (Reply.rate_limited("1.5s"), "rate_limit_exceeded", "Please try again in 1.5s."),
        (Reply.rate_limited("174ms"), "rate_limit_exceeded", "try again in 174ms"),
    ],
)
async def test_failed_responses(reply: Reply, code: str, needle: str) -> None:
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        done = (await _until_done(ws))[-1]["response"]
    assert done["status"] == "failed"
    assert done["status_details"]["error"]["code"] == code
    assert needle in done["status_details"]["error"]["message"]


async def test_extra_events_rate_limits_and_omitted_done_events() -> None:
    seed = ({"type": "rate_limit", "remaining_requests": 0, "retry_after": 2}, {"type": "backoff"})
    limits = ({"name": "tokens", "limit": 10, "remaining": 0, "reset_seconds": 0.5},)
    reply = Reply(
        text="x",
        omit_done_events=True,
        include_output_in_done=False,
        events_before=seed,
        events_after=({"type": "error", "error": {"code": "late"}},),
        rate_limits=limits,
    )
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        events = await _until_done(ws)
        trailing = await _recv(ws)
    assert _types(events) == [
        "rate_limit",
        "backoff",
        *TEXT_SEQUENCE,
        "response.output_text.delta",
        "response.done",
    ]
    assert events[0]["retry_after"] == 2 and events[0]["event_id"].startswith("event_")
    assert events[3]["rate_limits"] == list(limits)
    assert events[-1]["response"]["output"] == []
    assert trailing["error"]["code"] == "late"


async def test_no_rate_limits_when_disabled() -> None:
    server = ScriptedRealtimeServer([Reply(text="x", rate_limits=())])
    async with server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        events = await _until_done(ws)
    assert "rate_limits.updated" not in _types(events)


@pytest.mark.parametrize(
    ("rejection", "code"),
    [
        (Rejection(401), "invalid_api_key"),
        (Rejection(429, headers={"retry-after": "2", "retry-after-ms": "1500"}), None),
        (Rejection(500, body={"error": {"message": "boom", "code": "x"}}), "x"),
    ],
)
async def test_handshake_rejections_carry_status_headers_and_json_body(
    rejection: Rejection, code: str | None
) -> None:
    script = ConnectionScript(reject=rejection)
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        with pytest.raises(InvalidStatus) as info:
            async with _connect(server):
                pass
        response = info.value.response
        assert response.status_code == rejection.status
        body = json.loads(response.body)
        if code is not None:
            assert body["error"]["code"] == code
        for key, value in rejection.headers.items():
            assert response.headers[key] == value
        assert server.connections[0].rejected
        assert server.connections[0].header("authorization") == f"Bearer {KEY}"
        # Later attempts are accepted.
        async with _connect(server) as ws:
            await _open(ws)
        assert server.connection_count == 2


async def test_unknown_path_is_404() -> None:
    async with ScriptedRealtimeServer() as server:
        with pytest.raises(InvalidStatus) as info:
            async with connect(server.url.replace("/v1/realtime", "/v2/other")):
                pass
    assert info.value.response.status_code == 404


async def test_never_sending_session_created_still_records_events() -> None:
    script = ConnectionScript(send_session_created=False)
    async with (
        ScriptedRealtimeServer(connection_scripts=[script]) as server,
        _connect(server) as ws,
    ):
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):
                await ws.recv()
        await ws.send(json.dumps({"type": "session.update", "session": {}}))
        async with asyncio.timeout(5):
            await server.wait_for_event("session.update")


async def test_unanswered_session_update_and_delays() -> None:
    script = ConnectionScript(answer_session_update=False, session_created_delay=0.05)
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        # Timed from before the connect: the delay starts at the server's end of the handshake,
        # which a loaded client may notice late (timing from after the connect flaked).
        start = time.monotonic()
        async with _connect(server) as ws:
            await _open(ws)
            assert time.monotonic() - start >= 0.045
            await ws.send(json.dumps({"type": "session.update", "session": {}}))
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.1):
                    await ws.recv()


async def test_ignored_close_handshake_forces_the_client_to_time_out() -> None:
    script = ConnectionScript(ignore_close=True)
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        ws = await _connect(server, close_timeout=0.2)
        await _open(ws)
        start = time.monotonic()
        await ws.close()
        elapsed = time.monotonic() - start
        # Lower bound: the client did wait for an answer that never came. Upper bound only
        # generous: without an answer a broken server would hold the close forever.
        assert 0.15 <= elapsed < 5.0
        assert ws.close_code == 1006  # nothing came back; websockets aborted the socket
        async with asyncio.timeout(5):
            await server.wait_closed()


async def test_beta_header_is_rejected_with_error_then_close_4000() -> None:
    headers = {"Authorization": f"Bearer {KEY}", "OpenAI-Beta": "realtime=v1"}
    server = ScriptedRealtimeServer()
    async with server, _connect(server, additional_headers=headers) as ws:
        error = await _recv(ws)
        with pytest.raises(ConnectionClosed) as info:
            await _recv(ws)
    assert error["error"]["code"] == "beta_api_shape_disabled"
    assert info.value.rcvd is not None
    assert info.value.rcvd.code == 4000
    assert info.value.rcvd.reason == "invalid_request_error.beta_api_shape_disabled"


async def test_session_expiry_after_open() -> None:
    expired = {
        "type": "error",
        "error": {"type": "invalid_request_error", "code": "session_expired"},
    }
    script = ConnectionScript(events_after_open=(expired,), close_after_open=(1001, "expired"))
    async with (
        ScriptedRealtimeServer(connection_scripts=[script]) as server,
        _connect(server) as ws,
    ):
        await _open(ws)
        assert (await _recv(ws))["error"]["code"] == "session_expired"
        with pytest.raises(ConnectionClosed):
            await _recv(ws)
    assert ws.close_code == 1001


async def test_cancel_active_response_and_cancel_with_nothing_active() -> None:
    stall = Reply(text="abc", chunk_size=1, stall_after_deltas=1)
    async with ScriptedRealtimeServer([stall]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        events = [await _recv(ws) for _ in range(5)]
        assert _types(events)[-1] == "response.output_text.delta"
        with pytest.raises(TimeoutError):  # stalled: nothing more comes
            async with asyncio.timeout(0.1):
                await ws.recv()
        response_id = events[0]["response"]["id"]
        await ws.send(json.dumps({"type": "response.cancel", "response_id": response_id}))
        done = await _recv(ws)
        assert done["type"] == "response.done"
        assert done["response"]["status"] == "cancelled"
        assert done["response"]["status_details"]["reason"] == "client_cancelled"
        await ws.send(json.dumps({"type": "response.cancel"}))
        error = await _recv(ws)
    assert error["error"]["code"] == "response_cancel_not_active"


async def test_silent_reply_sends_nothing() -> None:
    async with ScriptedRealtimeServer([Reply(silent=True)]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):
                await ws.recv()


@pytest.mark.parametrize(
    ("frame", "code"),
    [("not json", "invalid_json"), ('{"type": "bogus.event"}', "invalid_value")],
)
async def test_bad_client_frames_get_error_events(frame: str, code: str) -> None:
    async with ScriptedRealtimeServer() as server, _connect(server) as ws:
        await _open(ws)
        await ws.send(frame)
        error = await _recv(ws)
    assert error["type"] == "error" and error["error"]["code"] == code
    assert server.connections[0].frames == [frame]


async def test_stop_is_idempotent_and_closes_connections_with_1001() -> None:
    server = ScriptedRealtimeServer()
    await server.start()
    ws = await _connect(server)
    await _open(ws)
    await server.stop()
    await server.stop()
    with pytest.raises(ConnectionClosed):
        await _recv(ws)
    assert ws.close_code == 1001
    with pytest.raises(RuntimeError):
        _ = server.url


async def test_subprotocol_realtime_is_selected() -> None:
    async with ScriptedRealtimeServer() as server:
        protocols: Any = ["realtime", f"openai-insecure-api-key.{KEY}"]
        async with _connect(server, subprotocols=protocols) as ws:
            await _open(ws)
            assert ws.subprotocol == "realtime"
        assert KEY in (server.connections[0].header("sec-websocket-protocol") or "")


async def test_overlapping_out_of_band_responses_are_counted() -> None:
    slow = Reply(text="abc", chunk_size=1, delta_delay=0.02)
    async with ScriptedRealtimeServer(default=slow) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        await _create(ws)
        done = 0
        while done < 2:
            done += (await _recv(ws))["type"] == "response.done"
    assert server.connections[0].max_active_responses == 2


async def test_close_after_done_closes_an_idle_connection() -> None:
    reply = Reply(text="bye", close_after_done=True, drop_code=1011, drop_reason="gone")
    async with ScriptedRealtimeServer([reply]) as server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        events = await _until_done(ws)
        with pytest.raises(ConnectionClosed) as info:
            await _recv(ws)
    assert events[-1]["response"]["status"] == "completed"
    assert info.value.rcvd is not None and info.value.rcvd.code == 1011


# --- the response stream, without sockets ---------------------------------------------------


def _steps(reply: Reply, **response: Any) -> list[Any]:
    request = {"type": "response.create", "response": {"conversation": "none", **response}}
    return response_steps(reply, request, "resp_1", EventFactory(), rate_limits=())


def _kinds(steps: list[Any]) -> list[str]:
    return [json.loads(s)["type"] if isinstance(s, str) else type(s).__name__ for s in steps]


def test_stream_places_pauses_and_faults_between_deltas() -> None:
    reply = Reply(
        text="abcd", chunk_size=1, first_delta_delay=0.5, delta_delay=0.1, drop_after_deltas=3
    )
    kinds = _kinds(_steps(reply))
    assert kinds == [
        "response.created",
        "response.output_item.added",
        "response.content_part.added",
        "Pause",
        "response.output_text.delta",
        "Pause",
        "response.output_text.delta",
        "Pause",
        "response.output_text.delta",
        "Drop",
    ]
    pauses = [s.seconds for s in _steps(reply) if isinstance(s, Pause)]
    assert pauses == [0.5, 0.1, 0.1]


def test_stream_faults_scripted_past_the_end_happen_before_response_done() -> None:
    steps = _steps(Reply(text="ab", stall_after_deltas=5))
    assert isinstance(steps[-1], Stall)
    assert "response.done" not in _kinds(steps)
    steps = _steps(Reply(text="ab", malformed_after_deltas=9, malformed_frame="junk"))
    assert steps[-2] == "junk" and _kinds(steps[-1:]) == ["response.done"]


def test_stream_close_after_done_ends_with_a_drop() -> None:
    steps = _steps(Reply(text="ab", close_after_done=True, drop_code=1001, drop_reason="bye"))
    assert _kinds(steps)[-2:] == ["response.done", "Drop"]
    assert steps[-1] == Drop(1001, "bye")


def test_stream_event_ids_are_unique_and_delta_frames_are_valid_json() -> None:
    steps = _steps(Reply(text='q"uo\\te', chunk_size=2, function_calls=()))
    events = [json.loads(s) for s in steps]
    assert len({e["event_id"] for e in events}) == len(events)
    deltas = [e for e in events if e["type"] == "response.output_text.delta"]
    assert "".join(d["delta"] for d in deltas) == 'q"uo\\te'
    assert {d["response_id"] for d in deltas} == {"resp_1"}


async def test_pings_are_answered_unless_scripted_otherwise() -> None:
    scripts = [ConnectionScript(), ConnectionScript(answer_pings=False)]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        async with _connect(server) as ws:
            await _open(ws)
            async with asyncio.timeout(5):
                await (await ws.ping())
        async with _connect(server, close_timeout=0.1) as ws:
            await _open(ws)
            pong = await ws.ping()
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.2):
                    await pong
            # Everything else still works on the hung-looking connection.
            await _create(ws)
            assert (await _until_done(ws))[-1]["type"] == "response.done"


def test_stream_only_events_replace_the_ga_sequence() -> None:
    raw = ({"type": "response.partial", "response_id": "$response", "delta": "x"},)
    steps = _steps(Reply(text="ignored", only_events=raw, drop_after_deltas=0))
    (event,) = [json.loads(s) for s in steps]
    assert event["type"] == "response.partial"
    assert event["response_id"] == "resp_1"
    assert event["event_id"].startswith("event_")


async def test_async_reply_may_wait_for_a_later_client_event() -> None:
    server = ScriptedRealtimeServer()

    async def after_item(event: JSON) -> str:
        item = await server.wait_for_event("conversation.item.create")
        return str(item["item"]["content"][0]["text"])

    server.add_replies(after_item)
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "late"}]}
    async with server, _connect(server) as ws:
        await _open(ws)
        await _create(ws)
        await ws.send(json.dumps({"type": "conversation.item.create", "item": item}))
        events = [e for e in await _until_done(ws) if e["type"] == "response.done"]
    assert events[0]["response"]["output"][0]["content"][0]["text"] == "late"


@pytest.mark.parametrize(
    ("compression", "expected"), [(None, ""), ("deflate", "permessage-deflate")]
)
async def test_compression_is_negotiated_only_when_enabled(
    compression: str | None, expected: str
) -> None:
    server = ScriptedRealtimeServer(compression=compression)
    async with server, connect(server.url) as ws:  # websockets offers deflate by default
        await _open(ws)
        assert ws.response is not None
        offered = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        assert offered.split(";")[0] == expected


def test_a_reply_scripted_with_something_that_is_no_event_is_refused_at_once() -> None:
    with pytest.raises(TypeError, match="events_before"):
        Reply(events_before=("response.created",))  # type: ignore[arg-type]
