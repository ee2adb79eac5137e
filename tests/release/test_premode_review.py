"""Leaving pre mode with dependents: what a finished prerelease's changelog and report say."""

from __future__ import annotations

import json

from test_premode import changeset, leave_pre_mode, pre_workspace, release, versions

from gitrepo import GitRepo


def _b_depends_on_a(repo: GitRepo, spec: str) -> None:
    """``@acme/b`` requires ``@acme/a`` by ``spec``; dependents only when out of range."""
    pre_workspace(repo)
    repo.write(
        ".changeset/config.json",
        json.dumps({"baseBranch": "main", "updateInternalDependents": "out-of-range"}),
    )
    path = repo.path / "packages/b/package.json"
    b = json.loads(path.read_text())
    b["dependencies"] = {"@acme/a": spec}
    repo.write("packages/b/package.json", json.dumps(b, indent=2) + "\n")
    repo.commit("chore: b depends on a")


def _newest_section(repo: GitRepo, package: str) -> str:
    text = (repo.path / f"packages/{package}/CHANGELOG.md").read_text()
    return text.split("\n## ", 2)[1]


def test_a_finished_dependent_says_its_requirement_moved(repo: GitRepo) -> None:
    _b_depends_on_a(repo, "^1.0.0")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    release(repo)
    leave_pre_mode(repo)

    result = release(repo)
    # b's range ^1.1.0-beta.0 admits 1.1.0, so b is not out of range; it is released to
    # finish its beta, and its manifest's requirement still moves to ^1.1.0.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1"}
    b = next(r for r in result.releases if r.project.name == "@acme/b")
    assert b.dependency_only == ("@acme/a",)
    section = _newest_section(repo, "b")
    assert section.startswith("[2.0.1]")
    assert "Updated dependencies: @acme/a." in section
    assert "No notable changes" not in section


def test_a_finished_package_whose_requirements_stay_has_no_dependency_entry(
    repo: GitRepo,
) -> None:
    # A range that is not one version with an operator is never rewritten.
    _b_depends_on_a(repo, ">=1.0.0-beta.0 <2")
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch"}, "Both.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "2.0.1-beta.0"}
    repo.remove(".changeset/one.md")
    repo.commit("chore: drop the released changeset")
    leave_pre_mode(repo)

    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1"}
    assert all(r.dependency_only == () for r in result.releases)
