"""The exception tree of the realtime client.

Every error the client raises on purpose derives from :class:`RealtimeError`. Exceptions of
``websockets``, sockets, TLS and JSON decoding are translated at the module that meets them with
``raise ... from exc``. Each error says whether the retry policy may try again
(:attr:`RealtimeError.retryable`); timeouts are also :class:`TimeoutError`::

    RealtimeError
    ├── RealtimeConnectionError        refused, DNS, TLS, handshake status, drop
    │   ├── HandshakeError             HTTP status on the upgrade (status, headers, body)
    │   │   └── AuthenticationError    401 / 403
    │   ├── ConnectionClosedError      the socket closed (code, reason)
    │   └── InsecureTransportError     a key over plain ws:// to a non-loopback host
    ├── RealtimeProtocolError          bad JSON, schema violation, unexpected event
    ├── RealtimeStateError             invalid transition, missing session
    │   └── IncompleteResponseError    a response ended without a usable result
    ├── RealtimeTimeoutError           also a TimeoutError; names the phase
    ├── ServerError                    an ``error`` event or a failed ``response.done``
    │   └── RateLimitError             rate_limit_exceeded (retry_after)
    │       └── HandshakeRateLimitError  HTTP 429 on the upgrade; also a HandshakeError
    └── RetryExhaustedError            every attempt failed; ``last`` holds the last error

Applications wrap these in their own errors at their boundary; nothing here knows about them.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationError",
    "ConnectionClosedError",
    "HandshakeError",
    "HandshakeRateLimitError",
    "IncompleteResponseError",
    "InsecureTransportError",
    "RateLimitError",
    "RealtimeConnectionError",
    "RealtimeError",
    "RealtimeProtocolError",
    "RealtimeStateError",
    "RealtimeTimeoutError",
    "RetryExhaustedError",
    "ServerError",
]


class RealtimeError(Exception):
    """Base of the realtime WebSocket client's errors."""

    #: Whether the retry policy may try the failed operation again.
    retryable: bool = False


class RealtimeConnectionError(RealtimeError):
    """The connection could not be opened or was lost."""

    retryable = True


class HandshakeError(RealtimeConnectionError):
    """The server answered the WebSocket upgrade with an HTTP error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        headers: dict[str, str] | None = None,
        body: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})
        self.body = body
        # 429 and 5xx are transient; 4xx otherwise means the request itself is wrong.
        self.retryable = status == 429 or status >= 500


class AuthenticationError(HandshakeError):
    """The server refused the credentials (HTTP 401 or 403)."""


class ConnectionClosedError(RealtimeConnectionError):
    """The WebSocket closed; ``code`` and ``reason`` are the close frame's."""

    #: Close codes after which reconnecting makes sense (going away, abnormal, server errors).
    RETRYABLE_CODES = frozenset({1001, 1005, 1006, 1011, 1012, 1013, 1014})

    def __init__(self, message: str, *, code: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.retryable = code is None or code in self.RETRYABLE_CODES


class InsecureTransportError(RealtimeConnectionError):
    """Refused to send credentials over an unencrypted connection to a non-loopback host."""

    retryable = False


class RealtimeProtocolError(RealtimeError):
    """The server sent something the protocol does not allow (bad JSON, schema violation)."""

    retryable = True


class RealtimeStateError(RealtimeError):
    """The session was used in a state that does not allow the operation."""


class IncompleteResponseError(RealtimeStateError):
    """A response ended (cancelled, incomplete, dropped) without a usable result."""

    def __init__(self, message: str, *, status: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class RealtimeTimeoutError(RealtimeError, TimeoutError):
    """A phase (connect, session, response, idle, close) took longer than its timeout."""

    retryable = True

    def __init__(self, message: str, *, phase: str, timeout: float | None = None) -> None:
        super().__init__(message)
        self.phase = phase
        self.timeout = timeout


class ServerError(RealtimeError):
    """The server reported an error (``error`` event or a failed response).

    ``result`` is set when the error comes from a ``response.done`` with ``status: "failed"``:
    the whole :class:`~release_tools.realtime.ResponseResult` (``status="failed"``, response
    id, token usage, ``status_details``); it is ``None`` for ``error`` events and handshakes.
    """

    #: Error types and codes that are worth another attempt.
    RETRYABLE_TYPES = frozenset({"server_error", "tokens", "requests"})
    RETRYABLE_CODES = frozenset(
        {"server_error", "rate_limit_exceeded", "conversation_already_has_active_response"}
    )

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        event_id: str | None = None,
        result: Any = None,
    ) -> None:
        super().__init__(message)
        self.type = type
        self.code = code
        self.param = param
        self.event_id = event_id
        # A ResponseResult, typed Any: aggregate defines it and imports this module, and this
        # module imports nothing so that every layer of the client can raise without a cycle.
        self.result = result
        self.retryable = (code in self.RETRYABLE_CODES) or (
            code is None and type in self.RETRYABLE_TYPES
        )


class RateLimitError(ServerError):
    """The server asked us to slow down; ``retry_after`` is its wait in seconds, if known."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        type: str | None = "rate_limit",
        code: str | None = "rate_limit_exceeded",
        result: Any = None,
    ) -> None:
        super().__init__(message, type=type, code=code, result=result)
        self.retry_after = retry_after
        # insufficient_quota is billing: waiting does not help.
        self.retryable = code != "insufficient_quota"


class HandshakeRateLimitError(HandshakeError, RateLimitError):
    """HTTP 429 on the WebSocket upgrade: both a handshake error and a rate limit.

    Callers catching :class:`HandshakeError` see the HTTP ``status``, ``headers`` and ``body``;
    callers catching :class:`RateLimitError` see ``retry_after`` (from ``retry-after-ms`` /
    ``retry-after``), ``type`` and ``code``. ``isinstance(error, HandshakeError)`` tells it from
    an in-band rate limit (a failed ``response.done``). Retryable unless the code is
    ``insufficient_quota`` (billing).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int = 429,
        headers: dict[str, str] | None = None,
        body: str = "",
        retry_after: float | None = None,
        type: str | None = "rate_limit",
        code: str | None = "rate_limit_exceeded",
    ) -> None:
        # Two parents with different constructors: initialise each one's fields explicitly.
        RateLimitError.__init__(self, message, retry_after=retry_after, type=type, code=code)
        self.status = status
        self.headers = dict(headers or {})
        self.body = body


class RetryExhaustedError(RealtimeError):
    """Every allowed attempt failed; ``last`` is the final attempt's error."""

    def __init__(self, message: str, *, attempts: int, last: BaseException) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last = last
