"""Public API changes of Python packages between base and head, found with griffe.

Only modules whose files changed are read (from git, in one batch per side) and parsed statically
with :func:`griffe.visit`: no import, no code run, no whole-package load, so the cost follows the
size of the change rather than the size of the project. Before parsing, modules are skipped when
the diff only edits function bodies, and private modules are skipped when no public package
re-exports anything from them. A size budget (:data:`MAX_PARSE_BYTES`) and a number of
modules (:data:`MAX_COMPARED_MODULES`) bound the work on huge ranges; public modules and
package roots come first, and a weak note says when either was reached.
A module too big to parse (:data:`MAX_MODULE_BYTES`) has its top-level names scanned instead,
up to :data:`MAX_SCAN_BYTES` a module and :data:`SCAN_BUDGET_BYTES` a run; a note names each.

What is public, as Python users experience it:

* a module is public when no part of its dotted name starts with an underscore; tests, docs,
  examples and tooling are never shipped API; in a src layout, only packages under ``src/``;
* in a module, ``__all__`` decides when present; otherwise names without a leading underscore
  that the module defines; names it merely imports are not its API, except in a package's
  ``__init__`` where ``from .core import Thing`` *is* the package's API (``pkg.Thing``);
* objects of private modules count when a public package re-exports them: its own top-level
  ``__init__`` (``httpx._client``) or a sibling package's (``_griffe`` re-exported by ``griffe``).

Which modules are compared, read how and in what order is planned by
:mod:`~release_tools.analysis.evidence.python.planner`; the comparison itself (what is
breaking, what is a feature) is in :mod:`~release_tools.analysis.evidence.python.compare`.
Breaking (major, proof): a public module, object or re-export removed; parameters removed,
renamed, made required, moved or changed kind; new required parameters. Features (minor,
strong): new public modules, objects, class members and optional parameters. A file that does
not parse gives weak evidence instead of a crash.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import changed_files, evidence
from release_tools.analysis.evidence._fork import fork_call, spread_requested
from release_tools.analysis.evidence._listed import list_changes, quiet_child
from release_tools.analysis.evidence.python.application import (
    application_packages,
    as_application,
)
from release_tools.analysis.evidence.python.jobs import (
    JobKey,
    Source,
    compare_all,
    compare_job,
    job_key,
    run_comparisons,
)
from release_tools.analysis.evidence.python.names import is_public_module
from release_tools.analysis.evidence.python.planner import (
    MAX_MODULE_BYTES,
    MAX_PARSE_BYTES,
    MAX_SCAN_BYTES,
    SCAN_BUDGET_BYTES,
    Planner,
    StarKey,
    module_name,
    oversized_evidence,
)
from release_tools.analysis.models import (
    Bump,
    ChangeKind,
    Evidence,
    EvidenceKind,
    FileChange,
    Strength,
)

__all__ = [
    "MAX_MODULE_BYTES",
    "MAX_PARSE_BYTES",
    "MAX_SCAN_BYTES",
    "PREFETCH_MIN_MODULES",
    "SCAN_BUDGET_BYTES",
    "Prefetched",
    "gather",
    "is_public_module",
    "module_name",
    "start_prefetch",
]

log = logging.getLogger(__name__)

# A changed line that may touch the API: a definition, an import, an assignment at module or
# class level, __all__, a decorator, or a line of a multi-line signature (ends with a comma).
_API_LINE = re.compile(
    r"^[+-](?:\s*(?:async\s+def|def|class|from|import|@)\s"
    r"|(?:\s{4})?[A-Za-z_][\w, ]*(?::[^=]*)?=|\s{0,4}[A-Za-z_]\w*\s*:"
    r"|.*__all__|\s+\*{0,2}[A-Za-z_]\w*\s*(?::[^=]+)?(?:=.+)?,\s*$|\s*\)\s*(?:->|:))"
)
_RETURN_VALUE = re.compile(r"^\+\s+return\s+[^\s#]")
_RETURN = re.compile(r"^-\s+return\b")


def _may_change_api(change: FileChange) -> bool:
    """False when the diff's hunks only touch lines that cannot change a module's API.

    Most bug fixes edit function bodies; skipping those modules keeps big ranges fast. Without
    hunks (added, deleted, truncated or unparsed files) the module is always compared.
    """
    if change.kind is not ChangeKind.MODIFIED or change.truncated or not change.hunks:
        return True
    for hunk in change.hunks:
        if any(_API_LINE.match(line) for line in hunk.lines if line[:1] in "+-"):
            return True
        # More ``return value`` lines than returns taken out: a function that returned None
        # may now return something (one return rewritten into another changes nothing).
        added = sum(1 for line in hunk.lines if _RETURN_VALUE.match(line))
        if added and added > sum(1 for line in hunk.lines if _RETURN.match(line)):
            return True
    return False


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Python API evidence for the packages whose files changed in the range.

    Comparisons that a prefetch (:func:`start_prefetch`) already made are reused: they are pure
    functions of their job, so the evidence is the same either way.
    """
    prefetched = _take_prefetched(ctx)
    changes = [c for c in changed_files(ctx, (".py", ".pyi")) if _may_change_api(c)]
    if not changes:
        return []
    with _quiet_griffe(), _gc_paused():
        planner = Planner(
            ctx,
            changes,
            prefetched.exposures if prefetched else None,
            prefetched.stars if prefetched else None,
        )
        jobs, considered, exhausted = planner.jobs()
        items = run_comparisons(jobs, prefetched.results if prefetched else None)
        if any(item.kind is EvidenceKind.API_REMOVED for item in items):
            # Imported here: it needs griffe, which analyze loads only when it compares.
            from release_tools.analysis.evidence.python.overrides import inherited_elsewhere
            from release_tools.analysis.evidence.python.siblings import moved_between_siblings
            from release_tools.analysis.evidence.python.stubs import stub_only_removals

            items = stub_only_removals(ctx, jobs, inherited_elsewhere(ctx, jobs, items))
            items = moved_between_siblings(ctx, jobs, items)
    if any(item.bump in ("major", "minor") for item in items):
        items = as_application(items, application_packages(ctx))
    items.extend(oversized_evidence(planner.oversized))
    if exhausted:
        compared = len(jobs)
        log.info(
            "python API: compared %d of %d changed modules (analysis budget)", compared, considered
        )
        items.append(
            evidence(
                "python-api",
                EvidenceKind.UNREAD,
                Bump.PATCH,
                Strength.WEAK,
                f"{considered} Python modules changed; the API of {compared} was compared "
                "(the rest exceeds the analysis budget)",
            )
        )
    return items


