"""Whether a TypeScript type change only lets callers pass more: a widened input type.

A property of an options object (``path: string | URL`` became ``string | string[] | URL``)
accepts every value it accepted before, and more: what callers wrote still compiles, and they
gain a way to call. That is a feature (minor), not a break. The same change on a type the
package hands out (a result, an instance's property) breaks code that reads it, so only the
types named as inputs are judged here; the others stay a review item.
"""

from __future__ import annotations

import re

__all__ = ["input_type", "union_members", "widened"]

#: Names of types that callers fill in and pass: options, configuration, props, parameters.
_INPUT_NAME = re.compile(
    r"(?:Options|Opts|Config|Configuration|Settings|Props|Params|Parameters|Arguments|Args"
    r"|Init|Input)$"
)
_OPENING = {"(": ")", "[": "]", "{": "}", "<": ">"}
_CLOSING = frozenset(_OPENING.values())


def input_type(member: str) -> bool:
    """Whether ``member`` (``Owner.property``) is a property of a type named as an input."""
    owner, dot, _ = member.rpartition(".")
    return bool(dot) and bool(_INPUT_NAME.search(owner.rpartition(".")[2]))


def union_members(text: str) -> frozenset[str] | None:
    """The members of a top-level union type, spaces removed (``A | B[] | (C | D)`` gives
    ``A``, ``B[]``, ``(C|D)``); None when the text's brackets or quotes do not balance."""
    members: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "\"'`":
            quote = char
        elif char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            if char == ">" and current and current[-1] == "=":
                pass  # an arrow (=>), not a closing bracket
            else:
                depth -= 1
                if depth < 0:
                    return None
        elif char == "|" and depth == 0:
            members.append("".join(current))
            current = []
            continue
        if not char.isspace():
            current.append(char)
    if depth or quote:
        return None
    members.append("".join(current))
    found = frozenset(m for m in members if m)
    return found or None


def widened(was: str, now: str) -> bool:
    """Whether type ``now`` is a union holding every member of ``was`` and more."""
    old, new = union_members(was), union_members(now)
    return old is not None and new is not None and old < new
