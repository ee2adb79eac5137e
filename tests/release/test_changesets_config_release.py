"""How dependents follow a released package under ``.changeset/config.json``'s options, read
as changesets reads them: ``updateInternalDependencies``, and under
``___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH`` ``updateInternalDependents`` and
``onlyUpdatePeerDependentsWhenOutOfRange``; dev and peer dependencies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from test_premode import changeset, cli_release, release, versions

from gitrepo import GitRepo

EXPERIMENTAL = "___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH"


#: The root's requirement on changesets' CLI that pins its 2.x rules.
CHANGESETS_2 = "^2.27.0"


def _workspace(
    repo: GitRepo,
    config: dict[str, Any],
    dependents: dict[str, dict[str, dict[str, str]]],
    cli: str | None = None,
) -> None:
    """``@acme/a`` 1.0.0, and at 0.1.0 one package per entry of ``dependents`` (its
    dependency tables, e.g. ``{"peerDependencies": {"@acme/a": "^1.0.0"}}``); the root
    ``package.json`` requires ``@changesets/cli`` at ``cli`` when it is given (else the
    latest major's rules apply)."""
    root: dict[str, Any] = {"private": True, "workspaces": ["packages/*"]}
    if cli is not None:
        root["devDependencies"] = {"@changesets/cli": cli}
    repo.write("package.json", json.dumps(root))
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **config}))
    packages: dict[str, dict[str, Any]] = {"a": {"name": "@acme/a", "version": "1.0.0"}}
    for package, tables in dependents.items():
        packages[package] = {"name": f"@acme/{package}", "version": "0.1.0", **tables}
    for package, data in packages.items():
        repo.write(f"packages/{package}/package.json", json.dumps(data, indent=2) + "\n")
    repo.commit("initial")


def _tables(repo: GitRepo, package: str) -> dict[str, Any]:
    data = json.loads((repo.path / f"packages/{package}/package.json").read_text())
    return {k: v for k, v in data.items() if k.endswith("ependencies")}


def _on_a(table: str, spec: str) -> dict[str, dict[str, str]]:
    return {table: {"@acme/a": spec}}


def test_without_options_only_dependents_left_out_of_range_are_released(repo: GitRepo) -> None:
    # changesets' default for updateInternalDependents is "out-of-range".
    _workspace(
        repo,
        {},
        {"inside": _on_a("dependencies", "^1.0.0"), "outside": _on_a("dependencies", "~1.0.0")},
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/outside": "0.1.1"}
    assert _tables(repo, "inside") == _on_a("dependencies", "^1.0.0")
    assert "packages/inside/package.json" not in result.files_written
    assert _tables(repo, "outside") == _on_a("dependencies", "~1.1.0")


def test_always_releases_every_dependent_but_a_dev_dependent(repo: GitRepo) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"updateInternalDependents": "always"}},
        {"user": _on_a("dependencies", "^1.0.0"), "tester": _on_a("devDependencies", "^1.0.0")},
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    # Both ranges still admit 1.1.0: "always" releases the user all the same; a dev
    # dependency only moves its range (changesets' release type "none").
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/user": "0.1.1"}
    assert _tables(repo, "user") == _on_a("dependencies", "^1.1.0")
    assert _tables(repo, "tester") == _on_a("devDependencies", "^1.1.0")
    assert {r.project.name: r.dependency_only for r in result.releases}["@acme/user"] == (
        "@acme/a",
    )


def test_the_experimental_option_wins_over_the_old_top_level_spelling(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "updateInternalDependents": "patch",
            EXPERIMENTAL: {"updateInternalDependents": "out-of-range"},
        },
        {"user": _on_a("dependencies", "^1.0.0")},
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "user") == _on_a("dependencies", "^1.0.0")


