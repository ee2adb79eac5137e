"""Items moved between private modules of a Rust crate behind an unchanged named re-export.

``lib.rs`` says ``pub use imp::{Parser, Thing as Renamed}``; ``imp.rs`` is private, so callers
write ``demo::Parser`` and ``demo::Renamed``. When ``Parser`` moves to another private module
and ``lib.rs`` re-exports it from there, the per-file comparison sees it removed from one file
and added to another. :class:`Moves` takes such items out of both comparisons, keyed by the
public path they keep, and compares the two halves with each other once every changed file has
been read: a changed signature or a removed field of a moved item is still found. An item whose
new home was not among the changed files is one review item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from release_tools.analysis.evidence._common import BoundedEvidence, evidence
from release_tools.analysis.evidence.rust.compare import compare_items, spellings
from release_tools.analysis.evidence.rust.modules import exposure, reexported_as
from release_tools.analysis.evidence.rust.syntax import RustItem, RustModule
from release_tools.analysis.models import Bump, EvidenceKind, Strength

__all__ = ["Moves"]

Loader = Callable[[str], RustModule | None]
#: The public path a moved item keeps: the re-exporting file and the names it exports.
_Key = tuple[str, frozenset[str]]


@dataclass(slots=True)
class _Half:
    """One side of a move: the file, its items under the public name, its imports."""

    path: str
    items: dict[str, RustItem]
    imports: dict[str, str]
    proof: bool


class Moves:
    """The moved items of a range, gathered file by file, compared at the end."""

    def __init__(self) -> None:
        self._left: dict[_Key, _Half] = {}
        self._arrived: dict[_Key, _Half] = {}

    def take(
        self,
        path: str | None,
        items: dict[str, RustItem],
        kept: dict[str, RustItem],
        loaders: tuple[Loader, Loader],
        *,
        leaving: bool,
        proof: bool,
    ) -> None:
        """Move out of ``items`` (file ``path`` on one side; ``kept`` is the same file on the
        other) the items missing from ``kept`` whose public names the declaring module exports
        on both sides. ``loaders`` read this side's files, then the other side's; ``leaving``
        tells the base side (items that left ``path``) from the head side (items that came)."""
        load, load_other = loaders
        found = reexported_as(path, load) if path is not None else None
        if path is None or found is None:
            return
        parent, names = found
        missing = [name for name in names if name in items and name not in kept]
        if not missing:
            return
        there = load_other(parent)
        if there is None or not exposure(parent, load_other):
            return
        moved = [
            name
            for name in missing
            if all(
                (other := there.items.get(alias)) is not None
                and other.kind in ("use", items[name].kind)
                for alias in names[name]
            )
        ]
        if not moved:
            return
        by_top: dict[str, list[str]] = {}
        for key in items:
            by_top.setdefault(key.split("::", 1)[0], []).append(key)
        module = load(path)
        imports = module.imports if module is not None else {}
        store = self._left if leaving else self._arrived
        for name in moved:
            aliases = frozenset(names[name])
            public = min(aliases)
            # Keyed by the public name, so that an item renamed behind its alias compares.
            taken = {public + key[len(name) :]: items.pop(key) for key in by_top[name]}
            store[(parent, aliases)] = _Half(path, taken, imports, proof)

    def compare(self, out: BoundedEvidence) -> None:
        """Each moved item against its new home; a review item when that was not read."""
        for (parent, aliases), gone in self._left.items():
            came = self._arrived.get((parent, aliases))
            if came is not None:
                compare_items(
                    out,
                    gone.items,
                    came.items,
                    gone.path,
                    came.path,
                    proof=gone.proof and came.proof,
                    same=spellings(gone.imports, came.imports),
                )
                continue
            if not out.admit(Bump.PATCH, Strength.WEAK):
                continue
            item = gone.items[min(aliases)]
            out.keep(
                evidence(
                    "rust-api",
                    EvidenceKind.API_CHANGED,
                    Bump.PATCH,
                    Strength.WEAK,
                    f"pub {item.kind} {item.name} left {gone.path}; {parent} still exports it "
                    f"as {', '.join(sorted(aliases))} (review)",
                    path=gone.path,
                    line=item.line,
                )
            )
