"""Logging setup: human lines or JSON lines, with secret redaction on every record.

Library modules only call ``logging.getLogger(__name__)`` and pass context with
``extra={...}``; this module decides how records look. Redaction runs in a filter attached to
the handler, so it covers every logger, every level and the formatted traceback too.
Tracebacks are printed only at the debug level; above it a record logged with ``exc_info``
ends with the exception's one-line summary instead.

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
    is_secret_value,
    redact,
    register_secret,
)

__all__ = [
    "REDACTED",
    "JsonFormatter",
    "RedactionFilter",
    "is_secret_value",
    "redact",
    "register_secret",
    "setup_logging",
]


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in STANDARD_RECORD_ATTRS}


def _summary(record: logging.LogRecord) -> str:
    """``Type: first line of the message`` of the record's (already redacted) traceback: the
    first unindented line after its last frame."""
    lines = (record.exc_text or "").splitlines()
    frames = [i for i, line in enumerate(lines) if line.startswith("  File ")]
    start = frames[-1] + 1 if frames else 0
    for line in lines[start:]:
        if line.strip() and not line.startswith(" "):
            return line.strip()
    return ""


class _Formatter(logging.Formatter):
    def __init__(self, tracebacks: bool = True) -> None:
        super().__init__()
        #: False: a record's traceback is replaced by its exception's one-line summary.
        self.tracebacks = tracebacks

    def _exception(self, record: logging.LogRecord) -> str:
        if self.tracebacks:
            return record.exc_text or ""
        return _summary(record)


class JsonFormatter(_Formatter):
    """One JSON object per line: time, level, logger, message, then the context fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update(_extras(record))
        exception = self._exception(record)
        if exception:
            payload["exception"] = exception
        return json.dumps(payload, default=str, ensure_ascii=False)


class HumanFormatter(_Formatter):
    """``level logger: message key=value ...``, terse enough for a terminal or a CI log."""

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{k}={v}" for k, v in _extras(record).items())
        line = f"{record.levelname.lower():<7} {record.name}: {record.getMessage()}"
        if context:
            line = f"{line} [{context}]"
        exception = self._exception(record)
        if exception and self.tracebacks:
            line = f"{line}\n{exception}"
        elif exception:
            line = f"{line} ({exception})"
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
    tracebacks = numeric <= logging.DEBUG
    handler.setFormatter(JsonFormatter(tracebacks) if fmt == "json" else HumanFormatter(tracebacks))
    root = logging.getLogger("release_tools")
    for old in list(root.handlers):
        if getattr(old, "_release_tools", False):
            root.removeHandler(old)
    handler._release_tools = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(numeric)
    root.propagate = False
    return handler
