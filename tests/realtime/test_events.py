"""Decoding server frames into typed events and encoding client events."""

from __future__ import annotations

import json

import pytest

from release_tools.realtime.events import (
    BackoffEvent,
    ErrorEvent,
    FunctionCallArgumentsDelta,
    OutputTextDoneEvent,
    RateLimitsUpdatedEvent,
    ResponseCreateEvent,
    ResponseDoneEvent,
    SeedFinalEvent,
    SeedRateLimitEvent,
    SeedResponseErrorEvent,
    SessionCreatedEvent,
    SessionUpdateEvent,
    TextDelta,
    UnknownEvent,
    decode_event,
    encode_event,
)
from release_tools.realtime.exceptions import RealtimeProtocolError


def frame(**fields: object) -> str:
    return json.dumps(fields)


def test_text_delta_is_parsed_into_a_light_object() -> None:
    event = decode_event(
        frame(
            type="response.output_text.delta",
            event_id="event_1",
            response_id="resp_1",
            item_id="item_1",
            output_index=2,
            content_index=0,
            delta="he",
        )
    )
    assert event == TextDelta("response.output_text.delta", "resp_1", "item_1", 2, "he")


def test_beta_text_delta_name_is_tolerated() -> None:
    event = decode_event(frame(type="response.text.delta", response_id="r", item_id="i", delta="x"))
    assert isinstance(event, TextDelta)
    assert event.delta == "x"


def test_bytes_frames_decode_too() -> None:
    event = decode_event(b'{"type": "response.output_text.delta", "delta": "b"}')
    assert isinstance(event, TextDelta)
    assert event.delta == "b"


def test_function_call_arguments_delta() -> None:
    event = decode_event(
        frame(
            type="response.function_call_arguments.delta",
            response_id="r",
            item_id="i",
            output_index=1,
            call_id="call_1",
            delta='{"a"',
        )
    )
    assert event == FunctionCallArgumentsDelta(
        "response.function_call_arguments.delta", "r", "i", 1, "call_1", '{"a"'
    )


def test_seed_partial_maps_to_text_delta() -> None:
    event = decode_event(frame(type="response.partial", response={"text": "abc"}))
    assert isinstance(event, TextDelta)
    assert (event.response_id, event.delta) == (None, "abc")


@pytest.mark.parametrize(
    ("payload", "cls"),
    [
        (
            {"type": "session.created", "session": {"id": "sess_1", "model": "m"}},
            SessionCreatedEvent,
        ),
        (
            {"type": "response.done", "response": {"id": "r", "status": "completed"}},
            ResponseDoneEvent,
        ),
        (
            {"type": "response.output_text.done", "response_id": "r", "item_id": "i", "text": "t"},
            OutputTextDoneEvent,
        ),
        ({"type": "error", "error": {"type": "server_error", "message": "boom"}}, ErrorEvent),
        (
            {"type": "rate_limits.updated", "rate_limits": [{"name": "tokens", "remaining": 3}]},
            RateLimitsUpdatedEvent,
        ),
        ({"type": "rate_limit", "remaining_requests": 0, "reset_at": 5.0}, SeedRateLimitEvent),
        ({"type": "backoff", "wait_ms": 250}, BackoffEvent),
        ({"type": "response.final", "response": {"text": "t"}}, SeedFinalEvent),
        ({"type": "response.error", "error": {"message": "x"}}, SeedResponseErrorEvent),
    ],
)
def test_heavy_events_are_validated_models(payload: dict[str, object], cls: type) -> None:
    assert isinstance(decode_event(json.dumps(payload)), cls)


def test_extra_fields_from_newer_servers_are_kept_not_rejected() -> None:
    event = decode_event(
        frame(type="session.created", session={"id": "sess_9", "brand_new_field": 1})
    )
    assert isinstance(event, SessionCreatedEvent)
    assert event.session.id == "sess_9"


def test_unknown_type_is_an_unknown_event() -> None:
    event = decode_event(frame(type="mcp.call.in_progress", foo=1))
    assert event == UnknownEvent("mcp.call.in_progress", {"type": "mcp.call.in_progress", "foo": 1})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        ("[1, 2]", "not an object"),
        ('{"no_type": 1}', "string 'type'"),
        ('{"type": 5}', "string 'type'"),
        ('{"type": "response.output_text.delta", "delta": 5}', "'delta'"),
        ('{"type": "response.function_call_arguments.delta"}', "'delta'"),
        ('{"type": "response.done", "response": "nope"}', "invalid response.done event"),
        ('{"type": "error"}', "invalid error event: error"),
    ],
)
def test_malformed_frames_raise_retryable_protocol_errors(raw: str | bytes, message: str) -> None:
    with pytest.raises(RealtimeProtocolError, match=message) as info:
        decode_event(raw)
    assert info.value.retryable


def test_encode_client_events_drops_none_fields_only() -> None:
    text = encode_event(
        ResponseCreateEvent(
            event_id="c-1", response={"conversation": "none", "input": [], "x": None}
        )
    )
    assert json.loads(text) == {
        "type": "response.create",
        "event_id": "c-1",
        "response": {"conversation": "none", "input": [], "x": None},
    }
    assert json.loads(encode_event(SessionUpdateEvent(session={}))) == {
        "type": "session.update",
        "session": {},
    }


@pytest.mark.parametrize(
    "event_type",
    ["response.output_text.delta", "response.function_call_arguments.delta", "response.partial"],
)
@pytest.mark.parametrize("field", ["response_id", "item_id"])
def test_delta_ids_of_the_wrong_type_are_protocol_errors(event_type: str, field: str) -> None:
    frame = json.dumps({"type": event_type, "delta": "x", field: ["not", "a", "string"]})
    with pytest.raises(RealtimeProtocolError, match=field):
        decode_event(frame)


def test_rate_limit_values_that_are_no_count_read_as_absent() -> None:
    frame = (
        '{"type": "rate_limits.updated", "rate_limits": ['
        '{"name": "requests", "limit": NaN, "remaining": Infinity, "reset_seconds": -Infinity},'
        '{"name": "tokens", "limit": 100, "remaining": 0, "reset_seconds": 1.5}]}'
    )
    event = decode_event(frame)
    assert isinstance(event, RateLimitsUpdatedEvent)
    requests, tokens = event.rate_limits
    assert (requests.limit, requests.remaining, requests.reset_seconds) == (None, None, None)
    assert (tokens.limit, tokens.remaining, tokens.reset_seconds) == (100, 0, 1.5)
