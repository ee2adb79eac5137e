"""``release``, ``release --auto`` and ``analyze`` of calendar-versioned projects, end to end:
the calendar version is written into the manifest, tagged, and reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

from click.testing import CliRunner

from calver_dates import YEARLY, commit_dated
from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.release.results import ReleaseResult
from release_tools.release.service import ReleaseOptions, run_release


def _python(repo: GitRepo, version: str, config: str = "") -> None:
    repo.write("pyproject.toml", f'[project]\nname = "pkg"\nversion = "{version}"\n{config}')


def _npm(repo: GitRepo, version: str) -> None:
    repo.write("package.json", json.dumps({"name": "pkg", "version": version}, indent=2) + "\n")


def _released(repo: GitRepo, write: Callable[[str], None], prefix: str) -> None:
    repo.write("src/pkg/__init__.py", "def a():\n    return 1\n")
    for version, day in YEARLY:
        write(version)
        commit_dated(repo, f"chore: release {version}", day)
        repo.tag(prefix + version)


def _plan(repo: GitRepo, kind: str) -> None:
    repo.write(".nx/version-plans/version-plan-1.md", f"---\npkg: {kind}\n---\n\nA change.\n")
    commit_dated(repo, "chore: plan", "2026-07-01")


def _release(repo: GitRepo, today: date, *, auto: bool = False) -> ReleaseResult:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=today, auto=auto))


def test_release_writes_the_calendar_version_into_pyproject_and_tags_it(repo: GitRepo) -> None:
    _released(repo, lambda v: _python(repo, v), "")
    _plan(repo, "patch")  # the project makes no patch releases: the next number
    result = _release(repo, date(2026, 12, 8))
    assert result.message == "pkg 26.1.0 -> 26.2.0"
    assert 'version = "26.2.0"' in (repo.path / "pyproject.toml").read_text()
    assert repo.git("tag", "--points-at", "HEAD") == "26.2.0"


def test_release_in_a_new_year_writes_package_json(repo: GitRepo) -> None:
    _released(repo, lambda v: _npm(repo, v), "v")
    _plan(repo, "patch")
    result = _release(repo, date(2027, 1, 4))
    assert result.message == "pkg 26.1.0 -> 27.1.0"
    assert json.loads((repo.path / "package.json").read_text())["version"] == "27.1.0"
    assert repo.git("tag", "--points-at", "HEAD") == "v27.1.0"


def test_release_auto_releases_the_calendar_version(repo: GitRepo) -> None:
    _released(repo, lambda v: _python(repo, v), "")
    repo.write("src/pkg/__init__.py", "def a():\n    return 1  # one\n")
    commit_dated(repo, "fix: a returns one", "2026-07-01")
    result = _release(repo, date(2026, 12, 8), auto=True)
    assert result.message == "pkg 26.1.0 -> 26.2.0"
    assert repo.git("tag", "--points-at", "HEAD") == "26.2.0"


def test_a_prerelease_plan_is_a_one_line_error(repo: GitRepo) -> None:
    _released(repo, lambda v: _python(repo, v), "")
    _plan(repo, "prerelease")
    before = repo.head()
    result = CliRunner().invoke(cli, ["release", "-C", str(repo.path)])
    assert result.exit_code != 0
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith("error: pkg uses calendar versioning (YY.N.PATCH)")
    assert repo.head() == before and repo.git("status", "--porcelain") == ""


def test_analyze_honours_a_configured_calendar_and_reports_it(repo: GitRepo) -> None:
    config = '[tool.release-tools]\nversion-scheme = "calver"\n'
    repo.write("src/pkg/__init__.py", "def a():\n    return 1\n")
    for version, day in [("26.1.0", "2026-02-01"), ("26.2.0", "2026-05-01")]:
        _python(repo, version, config)
        commit_dated(repo, f"chore: release {version}", day)
        repo.tag(version)
    repo.write("src/pkg/__init__.py", "def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    commit_dated(repo, "feat: b", "2026-06-01")
    before = datetime.now(UTC).date()
    result = CliRunner().invoke(cli, ["analyze", "-C", str(repo.path), "--format", "json"])
    after = datetime.now(UTC).date()
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["conventions"]["version_scheme"]["format"] == "YY.N.PATCH"
    assert report["conventions"]["latest_tag"] == "26.2.0"
    # The analyze command's clock is the real one: this year's next number, or a new year's.
    expected = {"26.3.0" if d.year == 2026 else f"{d.year % 100}.1.0" for d in (before, after)}
    assert report["next_version"] in expected


def test_projects_shows_the_calendar_scheme(repo: GitRepo) -> None:
    _released(repo, lambda v: _python(repo, v), "")
    text = CliRunner().invoke(cli, ["projects", "-C", str(repo.path)])
    assert text.exit_code == 0, text.output
    assert "26.1.0 (calendar versioning YY.N.PATCH)" in text.stdout
    data = CliRunner().invoke(cli, ["projects", "-C", str(repo.path), "--format", "json"])
    [row] = json.loads(data.stdout)
    assert row["version_scheme"] == {
        "scheme": "calver", "format": "YY.N.PATCH", "first": 1, "patches": False,
    }  # fmt: skip


def test_projects_shows_nothing_more_for_a_semver_project(repo: GitRepo) -> None:
    _python(repo, "1.2.0")
    commit_dated(repo, "chore: release", "2026-01-01")
    repo.tag("v1.2.0")
    text = CliRunner().invoke(cli, ["projects", "-C", str(repo.path)])
    assert "calendar" not in text.stdout
    data = CliRunner().invoke(cli, ["projects", "-C", str(repo.path), "--format", "json"])
    assert json.loads(data.stdout)[0]["version_scheme"] == {"scheme": "semver"}
