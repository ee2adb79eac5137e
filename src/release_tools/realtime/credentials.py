"""Keeping credentials of the realtime client out of logs, reprs and error text.

:mod:`release_tools.logs` redacts registered secrets and well-known credential shapes, but only
in handlers that carry its filter. Realtime code also runs where nobody called
``setup_logging`` (a test with ``caplog`` at DEBUG, an application's ``basicConfig``), and
``websockets`` dumps every handshake header at DEBUG. So the realtime loggers redact their own
records, before any handler sees them, and the header dumps lose the values of credential headers
whatever their shape (a ``Basic`` token from URL user info, a custom ``X-Foo-Token``).

No ``websockets`` import here: the filters only look at the record's format string and args.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from release_tools.logs import REDACTED, RedactionFilter, redact, register_secret

__all__ = [
    "HeaderRedactionFilter",
    "is_secret_header",
    "mask_headers",
    "redact_url",
    "redacting_logger",
    "register_url_secrets",
]

# Header (and query parameter) names whose values are credentials (Azure's api-key, tokens, ...).
_SECRET_HINTS = ("auth", "key", "token", "secret", "password", "cookie", "signature")

# Browsers cannot set headers, so they put the key in a subprotocol (protocol notes, section 1):
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
