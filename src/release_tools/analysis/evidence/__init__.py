"""Static evidence for the bump: commit messages, public API changes, surfaces, file kinds.

:func:`gather_evidence` runs every gatherer on one :class:`AnalysisContext`. Each gatherer is a
plain function ``gather(ctx) -> list[Evidence]`` in its own module. A gatherer that fails on
unexpected input is logged and skipped, so one odd file cannot stop the whole analysis; the
others still speak. Each source is capped at :data:`MAX_PER_SOURCE` items (the strongest kept)
plus summary items with exact counts, so that output stays readable on huge changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence import (
    commits,
    deprecations,
    file_kinds,
    go,
    gomodule,
    notes,
    runtime,
    rust,
    surface,
)
from release_tools.analysis.evidence._common import MAX_PER_SOURCE, cap_evidence
from release_tools.analysis.evidence._fork import fork_call
from release_tools.analysis.evidence.javascript import gatherer as javascript
from release_tools.analysis.evidence.python import api as python_api
from release_tools.analysis.models import Evidence
from release_tools.errors import ReleaseToolsError

__all__ = [
    "GATHERERS",
    "MAX_PER_SOURCE",
    "PARALLEL_MIN_FILES",
    "PARALLEL_MIN_LINES",
    "cap_evidence",
    "gather_evidence",
]

log = logging.getLogger(__name__)

Gatherer = Callable[[AnalysisContext], list[Evidence]]

#: Every gatherer, in the order their evidence is listed.
GATHERERS: tuple[tuple[str, Gatherer], ...] = (
    ("commits", commits.gather),
    ("change-notes", notes.gather),
    ("python-api", python_api.gather),
    ("javascript-api", javascript.gather),
    ("rust-api", rust.gather),
    ("go-api", go.gather),
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
    found: dict[str, list[Evidence]] = {}
    for name, gather in GATHERERS:
        if child is None or name in _MAIN_GATHERERS:
            found[name] = _run(name, gather, ctx)
    if child is not None:
        received = child.result()
        if received is None or len(received) != len(others):
            log.debug("no evidence from the child process; gathering its share here")
            received = [_run(name, gather, ctx) for name, gather in others]
        found.update(zip((name for name, _gather in others), received, strict=True))
    items = [item for name, _gather in GATHERERS for item in found[name]]
    # Strongest first, so that reports open with what decided; the sort is stable, so each
    # source keeps its own order (commits newest first, which Release-As relies on).
    items.sort(key=lambda e: (-e.level, e.strength.rank))
    return cap_evidence(items)
