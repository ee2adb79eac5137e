"""Declarations that move between a module and a module it re-exports them from.

A package that splits its entry file (``index.d.ts`` declaring ``interface Options``) into
modules (``export { Options } from './options'``) keeps every name: users import ``Options``
from the entry as before. Compared module by module, the entry loses ``Options.cwd`` and the
new module gains it: a removal and an addition that are neither. So, before modules are
compared, each modified module's named re-exports are matched with the other side of the same
module: a name that one side declares and the other re-exports from a module that declares it
is compared with that declaration (its members and signatures, each cited at the re-export's
line), and the declaring module's own comparison leaves the name out where it arrived or left
(it is not new API there, nor removed from it). One level is followed: the re-exported module
must declare the name itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_pairs, read_texts
from release_tools.analysis.evidence.javascript.declarations import Shape
from release_tools.analysis.evidence.javascript.entrypoints import resolve
from release_tools.analysis.evidence.javascript.exports import ExportRow, ModuleApi, read_module
from release_tools.analysis.evidence.javascript.parser import ParseBudget

__all__ = ["MODULE_BYTES", "PASSING", "TOTAL_BYTES", "Moves", "find_moves", "members", "without"]

#: Modified modules are looked at for moves up to this size (both sides together) ...
MODULE_BYTES = 256_000
#: ... and this many bytes of them in all.
TOTAL_BYTES = 4_000_000
#: A named re-export, ``export { a, b as c } from "..."`` (``export type { ... }`` too).
_NAMED_FROM = re.compile(r"""\bexport\s+(?:type\s+)?\{[^}]*\}\s*from\s*['"]""")

#: Row kinds that only pass a name on: a module with such a row does not declare the name.
PASSING = frozenset({"name", "re-export", "namespace", "default"})

#: ``(exported name, rows, shapes)`` put in place of one re-exported name of a module.
_Inlined = tuple[str, dict[str, ExportRow], dict[str, Shape]]


@dataclass(slots=True)
class Moves:
    """What the comparison of each module uses in place of re-exported names (per side), and
    which names of which declaring modules arrived (at the head) or left (from the base)."""

    base: dict[str, list[_Inlined]] = field(default_factory=dict)
    head: dict[str, list[_Inlined]] = field(default_factory=dict)
    arrived: set[tuple[str, str]] = field(default_factory=set)
    departed: set[tuple[str, str]] = field(default_factory=set)

    def apply(
        self, before: str | None, after: str | None, old: ModuleApi, new: ModuleApi
    ) -> tuple[ModuleApi, ModuleApi]:
        """``old`` and ``new`` (the module's two sides) as the comparison should see them."""
        if before is not None:
            old = _inline(old, self.base.get(before, ()))
            gone = {name for path, name in self.departed if path == before}
            old = without(old, {name for name in gone if name not in new.rows})
        if after is not None:
            new = _inline(new, self.head.get(after, ()))
            came = {name for path, name in self.arrived if path == after}
            new = without(new, {name for name in came if name not in old.rows})
        return old, new


def members(api: ModuleApi, name: str) -> Iterable[str]:
    return (key for key in api.rows if key == name or key.startswith(name + "."))


def _inline(api: ModuleApi, inlined: Iterable[_Inlined]) -> ModuleApi:
    items = list(inlined)
    if not items:
        return api
    rows, shapes = dict(api.rows), dict(api.shapes)
    for exported, more_rows, more_shapes in items:
        if exported not in rows:
            continue  # not public here (see the gatherer's restriction)
        rows.update(more_rows)
        shapes.update(more_shapes)
    return replace(api, rows=rows, shapes=shapes)


def without(api: ModuleApi, names: set[str]) -> ModuleApi:
    """``api`` without ``names`` and their members."""
    if not names:
        return api
    dropped = {key for name in names for key in members(api, name)}
    return replace(
        api,
        rows={k: v for k, v in api.rows.items() if k not in dropped},
        shapes={k: v for k, v in api.shapes.items() if k not in dropped},
    )


@dataclass(frozen=True, slots=True)
class _Wanted:
    side: str  # "base" or "head": where the re-export is
    module: str
    exported: str
    target: str
    original: str
    offset: int


def find_moves(
    ctx: AnalysisContext,
    modified: list[tuple[str, str]],
    files: tuple[set[str], set[str]],
    sizes: tuple[dict[str, int], dict[str, int]],
    budget: ParseBudget,
) -> Moves:
    """The moves of the ``modified`` modules (``(base path, head path)``); ``files`` are the
    repository's files at the base and the head, ``sizes`` their blob sizes. Only modules of
    at most :data:`MODULE_BYTES` a side are looked at, :data:`TOTAL_BYTES` in all, smallest
    first (entry modules that re-export are small; generated code is not read twice). They
    are parsed within ``budget``, once: the comparison reuses the parse."""
    moves = Moves()
    chosen: list[tuple[str, str]] = []
    total = 0
    for size, before, after in sorted(
        (sizes[0].get(b, TOTAL_BYTES) + sizes[1].get(a, TOTAL_BYTES), b, a) for b, a in modified
    ):
        if size > MODULE_BYTES or total + size > TOTAL_BYTES:
            break
        total += size
        chosen.append((before, after))
    if not chosen:
        return moves
    wanted: list[_Wanted] = []
    for before, after, old_code, new_code in read_pairs(ctx, chosen):
        if not (_NAMED_FROM.search(old_code) or _NAMED_FROM.search(new_code)):
            continue  # neither side re-exports a name
        old = read_module(old_code, before, budget=budget)
        new = read_module(new_code, after, budget=budget)
        if not (old.parsed and new.parsed):
            continue
        for side, here, there, path, known in (
            ("head", new, old, after, files[1]),
            ("base", old, new, before, files[0]),
        ):
            for statement in here.reexports or ():
                target = resolve(statement.spec, path, known) if statement.names else None
                if target is None or statement.names is None:
                    continue
                for exported, original in statement.names:
                    declared = there.rows.get(exported)
                    passing = here.rows.get(exported)
                    if declared is None or declared[0] in PASSING or passing is None:
                        continue
                    wanted.append(_Wanted(side, path, exported, target, original, passing[1]))
    if wanted:
        _resolve(ctx, wanted, moves, budget)
    return moves


def _resolve(
    ctx: AnalysisContext, wanted: list[_Wanted], moves: Moves, budget: ParseBudget
) -> None:
    """Read the re-exported modules and record what each wanted name inlines."""
    refs = {"base": ctx.base_sha, "head": ctx.head_sha}
    texts = {
        side: read_texts(ctx, ref, sorted({w.target for w in wanted if w.side == side}))
        for side, ref in refs.items()
    }
    apis: dict[tuple[str, str], ModuleApi] = {}
    for item in wanted:
        code = texts[item.side].get(item.target)
        if code is None:
            continue
        key = (item.side, item.target)
        if key not in apis:
            apis[key] = read_module(code, item.target, budget=budget)
        source = apis[key]
        row = source.rows.get(item.original)
        if not source.parsed or row is None or row[0] in PASSING:
            continue
        rows: dict[str, ExportRow] = {}
        shapes: dict[str, Shape] = {}
        for name in members(source, item.original):
            renamed = item.exported + name[len(item.original) :]
            kind, _offset, required, params = source.rows[name]
            rows[renamed] = (kind, item.offset, required, params)
            if name in source.shapes:
                shapes[renamed] = source.shapes[name]
        table = moves.head if item.side == "head" else moves.base
        table.setdefault(item.module, []).append((item.exported, rows, shapes))
        (moves.arrived if item.side == "head" else moves.departed).add((item.target, item.original))
