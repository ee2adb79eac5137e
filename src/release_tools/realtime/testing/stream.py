"""The event stream of one scripted response, built without any I/O.

:func:`response_steps` turns a :class:`~release_tools.realtime.testing.script.Reply` and the
``response.create`` it answers into the list of things the server does, in order: frames to send
(JSON text), pauses, and faults (drop the connection, stall). The server only executes the list,
so the GA event order of a response lives here, in one readable place:
``response.created`` -> ``rate_limits.updated`` -> ``response.output_item.added`` ->
(``conversation.item.added``) -> ``response.content_part.added`` ->
``response.output_text.delta``* -> ``response.output_text.done`` ->
``response.content_part.done`` -> ``response.output_item.done`` -> (``conversation.item.done``)
-> ``response.done``; function calls use ``response.function_call_arguments.delta``* / ``.done``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from release_tools.realtime.testing.script import JSON, Reply

__all__ = [
    "Drop",
    "EventFactory",
    "Pause",
    "Stall",
    "Step",
    "response_object",
    "response_steps",
    "split",
    "usage_for",
]


@dataclass(frozen=True)
class Pause:
    """Wait this many seconds (everything before it is sent first)."""

    seconds: float


@dataclass(frozen=True)
class Drop:
    """Lose the connection: ``1006`` aborts TCP without a close frame, other codes close."""

    code: int
    reason: str = ""


@dataclass(frozen=True)
class Stall:
    """Send nothing more and wait until the client gives up."""


#: One thing to do: a frame (JSON text, or garbage) or a pause or a fault.
Step = str | Pause | Drop | Stall


class EventFactory:
    """Builds server events with ids unique to one server (``event_...``, ``resp_...``)."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def new_id(self, prefix: str) -> str:
        """A fresh id such as ``sess_000001``."""
        return f"{prefix}_{next(self._ids):06d}"

    def event(self, type_: str, **fields: Any) -> JSON:
        """A server event of ``type_`` with a fresh ``event_id``."""
        return {"type": type_, "event_id": self.new_id("event"), **fields}

    def stamp(self, event: Mapping[str, Any]) -> JSON:
        """A copy of a scripted raw event, given an ``event_id`` if it has none."""
        stamped = dict(event)
        stamped.setdefault("event_id", self.new_id("event"))
        return stamped

    def error(
        self,
        type_: str,
        code: str | None,
        message: str,
        *,
        event_id: Any = None,
        param: str | None = None,
    ) -> JSON:
        """An ``error`` event; ``event_id`` names the client event that caused it."""
        detail = {"type": type_, "code": code, "message": message, "param": param}
        return self.event("error", error={**detail, "event_id": event_id})

    def delta_renderer(self, type_: str, where: Mapping[str, Any]) -> Callable[[str], str]:
        """A function rendering one delta event of an item straight to JSON text.

        Deltas are the bulk of every stream. Rendering them from a prefix encoded once per item
        (only the delta string is encoded per event) keeps the server cheap enough that
        throughput benchmarks measure the client, not the server.
        """
        prefix = json.dumps({"type": type_, **where})[:-1] + ', "event_id": "'
        new_id, dumps = self.new_id, json.dumps
        return lambda delta: f'{prefix}{new_id("event")}", "delta": {dumps(delta)}}}'


def response_object(
    response_id: str,
    request: JSON,
    status: str,
    details: JSON | None,
    output: list[JSON],
    usage: JSON | None,
) -> JSON:
    """The ``response`` object of ``response.created`` / ``response.done``."""
    params = request.get("response") or {}
    return {
        "object": "realtime.response",
        "id": response_id,
        "status": status,
        "status_details": details,
        "output": output,
        # Out-of-band responses ("conversation": "none") belong to no conversation.
        "conversation_id": None if params.get("conversation") == "none" else "conv_scripted",
        "output_modalities": params.get("output_modalities", ["text"]),
        "max_output_tokens": params.get("max_output_tokens", "inf"),
        "metadata": params.get("metadata"),
        "usage": usage,
    }


