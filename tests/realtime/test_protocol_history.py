"""The sans-I/O protocol: failed results, usage totals, in-band history and its replay.

Plain function calls, no network: frames go in with ``feed`` and come out as JSON text.
"""

from __future__ import annotations

import json
from concurrent.futures import Future
from typing import Any

import pytest

from release_tools.realtime.aggregate import (
    PendingResponse,
    ResponseResult,
    Usage,
    build_result,
    output_items,
)
from release_tools.realtime.config import ResponseRequest, SessionConfig
from release_tools.realtime.events import ResponseInfo
from release_tools.realtime.exceptions import (
    ConnectionClosedError,
    RateLimitError,
    RealtimeStateError,
    ServerError,
)
from release_tools.realtime.history import InBandItems
from release_tools.realtime.protocol import REQUEST_TAG, RealtimeProtocol, SessionState


def send(proto: RealtimeProtocol, **event: Any) -> None:
    proto.feed(json.dumps(event))


def connect(proto: RealtimeProtocol, session_id: str) -> list[dict[str, Any]]:
    """Run the handshake; return the replay frames (already acknowledged) before opening."""
    created: Future[str] = Future()
    proto.begin_connect(created)
    send(proto, type="session.created", session={"id": session_id})
    updated: Future[str] = Future()
    proto.session_update_frame(updated)
    send(proto, type="session.updated", session={"id": session_id})
    assert updated.result(0) == session_id
    replayed: Future[str] = Future()
    frames = [json.loads(f) for f in proto.replay_frames(replayed)]
    for index, _ in enumerate(frames):
        assert not replayed.done()
        send(proto, type="conversation.item.added", item={"id": f"item_r{index}"})
    if frames:
        assert replayed.result(0) == session_id
    proto.mark_open()
    return frames


def new_protocol(**config: Any) -> RealtimeProtocol:
    proto = RealtimeProtocol(SessionConfig(**config))
    connect(proto, "sess_1")
    return proto


def start(
    proto: RealtimeProtocol, request: ResponseRequest, conversation: InBandItems | None = None
) -> tuple[str, list[dict[str, Any]], Future[ResponseResult]]:
    waiter: Future[ResponseResult] = Future()
    request_id, frames = proto.start_response(request, waiter, conversation)
    return request_id, [json.loads(f) for f in frames], waiter


def created(proto: RealtimeProtocol, rid: str, request_id: str) -> None:
    send(
        proto,
        type="response.created",
        response={"id": rid, "status": "in_progress", "metadata": {REQUEST_TAG: request_id}},
    )


def usage(total: int) -> dict[str, int]:
    return {"input_tokens": total - 1, "output_tokens": 1, "total_tokens": total}


def answer(proto: RealtimeProtocol, rid: str, request_id: str, text: str) -> None:
    created(proto, rid, request_id)
    send(
        proto,
        type="response.output_text.delta",
        response_id=rid,
        item_id=f"{rid}_msg",
        output_index=0,
        content_index=0,
        delta=text,
    )
    send(
        proto,
        type="response.done",
        response={"id": rid, "status": "completed", "usage": usage(10)},
    )


def user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def assistant(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text}],
    }


def in_band(text: str) -> ResponseRequest:
    return ResponseRequest(input_text=text, out_of_band=False)


# --- failed responses and usage ------------------------------------------------------------


def test_failed_response_error_carries_the_whole_result() -> None:
    proto = new_protocol()
    request_id, _, waiter = start(proto, ResponseRequest(input_text="x", metadata={"job": "a"}))
    created(proto, "resp_1", request_id)
    details = {
        "type": "failed",
        "error": {"type": "server_error", "code": "server_error", "message": "boom"},
    }
    send(
        proto,
        type="response.done",
        response={
            "id": "resp_1",
            "status": "failed",
            "status_details": details,
            "usage": usage(42),
            "metadata": {"job": "a", REQUEST_TAG: request_id},
        },
    )
    error = waiter.exception(0)
    assert isinstance(error, ServerError)
    assert error.retryable
    result = error.result
    assert result is not None
    assert result.status == "failed"
    assert result.response_id == "resp_1"
    assert result.usage == Usage(41, 1, 42)
    assert result.status_details == details
    assert result.metadata == {"job": "a"}
    assert proto.usage == Usage(41, 1, 42)


def test_failed_rate_limit_error_carries_the_result_and_the_wait() -> None:
    proto = new_protocol()
    request_id, _, waiter = start(proto, ResponseRequest(input_text="x"))
    created(proto, "resp_1", request_id)
    message = "Rate limit reached for tokens. Please try again in 2.5s."
    details = {"type": "failed", "error": {"type": "tokens", "code": "rate_limit_exceeded"}}
    details["error"]["message"] = message  # type: ignore[index]
    send(
        proto,
        type="response.done",
        response={"id": "resp_1", "status": "failed", "status_details": details, "usage": usage(5)},
    )
    error = waiter.exception(0)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 2.5
    assert error.result is not None
    assert error.result.status == "failed"
    assert error.result.usage.total_tokens == 5
    assert error.result.status_details["error"]["message"] == message


