"""Response aggregation: which request an output event belongs to, per-item buffers, results.

Sans-I/O. :class:`ResponseTable` indexes the requests awaiting a response (by request id,
response id and client event id) and appends output events to the buffers of their
:class:`PendingResponse`; the protocol
(:class:`~release_tools.realtime.protocol.RealtimeProtocol`) decides when a response ends and
calls :func:`build_result` (or :func:`failure_error` for ``status: "failed"``).

Each output item keeps a list of text or argument pieces joined once at the end (never quadratic
string building). Full texts from ``response.output_text.done`` and
``response.function_call_arguments.done`` replace the joined deltas; when those ``.done`` events
are missing, the joined deltas and then the ``output`` of ``response.done`` are used
(:func:`merge_item` only fills gaps).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from release_tools.realtime.credentials import redact
from release_tools.realtime.events import (
    ErrorDetail,
    FunctionCallArgumentsDelta,
    FunctionCallArgumentsDoneEvent,
    OutputItemEvent,
    OutputTextDoneEvent,
    ResponseInfo,
    TextDelta,
)
from release_tools.realtime.exceptions import RateLimitError, RealtimeProtocolError, ServerError
from release_tools.realtime.history import InBandItems
from release_tools.realtime.ratelimit import parse_retry_after_message

__all__ = [
    "REQUEST_TAG",
    "FunctionCall",
    "ItemBuffer",
    "PendingResponse",
    "ResponseResult",
    "ResponseTable",
    "Usage",
    "Waiter",
    "build_result",
    "error_from_detail",
    "failure_error",
    "merge_item",
    "merge_output",
    "output_items",
    "usage_of",
]

#: Metadata key carrying our request id, so ``response.created`` can be matched to its request.
REQUEST_TAG = "rt_request_id"

# How many ended response ids are remembered, so that their late events are ignored.
_FINISHED_MEMORY = 256

T_contra = TypeVar("T_contra", contravariant=True)


class Waiter(Protocol[T_contra]):
    """Where a result goes; ``asyncio.Future`` and ``concurrent.futures.Future`` both fit."""

    def done(self) -> bool: ...

    def set_result(self, result: T_contra, /) -> None: ...

    def set_exception(self, exception: BaseException, /) -> None: ...


@dataclass(frozen=True)
class FunctionCall:
    """A function call the model asked for; ``arguments`` is the raw JSON string."""

    call_id: str
    name: str
    arguments: str
    item_id: str | None = None

    def parsed_arguments(self) -> Any:
        """``arguments`` decoded; the model may produce invalid JSON (protocol error)."""
        try:
            return json.loads(self.arguments or "{}")
        except ValueError as exc:
            raise RealtimeProtocolError(
                f"function call {self.name!r} has arguments that are not JSON"
            ) from exc


@dataclass(frozen=True)
class Usage:
    """Token usage of one response, or a sum of several (``a + b``)."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.total_tokens + other.total_tokens,
        )


