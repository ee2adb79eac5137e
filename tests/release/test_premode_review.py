"""Leaving pre mode with dependents: what a finished prerelease's changelog and report say."""

from __future__ import annotations

import json

from test_premode import PRE, changeset, leave_pre_mode, pre_workspace, release, versions

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
    # A range still admitting a patch stays when only minors move ranges.
    _b_depends_on_a(repo, "^1.0.0")
    config = {"baseBranch": "main", "updateInternalDependencies": "minor"}
    repo.write(".changeset/config.json", json.dumps(config))
    repo.commit("chore: only minors move ranges")
    changeset(repo, "one", {"@acme/a": "patch", "@acme/b": "patch"}, "Both.")
    assert versions(release(repo)) == {"@acme/a": "1.0.1-beta.0", "@acme/b": "2.0.1-beta.0"}
    repo.remove(".changeset/one.md")
    repo.commit("chore: drop the released changeset")
    leave_pre_mode(repo)

    result = release(repo)
    assert versions(result) == {"@acme/a": "1.0.1", "@acme/b": "2.0.1"}
    # ^1.0.1-beta.0 (the beta left ^1.0.0) admits 1.0.1, a patch: b's range stays.
    assert json.loads((repo.path / "packages/b/package.json").read_text())["dependencies"] == {
        "@acme/a": "^1.0.1-beta.0"
    }
    assert all(r.dependency_only == () for r in result.releases)


def _b_released_by_nx_after_a_beta(repo: GitRepo) -> None:
    """``@acme/b``: a minor changeset released as 2.1.0-beta.0, then an Nx plan makes 2.1.0."""
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/b": "minor"}, "Add to b.")
    assert versions(release(repo)) == {"@acme/b": "2.1.0-beta.0"}
    repo.write(".nx/version-plans/version-plan-1.md", "---\n'@acme/b': minor\n---\n\nfeat: b\n")
    repo.commit("chore: nx plan")
    assert versions(release(repo)) == {"@acme/b": "2.1.0"}


def test_changesets_shipped_by_an_nx_release_are_not_counted_again(repo: GitRepo) -> None:
    _b_released_by_nx_after_a_beta(repo)
    changeset(repo, "two", {"@acme/b": "patch"}, "Fix b.")
    # 2.1.0 holds the minor of "one": a patch after it is 2.1.1, not another minor.
    second = release(repo)
    assert versions(second) == {"@acme/b": "2.1.1-beta.0"}
    assert second.releases[0].release_type == "patch"
    changeset(repo, "three", {"@acme/b": "patch"}, "Fix b again.")
    assert versions(release(repo)) == {"@acme/b": "2.1.1-beta.1"}
    leave_pre_mode(repo)
    assert versions(release(repo)) == {"@acme/b": "2.1.1"}


def test_leaving_after_an_nx_release_does_not_release_its_changesets_again(
    repo: GitRepo,
) -> None:
    _b_released_by_nx_after_a_beta(repo)
    leave_pre_mode(repo)
    result = release(repo)
    # "one" went out with 2.1.0: only pre.json and the changeset file go.
    assert result.released and versions(result) == {}
    assert sorted(result.files_deleted) == [".changeset/one.md", PRE]
    assert not (repo.path / PRE).exists()


def test_leaving_after_an_nx_release_releases_the_changesets_added_since(
    repo: GitRepo,
) -> None:
    _b_released_by_nx_after_a_beta(repo)
    leave_pre_mode(repo)
    changeset(repo, "two", {"@acme/b": "patch"}, "Fix b.")
    result = release(repo)
    assert versions(result) == {"@acme/b": "2.1.1"}
    assert result.releases[0].release_type == "patch"
