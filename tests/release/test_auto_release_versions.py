"""``release --auto`` says when the version it releases is not the one analyze proposed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release

TODAY = date(2026, 1, 2)


def release(repo: GitRepo, **options: Any) -> ReleaseResult:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def single(make_repo: Callable[[str], GitRepo], message: str) -> GitRepo:
    repo = make_repo("auto-versions")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.2.3"\n')
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.3")
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n\n\ndef two() -> int:\n")
    repo.commit(message)
    return repo


def test_a_release_as_the_plan_cannot_express_is_reported(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo, "feat: two()\n\nRelease-As: 1.5.0")

    result = release(repo, dry_run=True, auto=True)

    assert [(a.name, a.decision.next_version) for a in result.analyzed] == [("demo", "1.5.0")]
    # A plan holds a release type, not a version: minor makes 1.3.0, and the release says so.
    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.3.0")]
    assert any("1.5.0" in w and "1.3.0" in w and "demo" in w for w in result.warnings), (
        result.warnings
    )


def test_the_version_analyze_proposed_is_released_without_a_note(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo, "feat: two()")

    result = release(repo, dry_run=True, auto=True)

    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.3.0")]
    assert result.analyzed[0].decision.next_version == "1.3.0"
    assert result.warnings == []