@dataclass(frozen=True)
class ResponseResult:
    """The outcome of one response: ``completed``, ``cancelled``, ``incomplete`` or ``failed``.

    :meth:`RealtimeSession.respond` returns completed, cancelled and incomplete results. A
    ``failed`` response is raised instead, as
    :class:`~release_tools.realtime.exceptions.ServerError` or
    :class:`~release_tools.realtime.exceptions.RateLimitError`, so that the retry policy can act
    on it; the error's ``result`` attribute then holds this object with ``status="failed"``, the
    response id, the tokens the failed attempt used (``usage``) and the server's
    ``status_details`` (``{"type": "failed", "error": {"type", "code", "message"}}``). Usage of
    failed attempts is also counted in the session and pool totals (``RealtimeSession.usage``).

    ``status_reason`` is ``status_details.reason`` (``max_output_tokens``,
    ``client_cancelled`` ...); ``status_details`` is the whole object as the server sent it.
    """

    response_id: str | None
    status: str
    status_reason: str | None = None
    text: str = ""
    function_calls: list[FunctionCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    metadata: dict[str, Any] = field(default_factory=dict)
    status_details: dict[str, Any] = field(default_factory=dict)


class ItemBuffer:
    """Buffers of one output item: text pieces or function-call argument pieces."""

    __slots__ = ("call_id", "final", "finals", "index", "is_call", "item_id", "name", "parts")

    def __init__(self, item_id: str | None, index: int, is_call: bool) -> None:
        self.item_id = item_id
        self.index = index
        self.is_call = is_call
        self.parts: list[str] = []
        self.finals: dict[int, str] = {}  # content_index -> full text from .done
        self.final: str | None = None  # full arguments from .done
        self.call_id: str | None = None
        self.name: str | None = None

    def text(self) -> str:
        if self.finals:
            return "".join(self.finals[index] for index in sorted(self.finals))
        return "".join(self.parts)

    def arguments(self) -> str:
        return self.final if self.final is not None else "".join(self.parts)


class PendingResponse:
    """One request waiting for its response, with the buffers of its output items.

    ``conversation`` follows the items an in-band request adds to the default conversation
    (``None`` for out-of-band requests), so that they can be recorded for a replay after a
    reconnect. ``started`` says the server began the response (``response.created``, or the
    first event routed to it from a server that sends none): until then it is only queued.
    """

    __slots__ = (
        "conversation",
        "event_ids",
        "items",
        "request_id",
        "response_id",
        "started",
        "waiter",
    )

    def __init__(
        self,
        request_id: str,
        waiter: Waiter[ResponseResult],
        conversation: InBandItems | None = None,
    ) -> None:
        self.request_id = request_id
        self.waiter = waiter
        self.response_id: str | None = None
        self.started = False
        self.items: dict[str | None, ItemBuffer] = {}
        self.event_ids: list[str] = []
        self.conversation = conversation

    def item(self, item_id: str | None, index: int, is_call: bool) -> ItemBuffer:
        found = self.items.get(item_id)
        if found is None:
            found = self.items[item_id] = ItemBuffer(item_id, index, is_call)
        return found

    def ordered_items(self) -> list[ItemBuffer]:
        """The output items in output order."""
        return sorted(self.items.values(), key=lambda item: item.index)


#: Event types of the legacy dialect that open a response without ``response.created``.
LEGACY_OPENERS = frozenset({"response.partial", "response.final", "response.error"})


class ResponseTable:
    """The requests awaiting a response, indexed for routing, and the buffering of their output.

    Indexes: by request id (``pending``), by response id once known (``by_response``) and by
    the client event ids the request sent (``by_event_id``, to correlate ``error`` events).
    Ended response ids are remembered for a while so that their late events are dropped
    instead of being adopted by another request.
    """

    def __init__(self) -> None:
        self.pending: dict[str, PendingResponse] = {}
        self.by_response: dict[str | None, PendingResponse] = {}
        self.by_event_id: dict[str, PendingResponse] = {}
        self._finished: OrderedDict[str, None] = OrderedDict()
        #: The session is a GA one (``session.type`` ``realtime``): every response of this
        #: client's requests starts with ``response.created``.
        self.strict = False

    def add(self, pending: PendingResponse) -> None:
        """Register a request whose frames are about to be sent."""
        self.pending[pending.request_id] = pending
        for event_id in pending.event_ids:
            self.by_event_id[event_id] = pending

    def route(self, response_id: str | None, *, adopt: bool = False) -> PendingResponse | None:
        """The request an event of ``response_id`` belongs to, binding it if needed.

        An id seen for the first time is adopted by the oldest request still waiting for one.
        On a GA session (:attr:`strict`), which sends ``response.created`` for every response,
        only an event that may open a response adopts (``adopt``: ``response.created`` from a
        server that does not echo the request tag, and the legacy dialect's events): a delta,
        an item or a ``response.done`` of an id never created there belongs to no request of
        this client, and taking it as an answer would put a stranger's output in a request.
        Other servers may skip ``response.created``: there the first event of an id opens it.
        Legacy id-less events are always routed.
        """
        pending = self.by_response.get(response_id)
        if pending is not None:
            return pending
        if response_id is not None and (
            response_id in self._finished or (self.strict and not adopt)
        ):
            return None
        for candidate in self.pending.values():
            if candidate.response_id is None:
                self.bind(candidate, response_id)
                return candidate
        if response_id is None and len(self.pending) == 1:
            return next(iter(self.pending.values()))
        return None

    def bind(self, pending: PendingResponse, response_id: str | None) -> None:
        """``response_id`` is ``pending``'s response, which has started."""
        pending.response_id = response_id
        pending.started = True
        self.by_response[response_id] = pending

    def forget(self, pending: PendingResponse) -> None:
        """Remove ``pending`` from every index; its response id is remembered as ended."""
        self.pending.pop(pending.request_id, None)
        for event_id in pending.event_ids:
            self.by_event_id.pop(event_id, None)
        if pending.response_id is not None:
            self.by_response.pop(pending.response_id, None)
            self.remember_finished(pending.response_id)
        # A legacy id-less event may have bound it under None before its real id came.
        if self.by_response.get(None) is pending:
            del self.by_response[None]

    def remember_finished(self, response_id: str) -> None:
        """Drop later events of ``response_id`` (bounded memory)."""
        self._finished[response_id] = None
        if len(self._finished) > _FINISHED_MEMORY:
            self._finished.popitem(last=False)

    # --- output events -------------------------------------------------------------------------

    def on_text_delta(self, event: TextDelta) -> None:
        """Append a text delta to its item (the typed path; feed() inlines the common case)."""
        pending = self.by_response.get(event.response_id) or self.route(
            event.response_id, adopt=event.type in LEGACY_OPENERS
        )
        if pending is None:
            return
        item = pending.items.get(event.item_id)
        if item is None:
            item = pending.item(event.item_id, event.output_index, False)
        item.parts.append(event.delta)

    def on_args_delta(self, event: FunctionCallArgumentsDelta) -> None:
        """Append a function-call arguments fragment to its item."""
        pending = self.by_response.get(event.response_id) or self.route(event.response_id)
        if pending is None:
            return
        item = pending.items.get(event.item_id)
        if item is None:
            item = pending.item(event.item_id, event.output_index, True)
            item.call_id = event.call_id
        item.parts.append(event.delta)

    def on_output_item(self, event: OutputItemEvent) -> None:
        """An output item was added or is done: fill what the deltas did not give."""
        pending = self.route(event.response_id)
        if pending is None:
            return
        raw = event.item
        item_id = raw.get("id")
        is_call = raw.get("type") == "function_call"
        item = pending.item(
            item_id if isinstance(item_id, str) else None, event.output_index, is_call
        )
        merge_item(item, raw)

    def on_text_done(self, event: OutputTextDoneEvent) -> None:
        """The full text of one content part replaces its deltas."""
        pending = self.route(event.response_id)
        if pending is not None:
            item = pending.item(event.item_id, event.output_index, False)
            item.finals[event.content_index] = event.text

    def on_args_done(self, event: FunctionCallArgumentsDoneEvent) -> None:
        """The complete arguments (and the name) of one function call."""
        pending = self.route(event.response_id)
        if pending is not None:
            item = pending.item(event.item_id, event.output_index, True)
            item.final = event.arguments
            item.call_id = event.call_id or item.call_id
            item.name = event.name or item.name


def merge_item(item: ItemBuffer, raw: dict[str, Any]) -> None:
    """Fill gaps in ``item`` from a full item object (``output_item.*``, ``response.done``)."""
    if item.is_call:
        call_id, name, arguments = raw.get("call_id"), raw.get("name"), raw.get("arguments")
        if isinstance(call_id, str) and not item.call_id:
            item.call_id = call_id
        if isinstance(name, str) and not item.name:
            item.name = name
        if isinstance(arguments, str) and arguments and item.final is None and not item.parts:
            item.final = arguments
        return
    if item.finals or item.parts:
        return
    for index, part in enumerate(raw.get("content") or ()):
        if isinstance(part, dict) and part.get("type") in ("output_text", "text"):
            text = part.get("text")
            if isinstance(text, str):
                item.finals[index] = text


def merge_output(pending: PendingResponse, info: ResponseInfo) -> None:
    """Fill gaps from the ``output`` list of ``response.done``."""
    for index, raw in enumerate(info.output or ()):
        item_id = raw.get("id")
        key = item_id if isinstance(item_id, str) else None
        if raw.get("type") in ("message", "function_call"):
            item = pending.item(key, index, raw.get("type") == "function_call")
            merge_item(item, raw)


def usage_of(info: ResponseInfo) -> Usage:
    """The token usage reported in a ``response`` object (zeros when absent)."""
    usage = info.usage
    if usage is None:
        return Usage()
    return Usage(usage.input_tokens, usage.output_tokens, usage.total_tokens)


def build_result(pending: PendingResponse, info: ResponseInfo) -> ResponseResult:
    """The :class:`ResponseResult` of ``pending`` as ``response.done`` (``info``) ended it."""
    items = pending.ordered_items()
    text = "".join(item.text() for item in items if not item.is_call)
    calls = [
        FunctionCall(
            call_id=item.call_id or "",
            name=item.name or "",
            arguments=item.arguments(),
            item_id=item.item_id,
        )
        for item in items
        if item.is_call
    ]
    details = info.status_details
    metadata = {k: v for k, v in (info.metadata or {}).items() if k != REQUEST_TAG}
    return ResponseResult(
        response_id=info.id or pending.response_id,
        status=info.status or "completed",
        status_reason=details.reason if details else None,
        text=text,
        function_calls=calls,
        usage=usage_of(info),
        metadata=metadata,
        status_details=details.model_dump(exclude_none=True) if details else {},
    )


def error_from_detail(detail: ErrorDetail | None, fallback: str) -> ServerError:
    """Map an error object to ServerError, or RateLimitError with its parsed wait."""
    if detail is None:
        return ServerError(fallback)
    # Servers sometimes quote what they were sent; never let a credential into an error.
    message = redact(detail.message) or fallback
    if detail.code == "rate_limit_exceeded" or detail.type in ("tokens", "requests"):
        return RateLimitError(
            message,
            retry_after=parse_retry_after_message(message),
            type=detail.type,
            code=detail.code or "rate_limit_exceeded",
        )
    return ServerError(
        message, type=detail.type, code=detail.code, param=detail.param, event_id=detail.event_id
    )


def failure_error(pending: PendingResponse, info: ResponseInfo) -> ServerError:
    """The error raised for a ``failed`` response; ``error.result`` keeps the whole outcome."""
    details = info.status_details
    error = error_from_detail(
        details.error if details else None, "the response failed without details"
    )
    error.result = build_result(pending, info)
    return error


def output_items(pending: PendingResponse) -> list[dict[str, Any]]:
    """The response's output as conversation items, ready for ``conversation.item.create``.

    Assistant text becomes a ``message`` with ``output_text`` content (the GA assistant content
    type); function calls become ``function_call`` items with their ``call_id``, so that the
    ``function_call_output`` items sent later still match after a replay. Server item ids are
    left out: they belong to the lost session.
    """
    items: list[dict[str, Any]] = []
    for item in pending.ordered_items():
        if item.is_call:
            items.append(
                {
                    "type": "function_call",
                    "call_id": item.call_id or "",
                    "name": item.name or "",
                    "arguments": item.arguments(),
                }
            )
            continue
        text = item.text()
        if text:
            items.append(
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": text}],
                }
            )
    return items
