"""A strict parser for the front matter of version-plan files.

Plan files (Nx ``.nx/version-plans/*.md`` and changesets ``.changeset/*.md``) start with a YAML
block of ``name: type`` pairs between ``---`` lines. Only that subset is accepted: one pair per
line, keys bare or quoted, values a single word, ``#`` comments and blank lines. Each line is
checked first, so anything else is a :class:`~release_tools.errors.PlanError` naming the file and
the line; the block is then read by a YAML 1.2 parser (ruamel.yaml), which decides what the keys
and values are (quoting and escapes as Nx's and changesets' own YAML readers see them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

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
            return FrontMatter(_parsed(lines[1:index], pairs, source), body)
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


def _parsed(
    block: list[str], checked: list[tuple[str, str, int]], source: str
) -> tuple[tuple[str, str, int], ...]:
    """The pairs as the YAML parser reads the checked ``block`` (which starts on line 2)."""
    try:
        data = YAML(typ="rt").load("\n".join(block))
    except YAMLError as exc:
        mark = exc.problem_mark if isinstance(exc, MarkedYAMLError) else None
        where = f":{mark.line + 2}" if mark is not None else ""
        problem = exc.problem if isinstance(exc, MarkedYAMLError) else str(exc)
        raise PlanError(f"{source}{where}: not valid YAML: {problem}") from exc
    if data is None:
        return ()
    if not isinstance(data, dict) or len(data) != len(checked):
        raise PlanError(f"{source}: expected 'name: type' lines between the '---' fences")
    pairs: list[tuple[str, str, int]] = []
    for (name, raw, number), (key, value) in zip(checked, data.items(), strict=True):
        if str(key) != name:
            raise PlanError(f"{source}:{number}: YAML reads the name {name!r} as {key!r}; quote it")
        # A value YAML reads as null or a boolean is kept as written, for the type check.
        pairs.append((str(key), value if isinstance(value, str) else raw, number))
    return tuple(pairs)


def format_key(name: str, *, always_quote: bool = False) -> str:
    """A name as a front-matter key: quoted when YAML needs it or asked to.

    Quoting is needed for names a plain scalar cannot spell (``@scope/pkg``, ``a:b``) and for
    names YAML resolves to something other than that string (``null``, ``true``, ``1.10``,
    ``0x1F``, ``1_000``, dates): the parser above would refuse them, and so would Nx.
    """
    if always_quote or not re.fullmatch(_BARE_KEY, name) or ":" in name:
        return json.dumps(name)
    if not _reads_back(name):
        return json.dumps(name)
    return name


def _reads_back(name: str) -> bool:
    """Whether the YAML parser reads the bare key ``name`` as exactly the string ``name``."""
    try:
        data = YAML(typ="rt").load(f"{name}: patch")
    except YAMLError:
        return False
    if not isinstance(data, dict) or len(data) != 1:
        return False
    key = next(iter(data))
    return isinstance(key, str) and key == name
