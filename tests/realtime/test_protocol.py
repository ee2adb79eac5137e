"""The sans-I/O session: state machine, requests, aggregation, errors; no network."""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future
from typing import Any

import pytest

from fake_clock import FakeClock
from release_tools.realtime.aggregate import ResponseTable
from release_tools.realtime.config import FunctionTool, ResponseRequest, SessionConfig
from release_tools.realtime.exceptions import (
    ConnectionClosedError,
    IncompleteResponseError,
    RateLimitError,
    RealtimeProtocolError,
    RealtimeStateError,
    ServerError,
)
from release_tools.realtime.protocol import (
    REQUEST_TAG,
    FunctionCall,
    RealtimeProtocol,
    ResponseResult,
    SessionState,
    Usage,
)
from release_tools.realtime.ratelimit import RateLimitState

TOOL = FunctionTool("list_commits", "Commits between refs", {"type": "object", "properties": {}})


def send(proto: RealtimeProtocol, **event: Any) -> None:
    proto.feed(json.dumps(event))


def open_protocol(*, session_type: str | None = None, **kwargs: Any) -> RealtimeProtocol:
    proto = RealtimeProtocol(SessionConfig(instructions="be brief", tools=[TOOL]), **kwargs)
    created: Future[str] = Future()
    proto.begin_connect(created)
    session = {"id": "sess_1", "model": "gpt-realtime"}
    if session_type is not None:
        session["type"] = session_type
    send(proto, type="session.created", session=session)
    assert created.result(0) == "sess_1"
    updated: Future[str] = Future()
    frame = json.loads(proto.session_update_frame(updated))
    assert frame["type"] == "session.update"
    assert frame["session"]["instructions"] == "be brief"
    assert frame["session"]["tools"][0]["name"] == "list_commits"
    assert frame["session"]["type"] == "realtime"
    assert frame["session"]["output_modalities"] == ["text"]
    send(proto, type="session.updated", session={"id": "sess_1", "instructions": "be brief"})
    assert updated.result(0) == "sess_1"
    proto.mark_open()
    return proto


def start(
    proto: RealtimeProtocol, request: ResponseRequest | None = None
) -> tuple[str, list[dict[str, Any]], Future[ResponseResult]]:
    waiter: Future[ResponseResult] = Future()
    request_id, frames = proto.start_response(request or ResponseRequest(input_text="hi"), waiter)
    return request_id, [json.loads(f) for f in frames], waiter


def created(proto: RealtimeProtocol, rid: str, request_id: str | None = None) -> None:
    meta = {REQUEST_TAG: request_id} if request_id else None
    send(
        proto,
        type="response.created",
        response={"id": rid, "status": "in_progress", "metadata": meta},
    )


def done(proto: RealtimeProtocol, rid: str, status: str = "completed", **response: Any) -> None:
    body = {"id": rid, "status": status, **response}
    send(proto, type="response.done", response=body)


def test_handshake_records_session_id_and_opens() -> None:
    proto = open_protocol()
    assert proto.state is SessionState.OPEN
    assert proto.session_id == "sess_1"


def test_state_machine_refuses_invalid_transitions() -> None:
    proto = RealtimeProtocol(SessionConfig())
    assert proto.state is SessionState.CONNECTING
    with pytest.raises(RealtimeStateError, match="connecting"):
        proto.start_response(ResponseRequest(input_text="x"), Future())
    with pytest.raises(RealtimeStateError, match=r"before session\.created"):
        proto.session_update_frame(Future())
    proto.transition(SessionState.CLOSED)
    with pytest.raises(RealtimeStateError, match="closed -> open"):
        proto.transition(SessionState.OPEN)
    proto.begin_connect(Future())  # CLOSED -> CONNECTING is a reconnect
    assert proto.state is SessionState.CONNECTING


def test_transitions_are_logged_with_context(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="release_tools.realtime")
    open_protocol()
    records = [r for r in caplog.records if "->" in r.getMessage()]
    assert records[-1].getMessage() == "session state connecting -> open"
    assert records[-1].session_id == "sess_1"  # type: ignore[attr-defined]
    assert records[-1].state == "open"  # type: ignore[attr-defined]