def response_steps(
    reply: Reply,
    request: JSON,
    response_id: str,
    factory: EventFactory,
    *,
    rate_limits: Sequence[JSON],
) -> list[Step]:
    """Everything the server does to answer ``request`` with ``reply``, in order."""
    steps: list[Step] = []
    emit: Callable[[JSON], None] = lambda event: steps.append(json.dumps(event))  # noqa: E731
    event = factory.event
    in_conversation = (request.get("response") or {}).get("conversation") != "none"
    if reply.only_events is not None:
        for raw in reply.only_events:
            stamped = factory.stamp(raw)
            if stamped.get("response_id") == "$response":
                stamped["response_id"] = response_id
            emit(stamped)
        return steps
    for extra in reply.events_before:
        emit(factory.stamp(extra))
    emit(
        event(
            "response.created",
            response=response_object(response_id, request, "in_progress", None, [], None),
        )
    )
    limits = rate_limits if reply.rate_limits is None else reply.rate_limits
    if limits:
        emit(event("rate_limits.updated", rate_limits=[dict(x) for x in limits]))
    if reply.error_after_created is not None:
        emit(event("error", error={"param": None, **reply.error_after_created}))
        return steps

    sent = 0
    first = True

    def before_delta() -> bool:
        """Scripted latency and faults before the next delta; False ends the stream here."""
        nonlocal first
        if reply.stall_after_deltas is not None and sent >= reply.stall_after_deltas:
            steps.append(Stall())
            return False
        if reply.drop_after_deltas is not None and sent >= reply.drop_after_deltas:
            steps.append(Drop(reply.drop_code, reply.drop_reason))
            return False
        if reply.malformed_after_deltas == sent:
            steps.append(reply.malformed_frame)
        if first:
            first = False
            if reply.first_delta_delay:
                steps.append(Pause(reply.first_delta_delay))
        elif reply.delta_delay:
            steps.append(Pause(reply.delta_delay))
        return True

    output: list[JSON] = []
    if reply.text or reply.deltas:
        pieces = (
            list(reply.deltas) if reply.deltas is not None else split(reply.text, reply.chunk_size)
        )
        text = "".join(pieces)
        index = len(output)
        item_id = factory.new_id("item")
        item = {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "role": "assistant",
            "status": "in_progress",
            "content": [],
        }
        emit(
            event(
                "response.output_item.added", response_id=response_id, output_index=index, item=item
            )
        )
        if in_conversation:
            emit(event("conversation.item.added", previous_item_id=None, item=item))
        where = {
            "response_id": response_id,
            "item_id": item_id,
            "output_index": index,
            "content_index": 0,
        }
        emit(
            event("response.content_part.added", **where, part={"type": "output_text", "text": ""})
        )
        render = factory.delta_renderer("response.output_text.delta", where)
        for piece in pieces:
            if not before_delta():
                return steps
            steps.append(render(piece))
            sent += 1
        part = {"type": "output_text", "text": text}
        done_item = {**item, "status": "completed", "content": [part]}
        if not reply.omit_done_events:
            emit(event("response.output_text.done", **where, text=text))
            emit(event("response.content_part.done", **where, part=part))
            emit(
                event(
                    "response.output_item.done",
                    response_id=response_id,
                    output_index=index,
                    item=done_item,
                )
            )
            if in_conversation:
                emit(event("conversation.item.done", item=done_item))
        output.append(done_item)

    for call in reply.function_calls:
        index = len(output)
        item_id = factory.new_id("item")
        call_id = call.call_id or factory.new_id("call")
        item = {
            "id": item_id,
            "object": "realtime.item",
            "type": "function_call",
            "status": "in_progress",
            "call_id": call_id,
            "name": call.name,
            "arguments": "",
        }
        emit(
            event(
                "response.output_item.added", response_id=response_id, output_index=index, item=item
            )
        )
        where = {
            "response_id": response_id,
            "item_id": item_id,
            "output_index": index,
            "call_id": call_id,
        }
        render = factory.delta_renderer("response.function_call_arguments.delta", where)
        for piece in split(call.arguments, reply.chunk_size):
            if not before_delta():
                return steps
            steps.append(render(piece))
            sent += 1
        done_item = {**item, "status": "completed", "arguments": call.arguments}
        if not reply.omit_done_events:
            emit(
                event(
                    "response.function_call_arguments.done",
                    **where,
                    name=call.name,
                    arguments=call.arguments,
                )
            )
            emit(
                event(
                    "response.output_item.done",
                    response_id=response_id,
                    output_index=index,
                    item=done_item,
                )
            )
        output.append(done_item)

    # Faults scripted at or beyond the end of the stream still happen, before completion.
    if reply.malformed_after_deltas is not None and reply.malformed_after_deltas >= sent:
        steps.append(reply.malformed_frame)
    if reply.stall_after_deltas is not None and reply.stall_after_deltas >= sent:
        steps.append(Stall())
        return steps
    if reply.drop_after_deltas is not None and reply.drop_after_deltas >= sent:
        steps.append(Drop(reply.drop_code, reply.drop_reason))
        return steps
    usage = reply.usage or usage_for(request, output)
    shown = output if reply.include_output_in_done else []
    emit(
        event(
            "response.done",
            response=response_object(
                response_id, request, reply.status, reply.status_details, shown, usage
            ),
        )
    )
    for extra in reply.events_after:
        emit(factory.stamp(extra))
    if reply.close_after_done:
        steps.append(Drop(reply.drop_code, reply.drop_reason))
    return steps


def split(text: str, size: int | None) -> list[str]:
    """``text`` in pieces of ``size`` characters (one piece when ``size`` is unset)."""
    if not text:
        return []
    if size is None or size <= 0:
        return [text]
    return [text[i : i + size] for i in range(0, len(text), size)]


def usage_for(request: JSON, output: list[JSON]) -> JSON:
    """A deterministic ``usage`` object: about four characters per token, so tests can assert."""
    produced = sum(len(p.get("text", "")) for item in output for p in item.get("content", []))
    produced += sum(len(item.get("arguments", "")) for item in output)
    output_tokens = (produced + 3) // 4
    input_tokens = (len(json.dumps(request.get("response") or {})) + 3) // 4
    return {
        "total_tokens": input_tokens + output_tokens,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "input_token_details": {"text_tokens": input_tokens, "audio_tokens": 0, "cached_tokens": 0},
        "output_token_details": {"text_tokens": output_tokens, "audio_tokens": 0},
    }
