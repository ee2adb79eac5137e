"""Pre mode with packages that move together: dependents judged by the prerelease they will
receive, linked packages sharing the version of everything the pre period released."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from test_premode import (
    PRE,
    changeset,
    cli_release,
    leave_pre_mode,
    manifest_version,
    pre_json,
    pre_workspace,
    release,
    tags,
    versions,
)

from gitrepo import GitRepo
from release_tools.versioning.constraints import npm_admits


def _package(repo: GitRepo, package: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo.path / f"packages/{package}/package.json").read_text())
    return data


def _b_depends_on_a(repo: GitRepo) -> None:
    """``@acme/b`` requires ``@acme/a@^1.0.0``; dependents only when out of range."""
    pre_workspace(repo)
    repo.write(
        ".changeset/config.json",
        json.dumps({"baseBranch": "main", "updateInternalDependents": "out-of-range"}),
    )
    b = _package(repo, "b")
    b["dependencies"] = {"@acme/a": "^1.0.0"}
    repo.write("packages/b/package.json", json.dumps(b, indent=2) + "\n")
    repo.commit("chore: b depends on a")


@pytest.mark.parametrize(
    ("spec", "version", "admitted"),
    [
        ("^1.0.0", "1.1.0-beta.0", False),
        ("^1.1.0-beta.0", "1.1.0-beta.1", True),
        ("^1.1.0-beta.0", "1.1.0", True),
        ("^1.1.0-beta.0", "1.2.0-beta.0", False),
        (">=1.0.0 <2.0.0", "1.5.0-rc.0", False),
        ("1.0.0-beta.0 - 1.4.0", "1.0.0-beta.3", True),
        ("^1.0.0 || ^1.1.0-beta.0", "1.1.0-beta.2", True),
        ("1.x", "1.2.0-rc.1", False),
        ("*", "1.0.0-beta.0", False),
        ("workspace:*", "1.0.0-beta.0", True),
    ],
)
def test_npm_ranges_admit_a_prerelease_only_of_their_own_line(
    spec: str, version: str, admitted: bool
) -> None:
    assert npm_admits(spec, version) is admitted


def test_an_out_of_range_dependent_follows_a_prerelease(
    repo: GitRepo, state: Callable[[Any], Any]
) -> None:
    _b_depends_on_a(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    before = state(repo)
    preview = cli_release(repo, "--dry-run", "--format", "json")
    assert preview.exit_code == 0, preview.output
    assert [(r["name"], r["new_version"]) for r in json.loads(preview.stdout)["releases"]] == [
        ("@acme/a", "1.1.0-beta.0"),
        ("@acme/b", "2.0.1-beta.0"),
    ]
    assert state(repo) == before
    first = release(repo)
    # ^1.0.0 does not admit 1.1.0-beta.0: b is released with its range moved.
    assert versions(first) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "2.0.1-beta.0"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": "^1.1.0-beta.0"}
    assert "@acme/b@2.0.1-beta.0" in tags(repo)
    assert "Updated dependencies: @acme/a." in (repo.path / "packages/b/CHANGELOG.md").read_text()
    assert pre_json(repo)["changesets"] == ["one"]

    changeset(repo, "two", {"@acme/a": "patch"}, "Fix the flag.")
    # ^1.1.0-beta.0 admits 1.1.0-beta.1: b stays.
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.1"}
    assert manifest_version(repo, "b") == "2.0.1-beta.0"

    leave_pre_mode(repo)
    final = release(repo)
    # b's range admits 1.1.0, but b has a prerelease of the period: it is finished too.
    assert versions(final) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1"}
    assert _package(repo, "b")["dependencies"] == {"@acme/a": "^1.1.0"}
    assert {"@acme/a@1.1.0", "@acme/b@2.0.1"} <= tags(repo)
    assert not (repo.path / PRE).exists()


def _linked(repo: GitRepo, b_version: str = "1.0.0") -> None:
    """``@acme/a`` (1.0.0) and ``@acme/b`` linked, in pre mode from their versions."""
    pre_workspace(repo)
    repo.write(".changeset/config.json", json.dumps({"linked": [["@acme/a", "@acme/b"]]}))
    b = _package(repo, "b")
    b["version"] = b_version
    repo.write("packages/b/package.json", json.dumps(b, indent=2) + "\n")
    data = pre_json(repo)
    data["initialVersions"] = {"@acme/a": "1.0.0", "@acme/b": b_version}
    repo.write(PRE, json.dumps(data, indent=2) + "\n")
    repo.commit("chore: linked")


def test_a_linked_member_joins_the_version_of_the_pre_period(repo: GitRepo) -> None:
    _linked(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0"}
    # b's patch joins a's earlier minor, and the group's prerelease count goes on.
    changeset(repo, "two", {"@acme/b": "patch"}, "Fix b.")
    second = release(repo)
    assert versions(second) == {"@acme/b": "1.1.0-beta.1"}
    assert second.releases[0].release_type == "minor"
    changeset(repo, "three", {"@acme/a": "patch", "@acme/b": "patch"}, "Fix both.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.2", "@acme/b": "1.1.0-beta.2"}

    leave_pre_mode(repo)
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/b": "1.1.0"}


def test_linked_members_take_the_highest_entry_version_of_the_period(repo: GitRepo) -> None:
    _linked(repo, b_version="1.3.0")
    changeset(repo, "one", {"@acme/b": "patch"}, "Fix b.")
    assert versions(release(repo)) == {"@acme/b": "1.3.1-beta.0"}
    # a joins b's line: the highest entry version (1.3.0) bumped by the highest type (minor),
    # numbered on from the group's highest prerelease (b's 1.3.1-beta.0).
    changeset(repo, "two", {"@acme/a": "minor"}, "Add a flag.")
    assert versions(release(repo)) == {"@acme/a": "1.4.0-beta.1"}

    leave_pre_mode(repo)
    assert versions(release(repo)) == {"@acme/a": "1.4.0", "@acme/b": "1.4.0"}


def test_a_linked_member_that_did_not_move_keeps_its_version(repo: GitRepo) -> None:
    _linked(repo, b_version="1.3.0")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    # b has no changeset in the pre period: a keeps its own line, as outside pre mode.
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0"}
    leave_pre_mode(repo)
    assert versions(release(repo)) == {"@acme/a": "1.1.0"}
    assert manifest_version(repo, "b") == "1.3.0"
