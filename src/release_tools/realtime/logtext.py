"""Server text in the client's own log records: one line, no terminal controls.

The client logs text a server chose: error messages, close reasons, error codes. Used as a
library, its records go to the application's handlers, whose formatters may print a message as
it is; a line break in a server's message would then start a line of the log that the server
wrote (a CI runner acts on lines that start with ``::``), and an escape sequence would drive the
terminal. So where the client puts server text into a record, it writes line breaks and the
other control characters as escapes itself (``\\n``, ``\\x1b``, ``\\u2028``), whatever handler
gets the record. Backslashes are left as they are.
"""

from __future__ import annotations

import re
from typing import overload

__all__ = ["Escaped", "escape"]

# C0 controls (line feed, carriage return and tab included), DEL, C1 controls (NEL included),
# the Unicode line and paragraph separators, and the bidirectional overrides and isolates that
# make a line display in another order than it reads.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


@overload
def escape(text: str) -> str: ...
@overload
def escape(text: None) -> None: ...
def escape(text: str | None) -> str | None:
    """``text`` with its line breaks and control characters written as escapes (None stays)."""
    return None if text is None else _UNSAFE.sub(_escape, text)


class Escaped:
    """A log argument whose ``str()`` is :func:`escape` of the value's: computed only when the
    record is formatted (not at all for a level that is off)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return _UNSAFE.sub(_escape, str(self.value))

    def __repr__(self) -> str:
        return f"Escaped({self.value!r})"
