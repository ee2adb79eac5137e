"""Blank out function bodies before a module is parsed for its API.

Parsing is most of the cost of comparing Python APIs, and most of a module's text is function
bodies that griffe never looks at: it reads signatures, class bodies, module-level statements
and, in a class, the body of ``__init__`` (for ``self.x = ...`` attributes). Griffe itself
prunes bodies the same way when a native helper is installed; this is a pure-Python version.

:func:`prune_bodies` replaces each such body by ``pass`` on its first line and empty lines after
it, so every line keeps its number (evidence cites lines). It works on the text with strings and
comments masked, so quotes, brackets and ``#`` inside them cannot mislead it. Kept whole: the
bodies of ``__init__`` methods, functions defined in an ``if __name__ == "__main__":`` block
(their local names are read by the comparison), one-line functions and stubs (``.pyi``).

The result is only ever an optimisation: callers parse the untouched text when the pruned one
fails, and a body can only be misjudged in ways that make the pruned text fail to parse (an
unclosed bracket across lines at a shallow indentation leaves an unmatched closing bracket).
"""

from __future__ import annotations

import re

__all__ = ["prune_bodies"]

# Comments and string literals, leftmost first: scanning in order is enough to tell a quote or a
# ``#`` that opens a token from one inside another token. Triple-quoted forms come first.
_TOKEN = re.compile(
    r"#[^\n]*"
    r'|"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*'",
    re.DOTALL,
)
# A line that continues a token or a backslash-continued line starts with this mark once masked.
_CONT = "\x00"
# Patterns start with the newline before a line (the masked text gets one in front of its first
# line): a literal first character lets the regex engine skip ahead instead of trying every
# offset, as a ``^`` anchor would make it do.
_DEF = re.compile(r"\n([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)")
# A module-level ``if`` that mentions __main__ (kept in the masked text, see _mask_token), with
# its elif/else branches: the block ends at the next column-0 statement that is not one.
_MAIN_BLOCK = re.compile(r"\nif\b[^\n]*__main__")
_BLOCK_END = re.compile(r"\n(?!elif\b|else\b)[^ \t\f\n\r\x00]")
_STATEMENT = re.compile(r"\n *[^ \n\r\x00]")
# Only bodies at least this long are pruned: shorter ones cost more to judge than to parse.
_MIN_BODY_LINES = 2


def _mask_token(match: re.Match[str]) -> str:
    text = match.group()
    if text[0] == "#":
        return ""
    # A neutral atom in place of the string (naming __main__ if the string did, so that main
    # blocks stay recognisable); its continuation lines are marked as such.
    atom = "__main__" if "__main__" in text else "0"
    newlines = text.count("\n")
    return atom + ("\n" + _CONT) * newlines if newlines else atom


def _mask(code: str) -> str:
    """``code`` with comments removed, strings as atoms and continuation lines marked."""
    masked = _TOKEN.sub(_mask_token, code)
    # Lines after a backslash continuation do not start a statement either.
    return masked.replace("\\\n", "\\\n" + _CONT)


def _indent(line: str) -> int | None:
    """The indentation width of a line that starts a statement, None for blank/continued lines."""
    if line[:1] == _CONT:
        return None
    stripped = line.lstrip(" \t\f")
    if not stripped or stripped[0] == "\r":
        return None
    lead = line[: len(line) - len(stripped)]
    # A form feed resets the column (the language reference, "Indentation").
    lead = lead.rpartition("\f")[2]
    return len(lead.expandtabs(8)) if "\t" in lead else len(lead)


_SHALLOW: dict[int, re.Pattern[str]] = {}


def _shallow(width: int) -> re.Pattern[str]:
    pattern = _SHALLOW.get(width)
    if pattern is None:
        pattern = _SHALLOW[width] = re.compile(rf"\n {{0,{width}}}[^ \n\r\x00]")
    return pattern


