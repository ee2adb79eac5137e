"""Source text with its comments blanked out, offsets and line numbers kept; pure.

Readers that match declarations with regular expressions (command-line options, sub-commands)
must not take an example in a comment for code: ``// program.command('watch')`` in a doc
comment declares nothing. Each comment becomes spaces of the same length (its newlines stay),
so offsets and line numbers found in the blanked text hold for the original. String literals
are recognised first, so a ``//`` or ``#`` inside one is no comment. In Python, triple-quoted
strings (docstrings, long help texts) are blanked too: no option is declared inside one.
"""

from __future__ import annotations

import re

__all__ = ["blank_comments"]

_C_COMMENT = r"(?P<blank>//[^\n]*|/\*[\s\S]*?\*/)"
_DOUBLE = r'"(?:\\.|[^"\\\n])*"'
_SINGLE = r"'(?:\\.|[^'\\\n])*'"
_PYTHON = re.compile(
    r"(?P<blank>[rRbBuUfF]{0,2}(?:'''[\s\S]*?'''|\"\"\"[\s\S]*?\"\"\")|#[^\n]*)"
    rf"|(?:[rRbBuUfF]{{0,2}}(?:{_SINGLE}|{_DOUBLE}))"
)
_JAVASCRIPT = re.compile(rf"{_SINGLE}|{_DOUBLE}|`(?:\\.|[^`\\])*`|{_C_COMMENT}")
# Rust: raw strings (r"..", r#".."#), strings that may span lines, one-character literals (a
# lifetime such as 'a has no closing quote and is left alone).
_RUST = re.compile(
    r'r(?P<hashes>#*)"[\s\S]*?"(?P=hashes)|"(?:\\.|[^"\\])*"'
    rf"|'(?:\\.|[^'\\\n])'|{_C_COMMENT}"
)
_GO = re.compile(rf"{_DOUBLE}|`[^`]*`|'(?:\\.|[^'\\\n])+'|{_C_COMMENT}")

_BY_SUFFIX: dict[str, re.Pattern[str]] = {
    ".py": _PYTHON,
    ".pyi": _PYTHON,
    ".js": _JAVASCRIPT,
    ".mjs": _JAVASCRIPT,
    ".cjs": _JAVASCRIPT,
    ".jsx": _JAVASCRIPT,
    ".ts": _JAVASCRIPT,
    ".mts": _JAVASCRIPT,
    ".cts": _JAVASCRIPT,
    ".tsx": _JAVASCRIPT,
    ".rs": _RUST,
    ".go": _GO,
}
_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(match: re.Match[str]) -> str:
    text = match.group(0)
    return _NOT_NEWLINE.sub(" ", text) if match.group("blank") is not None else text


def blank_comments(path: str, code: str) -> str:
    """``code`` (the file at ``path``) with its comments turned into spaces; unchanged for a
    language this module does not know."""
    pattern = _BY_SUFFIX.get(path[path.rfind(".") :]) if "." in path else None
    if pattern is None:
        return code
    return pattern.sub(_blank, code)
