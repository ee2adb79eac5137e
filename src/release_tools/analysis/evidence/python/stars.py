"""What the star imports of a public module brought at the base, name by name.

``from ._api import *`` in a package's ``__init__`` makes every public name of ``_api`` a name
of the package; a one-module comparison sees the star, not the names. When the package later
imports those names one by one (``from ._api import get, post``), each reads as new API
unless the comparison knows the star brought it already. So the module the star names is read
at the base (its ``__all__``, else its names without a leading underscore) and each name it
gave is passed to the comparison as a dotted target (``pkg._api.get``). A star the module
cannot be found for, or that is too big to read, brings nothing known: its names stay new.

The head is read the same way, for the reverse change: names imported one by one at the base
and by a star at the head are still there when the star brings them, and removed when the
star's module, read, does not. Each module read whole is marked by a ``pkg._api.*``
target: one with star imports of its own, or an ``__all__`` computed from other lists, may
give names this reading does not see.
"""

from __future__ import annotations

import posixpath
import re

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_texts
from release_tools.analysis.evidence.python.jobs import Source

__all__ = ["MAX_STAR_SOURCE_CHARS", "star_targets"]

#: ``__all__`` changed after it is written (``__all__.extend(...)``, ``__all__ += ...``):
#: griffe reads the first list only.
_ALL_CHANGED = re.compile(r"\b__all__\s*(?:\.\s*(?:extend|append|insert|remove)\b|\+=|\[)")
#: A star-imported module is read to list its names up to this many characters.
MAX_STAR_SOURCE_CHARS = 1_000_000


def _root(dotted: str, path: str) -> str:
    """The directory the dotted names start from (``src/`` for ``src/pkg/__init__.py``)."""
    depth = len(dotted.split("."))
    directory = posixpath.dirname(path)
    is_package = posixpath.basename(path) in ("__init__.py", "__init__.pyi")
    for _level in range(depth if is_package else depth - 1):
        directory = posixpath.dirname(directory)
    return directory


def star_targets(ctx: AnalysisContext, ref: str, dotted: str, source: Source) -> frozenset[str]:
    """The dotted targets (``pkg._api.get``) that the ``from x import *`` lines of module
    ``dotted`` (``source``, at ``ref``) brought in, and ``x.*`` for each ``x`` read; empty
    when it has none."""
    if "import *" not in source.code:
        return frozenset()
    import griffe

    from release_tools.analysis.evidence.python.parsing import ModuleSource, Unreadable, visit

    try:
        module = visit(dotted, ModuleSource(source.path, source.code))
    except Unreadable:
        return frozenset()
    stars = sorted(
        {m.wildcard for m in module.members.values() if isinstance(m, griffe.Alias) and m.wildcard}
    )
    if not stars:
        return frozenset()
    root = _root(dotted, source.path)
    candidates = {
        star: [
            posixpath.join(root, *star.split(".")) + ".py",
            posixpath.join(root, *star.split("."), "__init__.py"),
        ]
        for star in stars
    }
    texts = read_texts(ctx, ref, [c for paths in candidates.values() for c in paths])
    found: set[str] = set()
    for star, paths in candidates.items():
        path = next((p for p in paths if p in texts), None)
        if path is None or len(texts[path]) > MAX_STAR_SOURCE_CHARS:
            continue
        try:
            source_module = visit(star, ModuleSource(path, texts[path]))
        except Unreadable:
            continue
        exports = source_module.exports
        if exports:
            names = {e for e in exports if isinstance(e, str)}
        else:
            names = {
                name
                for name, member in source_module.members.items()
                if not name.startswith("_")
                and not (isinstance(member, griffe.Alias) and member.wildcard)
            }
        found |= {f"{star}.{name}" for name in names}
        # Read whole: an ``__all__`` of strings only that no later statement changes, or
        # without one, no star import of its own (its names would be unseen).
        if exports:
            whole = all(isinstance(e, str) for e in exports) and not _ALL_CHANGED.search(
                texts[path]
            )
        else:
            whole = not any(
                isinstance(member, griffe.Alias) and member.wildcard
                for member in source_module.members.values()
            )
        if whole:
            found.add(f"{star}.*")
    return frozenset(found)
