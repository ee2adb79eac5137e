"""The responses of one scripted connection: each runs in its own task, one per conversation.

:class:`ConnectionResponses` starts a response for every ``response.create`` (refusing a second
one in the default conversation, as the live service does), cancels on ``response.cancel`` and
plays the steps :func:`~release_tools.realtime.testing.stream.response_steps` computes: frames in
batches, pauses, drops and stalls.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
from collections.abc import Callable, Sequence

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from release_tools.realtime.testing.script import JSON, RecordedConnection, Reply, ReplySource
from release_tools.realtime.testing.stream import (
    Drop,
    EventFactory,
    Pause,
    response_object,
    response_steps,
)
from release_tools.realtime.testing.wire import Outbox, drop

__all__ = ["ConnectionResponses", "reject", "send"]


async def send(conn: ServerConnection, event: JSON) -> None:
    """Send one server event as a text frame."""
    await conn.send(json.dumps(event))


async def reject(
    conn: ServerConnection,
    factory: EventFactory,
    event: JSON,
    code: str,
    param: str,
    message: str | None = None,
) -> None:
    """Answer a client event the server refuses with an ``invalid_request_error``."""
    text = message or f"Invalid or missing '{param}' in client event."
    await send(
        conn,
        factory.error(
            "invalid_request_error", code, text, event_id=event.get("event_id"), param=param
        ),
    )


async def _resolve(source: ReplySource, event: JSON) -> Reply:
    """The :class:`Reply` a scripted source gives for ``event`` (callables may be async)."""
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


class _ResponseTask:
    """Book-keeping for one running response."""

    def __init__(self, response_id: str, in_conversation: bool) -> None:
        self.response_id = response_id
        self.in_conversation = in_conversation
        self.task: asyncio.Task[None] | None = None
        self.started = False


class ConnectionResponses:
    """The running responses of one connection.

    Args:
        conn: the connection the responses are sent on.
        record: what the connection sent and holds (its conversation grows with each response).
        factory: the server's event factory (ids and timestamps shared across connections).
        next_reply: takes the ``response.create`` event and gives the scripted answer source.
        rate_limits: the ``rate_limits.updated`` list sent with each response.
    """

    def __init__(
        self,
        conn: ServerConnection,
        record: RecordedConnection,
        factory: EventFactory,
        next_reply: Callable[[JSON], ReplySource],
        rate_limits: Sequence[JSON],
    ) -> None:
        self._conn = conn
        self._record = record
        self._factory = factory
        self._next_reply = next_reply
        self._rate_limits = tuple(rate_limits)
        self._running: dict[str, _ResponseTask] = {}

    def __len__(self) -> int:
        return len(self._running)

    async def start(self, event: JSON) -> None:
        """Start the response ``event`` asks for, or refuse it while the conversation is busy."""
        params = event.get("response") or {}
        in_conversation = params.get("conversation") != "none"
        busy = [rt.response_id for rt in self._running.values() if rt.in_conversation]
        if in_conversation and busy:
            await send(
                self._conn,
                self._factory.error(
                    "invalid_request_error",
                    "conversation_already_has_active_response",
                    f"Conversation already has an active response in progress: {busy[0]}.",
                    event_id=event.get("event_id"),
                ),
            )
            return
        source = self._next_reply(event)
        rt = _ResponseTask(self._factory.new_id("resp"), in_conversation)
        self._running[rt.response_id] = rt

        async def run() -> None:
            try:
                # Resolved in the response's own task: an async reply callable may wait for
                # something the client sends later without blocking this connection's reader.
                reply = await _resolve(source, event)
                if reply.error is not None:
                    error = {**reply.error, "event_id": event.get("event_id")}
                    await send(self._conn, self._factory.event("error", error=error))
                elif not reply.silent:
                    await self._play(event, reply, rt)
            except ConnectionClosed:
                pass
            finally:
                self._running.pop(rt.response_id, None)

        rt.task = asyncio.create_task(run())

    async def cancel(self, event: JSON) -> None:
        """Cancel the response ``event`` names (the conversation's one when it names none)."""
        wanted = event.get("response_id")
        target = next(
            (
                rt
                for rt in self._running.values()
                if (rt.response_id == wanted) or (wanted is None and rt.in_conversation)
            ),
            None,
        )
        if target is None or target.task is None:
            await reject(
                self._conn,
                self._factory,
                event,
                "response_cancel_not_active",
                "response_id",
                "No active response.",
            )
            return
        target.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await target.task
        if target.started:
            details = {"type": "cancelled", "reason": "client_cancelled"}
            response = response_object(target.response_id, event, "cancelled", details, [], None)
            await send(self._conn, self._factory.event("response.done", response=response))

    async def close(self) -> None:
        """Cancel every running response and wait for their tasks to end."""
        tasks = [rt.task for rt in self._running.values() if rt.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _play(self, request: JSON, reply: Reply, rt: _ResponseTask) -> None:
        """Carry out the steps of one response: send frames in batches, pause, drop or stall."""
        steps = response_steps(
            reply, request, rt.response_id, self._factory, rate_limits=self._rate_limits
        )
        rt.started = True
        out = Outbox(self._conn)
        for step in steps:
            if isinstance(step, str):
                out.add(step)
                # A prefix test keeps the per-delta cost nil; response.done is parsed once.
                if rt.in_conversation and step.startswith('{"type": "response.done"'):
                    output = json.loads(step)["response"].get("output") or []
                    self._record.conversation.extend(output)
                continue
            if isinstance(step, Drop):
                # The server has decided to go away: a client event that races the close is
                # discarded unseen, as a real server's would be, not served or counted.
                self._record.dropping = True
            await out.flush()
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            elif isinstance(step, Drop):
                await drop(self._conn, step.code, step.reason)
                return
            else:  # Stall: until the connection handler cancels this task
                await asyncio.Event().wait()
        await out.flush()
