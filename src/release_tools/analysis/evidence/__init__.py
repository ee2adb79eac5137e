"""Static evidence for the bump: commit messages, public API changes, surfaces, file kinds.

:func:`gather_evidence` runs every gatherer on one :class:`AnalysisContext`. Each gatherer is a
plain function ``gather(ctx) -> list[Evidence]`` in its own module. A gatherer that fails on
unexpected input is logged and skipped, so one odd file cannot stop the whole analysis; the
others still speak. Each source is capped at :data:`MAX_PER_SOURCE` items (the strongest kept)
plus summary items with exact counts, so that output stays readable on huge changes.
"""

from __future__ import annotations

import importlib
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence import (
    changelog,
    commits,
    deprecations,
    file_kinds,
    gomodule,
    notes,
    reverts,
    runtime,
    surface,
)
from release_tools.analysis.evidence._common import MAX_PER_SOURCE, cap_evidence
from release_tools.analysis.evidence._fork import fork_call
from release_tools.analysis.evidence._listed import start_listed, take_listed
from release_tools.analysis.evidence.python import api as python_api
from release_tools.analysis.models import Evidence
from release_tools.errors import ReleaseToolsError

__all__ = [
    "GATHERERS",
    "JAVASCRIPT_FILES",
    "MAX_PER_SOURCE",
    "PARALLEL_MIN_FILES",
    "PARALLEL_MIN_LINES",
    "LazyGatherer",
    "cap_evidence",
    "gather_evidence",
    "start_background",
]

log = logging.getLogger(__name__)

Gatherer = Callable[[AnalysisContext], list[Evidence]]


@dataclass(frozen=True, slots=True)
class LazyGatherer:
    """A language's gatherer, imported the first time a range changes one of its files.

    Loading a language's reader and its tables costs tens of milliseconds, a range seldom
    touches more than one language, and a gatherer finds nothing without its files: a range
    that changes none of ``suffixes`` (under either name) gets no evidence from it, unread.
    """

    module: str
    suffixes: tuple[str, ...]
    #: External programs the gatherer asks for a verdict when all of them are on PATH.
    tools: tuple[str, ...] = ()

    def runs_tools(self) -> bool:
        """Whether the gatherer would run its external programs here."""
        return bool(self.tools) and all(shutil.which(tool) for tool in self.tools)

    def touched(self, ctx: AnalysisContext) -> bool:
        """Whether a file of the range ends with one of :attr:`suffixes`."""
        ends = self.suffixes
        return any(c.path.endswith(ends) or (c.old_path or "").endswith(ends) for c in ctx.changes)

    def __call__(self, ctx: AnalysisContext) -> list[Evidence]:
        if not self.touched(ctx):
            return []
        gather: Gatherer = importlib.import_module(self.module).gather
        return gather(ctx)


#: The file names the JavaScript gatherer reads: modules, declaration files, package.json.
JAVASCRIPT_FILES: Sequence[str] = (
    *(".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"),
    "package.json",
)

#: Every gatherer, in the order their evidence is listed.
GATHERERS: tuple[tuple[str, Gatherer], ...] = (
    ("commits", commits.gather),
    ("change-notes", notes.gather),
    ("changelog", changelog.gather),
    ("python-api", python_api.gather),
    (
        "javascript-api",
        LazyGatherer("release_tools.analysis.evidence.javascript.gatherer", (*JAVASCRIPT_FILES,)),
    ),
    (
        "rust-api",
        LazyGatherer(
            "release_tools.analysis.evidence.rust", (".rs",), ("cargo", "cargo-semver-checks")
        ),
    ),
    ("go-api", LazyGatherer("release_tools.analysis.evidence.go", (".go",), ("apidiff",))),
    ("go-module", gomodule.gather),
    ("surface", surface.gather),
    ("deprecations", deprecations.gather),
    ("runtime", runtime.gather),
    ("file-kinds", file_kinds.gather),
)

