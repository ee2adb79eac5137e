"""What a class offers besides its own body: members inherited from bases the comparison can
read (those defined in the same module), and bases it cannot (imported or dotted names).

The comparison reads one module at a time, so a base imported from elsewhere is opaque: a member
that moved there cannot be told from one that was removed.
"""

from __future__ import annotations

import griffe

__all__ = ["class_public", "gained_foreign_bases", "inherited_names"]


def inherited_names(cls: griffe.Class) -> frozenset[str]:
    """Member names that ``cls`` inherits from base classes defined in its own module.

    Bases imported from elsewhere are not followed: the comparison reads one module at a time.
    """
    module = cls.module
    names: set[str] = set()
    seen: set[str] = {cls.name}
    pending = [str(base) for base in cls.bases]
    while pending:
        base_name = pending.pop()
        if base_name in seen or "." in base_name:
            continue
        seen.add(base_name)
        base = module.members.get(base_name)
        if isinstance(base, griffe.Class):
            names.update(base.members)
            pending.extend(str(b) for b in base.bases)
    return frozenset(names)


def gained_foreign_bases(
    before: griffe.Object | griffe.Alias | None, cls: griffe.Class
) -> list[str]:
    """The base classes ``cls`` has now and did not have in ``before``, among those this
    module-at-a-time comparison cannot read (imported or dotted names): their members are
    unknown here."""
    old_bases = {str(b) for b in before.bases} if isinstance(before, griffe.Class) else set()
    local = cls.module.members
    return [
        str(base)
        for base in cls.bases
        if str(base) not in old_bases
        and ("." in str(base) or not isinstance(local.get(str(base)), griffe.Class))
    ]


def class_public(cls: griffe.Class) -> dict[str, griffe.Object | griffe.Alias]:
    # __init__ and __call__ are compared for their parameters; other dunders are plumbing.
    return {
        name: member
        for name, member in cls.members.items()
        if not name.startswith("_") or name in ("__init__", "__call__")
    }
