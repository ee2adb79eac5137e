"""Run many module comparisons, on two cores when the work is worth a second process.

Comparing the modules of a big range is pure CPU work (parsing) and the modules are
independent, so on Linux a forked child takes about half of them while this process does the
rest; results are put back in the order of the jobs, so the evidence is the same as one process
would give. The child is a plain ``os.fork`` (no pool, no executor thread): it starts in a few
milliseconds with everything imported, and sends its evidence back through a pipe.

Fork is only used when it is safe: on Linux, with no other thread running (a fork copies locks
that another thread may hold), and when the jobs are large enough to repay it. Anything that goes
wrong in the child makes this process compare the child's share itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import sys
import threading
from collections.abc import Sequence

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


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


def run_comparisons(jobs: Sequence[Job]) -> list[Evidence]:
    """The evidence of every job, in job order; on two processes when worth it."""
    if len(jobs) < 2 or sum(map(_size, jobs)) < PARALLEL_MIN_CHARS or not _can_fork():
        return [item for job in jobs for item in _compare(job)]
    mine, theirs = split_jobs(jobs)
    results: dict[int, list[Evidence]] = {}
    child = _start_child([jobs[i] for i in theirs])
    for index in mine:
        results[index] = _compare(jobs[index])
    received = _finish_child(child) if child is not None else None
    if received is None or len(received) != len(theirs):
        log.debug("comparison child gave no results; comparing its share here")
        received = [_compare(jobs[i]) for i in theirs]
    results.update(zip(theirs, received, strict=True))
    return [item for index in range(len(jobs)) for item in results[index]]


def _start_child(jobs: list[Job]) -> tuple[int, int] | None:
    """Fork a child that compares ``jobs``; its pid and the read end of its pipe."""
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        status = 0
        try:
            os.close(read_fd)
            payload = pickle.dumps([_compare(job) for job in jobs])
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except BaseException:
            status = 1
        finally:
            # Leave at once: no atexit handlers, no flushing of the parent's copied buffers.
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd


def _finish_child(child: tuple[int, int]) -> list[list[Evidence]] | None:
    pid, read_fd = child
    with os.fdopen(read_fd, "rb") as source:
        payload = source.read()
    _pid, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not payload:
        return None
    try:
        received = pickle.loads(payload)
    except Exception:
        return None
    return received if isinstance(received, list) else None
