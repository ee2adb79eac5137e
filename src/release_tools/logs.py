"""Logging setup: human lines or JSON lines, with secret redaction on every record.

Library modules only call ``logging.getLogger(__name__)`` and pass context with
``extra={...}``; this module decides how records look. Redaction runs in a filter attached to
the handler, so it covers every logger, every level and the formatted traceback too.

The secret registry, :func:`redact` and :class:`RedactionFilter` are the realtime client's
(:mod:`release_tools.realtime.credentials`), re-exported here: one registry serves the
application's handlers and the client's own loggers, so a key registered by either side is
hidden everywhere.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from release_tools.realtime.credentials import (
    REDACTED,
    STANDARD_RECORD_ATTRS,
    RedactionFilter,
    redact,
    register_secret,
)

__all__ = [
    "REDACTED",
    "JsonFormatter",
    "RedactionFilter",
    "redact",
    "register_secret",
    "setup_logging",
]


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in STANDARD_RECORD_ATTRS}


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
