"""Names moved between two modules of one package that serves them from both sides.

A package whose ``__init__`` re-exports its submodules (``from .more import *`` and ``from
.recipes import *``) offers their names as ``pkg.name``, which is how its users import them.
Moving a function from one such submodule to the other (more-itertools 11.0.2 moved
``running_min`` from ``more`` to ``recipes``) reads, one module at a time, as a removal plus
an addition. After the comparisons, each removed top-level name ``pkg.a.name`` with an added
``pkg.b.name`` is checked against the package's ``__init__``: when it served the name from
``a`` at the base and serves it from ``b`` at the head, ``pkg.name`` lives on. The removal
becomes a review item (importers of ``pkg.a.name`` do break), or an incompatible change when
the moved object can no longer be called the same way, and the addition is not new API.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Sequence

import griffe

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_text
from release_tools.analysis.evidence.python.classes import inherited_change
from release_tools.analysis.evidence.python.jobs import Job
from release_tools.analysis.evidence.python.names import is_public_module
from release_tools.analysis.evidence.python.nowhere import parse_ast
from release_tools.analysis.evidence.python.overrides import package_root, removed_path, replaced
from release_tools.analysis.evidence.python.parsing import (
    ModuleSource,
    Unreadable,
    parse,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind

__all__ = ["moved_between_siblings", "serves_from"]

_ADDED = re.compile(r"^new public \w+ (?P<path>[\w.]+)$")


def _added_path(item: Evidence) -> str | None:
    """The dotted path of the public object an addition finding names."""
    match = _ADDED.match(item.message) if item.kind is EvidenceKind.API_ADDED else None
    return None if match is None else match["path"]


def serves_from(code: str, package: str, module: str, name: str) -> bool:
    """Whether ``package``'s ``__init__`` source ``code`` imports ``name`` from its submodule
    ``module`` (a leaf name), by name or by a star import, at its top level."""
    try:
        tree = parse_ast(code)
    except SyntaxError:
        return False
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        relative = node.level == 1 and node.module == module
        absolute = node.level == 0 and node.module == f"{package}.{module}"
        if not (relative or absolute):
            continue
        if any(a.name == "*" or (a.name == name and a.asname in (None, name)) for a in node.names):
            return True
    return False


class _Inits:
    """A package's ``__init__`` sources per side, each read once."""

    def __init__(self, ctx: AnalysisContext) -> None:
        self._ctx = ctx
        self._read: dict[tuple[str, str, str], list[str]] = {}

    def codes(self, sha: str, root: str, package: str) -> list[str]:
        key = (sha, root, package)
        if key not in self._read:
            relative = package.replace(".", "/")
            found: list[str] = []
            for tail in ("/__init__.py", "/__init__.pyi"):
                path = posixpath.join(root, relative + tail) if root else relative + tail
                code = read_text(self._ctx, sha, path)
                if code is not None:
                    found.append(code)
            self._read[key] = found
        return self._read[key]


def _object(source: ModuleSource, dotted: str, name: str) -> griffe.Object | griffe.Alias | None:
    try:
        return parse(dotted, source)[0].members.get(name)
    except Unreadable:
        return None


def moved_between_siblings(
    ctx: AnalysisContext, jobs: Sequence[Job], items: list[Evidence]
) -> list[Evidence]:
    """``items`` with each top-level name moved between two submodules of a package that
    serves it from both sides turned into a review item (or an incompatible change), and the
    matching addition dropped."""
    old_by_path = {old.path: job for job in jobs if (old := job[1]) is not None}
    new_by_path = {new.path: job for job in jobs if (new := job[2]) is not None}
    added: dict[str, list[tuple[Evidence, Job]]] = {}
    for item in items:
        path = _added_path(item)
        job = new_by_path.get(item.path or "") if path else None
        if path is not None and job is not None and path.rpartition(".")[0] == job[0]:
            added.setdefault(path, []).append((item, job))
    if not added:
        return items
    inits = _Inits(ctx)
    dropped: set[int] = set()
    out: list[Evidence] = []
    for item in items:
        path = removed_path(item)
        job = old_by_path.get(item.path or "") if path else None
        if path is None or job is None or path.rpartition(".")[0] != job[0]:
            out.append(item)
            continue
        moved = _moved(ctx, inits, job, path, added)
        if moved is None:
            out.append(item)
            continue
        target, target_job = moved
        dropped.update(id(a) for a, _ in added[target])
        out.append(_finding(item, job, path, target, target_job))
    return [item for item in out if id(item) not in dropped]


def _moved(
    ctx: AnalysisContext,
    inits: _Inits,
    job: Job,
    path: str,
    added: dict[str, list[tuple[Evidence, Job]]],
) -> tuple[str, Job] | None:
    """Where the removed ``path`` of ``job``'s module went, when its package served it from
    there at the head and from ``job``'s module at the base."""
    dotted, old_source = job[0], job[1]
    assert old_source is not None
    package, _, module = dotted.rpartition(".")
    name = path.rpartition(".")[2]
    if not package or not is_public_module(package):
        return None
    root = package_root(dotted, old_source.path)
    if root is None:
        return None
    for target, found in added.items():
        target_module, _, target_name = target.rpartition(".")
        parent, _, leaf = target_module.rpartition(".")
        if target_name != name or parent != package or leaf == module:
            continue
        before = inits.codes(ctx.base_sha, root, package)
        after = inits.codes(ctx.head_sha, root, package)
        if any(serves_from(c, package, module, name) for c in before) and any(
            serves_from(c, package, leaf, name) for c in after
        ):
            return target, found[0][1]
    return None


def _finding(item: Evidence, job: Job, path: str, target: str, target_job: Job) -> Evidence:
    dotted, old_source = job[0], job[1]
    new_source = target_job[2]
    assert old_source is not None and new_source is not None
    package, name = dotted.rpartition(".")[0], path.rpartition(".")[2]
    before = _object(ModuleSource(old_source.path, old_source.code), dotted, name)
    after = _object(ModuleSource(new_source.path, new_source.code), target_job[0], name)
    change = inherited_change(before, after) if before is not None and after is not None else None
    if change:
        message = f"incompatible {package}.{name} (moved to {target}): {change}"
        return replaced(item, Bump.MAJOR, message)
    message = (
        f"{path} moved to {target}; {package}.{name} still serves it "
        f"(review: importers of {path} break)"
    )
    return replaced(item, Bump.PATCH, message)
