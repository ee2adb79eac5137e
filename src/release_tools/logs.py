"""Logging setup: human lines or JSON lines, with secret redaction on every record.

Library modules only call ``logging.getLogger(__name__)`` and pass context with
``extra={...}``; this module decides how records look. Redaction runs in a filter attached to
the handler, so it covers every logger, every level and the formatted traceback too.
Tracebacks are printed only at the debug level; above it a record logged with ``exc_info``
ends with the exception's one-line summary instead.

Messages and context fields carry text from elsewhere: a server's error message, an HTTP body,
a commit subject. A CI runner reads its log line by line and acts on some lines (GitHub Actions
runs a line that starts with ``::`` as a workflow command, ``::error::`` or ``::add-mask::``;
GitHub's legacy ``##[command]`` and Azure Pipelines' ``##vso[`` are read anywhere in a line).
So no record's text can start a line: in the text format each record is one line, its line
breaks and other control characters written as escapes (:func:`one_line`), and a debug
traceback follows on lines that each start with ``  | `` (:func:`traceback_lines`). In the
JSON format ``json.dumps`` escapes line breaks already; the few characters it leaves raw that
a reader may still take for a line break or a terminal control are escaped too.

The secret registry, :func:`redact` and :class:`RedactionFilter` are the realtime client's
(:mod:`release_tools.realtime.credentials`), re-exported here: one registry serves the
application's handlers and the client's own loggers, so a key registered by either side is
hidden everywhere.
"""

from __future__ import annotations

import json
import logging
import re
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
    "TRACEBACK_PREFIX",
    "JsonFormatter",
    "RedactionFilter",
    "is_secret_value",
    "one_line",
    "redact",
    "register_secret",
    "setup_logging",
    "traceback_lines",
]

# Control characters (C0 with line feed, carriage return and tab, DEL, C1 with NEL), the Unicode
# line and paragraph separators, and the bidirectional overrides and isolates that make a line
# display in another order than it reads.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Workflow commands a runner reads anywhere in a line: GitHub's legacy ``##[command]`` and
# Azure Pipelines' ``##vso[command]``. Escaping the bracket keeps them readable and inert.
_COMMAND_ANYWHERE = re.compile(r"##(?:vso)?\[")
#: What starts each line of a traceback in the text format: never blank (a runner trims leading
#: blanks before it looks for ``::``) and never the start of a workflow command.
TRACEBACK_PREFIX = "  | "


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    escaped = _ESCAPES.get(char)
    if escaped is not None:
        return escaped
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` made safe to print as (part of) one line of a log or an error message.

    Line breaks, tabs and the other control characters become escapes (``\\n``, ``\\r``,
    ``\\t``, ``\\x1b``, ``\\u2028``), so the text cannot end the line, start another one
    (``::error::...``) or drive the terminal; the ``[`` of ``##[`` and ``##vso[`` becomes
    ``\\x5b``. Backslashes are left as they are (paths stay readable).
    """
    text = _UNSAFE.sub(_escape, text)
    return _COMMAND_ANYWHERE.sub(lambda m: m.group()[:-1] + "\\x5b", text)


def traceback_lines(text: str) -> str:
    """A (redacted) traceback for the text format: each of its lines :func:`one_line`-escaped
    and starting with :data:`TRACEBACK_PREFIX`, joined by newlines (no trailing one)."""
    return "\n".join(TRACEBACK_PREFIX + one_line(line) for line in text.splitlines())


def _json_safe(text: str) -> str:
    """Serialized JSON with the characters ``json.dumps(ensure_ascii=False)`` leaves raw but a
    reader may split lines on or a terminal may act on (DEL, C1, NEL, U+2028/U+2029, the
    bidirectional controls) written as ``\\uXXXX``, and the ``[`` of ``##[`` as ``\\u005b``.
    They can only stand inside strings, where the escapes mean the same characters."""
    text = _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _COMMAND_ANYWHERE.sub(lambda m: m.group()[:-1] + "\\u005b", text)


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
        summary = _summary(record)
        kind, sep, text = summary.partition(": ")
        if sep and text and text in record.getMessage():
            # The message already quotes the exception ("...: bad version"): its type alone.
            return kind
        return summary


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
        return _json_safe(json.dumps(payload, default=str, ensure_ascii=False))


class HumanFormatter(_Formatter):
    """``level logger: message key=value ...``, terse enough for a terminal or a CI log.

    One line per record whatever its text holds (see :func:`one_line`); at the debug level a
    traceback follows on lines of its own, each starting with :data:`TRACEBACK_PREFIX`.
    """

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{one_line(k)}={one_line(str(v))}" for k, v in _extras(record).items())
        line = f"{record.levelname.lower():<7} {record.name}: {one_line(record.getMessage())}"
        if context:
            line = f"{line} [{context}]"
        exception = self._exception(record)
        if exception and self.tracebacks:
            line = f"{line}\n{traceback_lines(exception)}"
        elif exception:
            line = f"{line} ({one_line(exception)})"
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
