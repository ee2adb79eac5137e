"""Names removed from a stub file that its runtime module never defined.

A package that ships ``mod.pyi`` beside ``mod.py`` describes the runtime module's API in the
stub. A name the stub declares but the runtime module does not define (a stale entry for a
function removed in an earlier release, or a typing-only helper such as a ``Protocol``) was
never importable at run time: taking it out of the stub breaks no running code, at most an
annotation that a type checker reads. After the comparisons, such removals become review items.

The runtime module is read at the base; one that defines names dynamically (a ``from x import
*``, a module ``__getattr__``) or that is missing (a C extension) is left alone: the stub may be
the only written record of its API.
"""

from __future__ import annotations

import griffe

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_text
from release_tools.analysis.evidence.python.jobs import Job
from release_tools.analysis.evidence.python.overrides import removed_path, replaced
from release_tools.analysis.evidence.python.parsing import ModuleSource, Unreadable, parse
from release_tools.analysis.models import Bump, Evidence

__all__ = ["stub_only_removals"]


def _runtime(ctx: AnalysisContext, dotted: str, stub: str) -> griffe.Module | None:
    """The runtime module beside ``stub`` at the base, when it defines its names statically."""
    code = read_text(ctx, ctx.base_sha, stub[:-1])
    if code is None:
        return None
    try:
        module = parse(dotted, ModuleSource(stub[:-1], code))[0]
    except Unreadable:
        return None
    dynamic = "__getattr__" in module.members or any(
        isinstance(m, griffe.Alias) and m.wildcard for m in module.members.values()
    )
    return None if dynamic else module


def _defines(module: griffe.Module, path: str) -> bool:
    """Whether ``module`` defines the object at ``path`` (or the class holding it)."""
    found: griffe.Object | griffe.Alias = module
    for part in path[len(module.path) + 1 :].split("."):
        if isinstance(found, griffe.Alias):
            return True  # imported from elsewhere: what it holds is not read here
        child = found.members.get(part)
        if child is None:
            return False
        found = child
    return True


def stub_only_removals(
    ctx: AnalysisContext, jobs: list[Job], items: list[Evidence]
) -> list[Evidence]:
    """``items`` with each removal from a ``.pyi`` stub of a name its runtime module did not
    define at the base turned into a review item."""
    dotted_of = {old.path: job[0] for job in jobs if (old := job[1]) is not None}
    runtimes: dict[str, griffe.Module | None] = {}
    out: list[Evidence] = []
    for item in items:
        path = removed_path(item)
        stub = item.path or ""
        dotted = dotted_of.get(stub)
        if (
            path is None
            or dotted is None
            or not stub.endswith(".pyi")
            or not path.startswith(dotted + ".")
        ):
            out.append(item)
            continue
        if stub not in runtimes:
            runtimes[stub] = _runtime(ctx, dotted, stub)
        runtime = runtimes[stub]
        if runtime is None or _defines(runtime, path):
            out.append(item)
            continue
        message = (
            f"{path} left the stub {stub}; {stub[:-1]} never defined it, so no running code "
            "used it (review: annotations naming it no longer check)"
        )
        out.append(replaced(item, Bump.PATCH, message))
    return out
