"""Version plans a sparse checkout leaves out (committed, then left out by a narrower checkout
or a reapply): read as the index holds them, and consumed by deleting them from the index alone,
never by writing outside the checkout."""

from __future__ import annotations

import json
import subprocess

from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.git import Git
from release_tools.release.sparse import checkout_plans, read_checkout

PLAN_A = '---\n"a": patch\n---\n\na counts from two.\n'
PLAN_AB = '---\n"a": patch\n"b": minor\n---\n\nBoth move.\n'
PLAN_AC = '---\n"a": patch\n"c": minor\n---\n\nBoth move.\n'


def _run(repo: GitRepo, *args: str) -> Result:
    return CliRunner().invoke(cli, [args[0], "-C", str(repo.path), *args[1:]])


def _workspace(repo: GitRepo, plans: dict[str, str], keep: tuple[str, ...] = ("a",)) -> None:
    """An npm workspace of a 1.0.0, b 2.0.0 and c 3.0.0, a fix in a, ``plans`` committed
    under .changeset/, then a checkout of the packages ``keep`` names (cone mode: .changeset
    is left out)."""
    repo.write(
        "package.json",
        json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]}) + "\n",
    )
    for name, version in (("a", "1.0.0"), ("b", "2.0.0"), ("c", "3.0.0")):
        repo.write(
            f"packages/{name}/package.json",
            json.dumps({"name": name, "version": version}) + "\n",
        )
        repo.write(f"packages/{name}/index.js", "export const x = 1;\n")
    repo.write(".changeset/config.json", "{}\n")
    repo.commit("chore: init")
    repo.tag("a@1.0.0")
    repo.tag("b@2.0.0")
    repo.tag("c@3.0.0")
    repo.write("packages/a/index.js", "export const x = 2;\n")
    for path, text in plans.items():
        repo.write(path, text)
    repo.commit("fix(a): two")
    repo.git("sparse-checkout", "set", *(f"packages/{name}" for name in keep))
    assert not (repo.path / ".changeset").exists()


def _stage_left_out(repo: GitRepo, path: str, text: str) -> None:
    """Stage ``text`` as ``path`` in the index only, the path still left out."""
    blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=repo.path,
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    repo.git("update-index", "--cacheinfo", f"100644,{blob},{path}")
    repo.git("update-index", "--skip-worktree", path)


def _state(repo: GitRepo) -> tuple[str, str, str]:
    return repo.head(), repo.git("status", "--porcelain"), repo.git("ls-files", "-t")


def test_plans_left_out_are_read_as_the_index_holds_them(repo: GitRepo) -> None:
    _workspace(repo, {".changeset/left-out.md": PLAN_A})
    _stage_left_out(repo, ".changeset/left-out.md", PLAN_AB)
    repo.write(".changeset/new.md", '---\n"b": patch\n---\n\nNew.\n')
    git = Git(repo.path)
    root = git.toplevel()
    checkout = read_checkout(git, root)
    assert checkout.leaves_out(".changeset/left-out.md")

    plans = checkout_plans(git, root, checkout)

    assert [(p.path, sorted((e.name, e.type) for e in p.entries)) for p in plans] == [
        (".changeset/left-out.md", [("a", "patch"), ("b", "minor")]),
        (".changeset/new.md", [("b", "patch")]),
    ]
    assert sorted(p.name for p in (repo.path / ".changeset").iterdir()) == ["new.md"]


def test_without_plans_left_out_the_work_trees_are_read(repo: GitRepo) -> None:
    _workspace(repo, {})
    repo.write(".changeset/new.md", PLAN_A)
    git = Git(repo.path)
    root = git.toplevel()

    plans = checkout_plans(git, root, read_checkout(git, root))

    assert [p.path for p in plans] == [".changeset/new.md"]


def test_release_consumes_a_plan_left_out_in_the_index_alone(repo: GitRepo) -> None:
    _workspace(repo, {".changeset/left-out.md": PLAN_A})

    result = _run(repo, "release", "--project", "a")

    assert result.exit_code == 0, result.output
    changed = repo.git("show", "--name-status", "--format=", "HEAD").splitlines()
    assert sorted(changed) == sorted(
        ["D\t.changeset/left-out.md", "A\tpackages/a/CHANGELOG.md", "M\tpackages/a/package.json"]
    )
    assert repo.git("tag", "--points-at", "HEAD") == "a@1.0.1"
    # Nothing was written outside the checkout, and nothing is left to commit.
    assert not (repo.path / ".changeset").exists()
    assert repo.git("status", "--porcelain") == ""
    assert "a counts from two." in (repo.path / "packages/a/CHANGELOG.md").read_text()


def test_a_failed_commit_puts_the_plan_left_out_back(repo: GitRepo) -> None:
    _workspace(repo, {".changeset/left-out.md": PLAN_A})
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = _state(repo)

    result = _run(repo, "release", "--project", "a")

    assert result.exit_code != 0
    assert "files restored" in result.output
    # The plan's index entry is back, still left out: the checkout is as it was.
    assert _state(repo) == before
    assert "S .changeset/left-out.md" in before[2].splitlines()


def test_a_plan_left_out_that_would_be_rewritten_is_refused(repo: GitRepo) -> None:
    # c is in the checkout but not released: the plan keeps its line, so it is rewritten.
    _workspace(repo, {".changeset/both.md": PLAN_AC}, keep=("a", "c"))
    before = _state(repo)

    result = _run(repo, "release", "--project", "a")

    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: .changeset/both.md: outside the sparse")
    assert lines[0].endswith("(git sparse-checkout add .changeset)")
    assert _state(repo) == before
    assert not (repo.path / ".changeset").exists()
