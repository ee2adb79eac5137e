"""The cache directory stays inside the work tree and outside .git, or leaves the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from release_tools.analysis.cachedir import default_cache_dir
from release_tools.config import load_settings


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


def test_an_absolute_cache_dir_from_the_config_file_stays_in_the_repository(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    user = tmp_path / "xdg" / "release-tools"
    (repo / "release-tools.toml").write_text(f'cache-dir = "{outside}"\n', encoding="utf-8")
    from_file = load_settings(repo=repo, environ={}).cache_dir
    assert from_file is not None and not from_file.is_absolute()
    with caplog.at_level("WARNING"):
        assert default_cache_dir(repo, from_file, env) == user
        assert default_cache_dir(repo, from_file, env) == user
    # Said once a process, however often the directory is asked for.
    assert sum("outside the work tree" in r.getMessage() for r in caplog.records) == 1
    # The same path from a flag or a variable is the user's choice.
    flagged = load_settings({"cache_dir": outside}, repo=repo, environ={}).cache_dir
    assert default_cache_dir(repo, flagged, env) == outside
    from_env = load_settings(repo=repo, environ={"RELEASE_TOOLS_CACHE_DIR": str(outside)})
    assert from_env.cache_dir == outside
    # An absolute path inside the repository is kept there.
    (repo / "release-tools.toml").write_text(f'cache-dir = "{repo / "ci"}"\n', encoding="utf-8")
    inside = load_settings(repo=repo, environ={}).cache_dir
    assert inside is not None and default_cache_dir(repo, inside, env) == repo / "ci"
