"""Leaving changesets' pre mode when no changeset is left to decide: the prereleases of the pre
period still become final releases, and ``pre.json`` goes in every case."""

from __future__ import annotations

import json
import stat
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
from release_tools.errors import ReleaseError


def _two_betas_without_changesets(repo: GitRepo) -> None:
    """``@acme/a`` released as 1.1.0-beta.0 and 1.1.0-beta.1, its changesets since deleted,
    then ``changeset pre exit``."""
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    release(repo)
    changeset(repo, "two", {"@acme/a": "patch"}, "Fix the flag.")
    release(repo)
    repo.remove(".changeset/one.md")
    repo.remove(".changeset/two.md")
    repo.commit("chore: drop released changesets")
    leave_pre_mode(repo)


def test_leaving_releases_the_final_version_of_a_prerelease_without_changesets(
    repo: GitRepo,
) -> None:
    _two_betas_without_changesets(repo)
    result = release(repo)
    assert result.released
    # The prerelease's own version, not the entry version bumped by a patch (1.0.1).
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert result.releases[0].previous == "1.1.0-beta.1"
    assert result.releases[0].release_type == "minor"
    assert manifest_version(repo, "a") == "1.1.0"
    assert manifest_version(repo, "b") == "2.0.0"
    assert "@acme/a@1.1.0" in tags(repo)
    assert not (repo.path / PRE).exists()
    assert result.files_deleted == [PRE]
    assert repo.git("status", "--porcelain") == ""
    changelog = (repo.path / "packages/a/CHANGELOG.md").read_text()
    assert changelog.index("## [1.1.0]") < changelog.index("## [1.1.0-beta.1]")


def test_leaving_with_no_prerelease_only_removes_pre_json(repo: GitRepo) -> None:
    pre_workspace(repo, mode="exit")
    before = repo.head()
    result = release(repo)
    assert result.released and not result.releases
    assert result.files_deleted == [PRE] and result.files_written == []
    assert "changesets pre mode left" in result.message
    assert "no package has a prerelease" in result.message
    assert not (repo.path / PRE).exists()
    assert repo.git("rev-parse", "HEAD^") == before
    assert repo.git("log", "-1", "--format=%s") == "chore: leave changesets pre mode"
    assert tags(repo) == set()
    assert repo.git("status", "--porcelain") == ""
    # Out of pre mode: the next changeset is released the usual way.
    changeset(repo, "one", {"@acme/a": "patch"}, "Fix.")
    assert versions(release(repo)) == {"@acme/a": "1.0.1"}


def test_a_dry_run_of_leaving_shows_the_final_versions_and_writes_nothing(
    repo: GitRepo, state: Callable[[Any], Any]
) -> None:
    _two_betas_without_changesets(repo)
    before = state(repo)
    result = cli_release(repo, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(r["name"], r["new_version"], r["tag"]) for r in report["releases"]] == [
        ("@acme/a", "1.1.0", "@acme/a@1.1.0")
    ]
    assert report["files_deleted"] == [PRE]
    assert state(repo) == before
    # The real run does what the dry run showed.
    assert versions(release(repo)) == {"@acme/a": "1.1.0"}


def test_a_dry_run_of_leaving_without_prereleases_lists_the_removal(
    repo: GitRepo, state: Callable[[Any], Any]
) -> None:
    pre_workspace(repo, mode="exit")
    before = state(repo)
    result = cli_release(repo, "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["releases"] == []
    assert report["files_deleted"] == [PRE]
    assert any(a.startswith(f"delete {PRE} (changesets pre mode left") for a in report["actions"])
    assert "commit 'chore: leave changesets pre mode'" in report["actions"]
    assert state(repo) == before


@pytest.mark.parametrize("changesets_left", [True, False])
def test_a_refused_commit_while_leaving_restores_pre_json_and_changesets(
    repo: GitRepo, state: Callable[[Any], Any], changesets_left: bool
) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "Add a flag.")
    release(repo)
    if not changesets_left:
        repo.remove(".changeset/one.md")
    leave_pre_mode(repo)
    hook = repo.path / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    before = state(repo)
    with pytest.raises(ReleaseError, match="files restored"):
        release(repo)
    assert state(repo) == before
    assert pre_json(repo)["mode"] == "exit"
    assert (repo.path / ".changeset/one.md").exists() is changesets_left