def test_the_old_top_level_spelling_still_works_with_a_warning(repo: GitRepo) -> None:
    _workspace(repo, {"updateInternalDependents": "patch"}, {"user": _on_a("dependencies", "^1")})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = cli_release(repo, "--dry-run")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "updateInternalDependents" in line]
    assert len(warnings) == 1
    assert "deprecated" in warnings[0]
    assert f'{EXPERIMENTAL}.updateInternalDependents: "always"' in warnings[0]
    # "patch" is read as "always": the dependent in range is released.
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/user": "0.1.1"}


def test_a_dev_dependent_left_out_of_range_moves_its_range_without_a_release(
    repo: GitRepo,
) -> None:
    _workspace(
        repo,
        {},
        {"tester": _on_a("devDependencies", "~1.0.0"), "both": _on_a("devDependencies", "~1.0.0")},
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/both": "patch"}, "A feature.")
    result = release(repo)
    # tester is not released, yet its range moves; both is released anyway, its range too.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/both": "0.1.1"}
    assert _tables(repo, "tester") == _on_a("devDependencies", "~1.1.0")
    assert "packages/tester/package.json" in result.files_written
    assert _tables(repo, "both") == _on_a("devDependencies", "~1.1.0")
    assert not (repo.path / "packages/tester/CHANGELOG.md").exists()


def test_a_dev_dependency_does_not_stop_a_dependency_from_releasing(repo: GitRepo) -> None:
    tables = {"devDependencies": {"@acme/a": "~1.0.0"}, "dependencies": {"@acme/a": "~1.0.0"}}
    _workspace(repo, {}, {"user": tables})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/user": "0.1.1"}


@pytest.mark.parametrize(
    ("bump", "expected"),
    [
        ("minor", {"@acme/a": "1.1.0", "@acme/plugin": "1.0.0"}),
        ("major", {"@acme/a": "2.0.0", "@acme/plugin": "1.0.0"}),
        # A patch leaves ^1.0.0 admitting: the plugin is neither released nor rewritten.
        ("patch", {"@acme/a": "1.0.1"}),
    ],
)
def test_a_peer_dependent_of_a_minor_or_major_is_major_under_changesets_2(
    repo: GitRepo, bump: str, expected: dict[str, str]
) -> None:
    _workspace(repo, {}, {"plugin": _on_a("peerDependencies", "^1.0.0")}, CHANGESETS_2)
    changeset(repo, "one", {"@acme/a": bump}, "A change.")
    result = release(repo)
    assert versions(result) == expected
    if bump == "patch":
        assert _tables(repo, "plugin") == _on_a("peerDependencies", "^1.0.0")
    else:
        assert _tables(repo, "plugin") == _on_a("peerDependencies", f"^{expected['@acme/a']}")


def test_a_peer_dependent_released_anyway_is_raised_to_major_under_changesets_2(
    repo: GitRepo,
) -> None:
    _workspace(repo, {}, {"plugin": _on_a("peerDependencies", "^1.0.0")}, CHANGESETS_2)
    changeset(repo, "one", {"@acme/a": "minor", "@acme/plugin": "patch"}, "Both.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/plugin": "1.0.0"}


def test_peer_dependents_in_range_can_be_left_alone_under_changesets_2(repo: GitRepo) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": True}},
        {
            "inside": _on_a("peerDependencies", "^1.0.0"),
            "outside": _on_a("peerDependencies", "~1.0.0"),
        },
        CHANGESETS_2,
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    # Only the peer range that 1.1.0 leaves makes its dependent major.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/outside": "1.0.0"}
    assert _tables(repo, "inside") == _on_a("peerDependencies", "^1.0.0")
    assert _tables(repo, "outside") == _on_a("peerDependencies", "~1.1.0")


# --- changesets 3.x: a peer range is judged as any other ---------------------------------------


@pytest.mark.parametrize("cli", ["^3.0.0", ">=3.0.0-next.0", None])
@pytest.mark.parametrize(
    ("bump", "expected", "spec"),
    [
        # 1.1.0 still satisfies ^1.0.0: the plugin is neither released nor rewritten.
        ("minor", {"@acme/a": "1.1.0"}, "^1.0.0"),
        # 2.0.0 leaves it: a patch, no longer a major, and the range follows.
        ("major", {"@acme/a": "2.0.0", "@acme/plugin": "0.1.1"}, "^2.0.0"),
    ],
)
def test_under_changesets_3_a_peer_dependent_gets_a_patch_only_when_left_behind(
    repo: GitRepo, cli: str | None, bump: str, expected: dict[str, str], spec: str
) -> None:
    # Without a requirement on the CLI, the latest major's rules apply.
    _workspace(repo, {}, {"plugin": _on_a("peerDependencies", "^1.0.0")}, cli)
    changeset(repo, "one", {"@acme/a": bump}, "A change.")
    result = release(repo)
    assert versions(result) == expected
    assert _tables(repo, "plugin") == _on_a("peerDependencies", spec)


def test_under_changesets_3_always_releases_a_peer_dependent_with_a_patch(repo: GitRepo) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"updateInternalDependents": "always"}},
        {"plugin": _on_a("peerDependencies", "^1.0.0")},
        "^3.0.0",
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    # In range, the peer dependent is released all the same, with a patch (2.x: a major).
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/plugin": "0.1.1"}
    assert _tables(repo, "plugin") == _on_a("peerDependencies", "^1.1.0")
    changelog = (repo.path / "packages/plugin/CHANGELOG.md").read_text()
    assert "## [0.1.1]" in changelog
    assert "Updated dependencies: @acme/a." in changelog