def test_out_of_band_request_frame() -> None:
    proto = open_protocol()
    request = ResponseRequest(
        instructions="title only",
        input_text="Fix flaky upload",
        input_items=[{"type": "item_reference", "id": "item_1"}],
        tools=[TOOL],
        tool_choice="none",
        metadata={"job": "title"},
        max_output_tokens=50,
    )
    request_id, frames, _ = start(proto, request)
    assert len(frames) == 1
    body = frames[0]["response"]
    assert frames[0]["type"] == "response.create"
    assert frames[0]["event_id"].startswith("rt-create-")
    assert body["conversation"] == "none"
    assert body["metadata"] == {"job": "title", REQUEST_TAG: request_id}
    assert body["input"] == [
        {"type": "item_reference", "id": "item_1"},
        {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "Fix flaky upload"}],
        },
    ]
    assert body["instructions"] == "title only"
    assert body["tool_choice"] == "none"
    assert body["tools"][0]["type"] == "function"
    assert body["max_output_tokens"] == 50


def test_in_band_request_creates_items_first() -> None:
    proto = open_protocol()
    _, frames, _ = start(proto, ResponseRequest(input_text="hello", out_of_band=False))
    assert [f["type"] for f in frames] == ["conversation.item.create", "response.create"]
    assert "conversation" not in frames[1]["response"]
    assert "input" not in frames[1]["response"]


def test_text_deltas_aggregate_and_done_completes_once() -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    for piece in ("Hel", "lo, ", "world"):
        send(
            proto,
            type="response.output_text.delta",
            response_id="resp_1",
            item_id="it",
            delta=piece,
        )
    assert not waiter.done()
    usage = {"input_tokens": 3, "output_tokens": 5, "total_tokens": 8}
    done(proto, "resp_1", usage=usage, metadata={REQUEST_TAG: request_id, "job": "x"})
    result = waiter.result(0)
    assert result == ResponseResult(
        response_id="resp_1",
        status="completed",
        text="Hello, world",
        usage=Usage(3, 5, 8),
        metadata={"job": "x"},
    )
    # A duplicate completion is ignored, and nothing is pending any more.
    done(proto, "resp_1", status="failed")
    assert proto.pending_count == 0


def test_done_events_replace_deltas() -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    send(
        proto,
        type="response.output_text.delta",
        response_id="resp_1",
        item_id="it",
        delta="partial",
    )
    send(proto, type="response.output_text.done", response_id="resp_1", item_id="it", text="FULL")
    done(proto, "resp_1")
    assert waiter.result(0).text == "FULL"


