"""npm packages without a ``version`` in a changesets workspace: changesets skips them (as it
skips ignored ones), so the release never versions them, keeps their changesets pending, refuses
a changeset mixing them with released packages and a released package depending on one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from test_premode import changeset, release, versions

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import ConfigError, PlanError
from release_tools.release.plancheck import check_plans

CHANGESETS_3 = {"@changesets/cli": "^3.0.1"}


def _workspace(
    repo: GitRepo, packages: dict[str, dict[str, Any]], *, changesets: bool = True
) -> None:
    """An npm workspace (on changesets 3 with ``.changeset/config.json`` when ``changesets``)
    with ``packages`` in ``packages/<name>``."""
    root = {"private": True, "workspaces": ["packages/*"], "devDependencies": CHANGESETS_3}
    repo.write("package.json", json.dumps(root, indent=2) + "\n")
    if changesets:
        repo.write(".changeset/config.json", json.dumps({"baseBranch": "main"}))
    for package, manifest in packages.items():
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("chore: initial")


def _manifest(repo: GitRepo, package: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo.path / f"packages/{package}/package.json").read_text())
    return data


LIB = {"name": "lib", "version": "1.0.0"}


def test_a_package_without_a_version_is_not_released(repo: GitRepo) -> None:
    _workspace(repo, {"lib": LIB, "tools": {"name": "tools"}})
    changeset(repo, "lib", {"lib": "minor"}, "A feature.")
    changeset(repo, "tools", {"tools": "minor"}, "Tools feature.")

    result = release(repo)

    assert versions(result) == {"lib": "1.1.0"}
    assert "version" not in _manifest(repo, "tools")
    assert "tools@0.1.0" not in repo.git("tag", "-l")
    # Its changeset stays, as changesets keeps the changesets of packages it skips.
    assert (repo.path / ".changeset/tools.md").is_file()
    assert not (repo.path / ".changeset/lib.md").exists()
    assert any(line.startswith("no release of tools (no version in") for line in result.skipped)


def test_with_only_its_changeset_there_is_nothing_to_release(repo: GitRepo) -> None:
    _workspace(repo, {"lib": LIB, "tools": {"name": "tools"}})
    changeset(repo, "tools", {"tools": "patch"}, "Tools fix.")
    head = repo.head()

    result = release(repo)

    assert not result.released and not result.releases
    assert "nothing to release" in result.message
    assert repo.head() == head


def test_a_changeset_mixing_it_with_a_released_package_is_refused(repo: GitRepo) -> None:
    _workspace(repo, {"lib": LIB, "tools": {"name": "tools"}})
    changeset(repo, "both", {"lib": "minor", "tools": "patch"}, "A feature.")
    head = repo.head()

    with pytest.raises(PlanError) as caught:
        release(repo)

    assert str(caught.value).startswith(".changeset/both.md: tools (no version in")
    assert repo.head() == head and repo.git("status", "--porcelain") == ""


def test_a_released_package_depending_on_it_is_refused(repo: GitRepo) -> None:
    lib = {**LIB, "dependencies": {"tools": "workspace:*"}}
    _workspace(repo, {"lib": lib, "tools": {"name": "tools"}})
    changeset(repo, "lib", {"lib": "minor"}, "A feature.")

    with pytest.raises(ConfigError, match=r"lib depends on tools \(dependencies workspace:\*\)"):
        release(repo, dry_run=True)
    with pytest.raises(ConfigError, match=r"^\.changeset/config\.json: lib depends on tools"):
        check_plans(load_settings({}, repo=repo.path), environ={})


def test_a_private_dependent_may_depend_on_it(repo: GitRepo) -> None:
    app = {"name": "app", "version": "1.0.0", "private": True}
    app["dependencies"] = {"tools": "workspace:*"}  # type: ignore[assignment]
    _workspace(repo, {"app": app, "lib": LIB, "tools": {"name": "tools"}})
    changeset(repo, "lib", {"lib": "patch"}, "A fix.")

    assert versions(release(repo)) == {"lib": "1.0.1"}


def test_plan_check_asks_no_plan_for_it(repo: GitRepo) -> None:
    _workspace(repo, {"lib": LIB, "tools": {"name": "tools"}})
    repo.tag("lib@1.0.0")
    repo.write("packages/tools/index.js", "export const tools = 1;\n")
    repo.commit("feat: tools")

    result = check_plans(load_settings({}, repo=repo.path), environ={})

    assert result.missing == []


def test_without_changesets_such_a_package_is_still_released(repo: GitRepo) -> None:
    """Outside a changesets workspace the rule is the tool's own: a package with no version
    is released from 0.0.0 (its version kept in its tags)."""
    _workspace(repo, {"lib": LIB, "tools": {"name": "tools"}}, changesets=False)
    repo.write(".nx/version-plans/version-plan-1.md", "---\ntools: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")

    result = CliRunner().invoke(cli, ["release", "-C", str(repo.path), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "tools (unreleased) -> 0.1.0" in result.output
