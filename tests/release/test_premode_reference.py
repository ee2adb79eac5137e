"""Pre mode against ``changeset version``: what ``pre.json`` records and what the release
report says about the changesets it keeps."""

from __future__ import annotations

import json

from test_premode import PRE, changeset, leave_pre_mode, pre_json, pre_workspace, release, versions

from gitrepo import GitRepo


def _add_package(repo: GitRepo, package: str, name: str, version: str) -> None:
    repo.write(
        f"packages/{package}/package.json",
        json.dumps({"name": name, "version": version}, indent=2) + "\n",
    )
    repo.commit(f"feat: add {name}")


def test_a_package_that_joins_in_pre_mode_is_recorded_with_the_version_it_joined_at(
    repo: GitRepo,
) -> None:
    pre_workspace(repo)
    _add_package(repo, "c", "@acme/c", "0.3.0")
    _add_package(repo, "d", "@acme/d", "5.0.0")
    changeset(repo, "one", {"@acme/c": "minor"}, "Start c.")

    first = release(repo)
    assert versions(first) == {"@acme/c": "0.4.0-beta.0"}
    # Every package of the workspace, released now (c, at its version before the release)
    # or not (d), as changeset version writes them.
    assert pre_json(repo)["initialVersions"] == {
        "@acme/a": "1.0.0",
        "@acme/b": "2.0.0",
        "@acme/c": "0.3.0",
        "@acme/d": "5.0.0",
    }
    assert pre_json(repo)["changesets"] == ["one"]

    changeset(repo, "two", {"@acme/c": "patch"}, "Fix c.")
    assert versions(release(repo)) == {"@acme/c": "0.4.0-beta.1"}
    # Recorded once: the beta does not replace the version c joined at.
    assert pre_json(repo)["initialVersions"]["@acme/c"] == "0.3.0"

    leave_pre_mode(repo)
    assert versions(release(repo)) == {"@acme/c": "0.4.0"}
    assert not (repo.path / PRE).exists()
