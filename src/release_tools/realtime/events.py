"""Typed realtime events and their JSON codec; no I/O.

Server frames go through :func:`decode_event`: raw frame -> JSON -> typed event. Heavy, rare
events (``session.*``, ``response.done``, ``error`` ...) are validated by pydantic models. The hot
streaming events (text and function-argument deltas) are parsed by hand into slotted objects,
because a stream can carry hundreds of thousands of them and pydantic validation would dominate
the receive loop (the benchmark target is 0.8x a bare ``json.loads`` loop).

Client events are pydantic models serialised by :func:`encode_event`.

Besides the GA names (``response.output_text.*``) the decoder tolerates the beta text names
(``response.text.*``) and a legacy dialect some compatible servers speak (``response.partial``,
``response.final``, ``response.error``, ``rate_limit``, ``backoff``; the ``Seed*`` events).
Unknown types decode to :class:`UnknownEvent` and are never fatal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from release_tools.realtime.exceptions import RealtimeProtocolError

__all__ = [
    "BackoffEvent",
    "ClientEvent",
    "ConversationItemCreateEvent",
    "ErrorDetail",
    "ErrorEvent",
    "FunctionCallArgumentsDelta",
    "FunctionCallArgumentsDoneEvent",
    "OutputItemEvent",
    "OutputTextDoneEvent",
    "RateLimitEntry",
    "RateLimitsUpdatedEvent",
    "ResponseCancelEvent",
    "ResponseCreateEvent",
    "ResponseCreatedEvent",
    "ResponseDoneEvent",
    "ResponseInfo",
    "SeedFinalEvent",
    "SeedRateLimitEvent",
    "SeedResponseErrorEvent",
    "ServerEvent",
    "SessionCreatedEvent",
    "SessionInfo",
    "SessionUpdateEvent",
    "SessionUpdatedEvent",
    "StatusDetails",
    "TextDelta",
    "UnknownEvent",
    "UsageInfo",
    "decode_event",
    "encode_event",
    "event_from_json",
]


class _ServerModel(BaseModel):
    # The server adds fields over time (GA added many); unknown ones must not break decoding.
    model_config = ConfigDict(extra="allow", frozen=True)


# --- server event payloads -------------------------------------------------------------------


class ErrorDetail(_ServerModel):
    """The ``error`` object of an ``error`` event or of a failed response."""

    type: str | None = None
    code: str | None = None
    message: str = ""
    param: str | None = None
    event_id: str | None = None


class SessionInfo(_ServerModel):
    """The effective session configuration the server reports."""

    id: str | None = None
    #: ``realtime`` on the GA interface (which always sends ``response.created``).
    type: str | None = None
    model: str | None = None
    instructions: str | None = None
    tools: list[dict[str, Any]] | None = None
    output_modalities: list[str] | None = None
    expires_at: int | None = None


class UsageInfo(_ServerModel):
    """Token usage of one response."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0


class StatusDetails(_ServerModel):
    """Why a response is not ``completed`` (reason, or the error for ``failed``)."""

    type: str | None = None
    reason: str | None = None
    error: ErrorDetail | None = None


class ResponseInfo(_ServerModel):
    """The ``response`` object of ``response.created`` / ``response.done``."""

    id: str | None = None
    status: str | None = None
    status_details: StatusDetails | None = None
    output: list[dict[str, Any]] | None = None
    usage: UsageInfo | None = None
    metadata: dict[str, Any] | None = None
    conversation_id: str | None = None


class RateLimitEntry(_ServerModel):
    """One entry of ``rate_limits.updated`` (``requests`` or ``tokens``)."""

    name: str
    limit: float | None = None
    remaining: float | None = None
    reset_seconds: float | None = None

    @field_validator("limit", "remaining", "reset_seconds")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        """A value that is no finite count of zero or more (NaN, infinity, a negative wait)
        says nothing: read as absent rather than waited on."""
        return value if value is None or (math.isfinite(value) and value >= 0) else None


# --- server events (validated) ---------------------------------------------------------------


class SessionCreatedEvent(_ServerModel):
    """First event after the upgrade."""

    type: Literal["session.created"]
    event_id: str | None = None
    session: SessionInfo


class SessionUpdatedEvent(_ServerModel):
    """Answer to ``session.update`` with the full effective configuration."""

    type: Literal["session.updated"]
    event_id: str | None = None
    session: SessionInfo


class ResponseCreatedEvent(_ServerModel):
    """A response started; carries its id (and the metadata we tagged it with)."""

    type: Literal["response.created"]
    event_id: str | None = None
    response: ResponseInfo


class ResponseDoneEvent(_ServerModel):
    """A response ended, whatever the outcome; carries status, output and usage."""

    type: Literal["response.done"]
    event_id: str | None = None
    response: ResponseInfo