def test_error_events_carry_no_result() -> None:
    proto = new_protocol()
    _, frames, waiter = start(proto, ResponseRequest(input_text="x"))
    error = {"type": "invalid_request_error", "code": "bad", "message": "no"}
    send(proto, type="error", error={**error, "event_id": frames[-1]["event_id"]})
    failure = waiter.exception(0)
    assert isinstance(failure, ServerError)
    assert failure.result is None


def test_usage_total_counts_every_status_and_abandoned_responses() -> None:
    proto = new_protocol()
    first, _, waiter = start(proto, ResponseRequest(input_text="a"))
    answer(proto, "resp_1", first, "ok")
    assert waiter.result(0).usage.total_tokens == 10
    second, _, waiter2 = start(proto, ResponseRequest(input_text="b"))
    created(proto, "resp_2", second)
    proto.abandon(second)  # timed out; the server still ends it, and bills it
    send(
        proto,
        type="response.done",
        response={"id": "resp_2", "status": "cancelled", "usage": usage(7)},
    )
    assert not waiter2.done()
    # A response.done without usage (a compatible server) adds nothing.
    third, _, _ = start(proto, ResponseRequest(input_text="c"))
    created(proto, "resp_3", third)
    send(proto, type="response.done", response={"id": "resp_3", "status": "incomplete"})
    assert proto.usage == Usage(15, 2, 17)


def test_usage_adds_up() -> None:
    assert Usage(1, 2, 3) + Usage(10, 20, 30) == Usage(11, 22, 33)


# --- in-band history -------------------------------------------------------------------------


def test_in_band_items_are_recorded_when_the_response_starts_and_output_when_completed() -> None:
    proto = new_protocol()
    request_id, frames, waiter = start(proto, in_band("q1"))
    assert [f["type"] for f in frames] == ["conversation.item.create", "response.create"]
    assert len(proto.history) == 0
    created(proto, "resp_1", request_id)
    assert proto.history.items() == [user("q1")]
    send(
        proto,
        type="response.done",
        response={"id": "resp_1", "status": "completed", "output": [assistant("a1")]},
    )
    assert waiter.result(0).text == "a1"
    assert proto.history.items() == [user("q1"), assistant("a1")]


def test_function_calls_are_recorded_with_their_call_ids_and_text_in_output_order() -> None:
    proto = new_protocol()
    request_id, _, _ = start(proto, in_band("q"))
    created(proto, "resp_1", request_id)
    call = {
        "type": "function_call",
        "id": "item_c",
        "call_id": "call_1",
        "name": "list_commits",
        "arguments": '{"a": 1}',
    }
    text = {"id": "item_t", **assistant("thinking")}
    send(
        proto,
        type="response.done",
        response={"id": "resp_1", "status": "completed", "output": [text, call]},
    )
    assert proto.history.items()[1:] == [
        assistant("thinking"),
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "list_commits",
            "arguments": '{"a": 1}',
        },
    ]


@pytest.mark.parametrize("status", ["cancelled", "incomplete"])
def test_unfinished_responses_record_the_items_but_not_the_output(status: str) -> None:
    proto = new_protocol()
    request_id, _, waiter = start(proto, in_band("q"))
    created(proto, "resp_1", request_id)
    send(
        proto,
        type="response.done",
        response={"id": "resp_1", "status": status, "output": [assistant("partial")]},
    )
    assert waiter.result(0).status == status
    assert proto.history.items() == [user("q")]


def test_items_are_recorded_at_the_end_when_no_response_created_came() -> None:
    proto = new_protocol()
    start(proto, in_band("q"))
    send(proto, type="response.final", text="seed answer")  # a legacy id-less completion
    assert proto.history.items() == [user("q"), assistant("seed answer")]


def test_out_of_band_requests_record_nothing() -> None:
    proto = new_protocol()
    request_id, _, _ = start(proto, ResponseRequest(input_text="private"))
    answer(proto, "resp_1", request_id, "private answer")
    assert len(proto.history) == 0


def test_zero_history_records_nothing() -> None:
    proto = new_protocol(history_max_items=0)
    request_id, _, _ = start(proto, in_band("q"))
    answer(proto, "resp_1", request_id, "a")
    assert len(proto.history) == 0


def test_retry_on_the_same_connection_does_not_resend_the_items() -> None:
    proto = new_protocol()
    request = in_band("q")
    conversation = InBandItems(request.items())
    _, frames, waiter = start(proto, request, conversation)
    assert frames[0]["type"] == "conversation.item.create"
    # The create is refused (another response is active): no response, items stay in.
    error = {
        "type": "invalid_request_error",
        "code": "conversation_already_has_active_response",
        "message": "busy",
        "event_id": frames[-1]["event_id"],
    }
    send(proto, type="error", error=error)
    assert isinstance(waiter.exception(0), ServerError)
    _, frames, _ = start(proto, request, conversation)
    assert [f["type"] for f in frames] == ["response.create"]


