"""The scripted realtime server itself: handshake, session, dispatch, responses on the wire.

See :mod:`release_tools.realtime.testing` for the overview. This module holds the I/O: a
``websockets`` asyncio server on ``127.0.0.1`` port 0 that records what clients send, answers
session and conversation events, and leaves responses to
:mod:`~release_tools.realtime.testing.responses`. Beyond the public ``websockets`` API it uses
two narrowly scoped hooks on a connection's sans-I/O protocol object (batched writes, swallowing
close frames), each explained where it is used.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from release_tools.realtime.asyncio.transport import FrameRedactionFilter
from release_tools.realtime.credentials import redacting_logger
from release_tools.realtime.testing.responses import ConnectionResponses, reject, send
from release_tools.realtime.testing.script import (
    DEFAULT_RATE_LIMITS,
    JSON,
    ConnectionScript,
    RecordedConnection,
    Rejection,
    ReplySource,
    phrase,
)
from release_tools.realtime.testing.stream import EventFactory
from release_tools.realtime.testing.wire import drop, pause, select_subprotocol, swallow_frames

__all__ = ["ScriptedRealtimeServer"]

logger = redacting_logger(__name__)

# The server's websockets logger: at DEBUG it dumps every request header it receives, the
# client's Authorization included, and every frame it sends (a scripted error may quote a key).
# Under release_tools, with credential values blanked and frame payloads redacted first.
wire_logger = redacting_logger(
    "release_tools.realtime.testing.server.websockets", FrameRedactionFilter()
)


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
        self._factory = EventFactory()
        self._changed = asyncio.Condition()

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
            select_subprotocol=select_subprotocol,
            compression=self._compression,
            max_size=self._max_size,
            ping_interval=self._ping_interval,
            close_timeout=self._close_timeout,
            # The client decides how long a handshake may take; do not race it.
            open_timeout=None,
            # Let a fast stream run ahead of a slow reader instead of pausing every 32 KiB.
            write_limit=4 * 1024 * 1024,
            logger=wire_logger,
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
        logger.debug("rejecting handshake %d with %d", index, rejection.status)
        return Response(rejection.status, phrase(rejection.status), headers, body)

    # --- connection ------------------------------------------------------------------------

    async def _handle(self, conn: ServerConnection) -> None:
        record: RecordedConnection = conn._rt_record  # type: ignore[attr-defined]
        script: ConnectionScript = conn._rt_script  # type: ignore[attr-defined]
        responses = ConnectionResponses(
            conn, record, self._factory, self._next_reply, self.rate_limits
        )
        try:
            await self._serve_connection(conn, record, script, responses)
        except ConnectionClosed:
            pass
        finally:
            await responses.close()
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
        responses: ConnectionResponses,
    ) -> None:
        session = self._initial_session(record)
        record.session_id = session["id"]
        swallow_frames(conn, close=script.ignore_close, ping=not script.answer_pings)
        if self.reject_beta_header and record.header("openai-beta") is not None:
            # The live service accepts the upgrade, then rejects the beta shape with an error
            # event and a close.
            await send(
                conn,
                self._factory.error(
                    "invalid_request_error",
                    "beta_api_shape_disabled",
                    "The Realtime beta interface is switched off; use the GA interface.",
                ),
            )
            await conn.close(4000, "invalid_request_error.beta_api_shape_disabled")
            return
        if script.send_session_created:
            if script.session_created_delay:
                await pause(conn, script.session_created_delay)
            await send(conn, self._factory.event("session.created", session=session))
        for event in script.events_after_open:
            await send(conn, self._factory.stamp(event))
        if script.close_after_open is not None:
            code, reason = script.close_after_open
            await drop(conn, code, reason)  # 1006 aborts, 1005 sends an empty close frame
            return
        async for frame in conn:
            record.frames.append(frame)
            if record.dropping:
                continue  # arrived while the connection was being dropped: never served
            try:
                event = json.loads(frame)
                if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                    raise ValueError("not an event object")
            except ValueError:
                await send(
                    conn,
                    self._factory.error(
                        "invalid_request_error", "invalid_json", "The frame is not a JSON event."
                    ),
                )
                await self._notify()
                continue
            record.events.append(event)
            await self._notify()
            await self._dispatch(conn, script, session, event, responses)
            record.max_active_responses = max(record.max_active_responses, len(responses))

    def _initial_session(self, record: RecordedConnection) -> JSON:
        model = self.model
        if "model=" in record.path:
            model = record.path.split("model=", 1)[1].split("&", 1)[0] or model
        return {
            "type": "realtime",
            "object": "realtime.session",
            "id": self._factory.new_id("sess"),
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
        responses: ConnectionResponses,
    ) -> None:
        kind = event["type"]
        if kind == "session.update":
            update = event.get("session")
            if not isinstance(update, dict):
                await reject(conn, self._factory, event, "missing_required_parameter", "session")
                return
            session.update({k: v for k, v in update.items() if k not in ("id", "object")})
            if not script.answer_session_update:
                return
            if script.session_updated_delay:
                await pause(conn, script.session_updated_delay)
            await send(conn, self._factory.event("session.updated", session=dict(session)))
        elif kind == "conversation.item.create":
            if script.reject_item_creates:
                await reject(
                    conn, self._factory, event, "invalid_value", "item", "Scripted item rejection."
                )
                return
            item = dict(event.get("item") or {})
            item.setdefault("id", self._factory.new_id("item"))
            item.setdefault("object", "realtime.item")
            item.setdefault("status", "completed")
            previous = event.get("previous_item_id")
            record: RecordedConnection = conn._rt_record  # type: ignore[attr-defined]
            record.conversation.append(item)
            await send(
                conn,
                self._factory.event(
                    "conversation.item.added", previous_item_id=previous, item=item
                ),
            )
            await send(conn, self._factory.event("conversation.item.done", item=item))
        elif kind == "response.create":
            await responses.start(event)
        elif kind == "response.cancel":
            await responses.cancel(event)
        else:
            await reject(conn, self._factory, event, "invalid_value", "type")

    def _next_reply(self, event: JSON) -> ReplySource:
        self.response_creates.append(event)
        return self._replies.pop(0) if self._replies else self.default
