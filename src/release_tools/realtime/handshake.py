"""Sans-I/O session setup: the WebSocket's life cycle and the handshake that configures it.

:class:`SessionHandshake` is the session half of
:class:`~release_tools.realtime.protocol.RealtimeProtocol`: the four states of the socket
(:class:`SessionState`) and the moves allowed between them, the setup steps of each connection
(``session.created`` -> ``session.update`` -> ``session.updated`` -> optionally the replay of
the in-band conversation -> ready), the waiter resolved when a setup step ends, and the ids of
the client events it sends.

In-band requests are recorded in :attr:`SessionHandshake.history` (see
:mod:`release_tools.realtime.history`); :meth:`SessionHandshake.replay_frames` re-creates that
conversation on a new connection.
"""

from __future__ import annotations

import enum
import itertools
from typing import Any

from release_tools.realtime.aggregate import Waiter
from release_tools.realtime.config import SessionConfig
from release_tools.realtime.credentials import redacting_logger
from release_tools.realtime.events import (
    ErrorDetail,
    SessionCreatedEvent,
    SessionUpdatedEvent,
    SessionUpdateEvent,
    UnknownEvent,
    encode_event,
)
from release_tools.realtime.exceptions import ConnectionClosedError, RealtimeStateError, ServerError
from release_tools.realtime.history import ITEM_ACKS, ConversationHistory, Replay
from release_tools.realtime.logtext import Escaped

__all__ = ["SessionHandshake", "SessionState"]

# The protocol's logger: the handshake is half of that one object, so one session's records
# share one logger name whichever half wrote them.
logger = redacting_logger("release_tools.realtime.protocol")


class SessionState(enum.Enum):
    """Life cycle of a session: the four states of its WebSocket."""

    CONNECTING = "connecting"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


# CLOSED -> CONNECTING is a reconnect after a drop.
_TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    SessionState.CONNECTING: frozenset(
        {SessionState.OPEN, SessionState.CLOSING, SessionState.CLOSED}
    ),
    SessionState.OPEN: frozenset({SessionState.CLOSING, SessionState.CLOSED}),
    SessionState.CLOSING: frozenset({SessionState.CLOSED}),
    SessionState.CLOSED: frozenset({SessionState.CONNECTING}),
}


