"""Staging in a sparse checkout: paths outside its patterns, written or deleted on purpose, are
staged like any other, each taken literally; whether the checkout is sparse is asked once."""

from __future__ import annotations

from typing import Any

import pytest

from gitrepo import GitRepo
from release_tools.git import Git
from release_tools.git.process import GitProcess


@pytest.fixture
def cone(repo: GitRepo) -> GitRepo:
    """A cone checkout of ``packages/a`` whose plans folder holds two plans committed from
    inside the checkout (``git add --sparse``), so that they are in the work tree."""
    repo.write("packages/a/index.js", "export const a = 1;\n")
    repo.write(".changeset/keep.md", "keep\n")
    repo.commit("chore: init")
    repo.git("sparse-checkout", "set", "packages/a")
    assert not (repo.path / ".changeset").exists()
    repo.write(".changeset/one.md", "one\n")
    repo.write(".changeset/*.md", "a star in the name\n")
    repo.git("add", "--sparse", ".changeset")
    repo.git("commit", "-q", "-m", "chore: plans")
    return repo


def _staged(repo: GitRepo) -> list[str]:
    return repo.git("diff", "--cached", "--name-status").splitlines()


def test_a_deleted_path_outside_the_patterns_is_staged(cone: GitRepo) -> None:
    (cone.path / ".changeset" / "one.md").unlink()
    cone.write("packages/a/index.js", "export const a = 2;\n")
    Git(cone.path).add([".changeset/one.md", "packages/a/index.js"])
    assert _staged(cone) == ["D\t.changeset/one.md", "M\tpackages/a/index.js"]


def test_a_deleted_path_is_taken_literally(cone: GitRepo) -> None:
    # "*.md" as a pattern would delete one.md too.
    (cone.path / ".changeset" / "*.md").unlink()
    Git(cone.path).add([".changeset/*.md"])
    assert _staged(cone) == ["D\t.changeset/*.md"]


def test_a_new_path_outside_the_patterns_is_staged(cone: GitRepo) -> None:
    cone.write(".changeset/two.md", "two\n")
    Git(cone.path).add([".changeset/two.md"])
    assert _staged(cone) == ["A\t.changeset/two.md"]


def test_a_path_neither_present_nor_tracked_stages_nothing(cone: GitRepo) -> None:
    Git(cone.path).add([".changeset/never.md"])
    assert _staged(cone) == []


def test_a_deleted_path_is_staged_outside_a_sparse_checkout(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.write("b.txt", "b\n")
    repo.commit("chore: init")
    (repo.path / "a.txt").unlink()
    repo.write("b.txt", "bb\n")
    Git(repo.path).add(["a.txt", "b.txt"])
    assert _staged(repo) == ["D\ta.txt", "M\tb.txt"]


def test_whether_the_checkout_is_sparse_is_asked_once(
    cone: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, ...]] = []
    run_bytes = GitProcess.run_bytes

    def counted(self: GitProcess, *args: str, **kw: Any) -> bytes:
        if "core.sparseCheckout" in args:
            asked.append(args)
        return run_bytes(self, *args, **kw)

    monkeypatch.setattr(GitProcess, "run_bytes", counted)
    git = Git(cone.path)
    assert git.is_sparse() and git.is_sparse()
    cone.write(".changeset/two.md", "two\n")
    git.add([".changeset/two.md"])
    assert len(asked) == 1
