"""Which module files of a library crate are reachable from outside, and which of their names.

``lib.rs`` is the crate root. A file module is reachable when its parent declares it
``pub mod``; a private ``mod imp;`` still exposes what the parent re-exports from it:
everything for a glob (``pub use imp::*``), the named items for ``pub use imp::{A, B as C}``.
Each level up needs the same: the parent module itself declared ``pub mod``, or re-exported.
Binaries (``main.rs``, ``src/bin/``), tests, benches, examples and ``build.rs`` are not
library code.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from release_tools.analysis.evidence.rust.items import RustItem, RustModule
from release_tools.analysis.evidence.rust.syntax import parse_module

__all__ = [
    "ALL",
    "ancestor_candidates",
    "crate_path",
    "declaring_files",
    "exposed_items",
    "exposure",
    "module_is_public",
    "module_path",
    "reexported_as",
]

#: Every public item of the module is reachable.
ALL: frozenset[str] = frozenset({"*"})
_NONE: frozenset[str] = frozenset()
_SKIP_DIRS = frozenset({"tests", "benches", "examples", "bin", "target", "fuzz"})

Loader = Callable[[str], RustModule | None]


def crate_path(path: str) -> bool:
    """Whether ``path`` may be a library module file (not a binary, test, bench, build script)."""
    parts = path.split("/")
    if any(part in _SKIP_DIRS for part in parts[:-1]):
        return False
    return parts[-1] not in ("main.rs", "build.rs")


def _module_parent(path: str) -> tuple[list[str], str] | None:
    """Candidate parent files of a module file and the module's name."""
    directory, file = posixpath.split(path)
    stem = file.removesuffix(".rs")
    if stem in ("lib", "main"):
        return None
    if stem == "mod":
        directory, stem = posixpath.split(directory)
    parents = [
        posixpath.join(directory, "lib.rs"),
        posixpath.join(directory, "mod.rs"),
        directory + ".rs",
    ]
    return parents, stem


def declaring_files(path: str) -> tuple[list[str], str] | None:
    """The files that may declare the module file ``path`` (``lib.rs``, ``mod.rs`` or
    ``parent.rs`` beside or above it) and its module name; None for a crate root."""
    return _module_parent(path)


def ancestor_candidates(path: str) -> list[str]:
    """Every file that may declare ``path`` or one of its parent modules."""
    out: list[str] = []
    directory = posixpath.dirname(path)
    while True:
        out += [posixpath.join(directory, name) for name in ("lib.rs", "mod.rs")]
        out.append(directory + ".rs")
        if not directory:
            return out
        directory = posixpath.dirname(directory)


def _reexported(module: RustModule, stem: str, root: bool) -> frozenset[str]:
    """The names of child module ``stem`` that ``module``'s ``pub use`` lines bring out."""
    names: set[str] = set()
    for use in module.uses:
        path = use.path.removeprefix("self::")
        if root:
            path = path.removeprefix("crate::")
        if use.name == "*" and path == stem:
            return ALL
        head, _, rest = path.partition("::")
        if head == stem and rest:
            names.add(rest.split("::", 1)[0])
    return frozenset(names)


def exposure(path: str, load: Loader) -> frozenset[str]:
    """The names of module file ``path`` reachable from the crate root: :data:`ALL`, some, none.

    ``load`` gives what a file declares (None when absent or unreadable).
    """
    seen: set[str] = set()
    current, names, first, previous = path, ALL, True, ""
    while current not in seen:
        seen.add(current)
        parent = _module_parent(current)
        if parent is None:
            return names if posixpath.basename(current) == "lib.rs" else _NONE
        candidates, stem = parent
        found: tuple[str, RustModule] | None = None
        for candidate in candidates:
            module = load(candidate)
            if module is not None and stem in module.modules:
                found = (candidate, module)
                break
        if found is None:
            return _NONE
        candidate, module = found
        if not module.modules[stem]:
            level = _reexported(module, stem, posixpath.basename(candidate) == "lib.rs")
            if first:
                names = level
            elif level is not ALL and previous not in level:
                return _NONE
            if not names:
                return _NONE
        first, previous, current = False, stem, candidate
    return _NONE


def reexported_as(path: str, load: Loader) -> tuple[str, dict[str, set[str]]] | None:
    """For a private file module, its declaring file and the names that file's ``pub use``
    lines give its items there (``pub use imp::{A, B as C}``: A -> {A}, B -> {C}; a glob,
    ``pub use imp::*``, gives every top-level item its own name); None for a
    public module, a crate root or an undeclared file.

    Callers reach such an item by the re-exporting module's path and the exported name: the
    item may move to another private module while that path stays.
    """
    parent = _module_parent(path)
    if parent is None:
        return None
    candidates, stem = parent
    for candidate in candidates:
        module = load(candidate)
        if module is not None and stem in module.modules:
            break
    else:
        return None
    if module.modules[stem]:
        return None
    root = posixpath.basename(candidate) == "lib.rs"
    names: dict[str, set[str]] = {}
    for use in module.uses:
        source = use.path.removeprefix("self::")
        if root:
            source = source.removeprefix("crate::")
        head, _, rest = source.partition("::")
        if use.name == "*" and source == stem:
            # A glob passes on every top-level item of the module under its own name.
            own = load(path)
            for name, item in (own.items if own is not None else {}).items():
                if "::" not in name and item.kind != "macro":
                    names.setdefault(name, set()).add(name)
        elif head == stem and rest and "::" not in rest and use.name != "*":
            names.setdefault(rest, set()).add(use.name)
    return candidate, names


def module_path(path: str, load: Loader) -> str | None:
    """The path callers write for the module file ``path`` (``crate::a::b`` for ``src/a/b.rs``
    declared by ``src/a.rs``, ``crate`` for ``lib.rs``), following the ``mod`` declarations
    up to the crate root; None when a link is missing."""
    segments: list[str] = []
    current, seen = path, set()
    while current not in seen:
        seen.add(current)
        parent = _module_parent(current)
        if parent is None:
            if posixpath.basename(current) != "lib.rs":
                return None
            return "::".join(["crate", *reversed(segments)])
        candidates, stem = parent
        declaring = next(
            (c for c in candidates if (module := load(c)) is not None and stem in module.modules),
            None,
        )
        if declaring is None:
            return None
        segments.append(stem)
        current = declaring
    return None


def exposed_items(module: RustModule, names: frozenset[str]) -> dict[str, RustItem]:
    """The items of ``module`` that ``names`` (from :func:`exposure`) lets out."""
    if names is ALL or "*" in names:
        return module.items
    return {k: v for k, v in module.items.items() if k.split("::", 1)[0] in names}


def module_is_public(path: str, read: Callable[[str], str | None]) -> bool:
    """Whether the module file ``path`` is reachable as public API from ``lib.rs``.

    ``read`` gives a file's text (None when absent).
    """

    def load(candidate: str) -> RustModule | None:
        text = read(candidate)
        return parse_module(text) if text is not None else None

    return bool(exposure(path, load))
