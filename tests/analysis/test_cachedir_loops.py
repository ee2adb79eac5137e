"""A repository's cache directory that is a link loop, a file or a loop in a configured path
sends the cache elsewhere (or nowhere), never stops the analysis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.cachedir import default_cache_dir
from release_tools.analysis.service import run_analysis
from release_tools.config import Settings


@pytest.mark.parametrize("kind", ["loop", "file", "dangling"])
def test_a_repository_cache_that_cannot_be_a_directory_falls_back_to_the_user_cache(
    tmp_path: Path, kind: str
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    cache = repo / ".release-tools-cache"
    if kind == "loop":
        os.symlink(".release-tools-cache", cache)
    elif kind == "file":
        cache.write_text("not a directory\n")
    else:
        os.symlink("missing", cache)
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}

    # A link to nothing cannot be made a directory either: mkdir refuses the link's name.
    assert default_cache_dir(repo, environ=env) == tmp_path / "xdg" / "release-tools"


def test_a_configured_cache_dir_that_loops_is_no_failure(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink("loop", repo / "loop")

    assert default_cache_dir(repo, Path("loop")) in (
        repo / "loop",
        Path.home() / ".cache" / "release-tools",
    )


def test_a_committed_cache_link_loop_leaves_the_analysis_whole(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.write("pkg/__init__.py", "def a():\n    return 1\n")
    os.symlink(".release-tools-cache", repo.path / ".release-tools-cache")
    repo.commit("feat: init")
    repo.tag("v1.0.0")
    repo.write("pkg/__init__.py", "def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    repo.commit("feat: b")

    decision = run_analysis(Settings(repo=repo.path))

    assert (decision.current_version, decision.next_version) == ("1.0.0", "1.1.0")
