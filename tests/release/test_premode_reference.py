"""Pre mode against ``changeset version``: what ``pre.json`` records and what the release
report says about the changesets it keeps."""

from __future__ import annotations

import json

from test_premode import (
    PRE,
    changeset,
    cli_release,
    leave_pre_mode,
    pre_json,
    pre_workspace,
    release,
    versions,
)

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


def test_changesets_kept_in_pre_mode_are_not_reported_as_consumed(repo: GitRepo) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    repo.write(".nx/version-plans/version-plan-1.md", "---\n'@acme/b': minor\n---\n\nfeat: b\n")
    repo.commit("chore: nx plan")

    preview = cli_release(repo, "--dry-run", "--format", "json")
    assert preview.exit_code == 0, preview.output
    report = json.loads(preview.stdout)
    # The changeset stays (pre.json records it); the Nx plan is consumed as always.
    assert report["plans_consumed"] == [".nx/version-plans/version-plan-1.md"]
    assert {r["name"]: r["plans"] for r in report["releases"]} == {
        "@acme/a": [".changeset/one.md"],
        "@acme/b": [".nx/version-plans/version-plan-1.md"],
    }
    first = release(repo)
    assert first.plans_consumed == [".nx/version-plans/version-plan-1.md"]
    assert (repo.path / ".changeset/one.md").exists()

    changeset(repo, "two", {"@acme/a": "patch"}, "Fix the flag.")
    assert release(repo).plans_consumed == []

    leave_pre_mode(repo)
    final = release(repo)
    # Leaving the mode deletes every changeset: now they are consumed.
    assert final.plans_consumed == [".changeset/one.md", ".changeset/two.md"]
    assert sorted(final.files_deleted) == sorted([".changeset/one.md", ".changeset/two.md", PRE])
