"""The cache directory stays inside the work tree and outside .git, or leaves the repository."""

from __future__ import annotations

import os
from pathlib import Path

from release_tools.analysis.cachedir import default_cache_dir


def test_repository_cache_by_default(tmp_path: Path) -> None:
    assert default_cache_dir(tmp_path) == tmp_path / ".release-tools-cache"


def test_a_repository_cache_linked_outside_falls_back_to_the_user_cache(tmp_path: Path) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    os.symlink(outside, repo / ".release-tools-cache")
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert default_cache_dir(repo, environ=env) == tmp_path / "xdg" / "release-tools"


def test_configured_relative_paths_stay_in_the_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    user = tmp_path / "xdg" / "release-tools"
    assert default_cache_dir(repo, Path("build/cache"), env) == repo / "build" / "cache"
    assert default_cache_dir(repo, Path("../elsewhere"), env) == user
    assert default_cache_dir(repo, Path(".git/cache"), env) == user


def test_absolute_paths_are_the_users_choice_but_never_in_git(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert default_cache_dir(tmp_path, tmp_path / "ci-cache", env) == tmp_path / "ci-cache"
    assert default_cache_dir(tmp_path, tmp_path / "r" / ".git" / "c", env) == (
        tmp_path / "xdg" / "release-tools"
    )
