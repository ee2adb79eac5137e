"""A strict parser for the front matter of version-plan files.

Plan files (Nx ``.nx/version-plans/*.md`` and changesets ``.changeset/*.md``) start with a YAML
block of ``name: type`` pairs between ``---`` lines. Only that subset is accepted: one pair per
line, keys bare or quoted, values a single word, ``#`` comments and blank lines. Anything else is
a :class:`~release_tools.errors.PlanError` naming the file and the line, instead of a YAML
library guessing what was meant (``on: yes`` style surprises) or a dependency we do not need.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from release_tools.errors import PlanError

__all__ = ["FrontMatter", "format_key", "parse_front_matter"]

_FENCE = "---"
_BARE_KEY = r"[A-Za-z0-9_][A-Za-z0-9_./:-]*"
_LINE = re.compile(
    r"""^(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#:][^#]*?)\s*:\s+"""
    r"""(?P<value>"[A-Za-z]*"|'[A-Za-z]*'|[A-Za-z]+)\s*(?:\#.*)?$"""
)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The pairs of a plan's front matter, with their 1-based line numbers, and the body."""

    pairs: tuple[tuple[str, str, int], ...]
    body: str


def _unquote_key(raw: str, source: str, number: int) -> str:
    if raw.startswith('"'):
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise PlanError(f"{source}:{number}: bad double-quoted name {raw}") from exc
        if not isinstance(value, str):
            raise PlanError(f"{source}:{number}: bad double-quoted name {raw}")
        return value
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    if raw.startswith("@"):
        # '@' cannot start a plain YAML scalar; Nx and changesets quote scoped names.
        raise PlanError(f"{source}:{number}: names starting with '@' must be quoted: {raw}")
    if not re.fullmatch(_BARE_KEY, raw):
        raise PlanError(f"{source}:{number}: unquoted name {raw!r} needs quotes")
    return raw


def parse_front_matter(text: str, *, source: str) -> FrontMatter:
    """Split ``text`` into ``name: type`` pairs and the Markdown body; PlanError otherwise."""
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise PlanError(f"{source}:1: expected '---' to open the front matter")
    pairs: list[tuple[str, str, int]] = []
    seen: dict[str, int] = {}
    for index in range(1, len(lines)):
        number = index + 1
        line = lines[index]
        stripped = line.strip()
        if stripped == _FENCE:
            body = "\n".join(lines[index + 1 :]).strip()
            return FrontMatter(tuple(pairs), body)
        if not stripped or stripped.startswith("#"):
            continue
        if line[0].isspace():
            raise PlanError(f"{source}:{number}: nested values are not allowed: {stripped}")
        match = _LINE.match(stripped)
        if match is None:
            raise PlanError(f"{source}:{number}: expected 'name: type', got {stripped!r}")
        key = _unquote_key(match["key"].strip(), source, number)
        value = match["value"].strip("'\"")
        if key in seen:
            raise PlanError(f"{source}:{number}: {key!r} already given on line {seen[key]}")
        seen[key] = number
        pairs.append((key, value, number))
    raise PlanError(f"{source}: the front matter is not closed with '---'")


def format_key(name: str, *, always_quote: bool = False) -> str:
    """A name as a front-matter key: quoted when YAML needs it (``@scope/pkg``) or asked to."""
    if always_quote or not re.fullmatch(_BARE_KEY, name) or ":" in name:
        return json.dumps(name)
    return name