def test_under_changesets_3_a_peer_dependent_released_anyway_keeps_its_bump(
    repo: GitRepo,
) -> None:
    _workspace(repo, {}, {"plugin": _on_a("peerDependencies", "^1.0.0")}, "^3.0.0")
    changeset(repo, "one", {"@acme/a": "minor", "@acme/plugin": "patch"}, "Both.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/plugin": "0.1.1"}
    # In the plan, its peer range still moves (onlyUpdatePeerDependentsWhenOutOfRange unset).
    assert _tables(repo, "plugin") == _on_a("peerDependencies", "^1.1.0")


def test_under_changesets_3_peer_dependents_out_of_range_only_get_a_patch(repo: GitRepo) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": True}},
        {
            "inside": _on_a("peerDependencies", "^1.0.0"),
            "outside": _on_a("peerDependencies", "~1.0.0"),
        },
        "^3.0.0",
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/outside": "0.1.1"}
    assert _tables(repo, "inside") == _on_a("peerDependencies", "^1.0.0")
    assert _tables(repo, "outside") == _on_a("peerDependencies", "~1.1.0")


@pytest.mark.parametrize(("installed", "plugin"), [("2.31.1", "1.0.0"), ("3.0.1", "0.1.1")])
def test_the_changesets_version_a_lock_file_records_decides_the_rules(
    repo: GitRepo, installed: str, plugin: str
) -> None:
    # No requirement in the root package.json: package-lock.json says which CLI is installed.
    _workspace(repo, {}, {"plugin": _on_a("peerDependencies", "^1.0.0")})
    lock = {
        "name": "root",
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"workspaces": ["packages/*"]},
            "node_modules/@changesets/cli": {"version": installed, "dev": True},
        },
    }
    repo.write("package-lock.json", json.dumps(lock, indent=2) + "\n")
    repo.commit("chore: lock")
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    # 2.x makes the peer dependent major; 3.x gives it a patch.
    assert versions(release(repo)) == {"@acme/a": "2.0.0", "@acme/plugin": plugin}
    assert _tables(repo, "plugin") == _on_a("peerDependencies", "^2.0.0")


