"""Empty changesets (``changeset add --empty``) in ``plan-check`` and ``release``: they plan no
package, and a release of the whole workspace uses them up as ``changeset version`` does."""

from __future__ import annotations

import json
from typing import Any

from test_premode import release, versions

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.release.plancheck import PlanCheckResult, check_plans
from release_tools.release.service import ReleaseOptions, run_release

CHANGESETS_3 = {"@changesets/cli": "^3.0.1"}
A_AND_B = {"a": {"name": "a", "version": "1.0.0"}, "b": {"name": "b", "version": "1.0.0"}}


def _workspace(repo: GitRepo, packages: dict[str, dict[str, Any]]) -> None:
    root = {"private": True, "workspaces": ["packages/*"], "devDependencies": CHANGESETS_3}
    repo.write("package.json", json.dumps(root, indent=2) + "\n")
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main"}))
    for package, manifest in packages.items():
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("chore: initial")


def _empty(repo: GitRepo, name: str, summary: str = "") -> None:
    repo.write(f".changeset/{name}.md", f"---\n---\n{summary}")
    repo.commit(f"chore: empty changeset {name}")


def _check(repo: GitRepo, base: str) -> PlanCheckResult:
    return check_plans(load_settings({"base": base}, repo=repo.path), environ={})


def test_plan_check_reads_an_empty_changeset_as_planning_nothing(repo: GitRepo) -> None:
    _workspace(repo, A_AND_B)
    base = repo.head()
    repo.write("packages/a/README.md", "Docs.\n")
    repo.commit("docs: a")
    _empty(repo, "docs", "\nDocs only.\n")

    result = _check(repo, base)

    assert result.touched == ["a"]
    assert result.planned == []
    assert result.missing == ["a"]
    # The remedy is named: a none line plans a package without releasing it.
    assert any(".changeset/docs.md" in w and '"a": none' in w for w in result.warnings)


def test_plan_check_passes_with_an_empty_changeset_beside_real_plans(repo: GitRepo) -> None:
    _workspace(repo, A_AND_B)
    base = repo.head()
    repo.write("packages/a/index.js", "export const a = 1;\n")
    repo.commit("feat: a")
    _empty(repo, "docs")
    repo.write(".changeset/feat.md", '---\n"a": minor\n---\n\nA feature.\n')
    repo.commit("chore: changeset")

    result = _check(repo, base)

    assert result.missing == [] and result.ok
    assert result.warnings == []


def test_a_release_of_the_workspace_uses_up_an_empty_changeset(repo: GitRepo) -> None:
    _workspace(repo, A_AND_B)
    _empty(repo, "docs", "\nDocs only.\n")
    repo.write(".changeset/fix.md", '---\n"a": patch\n---\n\nA fix.\n')
    repo.commit("chore: changeset")

    scoped = run_release(
        load_settings({"project": "a"}, repo=repo.path), ReleaseOptions(dry_run=True)
    )
    assert ".changeset/docs.md" not in scoped.files_deleted

    result = release(repo)

    assert versions(result) == {"a": "1.0.1"}
    assert sorted(result.files_deleted) == [".changeset/docs.md", ".changeset/fix.md"]
    assert not (repo.path / ".changeset/docs.md").exists()
    assert "Docs only." not in (repo.path / "packages/a/CHANGELOG.md").read_text()
    assert repo.git("status", "--porcelain") == ""


def test_a_dry_run_says_why_an_empty_changeset_goes(repo: GitRepo) -> None:
    _workspace(repo, A_AND_B)
    _empty(repo, "docs")
    repo.write(".changeset/fix.md", '---\n"a": patch\n---\n\nA fix.\n')
    repo.commit("chore: changeset")

    result = release(repo, dry_run=True)

    assert "delete .changeset/docs.md (consumed version plan (names no package))" in (
        result.actions
    )
