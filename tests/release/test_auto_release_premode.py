"""``release --auto`` in changesets' pre mode: analyzed projects get prereleases, and a
changeset an earlier prerelease used no longer keeps its project from being analyzed."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from test_premode import PRE, pre_json
from test_premode import pre_workspace as premode_workspace

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release

TODAY = date(2026, 1, 2)


def release(repo: GitRepo, **options: Any) -> ReleaseResult:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def pre_workspace(repo: GitRepo, mode: str = "pre") -> None:
    """The pre mode workspace of the pre mode tests, with sources to analyze, both packages
    tagged at their initial versions."""
    premode_workspace(repo, mode)
    for package in ("a", "b"):
        repo.write(f"packages/{package}/index.js", "module.exports = 1;\n")
    repo.commit("chore: sources")
    repo.git("tag", "@acme/a@1.0.0")
    repo.git("tag", "@acme/b@2.0.0")


def test_an_analyzed_project_gets_a_prerelease_in_pre_mode(repo: GitRepo) -> None:
    pre_workspace(repo)
    repo.write("packages/b/index.js", "module.exports = 2;\n")
    repo.commit("fix(b): two")

    result = release(repo, auto=True)

    assert [a.name for a in result.analyzed] == ["@acme/b"]
    assert {r.project.name: r.version for r in result.releases} == {"@acme/b": "2.0.1-beta.0"}
    assert "@acme/b@2.0.1-beta.0" in repo.git("tag", "-l").split()
    # No changeset file stands behind the analyzed release: pre.json records none.
    assert pre_json(repo)["changesets"] == []
    assert repo.git("status", "--porcelain") == ""


def test_a_changeset_used_by_an_earlier_prerelease_does_not_stop_the_analysis(
    repo: GitRepo,
) -> None:
    pre_workspace(repo)
    repo.write(".changeset/one.md", '---\n"@acme/a": minor\n---\n\nAdd a flag.\n')
    repo.commit("chore: changeset one")
    first = release(repo)
    assert {r.project.name: r.version for r in first.releases} == {"@acme/a": "1.1.0-beta.0"}
    repo.write("packages/a/index.js", "module.exports = 3;\n")
    repo.commit("fix(a): three")

    result = release(repo, auto=True)

    # one.md stays on disk in pre mode, but it was released: a's change since needs analyze.
    assert [a.name for a in result.analyzed] == ["@acme/a"]
    # The old minor still counts with the new patch: one more beta of 1.1.0.
    assert {r.project.name: r.version for r in result.releases} == {"@acme/a": "1.1.0-beta.1"}
    assert pre_json(repo)["changesets"] == ["one"]
    assert (repo.path / ".changeset/one.md").exists()


def test_leaving_pre_mode_with_an_analyzed_project(repo: GitRepo) -> None:
    pre_workspace(repo, mode="exit")
    repo.write("packages/b/index.js", "module.exports = 2;\n")
    repo.commit("fix(b): two")

    result = release(repo, auto=True)

    assert {r.project.name: r.version for r in result.releases} == {"@acme/b": "2.0.1"}
    assert not (repo.path / PRE).exists()
    assert result.files_deleted == [PRE]
    assert repo.git("status", "--porcelain") == ""


def test_changesets_3_pre_mode_analyzes_a_project_whose_changeset_moved_to_pre(
    repo: GitRepo,
) -> None:
    pre_workspace(repo)
    # The root now requires changesets 3: used changesets move to .changeset/pre/.
    root = {"private": True, "workspaces": ["packages/*"]}
    dev = {"@changesets/cli": "^3.0.0"}
    repo.write("package.json", json.dumps({**root, "devDependencies": dev}))
    repo.write(".changeset/one.md", '---\n"@acme/a": minor\n---\n\nAdd a flag.\n')
    repo.commit("chore: changesets 3, changeset one")
    first = release(repo)
    assert {r.project.name: r.version for r in first.releases} == {"@acme/a": "1.1.0-beta.0"}
    assert (repo.path / ".changeset/pre/one.md").exists()
    repo.write("packages/a/index.js", "module.exports = 3;\n")
    repo.write("packages/b/index.js", "module.exports = 3;\n")
    repo.commit("fix: both three")

    result = release(repo, auto=True)

    assert sorted(a.name for a in result.analyzed) == ["@acme/a", "@acme/b"]
    assert {r.project.name: r.version for r in result.releases} == {
        "@acme/a": "1.1.0-beta.1",
        "@acme/b": "2.0.1-beta.0",
    }
    # No file stands behind an analyzed release: nothing new under .changeset/pre/.
    assert sorted(p.name for p in (repo.path / ".changeset/pre").iterdir()) == ["one.md"]
    assert repo.git("status", "--porcelain") == ""


def test_a_release_as_is_not_applied_in_pre_mode_and_says_so(repo: GitRepo) -> None:
    pre_workspace(repo)
    repo.write("packages/b/index.js", "module.exports = 2;\n")
    repo.commit("fix(b): two\n\nRelease-As: 2.5.0")

    result = release(repo, dry_run=True, auto=True)

    # analyze's type (the minor step to 2.5.0) makes the prerelease, as a changeset's would.
    assert {r.project.name: r.version for r in result.releases} == {"@acme/b": "2.1.0-beta.0"}
    assert result.warnings == [
        "@acme/b: Release-As 2.5.0 is not applied in changesets' pre mode, where every "
        "release is a prerelease"
    ]
