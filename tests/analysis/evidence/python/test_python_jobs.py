"""Module comparisons split over a forked child give the same evidence, in the same order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from release_tools.analysis.evidence._fork import Forked, fork_call
from release_tools.analysis.evidence.python import jobs as python_jobs
from release_tools.analysis.evidence.python.jobs import (
    Job,
    Source,
    compare_job,
    job_key,
    run_comparisons,
    split_jobs,
)
from release_tools.analysis.models import Evidence, EvidenceKind


def _jobs(count: int) -> list[Job]:
    jobs: list[Job] = []
    for index in range(count):
        body = "".join(f"    v{i} = {i}\n" for i in range(index * 20))
        old = f"def f{index}(a):\n{body}    return a\n"
        new = f"def f{index}(a, b):\n{body}    return a\n\ndef g{index}(x=1):\n    return x\n"
        jobs.append(
            (
                f"mod{index}",
                Source(f"mod{index}.py", old),
                Source(f"mod{index}.py", new),
                frozenset(),
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
    forks: list[object] = []
    start = python_jobs.fork_call

    def counting(function: Callable[[], list[list[Evidence]]]) -> object:
        child = start(function)
        assert child is not None
        forks.append(child)
        return child

    monkeypatch.setattr(python_jobs, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(python_jobs, "fork_call", counting)
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
    finished: list[object] = []

    class Lost:
        """A child whose result goes missing after it was reaped."""

        def __init__(self, child: Forked[list[list[Evidence]]]) -> None:
            self.child = child

        def result(self) -> None:
            finished.append(self.child.result())
            return None

    def losing(function: Callable[[], list[list[Evidence]]]) -> Lost:
        child = fork_call(function)
        assert child is not None
        return Lost(child)

    monkeypatch.setattr(python_jobs, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(python_jobs, "fork_call", losing)
    assert run_comparisons(jobs) == alone
    assert finished and finished[0] is not None


def test_known_results_are_reused_and_the_rest_computed_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jobs = _jobs(5)
    alone = run_comparisons(jobs)
    # Known results stand in for their jobs (marked, to see that they were used) ...
    marker = Evidence(
        source="python-api",
        kind=EvidenceKind.INCOMPLETE,
        bump="none",
        strength="weak",
        message="known",
    )
    known = {job_key(jobs[1]): [marker], job_key(jobs[3]): []}
    computed: list[str] = []

    def spying(job: Job) -> list[Evidence]:
        computed.append(job[0])
        return compare_job(job)

    monkeypatch.setattr(python_jobs, "compare_job", spying)
    mixed = run_comparisons(jobs, known)
    assert computed == ["mod0", "mod2", "mod4"]
    expected = [*_of(alone, 0), marker, *_of(alone, 2), *_of(alone, 4)]
    assert mixed == expected


def _of(items: list[Evidence], index: int) -> list[Evidence]:
    return [e for e in items if f"mod{index}." in e.message]


def test_job_keys_follow_the_code_not_the_object() -> None:
    job = _jobs(2)[1]
    dotted, old, new, exposed, stars = job
    assert old is not None and new is not None
    same = (dotted, Source(old.path, old.code), Source(new.path, "".join(new.code)), exposed, stars)
    assert job_key(same) == job_key(job)
    edited = (dotted, old, Source(new.path, new.code + "x = 1\n"), exposed, stars)
    assert job_key(edited) != job_key(job)
    moved = (dotted, old, Source("elsewhere.py", new.code), exposed, stars)
    assert job_key(moved) != job_key(job)
    assert job_key((dotted, None, new, exposed, stars)) != job_key(job)
    assert job_key((dotted, old, new, frozenset({"x.y"}), frozenset())) != job_key(job)
    assert job_key((dotted, old, new, frozenset(), frozenset({"x.y"}))) != job_key(job)
