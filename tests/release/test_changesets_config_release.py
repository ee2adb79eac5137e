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


def _workspace(
    repo: GitRepo, config: dict[str, Any], dependents: dict[str, dict[str, dict[str, str]]]
) -> None:
    """``@acme/a`` 1.0.0, and at 0.1.0 one package per entry of ``dependents`` (its
    dependency tables, e.g. ``{"peerDependencies": {"@acme/a": "^1.0.0"}}``)."""
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
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
def test_a_peer_dependent_of_a_minor_or_major_is_major(
    repo: GitRepo, bump: str, expected: dict[str, str]
) -> None:
    _workspace(repo, {}, {"plugin": _on_a("peerDependencies", "^1.0.0")})
    changeset(repo, "one", {"@acme/a": bump}, "A change.")
    result = release(repo)
    assert versions(result) == expected
    if bump == "patch":
        assert _tables(repo, "plugin") == _on_a("peerDependencies", "^1.0.0")
    else:
        assert _tables(repo, "plugin") == _on_a("peerDependencies", f"^{expected['@acme/a']}")


def test_a_peer_dependent_released_anyway_is_raised_to_major(repo: GitRepo) -> None:
    _workspace(repo, {}, {"plugin": _on_a("peerDependencies", "^1.0.0")})
    changeset(repo, "one", {"@acme/a": "minor", "@acme/plugin": "patch"}, "Both.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/plugin": "1.0.0"}


def test_peer_dependents_in_range_can_be_left_alone(repo: GitRepo) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": True}},
        {
            "inside": _on_a("peerDependencies", "^1.0.0"),
            "outside": _on_a("peerDependencies", "~1.0.0"),
        },
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    # Only the peer range that 1.1.0 leaves makes its dependent major.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/outside": "1.0.0"}
    assert _tables(repo, "inside") == _on_a("peerDependencies", "^1.0.0")
    assert _tables(repo, "outside") == _on_a("peerDependencies", "~1.1.0")


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
