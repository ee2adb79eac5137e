"""The git adapter against real repositories."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.errors import (
    GitError,
    NotAGitRepositoryError,
    ShallowCloneError,
    UnknownRefError,
)
from release_tools.git import Git


def _history(repo: GitRepo) -> tuple[str, str]:
    repo.write("a.txt", "one\n")
    first = repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("a.txt", "two\n")
    second = repo.commit("fix: second\n\nBody line.\n\nBREAKING CHANGE: gone")
    return first, second


def test_resolve_and_commits(repo: GitRepo) -> None:
    first, second = _history(repo)
    git = Git(repo.path)
    assert git.resolve("v1.0.0") == first
    assert git.resolve("HEAD") == second
    commits = git.commits(first, second)
    assert [c.subject for c in commits] == ["fix: second"]
    assert "BREAKING CHANGE: gone" in commits[0].body
    assert git.root_commit(second) == first
    assert git.tags_merged(second) == ["v1.0.0"]
    assert git.show_file(first, "a.txt") == b"one\n"
    assert git.show_file(first, "missing.txt") is None
    assert git.changed_paths(first, second) == ["a.txt"]


def test_unknown_ref(repo: GitRepo) -> None:
    _history(repo)
    with pytest.raises(UnknownRefError, match="unknown ref 'nope'"):
        Git(repo.path).resolve("nope")
    with pytest.raises(UnknownRefError):
        Git(repo.path).resolve("--output=/tmp/x")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepositoryError):
        Git(tmp_path).toplevel()
    with pytest.raises(NotAGitRepositoryError):
        Git(tmp_path / "missing").toplevel()


def test_stream_reads_lines_and_reports_failure(repo: GitRepo) -> None:
    first, second = _history(repo)
    git = Git(repo.path)
    with git.stream("diff", first, second) as lines:
        text = b"".join(lines).decode()
    assert "-one" in text and "+two" in text
    with pytest.raises(GitError), git.stream("diff", "nope1", "nope2") as lines:
        list(lines)


def test_stream_stopped_early_kills_process(repo: GitRepo) -> None:
    _, second = _history(repo)
    with Git(repo.path).stream("log", "-p", second) as lines:
        next(lines)  # leave the rest unread: no hang, no error


def test_commit_uses_local_identity_without_touching_config(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(repo)
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{key}_NAME")
        monkeypatch.delenv(f"GIT_{key}_EMAIL")
    monkeypatch.setenv("EMAIL", "")
    repo.write("b.txt", "b\n")
    git = Git(repo.path)
    git.add(["b.txt"])
    sha = git.commit("chore: add b")
    assert repo.git("log", "-1", "--format=%an", sha) == "release-tools"
    # the user's global config was not written
    after = subprocess.run(["git", "config", "--global", "--list"], capture_output=True, text=True)
    assert "release-tools" not in after.stdout


def test_tag_refuses_existing(repo: GitRepo) -> None:
    _history(repo)
    with pytest.raises(GitError, match="already exists"):
        Git(repo.path).tag("v1.0.0")


def test_shallow_clone_without_base(make_repo: Callable[[str], GitRepo], tmp_path: Path) -> None:
    origin = make_repo("origin")
    first, _ = _history(origin)
    origin.write("a.txt", "three\n")
    origin.commit("fix: third")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(clone)], check=True
    )
    git = Git(clone)
    assert git.is_shallow()
    with pytest.raises(UnknownRefError, match="shallow clone"):
        git.resolve(first)


def test_merge_base_without_common_history(repo: GitRepo) -> None:
    first, _ = _history(repo)
    repo.git("checkout", "-q", "--orphan", "other")
    repo.write("c.txt", "c\n")
    other = repo.commit("feat: unrelated")
    with pytest.raises(GitError, match="no common ancestor") as info:
        Git(repo.path).merge_base(first, other)
    assert not isinstance(info.value, ShallowCloneError)
