"""A Python project is named as pip names it: ``my_pkg``, ``My.Pkg`` and ``my-pkg`` are one
project in version plans and in ``--project`` (npm and Cargo names stay exact)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import PlanError, UsageError
from release_tools.release.service import ReleaseOptions, run_release
from release_tools.versioning.projectlookup import find_project, project_named
from release_tools.versioning.projects import Project

TODAY = date(2026, 1, 2)


def _monorepo(repo: GitRepo) -> GitRepo:
    repo.write("packages/my-pkg/pyproject.toml", '[project]\nname = "my-pkg"\nversion = "1.0.0"\n')
    repo.write("packages/my-pkg/src/my_pkg/__init__.py", "")
    repo.write("packages/web/package.json", '{"name": "web_ui", "version": "2.0.0"}\n')
    repo.commit("chore: initial")
    repo.tag("my-pkg@1.0.0")
    repo.write("packages/my-pkg/src/my_pkg/__init__.py", "def extra() -> None: ...\n")
    repo.commit("feat: extra")
    return repo


@pytest.mark.parametrize("spelling", ["my_pkg", "My.Pkg", "MY-pkg"])
def test_a_plan_may_name_a_python_project_as_pip_would(repo: GitRepo, spelling: str) -> None:
    _monorepo(repo)
    plan = repo.write(
        ".nx/version-plans/version-plan-1.md", f"---\n{spelling}: minor\n---\n\nfeat: extra\n"
    )
    repo.commit("chore: plan")
    result = run_release(load_settings({}, repo=repo.path), ReleaseOptions(today=TODAY))
    assert [(r.project.name, r.version) for r in result.releases] == [("my-pkg", "1.1.0")]
    assert 'version = "1.1.0"' in (repo.path / "packages/my-pkg/pyproject.toml").read_text()
    assert not plan.exists()  # consumed, not left pending


def test_npm_names_stay_exact(repo: GitRepo) -> None:
    _monorepo(repo)
    repo.write(".changeset/a-b-c.md", '---\n"web-ui": minor\n---\n\nfeat: x\n')
    repo.commit("chore: plan")
    with pytest.raises(PlanError, match="unknown project 'web-ui'"):
        run_release(load_settings({}, repo=repo.path), ReleaseOptions(today=TODAY))


def test_project_option_takes_the_normalised_name(repo: GitRepo) -> None:
    _monorepo(repo)
    result = CliRunner().invoke(
        cli, ["analyze", "-C", str(repo.path), "--project", "my_pkg", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["current_version"] == "1.0.0"
    assert report["version_type"] == "minor"


def test_an_ambiguous_spelling_names_no_project() -> None:
    twins = [
        Project(name=n, path=n, manifest=f"{n}/pyproject.toml", version="1.0.0", ecosystem="python")
        for n in ("a-b", "a_b")
    ]
    assert project_named(twins, "a_b") is twins[1]  # the exact name first
    assert project_named(twins, "A.B") is None
    with pytest.raises(UsageError, match=r"unknown project 'A\.B'"):
        find_project(twins, "A.B")
