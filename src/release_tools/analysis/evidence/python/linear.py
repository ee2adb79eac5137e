"""Top-level names of a Python module read line by line, for modules too big to parse.

A generated module of a million assignments would take griffe minutes and gigabytes; its
public names can still be listed in one pass: ``def``, ``async def`` and ``class`` statements
and simple assignments (annotated ones too) that start at column 0. Conditional definitions
(inside ``if``/``try``) are indented and so not seen, and names defined by other means
(``globals()`` updates, star imports) neither: the comparison made from these names is strong
evidence, not proof.
"""

from __future__ import annotations

import re

__all__ = ["top_level_names"]

_DEFINITION = re.compile(
    r"^(?:async[ \t]+def|def|class)[ \t]+([A-Za-z_]\w*)|^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)",
    re.MULTILINE,
)


def top_level_names(code: str) -> set[str]:
    """The names ``code`` binds at module level by definition or simple assignment."""
    return {m.group(1) or m.group(2) for m in _DEFINITION.finditer(code)}
