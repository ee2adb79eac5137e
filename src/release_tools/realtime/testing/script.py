"""What a scripted realtime server does: replies, handshake rejections, connection scripts.

Plain frozen data, no I/O. :class:`Reply` describes the answer to one ``response.create``,
:class:`ConnectionScript` the treatment of one connection attempt (with an optional
:class:`Rejection` of the upgrade), and :class:`RecordedConnection` is what the server saw.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal

from release_tools.realtime.credentials import mask_headers, redact_url

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "JSON",
    "ConnectionScript",
    "RecordedConnection",
    "Rejection",
    "Reply",
    "ReplySource",
    "ScriptedFunctionCall",
    "phrase",
]

JSON = dict[str, Any]

#: The ``rate_limits.updated`` payload sent near the start of each response unless overridden.
DEFAULT_RATE_LIMITS: tuple[JSON, ...] = (
    {"name": "requests", "limit": 5000, "remaining": 4999, "reset_seconds": 0.01},
    {"name": "tokens", "limit": 40000, "remaining": 39000, "reset_seconds": 1.5},
)


@dataclass(frozen=True)
class ScriptedFunctionCall:
    """A function call the scripted model makes; ``arguments`` goes out verbatim (even bad JSON)."""

    name: str
    arguments: str
    call_id: str | None = None


@dataclass(frozen=True)
class Reply:
    """How the server answers one ``response.create``.

    The output is a text message (if ``text`` or ``deltas`` is given) followed by one item per
    entry of ``function_calls``. Knobs, all optional:

    * ``chunk_size`` splits the text and each argument string into deltas of that many
      characters (default: one delta); ``deltas`` gives the text split explicitly.
    * ``first_delta_delay`` / ``delta_delay``: seconds before the first delta and between deltas.
    * ``status`` / ``status_details``: the final ``response.done`` status (``failed`` with an
      ``error`` detail for server-side failures; see :meth:`failed` and :meth:`rate_limited`).
    * ``omit_done_events``: skip every ``*.done`` event except ``response.done``.
    * ``include_output_in_done``: when false, ``response.done`` carries ``output: []`` (keeps
      huge responses from repeating themselves in one frame).
    * ``drop_after_deltas`` + ``drop_code``: lose the connection after that many deltas;
      ``1006`` aborts the TCP connection without a close frame, any other code sends a close
      frame with ``drop_reason``.
    * ``close_after_done``: after ``response.done`` (and ``events_after``), lose the connection
      the same way (``drop_code``, ``drop_reason``): the idle session dies between requests.
    * ``malformed_after_deltas``: send ``malformed_frame`` (not JSON) after that many deltas.
    * ``stall_after_deltas``: stop sending after that many deltas and wait until the client
      gives up (for response/idle timeouts).
    * ``error``: answer with only an ``error`` event (the create is rejected, no
      ``response.created`` follows), e.g. ``conversation_already_has_active_response``.
    * ``error_after_created``: send ``response.created`` (and the rate limits), then this
      ``error`` object as an ``error`` event, and nothing more: the server started the
      response and then refused the request (see :meth:`refused`). The error carries no
      ``event_id`` unless the object gives one.
    * ``silent``: ignore the ``response.create`` completely.
    * ``only_events``: send exactly these raw events (each given an ``event_id``, and
      ``"response_id": "$response"`` replaced by the new response's id) instead of the GA
      sequence; for compatible servers speaking other names, such as the legacy
      ``response.partial`` / ``response.final`` / ``response.error``. Pauses and faults apply
      only to the GA sequence.
    * ``events_before`` / ``events_after``: raw server events sent before ``response.created``
      and after ``response.done`` (``rate_limit``, ``backoff``, ``error`` or anything else).
    * ``rate_limits``: the ``rate_limits.updated`` list for this response (``None`` sends the
      server's default; ``()`` sends none).
    * ``usage``: the ``response.done`` usage object (computed from the lengths by default).
    """

    text: str = ""
    function_calls: tuple[ScriptedFunctionCall, ...] = ()
    deltas: tuple[str, ...] | None = None
    chunk_size: int | None = None
    first_delta_delay: float = 0.0
    delta_delay: float = 0.0
    status: Literal["completed", "cancelled", "incomplete", "failed"] = "completed"
    status_details: JSON | None = None
    omit_done_events: bool = False
    include_output_in_done: bool = True
    drop_after_deltas: int | None = None
    drop_code: int = 1006
    drop_reason: str = ""
    close_after_done: bool = False
    malformed_after_deltas: int | None = None
    malformed_frame: str = "{this is not json"
    stall_after_deltas: int | None = None
    error: JSON | None = None
    error_after_created: JSON | None = None
    silent: bool = False
    events_before: tuple[JSON, ...] = ()
    events_after: tuple[JSON, ...] = ()
    only_events: tuple[JSON, ...] | None = None
    rate_limits: tuple[JSON, ...] | None = None
    usage: JSON | None = None

    def __post_init__(self) -> None:
        # A script mistake must fail the test that wrote it, not silence the server mid-run.
        for name in ("events_before", "events_after", "only_events", "rate_limits"):
            events = getattr(self, name)
            if events is not None and not all(isinstance(event, dict) for event in events):
                raise TypeError(f"Reply.{name} holds something that is no event object")

    @classmethod
    def function_call(
        cls, name: str, arguments: str, *, call_id: str | None = None, **kwargs: Any
    ) -> Reply:
        """A reply whose only output is one function call."""
        return cls(function_calls=(ScriptedFunctionCall(name, arguments, call_id),), **kwargs)

    @classmethod
    def failed(
        cls,
        *,
        type: str = "server_error",
        code: str | None = "server_error",
        message: str = "The server had an error while processing your request.",
        **kwargs: Any,
    ) -> Reply:
        """A ``response.done`` with ``status: "failed"`` and the given error detail."""
        details = {"type": "failed", "error": {"type": type, "code": code, "message": message}}
        return cls(status="failed", status_details=details, **kwargs)

    @classmethod
    def rate_limited(cls, wait: str = "1.5s", *, type: str = "tokens", **kwargs: Any) -> Reply:
        """A failed response whose message carries the wait the way the live service words it."""
        message = (
            f"Rate limit reached for gpt-realtime on {type} per min: Limit 40000, Used 39800, "
            f"Requested 900. Please try again in {wait}. Visit the rate limits page to learn more."
        )
        return cls.failed(type=type, code="rate_limit_exceeded", message=message, **kwargs)

    @classmethod
    def dropped(cls, *, after_deltas: int = 1, code: int = 1006, **kwargs: Any) -> Reply:
        """A reply whose connection is lost after ``after_deltas`` deltas."""
        kwargs.setdefault("text", "interrupted response text")
        kwargs.setdefault("chunk_size", 4)
        return cls(drop_after_deltas=after_deltas, drop_code=code, **kwargs)

    @classmethod
    def rejected(
        cls,
        code: str = "conversation_already_has_active_response",
        message: str = "Conversation already has an active response in progress.",
        *,
        type: str = "invalid_request_error",
    ) -> Reply:
        """Reject the ``response.create`` with an ``error`` event (no response follows)."""
        return cls(error={"type": type, "code": code, "message": message, "param": None})

    @classmethod
    def refused(
        cls,
        message: str = "the tool schema is not accepted",
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
    ) -> Reply:
        """``response.created``, then an ``error`` naming no client event, then silence."""
        return cls(error_after_created={"type": type, "code": code, "message": message})


#: What answers a ``response.create``: a :class:`Reply`, plain text, or a callable receiving the
#: ``response.create`` event (a dict) and returning either, possibly as an awaitable.
ReplySource = Reply | str | Callable[[JSON], "Reply | str | Awaitable[Reply | str]"]


@dataclass(frozen=True)
class Rejection:
    """An HTTP answer to the upgrade request instead of ``101 Switching Protocols``.

    ``body`` is sent as JSON when it is a dict (default: an OpenAI-style ``{"error": {...}}``
    naming the status), verbatim when it is a string.
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: JSON | str | None = None

    def payload(self) -> tuple[bytes, str]:
        """The body bytes and content type to send."""
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        body = self.body
        if body is None:
            reason = phrase(self.status) or "Error"
            code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(self.status)
            body = {
                "error": {
                    "type": "invalid_request_error" if self.status < 500 else "server_error",
                    "code": code,
                    "message": f"Scripted rejection: {reason}.",
                    "param": None,
                }
            }
        return json.dumps(body).encode(), "application/json"


@dataclass(frozen=True)
class ConnectionScript:
    """How the server treats one connection (consumed in order of connection attempts).

    * ``reject``: answer the upgrade with an HTTP error instead.
    * ``send_session_created``: when false, never send ``session.created`` (the server still
      reads and records client events).
    * ``session_created_delay`` / ``session_updated_delay``: latency before those events.
    * ``answer_session_update``: when false, ``session.update`` gets no answer.
    * ``events_after_open``: raw events sent right after ``session.created``.
    * ``close_after_open``: ``(code, reason)`` to close with right after those events (as
      ``Reply.drop_code``: 1006 aborts TCP, 1005 sends a close frame without a status code).
    * ``ignore_close``: never answer the client's close frame (the client must bound its close).
    * ``answer_pings``: when false, the client's keepalive pings get no pong (a hung peer).
    * ``reject_item_creates``: answer every ``conversation.item.create`` with an ``error``
      (``invalid_request_error``, its ``event_id`` echoed) instead of adding the item.
    """

    reject: Rejection | None = None
    send_session_created: bool = True
    session_created_delay: float = 0.0
    session_updated_delay: float = 0.0
    answer_session_update: bool = True
    events_after_open: tuple[JSON, ...] = ()
    close_after_open: tuple[int, str] | None = None
    ignore_close: bool = False
    answer_pings: bool = True
    reject_item_creates: bool = False


@dataclass
class RecordedConnection:
    """What the server saw on one connection attempt (rejected attempts included)."""

    index: int
    path: str
    headers: list[tuple[str, str]]
    rejected: bool = False
    session_id: str | None = None
    frames: list[str | bytes] = field(default_factory=list)
    events: list[JSON] = field(default_factory=list)
    #: The most responses this connection ever had running at once.
    max_active_responses: int = 0
    #: The default conversation of this connection's session, in order: items added by
    #: ``conversation.item.create`` and the output of in-band responses that reached
    #: ``response.done`` (as listed there; empty with ``include_output_in_done=False``).
    conversation: list[JSON] = field(default_factory=list)
    #: Set once a scripted drop has begun: later frames are recorded but not served.
    dropping: bool = False
    closed: bool = False
    close_code: int | None = None
    close_reason: str = ""

    def __repr__(self) -> str:
        # Test failures print reprs; the recorded Authorization header must not be shown.
        return (
            f"RecordedConnection(index={self.index}, path={redact_url(self.path)!r}, "
            f"headers={mask_headers(self.headers)!r}, rejected={self.rejected}, "
            f"session_id={self.session_id!r}, frames={len(self.frames)}, "
            f"events={[e.get('type') for e in self.events]!r}, closed={self.closed}, "
            f"close_code={self.close_code!r})"
        )

    def header(self, name: str) -> str | None:
        """The first value of the request header ``name`` (case-insensitive), or ``None``."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def events_of_type(self, type_: str) -> list[JSON]:
        """The parsed client events with ``type == type_``, in arrival order."""
        return [e for e in self.events if e.get("type") == type_]

    def transcript(self) -> str:
        """Everything received as one string: path, headers and raw frames (for leak checks)."""
        parts = [self.path, *(f"{k}: {v}" for k, v in self.headers)]
        parts += [f if isinstance(f, str) else f.decode("utf-8", "replace") for f in self.frames]
        return "\n".join(parts)


def phrase(status: int) -> str:
    """The HTTP reason phrase of ``status`` ("" for codes outside the standard list)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