def test_items_not_recorded_are_resent_on_a_new_connection() -> None:
    proto = new_protocol(history_max_items=0)  # nothing will be replayed
    request = in_band("q")
    conversation = InBandItems(request.items())
    request_id, _, waiter = start(proto, request, conversation)
    created(proto, "resp_1", request_id)
    proto.connection_lost(ConnectionClosedError("drop", code=1006))
    assert isinstance(waiter.exception(0), ConnectionClosedError)
    assert connect(proto, "sess_2") == []
    _, frames, _ = start(proto, request, conversation)
    assert [f["type"] for f in frames] == ["conversation.item.create", "response.create"]


def test_reconnect_replays_the_history_and_the_rerun_sends_only_its_response() -> None:
    proto = new_protocol()
    first = in_band("q1")
    request_id, _, _ = start(proto, first)
    answer(proto, "resp_1", request_id, "a1")
    second = in_band("q2")
    conversation = InBandItems(second.items())
    request_id, _, waiter = start(proto, second, conversation)
    created(proto, "resp_2", request_id)  # the server took q2 in, then the connection died
    proto.connection_lost(ConnectionClosedError("drop", code=1006))
    assert isinstance(waiter.exception(0), ConnectionClosedError)

    replay = connect(proto, "sess_2")
    assert [f["type"] for f in replay] == ["conversation.item.create"] * 3
    assert [f["item"] for f in replay] == [user("q1"), assistant("a1"), user("q2")]
    assert all(f["event_id"].startswith("rt-replay-") for f in replay)
    request_id, frames, waiter = start(proto, second, conversation)
    assert [f["type"] for f in frames] == ["response.create"]
    answer(proto, "resp_3", request_id, "a2")
    assert waiter.result(0).text == "a2"
    assert proto.history.items() == [user("q1"), assistant("a1"), user("q2"), assistant("a2")]


def test_replay_waits_for_every_acknowledgement_counted_by_item_id() -> None:
    proto = new_protocol()
    request_id, _, _ = start(proto, in_band("q"))
    answer(proto, "resp_1", request_id, "a")
    proto.connection_lost(ConnectionClosedError("drop", code=1006))
    created_: Future[str] = Future()
    proto.begin_connect(created_)
    send(proto, type="session.created", session={"id": "sess_2"})
    proto.session_update_frame(Future())
    send(proto, type="session.updated", session={"id": "sess_2"})
    replayed: Future[str] = Future()
    assert len(proto.replay_frames(replayed)) == 2
    # A server sending both the beta and the GA acknowledgement of one item: still one.
    send(proto, type="conversation.item.created", item={"id": "item_1"})
    send(proto, type="conversation.item.added", item={"id": "item_1"})
    send(proto, type="conversation.item.done", item={"id": "item_1"})
    assert not replayed.done()
    send(proto, type="conversation.item.added", item={"id": "item_2"})
    assert replayed.result(0) == "sess_2"


def test_a_rejected_replay_fails_the_restore_with_the_servers_error() -> None:
    proto = new_protocol()
    request_id, _, _ = start(proto, in_band("q"))
    answer(proto, "resp_1", request_id, "a")
    proto.connection_lost(ConnectionClosedError("drop", code=1006))
    proto.begin_connect(Future())
    send(proto, type="session.created", session={"id": "sess_2"})
    proto.session_update_frame(Future())
    send(proto, type="session.updated", session={"id": "sess_2"})
    replayed: Future[str] = Future()
    frames = [json.loads(f) for f in proto.replay_frames(replayed)]
    error = {
        "type": "invalid_request_error",
        "code": "invalid_value",
        "message": "bad item",
        "event_id": frames[0]["event_id"],
    }
    send(proto, type="error", error=error)
    failure = replayed.exception(0)
    assert isinstance(failure, ServerError)
    assert "restoring the conversation" in str(failure)
    assert failure.code == "invalid_value"
    assert not failure.retryable


def test_replay_only_during_session_setup() -> None:
    proto = new_protocol()
    with pytest.raises(RealtimeStateError, match="replay"):
        proto.replay_frames(Future())
    assert proto.state is SessionState.OPEN


def test_first_connection_replays_nothing() -> None:
    proto = RealtimeProtocol(SessionConfig())
    assert connect(proto, "sess_1") == []


# --- aggregation helpers -------------------------------------------------------------------


def test_output_items_skip_empty_text_and_keep_order() -> None:
    pending = PendingResponse("req-1", Future())
    pending.item("m1", 0, False)  # an empty message item: nothing to replay
    call = pending.item("c1", 1, True)
    call.call_id, call.name, call.parts = "call_9", "f", ['{"x"', ": 1}"]
    text = pending.item("m2", 2, False)
    text.parts = ["do", "ne"]
    assert output_items(pending) == [
        {"type": "function_call", "call_id": "call_9", "name": "f", "arguments": '{"x": 1}'},
        assistant("done"),
    ]
    result = build_result(pending, ResponseInfo(id="resp_9", status="completed"))
    assert result.text == "done"
    assert result.status_details == {}
