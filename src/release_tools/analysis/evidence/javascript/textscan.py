"""Text primitives of the linear JavaScript / TypeScript scanner; pure, no I/O.

Comments and string contents blanked with offsets kept, patterns matched at line starts
without trying every offset, balanced brackets, commas at the top level, and the line of an
offset. :mod:`~release_tools.analysis.evidence.javascript.linear` reads exports with them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator

__all__ = ["at_lines", "balanced", "blank_code", "depth_zero", "line_finder", "split_top"]

_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`",
    re.DOTALL,
)


def _spaces(text: str) -> str:
    """Spaces in place of every character of ``text`` but its newlines."""
    return "\n".join(" " * len(part) for part in text.split("\n"))


#: :data:`_COMMENT_OR_STRING` as one group: ``split`` then gives text and tokens in turn.
_TOKEN_SPLIT = re.compile(f"({_COMMENT_OR_STRING.pattern})", _COMMENT_OR_STRING.flags)


def _blank_token(text: str) -> str:
    first = text[0]
    if first in "'\"`":
        return first + _spaces(text[1:-1]) + text[-1]
    return _spaces(text)


def blank_code(code: str) -> str:
    """``code`` with comments and string contents blanked, keeping offsets and line numbers.

    String delimiters stay so that ``from './x'`` can still be read from the original text.
    """
    if "/" not in code and "'" not in code and '"' not in code and "`" not in code:
        return code  # no comment or string can start: nothing to blank
    parts = _TOKEN_SPLIT.split(code)
    # Most tokens are one line long (generated modules have one comment per line): their blanks
    # depend on the length alone. One comprehension over the tokens costs less than a call back
    # from ``re.sub`` for each.
    parts[1::2] = [
        (" " * len(token) if token[0] == "/" else token[0] + " " * (len(token) - 2) + token[-1])
        if "\n" not in token
        else _blank_token(token)
        for token in parts[1::2]
    ]
    return "".join(parts)


def _after_newline(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (which begins with ``^``) with a newline in place of the ``^``.

    A literal first character lets the engine skip ahead to the next newline in C, where
    ``^`` in MULTILINE mode makes it try every offset of the text, and trying the pattern at
    each line start from Python cost one call per line and pattern (millions on generated
    modules).
    """
    assert pattern.pattern.startswith("^"), pattern.pattern
    return re.compile("\n" + pattern.pattern[1:], pattern.flags)


_SHIFTED: dict[re.Pattern[str], re.Pattern[str]] = {}


def at_lines(pattern: re.Pattern[str], blank: str) -> Iterator[tuple[int, re.Match[str]]]:
    """``pattern.finditer(blank)`` for a pattern that begins with ``^[ \t]*export``, as
    ``(line start, match)``.

    The first line is matched as is; the others through :func:`_after_newline`, whose matches
    begin at the newline before the line (one character early: the line start is given apart)
    and have the same groups. None of these patterns can end with a newline, so searching on
    from a match's end skips the same line starts as ``finditer`` with ``^`` does.
    """
    shifted = _SHIFTED.get(pattern)
    if shifted is None:
        shifted = _SHIFTED[pattern] = _after_newline(pattern)
    end = 0
    first = pattern.match(blank, 0)
    if first is not None:
        yield 0, first
        end = first.end()
    for match in shifted.finditer(blank, end):
        yield match.start() + 1, match


def balanced(code: str, open_at: int, brackets: str = "([{<") -> str | None:
    """The text between the bracket at ``open_at`` and its match (``None`` if unbalanced)."""
    closers = {"(": ")", "[": "]", "{": "}", "<": ">"}
    openers = set(brackets)
    ends = {closers[b] for b in brackets}
    depth = 0
    for index in range(open_at, len(code)):
        char = code[index]
        if char in openers:
            depth += 1
        elif char in ends and not (char == ">" and code[index - 1] == "="):
            depth -= 1
            if depth == 0:
                return code[open_at + 1 : index]
    return None


def split_top(text: str) -> list[str]:
    """Split at commas that are not nested in brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in "([{<":
            depth += 1
        elif char in ")]}" or (char == ">" and text[index - 1 : index] != "="):
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def depth_zero(body: str) -> str:
    """``body`` with everything nested in brackets blanked (the brackets themselves stay)."""
    out = []
    depth = 0
    for char in body:
        if char in "([{":
            out.append(char if depth == 0 else " ")
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
            out.append(char if depth == 0 else " ")
        else:
            out.append(char if depth == 0 or char == "\n" else " ")
    return "".join(out)


def line_finder(text: str) -> Callable[[int], int]:
    """A function giving the 1-based line of an offset in ``text``.

    The newline offsets are found once and searched by bisection: counting newlines from the
    start for every export made files with tens of thousands of exports quadratic.
    """
    newlines: list[int] = []
    found = False

    def line_of(offset: int) -> int:
        nonlocal found
        if not found:
            # Found at the first question: most scanned modules report no line at all.
            newlines.extend(match.start() for match in re.finditer("\n", text))
            found = True
        # Newlines strictly before the offset, plus one.
        return bisect_left(newlines, offset) + 1

    return line_of
