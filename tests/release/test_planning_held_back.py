"""``create-version-plan`` refuses a package changesets never releases (ignored, private and
not versioned, without a version): one line naming why, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli


def _workspace(repo: GitRepo, config: dict[str, Any], cli_range: str = "^3.0.1") -> None:
    root = {
        "private": True,
        "workspaces": ["packages/*"],
        "devDependencies": {"@changesets/cli": cli_range},
    }
    repo.write("package.json", json.dumps(root))
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **config}))
    packages = {
        "lib": {"name": "lib", "version": "1.0.0"},
        "tool": {"name": "tool", "version": "1.0.0"},
        "app": {"name": "app", "version": "1.0.0", "private": True},
        "bare": {"name": "bare"},
    }
    for folder, manifest in packages.items():
        repo.write(f"packages/{folder}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("chore: initial")


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)


def _plan(repo: GitRepo, project: str, *extra: str) -> Any:
    return CliRunner().invoke(
        cli,
        ["create-version-plan", "-C", str(repo.path), "--project", project,
         "--version-type", "minor", *extra],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("project", "config", "reason"),
    [
        ("tool", {"ignore": ["tool"]}, "ignored by .changeset/config.json"),
        ("app", {}, "private, and changesets 3 versions private packages only with"),
        (
            "app",
            {"privatePackages": False},
            "private, and .changeset/config.json says privatePackages.version: false",
        ),
        ("bare", {}, "no version in packages/bare/package.json"),
    ],
)
def test_a_package_changesets_never_releases_gets_no_plan(
    repo: GitRepo, project: str, config: dict[str, Any], reason: str
) -> None:
    _workspace(repo, config)
    before = _files(repo.path)

    result = _plan(repo, project)

    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"error: {project} is never released (") and reason in line
    assert _files(repo.path) == before
    assert repo.git("status", "--porcelain") == ""


def test_an_nx_plan_for_such_a_package_is_refused_too(repo: GitRepo) -> None:
    _workspace(repo, {"ignore": ["tool"]})
    before = _files(repo.path)

    result = _plan(repo, "tool", "--plan-format", "nx")

    assert result.exit_code == 2 and "tool is never released" in result.stderr
    assert _files(repo.path) == before


def test_a_released_package_still_gets_its_plan(repo: GitRepo) -> None:
    _workspace(repo, {"ignore": ["tool"], "privatePackages": {"version": True}})

    for project in ("lib", "app"):
        result = _plan(repo, project)
        assert result.exit_code == 0, result.output
    assert len(list((repo.path / ".changeset").glob("*.md"))) == 2


def test_a_group_of_packages_never_released_gets_no_plan(repo: GitRepo) -> None:
    _workspace(repo, {"ignore": ["tool"]})
    groups = {"tools": {"projects": ["tool", "bare"]}, "libs": {"projects": ["lib", "tool"]}}
    repo.write("nx.json", json.dumps({"release": {"groups": groups}}))
    repo.commit("chore: groups")
    before = _files(repo.path)

    refused = _plan(repo, "tools", "--plan-format", "nx")

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith(
        "error: no member of the release group tools is ever released ("
    )
    assert "bare: no version in packages/bare/package.json" in refused.stderr
    assert "tool: ignored by .changeset/config.json" in refused.stderr
    assert _files(repo.path) == before
    # One member released is enough for the group's plan.
    assert _plan(repo, "libs", "--plan-format", "nx").exit_code == 0
