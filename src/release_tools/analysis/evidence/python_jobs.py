"""Run many module comparisons, on two cores when the work is worth a second process.

Comparing the modules of a big range is pure CPU work (parsing) and the modules are
independent, so on Linux a forked child takes about half of them while this process does the
rest; results are put back in the order of the jobs, so the evidence is the same as one process
would give. Forking follows :mod:`~release_tools.analysis.evidence._fork` (Linux, no other
thread) and only pays for large jobs; whatever goes wrong in the child makes this process
compare the child's share itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from release_tools.analysis.evidence._fork import fork_call
from release_tools.analysis.evidence.python_compare import ModuleSource, compare_modules
from release_tools.analysis.models import Evidence

__all__ = ["PARALLEL_MIN_CHARS", "Job", "run_comparisons", "split_jobs"]

log = logging.getLogger(__name__)

#: One comparison: dotted module name, base and head sources, re-exported private names.
Job = tuple[str, ModuleSource | None, ModuleSource | None, frozenset[str]]

#: Source characters below which the jobs run here alone: a fork and a pipe cost a few
#: milliseconds, parsing this much about a tenth of a second.
PARALLEL_MIN_CHARS = 400_000


def _size(job: Job) -> int:
    _dotted, old, new, _exposed = job
    return len(old.code if old else "") + len(new.code if new else "")


def _compare(job: Job) -> list[Evidence]:
    dotted, old, new, exposed = job
    return compare_modules(dotted, old, new, exposed=exposed)


def split_jobs(jobs: Sequence[Job]) -> tuple[list[int], list[int]]:
    """Job indexes for this process and for the child, balanced by size (largest first)."""
    mine: list[int] = []
    theirs: list[int] = []
    load = [0, 0]
    for index in sorted(range(len(jobs)), key=lambda i: -_size(jobs[i])):
        side = 0 if load[0] <= load[1] else 1
        (mine if side == 0 else theirs).append(index)
        load[side] += _size(jobs[index])
    return sorted(mine), sorted(theirs)


def run_comparisons(jobs: Sequence[Job]) -> list[Evidence]:
    """The evidence of every job, in job order; on two processes when worth it."""
    if len(jobs) < 2 or sum(map(_size, jobs)) < PARALLEL_MIN_CHARS:
        return [item for job in jobs for item in _compare(job)]
    mine, theirs = split_jobs(jobs)
    shared = [jobs[i] for i in theirs]
    child = fork_call(lambda: [_compare(job) for job in shared])
    results: dict[int, list[Evidence]] = {}
    for index in mine:
        results[index] = _compare(jobs[index])
    received = child.result() if child is not None else None
    if received is None or len(received) != len(theirs):
        log.debug("no comparisons from a child process; comparing its share here")
        received = [_compare(job) for job in shared]
    results.update(zip(theirs, received, strict=True))
    return [item for index in range(len(jobs)) for item in results[index]]
