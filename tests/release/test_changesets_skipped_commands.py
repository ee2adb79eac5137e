"""A released package depending on one changesets never releases, which ``release`` and
``plan-check`` refuse: ``create-version-plan`` refuses to write a plan for such a workspace, and
``projects`` lists the projects with a warning saying what release will refuse."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from test_premode import release

from changesets_workspace import changesets_workspace as _workspace
from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import ConfigError
from release_tools.release.planning import PlanRequest, create_version_plan


def _refused_workspace(repo: GitRepo) -> None:
    """``lib`` (public) depends on ``tools``, which ``.changeset/config.json`` ignores."""
    _workspace(
        repo,
        {
            "lib": {"name": "lib", "version": "1.0.0", "dependencies": {"tools": "^1.0.0"}},
            "tools": {"name": "tools", "version": "1.0.0"},
        },
        ignore=["tools"],
    )


def _changeset_files(repo: GitRepo) -> list[str]:
    return sorted(p.name for p in (repo.path / ".changeset").glob("*.md"))


def test_create_version_plan_refuses_what_release_refuses(repo: GitRepo) -> None:
    _refused_workspace(repo)
    with pytest.raises(ConfigError) as released:
        release(repo, dry_run=True)

    with pytest.raises(ConfigError) as planned:
        create_version_plan(
            load_settings({}, repo=repo.path), PlanRequest(project="lib", version_type="minor")
        )

    assert str(planned.value) == str(released.value)
    assert str(planned.value).startswith(".changeset/config.json: lib depends on tools")
    assert _changeset_files(repo) == []
    assert repo.git("status", "--porcelain") == ""


def test_create_version_plan_cli_fails_on_one_line(repo: GitRepo) -> None:
    _refused_workspace(repo)

    result = CliRunner().invoke(
        cli,
        [
            "create-version-plan",
            "-C",
            str(repo.path),
            "--project",
            "lib",
            "--version-type",
            "patch",
        ],
    )

    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: .changeset/config.json: lib depends on tools")
    assert _changeset_files(repo) == []


def test_create_version_plan_writes_in_a_workspace_release_accepts(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "lib": {"name": "lib", "version": "1.0.0", "devDependencies": {"tools": "^1.0.0"}},
            "tools": {"name": "tools", "version": "1.0.0"},
        },
        ignore=["tools"],
    )

    result = create_version_plan(
        load_settings({}, repo=repo.path), PlanRequest(project="lib", version_type="minor")
    )

    assert result.path is not None and (repo.path / result.path).is_file()


def test_projects_lists_the_workspace_and_warns_on_one_line(repo: GitRepo) -> None:
    _refused_workspace(repo)

    result = CliRunner().invoke(cli, ["projects", "-C", str(repo.path)])

    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["lib", "tools"]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "warning: release refuses this workspace: .changeset/config.json: lib depends on tools"
    )


def test_projects_json_says_why_a_project_is_never_released(repo: GitRepo) -> None:
    _refused_workspace(repo)

    result = CliRunner().invoke(cli, ["projects", "-C", str(repo.path), "--format", "json"])

    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["tools"]["held_back"] == "ignored by .changeset/config.json"
    assert rows["lib"]["held_back"] is None
    assert "lib depends on tools" in result.stderr


def test_projects_says_nothing_when_release_accepts_the_workspace(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "lib": {"name": "lib", "version": "1.0.0"},
            "tools": {"name": "tools", "version": "1.0.0"},
        },
        ignore=["tools"],
    )

    result = CliRunner().invoke(cli, ["projects", "-C", str(repo.path)])

    assert result.exit_code == 0 and result.stderr == ""
