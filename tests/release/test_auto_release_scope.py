"""Which projects ``release --auto`` analyzes, and what it says about them."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release

TODAY = date(2026, 1, 2)


def release(repo: GitRepo, flags: dict[str, Any] | None = None, **options: Any) -> ReleaseResult:
    settings = load_settings(flags or {}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def workspace(repo: GitRepo, config: dict[str, Any], private: tuple[str, ...] = ()) -> None:
    """Packages a 1.0.0, b 1.0.0 and c 3.0.0 under changesets ``config``, each tagged."""
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **config}))
    for name, version in (("a", "1.0.0"), ("b", "1.0.0"), ("c", "3.0.0")):
        manifest: dict[str, Any] = {"name": name, "version": version}
        if name in private:
            manifest["private"] = True
        repo.write(f"packages/{name}/package.json", json.dumps(manifest, indent=2) + "\n")
        repo.write(f"packages/{name}/index.js", "module.exports = 1;\n")
    repo.commit("chore: initial")
    for tag in ("a@1.0.0", "b@1.0.0", "c@3.0.0"):
        repo.tag(tag)


def test_an_ignored_package_is_not_analyzed(repo: GitRepo) -> None:
    workspace(repo, {"ignore": ["c"]})
    repo.write("packages/a/index.js", "module.exports = 2;\n")
    repo.write("packages/c/index.js", "module.exports = 2;\n")
    repo.commit("fix: a and c")

    result = release(repo, dry_run=True, auto=True)

    # c is never released: an analysis of it would show a decision nothing acts on.
    assert [a.name for a in result.analyzed] == ["a"]
    assert {r.project.name: r.version for r in result.releases} == {"a": "1.0.1"}


def test_a_private_package_changesets_does_not_version_is_not_analyzed(repo: GitRepo) -> None:
    workspace(repo, {"privatePackages": {"version": False, "tag": False}}, private=("c",))
    repo.write("packages/c/index.js", "module.exports = 2;\n")
    repo.commit("fix: c")

    result = release(repo, dry_run=True, auto=True)

    assert result.analyzed == [] and result.releases == []
    assert "analyze found no change to release" in result.message
