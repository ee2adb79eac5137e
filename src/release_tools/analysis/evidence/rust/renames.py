"""Items of a private module that callers reach only under another name.

``lib.rs`` says ``mod inner; pub use inner::Thing as Alias;``: ``inner`` is private, so
callers write ``demo::Alias`` and never ``Thing``. The items of ``inner.rs`` are read under
their declared names; this module gives such an item (and its members, ``Thing::new``) the
path callers write, ``crate::Alias`` (``crate::Alias::new``), so that its findings name what
breaks for them. An item also re-exported under its own name keeps that name: it is reached
by it. Renaming the alias gives another path, so the old one reads as removed and the new
one as added.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from release_tools.analysis.evidence.rust.items import RustModule
from release_tools.analysis.evidence.rust.modules import module_path, reexported_as

__all__ = ["exported_paths", "under_exported_paths"]

Loader = Callable[[str], RustModule | None]
_Value = TypeVar("_Value")


def exported_paths(path: str, load: Loader) -> dict[str, list[str]]:
    """``{declared name: [path callers write, ...]}`` for the items of module file ``path``
    that the module declaring it re-exports only under other names; {} when there are none
    (a public module, a crate root, only re-exports under the declared names)."""
    found = reexported_as(path, load)
    if found is None:
        return {}
    parent, names = found
    renamed = {name: aliases for name, aliases in names.items() if name not in aliases}
    if not renamed:
        return {}
    prefix = module_path(parent, load)
    return {
        name: [f"{prefix}::{alias}" if prefix else alias for alias in sorted(aliases)]
        for name, aliases in renamed.items()
    }


def under_exported_paths(
    items: Mapping[str, _Value], paths: Mapping[str, list[str]]
) -> dict[str, _Value]:
    """``items`` (keyed ``Name`` or ``Name::member``) with each name of ``paths`` keyed by the
    paths callers write for it instead."""
    if not paths:
        return dict(items)
    out: dict[str, _Value] = {}
    for key, value in items.items():
        top, separator, rest = key.partition("::")
        if top not in paths:
            out[key] = value
            continue
        for shown in paths[top]:
            out[shown + separator + rest] = value
    return out
