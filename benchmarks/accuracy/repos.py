"""Turn a release pair into a git repository: the old tree, tagged, then the new tree.

Source archives carry no commit history, so each pair becomes two commits: commit 1 holds the
old release's files and is tagged ``v<old>``; commit 2 replaces them with the new release's
files under a neutral message. The new commit gets no tag, so nothing in the repository's
history says which version it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "NEUTRAL_MESSAGE",
    "RepoError",
    "build_pair_repo",
    "git_env",
    "is_complete",
    "range_messages",
]

NEUTRAL_MESSAGE = "update sources"

# Fixed identity and dates make the repositories byte-for-byte reproducible; the empty global
# config keeps the developer's hooks, signing and templates out of the benchmark.
_DATES = ("2000-01-01T00:00:00Z", "2000-01-02T00:00:00Z")


class RepoError(RuntimeError):
    """A git command failed while building a pair repository."""


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every git command of the benchmark runs with."""
    env = dict(os.environ if base is None else base)
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="benchmark",
        GIT_AUTHOR_EMAIL="benchmark@example.invalid",
        GIT_COMMITTER_NAME="benchmark",
        GIT_COMMITTER_EMAIL="benchmark@example.invalid",
    )
    return env


def _git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=dict(env) if env is not None else git_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no error text"])[-1]
        raise RepoError(f"git {args[0]} in {repo}: {last}")
    return proc.stdout


def _replace_worktree(repo: Path, tree: Path) -> None:
    """Make the work tree hold exactly ``tree``'s files (``.git`` kept)."""
    for child in repo.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for child in tree.iterdir():
        # A tree that ships its own .git directory would clobber the pair's history.
        if child.name == ".git":
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.copytree(child, repo / child.name, symlinks=True)
        else:
            shutil.copy2(child, repo / child.name, follow_symlinks=False)


def _commit_all(repo: Path, message: str, date: str) -> None:
    # -f: the archive's files are the release, even those its own .gitignore would skip.
    _git(repo, "add", "-A", "-f", ".")
    env = git_env()
    env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    _git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message, env=env)


def build_pair_repo(old_tree: Path, new_tree: Path, dest: Path, old_version: str) -> Path:
    """Create ``dest`` as a two-commit repository for one pair; returns ``dest``.

    Any previous content of ``dest`` is removed. A marker file inside ``.git`` records a
    complete build, so an interrupted build is redone rather than reused.
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    _git(dest, "init", "-q", "-b", "main")
    _replace_worktree(dest, old_tree)
    _commit_all(dest, f"release {old_version}", _DATES[0])
    _git(dest, "tag", f"v{old_version}")
    _replace_worktree(dest, new_tree)
    _commit_all(dest, NEUTRAL_MESSAGE, _DATES[1])
    (dest / ".git" / "benchmark-complete").write_text("ok\n", encoding="utf-8")
    return dest


def is_complete(dest: Path) -> bool:
    """Whether ``dest`` holds a fully built pair repository."""
    return (dest / ".git" / "benchmark-complete").is_file()


def range_messages(repo: Path, base: str, head: str = "HEAD") -> list[str]:
    """The full messages of the commits in ``base..head``, oldest first."""
    out = _git(repo, "log", "--reverse", "--format=%B%x00", f"{base}..{head}")
    return [message.strip() for message in out.split("\x00") if message.strip()]
