"""Packages changesets never releases (ignored, or private and not versioned) in a release: a
changeset naming one of them with a released package is refused, and so is a workspace where a
released package depends on one of them outside ``devDependencies``, before anything is
written, dry runs included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from test_premode import PRE, changeset, release, versions

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.errors import ConfigError, PlanError

CHANGESETS_3 = {"@changesets/cli": "^3.0.1"}
CHANGESETS_2 = {"@changesets/cli": "^2.27.0"}


def _workspace(
    repo: GitRepo,
    cli_requirement: dict[str, str],
    packages: dict[str, dict[str, Any]],
    config: dict[str, Any] | None = None,
) -> None:
    """An npm workspace on the changesets major ``cli_requirement`` names, one package per
    entry of ``packages`` in ``packages/<name>``, ``config`` as ``.changeset/config.json``."""
    root = {"private": True, "workspaces": ["packages/*"], "devDependencies": cli_requirement}
    repo.write("package.json", json.dumps(root, indent=2) + "\n")
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **(config or {})}))
    for package, manifest in packages.items():
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("chore: initial")


def _state(repo: GitRepo) -> tuple[str, str, dict[str, str]]:
    """HEAD, the tags and every changeset's text: what a refused release leaves as it was."""
    folder = repo.path / ".changeset"
    texts = {p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*.md")}
    return repo.head(), repo.git("tag", "-l"), texts


def _refused(repo: GitRepo, error: type[Exception]) -> str:
    """The one-line message of the refusal, checked to come before anything is written, in a
    dry run and in a real run alike."""
    before = _state(repo)
    with pytest.raises(error) as previewed:
        release(repo, dry_run=True)
    with pytest.raises(error) as caught:
        release(repo)
    assert str(previewed.value) == str(caught.value)
    assert "\n" not in str(caught.value)
    assert _state(repo) == before
    assert repo.git("status", "--porcelain") == ""
    return str(caught.value)


# --- a changeset mixing skipped and released packages ---------------------------------------


def test_a_changeset_naming_an_ignored_package_and_a_released_one_is_refused(
    repo: GitRepo,
) -> None:
    _workspace(
        repo,
        CHANGESETS_2,
        {
            "a": {"name": "@acme/a", "version": "1.0.0"},
            "b": {"name": "@acme/b", "version": "1.0.0"},
        },
        {"ignore": ["@acme/b"]},
    )
    changeset(repo, "both", {"@acme/a": "minor", "@acme/b": "minor"}, "A feature.")

    message = _refused(repo, PlanError)

    assert message.startswith(".changeset/both.md: ")
    assert "@acme/b (ignored by .changeset/config.json)" in message
    assert "@acme/a, which is released" in message


def test_changesets_3_refuses_a_changeset_naming_a_private_package_it_does_not_version(
    repo: GitRepo,
) -> None:
    _workspace(
        repo,
        CHANGESETS_3,
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0"},
        },
    )
    changeset(repo, "both", {"app": "minor", "lib": "minor"}, "A feature.")

    message = _refused(repo, PlanError)

    assert message.startswith(".changeset/both.md: app (private, and changesets 3 versions")
    assert "lib, which is released" in message


def test_changesets_2_refuses_it_when_private_packages_are_not_versioned(repo: GitRepo) -> None:
    _workspace(
        repo,
        CHANGESETS_2,
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0"},
        },
        {"privatePackages": {"version": False, "tag": False}},
    )
    changeset(repo, "both", {"lib": "patch", "app": "minor"}, "A fix.")

    message = _refused(repo, PlanError)

    assert message.startswith(".changeset/both.md: app (private, and .changeset/config.json")


def test_the_refusal_is_one_line_on_stderr_with_the_plan_exit_code(repo: GitRepo) -> None:
    _workspace(
        repo,
        CHANGESETS_3,
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0"},
        },
    )
    changeset(repo, "both", {"app": "minor", "lib": "minor"}, "A feature.")

    outcome = CliRunner().invoke(cli, ["release", "-C", str(repo.path), "--dry-run"])

    assert outcome.exit_code == PlanError.exit_code
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and ".changeset/both.md: app (private" in lines[0]


def test_separate_changesets_for_skipped_and_released_packages_are_released(
    repo: GitRepo,
) -> None:
    _workspace(
        repo,
        CHANGESETS_3,
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0"},
        },
    )
    changeset(repo, "app-change", {"app": "minor"}, "An app feature.")
    changeset(repo, "lib-change", {"lib": "minor"}, "A lib feature.")

    result = release(repo)

    assert versions(result) == {"lib": "2.1.0"}
    assert (repo.path / ".changeset/app-change.md").exists()


def test_a_mixed_changeset_already_released_in_pre_mode_is_refused_too(repo: GitRepo) -> None:
    # changesets 3 checks every changeset it reads, those under .changeset/pre/ included.
    _workspace(
        repo,
        CHANGESETS_3,
        {
            "a": {"name": "@acme/a", "version": "1.0.1-beta.0"},
            "b": {"name": "@acme/b", "version": "1.0.0"},
        },
        {"ignore": ["@acme/b"]},
    )
    repo.write(PRE, json.dumps({"mode": "pre", "tag": "beta"}) + "\n")
    repo.write(".changeset/pre/old.md", '---\n"@acme/a": patch\n"@acme/b": patch\n---\n\nOld.\n')
    repo.commit("chore: pre mode with a released changeset")
    changeset(repo, "new", {"@acme/a": "patch"}, "A fix.")

    message = _refused(repo, PlanError)

    assert message.startswith(".changeset/pre/old.md: @acme/b (ignored")


