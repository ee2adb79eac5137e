"""The prerelease number under changesets 3's pre mode: the package's current prerelease number
plus one (0 from a final version), whatever the new target and the tag, as ``changeset
version`` counts it; a fixed or linked group counts from the highest number among its members."""

from __future__ import annotations

import json
from typing import Any

from test_premode import PRE, changeset, manifest_version, release, tags, versions

from gitrepo import GitRepo

CHANGESETS_3 = {"@changesets/cli": "^3.0.1"}


def _pre_workspace(
    repo: GitRepo,
    packages: dict[str, str],
    *,
    tag: str = "beta",
    config: dict[str, Any] | None = None,
) -> None:
    """An npm workspace on changesets 3 in pre mode under ``tag``: one package per entry of
    ``packages`` (directory -> version), named ``@acme/<directory>``."""
    root = {"private": True, "workspaces": ["packages/*"], "devDependencies": CHANGESETS_3}
    repo.write("package.json", json.dumps(root, indent=2) + "\n")
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **(config or {})}))
    for package, version in packages.items():
        manifest = {"name": f"@acme/{package}", "version": version}
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.write(PRE, json.dumps({"mode": "pre", "tag": tag}, indent=2) + "\n")
    repo.commit("chore: initial, in pre mode")


def test_a_new_target_goes_on_counting(repo: GitRepo) -> None:
    _pre_workspace(repo, {"a": "1.0.0"})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0"}

    changeset(repo, "two", {"@acme/a": "major"}, "Drop the old API.")
    result = release(repo)

    # 1.1.0-beta.0 + major is 2.0.0; the count goes on from beta.0, as changesets counts.
    assert versions(result) == {"@acme/a": "2.0.0-beta.1"}
    assert manifest_version(repo, "a") == "2.0.0-beta.1"
    assert "@acme/a@2.0.0-beta.1" in tags(repo)

    changeset(repo, "three", {"@acme/a": "patch"}, "A fix.")
    assert versions(release(repo)) == {"@acme/a": "2.0.0-beta.2"}


def test_a_final_version_starts_the_count_at_zero(repo: GitRepo) -> None:
    _pre_workspace(repo, {"a": "1.0.0", "b": "2.0.0-beta.4"})
    changeset(repo, "one", {"@acme/a": "patch", "@acme/b": "patch"}, "Fixes.")

    result = release(repo)

    assert versions(result) == {"@acme/a": "1.0.1-beta.0", "@acme/b": "2.0.0-beta.5"}


def test_a_prerelease_of_another_tag_goes_on_counting_under_the_mode_s_tag(
    repo: GitRepo,
) -> None:
    _pre_workspace(repo, {"a": "1.1.0-alpha.2"})
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")

    # 1.1.0-alpha.2 + patch is 1.1.0; its number 2 goes on as beta.3.
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.3"}


def test_a_fixed_group_counts_from_its_highest_number(repo: GitRepo) -> None:
    _pre_workspace(
        repo,
        {"a": "1.1.0-beta.1", "b": "1.1.0-beta.1"},
        config={"fixed": [["@acme/a", "@acme/b"]]},
    )
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")

    result = release(repo)

    assert versions(result) == {"@acme/a": "2.0.0-beta.2", "@acme/b": "2.0.0-beta.2"}
