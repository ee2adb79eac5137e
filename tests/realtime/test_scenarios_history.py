"""End-to-end against the scripted server: in-band conversation replay after reconnects,
failed responses carrying their result and usage, and the handshake 429 error type.

Retry backoff runs on a fake clock; every exchange is a real WebSocket on 127.0.0.1.
"""

from __future__ import annotations

import json
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
    Usage,
)
from release_tools.realtime.exceptions import (
    AuthenticationError,
    HandshakeError,
    HandshakeRateLimitError,
    RateLimitError,
    RealtimeConnectionError,
    RetryExhaustedError,
    ServerError,
)
from release_tools.realtime.retry import is_retryable
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ReplySource,
    ScriptedRealtimeServer,
)

KEY = "sk-history-canary-9f8e7d6c5b4a3210"
FAST = Timeouts(connect=5, session=5, response=10, idle=5, close=1)
JSON = dict[str, Any]


def _config(server: ScriptedRealtimeServer, retries: int = 3) -> ClientConfig:
    retry = RetryPolicy(max_retries=retries, base=0.01, cap=0.05, jitter=0.0)
    return ClientConfig(
        url=server.url, model="gpt-realtime", api_key=KEY, timeouts=FAST, retry=retry
    )


def _say(text: str) -> ResponseRequest:
    return ResponseRequest(input_text=text, out_of_band=False)


def _texts(items: list[JSON]) -> list[str]:
    """A conversation as ``role: text`` lines (function items as ``type call_id``)."""
    lines = []
    for item in items:
        if item.get("type") == "message":
            lines.append(f"{item['role']}: {item['content'][0]['text']}")
        else:
            lines.append(f"{item['type']} {item['call_id']}")
    return lines


def _seen_by_model(server: ScriptedRealtimeServer, text: str) -> Any:
    """A reply callable answering ``text`` and noting the conversation the model saw."""
    seen: list[list[str]] = []

    def reply(_: JSON) -> Reply:
        seen.append(_texts(server.connections[-1].conversation))
        return Reply(text=text)

    reply.seen = seen  # type: ignore[attr-defined]
    return reply


async def test_drop_mid_in_band_response_replays_the_conversation_before_the_rerun() -> None:
    clock = FakeClock()
    async with ScriptedRealtimeServer() as server:
        third = _seen_by_model(server, "a3")
        server.add_replies("a1", "a2", Reply.dropped(after_deltas=1, text="lost answer"), third)
        async with RealtimeSession(_config(server), SessionConfig(), clock=clock) as session:
            results = [await session.respond(_say(q)) for q in ("q1", "q2", "q3")]
    assert [r.text for r in results] == ["a1", "a2", "a3"]
    assert server.connection_count == 2
    old, new = server.connections
    # The new session got the old conversation back, in order, before the re-run request ...
    replayed = new.events_of_type("conversation.item.create")
    assert _texts([e["item"] for e in replayed]) == [
        "user: q1",
        "assistant: a1",
        "user: q2",
        "assistant: a2",
        "user: q3",
    ]
    kinds = [e["type"] for e in new.events]
    assert kinds == ["session.update", *["conversation.item.create"] * 5, "response.create"]
    # ... so the model answering the re-run saw the whole conversation once, q3 included.
    assert third.seen == [["user: q1", "assistant: a1", "user: q2", "assistant: a2", "user: q3"]]
    # The interrupted request's item went out once per connection, never twice on one.
    assert _texts(old.conversation).count("user: q3") == 1
    assert _texts(new.conversation).count("user: q3") == 1
    assert len(session.history) == 6


async def test_function_call_round_trip_survives_a_reconnect() -> None:
    output = {"type": "function_call_output", "call_id": "call_7", "output": '{"commits": 3}'}
    clock = FakeClock()
    async with ScriptedRealtimeServer() as server:
        final = _seen_by_model(server, "three commits")
        server.add_replies(
            Reply.function_call("list_commits", '{"from_ref": "v1"}', call_id="call_7"),
            Reply.dropped(after_deltas=1),
            final,
        )
        async with RealtimeSession(_config(server), SessionConfig(), clock=clock) as session:
            first = await session.respond(_say("how many commits?"))
            assert first.function_calls[0].call_id == "call_7"
            answer = await session.respond(ResponseRequest(input_items=[output], out_of_band=False))
    assert answer.text == "three commits"
    assert final.seen == [
        ["user: how many commits?", "function_call call_7", "function_call_output call_7"]
    ]
    call = server.connections[1].events_of_type("conversation.item.create")[1]["item"]
    assert call == {
        "type": "function_call",
        "call_id": "call_7",
        "name": "list_commits",
        "arguments": '{"from_ref": "v1"}',
    }


