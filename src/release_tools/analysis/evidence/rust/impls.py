"""Which type an inherent impl belongs to, wherever the impl sits in the crate.

An impl need not sit beside its type: ``impl Foo`` in a private ``imp.rs`` that says
``use crate::Foo;`` gives the public ``Foo`` its methods, and moving the block from one file to
another takes nothing from callers. Types are told apart by their *home*, the file that
declares (or re-exports) them and their name there (``src/lib.rs::Foo``): the impl's own file
when it declares the type ``pub``, else the path its ``use`` names, followed through ``crate``,
``self``, ``super`` and child modules (``mod types;`` -> ``types.rs`` or ``types/mod.rs``).
Another crate's path, a glob import or a private type has no home here, and such an impl is
left to the rules of the file it sits in.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from release_tools.analysis.evidence.rust.items import RustModule
from release_tools.analysis.evidence.rust.modules import ALL, declaring_files, exposure

__all__ = ["TYPE_KINDS", "is_public_home", "type_home"]

#: Item kinds that an inherent impl can be written for.
TYPE_KINDS = frozenset({"struct", "enum", "union", "type", "use"})

Loader = Callable[[str], RustModule | None]
Exists = Callable[[str], bool]


def _children_dir(path: str) -> str:
    directory, file = posixpath.split(path)
    stem = file.removesuffix(".rs")
    return directory if stem in ("lib", "mod", "main") else posixpath.join(directory, stem)


def _crate_root(path: str, exists: Exists) -> str | None:
    directory = posixpath.dirname(path)
    while True:
        root = posixpath.join(directory, "lib.rs")
        if exists(root):
            return root
        if not directory:
            return None
        directory = posixpath.dirname(directory)


def _child(parent: str, name: str, exists: Exists) -> str | None:
    directory = _children_dir(parent)
    for candidate in (
        posixpath.join(directory, name + ".rs"),
        posixpath.join(directory, name, "mod.rs"),
    ):
        if exists(candidate):
            return candidate
    return None


def _parent(path: str, exists: Exists) -> str | None:
    found = declaring_files(path)
    if found is None:
        return None
    return next((candidate for candidate in found[0] if exists(candidate)), None)


def _resolve(importer: str, target: str, load: Loader, exists: Exists) -> str | None:
    """The home (``file::Name``) of the ``use`` path ``target`` of file ``importer``."""
    *modules, name = target.split("::")
    if not modules:
        return None
    current: str | None = importer
    if modules[0] == "crate":
        current, modules = _crate_root(importer, exists), modules[1:]
    elif modules[0] == "self":
        modules = modules[1:]
    elif modules[0] != "super":
        module = load(importer)
        if module is None or modules[0] not in module.modules:
            return None  # another crate's path
    while current is not None and modules and modules[0] == "super":
        current, modules = _parent(current, exists), modules[1:]
    for segment in modules:
        if current is None:
            return None
        current = _child(current, segment, exists)
    return None if current is None else f"{current}::{name}"


#: How many re-exports (``pub use map::HashMap``) a home is followed through.
MAX_HOPS = 4


def type_home(path: str, owner: str, load: Loader, exists: Exists) -> str | None:
    """The home of the type ``owner`` as the file ``path`` names it; None when unknown.

    A re-export (``pub use crate::map::HashMap`` in ``lib.rs``) is followed to the file that
    declares the type, so the impls that name it either way meet at one home."""
    home: str | None = None
    for _hop in range(MAX_HOPS):
        module = load(path)
        if module is None:
            return home
        item = module.items.get(owner)
        if item is not None and item.kind in TYPE_KINDS - {"use"}:
            return f"{path}::{owner}"
        target = module.imports.get(owner)
        found = _resolve(path, target, load, exists) if target else None
        if found is None:
            return home if home is not None else (f"{path}::{owner}" if item else None)
        home = found
        path, _, owner = found.rpartition("::")
    return home


def is_public_home(home: str, load: Loader) -> bool:
    """Whether the type at ``home`` is reachable from the crate root."""
    path, _, name = home.rpartition("::")
    module = load(path)
    if module is None or name not in module.items:
        return False
    names = exposure(path, load)
    return names is ALL or "*" in names or name in names
