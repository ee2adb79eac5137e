"""Release under calendar versioning: the plans' types become calendar versions, tagged in the
project's scheme; a prerelease is refused naming the project."""

from __future__ import annotations

import json
from datetime import date

import pytest

from calver_dates import YEARLY, commit_dated
from gitrepo import GitRepo
from release_tools.errors import VersionError
from release_tools.git import Git
from release_tools.plans.store import read_plans, with_project_names
from release_tools.release.calendars import release_calendar
from release_tools.release.versions import ProjectRelease, compute_releases
from release_tools.versioning.calver import CalendarChoice
from release_tools.versioning.conventions import read_conventions
from release_tools.versioning.projects import discover_projects


def _python(repo: GitRepo, version: str) -> None:
    repo.write("pyproject.toml", f'[project]\nname = "pkg"\nversion = "{version}"\n')


def _npm(repo: GitRepo, version: str) -> None:
    repo.write("package.json", json.dumps({"name": "pkg", "version": version}) + "\n")


def _released(repo: GitRepo, manifest: str, prefix: str, releases: list[tuple[str, str]]) -> None:
    for version, day in releases:
        (_python if manifest == "python" else _npm)(repo, version)
        commit_dated(repo, f"chore: release {version}", day)
        repo.tag(prefix + version)


def _plan(repo: GitRepo, kind: str) -> None:
    repo.write(".nx/version-plans/version-plan-1.md", f"---\npkg: {kind}\n---\n\nA change.\n")
    commit_dated(repo, "chore: plan", "2026-07-01")


def _releases(
    repo: GitRepo, today: date, choice: CalendarChoice | None = None
) -> list[ProjectRelease]:
    git = Git(repo.path)
    projects = discover_projects(repo.path)
    conventions = read_conventions(git, repo.path, projects)
    plans = with_project_names(read_plans(repo.path), projects)
    calendar = release_calendar(git, projects, conventions, choice or CalendarChoice(), today)

    def read(rel: str) -> str | None:
        path = repo.path / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return compute_releases(projects, plans, read=read, conventions=conventions, calendar=calendar)


def test_a_minor_plan_takes_the_next_number_of_the_year(repo: GitRepo) -> None:
    _released(repo, "python", "", YEARLY)
    _plan(repo, "minor")
    [release] = _releases(repo, date(2026, 12, 8))
    assert (release.previous, release.version, release.tag) == ("26.1.0", "26.2.0", "26.2.0")


def test_a_major_plan_in_a_new_year_starts_the_year(repo: GitRepo) -> None:
    _released(repo, "npm", "v", YEARLY)
    _plan(repo, "major")
    [release] = _releases(repo, date(2027, 1, 4))
    assert (release.previous, release.version, release.tag) == ("26.1.0", "27.1.0", "v27.1.0")
    assert release.release_type == "major"


def test_a_prerelease_plan_is_refused_naming_the_project(repo: GitRepo) -> None:
    _released(repo, "python", "", YEARLY)
    _plan(repo, "preminor")
    with pytest.raises(VersionError, match=r"^pkg uses calendar versioning \(YY\.N\.PATCH\)"):
        _releases(repo, date(2026, 12, 8))


def test_a_semver_project_is_bumped_as_before(repo: GitRepo) -> None:
    _released(repo, "python", "v", [("1.2.0", "2024-01-08"), ("1.3.0", "2025-01-08")])
    _plan(repo, "minor")
    [release] = _releases(repo, date(2026, 12, 8))
    assert release.version == "1.4.0"


def test_semver_forced_on_a_calendar_history(repo: GitRepo) -> None:
    _released(repo, "python", "", YEARLY)
    _plan(repo, "minor")
    [release] = _releases(repo, date(2026, 12, 8), CalendarChoice.of("semver", None))
    assert release.version == "26.2.0"  # the semver minor: the same number here
    _plan(repo, "major")
    [major] = _releases(repo, date(2026, 12, 8), CalendarChoice.of("semver", None))
    assert major.version == "27.0.0"


def test_the_first_release_of_a_forced_calendar(repo: GitRepo) -> None:
    _python(repo, "0.0.0")
    commit_dated(repo, "chore: start", "2026-01-01")
    _plan(repo, "minor")
    [release] = _releases(repo, date(2026, 12, 8), CalendarChoice.of("calver", "YYYY.MM.PATCH"))
    assert release.version == "2026.12.0"
