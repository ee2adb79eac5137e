"""Dependents under ``updateInternalDependents: "out-of-range"``, in and out of pre mode, as
changesets decides them: which are released, and whose ranges move."""

from __future__ import annotations

import json
from typing import Any

from test_premode import changeset, leave_pre_mode, pre_workspace, release, versions

from gitrepo import GitRepo

OUT_OF_RANGE = {"baseBranch": "main", "updateInternalDependents": "out-of-range"}
#: A root requirement on changesets' CLI that pins its 2.x rules.
CHANGESETS_2 = {"@changesets/cli": "^2.27.0"}


def _package(repo: GitRepo, package: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo.path / f"packages/{package}/package.json").read_text())
    return data


def _npm(repo: GitRepo, package: str, version: str, deps: dict[str, str]) -> None:
    data: dict[str, Any] = {"name": f"@acme/{package}", "version": version}
    if deps:
        data["dependencies"] = deps
    repo.write(f"packages/{package}/package.json", json.dumps(data, indent=2) + "\n")


def _workspace(repo: GitRepo, dependents: dict[str, str]) -> None:
    """``@acme/a`` 1.0.0, and one package per entry of ``dependents`` requiring it so."""
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", json.dumps(OUT_OF_RANGE))
    _npm(repo, "a", "1.0.0", {})
    for package, spec in dependents.items():
        _npm(repo, package, "0.1.0", {"@acme/a": spec})
    repo.commit("initial")


def test_workspace_shorthands_are_judged_against_the_old_version(repo: GitRepo) -> None:
    _workspace(repo, {"caret": "workspace:^", "tilde": "workspace:~", "star": "workspace:*"})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    # workspace:^ reads ^1.0.0, which admits 1.1.0; workspace:~ (~1.0.0) and workspace:*
    # (exactly 1.0.0) do not, so those dependents are released.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/star": "0.1.1", "@acme/tilde": "0.1.1"}
    # The shorthands stay: the package manager publishes them as the version of the day.
    for package, spec in (
        ("caret", "workspace:^"),
        ("tilde", "workspace:~"),
        ("star", "workspace:*"),
    ):
        assert _package(repo, package)["dependencies"] == {"@acme/a": spec}


def test_a_workspace_caret_does_not_admit_a_prerelease(repo: GitRepo) -> None:
    pre_workspace(repo)
    repo.write(".changeset/config.json", json.dumps(OUT_OF_RANGE))
    b = _package(repo, "b")
    b["dependencies"] = {"@acme/a": "workspace:^"}
    repo.write("packages/b/package.json", json.dumps(b, indent=2) + "\n")
    repo.commit("chore: b depends on a")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    # ^1.0.0 does not admit 1.1.0-beta.0: b gets a prerelease of its own.
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "2.0.1-beta.0"}


def test_workspace_shorthand_dependents_are_released_when_every_dependent_is(
    repo: GitRepo,
) -> None:
    _workspace(repo, {"caret": "workspace:^", "star": "workspace:*"})
    # Under updateInternalDependents "always" every dependent is released, shorthands included.
    always = {"updateInternalDependents": "always"}
    config = {"baseBranch": "main", "___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH": always}
    repo.write(".changeset/config.json", json.dumps(config))
    repo.commit("chore: every dependent")
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.0.1", "@acme/caret": "0.1.1", "@acme/star": "0.1.1"}
    assert {r.project.name: r.dependency_only for r in result.releases} == {
        "@acme/a": (),
        "@acme/caret": ("@acme/a",),
        "@acme/star": ("@acme/a",),
    }


def test_a_dependent_still_in_range_is_left_as_it_is(repo: GitRepo) -> None:
    _workspace(repo, {"inside": "^1.0.0", "outside": "~1.0.0"})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/outside": "0.1.1"}
    # changeset version writes only the manifests of the packages it releases.
    assert _package(repo, "inside")["dependencies"] == {"@acme/a": "^1.0.0"}
    assert "packages/inside/package.json" not in result.files_written
    assert _package(repo, "outside")["dependencies"] == {"@acme/a": "~1.1.0"}