def test_output_of_response_done_when_no_deltas_and_no_done_events() -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    output = [
        {"id": "it1", "type": "message", "content": [{"type": "output_text", "text": "from done"}]},
        {"id": "it2", "type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
    ]
    done(proto, "resp_1", output=output)
    result = waiter.result(0)
    assert result.text == "from done"
    assert result.function_calls == [FunctionCall("c1", "f", "{}", "it2")]


def test_function_call_arguments_are_aggregated_per_item() -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    for index, (item, call) in enumerate((("i1", "c1"), ("i2", "c2"))):
        send(
            proto,
            type="response.output_item.added",
            response_id="resp_1",
            output_index=index,
            item={"id": item, "type": "function_call", "call_id": call, "name": f"fn{index}"},
        )
    # Interleaved deltas of two calls must not mix.
    for item, call, piece in (("i1", "c1", '{"a":'), ("i2", "c2", '{"b":'), ("i1", "c1", "1}")):
        send(
            proto,
            type="response.function_call_arguments.delta",
            response_id="resp_1",
            item_id=item,
            call_id=call,
            delta=piece,
        )
    send(
        proto,
        type="response.function_call_arguments.done",
        response_id="resp_1",
        item_id="i2",
        output_index=1,
        call_id="c2",
        name="fn1",
        arguments='{"b":2}',
    )
    done(proto, "resp_1")
    calls = waiter.result(0).function_calls
    assert calls == [
        FunctionCall("c1", "fn0", '{"a":1}', "i1"),
        FunctionCall("c2", "fn1", '{"b":2}', "i2"),
    ]
    assert calls[0].parsed_arguments() == {"a": 1}
    with pytest.raises(RealtimeProtocolError, match="not JSON"):
        FunctionCall("c", "f", "{broken").parsed_arguments()


def test_statuses_and_reasons_are_reported() -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    done(
        proto,
        "resp_1",
        status="incomplete",
        status_details={"type": "incomplete", "reason": "max_output_tokens"},
    )
    result = waiter.result(0)
    assert (result.status, result.status_reason) == ("incomplete", "max_output_tokens")


def test_failed_response_raises_server_error() -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    error = {"type": "server_error", "code": "server_error", "message": "The server had an error"}
    done(proto, "resp_1", status="failed", status_details={"type": "failed", "error": error})
    exc = waiter.exception(0)
    assert isinstance(exc, ServerError)
    assert (exc.type, exc.code, exc.retryable) == ("server_error", "server_error", True)


def test_rate_limited_response_feeds_the_shared_state() -> None:
    limits = RateLimitState(clock=FakeClock().monotonic)
    proto = open_protocol(rate_limits=limits)
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    error = {
        "type": "tokens",
        "code": "rate_limit_exceeded",
        "message": "Please try again in 6.2s.",
    }
    done(proto, "resp_1", status="failed", status_details={"type": "failed", "error": error})
    exc = waiter.exception(0)
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == pytest.approx(6.2)
    assert limits.wait_time() == pytest.approx(6.2)


def test_rate_limited_without_wait_in_message_uses_reset_seconds() -> None:
    limits = RateLimitState(clock=FakeClock().monotonic)
    proto = open_protocol(rate_limits=limits)
    send(
        proto,
        type="rate_limits.updated",
        rate_limits=[{"name": "tokens", "remaining": 10, "reset_seconds": 4.0}],
    )
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    error = {"type": "tokens", "code": "rate_limit_exceeded", "message": "slow down"}
    done(proto, "resp_1", status="failed", status_details={"type": "failed", "error": error})
    exc = waiter.exception(0)
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == pytest.approx(4.0)


def test_seed_events_feed_rate_limits() -> None:
    clock = FakeClock()
    limits = RateLimitState(clock=clock.monotonic, wall_clock=clock.time)
    proto = open_protocol(rate_limits=limits)
    send(proto, type="backoff", wait_ms=1500)
    assert limits.wait_time() == pytest.approx(1.5)
    send(proto, type="rate_limit", remaining_requests=0, reset_at=clock.wall + 3.0, retry_after=1)
    assert limits.wait_time() == pytest.approx(3.0)


def test_error_event_fails_the_request_it_names() -> None:
    proto = open_protocol()
    _, frames, first = start(proto)
    _, _, second = start(proto)
    error = {
        "type": "invalid_request_error",
        "code": "conversation_already_has_active_response",
        "message": "Conversation already has an active response",
        "param": None,
        "event_id": frames[-1]["event_id"],
    }
    send(proto, type="error", event_id="event_9", error=error)
    exc = first.exception(0)
    assert isinstance(exc, ServerError)
    assert exc.code == "conversation_already_has_active_response"
    assert exc.event_id == frames[-1]["event_id"]
    assert exc.retryable
    assert not second.done()


def test_uncorrelated_benign_error_keeps_requests_alive() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    send(
        proto,
        type="error",
        error={
            "type": "invalid_request_error",
            "code": "response_cancel_not_active",
            "message": "x",
        },
    )
    assert not waiter.done()


def test_an_error_naming_no_event_is_ambiguous_with_two_requests_pending() -> None:
    proto = open_protocol()
    _, _, first = start(proto)
    _, _, second = start(proto)
    send(
        proto,
        type="error",
        error={"type": "invalid_request_error", "code": "other", "message": "y"},
    )
    assert not first.done() and not second.done()


def test_an_error_naming_another_event_is_not_adopted_by_the_pending_request() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    error = {"type": "invalid_request_error", "message": "bad", "event_id": "s9-cancel-40"}
    send(proto, type="error", error=error)
    assert not waiter.done()


@pytest.mark.parametrize(
    "kind", ["invalid_request_error", "authentication_error", "permission_error"]
)
def test_an_error_without_event_id_fails_the_only_pending_request_at_once(kind: str) -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    message = "the tool schema is not accepted"
    send(proto, type="error", event_id="event_5", error={"type": kind, "message": message})
    exc = waiter.exception(0)
    assert isinstance(exc, ServerError)
    assert str(exc) == message and exc.type == kind
    assert not exc.retryable
    assert proto.pending_count == 0
    # The response the server created for it may still run: abandoning it cancels it.
    cancel = [json.loads(f) for f in proto.abandon(request_id)]
    assert [(f["type"], f["response_id"]) for f in cancel] == [("response.cancel", "resp_1")]
    # Its late events are dropped, not adopted by the next request.
    _, _, later = start(proto)
    done(proto, "resp_1")
    assert not later.done()


def test_a_server_error_without_event_id_is_retryable_for_its_request() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    send(proto, type="error", error={"type": "server_error", "message": "try later"})
    exc = waiter.exception(0)
    assert isinstance(exc, ServerError) and exc.retryable


def test_fatal_error_fails_everything() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    send(
        proto,
        type="error",
        error={
            "type": "invalid_request_error",
            "code": "beta_api_shape_disabled",
            "message": "gone",
        },
    )
    exc = waiter.exception(0)
    assert isinstance(exc, ServerError)
    assert not exc.retryable


def test_error_during_session_setup_fails_the_session_waiter() -> None:
    proto = RealtimeProtocol(SessionConfig())
    waiter: Future[str] = Future()
    proto.begin_connect(waiter)
    send(
        proto,
        type="error",
        error={"type": "invalid_request_error", "code": "invalid_intent", "message": "bad"},
    )
    assert isinstance(waiter.exception(0), ServerError)


def test_refusal_read_between_setup_steps_fails_the_next_step_and_explains_the_close() -> None:
    proto = RealtimeProtocol(SessionConfig())
    created_waiter: Future[str] = Future()
    proto.begin_connect(created_waiter)
    send(proto, type="session.created", session={"id": "sess_1"})
    assert created_waiter.result(0) == "sess_1"
    # Read before the client sent session.update: nobody is waiting yet.
    send(
        proto,
        type="error",
        error={
            "type": "invalid_request_error",
            "code": "beta_api_shape_disabled",
            "message": "The Realtime Beta API is no longer supported.",
        },
    )
    updated: Future[str] = Future()
    proto.session_update_frame(updated)
    exc = updated.exception(0)
    assert isinstance(exc, ServerError) and not exc.retryable
    assert exc.code == "beta_api_shape_disabled"
    assert str(exc) == (
        "the server refused the session: The Realtime Beta API is no longer supported. "
        "(invalid_request_error.beta_api_shape_disabled)"
    )
    assert proto.session_error is exc
    proto.connection_lost(ConnectionClosedError("closed", code=4000, reason="x.y"))
    # A new connection starts clean.
    proto.begin_connect(Future())
    assert proto.session_error is None


def test_the_close_after_a_refusal_fails_requests_with_the_refusal() -> None:
    proto = open_protocol()
    error = {"type": "invalid_request_error", "code": "invalid_intent", "message": "bad intent"}
    send(proto, type="error", error=error)
    _, _, waiter = start(proto)  # sent before the client saw the close
    proto.connection_lost(ConnectionClosedError("closed", code=4000, reason="x.y"))
    exc = waiter.exception(0)
    assert exc is proto.session_error
    assert (
        str(exc)
        == "the server refused the session: bad intent (invalid_request_error.invalid_intent)"
    )


def test_a_response_starts_with_response_created_or_its_first_routed_event() -> None:
    proto = open_protocol()
    tagged, _, _ = start(proto)
    assert not proto.response_started(tagged)
    created(proto, "resp_1", tagged)
    assert proto.response_started(tagged)
    # A server that sends no response.created: the first event routed to the request.
    legacy, _, _ = start(proto)
    assert not proto.response_started(legacy)
    send(proto, type="response.partial", response_id="resp_2", delta="x")
    assert proto.response_started(legacy)
    assert not proto.response_started("unknown-request")


def test_responses_are_routed_by_tag_not_order() -> None:
    proto = open_protocol()
    first_id, _, first = start(proto, ResponseRequest(input_text="a"))
    second_id, _, second = start(proto, ResponseRequest(input_text="b"))
    created(proto, "resp_B", second_id)
    created(proto, "resp_A", first_id)
    send(proto, type="response.output_text.delta", response_id="resp_A", item_id="x", delta="A")
    send(proto, type="response.output_text.delta", response_id="resp_B", item_id="y", delta="B")
    done(proto, "resp_B")
    done(proto, "resp_A")
    assert (first.result(0).text, second.result(0).text) == ("A", "B")


def test_untagged_responses_are_matched_in_order_and_missing_created_is_tolerated() -> None:
    proto = open_protocol()
    _, _, first = start(proto)
    _, _, second = start(proto)
    send(proto, type="response.output_text.delta", response_id="r1", item_id="i", delta="one")
    created(proto, "r2")
    send(proto, type="response.output_text.delta", response_id="r2", item_id="i", delta="two")
    done(proto, "r2")
    done(proto, "r1")
    assert (first.result(0).text, second.result(0).text) == ("one", "two")


def test_on_a_ga_session_a_response_never_created_is_nobodys_answer() -> None:
    proto = open_protocol(session_type="realtime")
    request_id, _, waiter = start(proto)
    # A stray response (another client's on a shared session, a confused server): its events
    # and its response.done come without response.created, and carry a verdict.
    send(proto, type="response.output_text.delta", response_id="resp_x", item_id="i", delta="x")
    done(
        proto,
        "resp_x",
        output=[{"type": "message", "content": [{"type": "output_text", "text": "STRAY"}]}],
    )
    assert not waiter.done() and not proto.response_started(request_id)
    created(proto, "resp_1", request_id)
    send(proto, type="response.output_text.delta", response_id="resp_1", item_id="i", delta="ok")
    done(proto, "resp_1")
    assert waiter.result(0).text == "ok"


def test_events_of_finished_or_foreign_responses_are_ignored() -> None:
    proto = open_protocol()
    request_id, _, _ = start(proto)
    created(proto, "r1", request_id)
    done(proto, "r1")
    _, _, later = start(proto)
    send(proto, type="response.output_text.delta", response_id="r1", item_id="i", delta="late")
    created(proto, "r2")
    send(proto, type="response.output_text.delta", response_id="r2", item_id="i", delta="mine")
    done(proto, "r2")
    assert later.result(0).text == "mine"


def test_seed_partial_and_final_names() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    send(proto, type="response.partial", response={"text": "Hel"})
    send(proto, type="response.partial", response={"text": "lo"})
    send(proto, type="response.final", response={"text": "Hello!"})
    result = waiter.result(0)
    assert (result.status, result.text) == ("completed", "Hello!")
    # The GA response.done that may follow is ignored: first completion wins.
    done(proto, "whatever", status="failed")


def test_seed_final_without_text_keeps_the_partials() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    send(proto, type="response.partial", response={"text": "ab"})
    send(proto, type="response.partial", response={"text": "cd"})
    send(proto, type="response.final")
    assert waiter.result(0).text == "abcd"


def test_seed_response_error() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    send(proto, type="response.error", error={"type": "server_error", "message": "broken"})
    exc = waiter.exception(0)
    assert isinstance(exc, ServerError)
    assert str(exc) == "broken"


def test_malformed_frame_fails_pending_requests_with_protocol_error() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    proto.feed("{garbage")
    exc = waiter.exception(0)
    assert isinstance(exc, RealtimeProtocolError)
    assert exc.retryable
    assert proto.state is SessionState.OPEN


def test_unknown_events_are_logged_once_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="release_tools.realtime")
    proto = open_protocol()
    _, _, waiter = start(proto)
    for _ in range(3):
        send(proto, type="mcp.list_tools.in_progress")
    send(proto, type="conversation.item.added", item={})
    skipped = [r for r in caplog.records if "unknown event" in r.getMessage()]
    assert len(skipped) == 1
    assert "mcp.list_tools.in_progress" in skipped[0].getMessage()
    assert not waiter.done()


