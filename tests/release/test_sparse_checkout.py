"""A sparse checkout (``git sparse-checkout set packages/a``): analyze and create-version-plan
find the projects it leaves out in the HEAD commit; release refuses them, saying why."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from analyze_cli import one_line_error
from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.git import Git


def _run(repo: GitRepo, *args: str) -> Result:
    return CliRunner().invoke(cli, [args[0], "-C", str(repo.path), *args[1:]])


def _package(repo: GitRepo, rel: str, name: str, version: str) -> None:
    repo.write(f"{rel}/package.json", json.dumps({"name": name, "version": version}) + "\n")
    repo.write(f"{rel}/index.js", "export const a = 1;\n")


@pytest.fixture
def sparse(repo: GitRepo) -> GitRepo:
    """An npm workspace of a and b, both released at 1.0.0, then a feature in b; the work
    tree then holds only packages/a (and the root's files)."""
    repo.write(
        "package.json",
        json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]}) + "\n",
    )
    _package(repo, "packages/a", "a", "1.0.0")
    _package(repo, "packages/b", "b", "1.0.0")
    repo.commit("chore: init")
    repo.tag("a@1.0.0")
    repo.tag("b@1.0.0")
    repo.write("packages/b/index.js", "export const a = 1;\nexport const b = 2;\n")
    repo.commit("feat(b): b")
    repo.git("sparse-checkout", "set", "packages/a")
    assert not (repo.path / "packages" / "b").exists()
    return repo


def test_git_tells_a_sparse_checkout(sparse: GitRepo) -> None:
    assert Git(sparse.path).is_sparse()
    sparse.git("sparse-checkout", "disable")
    assert not Git(sparse.path).is_sparse()


def test_analyze_finds_a_project_outside_the_checkout(sparse: GitRepo) -> None:
    result = _run(sparse, "analyze", "--project", "b", "--format", "json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert (decision["current_version"], decision["next_version"]) == ("1.0.0", "1.1.0")


def test_analyze_still_knows_no_project_the_commit_lacks(sparse: GitRepo) -> None:
    one_line_error(_run(sparse, "analyze", "--project", "c"), 2, "unknown project 'c'")


def test_create_version_plan_for_a_project_outside_the_checkout(sparse: GitRepo) -> None:
    result = _run(sparse, "create-version-plan", "--project", "b", "--version-type", "minor")
    assert result.exit_code == 0, result.output
    plans = [p for p in sparse.path.rglob("*.md") if ".git" not in p.parts]
    assert len(plans) == 1
    assert "b: minor" in plans[0].read_text(encoding="utf-8")


def test_release_refuses_a_project_outside_the_checkout_saying_so(sparse: GitRepo) -> None:
    line = one_line_error(
        _run(sparse, "release", "--project", "b", "--dry-run"),
        2,
        "project 'b' is outside the sparse checkout (packages/b)",
    )
    assert "unknown project" not in line
    one_line_error(_run(sparse, "release", "--project", "c", "--dry-run"), 2, "unknown project")


def test_release_refuses_a_plan_naming_a_project_outside_the_checkout(sparse: GitRepo) -> None:
    sparse.git("sparse-checkout", "set", "packages/a", ".nx")
    sparse.write(".nx/version-plans/version-plan-1.md", "---\nb: minor\n---\n\nAdd b.\n")
    sparse.git("add", ".nx")
    sparse.git("commit", "-q", "-m", "chore: plan")
    line = one_line_error(
        _run(sparse, "release", "--dry-run"),
        2,
        "project 'b' is outside the sparse checkout (packages/b)",
    )
    assert "unknown project" not in line


def test_release_of_a_project_inside_the_checkout_goes_on(sparse: GitRepo) -> None:
    result = _run(sparse, "release", "--project", "a", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "nothing to release for a" in result.stdout


@pytest.mark.parametrize("project", ["a", "b"])
def test_a_plan_outside_the_checkout_is_committed(sparse: GitRepo, project: str) -> None:
    # The plans folder (.changeset/) is outside the checkout's patterns: git add refuses such
    # a path unless told the work tree is sparse on purpose.
    result = _run(
        sparse, "create-version-plan", "--project", project, "--version-type", "minor",
        "--plan-format", "changesets", "--commit",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sparse.git("status", "--porcelain").strip() == ""
    listed = sparse.git("show", "--name-only", "--format=", "HEAD").split()
    assert len(listed) == 1 and listed[0].startswith(".changeset/")
