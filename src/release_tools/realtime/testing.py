"""A scripted, in-process Realtime API server for tests and benchmarks.

:class:`ScriptedRealtimeServer` listens on ``127.0.0.1`` with an ephemeral port and speaks the GA
Realtime protocol for text and function calls (see ``shared/realtime-protocol.md``): it sends
``session.created``, answers ``session.update`` with ``session.updated``, acknowledges
``conversation.item.create`` and answers every ``response.create`` with the full event sequence
ending in ``response.done``. What it answers, how fast, and how it misbehaves is scripted per
test::

    script = [
        Reply(text="patch", chunk_size=2),            # first response.create
        Reply.dropped(after_deltas=1, text="minor"),  # second: connection lost mid-stream
        lambda event: Reply(text="major"),            # third: computed from the request
    ]
    async with ScriptedRealtimeServer(script, default=Reply(text="none")) as server:
        ...  # connect a client to server.url
        assert server.connections[0].header("authorization") == "Bearer test-key"

Replies are consumed in order across all connections (so a reconnecting client gets the next
one), then ``default`` answers everything else. Per-connection behaviour (handshake rejection, a
missing ``session.created``, an ignored close handshake) comes from ``connection_scripts`` in the
same way. Everything the server receives (request path, headers including ``Authorization``, every
raw frame and parsed client event) is recorded on :attr:`ScriptedRealtimeServer.connections` so
tests can assert on it, for instance that a canary secret never reached the wire.

The server itself uses only the public ``websockets`` asyncio server API, plus two narrowly
scoped hooks on the connection's sans-I/O protocol object (batched writes and swallowing close
frames), each explained where it is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Literal, Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.typing import Subprotocol

__all__ = [
    "ConnectionScript",
    "RecordedConnection",
    "Rejection",
    "Reply",
    "ReplySource",
    "ScriptedFunctionCall",
    "ScriptedRealtimeServer",
]

logger = logging.getLogger(__name__)

JSON = dict[str, Any]

#: The ``rate_limits.updated`` payload sent near the start of each response unless overridden.
DEFAULT_RATE_LIMITS: tuple[JSON, ...] = (
    {"name": "requests", "limit": 5000, "remaining": 4999, "reset_seconds": 0.01},
    {"name": "tokens", "limit": 40000, "remaining": 39000, "reset_seconds": 1.5},
)

# Consecutive frames are written to the socket in batches of this many when no latency is
# scripted between them; one write per frame would make the server, not the client under test,
# the bottleneck of throughput benchmarks.
_BATCH = 512


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
    * ``silent``: ignore the ``response.create`` completely.
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
    silent: bool = False
    events_before: tuple[JSON, ...] = ()
    events_after: tuple[JSON, ...] = ()
    rate_limits: tuple[JSON, ...] | None = None
    usage: JSON | None = None

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
            phrase = _phrase(self.status) or "Error"
            code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(self.status)
            body = {
                "error": {
                    "type": "invalid_request_error" if self.status < 500 else "server_error",
                    "code": code,
                    "message": f"Scripted rejection: {phrase}.",
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
    * ``close_after_open``: ``(code, reason)`` to close with right after those events.
    * ``ignore_close``: never answer the client's close frame (the client must bound its close).
    """

    reject: Rejection | None = None
    send_session_created: bool = True
    session_created_delay: float = 0.0
    session_updated_delay: float = 0.0
    answer_session_update: bool = True
    events_after_open: tuple[JSON, ...] = ()
    close_after_open: tuple[int, str] | None = None
    ignore_close: bool = False


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
    closed: bool = False
    close_code: int | None = None
    close_reason: str = ""

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


class _ResponseTask:
    """Book-keeping for one running response on one connection."""

    def __init__(self, response_id: str, in_conversation: bool) -> None:
        self.response_id = response_id
        self.in_conversation = in_conversation
        self.task: asyncio.Task[None] | None = None
        self.started = False