def test_connection_lost_fails_waiters_and_closes() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    proto.connection_lost(ConnectionClosedError("dropped", code=1006))
    assert isinstance(waiter.exception(0), ConnectionClosedError)
    assert proto.state is SessionState.CLOSED
    assert proto.pending_count == 0


def test_normal_closure_drops_the_requests_still_waiting() -> None:
    proto = open_protocol()
    request_id, _, started = start(proto)
    created(proto, "resp_1", request_id)
    _, _, queued = start(proto)
    proto.connection_lost(ConnectionClosedError("closed", code=1000, reason="bye"))
    for waiter in (started, queued):
        exc = waiter.exception(0)
        assert isinstance(exc, ConnectionClosedError) and exc.retryable
        assert (exc.code, exc.reason) == (1000, "bye")
    assert proto.state is SessionState.CLOSED and proto.pending_count == 0


def test_closing_fails_waiters_with_incomplete_response() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    proto.closing()
    assert isinstance(waiter.exception(0), IncompleteResponseError)
    assert proto.state is SessionState.CLOSING


def test_abandon_returns_a_cancel_for_a_live_response() -> None:
    proto = open_protocol()
    request_id, _, _ = start(proto)
    assert proto.abandon("unknown") == []
    created(proto, "resp_7", request_id)
    frames = [json.loads(f) for f in proto.abandon(request_id)]
    assert frames[0]["type"] == "response.cancel"
    assert frames[0]["response_id"] == "resp_7"
    assert proto.pending_count == 0
    other_id, _, _ = start(proto)
    assert proto.abandon(other_id) == []


