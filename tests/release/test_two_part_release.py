"""Releasing a project that writes its versions with two numbers (``1.2``, ``24.0``): the next
version keeps that form while its patch is 0, in the manifest and in the tag."""

from __future__ import annotations

import json
from datetime import date

from gitrepo import GitRepo
from release_tools.git import Git
from release_tools.plans.store import read_plans, with_project_names
from release_tools.release.calendars import release_calendar
from release_tools.release.versions import ProjectRelease, compute_releases
from release_tools.versioning.calver import CalendarChoice
from release_tools.versioning.conventions import read_conventions
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.projects import discover_projects


def _dated(repo: GitRepo, message: str, day: str) -> None:
    stamp = f"{day}T12:00:00+00:00"
    repo.git("add", "-A")
    repo.git(
        "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )  # fmt: skip


def _read(repo: GitRepo) -> object:
    def read(rel: str) -> str | None:
        path = repo.path / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return read


def _releases(repo: GitRepo, kind: str, today: date) -> list[ProjectRelease]:
    repo.write(".nx/version-plans/version-plan-1.md", f"---\npkg: {kind}\n---\n\nA change.\n")
    _dated(repo, "chore: plan", today.isoformat())
    git = Git(repo.path)
    projects = discover_projects(repo.path)
    conventions = read_conventions(git, repo.path, projects)
    plans = with_project_names(read_plans(repo.path), projects)
    calendar = release_calendar(git, projects, conventions, CalendarChoice(), today)
    return compute_releases(
        projects,
        plans,
        read=_read(repo),  # type: ignore[arg-type]
        conventions=conventions,
        calendar=calendar,
    )


def _python(repo: GitRepo, version: str, tag: str, day: str = "2024-01-08") -> None:
    repo.write("pyproject.toml", f'[project]\nname = "pkg"\nversion = "{version}"\n')
    _dated(repo, f"chore: release {version}", day)
    repo.tag(tag)


def test_a_minor_release_of_a_two_part_version_is_two_part(repo: GitRepo) -> None:
    _python(repo, "1.1", "v1.1")
    _python(repo, "1.2", "v1.2")
    [release] = _releases(repo, "minor", date(2024, 3, 1))
    assert (release.previous, release.version, release.tag) == ("1.2", "1.3", "v1.3")
    edits = version_edits(repo.path, release.project, release.version, read=_read(repo))  # type: ignore[arg-type]
    assert edits == {"pyproject.toml": '[project]\nname = "pkg"\nversion = "1.3"\n'}


def test_a_patch_release_of_a_two_part_version_has_three_numbers(repo: GitRepo) -> None:
    _python(repo, "1.2", "v1.2")
    [release] = _releases(repo, "patch", date(2024, 3, 1))
    assert (release.version, release.tag) == ("1.2.1", "v1.2.1")


def test_a_two_part_tag_is_the_current_version_of_a_project_without_one(repo: GitRepo) -> None:
    # The version lives in the tags only (a dynamic version no file holds).
    repo.write("pyproject.toml", '[project]\nname = "pkg"\ndynamic = ["version"]\n')
    _dated(repo, "chore: init", "2024-01-08")
    repo.tag("v2.0.1")
    repo.git("commit", "-q", "--allow-empty", "-m", "feat: more")
    repo.tag("v2.1")
    [release] = _releases(repo, "minor", date(2024, 3, 1))
    assert (release.previous, release.version, release.tag) == ("2.1", "2.2", "v2.2")


def test_a_calendar_project_writing_two_numbers_goes_on_so(repo: GitRepo) -> None:
    # pip's habit: YY.N, a patch release YY.N.P, the year starting at 0.
    for version, day in [
        ("24.0", "2024-02-03"),
        ("24.1", "2024-06-20"),
        ("24.1.1", "2024-06-26"),
        ("24.2", "2024-07-28"),
        ("25.0", "2025-01-26"),
        ("25.1", "2025-04-26"),
    ]:
        _python(repo, version, version, day)
    [release] = _releases(repo, "minor", date(2025, 7, 30))
    assert (release.previous, release.version, release.tag) == ("25.1", "25.2", "25.2")


def test_a_padded_day_calendar_is_released_padded(repo: GitRepo) -> None:
    # certifi's habit: YYYY.MM.DD zero-padded, each tag made the evening before its day.
    for version, day in [
        ("2024.02.02", "2024-02-01"),
        ("2024.06.02", "2024-06-01"),
        ("2025.01.31", "2025-01-30"),
        ("2026.07.22", "2026-07-21"),
    ]:
        _python(repo, version, version, day)
    [release] = _releases(repo, "patch", date(2026, 8, 4))
    assert (release.previous, release.version, release.tag) == (
        "2026.07.22",
        "2026.08.04",
        "2026.08.04",
    )


def test_an_npm_project_tagged_with_two_numbers_is_released_in_full(repo: GitRepo) -> None:
    # package.json takes a full semantic version only; the tag follows it.
    repo.write("package.json", json.dumps({"name": "pkg"}) + "\n")
    _dated(repo, "chore: init", "2024-01-08")
    repo.tag("v2.1")
    [release] = _releases(repo, "minor", date(2024, 3, 1))
    assert (release.previous, release.version, release.tag) == ("2.1.0", "2.2.0", "v2.2.0")
