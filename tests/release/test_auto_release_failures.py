"""``release --auto`` when a project cannot be measured or analyzed: the whole release stops
before anything is written, and the error names the project."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.errors import ShallowCloneError
from release_tools.release.service import ReleaseOptions, run_release


def test_a_project_without_its_tag_in_a_shallow_clone_is_named(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    origin = make_repo("origin")
    origin.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    origin.write("packages/alpha/package.json", json.dumps({"name": "alpha", "version": "1.0.0"}))
    origin.write("packages/alpha/index.js", "module.exports = 1;\n")
    origin.commit("chore: initial")
    origin.tag("alpha@1.0.0")
    origin.write("packages/alpha/index.js", "module.exports = 2;\n")
    origin.commit("fix: two")
    clone = GitRepo(tmp_path / "clone")
    origin.git("clone", "-q", "--depth", "1", f"file://{origin.path}", str(clone.path))
    before = sorted(p.name for p in clone.path.rglob("*") if ".git" not in p.parts)

    with pytest.raises(ShallowCloneError, match=r"^alpha: no release tag"):
        run_release(
            load_settings({}, repo=clone.path),
            ReleaseOptions(auto=True, today=date(2026, 1, 2)),
        )

    assert sorted(p.name for p in clone.path.rglob("*") if ".git" not in p.parts) == before
