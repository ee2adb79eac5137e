"""Items moved between private modules of a Rust crate behind an unchanged named re-export.

``lib.rs`` says ``pub use imp::{Parser, Thing as Renamed}``; ``imp.rs`` is private, so callers
write ``demo::Parser`` and ``demo::Renamed``. When ``Parser`` moves to another private module
and ``lib.rs`` re-exports it from there, the per-file comparison sees it removed from one file
and added to another. :class:`Moves` takes such items out of both comparisons, keyed by the
public path they keep, and compares the two halves with each other once every changed file has
been read: a changed signature or a removed field of a moved item is still found. An item that a
public module stops declaring and re-exports from a private one instead moved the same way. An
item whose new home was not among the changed files is one review item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from release_tools.analysis.evidence._common import BoundedEvidence, evidence
from release_tools.analysis.evidence.rust.compare import compare_items
from release_tools.analysis.evidence.rust.items import RustItem, RustModule
from release_tools.analysis.evidence.rust.modules import exposure, module_path, reexported_as
from release_tools.analysis.evidence.rust.spellings import spellings
from release_tools.analysis.models import Bump, EvidenceKind, Strength

__all__ = ["Moves"]

Loader = Callable[[str], RustModule | None]
#: Whether a file read on one side declares an item key.
Defined = Callable[[str], bool]


@dataclass(slots=True)
class _Half:
    """One side of a move: the file, its items keyed by the public name, its imports, the
    re-exporting file, the names it exports the item as and that file's module path
    (``crate::a``; None when unknown)."""

    path: str
    items: dict[str, RustItem]
    imports: dict[str, str]
    proof: bool
    parent: str
    aliases: frozenset[str]
    module: str | None = None

    @property
    def public(self) -> str:
        return min(self.aliases)


class Moves:
    """The moved items of a range, gathered file by file, compared at the end."""

    def __init__(self) -> None:
        self._left: list[_Half] = []
        self._arrived: list[_Half] = []

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
        # One public name the other side exports too (as a re-export or the same kind of item)
        # makes it the same item to callers of that name.
        moved = [
            name
            for name in missing
            if any(
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
        shown = module_path(parent, load)
        for name in moved:
            aliases = frozenset(names[name])
            public = min(aliases)
            # Keyed by the public name, so that an item renamed behind its alias compares.
            taken = {public + key[len(name) :]: items.pop(key) for key in by_top[name]}
            store.append(_Half(path, taken, imports, proof, parent, aliases, shown))

    def take_replaced(
        self,
        path: str | None,
        items: dict[str, RustItem],
        kept: dict[str, RustItem],
        imports: dict[str, str],
        *,
        proof: bool,
    ) -> None:
        """Move out of ``items`` (file ``path`` at base) the items that the same file
        re-exports at head (``kept``) instead of declaring them (``pub struct ArrayVec`` in
        ``lib.rs`` -> ``pub use arrayvec::ArrayVec``), with their methods: callers reach them
        by the same path, so they are compared with their new home like items moved between
        private modules (:meth:`take` finds that home)."""
        if path is None:
            return
        replaced = [
            name
            for name, item in items.items()
            if "::" not in name
            and item.kind not in ("use", "mod")
            and (other := kept.get(name)) is not None
            and other.kind == "use"
        ]
        for name in replaced:
            member = name + "::"
            taken = {key: items.pop(key) for key in list(items) if key.startswith(member)}
            taken[name] = items.pop(name)
            del kept[name]  # the re-export is the same path, not a new one
            self._left.append(_Half(path, taken, imports, proof, path, frozenset({name})))

    def compare(self, out: BoundedEvidence, defined: tuple[Defined, Defined]) -> None:
        """Each moved item against its new home; a review item when that was not read.

        ``defined`` tells whether a base file, then a head file, that was read declares an
        item key (``Foo::new``): methods and consts of an impl need not sit beside their type,
        so one that stayed behind in another module is still there.
        """
        in_base, in_head = defined
        arrivals: dict[tuple[str, str], _Half] = {}
        for half in self._arrived:
            for alias in sorted(half.aliases):
                arrivals.setdefault((half.parent, alias), half)
        matched: set[int] = set()
        for gone in self._left:
            own = gone.items[gone.public].name
            shared = next(
                (
                    alias
                    for alias in sorted(gone.aliases, key=lambda a: (a != own, a))
                    if (gone.parent, alias) in arrivals
                ),
                None,
            )
            if shared is None:
                _review(out, gone, "left {path}; {parent} still exports it as {names}")
                continue
            came = arrivals[(gone.parent, shared)]
            matched.add(id(came))
            # Both under the public name they share, so their members line up; a name other
            # than the declared ones is written as the path callers use (``crate::Alias``).
            declared = {own, came.items[came.public].name}
            key = shared if shared in declared or not gone.module else f"{gone.module}::{shared}"
            before = _renamed(gone.items, gone.public, key)
            after = _renamed(came.items, came.public, key)
            # Methods and consts of an impl may stay in a module the move left behind (impls
            # need not sit beside their type): one the other side declares elsewhere stays.
            for one, other, elsewhere in ((before, after, in_head), (after, before, in_base)):
                for key in [k for k in one if "::" in k and k not in other]:
                    if elsewhere(one[key].name):
                        del one[key]
            compare_items(
                out,
                before,
                after,
                gone.path,
                came.path,
                proof=gone.proof and came.proof,
                same=spellings(gone.imports, came.imports),
            )
        for half in self._arrived:
            if id(half) not in matched:
                _review(out, half, "arrived in {path}; {parent} exported it as {names} before")


def _renamed(items: dict[str, RustItem], old: str, new: str) -> dict[str, RustItem]:
    """``items`` (keyed by the public name ``old``) keyed by ``new``."""
    if old == new:
        return dict(items)
    return {new + key[len(old) :]: item for key, item in items.items()}


def _review(out: BoundedEvidence, half: _Half, what: str) -> None:
    """One weak review item for a moved item whose other side was not read; ``what`` says
    how it moved (``{path}``, ``{parent}`` and ``{names}`` filled in)."""
    if not out.admit(Bump.PATCH, Strength.WEAK):
        return
    item = half.items[half.public]
    moved = what.format(path=half.path, parent=half.parent, names=", ".join(sorted(half.aliases)))
    out.keep(
        evidence(
            "rust-api",
            EvidenceKind.API_CHANGED,
            Bump.PATCH,
            Strength.WEAK,
            f"pub {item.kind} {item.name} {moved} (review)",
            path=half.path,
            line=item.line,
            review=True,
        )
    )
