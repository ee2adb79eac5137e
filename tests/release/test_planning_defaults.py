"""``create-version-plan`` with its defaults: the only project, and ``auto``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli


def group_workspace(repo: GitRepo) -> None:
    """Packages a and b in the nx.json release group ``core``."""
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(
        "nx.json",
        json.dumps({"release": {"groups": {"core": {"projects": ["a", "b"]}}}}),
    )
    for name in ("a", "b"):
        repo.write(
            f"packages/{name}/package.json",
            json.dumps({"name": name, "version": "1.0.0"}, indent=2) + "\n",
        )
    repo.commit("chore: initial")


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)


def test_a_group_without_a_version_type_asks_for_one(repo: GitRepo) -> None:
    group_workspace(repo)
    before = files(repo.path)

    result = CliRunner().invoke(
        cli, ["create-version-plan", "-C", str(repo.path), "--project", "core"]
    )

    assert result.exit_code == 2
    # auto is the default, not something the command line said: the error names the option
    # that is missing, not one that was never given.
    assert "--version-type auto" not in result.stderr
    assert "release group core" in result.stderr and "--version-type" in result.stderr
    assert files(repo.path) == before


def test_a_group_with_a_version_type_gets_its_plan(repo: GitRepo) -> None:
    group_workspace(repo)

    result = CliRunner().invoke(
        cli,
        ["create-version-plan", "-C", str(repo.path), "--project", "core", "--version-type",
         "minor", "--format", "json"],
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["projects"] == {"core": "minor"} and report["group_members"] == ["a", "b"]


def test_release_of_a_group_says_it_is_a_group(repo: GitRepo) -> None:
    group_workspace(repo)
    before = files(repo.path)

    result = CliRunner().invoke(cli, ["release", "-C", str(repo.path), "--project", "core"])

    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --project core names a release group (a, b), not a project: release without "
        "--project, or name one of its members"
    )
    assert files(repo.path) == before
