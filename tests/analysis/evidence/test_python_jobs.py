"""Module comparisons split over a forked child give the same evidence, in the same order."""

from __future__ import annotations

import pytest

from release_tools.analysis.evidence import python_jobs
from release_tools.analysis.evidence.python_compare import ModuleSource
from release_tools.analysis.evidence.python_jobs import Job, run_comparisons, split_jobs


def _jobs(count: int) -> list[Job]:
    jobs: list[Job] = []
    for index in range(count):
        body = "".join(f"    v{i} = {i}\n" for i in range(index * 20))
        old = f"def f{index}(a):\n{body}    return a\n"
        new = f"def f{index}(a, b):\n{body}    return a\n\ndef g{index}(x=1):\n    return x\n"
        jobs.append(
            (
                f"mod{index}",
                ModuleSource(f"mod{index}.py", old),
                ModuleSource(f"mod{index}.py", new),
                frozenset(),
            )
        )
    return jobs


def test_split_balances_and_covers_every_job() -> None:
    jobs = _jobs(9)
    mine, theirs = split_jobs(jobs)
    assert sorted(mine + theirs) == list(range(9))
    assert mine and theirs


def test_forked_run_matches_the_single_process_run(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = _jobs(8)
    alone = run_comparisons(jobs)
    forks: list[int] = []
    start = python_jobs._start_child

    def counting(share: list[Job]) -> tuple[int, int] | None:
        child = start(share)
        assert child is not None
        forks.append(child[0])
        return child

    monkeypatch.setattr(python_jobs, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(python_jobs, "_start_child", counting)
    together = run_comparisons(jobs)
    assert forks, "the jobs did not go to a child process"
    assert together == alone
    messages = [e.message for e in together]
    assert messages[:2] == [
        "incompatible signature of mod0.f0: required parameter b added",
        "new public function mod0.g0",
    ]
    assert len(messages) == 16


def test_a_failing_child_is_covered_by_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = _jobs(4)
    alone = run_comparisons(jobs)
    monkeypatch.setattr(python_jobs, "PARALLEL_MIN_CHARS", 0)
    finish = python_jobs._finish_child
    finished: list[object] = []

    def lost(child: tuple[int, int]) -> None:
        finished.append(finish(child))  # reap the child, then act as if it had failed
        return None

    monkeypatch.setattr(python_jobs, "_finish_child", lost)
    assert run_comparisons(jobs) == alone
    assert finished and finished[0] is not None
