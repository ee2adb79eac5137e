"""The in-band conversation as the client knows it, for a replay after a reconnect; no I/O.

A new connection is a new, empty session: the server offers no resume, so a client that needs
the earlier conversation has to replay it. In-band requests (``conversation: "auto"``, i.e.
``ResponseRequest(out_of_band=False)``) build a conversation on the server; when the connection
drops, :class:`~release_tools.realtime.asyncio.session.RealtimeSession` re-sends these items with
``conversation.item.create`` once the session is restored, before it re-runs the interrupted
request. Out-of-band requests carry their whole input and record nothing.

What is recorded, in conversation order: the items an in-band request added (once the server
accepted them, i.e. started the response, or when the response ended), then the assistant's
output (text messages and function calls) when the response completed. The history is bounded
by an item count and a size in characters of JSON; the oldest items go first, together with any
``function_call_output`` whose ``function_call`` went (the server would reject an output for a
call it never saw). Truncation is logged.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from release_tools.realtime.credentials import redacting_logger
from release_tools.realtime.events import ConversationItemCreateEvent, encode_event

__all__ = ["ITEM_ACKS", "ConversationHistory", "InBandItems", "Replay"]

#: Server acknowledgements of ``conversation.item.create`` (GA, then the beta name).
ITEM_ACKS = ("conversation.item.added", "conversation.item.created")

logger = redacting_logger(__name__)


class InBandItems:
    """The conversation items of one in-band request, followed across its attempts.

    ``generation`` is the connection the items were last sent on; ``recorded`` says they are
    in the history (so a reconnect replays them). Either way a retry sends only
    ``response.create``: the items are already in the conversation, or will be by the replay.
    """

    __slots__ = ("generation", "items", "recorded")

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.generation: int | None = None
        self.recorded = False


class Replay:
    """One replay of the history on a new connection: its event ids and acknowledgements.

    Acknowledgements are counted by item id: a server may send both the beta and the GA event
    for one item. ``frames`` are the ``conversation.item.create`` frames to send, in order.
    """

    def __init__(self, items: list[dict[str, Any]], next_id: Callable[[], str]) -> None:
        self.frames: list[str] = []
        self.event_ids: set[str] = set()
        for item in items:
            event_id = next_id()
            self.event_ids.add(event_id)
            event = ConversationItemCreateEvent(event_id=event_id, item=item)
            self.frames.append(encode_event(event))
        self._acked: set[str] = set()

    def acknowledge(self, event: dict[str, Any]) -> bool:
        """Count one acknowledgement event; return whether every item is acknowledged."""
        item = event.get("item")
        item_id = item.get("id") if isinstance(item, dict) else None
        self._acked.add(item_id if isinstance(item_id, str) else f"#{len(self._acked)}")
        return len(self._acked) >= len(self.frames)


class ConversationHistory:
    """A bounded record of the default conversation's items (oldest dropped first).

    ``max_items`` = 0 disables recording. Items are stored as JSON text: a snapshot (callers
    may mutate their dicts afterwards) whose length is the size bound's measure.
    """

    def __init__(self, max_items: int = 200, max_chars: int = 512 * 1024) -> None:
        if max_items < 0 or max_chars < 0:
            raise ValueError("history bounds must be >= 0")
        self.max_items = max_items
        self.max_chars = max_chars
        self._items: deque[str] = deque()
        self._chars = 0
        #: How many items were dropped to stay within the bounds, in total.
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def chars(self) -> int:
        """The size of the recorded items as JSON text."""
        return self._chars

    @property
    def enabled(self) -> bool:
        """Whether anything is recorded at all."""
        return self.max_items > 0 and self.max_chars > 0

    def items(self) -> list[dict[str, Any]]:
        """The recorded items, oldest first (fresh dicts)."""
        return [json.loads(text) for text in self._items]

    def replay(self, next_id: Callable[[], str]) -> Replay:
        """The frames re-creating the recorded items, each with an event id from ``next_id``."""
        return Replay(self.items(), next_id)

    def clear(self) -> None:
        """Forget everything."""
        self._items.clear()
        self._chars = 0

    def record(self, items: Iterable[dict[str, Any]]) -> bool:
        """Append ``items``; return whether all of them are still held after truncation."""
        if not self.enabled:
            return False
        new = [json.dumps(item, separators=(",", ":")) for item in items]
        self._items.extend(new)
        self._chars += sum(map(len, new))
        if not self._truncate():
            return True
        # Truncation drops old items first, but a big new item may go too.
        tail = list(itertools.islice(reversed(self._items), len(new)))
        return tail == new[::-1]

    def _truncate(self) -> int:
        """Drop the oldest items until within bounds; return how many were dropped."""
        if len(self._items) <= self.max_items and self._chars <= self.max_chars:
            return 0
        lost_calls: set[str] = set()
        count = 0
        while self._items and (len(self._items) > self.max_items or self._chars > self.max_chars):
            text = self._items.popleft()
            self._chars -= len(text)
            count += 1
            call_id = _call_id(text, "function_call")
            if call_id is not None:
                lost_calls.add(call_id)
        if lost_calls:
            kept: deque[str] = deque()
            for text in self._items:
                if _call_id(text, "function_call_output") in lost_calls:
                    self._chars -= len(text)
                    count += 1
                else:
                    kept.append(text)
            self._items = kept
        first = self.dropped == 0
        self.dropped += count
        # The first truncation is worth a warning (the replayed conversation is no longer
        # complete); later ones are routine for a long conversation.
        logger.log(
            logging.WARNING if first else logging.DEBUG,
            "in-band conversation history over its bound (%d items, %d chars): dropped the %d "
            "oldest items; a replay after a reconnect will not include them",
            self.max_items,
            self.max_chars,
            count,
            extra={"history_items": len(self._items), "history_dropped": self.dropped},
        )
        return count


def _call_id(text: str, kind: str) -> str | None:
    """The ``call_id`` of an item of type ``kind`` stored as JSON ``text``, else ``None``."""
    if kind not in text:  # cheap pre-check: most items are messages
        return None
    item = json.loads(text)
    if item.get("type") != kind:
        return None
    call_id = item.get("call_id")
    return call_id if isinstance(call_id, str) else None