async def test_session_expiry_between_in_band_requests_replays_on_the_next_one() -> None:
    expired = {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "code": "session_expired",
            "message": "Your session hit the maximum duration of 60 minutes.",
        },
    }
    clock = FakeClock()
    async with ScriptedRealtimeServer() as server:
        second = _seen_by_model(server, "a2")
        server.add_replies(
            Reply(text="a1", events_after=(expired,), close_after_done=True, drop_code=1001),
            second,
        )
        async with RealtimeSession(_config(server), SessionConfig(), clock=clock) as session:
            await session.respond(_say("q1"))
            await session.wait_disconnected()
            await session.respond(_say("q2"))
    assert second.seen == [["user: q1", "assistant: a1", "user: q2"]]


async def test_out_of_band_requests_replay_nothing_after_a_drop() -> None:
    clock = FakeClock()
    replies: list[ReplySource] = ["a1", Reply.dropped(after_deltas=1), "a2"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SessionConfig(), clock=clock) as session,
    ):
        await session.respond(ResponseRequest(input_text="q1"))
        await session.respond(ResponseRequest(input_text="q2"))
    assert server.connection_count == 2
    assert server.events_of_type("conversation.item.create") == []
    assert len(session.history) == 0


async def test_bounded_history_replays_only_the_newest_items_and_logs_the_truncation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="release_tools.realtime")
    clock = FakeClock()
    config = SessionConfig(history_max_items=3)
    replies: list[ReplySource] = ["a1", "a2", Reply.dropped(after_deltas=1), "a3"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), config, clock=clock) as session,
    ):
        for question in ("q1", "q2", "q3"):
            await session.respond(_say(question))
    replayed = server.connections[1].events_of_type("conversation.item.create")
    # q1 and a1 went over the bound of 3; q3 is the interrupted request's own item.
    assert _texts([e["item"] for e in replayed]) == ["user: q2", "assistant: a2", "user: q3"]
    warnings = [r for r in caplog.records if "history over its bound" in r.getMessage()]
    assert warnings and warnings[0].levelno == logging.WARNING
    assert any("replaying 3 conversation items" in r.getMessage() for r in caplog.records)


async def test_rejected_replay_fails_the_request_with_the_servers_error() -> None:
    clock = FakeClock()
    scripts = [ConnectionScript(), ConnectionScript(reject_item_creates=True)]
    replies: list[ReplySource] = ["a1", Reply.dropped(after_deltas=1)]
    async with (
        ScriptedRealtimeServer(replies, connection_scripts=scripts) as server,
        RealtimeSession(_config(server), SessionConfig(), clock=clock) as session,
    ):
        await session.respond(_say("q1"))
        with pytest.raises(ServerError, match="restoring the conversation") as info:
            await session.respond(_say("q2"))
    assert info.value.code == "invalid_value"
    # Not answered from a conversation missing its history: no response.create went out.
    assert server.connections[1].events_of_type("response.create") == []


async def test_retried_failure_on_the_same_connection_sends_the_items_once() -> None:
    clock = FakeClock()
    replies: list[ReplySource] = [Reply.failed(), "answer"]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SessionConfig(), clock=clock) as session,
    ):
        result = await session.respond(_say("question"))
    assert result.text == "answer"
    (conn,) = server.connections
    assert len(conn.events_of_type("conversation.item.create")) == 1
    assert len(conn.events_of_type("response.create")) == 2
    assert _texts(conn.conversation) == ["user: question", "assistant: answer"]