class ScriptedRealtimeServer:
    """An in-process Realtime API server on ``127.0.0.1`` (ephemeral port), scripted per test.

    Args:
        replies: answers for successive ``response.create`` events, across all connections.
        default: the answer once ``replies`` is exhausted (a :class:`Reply`, text or callable).
        connection_scripts: behaviours for successive connection attempts; later attempts use
            ``ConnectionScript()``.
        model: the model reported in the session when the URL carries none.
        reject_beta_header: behave like the live service since the beta shutdown: a client that
            sends ``OpenAI-Beta`` gets an ``error`` (``beta_api_shape_disabled``) and close 4000.
        rate_limits: the default ``rate_limits.updated`` list sent with each response.
        max_size: inbound message limit in bytes.
        compression: ``"deflate"`` to negotiate permessage-deflate; off by default.
        ping_interval: server keepalive pings (off by default so tests stay deterministic).
        close_timeout: how long the server waits for the client's close answer.

    Use it as ``async with ScriptedRealtimeServer(...) as server:``; :attr:`url` is then
    ``ws://127.0.0.1:PORT/v1/realtime``.
    """

    def __init__(
        self,
        replies: Sequence[ReplySource] = (),
        *,
        default: ReplySource = "ok",
        connection_scripts: Sequence[ConnectionScript] = (),
        model: str = "gpt-realtime",
        reject_beta_header: bool = True,
        rate_limits: Sequence[JSON] = DEFAULT_RATE_LIMITS,
        max_size: int | None = 16 * 1024 * 1024,
        compression: str | None = None,
        ping_interval: float | None = None,
        close_timeout: float = 2.0,
    ) -> None:
        self._replies: list[ReplySource] = list(replies)
        self.default = default
        self._connection_scripts = list(connection_scripts)
        self.model = model
        self.reject_beta_header = reject_beta_header
        self.rate_limits = tuple(rate_limits)
        self._max_size = max_size
        self._compression = compression
        self._ping_interval = ping_interval
        self._close_timeout = close_timeout
        #: Every connection attempt, in order, with what it sent.
        self.connections: list[RecordedConnection] = []
        #: The ``response.create`` events answered so far (across connections).
        self.response_creates: list[JSON] = []
        self._server: Server | None = None
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._handlers: set[asyncio.Task[Any]] = set()

    # --- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start listening on an ephemeral port of ``127.0.0.1``."""
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=self._process_request,
            select_subprotocol=_select_subprotocol,
            compression=self._compression,
            max_size=self._max_size,
            ping_interval=self._ping_interval,
            close_timeout=self._close_timeout,
            # The client decides how long a handshake may take; do not race it.
            open_timeout=None,
            # Let a fast stream run ahead of a slow reader instead of pausing every 32 KiB.
            write_limit=4 * 1024 * 1024,
        )

    async def stop(self) -> None:
        """Close every connection (1001) and stop listening; idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        # Connections that ignore close frames would hold wait_closed() for close_timeout;
        # aborting them keeps teardown fast.
        for conn in list(server.connections):
            if getattr(conn, "_rt_ignore_close", False):
                conn.transport.abort()
        await server.wait_closed()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        sock = next(iter(self._server.sockets))
        return int(sock.getsockname()[1])

    @property
    def url(self) -> str:
        """``ws://127.0.0.1:PORT/v1/realtime`` (append ``?model=...`` as the client does)."""
        return f"ws://127.0.0.1:{self.port}/v1/realtime"

    # --- scripting and inspection ----------------------------------------------------------

    def add_replies(self, *replies: ReplySource) -> None:
        """Append answers to the queue of scripted replies."""
        self._replies.extend(replies)

    def add_connection_scripts(self, *scripts: ConnectionScript) -> None:
        """Append behaviours for future connection attempts."""
        self._connection_scripts.extend(scripts)

    @property
    def connection_count(self) -> int:
        """Connection attempts so far, rejected handshakes included."""
        return len(self.connections)

    @property
    def open_connections(self) -> int:
        """Connections currently open."""
        return sum(1 for c in self.connections if not c.rejected and not c.closed)

    @property
    def events(self) -> list[JSON]:
        """Every parsed client event, across connections, in arrival order per connection."""
        return [e for c in self.connections for e in c.events]

    def events_of_type(self, type_: str) -> list[JSON]:
        """Every parsed client event with ``type == type_``."""
        return [e for e in self.events if e.get("type") == type_]

    def transcript(self) -> str:
        """Everything every connection sent, as one string (for canary/leak assertions)."""
        return "\n".join(c.transcript() for c in self.connections)

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds; re-checked whenever the server records something.

        Unbounded by design: callers bound it with ``async with asyncio.timeout(...)``.
        """
        async with self._changed:
            await self._changed.wait_for(predicate)

    async def wait_for_event(self, type_: str, count: int = 1) -> JSON:
        """Wait until ``count`` client events of ``type_`` arrived; return the last of them."""
        await self.wait_for(lambda: len(self.events_of_type(type_)) >= count)
        return self.events_of_type(type_)[count - 1]

    async def wait_closed(self) -> None:
        """Wait until every accepted connection has closed."""
        await self.wait_for(lambda: self.open_connections == 0)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    # --- handshake -------------------------------------------------------------------------

    async def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        response = self._answer_handshake(conn, request)
        await self._notify()
        return response

    def _answer_handshake(self, conn: ServerConnection, request: Request) -> Response | None:
        index = len(self.connections)
        script = (
            self._connection_scripts[index]
            if index < len(self._connection_scripts)
            else ConnectionScript()
        )
        record = RecordedConnection(index, request.path, list(request.headers.raw_items()))
        self.connections.append(record)
        conn._rt_record = record  # type: ignore[attr-defined]
        conn._rt_script = script  # type: ignore[attr-defined]
        rejection = script.reject
        if rejection is None and not request.path.startswith("/v1/realtime"):
            rejection = Rejection(404)
        if rejection is None:
            return None
        record.rejected = True
        record.closed = True
        body, content_type = rejection.payload()
        headers = Headers({"Content-Type": content_type, "Content-Length": str(len(body))})
        for key, value in rejection.headers.items():
            headers[key] = value
        phrase = _phrase(rejection.status)
        logger.debug("rejecting handshake %d with %d", index, rejection.status)
        return Response(rejection.status, phrase, headers, body)

    # --- connection ------------------------------------------------------------------------

    async def _handle(self, conn: ServerConnection) -> None:
        record: RecordedConnection = conn._rt_record  # type: ignore[attr-defined]
        script: ConnectionScript = conn._rt_script  # type: ignore[attr-defined]
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        running: dict[str, _ResponseTask] = {}
        try:
            await self._serve_connection(conn, record, script, running)
        except ConnectionClosed:
            pass
        finally:
            for rt in running.values():
                if rt.task is not None:
                    rt.task.cancel()
            tasks = [rt.task for rt in running.values() if rt.task is not None]
            await asyncio.gather(*tasks, return_exceptions=True)
            if task is not None:
                self._handlers.discard(task)
            if conn.close_code is not None or conn.state.name == "CLOSED":
                record.close_code = conn.close_code
                record.close_reason = conn.close_reason or ""
            record.closed = True
            await self._notify()

    async def _serve_connection(
        self,
        conn: ServerConnection,
        record: RecordedConnection,
        script: ConnectionScript,
        running: dict[str, _ResponseTask],
    ) -> None:
        session = self._initial_session(record)
        record.session_id = session["id"]
        if script.ignore_close:
            _ignore_close_frames(conn)
        if self.reject_beta_header and record.header("openai-beta") is not None:
            # The live service accepts the upgrade, then rejects the beta shape (protocol notes,
            # section 0).
            await self._send(
                conn,
                self._error_event(
                    "invalid_request_error",
                    "beta_api_shape_disabled",
                    "The Realtime beta interface is switched off; use the GA interface.",
                ),
            )
            await conn.close(4000, "invalid_request_error.beta_api_shape_disabled")
            return
        if script.send_session_created:
            if script.session_created_delay:
                await _pause(conn, script.session_created_delay)
            await self._send(conn, self._event("session.created", session=session))
        for event in script.events_after_open:
            await self._send(conn, self._stamp(event))
        if script.close_after_open is not None:
            code, reason = script.close_after_open
            await conn.close(code, reason)
            return
        async for frame in conn:
            record.frames.append(frame)
            try:
                event = json.loads(frame)
                if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                    raise ValueError("not an event object")
            except ValueError:
                await self._send(
                    conn,
                    self._error_event(
                        "invalid_request_error", "invalid_json", "The frame is not a JSON event."
                    ),
                )
                await self._notify()
                continue
            record.events.append(event)
            await self._notify()
            await self._dispatch(conn, script, session, event, running)
            record.max_active_responses = max(record.max_active_responses, len(running))

    def _initial_session(self, record: RecordedConnection) -> JSON:
        model = self.model
        if "model=" in record.path:
            model = record.path.split("model=", 1)[1].split("&", 1)[0] or model
        return {
            "type": "realtime",
            "object": "realtime.session",
            "id": self._next_id("sess"),
            "model": model,
            "expires_at": 4102444800,
            "output_modalities": ["audio"],
            "instructions": "",
            "tools": [],
            "tool_choice": "auto",
            "max_output_tokens": "inf",
        }

    async def _dispatch(
        self,
        conn: ServerConnection,
        script: ConnectionScript,
        session: JSON,
        event: JSON,
        running: dict[str, _ResponseTask],
    ) -> None:
        kind = event["type"]
        if kind == "session.update":
            update = event.get("session")
            if not isinstance(update, dict):
                await self._reject(conn, event, "missing_required_parameter", "session")
                return
            session.update({k: v for k, v in update.items() if k not in ("id", "object")})
            if not script.answer_session_update:
                return
            if script.session_updated_delay:
                await _pause(conn, script.session_updated_delay)
            await self._send(conn, self._event("session.updated", session=dict(session)))
        elif kind == "conversation.item.create":
            item = dict(event.get("item") or {})
            item.setdefault("id", self._next_id("item"))
            item.setdefault("object", "realtime.item")
            item.setdefault("status", "completed")
            previous = event.get("previous_item_id")
            await self._send(
                conn, self._event("conversation.item.added", previous_item_id=previous, item=item)
            )
            await self._send(conn, self._event("conversation.item.done", item=item))
        elif kind == "response.create":
            await self._start_response(conn, event, running)
        elif kind == "response.cancel":
            await self._cancel_response(conn, event, running)
        else:
            await self._reject(conn, event, "invalid_value", "type")

    # --- responses -------------------------------------------------------------------------

    async def _start_response(
        self, conn: ServerConnection, event: JSON, running: dict[str, _ResponseTask]
    ) -> None:
        params = event.get("response") or {}
        in_conversation = params.get("conversation") != "none"
        if in_conversation and any(rt.in_conversation for rt in running.values()):
            active = next(rt.response_id for rt in running.values() if rt.in_conversation)
            await self._send(
                conn,
                self._error_event(
                    "invalid_request_error",
                    "conversation_already_has_active_response",
                    f"Conversation already has an active response in progress: {active}.",
                    event_id=event.get("event_id"),
                ),
            )
            return
        self.response_creates.append(event)
        reply = await self._resolve(self._replies.pop(0) if self._replies else self.default, event)
        if reply.silent:
            return
        if reply.error is not None:
            await self._send(
                conn, self._event("error", error={**reply.error, "event_id": event.get("event_id")})
            )
            return
        rt = _ResponseTask(self._next_id("resp"), in_conversation)
        running[rt.response_id] = rt

        async def run() -> None:
            try:
                await self._run_reply(conn, event, reply, rt)
            except ConnectionClosed:
                pass
            finally:
                running.pop(rt.response_id, None)

        rt.task = asyncio.create_task(run())

    async def _resolve(self, source: ReplySource, event: JSON) -> Reply:
        if callable(source):
            result = source(event)
            if inspect.isawaitable(result):
                result = await result
            source = result
        if isinstance(source, str):
            return Reply(text=source)
        if isinstance(source, Reply):
            return source
        raise TypeError(f"a reply source produced {type(source).__name__}, not Reply or str")

    async def _cancel_response(
        self, conn: ServerConnection, event: JSON, running: dict[str, _ResponseTask]
    ) -> None:
        wanted = event.get("response_id")
        target = next(
            (
                rt
                for rt in running.values()
                if (rt.response_id == wanted) or (wanted is None and rt.in_conversation)
            ),
            None,
        )
        if target is None or target.task is None:
            await self._reject(
                conn, event, "response_cancel_not_active", "response_id", "No active response."
            )
            return
        target.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await target.task
        if target.started:
            details = {"type": "cancelled", "reason": "client_cancelled"}
            await self._send(
                conn,
                self._event(
                    "response.done",
                    response=self._response_object(
                        target.response_id, event, "cancelled", details, [], None
                    ),
                ),
            )

    async def _run_reply(
        self, conn: ServerConnection, request: JSON, reply: Reply, rt: _ResponseTask
    ) -> None:
        out = _Outbox(conn)
        for extra in reply.events_before:
            out.add(self._stamp(extra))
        rid = rt.response_id
        out.add(
            self._event(
                "response.created",
                response=self._response_object(rid, request, "in_progress", None, [], None),
            )
        )
        rt.started = True
        limits = self.rate_limits if reply.rate_limits is None else reply.rate_limits
        if limits:
            out.add(self._event("rate_limits.updated", rate_limits=[dict(x) for x in limits]))
        await out.flush()

        deltas_sent = 0
        delayed_first = False
        output: list[JSON] = []
        in_conv = rt.in_conversation

        async def before_delta() -> bool:
            """Apply latency and scripted faults; False when the stream must stop."""
            nonlocal deltas_sent, delayed_first
            if reply.stall_after_deltas is not None and deltas_sent >= reply.stall_after_deltas:
                await out.flush()
                await asyncio.Event().wait()  # until the connection handler cancels us
            if reply.drop_after_deltas is not None and deltas_sent >= reply.drop_after_deltas:
                await out.flush()
                await _drop(conn, reply.drop_code, reply.drop_reason)
                return False
            if (
                reply.malformed_after_deltas is not None
                and deltas_sent == reply.malformed_after_deltas
            ):
                out.add_raw(reply.malformed_frame)
            if not delayed_first:
                delayed_first = True
                if reply.first_delta_delay:
                    await out.flush()
                    await asyncio.sleep(reply.first_delta_delay)
            elif reply.delta_delay:
                await out.flush()
                await asyncio.sleep(reply.delta_delay)
            return True

        index = 0
        if reply.text or reply.deltas:
            pieces = (
                list(reply.deltas)
                if reply.deltas is not None
                else _split(reply.text, reply.chunk_size)
            )
            text = "".join(pieces)
            item_id = self._next_id("item")
            item = {
                "id": item_id,
                "object": "realtime.item",
                "type": "message",
                "role": "assistant",
                "status": "in_progress",
                "content": [],
            }
            out.add(
                self._event(
                    "response.output_item.added", response_id=rid, output_index=index, item=item
                )
            )
            if in_conv:
                out.add(self._event("conversation.item.added", previous_item_id=None, item=item))
            where = {
                "response_id": rid,
                "item_id": item_id,
                "output_index": index,
                "content_index": 0,
            }
            out.add(
                self._event(
                    "response.content_part.added", **where, part={"type": "output_text", "text": ""}
                )
            )
            render = self._delta_frames("response.output_text.delta", where)
            for piece in pieces:
                if not await before_delta():
                    return
                out.add_raw(render(piece))
                deltas_sent += 1
            part = {"type": "output_text", "text": text}
            done_item = {**item, "status": "completed", "content": [part]}
            if not reply.omit_done_events:
                out.add(self._event("response.output_text.done", **where, text=text))
                out.add(self._event("response.content_part.done", **where, part=part))
                out.add(
                    self._event(
                        "response.output_item.done",
                        response_id=rid,
                        output_index=index,
                        item=done_item,
                    )
                )
                if in_conv:
                    out.add(self._event("conversation.item.done", item=done_item))
            output.append(done_item)
            index += 1

        for call in reply.function_calls:
            item_id = self._next_id("item")
            call_id = call.call_id or self._next_id("call")
            item = {
                "id": item_id,
                "object": "realtime.item",
                "type": "function_call",
                "status": "in_progress",
                "call_id": call_id,
                "name": call.name,
                "arguments": "",
            }
            out.add(
                self._event(
                    "response.output_item.added", response_id=rid, output_index=index, item=item
                )
            )
            where = {
                "response_id": rid,
                "item_id": item_id,
                "output_index": index,
                "call_id": call_id,
            }
            render = self._delta_frames("response.function_call_arguments.delta", where)
            for piece in _split(call.arguments, reply.chunk_size):
                if not await before_delta():
                    return
                out.add_raw(render(piece))
                deltas_sent += 1
            done_item = {**item, "status": "completed", "arguments": call.arguments}
            if not reply.omit_done_events:
                out.add(
                    self._event(
                        "response.function_call_arguments.done",
                        **where,
                        name=call.name,
                        arguments=call.arguments,
                    )
                )
                out.add(
                    self._event(
                        "response.output_item.done",
                        response_id=rid,
                        output_index=index,
                        item=done_item,
                    )
                )
            output.append(done_item)
            index += 1

        # Faults scripted at (or beyond) the end of the stream still happen, before completion.
        if not await _faults_at_end(reply, deltas_sent, out, conn):
            return
        usage = reply.usage or _usage(request, output)
        out.add(
            self._event(
                "response.done",
                response=self._response_object(
                    rid,
                    request,
                    reply.status,
                    reply.status_details,
                    output if reply.include_output_in_done else [],
                    usage,
                ),
            )
        )
        for extra in reply.events_after:
            out.add(self._stamp(extra))
        await out.flush()
        if reply.close_after_done:
            await _drop(conn, reply.drop_code, reply.drop_reason)

    def _response_object(
        self,
        response_id: str,
        request: JSON,
        status: str,
        details: JSON | None,
        output: list[JSON],
        usage: JSON | None,
    ) -> JSON:
        params = request.get("response") or {}
        in_conversation = params.get("conversation") != "none"
        return {
            "object": "realtime.response",
            "id": response_id,
            "status": status,
            "status_details": details,
            "output": output,
            "conversation_id": "conv_scripted" if in_conversation else None,
            "output_modalities": params.get("output_modalities", ["text"]),
            "max_output_tokens": params.get("max_output_tokens", "inf"),
            "metadata": params.get("metadata"),
            "usage": usage,
        }

    # --- event helpers ---------------------------------------------------------------------

    def _event(self, type_: str, **fields: Any) -> JSON:
        return {"type": type_, "event_id": self._next_id("event"), **fields}

    def _delta_frames(self, type_: str, where: Mapping[str, Any]) -> Callable[[str], str]:
        """A function rendering one delta event of this item as JSON text.

        Deltas are the bulk of every stream; rendering them from a prefix computed once per item
        (encoding only the delta string) keeps the server cheap enough that throughput
        benchmarks measure the client, not the server.
        """
        prefix = json.dumps({"type": type_, **where})[:-1] + ', "event_id": "'
        next_id, dumps = self._next_id, json.dumps
        return lambda delta: f'{prefix}{next_id("event")}", "delta": {dumps(delta)}}}'

    def _stamp(self, event: Mapping[str, Any]) -> JSON:
        stamped = dict(event)
        stamped.setdefault("event_id", self._next_id("event"))
        return stamped

    def _error_event(
        self,
        type_: str,
        code: str | None,
        message: str,
        *,
        event_id: Any = None,
        param: str | None = None,
    ) -> JSON:
        return self._event(
            "error",
            error={
                "type": type_,
                "code": code,
                "message": message,
                "param": param,
                "event_id": event_id,
            },
        )

    async def _reject(
        self,
        conn: ServerConnection,
        event: JSON,
        code: str,
        param: str,
        message: str | None = None,
    ) -> None:
        text = message or f"Invalid or missing '{param}' in client event."
        await self._send(
            conn,
            self._error_event(
                "invalid_request_error", code, text, event_id=event.get("event_id"), param=param
            ),
        )

    async def _send(self, conn: ServerConnection, event: JSON) -> None:
        await conn.send(json.dumps(event))


class _Outbox:
    """Queues outgoing frames and writes them in batches (one socket write per batch)."""

    def __init__(self, conn: ServerConnection) -> None:
        self._conn = conn
        self._pending: list[bytes] = []

    def add(self, event: JSON) -> None:
        self.add_raw(json.dumps(event))

    def add_raw(self, text: str) -> None:
        # Nothing is written until flush(): callers flush before every await point.
        self._pending.append(text.encode())

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        conn = self._conn
        for start in range(0, len(pending), _BATCH):
            # send_context() is the websockets-documented way to drive the sans-I/O protocol
            # directly; it applies flow control on exit. Joining the batch's frames into one
            # transport write saves a system call per frame.
            async with conn.send_context():
                for data in pending[start : start + _BATCH]:
                    conn.protocol.send_text(data)
                # send_text() never queues the empty "half-close" marker, so joining is safe.
                conn.transport.write(b"".join(conn.protocol.data_to_send()))


async def _faults_at_end(
    reply: Reply, deltas_sent: int, out: _Outbox, conn: ServerConnection
) -> bool:
    """Run faults scripted after the last delta; False when the response must not complete."""
    if reply.malformed_after_deltas is not None and reply.malformed_after_deltas >= deltas_sent:
        out.add_raw(reply.malformed_frame)
    if reply.stall_after_deltas is not None and reply.stall_after_deltas >= deltas_sent:
        await out.flush()
        await asyncio.Event().wait()
    if reply.drop_after_deltas is not None and reply.drop_after_deltas >= deltas_sent:
        await out.flush()
        await _drop(conn, reply.drop_code, reply.drop_reason)
        return False
    return True


async def _pause(conn: ServerConnection, seconds: float) -> None:
    """Sleep ``seconds``, or less if the connection closes meanwhile (a client gave up)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await conn.wait_closed()


