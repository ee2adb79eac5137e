"""Sans-I/O realtime session: frames in, frames and results out.

:class:`RealtimeProtocol` never touches a socket. The I/O layer (``session.py``) feeds it every
received frame with :meth:`RealtimeProtocol.feed`, sends the frames it returns, and hands it
*waiters* (anything with ``done``/``set_result``/``set_exception``, e.g. an ``asyncio.Future``)
that it resolves when the session is ready or a response ends.

Pipeline per frame: raw frame -> JSON -> typed event (``events.event_from_json``) -> dispatch on
the event's type through a dict -> state updates (session id, rate limits) -> aggregation. The
one exception is the steady state of a stream: a text delta for a response and item already
known is appended to its buffer straight from the parsed JSON (see :meth:`RealtimeProtocol.feed`
and ``benchmarks/bench_realtime_feed.py``).

Aggregation (routing output events to their request, per-item buffers, result building) lives
in :mod:`release_tools.realtime.aggregate`; this module drives it. A response completes on
``response.done`` (or the legacy ``response.final``); whichever arrives first wins and is
delivered exactly once, later events of that response are ignored. Every ``response.done`` adds
its usage to :attr:`RealtimeProtocol.usage`, failed and abandoned responses included (their
tokens are billed too).

The session's state machine and setup handshake, the conversation replay after a reconnect
included, live in :mod:`release_tools.realtime.handshake`: :class:`RealtimeProtocol` extends its
:class:`SessionHandshake` with requests and responses.

Responses are correlated by a metadata tag (:data:`REQUEST_TAG`) echoed in ``response.created``,
else first-in-first-out; errors by the client ``event_id`` the server echoes in ``error``, or,
when the error names no client event, to the only request pending on the connection (see
:mod:`release_tools.realtime.attribution`). An ``invalid_request_error``, authentication or
permission error fails its request at once (the client's retry policy does not retry it: the
same request would be refused again).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from release_tools.realtime.aggregate import (
    REQUEST_TAG,
    FunctionCall,
    PendingResponse,
    ResponseResult,
    ResponseTable,
    Usage,
    Waiter,
    build_result,
    error_from_detail,
    failure_error,
    merge_output,
    output_items,
    usage_of,
)
from release_tools.realtime.attribution import FATAL_CODES, owner_of
from release_tools.realtime.config import ResponseRequest, SessionConfig
from release_tools.realtime.credentials import redacting_logger
from release_tools.realtime.events import (
    BackoffEvent,
    ConversationItemCreateEvent,
    ErrorEvent,
    FunctionCallArgumentsDelta,
    FunctionCallArgumentsDoneEvent,
    OutputItemEvent,
    OutputTextDoneEvent,
    RateLimitsUpdatedEvent,
    ResponseCancelEvent,
    ResponseCreatedEvent,
    ResponseCreateEvent,
    ResponseDoneEvent,
    ResponseInfo,
    SeedFinalEvent,
    SeedRateLimitEvent,
    SeedResponseErrorEvent,
    ServerEvent,
    SessionCreatedEvent,
    SessionUpdatedEvent,
    TextDelta,
    UnknownEvent,
    decode_event,
    encode_event,
    event_from_json,
)
from release_tools.realtime.exceptions import (
    ConnectionClosedError,
    IncompleteResponseError,
    RateLimitError,
    RealtimeError,
    RealtimeProtocolError,
    RealtimeStateError,
)
from release_tools.realtime.handshake import SessionHandshake, SessionState
from release_tools.realtime.history import InBandItems
from release_tools.realtime.logtext import Escaped, escape
from release_tools.realtime.ratelimit import RateLimitState

# FunctionCall, ResponseResult, Usage and Waiter live in ``aggregate``, SessionState in
# ``handshake``; importable here too, as the names a user of the protocol works with.
__all__ = [
    "REQUEST_TAG",
    "FunctionCall",
    "RealtimeProtocol",
    "ResponseResult",
    "SessionState",
    "Usage",
    "Waiter",
]

logger = redacting_logger(__name__)

# GA events that need no action here; skipped without a log line (they are frequent).
_QUIET = frozenset(
    {
        "conversation.item.added",
        "conversation.item.created",
        "conversation.item.done",
        "response.content_part.added",
        "response.content_part.done",
    }
)

# The hot path of feed(): text deltas under their GA and beta names (a tuple: `in` on a
# tuple compares with ==, so an unhashable "type" value cannot raise).
_TEXT_DELTAS = ("response.output_text.delta", "response.text.delta")
_loads = json.loads
_UNPARSED = object()  # json.loads failed; decode_event then raises the precise error


class RealtimeProtocol(SessionHandshake):
    """The state of one realtime connection: session handshake, pending responses, rate limits.

    ``rate_limits`` is shared between sessions when given. ``id_prefix`` starts every request
    and client event id, to tell sessions apart in logs and in ``error.event_id``.

    ``usage`` sums the token usage of every ``response.done`` received, whatever its status
    (failed attempts and abandoned responses cost tokens too). ``history`` records the in-band
    conversation for a replay after a reconnect; ``generation`` counts connections.
    """

    def __init__(
        self,
        session_config: SessionConfig,
        rate_limits: RateLimitState | None = None,
        *,
        id_prefix: str = "rt",
    ) -> None:
        super().__init__(session_config, id_prefix=id_prefix)
        self.rate_limits = rate_limits if rate_limits is not None else RateLimitState()
        self._table = ResponseTable()
        # Aliases of the table's indexes: feed()'s hot path reads _by_response per delta.
        self._pending = self._table.pending
        self._by_response = self._table.by_response
        # Requests failed by a broken frame whose response still runs server-side: request id
        # -> response id, so that abandon() can cancel it instead of letting it burn tokens.
        self._orphans: dict[str, str] = {}
        self._unknown_seen: set[str] = set()
        #: Token usage of every response that ended on this protocol's connections.
        self.usage = Usage()
        self._dispatch: dict[type[Any], Callable[[Any], None]] = {
            TextDelta: self._table.on_text_delta,
            FunctionCallArgumentsDelta: self._table.on_args_delta,
            SessionCreatedEvent: self._on_session_created,
            SessionUpdatedEvent: self._on_session_updated,
            ResponseCreatedEvent: self._on_response_created,
            ResponseDoneEvent: self._on_response_done,
            OutputItemEvent: self._table.on_output_item,
            OutputTextDoneEvent: self._table.on_text_done,
            FunctionCallArgumentsDoneEvent: self._table.on_args_done,
            ErrorEvent: self._on_error,
            RateLimitsUpdatedEvent: self._on_rate_limits,
            SeedRateLimitEvent: self._on_seed_rate_limit,
            BackoffEvent: self._on_backoff,
            SeedFinalEvent: self._on_seed_final,
            SeedResponseErrorEvent: self._on_seed_error,
            UnknownEvent: self._on_unknown,
        }

    # --- requests ----------------------------------------------------------------------------

    def start_response(
        self,
        request: ResponseRequest,
        waiter: Waiter[ResponseResult],
        conversation: InBandItems | None = None,
    ) -> tuple[str, list[str]]:
        """Register ``request``; return its request id and the frames to send, in order.

        For an in-band request, ``conversation`` follows its items across attempts (pass the
        same object on every retry): items already placed in the conversation, on this
        connection or by the history replay, are not sent again.
        """
        if self.state is not SessionState.OPEN:
            raise RealtimeStateError(f"cannot request a response while {self.state.value}")
        if len(request.metadata) > 15:
            raise ValueError("at most 15 metadata pairs (one is used for the request tag)")
        request_id = self._next_id("req")
        if not request.out_of_band and conversation is None:
            conversation = InBandItems(request.items())
        pending = PendingResponse(request_id, waiter, None if request.out_of_band else conversation)
        body = request.to_wire(
            self.session_config.output_modalities, {**request.metadata, REQUEST_TAG: request_id}
        )
        frames: list[str] = []
        if conversation is not None and not (
            conversation.recorded or conversation.generation == self.generation
        ):
            for item in conversation.items:
                event_id = self._next_id("item")
                pending.event_ids.append(event_id)
                frames.append(
                    encode_event(ConversationItemCreateEvent(event_id=event_id, item=item))
                )
            conversation.generation = self.generation
        event_id = self._next_id("create")
        pending.event_ids.append(event_id)
        frames.append(encode_event(ResponseCreateEvent(event_id=event_id, response=body)))
        self._table.add(pending)
        return request_id, frames

    def abandon(self, request_id: str) -> list[str]:
        """Forget a request (timed out, cancelled); return a ``response.cancel`` frame if live."""
        pending = self._pending.get(request_id)
        if pending is None:
            response_id = self._orphans.pop(request_id, None)
        else:
            self._table.forget(pending)
            response_id = pending.response_id
        if response_id is None:
            return []
        cancel = ResponseCancelEvent(event_id=self._next_id("cancel"), response_id=response_id)
        return [encode_event(cancel)]

    def response_started(self, request_id: str) -> bool:
        """Whether the server began the response of ``request_id`` (see ``PendingResponse``)."""
        pending = self._pending.get(request_id)
        return pending is not None and pending.started

    @property
    def pending_count(self) -> int:
        """How many requests await their response."""
        return len(self._pending)

    def connection_lost(self, exc: RealtimeError) -> None:
        """The socket is gone: fail every waiter with ``exc`` and move to CLOSED.

        A normal closure (1000) is final for the connection, but it does not answer the
        requests still waiting for their ``response.done``: those were dropped, as by any other
        lost connection, and fail with a retryable :class:`ConnectionClosedError`.
        """
        self._orphans.clear()
        if self.session_error is not None and isinstance(exc, ConnectionClosedError):
            # The close only follows the server's refusal, whose message says why.
            exc = self.session_error
        if isinstance(exc, ConnectionClosedError) and exc.code == 1000 and self._pending:
            dropped = ConnectionClosedError(
                f"{exc} before the response completed", code=exc.code, reason=exc.reason
            )
            dropped.retryable = True
            for pending in list(self._pending.values()):
                self._finish(pending, dropped)
        self._fail_all(exc)
        if self.state is not SessionState.CLOSED:
            self.transition(SessionState.CLOSED)

    def closing(self) -> None:
        """The client is closing: fail the waiters with a state error, move to CLOSING."""
        self._orphans.clear()
        self._fail_all(IncompleteResponseError("session closed before the response completed"))
        if self.state in (SessionState.CONNECTING, SessionState.OPEN):
            self.transition(SessionState.CLOSING)

    # --- receiving ---------------------------------------------------------------------------

    def feed(self, frame: str | bytes) -> None:
        """Process one received frame. A frame that breaks the protocol fails every waiter.

        The hot path is inlined here: a text delta for a response and output item already known
        is appended to its buffer straight from the parsed JSON, without building a typed event
        and dispatching it (a long stream is almost nothing else; four Python calls per delta
        were a fifth of the client's CPU). Everything else, including the first delta of each
        item and any delta that looks odd, takes the typed path below with full validation.
        """
        try:
            data = _loads(frame)
        except (ValueError, UnicodeDecodeError):
            data = _UNPARSED
        if type(data) is dict:
            kind = data.get("type")
            if kind in _TEXT_DELTAS:
                delta = data.get("delta")
                response_id = data.get("response_id")
                item_id = data.get("item_id")
                # Only str keys: anything else (a list would not even hash) is validated below.
                if type(delta) is str and type(response_id) is str and type(item_id) is str:
                    pending = self._by_response.get(response_id)
                    if pending is not None:
                        item = pending.items.get(item_id)
                        if item is not None:
                            item.parts.append(delta)
                            return
        try:
            event = decode_event(frame) if data is _UNPARSED else event_from_json(data)
        except RealtimeProtocolError as exc:
            logger.warning("%s", Escaped(exc), extra=self.log_extra())
            for pending in self._pending.values():
                if pending.response_id is not None:
                    self._orphans[pending.request_id] = pending.response_id
            self._fail_all(exc)
            return
        self._dispatch[type(event)](event)

    def handle(self, event: ServerEvent) -> None:
        """Process one already decoded event."""
        self._dispatch[type(event)](event)

    def _on_session_created(self, event: SessionCreatedEvent) -> None:
        super()._on_session_created(event)
        self._table.strict = event.session.type == "realtime"

    def _on_response_created(self, event: ResponseCreatedEvent) -> None:
        response_id = event.response.id
        tag = (event.response.metadata or {}).get(REQUEST_TAG)
        pending = self._pending.get(tag) if isinstance(tag, str) else None
        if pending is None and isinstance(tag, str):
            # Tagged, but its request is gone (abandoned before the id was known): ignore the
            # whole response rather than let another request adopt it.
            if response_id is not None:
                self._table.remember_finished(response_id)
            return
        if pending is None:
            pending = self._table.route(response_id, adopt=True)
        elif pending.response_id is None:
            self._table.bind(pending, response_id)
        if pending is not None:
            logger.debug(
                "response %s created", response_id, extra=self.log_extra(pending.request_id)
            )
            # The server took the request's items into the conversation and started on them.
            self._record_items(pending)

    def _on_response_done(self, event: ResponseDoneEvent) -> None:
        info = event.response
        # Counted before routing: an abandoned (timed out, cancelled) response is billed too.
        if info.usage is not None:
            self.usage += usage_of(info)
        pending = self._table.route(info.id)
        if pending is None:
            return
        if info.status == "failed":
            error = failure_error(pending, info)
            if isinstance(error, RateLimitError):
                wait = error.retry_after
                if wait is None:
                    wait = self.rate_limits.seconds_until_reset()
                    error.retry_after = wait
                if wait is not None:
                    self.rate_limits.note_retry_after(wait)
            self._finish(pending, error)
            return
        merge_output(pending, info)
        self._finish(pending, build_result(pending, info))

    def _on_seed_final(self, event: SeedFinalEvent) -> None:
        pending = self._table.route(event.response_id, adopt=True)
        if pending is None:
            return
        text = event.text
        if text is None and event.response is not None:
            value = event.response.get("text")
            text = value if isinstance(value, str) else None
        if text:
            item = pending.item("__final__", 1 << 30, False)
            for other in pending.items.values():
                if not other.is_call and other is not item:
                    other.parts.clear()
                    other.finals.clear()
            item.finals[0] = text
        self._finish(pending, build_result(pending, ResponseInfo(status="completed")))

    def _on_seed_error(self, event: SeedResponseErrorEvent) -> None:
        pending = self._table.route(event.response_id, adopt=True)
        if pending is not None:
            self._finish(pending, error_from_detail(event.error, event.message or "response error"))

    def _on_error(self, event: ErrorEvent) -> None:
        detail = event.error
        error = error_from_detail(detail, "server error")
        extra = self.log_extra()
        extra.update(
            error_type=escape(detail.type),
            error_code=escape(detail.code),
            event_id=escape(detail.event_id),
        )
        pending = owner_of(detail, self._table, ready=self._phase == "ready")
        if detail.code == "session_expired":
            self._expire(error, extra)
        elif pending is not None:
            extra["request_id"] = pending.request_id
            logger.info("server error for request: %s", Escaped(error), extra=extra)
            if pending.response_id is not None:
                # The server may still be running the response it created for this request:
                # abandon() then sends a response.cancel so that it stops spending tokens.
                self._orphans[pending.request_id] = pending.response_id
            self._finish(pending, error)
        elif self._replay is not None and detail.event_id in self._replay.event_ids:
            self._reject_replay(error, detail, extra)
        elif self._phase != "ready" or detail.code in FATAL_CODES:
            self._refuse(error, detail, extra)
        elif detail.code == "response_cancel_not_active":
            logger.debug("server error: %s", Escaped(error), extra=extra)
        else:
            logger.warning("server error: %s", Escaped(error), extra=extra)

    def _on_rate_limits(self, event: RateLimitsUpdatedEvent) -> None:
        self.rate_limits.update_from_entries(event.rate_limits)

    def _on_seed_rate_limit(self, event: SeedRateLimitEvent) -> None:
        self.rate_limits.update_from_seed(
            event.remaining_requests, event.reset_at, event.retry_after
        )

    def _on_backoff(self, event: BackoffEvent) -> None:
        self.rate_limits.note_backoff(event.wait_ms)

    def _on_unknown(self, event: UnknownEvent) -> None:
        if self._on_replay_ack(event):
            return
        if event.type in _QUIET or event.type in self._unknown_seen:
            return
        # Log each unknown type once per connection; GA keeps adding events.
        self._unknown_seen.add(event.type)
        logger.debug("skipping unknown event type %r", event.type, extra=self.log_extra())

    # --- completion --------------------------------------------------------------------------

    def _record_items(self, pending: PendingResponse) -> None:
        """Put an in-band request's items into the history, once."""
        conversation = pending.conversation
        if conversation is not None and not conversation.recorded:
            conversation.recorded = self.history.record(conversation.items)

    def _finish(self, pending: PendingResponse, outcome: ResponseResult | BaseException) -> None:
        self._table.forget(pending)
        if pending.conversation is not None and isinstance(outcome, ResponseResult):
            # The response ended in the conversation: its items (if no response.created came)
            # and, when it completed, the assistant's output are now part of it.
            self._record_items(pending)
            if outcome.status == "completed":
                self.history.record(output_items(pending))
        if pending.waiter.done():
            return
        if isinstance(outcome, BaseException):
            pending.waiter.set_exception(outcome)
        else:
            pending.waiter.set_result(outcome)

    def _fail_all(self, exc: BaseException) -> None:
        super()._fail_all(exc)
        for pending in list(self._pending.values()):
            self._finish(pending, exc)
