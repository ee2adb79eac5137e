"""Shared fixtures: real git repositories under ``tmp_path``, isolated from the user's config."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test sees an empty global git config and a fixed identity.

    The tests never read or write the developer's ``~/.gitconfig``; commits made by the code under
    test get a deterministic author through the environment instead.
    """
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{key}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{key}_EMAIL", "test@example.com")
    for key in list(os.environ):
        if key.startswith("RELEASE_TOOLS_") or key in ("GITHUB_OUTPUT", "OPENAI_API_KEY"):
            monkeypatch.delenv(key, raising=False)


@dataclass
class GitRepo:
    """A real repository on disk with small helpers for building histories."""

    path: Path

    def git(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(
            ["git", *args], cwd=self.path, capture_output=True, text=True, check=False
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.strip()

    def write(self, rel: str, content: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def remove(self, rel: str) -> None:
        self.git("rm", "-q", "-r", rel)

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str) -> None:
        self.git("tag", name)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def make_repo(tmp_path: Path) -> Iterator[Callable[[str], GitRepo]]:
    """Factory: ``make_repo("name")`` creates an empty repository on branch ``main``."""

    def factory(name: str = "repo") -> GitRepo:
        path = tmp_path / name
        path.mkdir(parents=True)
        repo = GitRepo(path)
        repo.git("init", "-q", "-b", "main")
        return repo

    yield factory


@pytest.fixture
def repo(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    """An empty repository on branch ``main``."""
    return make_repo("repo")