def test_too_much_metadata_is_refused() -> None:
    proto = open_protocol()
    with pytest.raises(ValueError, match="metadata"):
        start(proto, ResponseRequest(metadata={str(i): "v" for i in range(16)}))


def test_large_stream_aggregation_is_linear() -> None:
    # 100k deltas would take minutes with quadratic concatenation of a growing string.
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "r", request_id)
    frame = json.dumps(
        {"type": "response.output_text.delta", "response_id": "r", "item_id": "i", "delta": "ab"}
    )
    for _ in range(100_000):
        proto.feed(frame)
    done(proto, "r")
    assert len(waiter.result(0).text) == 200_000


def test_session_expired_fails_everything_as_a_retryable_drop() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    message = "Your session hit the maximum duration of 60 minutes."
    send(
        proto,
        type="error",
        error={"type": "invalid_request_error", "code": "session_expired", "message": message},
    )
    exc = waiter.exception(0)
    assert isinstance(exc, ConnectionClosedError)
    assert exc.retryable
    assert "maximum duration" in str(exc)
    assert proto.expired
    proto.connection_lost(ConnectionClosedError("away", code=1001))
    proto.begin_connect(Future())
    assert not proto.expired


def test_server_error_messages_are_redacted() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    leaked = "Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz."
    send(proto, type="response.error", error={"type": "invalid_request_error", "message": leaked})
    exc = waiter.exception(0)
    assert "abcdefghijklmnopqrstuvwxyz" not in str(exc)
    assert "Incorrect API key provided" in str(exc)