#: The name of the prefetch in :attr:`AnalysisContext.background`.
PREFETCH_KEY = "python-api"
#: Changed Python modules from which a prefetch compares anything: below, a child would
#: save less than it costs.
PREFETCH_MIN_MODULES = 8


@dataclass(frozen=True, slots=True)
class Prefetched:
    """What a prefetch computed: exposures by ``__init__`` set, evidence by job, and what the
    star imports of the modules it planned brought (the planning in :func:`gather` reuses it
    instead of parsing those modules again)."""

    exposures: dict[tuple[str, ...], frozenset[str]]
    results: dict[JobKey, list[Evidence]]
    stars: dict[StarKey, frozenset[str]]


def start_prefetch(ctx: AnalysisContext, is_excluded: Callable[[str, str | None], bool]) -> None:
    """Start comparing the range's Python modules in a forked child, before the diff is read.

    While git computes a big diff this process mostly waits, and the comparisons (the costliest
    evidence) only need the changed files' contents. The child
    lists the changed files without the diff (:meth:`Git.name_status`, milliseconds), plans
    the comparisons as :func:`gather` would, and runs them. It cannot see hunks, so it keeps a
    modified module when the multiset of its API-looking lines changed, which is what the
    hunk test of :func:`gather` amounts to but for moved lines; :func:`gather` compares
    whatever the child did not. ``ctx`` needs no changes yet; the result is kept in
    ``ctx.background`` for :func:`gather`.

    The child compares alone while the diff is read (git and the parser use the cores); once
    told that collection is over (:meth:`~release_tools.analysis.context.Background.spread`),
    it splits the comparisons left over two processes, since this one then only waits.
    """
    job = fork_call(lambda: _prefetch(ctx, is_excluded), spreadable=True)
    if job is not None:
        ctx.background[PREFETCH_KEY] = job


def _prefetch(ctx: AnalysisContext, is_excluded: Callable[[str, str | None], bool]) -> Prefetched:
    """The child's side of :func:`start_prefetch`."""
    quiet_child()
    changes = list_changes(ctx, is_excluded)
    listed_ctx = dataclasses.replace(ctx, changes=changes, background={})
    candidates = changed_files(listed_ctx, (".py", ".pyi"))
    if len(candidates) < PREFETCH_MIN_MODULES:
        return Prefetched({}, {}, {})
    with _quiet_griffe(), _gc_paused():
        planner = Planner(listed_ctx, candidates)
        jobs, _considered, _exhausted = planner.jobs(select=_api_lines_differ, scan_oversized=False)
        results: dict[JobKey, list[Evidence]] = {}
        for index, job in enumerate(jobs):
            if spread_requested():
                # The diff is read and the parent waits: the rest on two processes.
                rest = jobs[index:]
                results.update(zip(map(job_key, rest), compare_all(rest), strict=True))
                break
            # One process meanwhile: git computes the diff on the other core.
            results[job_key(job)] = compare_job(job)
    return Prefetched(planner.exposures, results, planner.stars)


def _api_lines_differ(old: Source | None, new: Source | None) -> bool:
    """Whether some line that may touch the API (see :func:`_may_change_api`) was added or
    removed, judged from the two texts: lines whose count differs between them."""
    if old is None or new is None:
        return True
    before, after = Counter(old.code.split("\n")), Counter(new.code.split("\n"))
    changed = (before - after) + (after - before)
    return any(_API_LINE.match("+" + line) for line in changed)


def _take_prefetched(ctx: AnalysisContext) -> Prefetched | None:
    """The prefetch started for ``ctx``, waited for; None when there is none (or it failed)."""
    job = ctx.background.pop(PREFETCH_KEY, None)
    if job is None:
        return None
    found = job.result()
    return found if isinstance(found, Prefetched) else None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while modules are parsed.

    Parsing allocates many objects and few of them die young, so the collector runs again and
    again for nothing: about a fifth of the parsing time. It runs normally afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _quiet_griffe() -> Iterator[None]:
    """Keep griffe's own warnings (unresolvable annotations ...) out of the user's output."""
    logger = logging.getLogger("griffe")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)
