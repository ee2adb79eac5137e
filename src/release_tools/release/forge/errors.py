"""The errors of forge releases, typed by what went wrong so callers never read messages."""

from __future__ import annotations

import enum

from release_tools.errors import ReleaseError

__all__ = ["ForgeError", "ForgeErrorKind"]


class ForgeErrorKind(enum.Enum):
    """What a failed forge request ran into."""

    UNAUTHORIZED = "unauthorized"  # 401: the token is wrong, expired or revoked
    NOT_FOUND = "not found"  # 404: no such repository, or the token cannot see it
    REFUSED = "refused"  # any other 4xx: the server's message says why
    SERVER = "server error"  # 5xx still failing after the retries
    RATE_LIMITED = "rate limited"  # a rate limit that outlasts the wait allowed
    NETWORK = "network"  # no answer at all: DNS, connection, timeout
    ASSET = "asset"  # a release asset could not be read


class ForgeError(ReleaseError):
    """A forge request failed for good (after any retries); the message is one line."""

    def __init__(self, message: str, kind: ForgeErrorKind, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