#: The gatherers that run in this process while a forked child runs the others, on big ranges
#: (see :func:`_parallel`): the per-language API comparisons (module parsing, export scanning),
#: the costliest ones. A range is seldom heavy in more than one language, so the child's share
#: (the text-reading gatherers over every changed file) weighs about as much.
_MAIN_GATHERERS = frozenset({"python-api", "javascript-api", "rust-api", "go-api"})
#: Changed files from which the gatherers are split over two processes (a fork costs a few ms).
PARALLEL_MIN_FILES = 200
#: Changed lines from which they are split too: a few huge generated files are as much work
#: for the text-reading gatherers as hundreds of small ones.
PARALLEL_MIN_LINES = 100_000


#: The gatherers that read only the list of changed files (never the hunks): they start in a
#: child before the diff is read (see :func:`start_background`), unless they would run an
#: external program (cargo-semver-checks, apidiff), which is left to this process: a child
#: stopped early must not leave a tool running, and a tool's time limit is not to be shared
#: with the diff.
_LISTED_GATHERERS = ("javascript-api", "rust-api", "go-api")


def start_background(ctx: AnalysisContext, is_excluded: Callable[[str, str | None], bool]) -> None:
    """Start the evidence work that needs no diff, before the diff is read.

    The Python API comparisons of the changed modules (a prefetch whose results
    :mod:`~release_tools.analysis.evidence.python.api` reuses) and the gatherers that read only
    the list of changed files (see :mod:`~release_tools.analysis.evidence._listed`) each run in a
    forked child while git computes the diff; they are kept in ``ctx.background``, which the
    caller cancels if no evidence is gathered. ``is_excluded`` is the path filter's test.
    """
    python_api.start_prefetch(ctx, is_excluded)
    by_name = dict(GATHERERS)
    early: dict[str, LazyGatherer] = {}
    for name in _LISTED_GATHERERS:
        gatherer = by_name[name]
        if isinstance(gatherer, LazyGatherer) and not gatherer.runs_tools():
            early[name] = gatherer
    suffixes = tuple(suffix for gatherer in early.values() for suffix in gatherer.suffixes)
    start_listed(ctx, is_excluded, early, suffixes)


def _parallel(ctx: AnalysisContext) -> bool:
    """Whether the range is big enough for the gatherers to be split over two processes."""
    if len(ctx.changes) >= PARALLEL_MIN_FILES:
        return True
    return sum(c.additions + c.deletions for c in ctx.changes) >= PARALLEL_MIN_LINES


def _run(name: str, gather: Gatherer, ctx: AnalysisContext) -> list[Evidence]:
    """One gatherer's evidence; empty (and logged) when it fails."""
    try:
        found = gather(ctx)
    except ReleaseToolsError as exc:
        log.warning("evidence gatherer %s failed: %s", name, exc)
        return []
    except Exception:
        # A heuristic tripping on unusual input must not cost the user the whole analysis.
        log.warning("evidence gatherer %s crashed; its evidence is skipped", name, exc_info=True)
        return []
    log.debug("evidence gatherer %s: %d items", name, len(found))
    return found


def gather_evidence(ctx: AnalysisContext) -> list[Evidence]:
    """Run every gatherer on ``ctx`` and return their evidence, capped per source.

    On big ranges the gatherers other than the per-language API comparisons run in a forked
    child meanwhile (see :mod:`~release_tools.analysis.evidence._fork`); the evidence is
    the same.
    """
    others = [(name, gather) for name, gather in GATHERERS if name not in _MAIN_GATHERERS]
    child = None
    if _parallel(ctx):
        child = fork_call(lambda: [_run(name, gather, ctx) for name, gather in others])
    # What the early child found (see start_background) is the same evidence, already there.
    found: dict[str, list[Evidence]] = take_listed(ctx)
    for name, gather in GATHERERS:
        if name not in found and (child is None or name in _MAIN_GATHERERS):
            found[name] = _run(name, gather, ctx)
    if child is not None:
        received = child.result()
        if received is None or len(received) != len(others):
            log.debug("no evidence from the child process; gathering its share here")
            received = [_run(name, gather, ctx) for name, gather in others]
        found.update(zip((name for name, _gather in others), received, strict=True))
    items = reverts.withdrawn(ctx, [item for name, _gather in GATHERERS for item in found[name]])
    # Strongest first, so that reports open with what decided; the sort is stable, so each
    # source keeps its own order (commits newest first, which Release-As relies on).
    items.sort(key=lambda e: (-e.level, e.strength.rank))
    return cap_evidence(items)
