"""Release sizes: a range sized like the project's patch releases that only adds ships as one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gitrepo import GitRepo
from release_tools.analysis import analyze
from release_tools.analysis.history import PastRelease
from release_tools.analysis.release_size import (
    MIN_RELEASES,
    follow_size,
    release_sizes,
)
from release_tools.versioning.bump import Bump

M, m, p, N = Bump.MAJOR, Bump.MINOR, Bump.PATCH, Bump.NONE


def _history(*pairs: tuple[Bump, int], zero: bool = False) -> list[PastRelease]:
    return [
        PastRelease(f"v{i}", f"v{i + 1}", "a" * 40, "b" * 40, shipped, zero, commits, 0, None)
        for i, (shipped, commits) in enumerate(pairs)
    ]


# Patch releases of 2-4 commits, minor ones of 20-40: sizes tell them apart.
HABIT = _history((m, 30), (p, 2), (p, 3), (m, 20), (p, 4), (m, 40), (M, 90))


def _follow(
    history: list[PastRelease],
    commits: int,
    *,
    bump: Bump = m,
    declared: Bump | None = None,
    breaking: bool = False,
) -> tuple[Bump, bool] | None:
    verdict = follow_size(
        release_sizes(history, zero=False),
        bump=bump,
        declared=declared,
        commits=commits,
        breaking=breaking,
    )
    return None if verdict is None else (verdict.bump, verdict.needs_review)


def test_sizes_are_read_per_kind_and_era() -> None:
    sizes = release_sizes([*HABIT, *_history((p, 50), zero=True)], zero=False)
    assert (sizes.patch, sizes.minor) == ((2, 3, 4), (30, 20, 40))
    assert sizes.separated
    assert release_sizes(HABIT, zero=True).patch == ()
    assert sizes.as_json() == {
        "patch_releases": 3,
        "minor_releases": 3,
        "patch_median_commits": 3.0,
        "minor_median_commits": 30.0,
        "separated": True,
    }


@pytest.mark.parametrize(("commits", "patch_like"), [(1, True), (5, True), (9, True), (10, False)])
def test_a_range_is_patch_sized_when_nearer_the_patch_median_on_a_log_scale(
    commits: int, patch_like: bool
) -> None:
    # Medians 3 and 30: the geometric middle is sqrt(90), about 9.5 commits.
    assert release_sizes(HABIT, zero=False).sized_like_patch(commits) is patch_like


def test_a_small_range_that_only_adds_is_calibrated_to_patch_with_review() -> None:
    assert _follow(HABIT, 2) == (p, True)
    assert _follow(HABIT, 2, declared=p) == (p, True)
    assert _follow(HABIT, 2, declared=N) == (p, True)
    verdict = follow_size(
        release_sizes(HABIT, zero=False), bump=m, declared=None, commits=2, breaking=False
    )
    assert verdict is not None
    assert verdict.notes[0].startswith(
        "the last 3 patch releases held a median of 3 commits and the 3 minor ones 30"
    )
    assert "this range holds 2" in verdict.notes[0]


def test_the_calibration_keeps_its_hands_off_what_it_cannot_judge() -> None:
    # A big range, a declared feature or break, a major-level finding, another verdict.
    assert _follow(HABIT, 25) is None
    assert _follow(HABIT, 2, declared=m) is None
    assert _follow(HABIT, 2, declared=M) is None
    assert _follow(HABIT, 2, breaking=True) is None
    assert _follow(HABIT, 2, bump=p) is None
    assert _follow(HABIT, 2, bump=M) is None


def test_too_few_or_alike_releases_say_nothing() -> None:
    few = _history(*[(p, 2)] * (MIN_RELEASES - 1), *[(m, 30)] * MIN_RELEASES)
    assert not release_sizes(few, zero=False).separated
    assert _follow(few, 2) is None
    # Minor releases barely bigger than patch ones (median 4 against 3).
    alike = _history((p, 3), (p, 3), (p, 3), (m, 4), (m, 4), (m, 4))
    assert not release_sizes(alike, zero=False).separated
    assert _follow(alike, 1) is None


def _release(repo: GitRepo, version: str, commits: int, start: int) -> int:
    for n in range(start, start + commits):
        repo.write(f"src/lib/part{n}.py", f"_VALUE = {n}\n")
        repo.commit(f"Change {n}")
    repo.tag(f"v{version}")
    return start + commits


def _sized_history(repo: GitRepo) -> None:
    """Minor releases of 12 commits, patch releases of 1-2 commits, no conventional commits."""
    repo.write("src/lib/__init__.py", "def keep():\n    return 0\n")
    repo.commit("Start")
    repo.tag("v1.0.0")
    n = 0
    for version, size in [
        ("1.1.0", 12), ("1.1.1", 1), ("1.1.2", 2), ("1.2.0", 12),
        ("1.2.1", 2), ("1.3.0", 12), ("1.3.1", 1),
    ]:  # fmt: skip
        n = _release(repo, version, size, n)


def test_a_small_range_adding_a_helper_is_a_patch_end_to_end(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("lib")
    _sized_history(repo)
    repo.write("src/lib/helpers.py", "def helper():\n    return 1\n")
    repo.commit("Add a helper")

    decision = analyze(repo.path)

    assert (decision.version_type, decision.next_version) == ("patch", "1.3.2")
    assert decision.needs_review
    assert "the size of a patch release: calibrated to patch" in decision.reasoning
    assert decision.history is not None
    assert decision.history["sizes"]["decided"] is True
    assert decision.history["sizes"]["minor_median_commits"] == 12.0
    # The addition is still in the evidence.
    assert any("helper" in e.message and e.level is Bump.MINOR for e in decision.evidence)


def test_a_range_of_minor_size_stays_minor_end_to_end(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    _sized_history(repo)
    for n in range(11):
        repo.write(f"src/lib/late{n}.py", f"_LATE = {n}\n")
        repo.commit(f"Late change {n}")
    repo.write("src/lib/helpers.py", "def helper():\n    return 1\n")
    repo.commit("Add a helper")

    decision = analyze(repo.path)

    assert decision.version_type == "minor"
    assert decision.history is not None and decision.history["sizes"]["decided"] is False
    # Without history the rules alone decide, as before.
    assert analyze(repo.path, history=False).version_type == "minor"