# --- released packages depending on skipped ones --------------------------------------------


def _dependent_workspace(
    repo: GitRepo,
    cli_requirement: dict[str, str],
    lib: dict[str, Any],
    config: dict[str, Any] | None = None,
    *,
    app: dict[str, Any] | None = None,
) -> None:
    """``app`` 1.0.0 (private unless ``app`` says otherwise) and ``lib`` 2.0.0, whose
    manifest adds ``lib``; a changeset for ``lib``."""
    _workspace(
        repo,
        cli_requirement,
        {
            "app": {"name": "app", "version": "1.0.0", "private": True, **(app or {})},
            "lib": {"name": "lib", "version": "2.0.0", **lib},
        },
        config,
    )
    changeset(repo, "lib-change", {"lib": "minor"}, "A lib feature.")


def test_changesets_3_refuses_a_public_package_depending_on_a_private_one(
    repo: GitRepo,
) -> None:
    _dependent_workspace(repo, CHANGESETS_3, {"dependencies": {"app": "^1.0.0"}})

    message = _refused(repo, ConfigError)

    assert message.startswith(".changeset/config.json: lib depends on app (dependencies ")
    assert "app is never released (private, and changesets 3 versions" in message


@pytest.mark.parametrize("table", ["dependencies", "peerDependencies", "optionalDependencies"])
def test_changesets_2_refuses_a_dependency_on_an_ignored_package(repo: GitRepo, table: str) -> None:
    _dependent_workspace(
        repo,
        CHANGESETS_2,
        {table: {"app": "workspace:*"}},
        {"ignore": ["app"]},
        app={"private": False},
    )

    message = _refused(repo, ConfigError)

    assert f"lib depends on app ({table} workspace:*)" in message
    assert "app is never released (ignored by .changeset/config.json)" in message


def test_the_refusal_stands_with_no_changeset_at_all(repo: GitRepo) -> None:
    _dependent_workspace(repo, CHANGESETS_3, {"dependencies": {"app": "1.0.0"}})
    repo.remove(".changeset/lib-change.md")
    repo.commit("chore: no changeset")

    _refused(repo, ConfigError)


def test_the_dependency_refusal_exits_as_a_usage_error(repo: GitRepo) -> None:
    _dependent_workspace(repo, CHANGESETS_3, {"dependencies": {"app": "^1.0.0"}})

    outcome = CliRunner().invoke(cli, ["release", "-C", str(repo.path)])

    assert outcome.exit_code == 2
    assert repo.git("tag", "-l") == ""


@pytest.mark.parametrize(
    ("cli_requirement", "lib", "config", "app", "released"),
    [
        # A dev dependency does not reach the package's consumers.
        (CHANGESETS_3, {"devDependencies": {"app": "^1.0.0"}}, None, None, {"lib": "2.1.0"}),
        # The last table changesets reads names it as a dev dependency only.
        (
            CHANGESETS_3,
            {"dependencies": {}, "devDependencies": {"app": "workspace:*"}},
            None,
            None,
            {"lib": "2.1.0"},
        ),
        # A private dependent publishes nothing (changesets 2.x versions it).
        (
            CHANGESETS_2,
            {"private": True, "dependencies": {"app": "^1.0.0"}},
            {"ignore": ["app"]},
            {"private": False},
            {"lib": "2.1.0"},
        ),
        # Ignored along with it.
        (
            CHANGESETS_3,
            {"dependencies": {"app": "^1.0.0"}},
            {"ignore": ["app", "lib"]},
            {"private": False},
            {},
        ),
        # A range the dependency's version leaves makes no dependent in changesets' graph.
        (CHANGESETS_3, {"dependencies": {"app": "^5.0.0"}}, None, None, {"lib": "2.1.0"}),
        # So does a dist-tag or another protocol.
        (CHANGESETS_3, {"dependencies": {"app": "latest"}}, None, None, {"lib": "2.1.0"}),
        (CHANGESETS_3, {"dependencies": {"app": "file:../app"}}, None, None, {"lib": "2.1.0"}),
        # Only workspace: ranges count under bumpVersionsWithWorkspaceProtocolOnly.
        (
            CHANGESETS_3,
            {"dependencies": {"app": "^1.0.0"}},
            {"bumpVersionsWithWorkspaceProtocolOnly": True},
            None,
            {"lib": "2.1.0"},
        ),
        # Versioned private packages are released.
        (
            CHANGESETS_3,
            {"dependencies": {"app": "^1.0.0"}},
            {"privatePackages": {"version": True}},
            None,
            {"lib": "2.1.0"},
        ),
    ],
)
def test_dependencies_changesets_accepts_are_released(
    repo: GitRepo,
    cli_requirement: dict[str, str],
    lib: dict[str, Any],
    config: dict[str, Any] | None,
    app: dict[str, Any] | None,
    released: dict[str, str],
) -> None:
    _dependent_workspace(repo, cli_requirement, lib, config, app=app)

    assert versions(release(repo)) == released


def test_changesets_2_versions_private_packages_so_depending_on_one_is_fine(
    repo: GitRepo,
) -> None:
    _dependent_workspace(repo, CHANGESETS_2, {"dependencies": {"app": "^1.0.0"}})

    assert versions(release(repo)) == {"lib": "2.1.0"}


def test_a_workspace_path_naming_the_dependency_counts(repo: GitRepo) -> None:
    _dependent_workspace(repo, CHANGESETS_3, {"dependencies": {"app": "workspace:packages/app"}})

    message = _refused(repo, ConfigError)

    assert "lib depends on app (dependencies workspace:packages/app)" in message
