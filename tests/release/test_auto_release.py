"""``release --auto``: projects without a pending plan release what analyze decides."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from click.testing import CliRunner

from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.release.service import ReleaseOptions, run_release

TODAY = date(2026, 1, 2)


def release(repo: Any, flags: dict[str, Any] | None = None, **options: Any) -> Any:
    settings = load_settings(flags or {}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def test_a_project_without_plans_releases_what_analyze_decides(
    make_repo: Callable[[str], Any],
) -> None:
    repo = make_repo("auto")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.2.3"\n')
    repo.write("src/demo/__init__.py", "")
    repo.commit("chore: initial")
    repo.tag("v1.2.3")
    repo.write("src/demo/more.py", "def more() -> int:\n    return 1\n")
    repo.commit("feat: add more()")
    repo.write("src/demo/more.py", "def more() -> int:\n    return 2\n")
    repo.commit("fix: more() returns two")

    without = release(repo, auto=False)
    assert not without.releases and "no pending version plans" in without.message

    result = release(repo, auto=True)

    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.3.0")]
    assert [(a.name, a.decision.version_type) for a in result.analyzed] == [("demo", "minor")]
    assert repo.git("tag", "--points-at", "HEAD") == "v1.3.0"
    assert 'version = "1.3.0"' in (repo.path / "pyproject.toml").read_text()
    changelog = (repo.path / "CHANGELOG.md").read_text()
    assert "### Added\n\n- add more()" in changelog
    assert "### Fixed\n\n- more() returns two" in changelog
    # No plan file was ever written, nor is one left or deleted.
    assert result.plans_consumed == [] and result.files_deleted == []
    assert not (repo.path / ".nx").exists()
    assert repo.git("status", "--porcelain") == ""

    again = release(repo, auto=True)
    assert not again.releases and again.analyzed == []
    assert "analyze found no change to release" in again.message


def test_a_dry_run_changes_nothing(python_repo: Any, state: Any) -> None:
    python_repo.git("rm", "-q", "-r", ".nx")
    python_repo.commit("chore: drop the plan")
    before = state(python_repo)

    result = release(python_repo, dry_run=True, auto=True)

    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.3.0")]
    assert state(python_repo) == before


def test_a_pending_plan_wins_over_analyze(python_repo: Any) -> None:
    # The plan says minor; a breaking commit since would make analyze say major.
    python_repo.write("src/demo/extra.py", "def extra(x: int) -> int:\n    return x\n")
    python_repo.commit("feat!: extra() takes x")

    result = release(python_repo, auto=True)

    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.3.0")]
    assert result.analyzed == []
    assert result.plans_consumed == [".nx/version-plans/version-plan-1700000000000.md"]


def test_in_a_workspace_only_changed_projects_without_plans_are_analyzed(
    npm_workspace: Any,
) -> None:
    release(npm_workspace)  # consumes both pending plans: a 1.1.0, b 0.1.1
    npm_workspace.write("packages/b/index.js", "module.exports = 3;\n")
    npm_workspace.commit("fix(b): three")

    result = release(npm_workspace, auto=True)

    assert [a.name for a in result.analyzed] == ["b"]
    assert [(r.project.name, r.version) for r in result.releases] == [("b", "0.1.2")]
    assert npm_workspace.git("tag", "--points-at", "HEAD") == "b@0.1.2"


def test_project_limits_the_analysis(npm_workspace: Any) -> None:
    release(npm_workspace)
    npm_workspace.write("packages/a/index.js", "module.exports = 5;\n")
    npm_workspace.write("packages/b/index.js", "module.exports = 6;\n")
    npm_workspace.commit("fix: both")

    result = release(npm_workspace, {"project": "b"}, auto=True)

    assert [a.name for a in result.analyzed] == ["b"]
    assert [(r.project.name, r.version) for r in result.releases] == [("b", "0.1.2")]


def test_the_cli_reports_the_decision(make_repo: Callable[[str], Any]) -> None:
    repo = make_repo("auto-cli")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 11\n")
    repo.commit("fix: one")

    text = CliRunner().invoke(cli, ["release", "-C", str(repo.path), "--auto", "--dry-run"])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0].startswith("analyze: demo patch: patch: fix commit")
    assert "would tag v1.0.1" in text.stdout

    as_json = CliRunner().invoke(
        cli, ["release", "-C", str(repo.path), "--auto", "--format", "json", "--skip-publish"]
    )
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.stdout)
    assert report["analyzed"] == [
        {
            "project": "demo",
            "version_type": "patch",
            "release_type": "patch",
            "needs_review": False,
            "reasoning": report["analyzed"][0]["reasoning"],
        }
    ]
    assert report["releases"][0]["plans"] == [] and report["releases"][0]["analyzed"] is True
    assert report["tags"] == ["v1.0.1"]
