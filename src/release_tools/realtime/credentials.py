"""Keeping credentials of the realtime client out of logs, reprs and error text.

One registry of secret values (:func:`register_secret`) and one :func:`redact`, which replaces
the registered values and well-known credential shapes (bearer tokens, OpenAI-style keys,
``api-key`` pairs) with ``[REDACTED]``. :class:`RedactionFilter` applies it to a whole log
record. An application may attach that filter to its own handlers and register its own secrets
here, so that one registry serves both.

Realtime code also runs where nobody configured logging (a test with ``caplog`` at DEBUG, an
application's ``basicConfig``), and ``websockets`` dumps every handshake header at DEBUG. So the
realtime loggers redact their own records, before any handler sees them, and the header dumps
lose the values of credential headers whatever their shape (a ``Basic`` token from URL user
info, a custom ``X-Foo-Token``).

No ``websockets`` import here: the filters only look at the record's format string and args.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "REDACTED",
    "STANDARD_RECORD_ATTRS",
    "HeaderRedactionFilter",
    "RedactionFilter",
    "is_secret_header",
    "mask_headers",
    "redact",
    "redact_url",
    "redacting_logger",
    "register_secret",
    "register_url_secrets",
]

REDACTED = "[REDACTED]"

# Credentials that may show up in messages even when nobody registered them: bearer tokens,
# OpenAI-style keys, Azure api-key headers, and key=value pairs naming a secret.
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\b(sk-(?:proj-|svcacct-|admin-)?)[A-Za-z0-9_-]{16,}"),
    re.compile(
        r"(?i)((?:api[-_]?key|authorization|x-api-key)[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]{6,}"
    ),
    re.compile(r"\b(ek_)[A-Za-z0-9_-]{16,}"),
    re.compile(r"\b(gh[pousr]_)[A-Za-z0-9]{20,}"),
)

_lock = threading.Lock()
_secrets: set[str] = set()

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
STANDARD_RECORD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


def register_secret(value: str | None) -> None:
    """Make ``value`` (an API key, a token) be replaced by ``[REDACTED]`` in all output."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with registered secrets and known credential shapes removed."""
    if not text:
        return text
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


# Context fields (or header names) whose value is a credential whatever it looks like.
_SECRET_KEY = re.compile(r"(?i)(api[-_]?key|authorization|token|secret|password|passwd)")


def _redact_value(value: Any, key: str = "") -> Any:
    if key and _SECRET_KEY.search(key) and isinstance(value, str | bytes) and value:
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


class RedactionFilter(logging.Filter):
    """Rewrite each record so that no secret survives in its message, args, extras or traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not kill logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in STANDARD_RECORD_ATTRS:
                setattr(record, key, _redact_value(value, key))
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# Header (and query parameter) names whose values are credentials (Azure's api-key, tokens, ...).
_SECRET_HINTS = ("auth", "key", "token", "secret", "password", "cookie", "signature")

# Browsers cannot set headers on a WebSocket upgrade, so they put the key in a subprotocol:
# "openai-insecure-api-key.<key>" inside Sec-WebSocket-Protocol.
_KEY_SUBPROTOCOL = "openai-insecure-api-key."


def is_secret_header(name: str) -> bool:
    """Whether a header's (or query parameter's) value must be treated as a credential."""
    lowered = name.lower()
    return any(hint in lowered for hint in _SECRET_HINTS)


def _mask_value(name: str, value: str) -> str:
    if is_secret_header(name):
        return REDACTED
    if name.lower() == "sec-websocket-protocol" and _KEY_SUBPROTOCOL in value:
        return ", ".join(
            _KEY_SUBPROTOCOL + REDACTED if part.strip().startswith(_KEY_SUBPROTOCOL) else part
            for part in value.split(",")
        )
    return redact(value)


def mask_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` with every credential value replaced by ``[REDACTED]`` (for display)."""
    return [(name, _mask_value(name, value)) for name, value in headers]


def redact_url(url: str) -> str:
    """``url`` without user info password and with credential query values redacted."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return redact(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{host}" if ":" in userinfo else f"{REDACTED}@{host}"
    masked = [(k, REDACTED if is_secret_header(k) else redact(v)) for k, v in query]
    # The brackets of [REDACTED] stay readable rather than percent-encoded.
    rebuilt = urlencode(masked, safe="[]") if masked != query else parts.query
    # Redacted part by part: a credential pattern run over the whole URL would swallow the
    # query parameters that follow a key.
    path = redact(parts.path)
    return urlunsplit(parts._replace(netloc=redact(netloc), path=path, query=rebuilt))


def register_url_secrets(url: str) -> None:
    """Register the password of ``url``'s user info and its credential query values."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return
    register_secret(parts.password)
    for name, value in query:
        if is_secret_header(name):
            register_secret(value)


class HeaderRedactionFilter(logging.Filter):
    """Blank credential values in ``websockets``' handshake dumps before anything formats them.

    ``websockets`` logs each header as ``("> %s: %s", name, value)`` (``<`` for received ones)
    and the request line as ``("> GET %s HTTP/1.1", path)``; the path carries the query string.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if type(args) is tuple and isinstance(record.msg, str):
            if len(args) == 2 and record.msg.endswith("%s: %s"):
                name, value = args
                if isinstance(name, str) and isinstance(value, str):
                    record.args = (name, _mask_value(name, value))
            elif len(args) == 1 and " GET %s" in record.msg and isinstance(args[0], str):
                record.args = (redact_url(args[0]),)
        return True


_header_filter = HeaderRedactionFilter()
_redaction_filter = RedactionFilter()


def redacting_logger(name: str) -> logging.Logger:
    """The logger ``name`` with both filters attached (once), so its records leave it clean.

    A logger's filters see only records logged on that very logger, so each realtime module asks
    for its own. They run only for records that pass the level check: no cost when quiet.
    """
    logger = logging.getLogger(name)
    if _header_filter not in logger.filters:
        logger.addFilter(_header_filter)
    if _redaction_filter not in logger.filters:
        logger.addFilter(_redaction_filter)
    return logger
