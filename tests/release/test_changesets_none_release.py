"""``"pkg": none`` lines in ``release``: counted in the mixed-changeset refusal, and a changeset
naming a released package only with ``none`` is used up by its release."""

from __future__ import annotations

import json

import pytest
from test_premode import changeset, release, versions

from changesets_workspace import changesets_workspace as _workspace
from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.errors import PlanError
from release_tools.release.service import ReleaseOptions, run_release

A_AND_B = {"a": {"name": "a", "version": "1.0.0"}, "b": {"name": "b", "version": "1.0.0"}}


@pytest.mark.parametrize("kinds", [("minor", "none"), ("none", "minor"), ("none", "none")])
def test_release_refuses_a_changeset_mixing_through_a_none_line(
    repo: GitRepo, kinds: tuple[str, str]
) -> None:
    _workspace(repo, A_AND_B, ignore=["b"])
    changeset(repo, "both", {"a": kinds[0], "b": kinds[1]}, "A change.")
    head = repo.head()

    with pytest.raises(PlanError, match=r"^\.changeset/both\.md: b \(ignored by"):
        release(repo, dry_run=True)
    with pytest.raises(PlanError, match=r"^\.changeset/both\.md: b \(ignored by"):
        release(repo)
    assert repo.head() == head and repo.git("status", "--porcelain") == ""


def test_a_none_only_changeset_goes_with_its_package_s_release(repo: GitRepo) -> None:
    _workspace(repo, A_AND_B)
    changeset(repo, "docs", {"a": "none"}, "Docs only.")
    changeset(repo, "fix", {"a": "patch"}, "A fix.")

    result = release(repo)

    assert versions(result) == {"a": "1.0.1"}
    assert sorted(result.files_deleted) == [".changeset/docs.md", ".changeset/fix.md"]
    changelog = (repo.path / "packages/a/CHANGELOG.md").read_text()
    assert "A fix." in changelog and "Docs only." not in changelog


def test_a_none_only_changeset_is_used_up_by_any_release_of_the_workspace(repo: GitRepo) -> None:
    """``changeset version`` uses up every changeset it reads, the ``none``-only ones of
    packages it does not release included; a release scoped to one project leaves them."""
    _workspace(repo, A_AND_B)
    changeset(repo, "docs", {"b": "none"}, "Docs of b only.")
    changeset(repo, "fix", {"a": "patch"}, "A fix.")

    scoped = run_release(
        load_settings({"project": "a"}, repo=repo.path), ReleaseOptions(dry_run=True)
    )
    assert versions(scoped) == {"a": "1.0.1"}
    assert ".changeset/docs.md" not in scoped.files_deleted

    result = release(repo)

    assert versions(result) == {"a": "1.0.1"}
    assert sorted(result.files_deleted) == [".changeset/docs.md", ".changeset/fix.md"]
    assert not (repo.path / ".changeset/docs.md").exists()
    assert json.loads((repo.path / "packages/b/package.json").read_text())["version"] == "1.0.0"
