"""analyze in a workspace that release refuses (a released package depending on one changesets
never releases): it still decides, and says on one warning what release will refuse."""

from __future__ import annotations

import json

from gitrepo import GitRepo
from release_tools.analysis.service import run_analysis
from release_tools.config import Settings


def _workspace(repo: GitRepo, lib_table: str) -> None:
    root = {"private": True, "workspaces": ["packages/*"]}
    repo.write("package.json", json.dumps(root, indent=2) + "\n")
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", "ignore": ["tools"]}))
    lib = {"name": "lib", "version": "1.0.0", lib_table: {"tools": "^1.0.0"}}
    repo.write("packages/lib/package.json", json.dumps(lib, indent=2) + "\n")
    repo.write("packages/tools/package.json", json.dumps({"name": "tools", "version": "1.0.0"}))
    repo.commit("chore: initial")
    repo.tag("lib@1.0.0")
    repo.write("packages/lib/index.js", "export const more = 1;\n")
    repo.commit("feat: more")


def test_analyze_decides_and_warns(repo: GitRepo) -> None:
    _workspace(repo, "dependencies")

    decision = run_analysis(Settings(repo=repo.path, project="lib"))

    assert decision.next_version == "1.1.0"
    found = [w for w in decision.warnings if w.startswith("release refuses this workspace: ")]
    assert len(found) == 1
    assert ".changeset/config.json: lib depends on tools" in found[0]


def test_analyze_does_not_warn_when_release_accepts_the_workspace(repo: GitRepo) -> None:
    _workspace(repo, "devDependencies")

    decision = run_analysis(Settings(repo=repo.path, project="lib"))

    assert not any("release refuses" in w for w in decision.warnings)