async def _drop(conn: ServerConnection, code: int, reason: str) -> None:
    """Lose the connection: abort TCP for 1006 (no close frame can carry it), else close."""
    if code == 1006:
        conn.transport.abort()
    else:
        await conn.close(code, reason)


def _ignore_close_frames(conn: ServerConnection) -> None:
    """Make this connection swallow the client's close frame instead of answering it.

    The live service sometimes drops TCP without answering a close frame (protocol notes,
    section 6); clients must bound their close. websockets answers close frames inside its
    sans-I/O ``recv_frame``, so the hook wraps that method on this one protocol object.
    """
    protocol = conn.protocol
    original = protocol.recv_frame

    def recv_frame(frame: Frame) -> None:
        if frame.opcode is Opcode.CLOSE:
            logger.debug("ignoring the client's close frame as scripted")
            return
        original(frame)

    protocol.recv_frame = recv_frame  # type: ignore[method-assign]
    conn._rt_ignore_close = True  # type: ignore[attr-defined]


def _select_subprotocol(
    conn: ServerConnection, offered: Sequence[Subprotocol]
) -> Subprotocol | None:
    # Browser-style clients authenticate with subprotocols; the service selects "realtime".
    return Subprotocol("realtime") if "realtime" in offered else None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _split(text: str, size: int | None) -> list[str]:
    if not text:
        return []
    if size is None or size <= 0:
        return [text]
    return [text[i : i + size] for i in range(0, len(text), size)]


def _usage(request: JSON, output: list[JSON]) -> JSON:
    # Deterministic, roughly four characters per token, so tests can assert exact numbers.
    produced = sum(
        len(p.get("text", "")) for item in output for p in item.get("content", [])
    ) + sum(len(item.get("arguments", "")) for item in output)
    output_tokens = (produced + 3) // 4
    input_tokens = (len(json.dumps(request.get("response") or {})) + 3) // 4
    return {
        "total_tokens": input_tokens + output_tokens,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "input_token_details": {"text_tokens": input_tokens, "audio_tokens": 0, "cached_tokens": 0},
        "output_token_details": {"text_tokens": output_tokens, "audio_tokens": 0},
    }