class SessionHandshake:
    """The session of one realtime connection: its state, its setup, its conversation.

    ``id_prefix`` starts every client event id, to tell sessions apart in logs and in
    ``error.event_id``. ``history`` records the in-band conversation for a replay after a
    reconnect; ``generation`` counts connections.
    """

    def __init__(self, session_config: SessionConfig, *, id_prefix: str = "rt") -> None:
        self.session_config = session_config
        self.state = SessionState.CONNECTING
        self.session_id: str | None = None
        self.session_info: dict[str, Any] = {}
        self._id_prefix = id_prefix
        self._counter = itertools.count(1)
        self._phase = "created"  # created -> updated -> (replay ->) ready
        self._session_waiter: Waiter[str] | None = None
        #: The server declared this connection finished (``session_expired``); reconnect.
        self.expired = False
        #: The ``error`` event that refused this connection's session (during setup, or with a
        #: session-wide code), kept because the server closes right after it (4000): whoever
        #: waits next, or sees the close, gets this error and its message, not the close.
        self.session_error: ServerError | None = None
        #: The in-band conversation, replayed on a new connection.
        self.history = ConversationHistory(
            session_config.history_max_items, session_config.history_max_chars
        )
        #: Connections begun so far (1 for the first); in-band items remember theirs.
        self.generation = 0
        self._replay: Replay | None = None

    def log_extra(self, request_id: str | None = None) -> dict[str, Any]:
        """Context fields for log records about this session."""
        return {
            "session_id": self.session_id,
            "state": self.state.value,
            "request_id": request_id,
        }

    def transition(self, new: SessionState) -> None:
        """Move to ``new``; raise :class:`RealtimeStateError` if the move is not allowed."""
        old = self.state
        if new is old:
            return
        if new not in _TRANSITIONS[old]:
            raise RealtimeStateError(f"invalid session transition {old.value} -> {new.value}")
        self.state = new
        logger.debug("session state %s -> %s", old.value, new.value, extra=self.log_extra())

    def begin_connect(self, waiter: Waiter[str]) -> None:
        """Start (or restart after a drop) a connection; ``waiter`` gets the session id."""
        self.transition(SessionState.CONNECTING)
        self._phase = "created"
        self.session_id = None
        self.expired = False
        self.session_error = None
        self.generation += 1
        self._replay = None
        self._session_waiter = waiter

    def session_update_frame(self, waiter: Waiter[str]) -> str:
        """After ``session.created``: the ``session.update`` frame; ``waiter`` gets the id."""
        if self._phase != "updated":
            raise RealtimeStateError("session.update before session.created")
        self._await_session(waiter)
        event = SessionUpdateEvent(
            event_id=self._next_id("session"), session=self.session_config.to_wire()
        )
        return encode_event(event)

    def replay_frames(self, waiter: Waiter[str]) -> list[str]:
        """After ``session.updated``: ``conversation.item.create`` frames re-creating the
        recorded in-band conversation on this new connection (empty if nothing is recorded).

        ``waiter`` gets the session id once the server acknowledged every item
        (``conversation.item.added``, or the beta ``conversation.item.created``), or the error
        if it rejected one: a conversation that cannot be restored must not silently answer
        the re-run request from a truncated context.
        """
        if self._phase != "updated" or self.state is not SessionState.CONNECTING:
            raise RealtimeStateError("conversation replay outside session setup")
        replay = self.history.replay(lambda: self._next_id("replay"))
        if not replay.frames:
            return []
        self._phase = "replay"
        self._await_session(waiter)
        self._replay = replay
        logger.info(
            "replaying %d conversation items after reconnecting",
            len(replay.frames),
            extra={**self.log_extra(), "history_dropped": self.history.dropped},
        )
        return replay.frames

    def _await_session(self, waiter: Waiter[str]) -> None:
        """Make ``waiter`` the next setup step's; fail it at once if the session was refused.

        The refusal may have been read while nobody waited (between ``session.created`` and
        the ``session.update`` sent in answer), and nothing else would arrive for this waiter.
        """
        if self.session_error is not None:
            if not waiter.done():
                waiter.set_exception(self.session_error)
            return
        self._session_waiter = waiter

    def mark_open(self) -> None:
        """The session is configured; responses may be requested."""
        self._phase = "ready"
        self._replay = None
        self.transition(SessionState.OPEN)

    def _on_session_created(self, event: SessionCreatedEvent) -> None:
        if self._phase != "created":
            logger.debug("ignoring a repeated session.created", extra=self.log_extra())
            return
        if not event.session.id:
            # A session without an id is a state error: nothing could be correlated later.
            self._fail_all(RealtimeStateError("server created a session without an id"))
            return
        self.session_id = event.session.id
        self.session_info = event.session.model_dump(exclude_none=True)
        self._phase = "updated"
        logger.debug("session created", extra=self.log_extra())
        self._resolve_session(event.session.id)

    def _on_session_updated(self, event: SessionUpdatedEvent) -> None:
        self.session_info = event.session.model_dump(exclude_none=True)
        if event.session.id:
            self.session_id = event.session.id
        if self._phase == "updated":
            logger.debug("session updated", extra=self.log_extra())
            self._resolve_session(self.session_id or "")

    def _resolve_session(self, session_id: str) -> None:
        waiter, self._session_waiter = self._session_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(session_id)

    def _on_replay_ack(self, event: UnknownEvent) -> bool:
        """Count ``event`` if it acknowledges a replayed item; whether it was such an event."""
        if self._phase != "replay" or event.type not in ITEM_ACKS:
            return False
        if self._replay is not None and self._replay.acknowledge(event.data):
            self._resolve_session(self.session_id or "")
        return True

    # --- server errors that end the session -----------------------------------------------

    def _expire(self, error: ServerError, extra: dict[str, Any]) -> None:
        """``session_expired``: not a request failure. The session reached its maximum
        duration and the server closes with 1001 next; fail everything as a (retryable) drop,
        to reconnect."""
        logger.warning("server ended the session: %s", Escaped(error), extra=extra)
        self.expired = True
        self._fail_all(ConnectionClosedError(f"session expired: {error}", code=1001))

    def _reject_replay(
        self, error: ServerError, detail: ErrorDetail, extra: dict[str, Any]
    ) -> None:
        """The server rejected an item of the conversation replay: the restore failed."""
        logger.error("conversation replay rejected: %s", Escaped(error), extra=extra)
        message = f"restoring the conversation after a reconnect failed: {error}"
        self._fail_all(_restated(message, error, detail))

    def _refuse(self, error: ServerError, detail: ErrorDetail, extra: dict[str, Any]) -> None:
        """An error during setup, or with a session-wide code: the session is refused."""
        logger.error("server error: %s", Escaped(error), extra=extra)
        label = ".".join(part for part in (detail.type, detail.code) if part)
        message = f"the server refused the session: {error}" + (f" ({label})" if label else "")
        refused = _restated(message, error, detail)
        self.session_error = refused
        self._fail_all(refused)

    def _fail_all(self, exc: BaseException) -> None:
        """Fail the setup step's waiter with ``exc``; the protocol extends this to every
        request it has pending."""
        waiter, self._session_waiter = self._session_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def _next_id(self, kind: str) -> str:
        return f"{self._id_prefix}-{kind}-{next(self._counter)}"


def _restated(message: str, error: ServerError, detail: ErrorDetail) -> ServerError:
    """``error`` told as what it broke: ``message``, ``detail``'s fields, its retryability."""
    restated = ServerError(
        message, type=detail.type, code=detail.code, param=detail.param, event_id=detail.event_id
    )
    restated.retryable = error.retryable
    return restated