class OutputItemEvent(_ServerModel):
    """``response.output_item.added`` / ``.done``: an output item (message or function call)."""

    type: Literal["response.output_item.added", "response.output_item.done"]
    event_id: str | None = None
    response_id: str | None = None
    output_index: int = 0
    item: dict[str, Any]


class OutputTextDoneEvent(_ServerModel):
    """The full text of one content part (GA ``response.output_text.done``, beta name too)."""

    type: Literal["response.output_text.done", "response.text.done"]
    event_id: str | None = None
    response_id: str | None = None
    item_id: str | None = None
    output_index: int = 0
    content_index: int = 0
    text: str


class FunctionCallArgumentsDoneEvent(_ServerModel):
    """The complete arguments string of one function call."""

    type: Literal["response.function_call_arguments.done"]
    event_id: str | None = None
    response_id: str | None = None
    item_id: str | None = None
    output_index: int = 0
    call_id: str | None = None
    name: str | None = None
    arguments: str


class ErrorEvent(_ServerModel):
    """A server-reported error; the session normally stays open."""

    type: Literal["error"]
    event_id: str | None = None
    error: ErrorDetail


class RateLimitsUpdatedEvent(_ServerModel):
    """Current request/token budgets."""

    type: Literal["rate_limits.updated"]
    event_id: str | None = None
    rate_limits: list[RateLimitEntry]


class SeedRateLimitEvent(_ServerModel):
    """The legacy ``rate_limit`` event (not a real API event; tolerated)."""

    type: Literal["rate_limit"]
    remaining_requests: float | None = None
    reset_at: str | float | None = None
    retry_after: float | None = None


class BackoffEvent(_ServerModel):
    """The legacy ``backoff`` event (not a real API event; tolerated)."""

    type: Literal["backoff"]
    wait_ms: float


class SeedFinalEvent(_ServerModel):
    """The legacy ``response.final``: the final text, ending the response."""

    type: Literal["response.final"]
    response_id: str | None = None
    response: dict[str, Any] | None = None
    text: str | None = None


class SeedResponseErrorEvent(_ServerModel):
    """The legacy ``response.error``: the current response failed."""

    type: Literal["response.error"]
    response_id: str | None = None
    error: ErrorDetail | None = None
    message: str | None = None


# --- hot events (hand-parsed) ----------------------------------------------------------------
# Not frozen: a frozen dataclass sets each field through object.__setattr__, which triples the
# construction cost on the hot path. Treat them as read-only all the same.


@dataclass(slots=True)
class TextDelta:
    """A piece of output text (GA, beta, or the legacy ``response.partial``)."""

    type: str
    response_id: str | None
    item_id: str | None
    output_index: int
    delta: str


@dataclass(slots=True)
class FunctionCallArgumentsDelta:
    """A JSON fragment of a function call's arguments."""

    type: str
    response_id: str | None
    item_id: str | None
    output_index: int
    call_id: str | None
    delta: str


@dataclass(slots=True)
class UnknownEvent:
    """An event type this client does not act on; logged and skipped."""

    type: str
    data: dict[str, Any]


ServerEvent = (
    SessionCreatedEvent
    | SessionUpdatedEvent
    | ResponseCreatedEvent
    | ResponseDoneEvent
    | OutputItemEvent
    | OutputTextDoneEvent
    | FunctionCallArgumentsDoneEvent
    | ErrorEvent
    | RateLimitsUpdatedEvent
    | SeedRateLimitEvent
    | BackoffEvent
    | SeedFinalEvent
    | SeedResponseErrorEvent
    | TextDelta
    | FunctionCallArgumentsDelta
    | UnknownEvent
)


def _bad(event_type: str, field: str) -> RealtimeProtocolError:
    return RealtimeProtocolError(f"invalid {event_type} event: field {field!r} has the wrong type")


