"""A module file that swaps ``pub use imp::*`` for ``pub use imp::{A, B}``, or back.

Both spellings give callers the same paths when ``imp`` declares exactly ``A`` and ``B``.
Compared item by item, the swap is a removed glob (or removed names) and new names (or a new
glob): a major that is not one. So when a file's glob re-exports changed, each glob is
expanded to the public names of the module it names (its own globs followed,
:data:`MAX_DEPTH` levels deep), and the file is compared by the names it shows: a name shown
before and after is neither removed nor added, a name a dropped glob showed and nothing shows
now is removed (cited at the glob), and a name a new glob brings is new.

Globs are resolved to files the way ``mod`` declarations place them (``self::imp``, ``imp``
and, from the crate root, ``crate::imp`` name ``imp.rs`` or ``imp/mod.rs`` beside or below
the declaring file). A glob that names anything else (another crate, ``super::``, an inline
module) or a file too big to parse leaves the file as it was: its items are compared as
before.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import blob_sizes, read_texts
from release_tools.analysis.evidence.rust.items import RustItem, RustModule
from release_tools.analysis.evidence.rust.macros import Rule
from release_tools.analysis.evidence.rust.syntax import parse_module

__all__ = ["MAX_BYTES", "MAX_DEPTH", "GlobReader", "glob_swapped"]

#: How many levels of globs an expansion follows.
MAX_DEPTH = 4
#: Module files over this size are not read to expand a glob.
MAX_BYTES = 1_000_000

_GLOB = "::*"


def _globs(items: dict[str, RustItem]) -> set[str]:
    """The top-level glob re-exports among ``items`` (keys ``path::*``)."""
    return {key for key, item in items.items() if item.kind == "use" and key.endswith(_GLOB)}


def _top(items: dict[str, RustItem]) -> set[str]:
    """The top-level names ``items`` shows itself (globs and members aside)."""
    return {key for key in items if "::" not in key}


def _passed_on(items: dict[str, RustItem]) -> set[str]:
    """The names a glob of the module holding ``items`` passes on: its top-level names but
    ``#[macro_export]`` macros, which live at the crate root whatever module declares them."""
    return {key for key, item in items.items() if "::" not in key and item.kind != "macro"}


def _children_dir(importer: str) -> str:
    """The directory holding the file modules that ``importer`` declares."""
    directory, file = posixpath.split(importer)
    stem = file.removesuffix(".rs")
    return directory if stem in ("lib", "mod", "main") else posixpath.join(directory, stem)


def _candidates(importer: str, path: str) -> list[str] | None:
    """The files that may hold the module a glob of ``importer`` names (``path``, without
    ``::*``); None for a path this reading does not follow."""
    segments = path.split("::")
    if segments[0] == "self":
        segments = segments[1:]
    elif segments[0] == "crate":
        if posixpath.basename(importer) != "lib.rs":
            return None
        segments = segments[1:]
    if not segments or any(s in ("self", "super", "crate") or not s for s in segments):
        return None
    directory = _children_dir(importer)
    for segment in segments[:-1]:
        directory = posixpath.join(directory, segment)
    last = segments[-1]
    return [posixpath.join(directory, last + ".rs"), posixpath.join(directory, last, "mod.rs")]


class GlobReader:
    """Expands glob re-exports at one side of the range, reading each module file once."""

    def __init__(
        self, ctx: AnalysisContext, ref: str, rules: Mapping[str, list[Rule]] | None = None
    ) -> None:
        self._ctx, self._ref = ctx, ref
        self._rules = rules
        self._modules: dict[str, RustModule | None] = {}
        self._too_big: set[str] = set()

    def _module(self, candidates: list[str]) -> tuple[str, RustModule] | None:
        """The first candidate file that exists, read; None when none does or it is over
        :data:`MAX_BYTES` (a big one is not skipped for the next: the compiler would not)."""
        wanted = [c for c in candidates if c not in self._modules]
        if wanted:
            sizes = blob_sizes(self._ctx, self._ref, wanted)
            small = [c for c in wanted if sizes.get(c, MAX_BYTES + 1) <= MAX_BYTES]
            texts = read_texts(self._ctx, self._ref, small) if small else {}
            for path in wanted:
                text = texts.get(path)
                self._modules[path] = (
                    parse_module(text, rules=self._rules) if text is not None else None
                )
                if path in sizes and text is None:
                    self._too_big.add(path)
        for path in candidates:
            if path in self._too_big:
                return None
            module = self._modules.get(path)
            if module is not None:
                return path, module
        return None

    def names(self, importer: str, key: str, depth: int = 0) -> frozenset[str] | None:
        """The names the glob ``key`` of file ``importer`` shows; None when unknown."""
        candidates = _candidates(importer, key.removesuffix(_GLOB))
        if candidates is None or depth >= MAX_DEPTH:
            return None
        found_module = self._module(candidates)
        if found_module is None:
            return None
        path, module = found_module
        found = _passed_on(module.items)
        for glob in _globs(module.items):
            more = self.names(path, glob, depth + 1)
            if more is None:
                return None
            found |= more
        return frozenset(found)


def _expand(
    items: dict[str, RustItem], importer: str, reader: GlobReader
) -> dict[str, frozenset[str]] | None:
    out: dict[str, frozenset[str]] = {}
    for key in _globs(items):
        names = reader.names(importer, key)
        if names is None:
            return None
        out[key] = names
    return out


def _without(items: dict[str, RustItem], names: set[str]) -> dict[str, RustItem]:
    """``items`` without ``names`` and their members (``Name::method``)."""
    return {
        key: item
        for key, item in items.items()
        if key not in names and key.split("::", 1)[0] not in names
    }


def glob_swapped(
    before: dict[str, RustItem],
    after: dict[str, RustItem],
    paths: tuple[str, str],
    readers: tuple[GlobReader, GlobReader],
) -> tuple[dict[str, RustItem], dict[str, RustItem]]:
    """One module file's public items at the base and the head (``paths``), rewritten to
    compare the names it shows when its globs changed (see the module docstring)."""
    gone, came = _globs(before) - _globs(after), _globs(after) - _globs(before)
    if not gone and not came:
        return before, after
    old_globs = _expand(before, paths[0], readers[0])
    new_globs = _expand(after, paths[1], readers[1])
    if old_globs is None or new_globs is None:
        return before, after
    old_cover = _top(before).union(*old_globs.values())
    new_cover = _top(after).union(*new_globs.values())
    lost = {
        name: RustItem(name, "use", before[key].line)
        for key in sorted(gone)
        for name in sorted(old_globs[key] - new_cover - before.keys())
    }
    brought = {
        name: RustItem(name, "use", after[key].line)
        for key in sorted(came)
        for name in sorted(new_globs[key] - old_cover - after.keys())
    }
    # A declaration the file dropped that a new glob shows now moved into that module: the
    # glob re-exports it by the same path (compared with its new home by the moves).
    for key in sorted(came):
        for name in sorted(new_globs[key] & (_top(before) - _top(after))):
            if before[name].kind not in ("use", "mod", "macro"):
                brought[name] = RustItem(name, "use", after[key].line)
    # Re-exports by name that the other side shows through a glob.
    old_only = {n for n in _top(before) - _top(after) if n in new_cover and before[n].kind == "use"}
    new_only = {n for n in _top(after) - _top(before) if n in old_cover and after[n].kind == "use"}
    return (
        {**_without(before, gone | old_only), **lost},
        {**_without(after, came | new_only), **brought},
    )
