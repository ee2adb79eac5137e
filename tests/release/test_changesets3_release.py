"""Releases in a workspace on changesets 3.x: the root package.json's ranges follow, private
packages are left alone unless configured, and pre mode keeps its changesets in
``.changeset/pre/``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_premode import PRE, changeset, manifest_version, pre_json, release, tags, versions

from gitrepo import GitRepo
from release_tools.errors import ConfigError

CHANGESETS_3 = {"@changesets/cli": "^3.0.1"}
CHANGESETS_2 = {"@changesets/cli": "^2.27.0"}


def _workspace(
    repo: GitRepo,
    root: dict[str, Any],
    packages: dict[str, dict[str, Any]],
    config: dict[str, Any] | None = None,
) -> None:
    """An npm workspace whose root package.json holds ``root`` (besides ``workspaces``), with
    one package per entry of ``packages`` in ``packages/<name>`` and ``config`` as
    ``.changeset/config.json``."""
    repo.write("package.json", json.dumps({"workspaces": ["packages/*"], **root}, indent=2))
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **(config or {})}))
    for package, manifest in packages.items():
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("chore: initial")


def _root(repo: GitRepo) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo.path / "package.json").read_text())
    return data


# --- the workspace root's ranges -------------------------------------------------------------


def test_changesets_3_moves_the_roots_ranges_and_never_its_version(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "name": "root",
            "version": "0.0.0",
            "private": True,
            "dependencies": {"@acme/b": "^1.0.0"},
            "devDependencies": {"@acme/a": "^1.0.0", **CHANGESETS_3},
        },
        {
            "a": {"name": "@acme/a", "version": "1.0.0"},
            "b": {"name": "@acme/b", "version": "1.0.0"},
        },
    )
    changeset(repo, "one", {"@acme/a": "major", "@acme/b": "patch"}, "Changes.")

    result = release(repo)

    assert versions(result) == {"@acme/a": "2.0.0", "@acme/b": "1.0.1"}
    root = _root(repo)
    # Out of range it moves; in range a patch reaches updateInternalDependencies' "patch".
    assert root["devDependencies"] == {"@acme/a": "^2.0.0", **CHANGESETS_3}
    assert root["dependencies"] == {"@acme/b": "^1.0.1"}
    # The root is no package of the plan: its version stays and it is released as nothing.
    assert root["version"] == "0.0.0"
    assert "package.json" in result.files_written
    assert [r.project.name for r in result.releases] == ["@acme/a", "@acme/b"]


def test_changesets_3_leaves_a_root_range_under_the_threshold(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"private": True, "devDependencies": {"@acme/a": "^1.0.0", **CHANGESETS_3}},
        {"a": {"name": "@acme/a", "version": "1.0.0"}},
        {"updateInternalDependencies": "minor"},
    )
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    before = (repo.path / "package.json").read_text()

    result = release(repo)

    assert versions(result) == {"@acme/a": "1.0.1"}
    assert (repo.path / "package.json").read_text() == before


# --- privatePackages -------------------------------------------------------------------------


def _private_workspace(repo: GitRepo, config: dict[str, Any], cli: dict[str, str]) -> None:
    """``app`` is private (1.0.0), ``lib`` public (2.0.0), one changeset each."""
    _workspace(
        repo,
        {"private": True, "devDependencies": cli},
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0"},
        },
        config,
    )
    changeset(repo, "app-change", {"app": "minor"}, "An app feature.")
    changeset(repo, "lib-change", {"lib": "minor"}, "A lib feature.")


def test_changesets_3_leaves_private_packages_alone_by_default(repo: GitRepo) -> None:
    _private_workspace(repo, {}, CHANGESETS_3)

    result = release(repo)

    assert versions(result) == {"lib": "2.1.0"}
    assert manifest_version(repo, "app") == "1.0.0"
    assert not (repo.path / "packages/app/CHANGELOG.md").exists()
    # The changeset of the package not versioned stays, as changeset version keeps it.
    assert (repo.path / ".changeset/app-change.md").exists()
    assert not (repo.path / ".changeset/lib-change.md").exists()
    assert result.plans_consumed == [".changeset/lib-change.md"]
    assert (
        "no release of app (private, and changesets 3 versions private packages only with "
        "privatePackages.version: true in .changeset/config.json; its plans stay pending)"
    ) in result.skipped
    assert tags(repo) == {"lib@2.1.0"}


def test_changesets_3_reads_true_as_version_and_tag(repo: GitRepo) -> None:
    _private_workspace(repo, {"privatePackages": True}, CHANGESETS_3)

    result = release(repo)

    assert versions(result) == {"app": "1.1.0", "lib": "2.1.0"}
    assert tags(repo) == {"app@1.1.0", "lib@2.1.0"}


def test_changesets_3_object_without_version_does_not_version(repo: GitRepo) -> None:
    _private_workspace(repo, {"privatePackages": {}}, CHANGESETS_3)
    assert versions(release(repo)) == {"lib": "2.1.0"}


def test_changesets_3_version_true_versions_without_a_tag(repo: GitRepo) -> None:
    _private_workspace(repo, {"privatePackages": {"version": True}}, CHANGESETS_3)

    result = release(repo)

    assert versions(result) == {"app": "1.1.0", "lib": "2.1.0"}
    assert tags(repo) == {"lib@2.1.0"}


def test_changesets_2_object_without_version_versions(repo: GitRepo) -> None:
    _private_workspace(repo, {"privatePackages": {"tag": True}}, CHANGESETS_2)

    result = release(repo)

    assert versions(result) == {"app": "1.1.0", "lib": "2.1.0"}
    assert tags(repo) == {"app@1.1.0", "lib@2.1.0"}


@pytest.mark.parametrize(
    ("private", "cli", "message"),
    [
        (True, CHANGESETS_2, "privatePackages is true; changesets accepts false or an object"),
        ("yes", CHANGESETS_3, 'privatePackages is "yes"; changesets accepts a boolean or an'),
        ({"version": "yes"}, CHANGESETS_3, 'privatePackages.version is "yes"'),
        ({"tag": 1}, CHANGESETS_2, "privatePackages.tag is 1"),
        ({"tag": True}, CHANGESETS_3, "privatePackages.tag is true but privatePackages.version"),
    ],
)
def test_a_private_packages_value_changesets_refuses_is_refused(
    repo: GitRepo, private: Any, cli: dict[str, str], message: str
) -> None:
    _private_workspace(repo, {"privatePackages": private}, cli)
    before = repo.git("rev-parse", "HEAD")

    with pytest.raises(ConfigError, match=r"^\.changeset/config\.json: ") as caught:
        release(repo)

    assert message in str(caught.value)
    assert repo.git("rev-parse", "HEAD") == before


# --- pre mode --------------------------------------------------------------------------------


def _pre_workspace(repo: GitRepo, state: dict[str, Any]) -> None:
    """``@acme/a`` 1.0.0 and ``@acme/b`` 2.0.0 on changesets 3, with ``state`` as pre.json."""
    _workspace(
        repo,
        {"private": True, "devDependencies": CHANGESETS_3},
        {
            "a": {"name": "@acme/a", "version": "1.0.0"},
            "b": {"name": "@acme/b", "version": "2.0.0"},
        },
    )
    repo.write(PRE, json.dumps(state, indent=2) + "\n")
    repo.commit("chore: enter pre mode")


def _exit(repo: GitRepo) -> None:
    repo.write(PRE, json.dumps({"mode": "exit", "tag": "beta"}, indent=2) + "\n")
    repo.commit("chore: exit pre mode")


def _pre_folder(repo: GitRepo) -> list[str]:
    folder = repo.path / ".changeset/pre"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_changesets_3_pre_mode_moves_used_changesets_to_the_pre_folder(repo: GitRepo) -> None:
    entered = {"mode": "pre", "tag": "beta"}
    _pre_workspace(repo, entered)
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    before = (repo.path / PRE).read_text()

    first = release(repo)

    assert versions(first) == {"@acme/a": "1.1.0-beta.0"}
    assert first.plans_consumed == [".changeset/one.md"]
    assert _pre_folder(repo) == ["one.md"]
    assert not (repo.path / ".changeset/one.md").exists()
    assert (repo.path / ".changeset/pre/one.md").read_text().startswith('---\n"@acme/a": minor')
    # changesets 3 leaves pre.json as pre enter wrote it.
    assert (repo.path / PRE).read_text() == before
    assert repo.git("status", "--porcelain") == ""

    changeset(repo, "two", {"@acme/a": "patch", "@acme/b": "patch"}, "Two fixes.")
    second = release(repo)

    # The changeset under pre/ was released already: only "two" decides what is released.
    assert versions(second) == {"@acme/a": "1.1.0-beta.1", "@acme/b": "2.0.1-beta.0"}
    assert _pre_folder(repo) == ["one.md", "two.md"]
    assert pre_json(repo) == entered
    changelog = (repo.path / "packages/a/CHANGELOG.md").read_text()
    beta1 = changelog.split("## [1.1.0-beta.0]")[0]
    assert "Two fixes." in beta1 and "A feature." not in beta1

    _exit(repo)
    left = release(repo)

    assert versions(left) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1"}
    assert _pre_folder(repo) == []
    assert not (repo.path / PRE).exists()
    assert left.plans_consumed == [".changeset/pre/one.md", ".changeset/pre/two.md"]
    # The final release's changelog entry holds every changeset of the period.
    final = (repo.path / "packages/a/CHANGELOG.md").read_text().split("## [1.1.0-beta.1]")[0]
    assert "## [1.1.0]" in final and "A feature." in final and "Two fixes." in final
    assert tags(repo) >= {"@acme/a@1.1.0", "@acme/b@2.0.1"}


def test_changesets_3_converts_a_2x_pre_json(repo: GitRepo) -> None:
    _pre_workspace(
        repo,
        {
            "mode": "pre",
            "tag": "beta",
            "initialVersions": {"@acme/a": "1.0.0", "@acme/b": "2.0.0"},
            "changesets": ["one", "gone"],
        },
    )
    # What 2.x left after releasing "one": a prerelease, the changeset kept and listed.
    repo.write(
        "packages/a/package.json",
        json.dumps({"name": "@acme/a", "version": "1.1.0-beta.0"}, indent=2) + "\n",
    )
    repo.commit("chore: 2.x prerelease")
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    changeset(repo, "two", {"@acme/a": "patch"}, "A fix.")

    result = release(repo)

    assert versions(result) == {"@acme/a": "1.1.0-beta.1"}
    assert pre_json(repo) == {"mode": "pre", "tag": "beta"}
    # The listed changeset moves to pre/ as well; the id without a file is passed over.
    assert _pre_folder(repo) == ["one.md", "two.md"]
    assert sorted(p.name for p in (repo.path / ".changeset").glob("*.md")) == []


def test_changesets_3_exit_counts_a_2x_listed_changeset(repo: GitRepo) -> None:
    _pre_workspace(
        repo,
        {"mode": "exit", "tag": "beta", "initialVersions": {}, "changesets": ["one"]},
    )
    repo.write(
        "packages/b/package.json",
        json.dumps({"name": "@acme/b", "version": "3.0.0-beta.0"}, indent=2) + "\n",
    )
    repo.commit("chore: 2.x prerelease")
    changeset(repo, "one", {"@acme/b": "major"}, "Breaking.")
    repo.write(".changeset/pre/two.md", '---\n"@acme/a": patch\n---\n\nA fix.\n')
    repo.commit("chore: a changeset 3.x released in the mode")

    result = release(repo)

    assert versions(result) == {"@acme/a": "1.0.1", "@acme/b": "3.0.0"}
    assert not (repo.path / PRE).exists()
    assert not (repo.path / ".changeset/one.md").exists()
    assert _pre_folder(repo) == []


def test_outside_pre_mode_a_changeset_under_pre_is_released_and_deleted(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"private": True, "devDependencies": CHANGESETS_3},
        {"a": {"name": "@acme/a", "version": "1.0.0"}},
    )
    repo.write(".changeset/pre/left.md", '---\n"@acme/a": minor\n---\n\nLeft behind.\n')
    repo.commit("chore: a changeset under pre/")

    result = release(repo)

    assert versions(result) == {"@acme/a": "1.1.0"}
    assert result.plans_consumed == [".changeset/pre/left.md"]
    assert not (repo.path / ".changeset/pre/left.md").exists()


def test_agents_notes_in_the_changeset_folder_are_no_changesets(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"private": True, "devDependencies": CHANGESETS_3},
        {"a": {"name": "@acme/a", "version": "1.0.0"}},
    )
    for name in ("AGENTS.md", "CLAUDE.md", "GEMINI.md", "readme.MD", ".draft.md"):
        repo.write(f".changeset/{name}", "# Notes for agents\n\nWrite one changeset per change.\n")
    repo.commit("chore: notes")
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")

    result = release(repo)

    assert versions(result) == {"@acme/a": "1.0.1"}
    assert (repo.path / ".changeset/AGENTS.md").exists()


def test_changesets_3_pre_mode_keeps_a_private_packages_changeset_in_place(
    repo: GitRepo,
) -> None:
    _workspace(
        repo,
        {"private": True, "devDependencies": CHANGESETS_3},
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0"},
        },
    )
    repo.write(PRE, json.dumps({"mode": "pre", "tag": "beta"}) + "\n")
    repo.commit("chore: enter pre mode")
    changeset(repo, "app-change", {"app": "minor"}, "An app feature.")
    changeset(repo, "lib-change", {"lib": "minor"}, "A lib feature.")

    result = release(repo, dry_run=True)

    assert versions(result) == {"lib": "2.1.0-beta.0"}
    # The move is a delete and a write, both listed; the private package's changeset stays.
    assert sorted(result.files_deleted) == [".changeset/lib-change.md"]
    assert ".changeset/pre/lib-change.md" in result.files_written
    assert repo.git("status", "--porcelain") == ""

    release(repo)

    assert _pre_folder(repo) == ["lib-change.md"]
    assert (repo.path / ".changeset/app-change.md").exists()