def test_id_less_binding_is_released_with_the_request() -> None:
    proto = open_protocol()
    request_id, _, first = start(proto)
    send(proto, type="response.partial", response={"text": "a"})  # binds under no id
    created(proto, "r1", request_id)  # the real id arrives later
    send(proto, type="response.output_text.delta", response_id="r1", item_id=None, delta="b")
    done(proto, "r1")
    assert first.result(0).text == "ab"
    _, _, second = start(proto)
    send(proto, type="response.partial", response={"text": "fresh"})
    send(proto, type="response.final")
    assert second.result(0).text == "fresh"


def test_session_without_id_is_a_state_error() -> None:
    proto = RealtimeProtocol(SessionConfig())
    waiter: Future[str] = Future()
    proto.begin_connect(waiter)
    send(proto, type="session.created", session={"model": "m"})
    exc = waiter.exception(0)
    assert isinstance(exc, RealtimeStateError)
    assert "without an id" in str(exc)
    assert proto.session_id is None


def test_broken_frame_leaves_a_cancel_for_the_running_response() -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_9", request_id)
    proto.feed("{garbage")
    assert isinstance(waiter.exception(0), RealtimeProtocolError)
    [frame] = [json.loads(f) for f in proto.abandon(request_id)]
    assert (frame["type"], frame["response_id"]) == ("response.cancel", "resp_9")
    assert proto.abandon(request_id) == []