def test_changesets_3_rules_through_the_command(repo: GitRepo) -> None:
    _workspace(
        repo,
        {},
        {
            "plugin": _on_a("peerDependencies", "^1.0.0"),
            "wide": _on_a("peerDependencies", "^1.0.0 || ^2.0.0"),
        },
        "^3.0.1",
    )
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    result = cli_release(repo)
    assert result.exit_code == 0, result.output
    manifests = {
        name: json.loads((repo.path / f"packages/{name}/package.json").read_text())
        for name in ("a", "plugin", "wide")
    }
    assert manifests["a"]["version"] == "2.0.0"
    # Left behind: a patch under 3.x. Still admitting: neither released nor rewritten.
    assert manifests["plugin"]["version"] == "0.1.1"
    assert manifests["plugin"]["peerDependencies"] == {"@acme/a": "^2.0.0"}
    assert manifests["wide"]["version"] == "0.1.0"
    assert manifests["wide"]["peerDependencies"] == {"@acme/a": "^1.0.0 || ^2.0.0"}
    assert "@acme/plugin@0.1.1" in repo.git("tag", "-l")


def test_a_released_peer_dependent_keeps_its_range_in_range_when_asked(repo: GitRepo) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": True}},
        {"plugin": _on_a("peerDependencies", "^1.0.0")},
    )
    changeset(repo, "one", {"@acme/a": "patch", "@acme/plugin": "minor"}, "Both.")
    assert versions(release(repo)) == {"@acme/a": "1.0.1", "@acme/plugin": "0.2.0"}
    assert _tables(repo, "plugin") == _on_a("peerDependencies", "^1.0.0")


@pytest.mark.parametrize(("bump", "moved"), [("patch", False), ("minor", True)])
def test_update_internal_dependencies_minor_keeps_ranges_through_a_patch(
    repo: GitRepo, bump: str, moved: bool
) -> None:
    _workspace(
        repo,
        {"updateInternalDependencies": "minor"},
        {"user": _on_a("dependencies", "^1.0.0"), "tool": _on_a("devDependencies", "^1.0.0")},
    )
    changeset(repo, "one", {"@acme/a": bump, "@acme/user": "patch", "@acme/tool": "patch"}, "X.")
    result = release(repo)
    new = versions(result)["@acme/a"]
    assert versions(result) == {"@acme/a": new, "@acme/user": "0.1.1", "@acme/tool": "0.1.1"}
    spec = f"^{new}" if moved else "^1.0.0"
    assert _tables(repo, "user") == _on_a("dependencies", spec)
    assert _tables(repo, "tool") == _on_a("devDependencies", spec)


def test_update_internal_dependencies_patch_moves_ranges_of_released_dependents(
    repo: GitRepo,
) -> None:
    _workspace(
        repo, {"updateInternalDependencies": "patch"}, {"user": _on_a("dependencies", "^1.0.0")}
    )
    changeset(repo, "one", {"@acme/a": "patch", "@acme/user": "patch"}, "X.")
    assert versions(release(repo)) == {"@acme/a": "1.0.1", "@acme/user": "0.1.1"}
    assert _tables(repo, "user") == _on_a("dependencies", "^1.0.1")


@pytest.mark.parametrize(
    ("config", "option"),
    [
        ({"updateInternalDependencies": "major"}, "updateInternalDependencies"),
        (
            {EXPERIMENTAL: {"updateInternalDependents": "never"}},
            f"{EXPERIMENTAL}.updateInternalDependents",
        ),
        (
            {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": "yes"}},
            f"{EXPERIMENTAL}.onlyUpdatePeerDependentsWhenOutOfRange",
        ),
        ({EXPERIMENTAL: ["always"]}, EXPERIMENTAL),
        ({"updateInternalDependents": "minor\nnext"}, "updateInternalDependents"),
    ],
)
def test_an_invalid_option_value_is_a_one_line_config_error(
    repo: GitRepo, state: Callable[[Any], Any], config: dict[str, Any], option: str
) -> None:
    _workspace(repo, config, {"user": _on_a("dependencies", "^1.0.0")})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    before = state(repo)
    for flags in ((), ("--dry-run",)):
        result = cli_release(repo, *flags)
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"error: .changeset/config.json: {option} is ")
    assert state(repo) == before
