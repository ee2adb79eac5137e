"""Text from other people (commit messages, plan bodies, manifest names) made safe to show.

A commit message can carry terminal control sequences: ESC starts colour changes, cursor moves,
screen clears and OSC sequences that set the window title or write hyperlinks; a bare carriage
return overwrites the line already printed. Printed raw or written into CHANGELOG.md, they
disguise or hide what is really there. :func:`clean_text` keeps every printable character,
newline and tab, and drops the other C0 and C1 control characters and DEL. What remains of an
escape sequence (``[31m``) is harmless visible text.

JSON output needs nothing of this: ``json.dumps`` already escapes control characters.

This module imports nothing from the application, so any layer may use it.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "one_line"]

# C0 controls except tab (0x09) and newline (0x0a), DEL, and the C1 range (0x80-0x9f, which
# some terminals read as 8-bit escape sequences: 0x9b is CSI).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """``text`` without control characters other than newline and tab."""
    return _CONTROL.sub("", text)


# Every control character, newline and tab included.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """``text`` for a cell of a table or a field of a one-line message: newlines, tabs and
    the other control characters shown as escapes (``\\n``, ``\\x1b``), so that a name read
    from a manifest cannot start a line of its own."""
    return _ANY_CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