def test_response_of_an_abandoned_request_is_not_adopted_by_another() -> None:
    proto = open_protocol()
    first_id, _, _ = start(proto)
    assert proto.abandon(first_id) == []  # no response id yet: nothing to cancel
    second_id, _, second = start(proto)
    created(proto, "r_a", first_id)
    send(proto, type="response.output_text.delta", response_id="r_a", item_id="i", delta="wrong")
    done(proto, "r_a")
    assert not second.done()
    created(proto, "r_b", second_id)
    send(proto, type="response.output_text.delta", response_id="r_b", item_id="i", delta="right")
    done(proto, "r_b")
    assert second.result(0).text == "right"


# --- the inlined text-delta path of feed() ---------------------------------------------------


def _stream(rid: str, request_id: str) -> list[dict[str, Any]]:
    """Two text items interleaved, one announced by output_item.added and one not, plus
    deltas of a finished response and of a response nobody asked for."""
    events: list[dict[str, Any]] = [
        {
            "type": "response.created",
            "response": {"id": rid, "metadata": {REQUEST_TAG: request_id}},
        },
        {
            "type": "response.output_item.added",
            "response_id": rid,
            "output_index": 0,
            "item": {"id": "item_a", "type": "message"},
        },
    ]
    for n in range(30):
        item, index = ("item_a", 0) if n % 3 else ("item_b", 1)
        name = "response.text.delta" if n % 5 == 0 else "response.output_text.delta"
        events.append(
            {
                "type": name,
                "response_id": rid,
                "item_id": item,
                "output_index": index,
                "delta": f"{n},",
            }
        )
    events.append(
        {
            "type": "response.output_text.delta",
            "response_id": "resp_other",
            "item_id": "x",
            "delta": "!",
        }
    )
    events.append({"type": "response.done", "response": {"id": rid, "status": "completed"}})
    events.append(
        {
            "type": "response.output_text.delta",
            "response_id": rid,
            "item_id": "item_a",
            "delta": "late",
        }
    )
    return events


def test_fast_delta_path_gives_the_same_result_as_typed_dispatch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from release_tools.realtime.events import decode_event

    typed_deltas: list[Any] = []
    original = ResponseTable.on_text_delta

    def counted(self: ResponseTable, event: Any) -> None:
        typed_deltas.append(event)
        original(self, event)

    monkeypatch.setattr(ResponseTable, "on_text_delta", counted)
    results = []
    for typed in (False, True):
        proto = open_protocol()
        request_id, _, waiter = start(proto)
        for event in _stream("resp_1", request_id):
            frame = json.dumps(event)
            if typed:
                proto.handle(decode_event(frame))  # never takes the inlined path
            else:
                proto.feed(frame)
        results.append(waiter.result(0))
        if not typed:
            # Only item_b's first delta, the stray and the late one needed the typed handler.
            assert len(typed_deltas) == 3
    fast, typed_result = results
    expected_a = "".join(f"{n}," for n in range(30) if n % 3)
    expected_b = "".join(f"{n}," for n in range(30) if not n % 3)
    assert fast.text == expected_a + expected_b
    assert fast == typed_result


@pytest.mark.parametrize(
    ("field", "value"),
    [("delta", 5), ("delta", None), ("response_id", ["resp_1"]), ("item_id", {"id": 1})],
)
def test_odd_fields_in_a_known_item_delta_are_protocol_errors(field: str, value: Any) -> None:
    proto = open_protocol()
    request_id, _, waiter = start(proto)
    created(proto, "resp_1", request_id)
    delta = {
        "type": "response.output_text.delta",
        "response_id": "resp_1",
        "item_id": "it",
        "delta": "a",
    }
    send(proto, **delta)  # the item is now known: the next delta would take the inlined path
    send(proto, **{**delta, field: value})
    with pytest.raises(RealtimeProtocolError, match=field):
        waiter.result(0)


def test_unhashable_type_is_a_protocol_error_not_a_crash() -> None:
    proto = open_protocol()
    _, _, waiter = start(proto)
    send(proto, type=["response.output_text.delta"], delta="a")
    with pytest.raises(RealtimeProtocolError, match="string 'type'"):
        waiter.result(0)
