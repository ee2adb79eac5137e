"""The ``macro_rules!`` macros of the crates a range changes, read from their other files.

A crate declares its helper macros once (``src/macros.rs``) and invokes them in other files,
so a file's own macros are not enough to expand what it invokes. ``git grep`` names the
files of each crate's source directory that declare one; those are read within a byte bound
and their rules handed to the reader (see :mod:`.macros`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import blob_sizes, read_texts
from release_tools.analysis.evidence._grep import with_any
from release_tools.analysis.evidence.rust.macros import Rule
from release_tools.analysis.evidence.rust.syntax import macro_rules

__all__ = ["MAX_BYTES", "MAX_FILES", "crate_rules", "source_root"]

#: Files declaring macros read per side, and their bytes in all.
MAX_FILES = 64
MAX_BYTES = 2_000_000


def source_root(path: str) -> str:
    """The source directory of the crate a module file belongs to: up to its last ``src``
    directory, else the file's own directory."""
    parts = path.split("/")[:-1]
    if "src" in parts:
        return "/".join(parts[: len(parts) - parts[::-1].index("src")])
    return posixpath.dirname(path)


def crate_rules(ctx: AnalysisContext, ref: str, paths: Iterable[str]) -> dict[str, list[Rule]]:
    """The macros the files of the crates of ``paths`` declare at ``ref``, by name (files in
    path order, a later declaration of a name winning)."""
    roots = sorted({source_root(path) for path in paths})
    if not roots:
        return {}
    specs = [f":(glob){root}/**/*.rs" if root else ":(glob)**/*.rs" for root in roots]
    listed = with_any(ctx, ref, specs, ["macro_rules!"])
    sizes = blob_sizes(ctx, ref, listed)
    chosen: list[str] = []
    total = 0
    for path in listed:
        size = sizes.get(path, MAX_BYTES + 1)
        if len(chosen) == MAX_FILES or total + size > MAX_BYTES:
            break
        chosen.append(path)
        total += size
    texts = read_texts(ctx, ref, chosen)
    rules: dict[str, list[Rule]] = {}
    for path in chosen:
        text = texts.get(path)
        if text is not None:
            rules.update(macro_rules(text))
    return rules