def _optional_str(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and type(value) is not str:
        raise _bad(data["type"], name)
    return value


def _text_delta(data: dict[str, Any]) -> TextDelta:
    delta = data.get("delta")
    if type(delta) is not str:
        raise _bad(data["type"], "delta")
    response_id = data.get("response_id")
    item_id = data.get("item_id")
    # Inline checks rather than _optional_str(): function-argument streams still come this way.
    if not (type(response_id) is str or response_id is None):
        raise _bad(data["type"], "response_id")
    if not (type(item_id) is str or item_id is None):
        raise _bad(data["type"], "item_id")
    return TextDelta(data["type"], response_id, item_id, data.get("output_index", 0), delta)


def _partial(data: dict[str, Any]) -> TextDelta:
    # The legacy dialect puts the piece in response.text; accept a top-level delta/text too.
    response = data.get("response")
    text = response.get("text") if type(response) is dict else None
    if text is None:
        text = data.get("delta", data.get("text", ""))
    if type(text) is not str:
        raise _bad(data["type"], "text")
    rid = _optional_str(data, "response_id")
    if rid is None and type(response) is dict:
        rid = response.get("id")
        if rid is not None and type(rid) is not str:
            raise _bad(data["type"], "response.id")
    item_id = _optional_str(data, "item_id")
    return TextDelta(data["type"], rid, item_id, data.get("output_index", 0), text)


def _args_delta(data: dict[str, Any]) -> FunctionCallArgumentsDelta:
    delta = data.get("delta")
    if type(delta) is not str:
        raise _bad(data["type"], "delta")
    response_id = data.get("response_id")
    item_id = data.get("item_id")
    if not (type(response_id) is str or response_id is None):
        raise _bad(data["type"], "response_id")
    if not (type(item_id) is str or item_id is None):
        raise _bad(data["type"], "item_id")
    return FunctionCallArgumentsDelta(
        data["type"],
        response_id,
        item_id,
        data.get("output_index", 0),
        _optional_str(data, "call_id"),
        delta,
    )


_FAST: dict[str, Callable[[dict[str, Any]], ServerEvent]] = {
    "response.output_text.delta": _text_delta,
    "response.text.delta": _text_delta,
    "response.function_call_arguments.delta": _args_delta,
    "response.partial": _partial,
}

_MODELS: dict[str, type[_ServerModel]] = {
    "session.created": SessionCreatedEvent,
    "session.updated": SessionUpdatedEvent,
    "response.created": ResponseCreatedEvent,
    "response.done": ResponseDoneEvent,
    "response.output_item.added": OutputItemEvent,
    "response.output_item.done": OutputItemEvent,
    "response.output_text.done": OutputTextDoneEvent,
    "response.text.done": OutputTextDoneEvent,
    "response.function_call_arguments.done": FunctionCallArgumentsDoneEvent,
    "error": ErrorEvent,
    "rate_limits.updated": RateLimitsUpdatedEvent,
    "rate_limit": SeedRateLimitEvent,
    "backoff": BackoffEvent,
    "response.final": SeedFinalEvent,
    "response.error": SeedResponseErrorEvent,
}

_loads = json.loads


def decode_event(frame: str | bytes) -> ServerEvent:
    """Decode one WebSocket frame into a typed server event.

    Raises :class:`RealtimeProtocolError` (retryable) when the frame is not a JSON object with a
    string ``type`` or when a known event violates its schema.
    """
    try:
        data = _loads(frame)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RealtimeProtocolError(
            f"server sent a frame that is not JSON ({len(frame)} bytes)"
        ) from exc
    return event_from_json(data)


def event_from_json(data: Any) -> ServerEvent:
    """Type an already parsed frame (what ``json.loads`` returned); see :func:`decode_event`."""
    if type(data) is not dict:
        raise RealtimeProtocolError("server sent a JSON frame that is not an object")
    event_type = data.get("type")
    if type(event_type) is not str:
        # Checked first: an unhashable value (a list) would break the lookups below.
        raise RealtimeProtocolError("server sent an event without a string 'type'")
    fast = _FAST.get(event_type)
    if fast is not None:
        return fast(data)
    model = _MODELS.get(event_type)
    if model is not None:
        try:
            return model.model_validate(data)  # type: ignore[return-value]
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "event"
            raise RealtimeProtocolError(
                f"invalid {event_type} event: {where}: {first['msg']}"
            ) from exc
    return UnknownEvent(event_type, data)


# --- client events ---------------------------------------------------------------------------


class _ClientModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SessionUpdateEvent(_ClientModel):
    """``session.update``: only the fields present are changed."""

    type: Literal["session.update"] = "session.update"
    event_id: str | None = None
    session: dict[str, Any]


class ConversationItemCreateEvent(_ClientModel):
    """``conversation.item.create``: a user message or a function call output."""

    type: Literal["conversation.item.create"] = "conversation.item.create"
    event_id: str | None = None
    previous_item_id: str | None = None
    item: dict[str, Any]


class ResponseCreateEvent(_ClientModel):
    """``response.create``: start one response; ``response`` overrides the session for it."""

    type: Literal["response.create"] = "response.create"
    event_id: str | None = None
    response: dict[str, Any]


class ResponseCancelEvent(_ClientModel):
    """``response.cancel`` for one response id."""

    type: Literal["response.cancel"] = "response.cancel"
    event_id: str | None = None
    response_id: str | None = None


ClientEvent = (
    SessionUpdateEvent | ConversationItemCreateEvent | ResponseCreateEvent | ResponseCancelEvent
)


def encode_event(event: ClientEvent) -> str:
    """Serialise a client event to one JSON text frame (``None`` fields are left out)."""
    return event.model_dump_json(exclude_none=True)
