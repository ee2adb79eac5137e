"""Type texts laid out one way, so that a formatter's rewrite is no change; pure.

Formatters (rustfmt, prettier) move spaces around between versions: ``Item=J`` and
``Item = J``, ``-> bool`` and ``->bool``. A space matters only between two words (``impl
Trait``, ``&'a mut T``), so :func:`compact` keeps one there and drops the others.
"""

from __future__ import annotations

import re

__all__ = ["compact"]

_SPACES = re.compile(r"\s+")


def compact(text: str, word_marks: str = "_") -> str:
    """``text`` with each whitespace run dropped, or one space where it parts two words.

    A word character is a letter, a digit or one of ``word_marks``.
    """

    def space(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        if start == 0 or end == len(text):
            return ""
        before, after = text[start - 1], text[end]
        words = (before.isalnum() or before in word_marks) and (
            after.isalnum() or after in word_marks
        )
        return " " if words else ""

    return _SPACES.sub(space, text)
