"""How each internal range moves under changesets' rules: one range at a time, in the form
changesets writes, ``bumpVersionsWithWorkspaceProtocolOnly``, ``workspace:`` paths and
aliases, complex ranges, and ranges that never admitted the sibling's version."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from test_premode import changeset, cli_release, release, versions

from gitrepo import GitRepo
from release_tools.release.service import ReleaseResult

EXPERIMENTAL = "___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH"
Tables = dict[str, dict[str, str]]


def _workspace(repo: GitRepo, config: dict[str, Any], packages: dict[str, Tables]) -> None:
    """``@acme/a`` 1.0.0 and ``@acme/b`` 2.0.0, and at 0.1.0 one package per entry of
    ``packages`` with its dependency tables; each package lives in ``packages/<name>``."""
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **config}))
    data: dict[str, dict[str, Any]] = {
        "a": {"name": "@acme/a", "version": "1.0.0"},
        "b": {"name": "@acme/b", "version": "2.0.0"},
    }
    for package, tables in packages.items():
        data[package] = {"name": f"@acme/{package}", "version": "0.1.0", **tables}
    for package, manifest in data.items():
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("initial")


def _tables(repo: GitRepo, package: str) -> Tables:
    data = json.loads((repo.path / f"packages/{package}/package.json").read_text())
    return {k: v for k, v in data.items() if k.endswith("ependencies")}


def _changelog(repo: GitRepo, package: str) -> str:
    text: str = (repo.path / f"packages/{package}/CHANGELOG.md").read_text()
    return text


def _consumed(repo: GitRepo, result: ReleaseResult, *names: str) -> None:
    """The changesets ``names`` were used by the release and are gone."""
    paths = [f".changeset/{name}.md" for name in names]
    assert result.plans_consumed == paths
    assert not any((repo.path / path).exists() for path in paths)


# --- one range at a time ------------------------------------------------------------------


def test_only_the_range_the_rule_selects_moves_in_a_released_package(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"updateInternalDependencies": "minor"},
        {"user": {"dependencies": {"@acme/a": "^1.0.0", "@acme/b": "^2.0.0"}}},
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch", "@acme/user": "patch"}, "X.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1", "@acme/user": "0.1.1"}
    # a's minor reaches the threshold; b's patch does not, and 2.0.1 is still ^2.0.0.
    assert _tables(repo, "user") == {"dependencies": {"@acme/a": "^1.1.0", "@acme/b": "^2.0.0"}}
    _consumed(repo, result, "one")


@pytest.mark.parametrize(
    ("threshold", "b_range", "named"),
    [("minor", "^2.0.0", "@acme/a."), ("patch", "^2.0.1", "@acme/a, @acme/b.")],
)
def test_a_dependent_released_for_one_sibling_moves_the_others_by_their_own_rule(
    repo: GitRepo, threshold: str, b_range: str, named: str
) -> None:
    _workspace(
        repo,
        {"updateInternalDependencies": threshold},
        {"user": {"dependencies": {"@acme/a": "~1.0.0", "@acme/b": "^2.0.0"}}},
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch"}, "X.")
    result = release(repo)
    # 1.1.0 leaves ~1.0.0: user is released for a; b's range follows only a patch threshold.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1", "@acme/user": "0.1.1"}
    assert _tables(repo, "user") == {"dependencies": {"@acme/a": "~1.1.0", "@acme/b": b_range}}
    assert f"Updated dependencies: {named}" in _changelog(repo, "user")
    _consumed(repo, result, "one")


def test_each_table_is_judged_on_its_own(repo: GitRepo) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": True}},
        {
            "plugin": {
                "dependencies": {"@acme/a": "^1.0.0"},
                "peerDependencies": {"@acme/a": "^1.0.0"},
            }
        },
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/plugin": "patch"}, "X.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/plugin": "0.1.1"}
    # The dependency follows the minor; the peer range, still admitting, is left.
    assert _tables(repo, "plugin") == {
        "dependencies": {"@acme/a": "^1.1.0"},
        "peerDependencies": {"@acme/a": "^1.0.0"},
    }


# --- bumpVersionsWithWorkspaceProtocolOnly ------------------------------------------------


def test_workspace_protocol_only_follows_workspace_ranges_alone(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"bumpVersionsWithWorkspaceProtocolOnly": True},
        {
            "pinned": {"dependencies": {"@acme/a": "workspace:~1.0.0"}},
            "plain": {"dependencies": {"@acme/a": "~1.0.0"}},
            "both": {"dependencies": {"@acme/a": "^1.0.0", "@acme/b": "workspace:^2.0.0"}},
        },
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch", "@acme/both": "patch"}, "X.")
    result = release(repo)
    # plain is no dependent: its range is not a workspace: one.
    assert versions(result) == {
        "@acme/a": "1.1.0",
        "@acme/b": "2.0.1",
        "@acme/both": "0.1.1",
        "@acme/pinned": "0.1.1",
    }
    assert _tables(repo, "pinned") == {"dependencies": {"@acme/a": "workspace:~1.1.0"}}
    assert _tables(repo, "plain") == {"dependencies": {"@acme/a": "~1.0.0"}}
    assert "packages/plain/package.json" not in result.files_written
    # Released anyway, both has only its workspace: range moved.
    assert _tables(repo, "both") == {
        "dependencies": {"@acme/a": "^1.0.0", "@acme/b": "workspace:^2.0.1"}
    }
    assert [w for w in result.warnings if "widen it by hand" in w] == [
        "packages/plain/package.json: the requirement @acme/a '~1.0.0' does not admit the "
        "released 1.1.0; widen it by hand"
    ]
    assert "Updated dependencies: @acme/a." in _changelog(repo, "pinned")
    _consumed(repo, result, "one")


def test_without_workspace_protocol_only_plain_ranges_follow(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"bumpVersionsWithWorkspaceProtocolOnly": False},
        {"plain": {"dependencies": {"@acme/a": "~1.0.0"}}},
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "X.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0", "@acme/plain": "0.1.1"}
    assert _tables(repo, "plain") == {"dependencies": {"@acme/a": "~1.1.0"}}


# --- workspace: paths and aliases ---------------------------------------------------------


def test_a_workspace_path_from_the_root_is_the_old_version_and_stays(repo: GitRepo) -> None:
    _workspace(
        repo,
        {},
        {
            "rooted": {"dependencies": {"@acme/a": "workspace:packages/a"}},
            "dotted": {"dependencies": {"@acme/a": "workspace:./packages/a"}},
        },
    )
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    result = release(repo)
    # The path stands for 1.0.0 exactly, which 1.0.1 leaves: both are released, and the
    # path is left for the package manager to publish as the version of the day.
    assert versions(result) == {
        "@acme/a": "1.0.1",
        "@acme/dotted": "0.1.1",
        "@acme/rooted": "0.1.1",
    }
    assert _tables(repo, "rooted") == {"dependencies": {"@acme/a": "workspace:packages/a"}}
    assert _tables(repo, "dotted") == {"dependencies": {"@acme/a": "workspace:./packages/a"}}
    assert "Updated dependencies: @acme/a." in _changelog(repo, "rooted")
    assert result.warnings == []
    _consumed(repo, result, "one")


def test_a_workspace_path_from_the_dependent_is_no_dependency_changesets_sees(
    repo: GitRepo,
) -> None:
    _workspace(repo, {}, {"near": {"dependencies": {"@acme/a": "workspace:../a"}}})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "near") == {"dependencies": {"@acme/a": "workspace:../a"}}
    assert result.warnings == [
        "packages/near/package.json: @acme/a 'workspace:../a' is neither a version range nor "
        "@acme/a's directory from the workspace root (packages/a); changesets does not count "
        "the package as its dependent, and the requirement is left as written"
    ]


def test_aliases_are_left_as_written(repo: GitRepo) -> None:
    _workspace(
        repo,
        {},
        {
            "aliased": {"dependencies": {"a-next": "workspace:@acme/a@~1.0.0"}},
            "npm": {"dependencies": {"a-old": "npm:@acme/a@~1.0.0"}},
        },
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/aliased": "patch"}, "X.")
    result = release(repo)
    # An alias names another key: changesets follows none, even in a released package.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/aliased": "0.1.1"}
    assert _tables(repo, "aliased") == {"dependencies": {"a-next": "workspace:@acme/a@~1.0.0"}}
    assert _tables(repo, "npm") == {"dependencies": {"a-old": "npm:@acme/a@~1.0.0"}}


# --- complex ranges -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "written"),
    [
        (">=1.0.0 <2.0.0", ">=2.0.0"),
        ("1.x", "2.0.0"),
        ("1.0.0 - 1.5.0", "2.0.0"),
        ("<2.0.0", "2.0.0"),
        ("<=1.5.0", "<=2.0.0"),
        ("=1.0.0", "2.0.0"),
        ("^0.9.0 || ^1.0.0", "^2.0.0"),
        ("~1.0.0 || >=1.0.0 <1.5.0", "~2.0.0"),
        ("workspace:>=1.0.0 <2.0.0", "workspace:>=2.0.0"),
    ],
)
def test_a_complex_range_left_behind_is_the_new_version_behind_its_first_operator(
    repo: GitRepo, spec: str, written: str
) -> None:
    _workspace(repo, {}, {"user": {"dependencies": {"@acme/a": spec}}})
    changeset(repo, "one", {"@acme/a": "major"}, "Break a.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "2.0.0", "@acme/user": "0.1.1"}
    assert _tables(repo, "user") == {"dependencies": {"@acme/a": written}}
    assert "Updated dependencies: @acme/a." in _changelog(repo, "user")
    assert result.warnings == []
    _consumed(repo, result, "one")


@pytest.mark.parametrize("spec", ["^1.0.0 || ^2.0.0", ">=1.0.0", "1.x || 2.x", "*"])
def test_a_complex_range_still_admitting_leaves_its_package_alone(repo: GitRepo, spec: str) -> None:
    _workspace(repo, {}, {"user": {"dependencies": {"@acme/a": spec}}})
    changeset(repo, "one", {"@acme/a": "major"}, "Break a.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "2.0.0"}
    assert _tables(repo, "user") == {"dependencies": {"@acme/a": spec}}
    assert "packages/user/package.json" not in result.files_written


def test_a_released_package_has_its_admitting_complex_range_rewritten(repo: GitRepo) -> None:
    _workspace(
        repo,
        {},
        {"user": {"dependencies": {"@acme/a": ">=1.0.0 <2.0.0", "@acme/b": "1.x || 2.x"}}},
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch", "@acme/user": "patch"}, "X.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1", "@acme/user": "0.1.1"}
    # Both bumps reach the default threshold (patch): changesets rewrites each range, upper
    # bound and alternatives included, with the range's first operator.
    assert _tables(repo, "user") == {"dependencies": {"@acme/a": ">=1.1.0", "@acme/b": "2.0.1"}}


# --- ranges that never admitted the sibling -----------------------------------------------


def test_a_range_that_never_admitted_the_sibling_makes_no_dependent(repo: GitRepo) -> None:
    _workspace(repo, {}, {"stale": {"dependencies": {"@acme/a": "^0.5.0"}}})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "stale") == {"dependencies": {"@acme/a": "^0.5.0"}}
    assert result.warnings == [
        "packages/stale/package.json: @acme/a '^0.5.0' does not admit @acme/a 1.0.0, its "
        "version before the release; changesets does not count the package as its dependent, "
        "and the requirement is left as written"
    ]
    _consumed(repo, result, "one")


def test_a_released_package_has_a_range_that_never_admitted_rewritten(repo: GitRepo) -> None:
    _workspace(repo, {}, {"stale": {"dependencies": {"@acme/a": "^0.5.0"}}})
    changeset(repo, "one", {"@acme/a": "minor", "@acme/stale": "minor"}, "X.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/stale": "0.2.0"}
    assert _tables(repo, "stale") == {"dependencies": {"@acme/a": "^1.1.0"}}
    assert result.warnings == []


def test_the_last_table_naming_the_sibling_decides_whether_it_is_a_dependent(
    repo: GitRepo,
) -> None:
    # changesets' graph keeps one range per dependency, the last table's: here the dev range,
    # which never admitted 1.0.0, so the dependencies range leaving 1.1.0 releases nothing.
    tables = {"dependencies": {"@acme/a": "~1.0.0"}, "devDependencies": {"@acme/a": "^0.5.0"}}
    _workspace(repo, {}, {"user": tables})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "user") == tables
    assert len(result.warnings) == 1
    assert "'^0.5.0' does not admit @acme/a 1.0.0" in result.warnings[0]


def test_a_dry_run_warns_of_a_dependent_changesets_does_not_see(
    repo: GitRepo, state: Callable[[Any], Any]
) -> None:
    _workspace(repo, {}, {"near": {"dependencies": {"@acme/a": "workspace:../a"}}})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    before = state(repo)
    result = cli_release(repo, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "workspace:../a" in line]
    assert len(lines) == 1
    assert "changesets does not count the package as its dependent" in lines[0]
    assert state(repo) == before


def test_an_ignored_dependent_has_only_its_moving_ranges_rewritten(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"ignore": ["@acme/app"], "updateInternalDependencies": "minor"},
        {"app": {"dependencies": {"@acme/a": "~1.0.0", "@acme/b": "^2.0.0"}}},
    )
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch"}, "X.")
    result = release(repo)
    # app is never released; a's range, left behind, moves; b's, admitting a patch, stays.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1"}
    assert _tables(repo, "app") == {"dependencies": {"@acme/a": "~1.1.0", "@acme/b": "^2.0.0"}}
    assert not (repo.path / "packages/app/CHANGELOG.md").exists()
    _consumed(repo, result, "one")


def test_the_pnpm_lock_follows_only_the_ranges_that_move(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"updateInternalDependencies": "minor"},
        {"user": {"dependencies": {"@acme/a": "workspace:^1.0.0", "@acme/b": "workspace:^2.0.0"}}},
    )
    lock = (
        "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n\n  packages/a: {}\n\n"
        "  packages/b: {}\n\n  packages/user:\n    dependencies:\n"
        "      '@acme/a':\n        specifier: workspace:^1.0.0\n        version: link:../a\n"
        "      '@acme/b':\n        specifier: workspace:^2.0.0\n        version: link:../b\n"
    )
    repo.write("pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n")
    repo.write("pnpm-lock.yaml", lock)
    repo.commit("chore: pnpm")
    changeset(repo, "one", {"@acme/a": "minor", "@acme/b": "patch", "@acme/user": "patch"}, "X.")
    result = release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/b": "2.0.1", "@acme/user": "0.1.1"}
    assert _tables(repo, "user") == {
        "dependencies": {"@acme/a": "workspace:^1.1.0", "@acme/b": "workspace:^2.0.0"}
    }
    assert (repo.path / "pnpm-lock.yaml").read_text() == lock.replace(
        "specifier: workspace:^1.0.0", "specifier: workspace:^1.1.0"
    )
