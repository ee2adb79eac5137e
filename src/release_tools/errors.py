"""The whole exception tree of release-tools.

Every error the package raises on purpose derives from :class:`ReleaseToolsError`. Library
errors (``subprocess``, ``websockets``, ``pydantic``, ``tomlkit``) are translated at the module
boundary with ``raise ... from exc``. The CLI maps the tree to exit codes: :class:`UsageError`
and its children exit 2, everything else exits 1::

    ReleaseToolsError                      exit 1
    ├── UsageError                         exit 2: bad flag values, unknown project or type
    │   └── ConfigError                    broken or invalid configuration file / variable
    ├── GitError                           a git command failed
    │   ├── NotAGitRepositoryError
    │   ├── UnknownRefError
    │   └── ShallowCloneError              the base is not in a shallow clone's history
    ├── AnalysisError                      analysis could not reach a decision
    │   └── ProviderError                  a model provider failed (fallback may apply)
    ├── VersionError                       unparsable version or manifest
    ├── PlanError                          invalid version-plan file
    ├── ReleaseError                       the release could not be carried out
    └── RealtimeError                      the realtime WebSocket client
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
        │       └── HandshakeRateLimitError  HTTP 429 on the upgrade (status, headers, body)
        └── RetryExhaustedError            every attempt failed; ``last`` holds the last error
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: this module must not import the realtime package
    from release_tools.realtime.aggregate import ResponseResult

__all__ = [
    "AnalysisError",
    "AuthenticationError",
    "ConfigError",
    "ConnectionClosedError",
    "GitError",
    "HandshakeError",
    "HandshakeRateLimitError",
    "IncompleteResponseError",
    "InsecureTransportError",
    "NotAGitRepositoryError",
    "PlanError",
    "ProviderError",
    "RateLimitError",
    "RealtimeConnectionError",
    "RealtimeError",
    "RealtimeProtocolError",
    "RealtimeStateError",
    "RealtimeTimeoutError",
    "ReleaseError",
    "ReleaseToolsError",
    "RetryExhaustedError",
    "ServerError",
    "ShallowCloneError",
    "UnknownRefError",
    "UsageError",
    "VersionError",
]


class ReleaseToolsError(Exception):
    """Root of every error raised on purpose by release-tools."""

    exit_code: int = 1


class UsageError(ReleaseToolsError):
    """The user asked for something invalid (flag value, unknown project, bad type)."""

    exit_code = 2


class ConfigError(UsageError):
    """A configuration file or environment variable is broken or holds an invalid value."""


class GitError(ReleaseToolsError):
    """A git command failed."""


class NotAGitRepositoryError(GitError):
    """The working directory is not inside a git repository."""


class UnknownRefError(GitError):
    """A ref (tag, branch, SHA) does not resolve to a commit."""


class ShallowCloneError(GitError):
    """The repository is a shallow clone that lacks the history the range needs."""


class AnalysisError(ReleaseToolsError):
    """The analysis could not reach a decision."""


class ProviderError(AnalysisError):
    """A model provider failed; the local decision may stand in for it."""


class VersionError(ReleaseToolsError):
    """A version string or a manifest could not be read or bumped."""


class PlanError(ReleaseToolsError):
    """A version-plan file is invalid."""


class ReleaseError(ReleaseToolsError):
    """The release could not be carried out."""


# --- realtime client -------------------------------------------------------------------------


class RealtimeError(ReleaseToolsError):
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
        result: ResponseResult | None = None,
    ) -> None:
        super().__init__(message)
        self.type = type
        self.code = code
        self.param = param
        self.event_id = event_id
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
        result: ResponseResult | None = None,
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
