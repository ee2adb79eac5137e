"""Shared fixtures: real git repositories under ``tmp_path``, isolated from the user's config."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo

__all__ = ["GitRepo"]


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


@pytest.fixture(autouse=True)
def _drop_cli_log_handlers() -> Iterator[None]:
    """The commands install a log handler on the stderr of the test's CliRunner; it must not
    outlive the test (later tests would write to a closed stream).

    The commands also stop the package logger propagating and set its level. Both are undone:
    pytest attaches its capture handlers to every logger that does not propagate, so a later
    test that turned propagation back on would see each record twice.
    """
    yield
    root = logging.getLogger("release_tools")
    for handler in list(root.handlers):
        if getattr(handler, "_release_tools", False):
            root.removeHandler(handler)
    root.propagate = True
    root.setLevel(logging.NOTSET)


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