def test_a_dependent_in_range_of_the_next_prerelease_keeps_its_range(repo: GitRepo) -> None:
    pre_workspace(repo)
    repo.write(".changeset/config.json", json.dumps(OUT_OF_RANGE))
    b = _package(repo, "b")
    b["dependencies"] = {"@acme/a": "^1.0.0"}
    repo.write("packages/b/package.json", json.dumps(b, indent=2) + "\n")
    repo.commit("chore: b depends on a")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "2.0.1-beta.0"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": "^1.1.0-beta.0"}

    changeset(repo, "two", {"@acme/a": "patch"}, "Fix the flag.")
    second = release(repo)
    # ^1.1.0-beta.0 admits 1.1.0-beta.1: b is neither released nor rewritten.
    assert versions(second) == {"@acme/a": "1.1.0-beta.1"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": "^1.1.0-beta.0"}
    assert "packages/b/package.json" not in second.files_written

    leave_pre_mode(repo)
    # b finishes its beta, so it is released and its range follows a.
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": "^1.1.0"}


def test_a_star_range_is_pinned_to_a_prerelease_it_cannot_admit(repo: GitRepo) -> None:
    pre_workspace(repo)
    repo.write(".changeset/config.json", json.dumps(OUT_OF_RANGE))
    b = _package(repo, "b")
    b["dependencies"] = {"@acme/a": "*"}
    repo.write("packages/b/package.json", json.dumps(b, indent=2) + "\n")
    repo.commit("chore: b takes any a")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    first = release(repo)
    # npm's * admits no prerelease: changesets pins the prerelease rather than leave b
    # resolving another a; there is nothing for anyone to widen.
    assert versions(first) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "2.0.1-beta.0"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": "1.1.0-beta.0"}
    assert not any("widen" in warning for warning in first.warnings)

    leave_pre_mode(repo)
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": "1.1.0"}


def test_a_star_range_admits_every_final_version(repo: GitRepo) -> None:
    _workspace(repo, {"any": "*"})
    changeset(repo, "one", {"@acme/a": "major"}, "Break a.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "2.0.0"}
    assert _package(repo, "any")["dependencies"] == {"@acme/a": "*"}
    assert result.warnings == []


def test_a_complex_range_follows_a_prerelease_with_its_first_operator(repo: GitRepo) -> None:
    pre_workspace(repo)
    # changesets 2.x, whose pre.json this is, and whose rule makes a peer dependent major.
    root = {"private": True, "workspaces": ["packages/*"]}
    repo.write("package.json", json.dumps({**root, "devDependencies": CHANGESETS_2}))
    repo.write(".changeset/config.json", json.dumps(OUT_OF_RANGE))
    b = _package(repo, "b")
    b["dependencies"] = {"@acme/a": ">=1.0.0 <2.0.0"}
    b["peerDependencies"] = {"@acme/a": "^1.0.0 || ^2.0.0"}
    repo.write("packages/b/package.json", json.dumps(b, indent=2) + "\n")
    repo.commit("chore: b depends on a")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    first = release(repo)
    # Neither range names a prerelease of 1.1.0, so neither admits 1.1.0-beta.0; a minor on
    # a peer makes b major, and each range becomes the prerelease behind its first operator.
    assert versions(first) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "3.0.0-beta.0"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": ">=1.1.0-beta.0"}
    assert _package(repo, "b")["peerDependencies"] == {"@acme/a": "^1.1.0-beta.0"}
    assert first.warnings == []

    leave_pre_mode(repo)
    final = release(repo)
    assert versions(final) == {"@acme/a": "1.1.0", "@acme/b": "3.0.0"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": ">=1.1.0"}
    assert _package(repo, "b")["peerDependencies"] == {"@acme/a": "^1.1.0"}
    assert not (repo.path / ".changeset/one.md").exists()
    assert not (repo.path / ".changeset/pre.json").exists()
    assert "Updated dependencies: @acme/a." in (repo.path / "packages/b/CHANGELOG.md").read_text()
