"""Whether an offset of a source text lies in a comment (or a Python docstring); pure.

Readers that match declarations with regular expressions (command-line options, sub-commands)
must not take an example in a comment for code: ``// program.command('watch')`` in a doc
comment declares nothing. Matches are few and files are big, so each match is tested where it
is: a line comment marker earlier on its line (``#`` in Python, ``//`` elsewhere), an unclosed
``/* ... */`` that opens its line before it, or, in Python, a triple-quoted string around it
(a docstring; no option is declared in one), whose spans are found once per file, the first
time an offset of it is asked about. A marker inside a string literal earlier on the line
(``"http://..."``, ``'#'``) opens no comment: when the line holds one, its strings are skipped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

__all__ = ["comment_test"]

_PYTHON = (".py", ".pyi")
_C_LIKE = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".rs", ".go")


#: String literals on one line, per language. Rust's single quote also starts lifetimes
#: (``'a``), so only its double-quoted strings are known; backquotes quote in JS and Go.
_LINE_STRINGS = {
    "python": re.compile(r"'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\""),
    "c": re.compile(r"'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`[^`\n]*`"),
    "rust": re.compile(r"\"(?:\\.|[^\"\\\n])*\""),
}


def comment_test(path: str, code: str) -> Callable[[int], bool] | None:
    """A test of offsets of ``code`` (the file at ``path``): True inside a comment. None for a
    language this module does not know."""
    if path.endswith(_PYTHON):
        triples = _Triples(code)
        strings = _LINE_STRINGS["python"]
        return lambda offset: _line_marker(code, offset, "#", strings) or triples.inside(offset)
    if path.endswith(_C_LIKE):
        strings = _LINE_STRINGS["rust" if path.endswith(".rs") else "c"]
        return lambda offset: _line_marker(code, offset, "//", strings) or _in_block(code, offset)
    return None


#: Python string literals, triple-quoted first, and comments (whose quotes open nothing).
_PYTHON_TOKENS = re.compile(
    r"(?P<triple>\'\'\'[\s\S]*?\'\'\'|\"\"\"[\s\S]*?\"\"\")"
    r"|#[^\n]*|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\""
)


class _Triples:
    """The spans of a Python text's triple-quoted strings, found on the first question (most
    files are never asked)."""

    def __init__(self, code: str) -> None:
        self._code = code
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def inside(self, offset: int) -> bool:
        if self._starts is None:
            spans = [m.span() for m in _PYTHON_TOKENS.finditer(self._code) if m["triple"]]
            self._starts = [start for start, _end in spans]
            self._ends = [end for _start, end in spans]
        index = bisect.bisect_right(self._starts, offset) - 1
        return index >= 0 and offset < self._ends[index]


def _line_marker(code: str, offset: int, marker: str, strings: re.Pattern[str]) -> bool:
    """Whether ``marker`` opens a line comment before ``offset`` on its line, outside strings."""
    start = code.rfind("\n", 0, offset) + 1
    if code.find(marker, start, offset) == -1:
        return False
    prefix = code[start:offset]
    position = 0
    for match in strings.finditer(prefix):
        if prefix.find(marker, position, match.start()) != -1:
            return True
        position = match.end()
    # A string still open at the offset (the match itself starts one) hides nothing after it.
    return prefix.find(marker, position) != -1


def _in_block(code: str, offset: int) -> bool:
    """Whether a ``/*`` that opens its line (doc comments do; ``"src/**/*.js"`` in a string
    does not) is still open at ``offset``."""
    opener = code.rfind("/*", 0, offset)
    while opener != -1 and code[code.rfind("\n", 0, opener) + 1 : opener].strip():
        opener = code.rfind("/*", 0, opener)
    return opener != -1 and opener > code.rfind("*/", 0, offset)
