"""Response aggregation: per-item buffers of one response and the result built from them.

Sans-I/O and stateless beyond the buffers: the protocol
(:class:`~release_tools.realtime.protocol.RealtimeProtocol`) routes events to a
:class:`PendingResponse` and calls :func:`build_result` (or :func:`failure_error`) when the
response ends.

Each output item keeps a list of text or argument pieces joined once at the end (never quadratic
string building). Full texts from ``response.output_text.done`` and
``response.function_call_arguments.done`` replace the joined deltas; when those ``.done`` events
are missing, the joined deltas and then the ``output`` of ``response.done`` are used
(:func:`merge_item` only fills gaps).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from release_tools.errors import RateLimitError, RealtimeProtocolError, ServerError
from release_tools.logs import redact
from release_tools.realtime.events import ErrorDetail, ResponseInfo
from release_tools.realtime.history import InBandItems
from release_tools.realtime.ratelimit import parse_retry_after_message

__all__ = [
    "REQUEST_TAG",
    "FunctionCall",
    "ItemBuffer",
    "PendingResponse",
    "ResponseResult",
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
    ``failed`` response is raised instead, as :class:`~release_tools.errors.ServerError` or
    :class:`~release_tools.errors.RateLimitError`, so that the retry policy can act on it; the
    error's ``result`` attribute then holds this object with ``status="failed"``, the response
    id, the tokens the failed attempt used (``usage``) and the server's ``status_details``
    (``{"type": "failed", "error": {"type", "code", "message"}}``). Usage of failed attempts
    is also counted in the session and pool totals (``RealtimeSession.usage``).

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
    reconnect.
    """

    __slots__ = (
        "conversation",
        "event_ids",
        "items",
        "request_id",
        "response_id",
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
