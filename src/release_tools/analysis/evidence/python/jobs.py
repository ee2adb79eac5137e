"""Run many module comparisons, on two cores when the work is worth a second process.

Comparing the modules of a big range is pure CPU work (parsing) and the modules are
independent, so on Linux a forked child takes about half of them while this process does the
rest; results are put back in the order of the jobs, so the evidence is the same as one process
would give. Forking follows :mod:`~release_tools.analysis.evidence._fork` (Linux, no other
thread) and only pays for large jobs; whatever goes wrong in the child makes this process
compare the child's share itself.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from release_tools.analysis.evidence._fork import fork_call
from release_tools.analysis.models import Evidence

if TYPE_CHECKING:
    from release_tools.analysis.evidence.python.parsing import ModuleSource

__all__ = [
    "PARALLEL_MIN_CHARS",
    "Job",
    "JobKey",
    "Source",
    "compare_all",
    "compare_job",
    "job_key",
    "run_comparisons",
    "split_jobs",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Source:
    """One side of one module: where it lives and its code.

    Planning comparisons needs only this; griffe, which takes a while to import, is imported
    when a comparison is actually made (a prefetch may have made them all).
    """

    path: str
    code: str


#: One comparison: dotted module name, base and head sources, re-exported private names (or,
#: for a public module, what its base's star imports brought), and what the head's star
#: imports bring (see :mod:`.stars`).
Job = tuple[str, Source | None, Source | None, frozenset[str], frozenset[str]]
#: A job without its code: name, (path, digest of the code) per side, the names as in a job.
JobKey = tuple[
    str, tuple[str, bytes] | None, tuple[str, bytes] | None, frozenset[str], frozenset[str]
]

#: Source characters below which the jobs run here alone: a fork and a pipe cost a few
#: milliseconds, parsing this much about a tenth of a second.
PARALLEL_MIN_CHARS = 400_000


def _size(job: Job) -> int:
    _dotted, old, new, _exposed, _stars = job
    return len(old.code if old else "") + len(new.code if new else "")


def compare_job(job: Job) -> list[Evidence]:
    """The evidence of one job."""
    from release_tools.analysis.evidence.python.compare import compare_modules

    dotted, old, new, exposed, head_stars = job
    return compare_modules(
        dotted, _module(old), _module(new), exposed=exposed, head_stars=head_stars
    )


def _module(source: Source | None) -> ModuleSource | None:
    from release_tools.analysis.evidence.python.parsing import ModuleSource

    return None if source is None else ModuleSource(source.path, source.code)


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


def job_key(job: Job) -> JobKey:
    """What a job's result depends on, small enough to send between processes.

    Comparisons are pure functions of the job, so equal keys mean equal evidence; the code is
    represented by a digest of it.
    """
    dotted, old, new, exposed, head_stars = job
    return dotted, _fingerprint(old), _fingerprint(new), exposed, head_stars


def _fingerprint(source: Source | None) -> tuple[str, bytes] | None:
    if source is None:
        return None
    digest = hashlib.blake2b(source.code.encode("utf-8", "surrogatepass"), digest_size=16)
    return source.path, digest.digest()


def run_comparisons(
    jobs: Sequence[Job], known: Mapping[JobKey, list[Evidence]] | None = None
) -> list[Evidence]:
    """The evidence of every job, in job order; on two processes when worth it.

    ``known`` holds results computed beforehand (see :func:`job_key`): those jobs are not run.
    """
    if known:
        keys = [job_key(job) for job in jobs]
        missing = [job for job, key in zip(jobs, keys, strict=True) if key not in known]
        computed = iter(compare_all(missing))
        results = [known[key] if key in known else next(computed) for key in keys]
        return [item for found in results for item in found]
    return [item for found in compare_all(jobs) for item in found]


def compare_all(jobs: Sequence[Job]) -> list[list[Evidence]]:
    """Each job's evidence, in job order; on two processes when worth it (see
    :data:`PARALLEL_MIN_CHARS`)."""
    if len(jobs) < 2 or sum(map(_size, jobs)) < PARALLEL_MIN_CHARS:
        return [compare_job(job) for job in jobs]
    mine, theirs = split_jobs(jobs)
    shared = [jobs[i] for i in theirs]
    child = fork_call(lambda: [compare_job(job) for job in shared])
    results: dict[int, list[Evidence]] = {}
    for index in mine:
        results[index] = compare_job(jobs[index])
    received = child.result() if child is not None else None
    if received is None or len(received) != len(theirs):
        log.debug("no comparisons from a child process; comparing its share here")
        received = [compare_job(job) for job in shared]
    results.update(zip(theirs, received, strict=True))
    return [results[index] for index in range(len(jobs))]
