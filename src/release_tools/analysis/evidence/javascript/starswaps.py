"""A module that swaps ``export * from './x'`` for named re-exports of ``x``, or back.

``export * from './core'`` and ``export { parse, format } from './core'`` show users the same
names when ``core`` exports exactly ``parse`` and ``format``. Compared row by row, the swap is a
removed ``export *`` (or removed names) and new names (or a new ``export *``): a major that is
not one. So a module whose relative ``export *`` statements changed is compared by the names
it shows: each ``export *`` is expanded to the exports of the module it names (``default``
excepted, as the language does; the expanded module's own ``export *`` statements followed,
:data:`MAX_DEPTH` levels deep). A name shown before and after is neither removed nor added,
whichever way it is passed on; a name a dropped ``export *`` showed and the module no longer
shows is removed, cited at the old statement; a name a new ``export *`` brings is new.

A statement that cannot be expanded (its module is not in the repository, is too deep, or is
read by the linear scanner, which does not list ``export *`` targets) leaves the module as it
was: its rows are compared as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import blob_sizes, read_texts
from release_tools.analysis.evidence.javascript.entrypoints import resolve
from release_tools.analysis.evidence.javascript.exports import ExportRow, ModuleApi, read_module
from release_tools.analysis.evidence.javascript.moves import without
from release_tools.analysis.evidence.javascript.parser import MAX_PARSE_BYTES, ParseBudget
from release_tools.analysis.evidence.javascript.reexports import PublicNames
from release_tools.analysis.models import Strength

__all__ = ["MAX_DEPTH", "STAR", "star_swapped"]

#: The row key prefix of an ``export * from`` statement.
STAR = "* from "
#: How many levels of ``export *`` an expansion follows.
MAX_DEPTH = 4

_Pair = tuple[str | None, str | None, Strength, PublicNames]
_Parsed = tuple[_Pair, ModuleApi, ModuleApi]


def _stars(api: ModuleApi) -> set[str]:
    """The relative ``export * from`` rows of ``api``."""
    return {name for name in api.rows if name.startswith(STAR + ".")}


def _shown(api: ModuleApi) -> set[str]:
    """The top-level names ``api`` exports itself (members and ``export *`` rows aside)."""
    return {name for name in api.rows if "." not in name and not name.startswith(STAR)}


class _Expander:
    """Expands ``export *`` statements at one side of the range, reading each module once
    (a level's modules in one batch; none over the parser's size limit)."""

    def __init__(
        self, ctx: AnalysisContext, ref: str, files: set[str], budget: ParseBudget
    ) -> None:
        self._ctx, self._ref, self._files, self._budget = ctx, ref, files, budget
        self._modules: dict[str, ModuleApi | None] = {}

    def _prefetch(self, paths: list[str]) -> None:
        """Read the modules of ``paths`` not read yet; one too big to parse stays None."""
        wanted = [p for p in dict.fromkeys(paths) if p not in self._modules]
        if not wanted:
            return
        sizes = blob_sizes(self._ctx, self._ref, wanted)
        small = [p for p in wanted if sizes.get(p, MAX_PARSE_BYTES + 1) <= MAX_PARSE_BYTES]
        texts = read_texts(self._ctx, self._ref, small) if small else {}
        for path in wanted:
            text = texts.get(path)
            self._modules[path] = (
                None if text is None else read_module(text, path, budget=self._budget)
            )

    def names(self, rows: list[str], importer: str, depth: int = 0) -> frozenset[str] | None:
        """The names the ``export *`` rows ``rows`` of ``importer`` pass on together; None
        when they cannot all be known."""
        paths = [resolve(row.removeprefix(STAR), importer, self._files) for row in rows]
        if depth >= MAX_DEPTH or any(path is None for path in paths):
            return None
        found: set[str] = set()
        targets = [path for path in paths if path is not None]
        self._prefetch(targets)
        for path in targets:
            module = self._modules.get(path)
            if module is None or not module.parsed:
                return None  # too big, unreadable, or scanned (the scan lists no targets)
            found |= _shown(module) - {"default"}
            stars = [name for name in module.rows if name.startswith(STAR)]
            if any(not star.startswith(STAR + ".") for star in stars):
                return None  # a package's exports: not in the repository
            if stars:
                more = self.names(stars, path, depth + 1)
                if more is None:
                    return None
                found |= more
        return frozenset(found)


def _expand(api: ModuleApi, importer: str, expander: _Expander) -> dict[str, frozenset[str]] | None:
    """Each relative ``export *`` row of ``api`` with its names; None if one cannot be read."""
    rows = sorted(_stars(api))
    if expander.names(rows, importer) is None:
        return None  # also reads every module the rows name, in one batch
    out: dict[str, frozenset[str]] = {}
    for row in rows:
        names = expander.names([row], importer)
        if names is None:
            return None
        out[row] = names
    return out


def _with_rows(api: ModuleApi, drop: set[str], add: Mapping[str, ExportRow]) -> ModuleApi:
    """``api`` without the names ``drop`` (and their members), with the rows ``add``."""
    kept = without(api, drop)
    return replace(kept, rows={**kept.rows, **add})


def _swap(
    before: str,
    after: str,
    sides: tuple[ModuleApi, ModuleApi],
    public: PublicNames,
    expanders: tuple[_Expander, _Expander],
) -> tuple[ModuleApi, ModuleApi] | None:
    """Both sides of one module rewritten to compare the names they show (see the module
    docstring), or None when an ``export *`` of either side cannot be expanded. Only the
    ``public`` names count (None: all), those the package's entries reach."""
    old, new = sides
    gone, came = _stars(old) - _stars(new), _stars(new) - _stars(old)
    if not gone and not came:
        return None
    old_stars, new_stars = _expand(old, before, expanders[0]), _expand(new, after, expanders[1])
    if old_stars is None or new_stars is None:
        return None
    old_cover = _shown(old).union(*old_stars.values())
    new_cover = _shown(new).union(*new_stars.values())
    # The names a dropped statement showed and nothing shows now: removed, cited there.
    if public is not None:
        old_stars = {row: names & public for row, names in old_stars.items()}
        new_stars = {row: names & public for row, names in new_stars.items()}
    lost: dict[str, ExportRow] = {
        name: ("name", old.rows[row][1], None, None)
        for row in sorted(gone)
        for name in sorted(old_stars[row] - new_cover - old.rows.keys())
    }
    brought: dict[str, ExportRow] = {
        name: ("name", new.rows[row][1], None, None)
        for row in sorted(came)
        for name in sorted(new_stars[row] - old_cover - new.rows.keys())
    }
    # Names one side exports itself that the other shows through an ``export *``.
    old_only = {name for name in _shown(old) - _shown(new) if name in new_cover}
    new_only = {name for name in _shown(new) - _shown(old) if name in old_cover}
    return (
        _with_rows(old, gone | old_only, lost),
        _with_rows(new, came | new_only, brought),
    )


def star_swapped(
    ctx: AnalysisContext,
    parsed: list[_Parsed],
    files: tuple[set[str], set[str]],
    budget: ParseBudget,
) -> list[_Parsed]:
    """``parsed`` with each modified module whose ``export *`` statements changed compared by
    the names it shows (see the module docstring); ``files`` are the repository's files at the
    base and the head."""
    sides = (
        _Expander(ctx, ctx.base_sha, files[0], budget),
        _Expander(ctx, ctx.head_sha, files[1], budget),
    )
    out: list[_Parsed] = []
    for pair, old, new in parsed:
        before, after = pair[0], pair[1]
        swapped = None
        if before is not None and after is not None and old.parsed and new.parsed:
            swapped = _swap(before, after, (old, new), pair[3], sides)
        out.append((pair, *swapped) if swapped is not None else (pair, old, new))
    return out
