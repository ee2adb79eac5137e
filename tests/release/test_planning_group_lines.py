"""``release`` with a plan naming a project under a group line and on its own: in an
independent workspace the project's own ``none`` line keeps it where it is; in a fixed group
every member still moves together, as a fixed group always does."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.release.results import ReleaseResult
from release_tools.release.service import ReleaseOptions, run_release


def _workspace(repo: GitRepo, relationship: str) -> None:
    repo.write("nx.json", json.dumps({"release": {"projectsRelationship": relationship}}))
    for name in ("a", "b", "c"):
        repo.write(f"packages/{name}/project.json", json.dumps({"name": name}))
        manifest: dict[str, Any] = {"name": name, "version": "1.0.0"}
        repo.write(f"packages/{name}/package.json", json.dumps(manifest))
    repo.commit("chore: initial")
    plan = "---\n__default__: minor\nb: none\n---\n\nfeat: a feature, none in b\n"
    repo.write(".nx/version-plans/version-plan-1.md", plan)
    repo.commit("chore: plan")


def _release(repo: GitRepo) -> ReleaseResult:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=date(2026, 1, 2)))


def test_an_independent_project_s_none_line_wins_over_the_default_group(repo: GitRepo) -> None:
    _workspace(repo, "independent")

    result = _release(repo)

    assert {r.project.name: r.version for r in result.releases} == {"a": "1.1.0", "c": "1.1.0"}
    assert json.loads((repo.path / "packages/b/package.json").read_text())["version"] == "1.0.0"
    assert result.files_deleted == [".nx/version-plans/version-plan-1.md"]


def test_a_fixed_group_moves_every_member_whatever_a_none_line_says(repo: GitRepo) -> None:
    _workspace(repo, "fixed")

    result = _release(repo)

    assert {r.project.name: r.version for r in result.releases} == {
        "a": "1.1.0",
        "b": "1.1.0",
        "c": "1.1.0",
    }
