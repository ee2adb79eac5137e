"""Declarations that move between modules behind the same ``export *`` barrel.

A package whose entry re-exports its modules wholesale (``export * from './fetch'``,
``export * from './types'``) may move ``FetchOptions`` from ``fetch.ts`` to ``types.ts``:
users import it from the entry as before. Compared module by module, that is a removal and an
addition that are neither. A declaration counts as moved when exactly one compared module
declares it no longer and exactly one other declares it anew, and the entries reaching the
first at the base are the entries reaching the second at the head (:class:`Reach`). It is then
compared with its new home (members and signatures), and left out of both modules' own
comparisons.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from release_tools.analysis.evidence._common import BoundedEvidence
from release_tools.analysis.evidence.javascript.compare import compare_modules
from release_tools.analysis.evidence.javascript.entrypoints import resolve
from release_tools.analysis.evidence.javascript.exports import ExportRow, ModuleApi
from release_tools.analysis.evidence.javascript.moves import PASSING, members, without
from release_tools.analysis.evidence.javascript.reexports import PublicNames
from release_tools.analysis.models import Strength

__all__ = ["Faces", "Parsed", "Reach", "star_moved", "star_moves"]

#: The entries reaching each public module, by ``("base" | "head", path)``.
Faces = dict[tuple[str, str], frozenset[str]]
#: One compared module: ``(base path, head path, strength, public names)``, its two sides.
Parsed = tuple[tuple[str | None, str | None, Strength, PublicNames], ModuleApi, ModuleApi]


def _declares(name: str, row: ExportRow) -> bool:
    return "." not in name and not name.startswith("* from ") and row[0] not in PASSING


def star_moves(
    items: list[tuple[str | None, str | None, ModuleApi, ModuleApi]],
    faces: Mapping[tuple[str, str], frozenset[str]],
) -> list[tuple[int, int, str]]:
    """Declarations that left one compared module and arrived in another behind the same
    entries: ``(index it left, index it arrived in, name)`` among ``items`` (``(base path,
    head path, base side, head side)`` of each module compared).

    A package that moves ``FetchOptions`` from ``fetch.ts`` to ``types.ts``, both reached from
    its entry through ``export *``, keeps the name where users import it. It counts as moved
    when exactly one module declares it no longer and exactly one other declares it anew,
    and ``faces`` (the entries reaching each module, by ``("base" | "head", path)``) says the
    first reached at the base exactly the entries that reach the second at the head.
    """
    left: dict[str, list[int]] = {}
    for index, (before, _after, old, new) in enumerate(items):
        if before is not None:
            for name in old.rows.keys() - new.rows.keys():
                if _declares(name, old.rows[name]):
                    left.setdefault(name, []).append(index)
    if not left:
        return []  # nothing left any module: nothing moved
    came: dict[str, list[int]] = {}
    for index, (_before, after, old, new) in enumerate(items):
        if after is not None:
            for name in left.keys() & new.rows.keys():
                if name not in old.rows and _declares(name, new.rows[name]):
                    came.setdefault(name, []).append(index)
    out: list[tuple[int, int, str]] = []
    for name, sources in left.items():
        targets = came.get(name, [])
        if len(sources) != 1 or len(targets) != 1 or sources == targets:
            continue
        source, target = sources[0], targets[0]
        before, after = items[source][0], items[target][1]
        assert before is not None and after is not None
        reached = faces.get(("base", before))
        if reached and reached == faces.get(("head", after)):
            out.append((source, target, name))
    return out


def _only(api: ModuleApi, name: str) -> ModuleApi:
    """``api`` with only ``name`` and its members."""
    kept = set(members(api, name))
    return replace(
        api,
        rows={k: v for k, v in api.rows.items() if k in kept},
        shapes={k: v for k, v in api.shapes.items() if k in kept},
    )


@dataclass(frozen=True, slots=True)
class Reach:
    """The entries reaching each public module (by ``("base" | "head", path)``) and the
    repository's files at the head, for moves behind ``export *`` barrels."""

    faces: Faces
    head_files: set[str]
    base_files: set[str] = field(default_factory=set)
    #: Modules the range renames: base path -> head path.
    renames: dict[str, str] = field(default_factory=dict)
    #: The names each public module shows, by ``("base" | "head", path)`` (None: all).
    shown: dict[tuple[str, str], PublicNames] = field(default_factory=dict)


def _renamed_stars(parsed: list[Parsed], reach: Reach) -> list[Parsed]:
    """``parsed`` without the ``export * from`` rows that only follow a renamed module
    (``./headers`` became ``./polyfills/headers``): the module passes on the same names."""
    out = list(parsed)
    for index, (pair, old, new) in enumerate(parsed):
        before, after = pair[0], pair[1]
        if before is None or after is None:
            continue
        gone = [n for n in old.rows.keys() - new.rows.keys() if n.startswith("* from ")]
        came = [n for n in new.rows.keys() - old.rows.keys() if n.startswith("* from ")]
        if not gone or not came:
            continue
        targets = {resolve(n.removeprefix("* from "), after, reach.head_files): n for n in came}
        dropped_old: set[str] = set()
        dropped_new: set[str] = set()
        for name in gone:
            source = resolve(name.removeprefix("* from "), before, reach.base_files)
            moved = reach.renames.get(source or "")
            if moved is not None and moved in targets:
                dropped_old.add(name)
                dropped_new.add(targets[moved])
        if dropped_old:
            out[index] = (pair, without(old, dropped_old), without(new, dropped_new))
    return out


def star_moved(parsed: list[Parsed], reach: Reach, out: BoundedEvidence) -> list[Parsed]:
    """``parsed`` with each declaration moved between modules behind the same entries (see
    :func:`star_moves`) taken out of both, after comparing it with its new home (its
    members and signatures, each side cited where it is). A new ``export * from`` that only
    brings moved declarations to their old entries is no new API either, nor is one that
    follows a renamed module."""
    parsed = _renamed_stars(parsed, reach) if reach.renames else parsed
    items = [(pair[0], pair[1], old, new) for pair, old, new in parsed]
    found = star_moves(items, reach.faces)
    if not found:
        return parsed
    parsed = list(parsed)
    homes: set[str] = set()
    for source, target, name in found:
        (from_pair, from_old, from_new), (to_pair, to_old, to_new) = parsed[source], parsed[target]
        strength = from_pair[2]
        compare_modules(
            from_pair[0], to_pair[1], _only(from_old, name), _only(to_new, name), strength, out
        )
        parsed[source] = (from_pair, without(from_old, {name}), from_new)
        parsed[target] = (to_pair, to_old, without(to_new, {name}))
        homes.add(to_pair[1] or "")
    # Homes that gained nothing but moved declarations: re-exporting them adds no API.
    quiet = {
        pair[1]
        for pair, old, new in parsed
        if pair[1] in homes and not any("." not in k and k not in old.rows for k in new.rows)
    }
    for index, (pair, old, new) in enumerate(parsed):
        after = pair[1]
        if after is None:
            continue
        brought = {
            name
            for name in new.rows.keys() - old.rows.keys()
            if name.startswith("* from ")
            and resolve(name.removeprefix("* from "), after, reach.head_files) in quiet
        }
        if brought:
            parsed[index] = (pair, old, without(new, brought))
    return parsed
