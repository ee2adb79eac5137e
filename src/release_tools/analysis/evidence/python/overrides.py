"""Overrides removed while a base class in another module of the package still defines them.

Modules are compared one at a time, so a member a class stops defining reads as removed even
when the class inherits it from a base in a sibling module (``class AsyncParser(core.Parser)``
dropping its own ``use_args``): callers still find the base's member. After the comparisons,
each such removal of a class member is checked against the head versions of the class's bases
that live in the same top-level package: when one defines the member (itself or through a base
of its own module), the removal becomes a review item, or an incompatible change when the
inherited member cannot be called the way the removed one was.

Only removals that comparisons reported as proof are looked at, and each base module is read
and parsed once per run; a base outside the package (another library) stays opaque.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Sequence

import griffe

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence, read_text
from release_tools.analysis.evidence.python.classes import (
    foreign_bases,
    inherited_change,
    inherited_members,
)
from release_tools.analysis.evidence.python.jobs import Job
from release_tools.analysis.evidence.python.parsing import ModuleSource, Unreadable, parse
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["inherited_elsewhere", "package_root", "removed_path", "replaced"]

log = logging.getLogger(__name__)

_REMOVED = re.compile(r"^removed public \w+ (?P<path>[\w.]+)$")

Member = griffe.Object | griffe.Alias


def removed_path(item: Evidence) -> str | None:
    """The dotted path of the public object a removal finding names (``removed public
    function pkg.mod.f``); None for any other finding."""
    match = _REMOVED.match(item.message) if item.kind is EvidenceKind.API_REMOVED else None
    return None if match is None else match["path"]


def replaced(item: Evidence, bump: Bump, message: str, *, review: bool = False) -> Evidence:
    """A finding that takes the place of the removal ``item``, at its file and line: a major
    incompatible change (proof) or a lower-level review item (weak)."""
    strength = Strength.PROOF if bump is Bump.MAJOR else Strength.WEAK
    return evidence(
        "python-api",
        EvidenceKind.API_CHANGED,
        bump,
        strength,
        message,
        path=item.path,
        line=item.line,
        review=review,
    )


def _find(module: griffe.Module, path: str) -> Member | None:
    """The object at the dotted ``path`` inside ``module`` (``pkg.mod.Class.member``)."""
    if not path.startswith(module.path + "."):
        return None
    found: Member = module
    for part in path[len(module.path) + 1 :].split("."):
        members = found.members if isinstance(found, griffe.Object) else {}
        child = members.get(part)
        if child is None:
            return None
        found = child
    return found


def package_root(dotted: str, path: str) -> str | None:
    """The directory the package tree of module ``dotted`` (file ``path``) starts in."""
    relative = dotted.replace(".", "/")
    for tail in (".py", ".pyi", "/__init__.py", "/__init__.pyi"):
        if path == relative + tail:
            return ""
        if path.endswith("/" + relative + tail):
            return path[: -len(relative + tail) - 1]
    return None


class _Modules:
    """Modules of the package read at the head, each parsed once."""

    def __init__(self, ctx: AnalysisContext, root: str) -> None:
        self._ctx, self._root = ctx, root
        self._parsed: dict[str, griffe.Module | None] = {}

    def get(self, dotted: str) -> griffe.Module | None:
        if dotted not in self._parsed:
            self._parsed[dotted] = self._read(dotted)
        return self._parsed[dotted]

    def _read(self, dotted: str) -> griffe.Module | None:
        relative = dotted.replace(".", "/")
        for tail in (".py", "/__init__.py"):
            path = posixpath.join(self._root, relative + tail) if self._root else relative + tail
            code = read_text(self._ctx, self._ctx.head_sha, path)
            if code is None:
                continue
            try:
                return parse(dotted, ModuleSource(path, code))[0]
            except Unreadable:
                log.debug("base module %s does not parse", path)
                return None
        return None


def _base_member(
    owner: griffe.Class, member: str, package: str, modules: _Modules
) -> Member | None:
    """The ``member`` that a base of ``owner`` from another module of ``package`` defines."""
    for path in foreign_bases(owner):
        if not path.startswith(package + "."):
            continue
        module_path, _, class_name = path.rpartition(".")
        module = modules.get(module_path)
        base = module.members.get(class_name) if module is not None else None
        if not isinstance(base, griffe.Class):
            continue
        found = base.members.get(member) or inherited_members(base).get(member)
        if found is not None:
            return found
    return None


def inherited_elsewhere(
    ctx: AnalysisContext, jobs: Sequence[Job], items: list[Evidence]
) -> list[Evidence]:
    """``items`` with each removed class member that a base in another module of the package
    still defines turned into what callers see: the base's member answering them."""
    by_path = {old.path: job for job in jobs if (old := job[1]) is not None and job[2] is not None}
    readers: dict[str, _Modules] = {}
    parsed: dict[tuple[str, str, str], griffe.Module | None] = {}

    def module(side: str, dotted: str, source: ModuleSource) -> griffe.Module | None:
        key = (side, dotted, source.path)
        if key not in parsed:
            try:
                parsed[key] = parse(dotted, source)[0]
            except Unreadable:
                parsed[key] = None
        return parsed[key]

    out: list[Evidence] = []
    for item in items:
        path = removed_path(item)
        job = by_path.get(item.path or "") if path else None
        if path is None or job is None or item.strength is not Strength.PROOF:
            out.append(item)
            continue
        dotted, old_source, new_source, _exposed, _stars = job
        assert old_source is not None and new_source is not None
        root = package_root(dotted, new_source.path)
        new_module = module("head", dotted, ModuleSource(new_source.path, new_source.code))
        old_module = module("base", dotted, ModuleSource(old_source.path, old_source.code))
        owner = _find(new_module, path.rpartition(".")[0]) if new_module is not None else None
        removed = _find(old_module, path) if old_module is not None else None
        if root is None or not isinstance(owner, griffe.Class) or removed is None:
            out.append(item)
            continue
        modules = readers.setdefault(root, _Modules(ctx, root))
        inherited = _base_member(owner, path.rpartition(".")[2], dotted.split(".")[0], modules)
        if inherited is None:
            out.append(item)
            continue
        change = inherited_change(removed, inherited)
        if change:
            message = f"incompatible {path}, now inherited as {inherited.path}: {change}"
            out.append(replaced(item, Bump.MAJOR, message))
        else:
            message = f"{path} no longer overrides {inherited.path}; the inherited one answers"
            out.append(replaced(item, Bump.PATCH, message + " (review)", review=True))
    return out