class _Masked:
    """The masked text after one newline, walked by the offsets where its lines start."""

    def __init__(self, masked: str) -> None:
        self.text = "\n" + masked
        self.end = len(self.text)
        # Tabs and form feeds need the careful per-line rule; plain spaces a regular expression.
        self.simple = "\t" not in masked and "\f" not in masked

    def line_at(self, start: int) -> tuple[str, int]:
        """The line starting at ``start`` and where the next one starts (``end`` after the last)."""
        stop = self.text.find("\n", start)
        if stop == -1:
            return self.text[start:], self.end
        return self.text[start:stop], stop + 1

    def next_statement(self, start: int, width: int | None = None) -> int:
        """Where the first line from ``start`` that starts a statement begins (indented
        ``width`` or less when given); ``end`` when there is none."""
        if self.simple:
            pattern = _STATEMENT if width is None else _shallow(width)
            found = pattern.search(self.text, start - 1)
            return self.end if found is None else found.start() + 1
        while start < self.end:
            line, following = self.line_at(start)
            indent = _indent(line)
            if indent is not None and (width is None or indent <= width):
                return start
            start = following
        return self.end

    def header_end(self, start: int) -> int | None:
        """Where the line after the header of the ``def`` at ``start`` begins; None when the
        body shares the header's last line."""
        depth = 0
        while start < self.end:
            line, start = self.line_at(start)
            line = line.rstrip()
            depth += line.count("(") + line.count("[") + line.count("{")
            depth -= line.count(")") + line.count("]") + line.count("}")
            if depth > 0 or line.endswith("\\"):
                continue
            return start if line.endswith(":") else None
        return None

    def main_blocks(self) -> list[tuple[int, int]]:
        """Offset ranges of module-level ``if ... __main__`` blocks."""
        blocks: list[tuple[int, int]] = []
        for match in _MAIN_BLOCK.finditer(self.text):
            found = _BLOCK_END.search(self.text, match.end())
            blocks.append((match.start() + 1, self.end if found is None else found.start() + 1))
        return blocks


def prune_bodies(code: str) -> str:
    """``code`` with function bodies blanked, line numbers kept; ``code`` itself when unchanged.

    See the module docstring for what is kept. Pure; never raises on odd input.
    """
    if "def" not in code or _CONT in code:
        return code  # nothing to prune, or NUL bytes, which never parse
    if "\r" in code and "\r" in code.replace("\r\n", ""):
        return code  # lone carriage returns are line breaks this module does not track
    masked = _Masked(_mask(code))
    if masked.text.count("\n") != code.count("\n") + 1:
        return code  # an unterminated token swallowed lines: leave it to the parser
    protected = masked.main_blocks() if "__main__" in masked.text else []
    code_lines = code.split("\n")
    out: list[str] = []
    copied = 0  # the line up to which ``out`` holds the code's lines
    counted = (0, -1)  # an offset that starts a line, and that line's number
    resume = 0
    for match in _DEF.finditer(masked.text):
        at = match.start() + 1
        if at < resume:
            continue  # inside a body already pruned or kept whole
        width = len(match.group(1).expandtabs(8))
        if match.group(2) == "__init__":
            # Griffe reads ``self.x = ...`` in a class's __init__: keep all of it.
            resume = masked.next_statement(masked.line_at(at)[1], width)
            continue
        if any(a <= at < b for a, b in protected):
            continue
        body = masked.header_end(at)
        if body is None:
            continue
        first = masked.next_statement(body)
        if first >= masked.end or (_indent(masked.line_at(first)[0]) or 0) <= width:
            continue
        end = masked.next_statement(masked.line_at(first)[1], width)
        resume = end
        first_line = counted[1] + masked.text.count("\n", counted[0], first)
        end_line = first_line + masked.text.count("\n", first, end)
        if end == masked.end:
            end_line += 1  # the body runs to the end: count its last line too
        else:
            counted = (end, end_line)
        if end_line - first_line < _MIN_BODY_LINES:
            continue
        source = code_lines[first_line]
        out.extend(code_lines[copied:first_line])
        out.append(source[: len(source) - len(source.lstrip(" \t\f"))] + "pass")
        out.extend([""] * (end_line - first_line - 1))
        copied = end_line
    if not out:
        return code
    out.extend(code_lines[copied:])
    return "\n".join(out)
