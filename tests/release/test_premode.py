"""Changesets' pre mode in ``release``: prereleases from the versions the mode was entered with,
changesets kept and recorded in ``pre.json``, final versions when the mode is left."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import ReleaseError, UsageError
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release

TODAY = date(2026, 1, 2)
PRE = ".changeset/pre.json"
#: The root's requirement that pins changesets 2.x's pre mode.
CHANGESETS_2 = {"@changesets/cli": "^2.27.0"}


def release(repo: GitRepo, **options: Any) -> ReleaseResult:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def cli_release(repo: GitRepo, *args: str) -> Result:
    return CliRunner().invoke(cli, ["release", "-C", str(repo.path), *args])


def versions(result: ReleaseResult) -> dict[str, str]:
    return {r.project.name: r.version for r in result.releases}


def manifest_version(repo: GitRepo, package: str) -> str:
    data = json.loads((repo.path / f"packages/{package}/package.json").read_text())
    return str(data["version"])


def pre_json(repo: GitRepo) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo.path / PRE).read_text())
    return data


def tags(repo: GitRepo) -> set[str]:
    return set(repo.git("tag", "-l").split())


def changeset(repo: GitRepo, name: str, bumps: dict[str, str], body: str) -> None:
    front = "".join(f'"{package}": {kind}\n' for package, kind in bumps.items())
    repo.write(f".changeset/{name}.md", f"---\n{front}---\n\n{body}\n")
    repo.commit(f"chore: changeset {name}")


def pre_workspace(repo: GitRepo, mode: str = "pre") -> None:
    """Two npm packages in changesets pre mode (tag ``beta``) entered at 1.0.0 and 2.0.0."""
    # The root requires changesets 2.x, whose pre.json (initial versions, changesets) this is.
    root = {"private": True, "workspaces": ["packages/*"]}
    repo.write("package.json", json.dumps({**root, "devDependencies": CHANGESETS_2}))
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main"}))
    for package, name, version in (("a", "@acme/a", "1.0.0"), ("b", "@acme/b", "2.0.0")):
        repo.write(
            f"packages/{package}/package.json",
            json.dumps({"name": name, "version": version}, indent=2) + "\n",
        )
    repo.write(
        PRE,
        json.dumps(
            {
                "mode": mode,
                "tag": "beta",
                "initialVersions": {"@acme/a": "1.0.0", "@acme/b": "2.0.0"},
                "changesets": [],
            },
            indent=2,
        )
        + "\n",
    )
    repo.commit("chore: initial, in pre mode")


def leave_pre_mode(repo: GitRepo) -> None:
    """What ``changeset pre exit`` does: ``pre.json`` says ``exit``, the rest is kept."""
    data = pre_json(repo)
    data["mode"] = "exit"
    repo.write(PRE, json.dumps(data, indent=2) + "\n")
    repo.commit("chore: exit pre mode")


def test_pre_mode_counts_prereleases_from_the_initial_versions(repo: GitRepo) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")

    first = release(repo)
    assert versions(first) == {"@acme/a": "1.1.0-beta.0"}
    assert manifest_version(repo, "a") == "1.1.0-beta.0"
    assert "@acme/a@1.1.0-beta.0" in tags(repo)
    # The changeset stays and is recorded as released in this mode.
    assert (repo.path / ".changeset/one.md").exists()
    assert pre_json(repo)["changesets"] == ["one"]
    assert pre_json(repo)["initialVersions"] == {"@acme/a": "1.0.0", "@acme/b": "2.0.0"}
    assert PRE in first.files_written
    assert ".changeset/one.md" not in first.files_deleted

    changeset(repo, "two", {"@acme/a": "patch", "@acme/b": "patch"}, "Fix both.")
    second = release(repo)
    # a: the old minor still counts (1.0.0 + minor = 1.1.0), one more beta of it.
    assert versions(second) == {"@acme/a": "1.1.0-beta.1", "@acme/b": "2.0.1-beta.0"}
    assert {"@acme/a@1.1.0-beta.1", "@acme/b@2.0.1-beta.0"} <= tags(repo)
    assert pre_json(repo)["changesets"] == ["one", "two"]
    changelog = (repo.path / "packages/a/CHANGELOG.md").read_text()
    newest = changelog.split("1.1.0-beta.1", 1)[1].split("1.1.0-beta.0", 1)[0]
    # Only the new changeset is written into the new section.
    assert "Fix both." in newest
    assert "Add a flag." not in newest
    assert "Add a flag." in changelog

    # Packages named only by changesets already released are not released again.
    again = release(repo)
    assert not again.released and not again.releases
    assert "nothing to release" in again.message

    changeset(repo, "three", {"@acme/a": "major"}, "Drop the old API.")
    third = release(repo)
    # The target moves (1.0.0 + major = 2.0.0) and the count goes on from 1.1.0-beta.1, as
    # changeset version reads it from the current version; b stays.
    assert versions(third) == {"@acme/a": "2.0.0-beta.2"}
    assert third.releases[0].release_type == "major"
    assert pre_json(repo)["changesets"] == ["one", "two", "three"]

    changeset(repo, "four", {"@acme/a": "minor"}, "Another feature.")
    assert versions(release(repo)) == {"@acme/a": "2.0.0-beta.3"}


def test_leaving_pre_mode_releases_final_versions_and_cleans_up(repo: GitRepo) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    release(repo)
    changeset(repo, "two", {"@acme/b": "major"}, "Break b.")
    release(repo)
    leave_pre_mode(repo)

    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "3.0.0"}
    assert {"@acme/a@1.1.0", "@acme/b@3.0.0"} <= tags(repo)
    assert not (repo.path / PRE).exists()
    assert not (repo.path / ".changeset/one.md").exists()
    assert not (repo.path / ".changeset/two.md").exists()
    assert (repo.path / ".changeset/config.json").exists()
    assert sorted(result.files_deleted) == sorted([".changeset/one.md", ".changeset/two.md", PRE])
    assert repo.git("status", "--porcelain") == ""
    # Back to the usual rules.
    changeset(repo, "three", {"@acme/a": "patch"}, "Fix.")
    assert versions(release(repo)) == {"@acme/a": "1.1.1"}


def test_a_package_missing_from_initial_versions_starts_from_its_current_one(
    repo: GitRepo,
) -> None:
    pre_workspace(repo)
    repo.write(
        "packages/c/package.json", json.dumps({"name": "@acme/c", "version": "0.3.0"}) + "\n"
    )
    repo.commit("feat: add c")
    changeset(repo, "one", {"@acme/c": "minor"}, "Start c.")
    assert versions(release(repo)) == {"@acme/c": "0.4.0-beta.0"}
    changeset(repo, "two", {"@acme/c": "patch"}, "Fix c.")
    # c's current version is now a beta; without an initial version it is the starting point.
    assert versions(release(repo)) == {"@acme/c": "0.4.0-beta.1"}


def test_a_dry_run_lists_the_pre_json_change_and_writes_nothing(
    repo: GitRepo, state: Callable[[Any], Any]
) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    before = state(repo)
    result = cli_release(repo, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(r["name"], r["new_version"], r["tag"]) for r in report["releases"]] == [
        ("@acme/a", "1.1.0-beta.0", "@acme/a@1.1.0-beta.0")
    ]
    assert PRE in report["files_written"]
    assert report["files_deleted"] == []
    assert any(a.startswith(f"write {PRE} (changesets pre mode") for a in report["actions"])
    assert state(repo) == before


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"mode": "beta", "tag": "beta"}', "unknown mode 'beta'"),
        ('{"mode": "pre", "initialVersions": {}}', "no prerelease tag"),
        ('{"mode": "pre", "tag": "be ta"}', "invalid prerelease identifier"),
        ('{"mode": "pre", "tag": "beta", "changesets": "one"}', "'changesets'"),
    ],
)
def test_a_malformed_pre_json_is_one_line_naming_it(
    repo: GitRepo, state: Callable[[Any], Any], text: str, problem: str
) -> None:
    pre_workspace(repo)
    repo.write(PRE, text)
    repo.commit("chore: broken pre.json")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    before = state(repo)
    for flags in ((), ("--dry-run",)):
        result = cli_release(repo, *flags)
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"error: {PRE}: ")
        assert problem in lines[0]
    assert state(repo) == before


def test_pre_mode_releases_the_whole_workspace_only(repo: GitRepo) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch"}, "Both.")
    settings = load_settings({"project": "@acme/a"}, repo=repo.path)
    with pytest.raises(UsageError, match="run without --project"):
        run_release(settings, ReleaseOptions(today=TODAY))


def test_an_existing_prerelease_tag_is_refused(repo: GitRepo, state: Callable[[Any], Any]) -> None:
    pre_workspace(repo)
    repo.tag("@acme/a@1.1.0-beta.0")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    before = state(repo)
    # The manifest still says 1.0.0: the prerelease would be made a second time.
    with pytest.raises(ReleaseError, match=r"tag '@acme/a@1\.1\.0-beta\.0' already exists"):
        release(repo)
    assert state(repo) == before


def test_nx_plans_keep_their_usual_rule_in_pre_mode(repo: GitRepo) -> None:
    pre_workspace(repo)
    repo.write(".nx/version-plans/version-plan-1.md", "---\n'@acme/b': minor\n---\n\nfeat: b\n")
    repo.commit("chore: nx plan")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "2.1.0"}
    assert ".nx/version-plans/version-plan-1.md" in result.files_deleted
    assert pre_json(repo)["changesets"] == ["one"]


def test_a_refused_commit_restores_pre_json(repo: GitRepo, state: Callable[[Any], Any]) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    hook = repo.path / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    before = state(repo)
    with pytest.raises(ReleaseError):
        release(repo)
    assert state(repo) == before
    assert pre_json(repo)["changesets"] == []


def test_a_fixed_group_shares_its_prerelease(repo: GitRepo) -> None:
    pre_workspace(repo)
    repo.write(".changeset/config.json", json.dumps({"fixed": [["@acme/a", "@acme/b"]]}))
    for package in ("a", "b"):
        repo.write(
            f"packages/{package}/package.json",
            json.dumps({"name": f"@acme/{package}", "version": "1.0.0"}, indent=2) + "\n",
        )
    data = pre_json(repo)
    data["initialVersions"] = {"@acme/a": "1.0.0", "@acme/b": "1.0.0"}
    repo.write(PRE, json.dumps(data, indent=2) + "\n")
    repo.commit("chore: fixed group")
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0", "@acme/b": "1.1.0-beta.0"}
    # b's patch joins a's earlier minor: the group stays on 1.1.0.
    changeset(repo, "two", {"@acme/b": "patch"}, "Fix b.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.1", "@acme/b": "1.1.0-beta.1"}