async def test_failed_attempts_are_in_the_error_and_in_session_and_pool_usage() -> None:
    failed_usage = {"input_tokens": 90, "output_tokens": 10, "total_tokens": 100}
    clock = FakeClock()
    replies: list[ReplySource] = [
        Reply.failed(usage=failed_usage),
        Reply(text="ok", usage=failed_usage),
    ]
    async with (
        ScriptedRealtimeServer(replies) as server,
        RealtimeSession(_config(server), SessionConfig(), clock=clock) as session,
    ):
        result = await session.respond(ResponseRequest(input_text="x"))
        assert result.usage.total_tokens == 100
        # The retried failure is billed too: the session total holds both attempts.
        assert session.usage == Usage(180, 20, 200)

    server_replies = [Reply.failed(usage=failed_usage)] * 2
    async with (
        ScriptedRealtimeServer(server_replies) as server,
        RealtimeSession(_config(server, retries=1), SessionConfig(), clock=clock) as session,
    ):
        with pytest.raises(RetryExhaustedError) as info:
            await session.respond(ResponseRequest(input_text="x"))
        last = info.value.last
        assert isinstance(last, ServerError)
        assert last.result is not None
        assert last.result.status == "failed"
        assert (last.result.response_id or "").startswith("resp_")
        assert last.result.usage.total_tokens == 100
        assert last.result.status_details["error"]["code"] == "server_error"
        assert session.usage.total_tokens == 200


async def test_pool_usage_includes_failed_attempts_and_replaced_sessions() -> None:
    usage = {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    clock = FakeClock()
    replies: list[ReplySource] = [
        Reply.failed(usage=usage),
        Reply(text="a", usage=usage, close_after_done=True),
    ]
    default = Reply(text="b", usage=usage)
    async with (
        ScriptedRealtimeServer(replies, default=default) as server,
        SessionPool(_config(server), SessionConfig(), size=1, clock=clock) as pool,
    ):
        await pool.respond(ResponseRequest(input_text="1"))
        (first,) = pool.sessions
        await first.wait_disconnected()
        await pool.respond(ResponseRequest(input_text="2"))  # on a replacement session
        assert pool.replacements == 1
        assert pool.usage == Usage(9, 6, 15)


# --- handshake 429 ---------------------------------------------------------------------------


async def test_handshake_429_keeps_status_headers_and_body_and_is_a_rate_limit() -> None:
    body = {"error": {"type": "requests", "code": "rate_limit_exceeded", "message": "slow down"}}
    headers = {"retry-after-ms": "250", "x-request-id": "req_42"}
    scripts = [ConnectionScript(reject=Rejection(429, headers=headers, body=body))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        session = RealtimeSession(_config(server, retries=0), SessionConfig(), clock=FakeClock())
        with pytest.raises(RateLimitError) as info:
            await session.connect()
        await session.close()
    error = info.value
    assert isinstance(error, HandshakeRateLimitError)
    assert isinstance(error, HandshakeError)
    assert isinstance(error, RealtimeConnectionError)
    assert error.status == 429
    assert error.headers["x-request-id"] == "req_42"
    assert json.loads(error.body) == body
    assert error.retry_after == 0.25
    assert (error.type, error.code) == ("requests", "rate_limit_exceeded")
    assert error.result is None
    assert is_retryable(error)


async def test_handshake_429_is_retried_after_its_wait_then_connects() -> None:
    clock = FakeClock()
    scripts = [ConnectionScript(reject=Rejection(429, headers={"retry-after": "3"}))]
    async with (
        ScriptedRealtimeServer(["ok"], connection_scripts=scripts) as server,
        RealtimeSession(_config(server), SessionConfig(), clock=clock) as session,
    ):
        assert (await session.respond(ResponseRequest(input_text="x"))).text == "ok"
    assert server.connection_count == 2
    assert clock.sleeps[0] >= 3.0


def test_in_band_rate_limit_is_not_a_handshake_error() -> None:
    error = RateLimitError("Please try again in 1s", retry_after=1.0)
    assert not isinstance(error, HandshakeError)
    assert is_retryable(error)


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (429, "rate_limit_exceeded", True),
        (429, "insufficient_quota", False),
        (500, None, True),
        (503, None, True),
        (400, None, False),
        (401, None, False),
        (403, None, False),
        (404, None, False),
    ],
)
async def test_handshake_statuses_classify_as_the_issue_says(
    status: int, code: str | None, retryable: bool
) -> None:
    body = {"error": {"type": "x", "code": code, "message": f"status {status}"}}
    scripts = [ConnectionScript(reject=Rejection(status, body=body))]
    async with ScriptedRealtimeServer(connection_scripts=scripts) as server:
        session = RealtimeSession(_config(server, retries=0), SessionConfig(), clock=FakeClock())
        with pytest.raises(HandshakeError) as info:
            await session.connect()
        await session.close()
    assert info.value.status == status
    assert is_retryable(info.value) is retryable
    assert isinstance(info.value, AuthenticationError) is (status in (401, 403))
    assert isinstance(info.value, RateLimitError) is (status == 429)
