"""Parameter lists of JavaScript / TypeScript functions, read from their text; pure.

What the linear scanner (:mod:`~release_tools.analysis.evidence.javascript.linear`) records for a
function: how many parameters a caller must pass, and the names it may pass. The parsed reading
of the same facts is :mod:`~release_tools.analysis.evidence.javascript.signatures`.
"""

from __future__ import annotations

import re

from release_tools.analysis.evidence.javascript.textscan import balanced, split_top

__all__ = ["param_names", "required_params", "signature_of"]


def _has_default(part: str) -> bool:
    depth = 0
    for index, char in enumerate(part):
        if char in "([{<":
            depth += 1
        elif char in ")]}" or (char == ">" and part[index - 1 : index] != "="):
            depth = max(0, depth - 1)
        elif char == "=" and depth == 0:
            after = part[index + 1 : index + 2]
            before = part[index - 1 : index]
            if after not in (">", "=") and before not in ("=", "!", "<", ">"):
                return True
    return False


def required_params(params: str) -> int:
    """How many parameters of a JS/TS parameter list a caller must pass."""
    count = 0
    for part in split_top(params):
        if part.startswith("...") or part == "this" or part.startswith("this:"):
            continue
        if re.match(r"^[\w$]+\s*\?", part) or _has_default(part):
            continue
        count += 1
    return count


_LEADING_NAME = re.compile(r"(?:\.\.\.)?\s*(?P<name>[A-Za-z_$][\w$]*)")


def param_names(params: str) -> frozenset[str]:
    """The names a caller may pass through a JS/TS parameter list.

    Plain parameters by name, and the keys of a destructured object parameter (the options a
    function reads): ``(s, { a, b = 1, c: alias } = {})`` gives ``s, a, b, c``.
    """
    names: set[str] = set()
    for part in split_top(params):
        if part.startswith("{"):
            inner = balanced(part, 0, "([{")
            for key in split_top(inner or ""):
                match = _LEADING_NAME.match(key)
                if match:
                    names.add(match["name"])
            continue
        match = _LEADING_NAME.match(part)
        if match and match["name"] != "this":
            names.add(match["name"])
    return frozenset(names)


def signature_of(params: str | None) -> tuple[int | None, frozenset[str] | None]:
    """``(required, names)`` of a parameter list; ``(None, None)`` without one."""
    if params is None:
        return None, None
    return required_params(params), param_names(params)
