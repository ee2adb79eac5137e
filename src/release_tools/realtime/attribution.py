"""Server ``error`` events: which request one is about, and which codes concern the session.

The server names the client event that caused an error in ``error.event_id``; a request owns
every event id it sent. An error without an event id (some servers never echo one, and the
live service omits it for errors raised while a response runs) can only be about the one
request in flight when exactly one is pending on the connection; with several pending it stays
unattributed. Benign codes (a cancel that found nothing to cancel) and session-wide codes are
never attributed that way.
"""

from __future__ import annotations

from release_tools.realtime.aggregate import PendingResponse, ResponseTable
from release_tools.realtime.events import ErrorDetail

__all__ = ["FATAL_CODES", "owner_of"]

#: Error codes after which the session itself is unusable: it expired, or the server refuses
#: the session's shape or intent, so every later request on it would fail the same way.
FATAL_CODES = frozenset({"session_expired", "beta_api_shape_disabled", "invalid_intent"})

#: Error codes that never belong to a request in flight, even when they name no client event:
#: a cancel that found nothing to cancel, and the session-wide codes above.
_UNOWNED_CODES = FATAL_CODES | {"response_cancel_not_active"}


def owner_of(detail: ErrorDetail, table: ResponseTable, *, ready: bool) -> PendingResponse | None:
    """The request of ``table`` an ``error`` event is about, or ``None`` when it cannot be told.

    ``ready``: the session is set up, so a request may be in flight (during setup an error
    without an event id is the session's).
    """
    if detail.event_id:
        return table.by_event_id.get(detail.event_id)
    if ready and len(table.pending) == 1 and detail.code not in _UNOWNED_CODES:
        return next(iter(table.pending.values()))
    return None
