"""Logging setup: human lines or JSON lines, with secret redaction on every record.

Library modules only call ``logging.getLogger(__name__)`` and pass context with
``extra={...}``; this module decides how records look. Redaction runs in a filter attached to
the handler, so it covers every logger, every level and the formatted traceback too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

__all__ = [
    "REDACTED",
    "JsonFormatter",
    "RedactionFilter",
    "redact",
    "register_secret",
    "setup_logging",
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

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(
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
            if key not in _STANDARD_ATTRS:
                setattr(record, key, _redact_value(value, key))
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the context fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update(_extras(record))
        if record.exc_text:
            payload["exception"] = record.exc_text
        return json.dumps(payload, default=str, ensure_ascii=False)


class HumanFormatter(logging.Formatter):
    """``level logger: message key=value ...``, terse enough for a terminal or a CI log."""

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{record.levelname.lower():<7} {record.name}: {record.getMessage()}"
        if context:
            line = f"{line} [{context}]"
        if record.exc_text:
            line = f"{line}\n{record.exc_text}"
        return line


def setup_logging(
    level: str = "warning",
    fmt: str = "text",
    stream: TextIO | None = None,
    secrets: Iterable[str | None] = (),
) -> logging.Handler:
    """Configure the ``release_tools`` logger tree; return the handler (tests remove it)."""
    for secret in secrets:
        register_secret(secret)
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        from release_tools.errors import UsageError

        raise UsageError(f"unknown log level {level!r} (use debug, info, warning or error)")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactionFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else HumanFormatter())
    root = logging.getLogger("release_tools")
    for old in list(root.handlers):
        if getattr(old, "_release_tools", False):
            root.removeHandler(old)
    handler._release_tools = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(numeric)
    root.propagate = False
    return handler
