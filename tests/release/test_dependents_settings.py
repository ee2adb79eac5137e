"""Dependents under ``release-dependents`` set explicitly: npm ranges judged and written by
changesets' rule, ``patch`` releasing every dependent whose ranges move, ``none`` moving them
without a release; and requirements that are no range (dist-tags, URLs, ``file:``, aliases),
judged as npm's ``semver.satisfies`` judges them for changesets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_premode import TODAY, changeset, cli_release, versions

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release

EXPERIMENTAL = "___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH"
Tables = dict[str, dict[str, str]]


def _release(repo: GitRepo, dependents: str | None = None, **options: Any) -> ReleaseResult:
    flags = {} if dependents is None else {"release_dependents": dependents}
    settings = load_settings(flags, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


#: The root's requirement on changesets' CLI that pins its 2.x rules.
CHANGESETS_2 = "^2.27.0"


def _workspace(
    repo: GitRepo,
    config: dict[str, Any] | None,
    packages: dict[str, Tables],
    cli: str | None = None,
) -> None:
    """``@acme/a`` 1.0.0, and at 0.1.0 one package per entry of ``packages`` with its
    dependency tables, each in ``packages/<name>``; ``.changeset/config.json`` holds ``config``
    (None: no such file); the root ``package.json`` requires ``@changesets/cli`` at ``cli``
    when it is given (else the latest major's rules apply)."""
    root: dict[str, Any] = {"private": True, "workspaces": ["packages/*"]}
    if cli is not None:
        root["devDependencies"] = {"@changesets/cli": cli}
    repo.write("package.json", json.dumps(root))
    if config is not None:
        repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **config}))
    data: dict[str, dict[str, Any]] = {"a": {"name": "@acme/a", "version": "1.0.0"}}
    for package, tables in packages.items():
        data[package] = {"name": f"@acme/{package}", "version": "0.1.0", **tables}
    for package, manifest in data.items():
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("initial")


def _tables(repo: GitRepo, package: str) -> Tables:
    data = json.loads((repo.path / f"packages/{package}/package.json").read_text())
    return {k: v for k, v in data.items() if k.endswith("ependencies")}


def _on_a(table: str, spec: str) -> Tables:
    return {table: {"@acme/a": spec}}


# --- release-dependents = "patch" ------------------------------------------------------------


def test_patch_releases_a_dependent_whose_complex_range_is_left_behind(repo: GitRepo) -> None:
    _workspace(
        repo,
        {},
        {
            "span": _on_a("dependencies", ">=1.0.0 <2.0.0"),
            "line": _on_a("dependencies", "1.x"),
            "either": _on_a("dependencies", "^0.9.0 || ^1.0.0"),
        },
    )
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    result = _release(repo, "patch")
    assert versions(result) == {
        "@acme/a": "2.0.0",
        "@acme/span": "0.1.1",
        "@acme/line": "0.1.1",
        "@acme/either": "0.1.1",
    }
    # Each range is written as changeset version writes it, not left for a hand to widen.
    assert _tables(repo, "span") == _on_a("dependencies", ">=2.0.0")
    assert _tables(repo, "line") == _on_a("dependencies", "2.0.0")
    assert _tables(repo, "either") == _on_a("dependencies", "^2.0.0")
    assert result.warnings == []
    changelog = (repo.path / "packages/span/CHANGELOG.md").read_text()
    assert "Updated dependencies: @acme/a." in changelog


def test_patch_releases_every_dependent_whose_range_moves_with_a_patch(repo: GitRepo) -> None:
    _workspace(
        repo,
        {},
        {
            "user": _on_a("dependencies", "^1.0.0"),
            "tester": _on_a("devDependencies", "^1.0.0"),
            "plugin": _on_a("peerDependencies", "^1.0.0"),
            "linked": _on_a("dependencies", "workspace:*"),
        },
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = _release(repo, "patch")
    # In range or not, in any table, a peer too: the setting names the bump. workspace:* is
    # published as the new version, so it moves though its text stays.
    assert versions(result) == {
        "@acme/a": "1.1.0",
        "@acme/user": "0.1.1",
        "@acme/tester": "0.1.1",
        "@acme/plugin": "0.1.1",
        "@acme/linked": "0.1.1",
    }
    assert _tables(repo, "user") == _on_a("dependencies", "^1.1.0")
    assert _tables(repo, "tester") == _on_a("devDependencies", "^1.1.0")
    assert _tables(repo, "plugin") == _on_a("peerDependencies", "^1.1.0")
    assert _tables(repo, "linked") == _on_a("dependencies", "workspace:*")


def test_patch_follows_update_internal_dependencies(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"updateInternalDependencies": "minor"},
        {"caret": _on_a("dependencies", "^1.0.0"), "exact": _on_a("dependencies", "1.0.0")},
    )
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    result = _release(repo, "patch")
    # A patch does not reach the threshold: the range still admitting stays, and its package
    # is not released; the exact range is left behind, so it moves and its package follows.
    assert versions(result) == {"@acme/a": "1.0.1", "@acme/exact": "0.1.1"}
    assert _tables(repo, "caret") == _on_a("dependencies", "^1.0.0")
    assert "packages/caret/package.json" not in result.files_written
    assert _tables(repo, "exact") == _on_a("dependencies", "1.0.1")


def test_patch_cascades_to_the_dependents_of_a_released_dependent(repo: GitRepo) -> None:
    _workspace(
        repo,
        {},
        {
            "mid": _on_a("dependencies", ">=1.0.0 <2.0.0"),
            "top": {"dependencies": {"@acme/mid": "^0.1.0"}},
        },
    )
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    result = _release(repo, "patch")
    assert versions(result) == {"@acme/a": "2.0.0", "@acme/mid": "0.1.1", "@acme/top": "0.1.1"}
    assert _tables(repo, "top") == {"dependencies": {"@acme/mid": "^0.1.1"}}


def test_patch_under_workspace_protocol_only_releases_nothing_for_a_plain_range(
    repo: GitRepo,
) -> None:
    # The workspace: range makes the package a dependent (it is the last table's); it still
    # admits the patch, below the threshold, so it stays. The plain range is left behind but
    # never written under bumpVersionsWithWorkspaceProtocolOnly: nothing is rewritten, so
    # nothing is released.
    _workspace(
        repo,
        {"updateInternalDependencies": "minor", "bumpVersionsWithWorkspaceProtocolOnly": True},
        {
            "user": {
                "dependencies": {"@acme/a": "1.0.0"},
                "optionalDependencies": {"@acme/a": "workspace:^1.0.0"},
            }
        },
    )
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    result = _release(repo, "patch")
    assert versions(result) == {"@acme/a": "1.0.1"}
    assert _tables(repo, "user") == {
        "dependencies": {"@acme/a": "1.0.0"},
        "optionalDependencies": {"@acme/a": "workspace:^1.0.0"},
    }
    assert result.warnings == [
        "packages/user/package.json: the requirement @acme/a '1.0.0' does not admit the "
        "released 1.0.1; widen it by hand"
    ]


# --- release-dependents = "none" -------------------------------------------------------------


def test_none_moves_ranges_as_changesets_moves_them_and_releases_no_dependent(
    repo: GitRepo,
) -> None:
    _workspace(
        repo,
        {},
        {
            "span": _on_a("dependencies", ">=1.0.0 <2.0.0"),
            "caret": _on_a("dependencies", "^1.0.0"),
            "any": _on_a("dependencies", "*"),
            "tag": _on_a("dependencies", "latest"),
        },
    )
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    result = _release(repo, "none")
    assert versions(result) == {"@acme/a": "2.0.0"}
    # Ranges that would break are rewritten, as changesets writes them; * admits 2.0.0 and
    # stays; a dist-tag is no range, and nothing writes it.
    assert _tables(repo, "span") == _on_a("dependencies", ">=2.0.0")
    assert _tables(repo, "caret") == _on_a("dependencies", "^2.0.0")
    assert _tables(repo, "any") == _on_a("dependencies", "*")
    assert _tables(repo, "tag") == _on_a("dependencies", "latest")
    assert result.warnings == []
    assert json.loads((repo.path / "packages/span/package.json").read_text())["version"] == (
        "0.1.0"
    )


def test_none_rewrites_in_range_ranges_unless_the_options_keep_them(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "updateInternalDependencies": "minor",
            EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": True},
        },
        {
            "caret": _on_a("dependencies", "^1.0.0"),
            "exact": _on_a("dependencies", "1.0.0"),
            "peer": _on_a("peerDependencies", "^1.0.0"),
        },
    )
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    result = _release(repo, "none")
    assert versions(result) == {"@acme/a": "1.0.1"}
    # Below the threshold and in range: kept. Left behind: moved all the same.
    assert _tables(repo, "caret") == _on_a("dependencies", "^1.0.0")
    assert _tables(repo, "peer") == _on_a("peerDependencies", "^1.0.0")
    assert _tables(repo, "exact") == _on_a("dependencies", "1.0.1")
    assert sorted(p for p in result.files_written if p.startswith("packages/")) == [
        "packages/a/CHANGELOG.md",
        "packages/a/package.json",
        "packages/exact/package.json",
    ]


def test_none_with_the_default_threshold_rewrites_a_range_still_admitting(
    repo: GitRepo,
) -> None:
    _workspace(repo, {}, {"caret": _on_a("dependencies", "^1.0.0")})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = _release(repo, "none")
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "caret") == _on_a("dependencies", "^1.1.0")


def test_none_leaves_a_range_that_never_admitted_the_sibling_with_a_warning(
    repo: GitRepo,
) -> None:
    _workspace(repo, {}, {"old": _on_a("dependencies", "^0.5.0")})
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = _release(repo, "none")
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "old") == _on_a("dependencies", "^0.5.0")
    assert result.warnings == [
        "packages/old/package.json: @acme/a '^0.5.0' does not admit @acme/a 1.0.0, its version "
        "before the release; changesets does not count the package as its dependent, and the "
        "requirement is left as written"
    ]


def _no_config_workspace(repo: GitRepo) -> None:
    """A workspace without ``.changeset/config.json``, a dependent with a simple range and a
    complex one that the minor of ``@acme/a`` leaves behind."""
    _workspace(
        repo,
        None,
        {
            "b": {
                "dependencies": {"@acme/a": "^1.0.0"},
                "peerDependencies": {"@acme/a": ">=1.0.0 <1.1.0"},
            }
        },
    )
    repo.write(".changeset/one.md", '---\n"@acme/a": minor\n---\n\nA feature.\n')
    repo.commit("chore: changeset")


def test_none_set_without_changesets_config_rewrites_a_range_that_would_break(
    repo: GitRepo,
) -> None:
    _no_config_workspace(repo)
    result = _release(repo, "none")
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "b") == {
        "dependencies": {"@acme/a": "^1.1.0"},
        "peerDependencies": {"@acme/a": ">=1.1.0"},
    }
    assert result.warnings == []


def test_unset_without_changesets_config_keeps_complex_ranges_with_a_warning(
    repo: GitRepo,
) -> None:
    _no_config_workspace(repo)
    result = _release(repo)
    assert versions(result) == {"@acme/a": "1.1.0"}
    # Only the simple range follows; the complex one is the author's to widen.
    assert _tables(repo, "b") == {
        "dependencies": {"@acme/a": "^1.1.0"},
        "peerDependencies": {"@acme/a": ">=1.0.0 <1.1.0"},
    }
    assert result.warnings == [
        "packages/b/package.json: the requirement @acme/a '>=1.0.0 <1.1.0' does not admit the "
        "released 1.1.0; widen it by hand"
    ]


def test_none_from_the_config_file_through_the_command(repo: GitRepo) -> None:
    _workspace(repo, {}, {"span": _on_a("peerDependencies", ">=1.0.0 <2.0.0")})
    repo.write("release-tools.toml", 'release-dependents = "none"\n')
    repo.commit("chore: release-tools config")
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    ran = cli_release(repo)
    assert ran.exit_code == 0, ran.output
    assert _tables(repo, "span") == _on_a("peerDependencies", ">=2.0.0")
    assert json.loads((repo.path / "packages/span/package.json").read_text())["version"] == (
        "0.1.0"
    )
    assert repo.git("tag", "--list") == "@acme/a@2.0.0"
    assert repo.git("status", "--porcelain") == ""


def test_none_on_a_dry_run_writes_nothing(repo: GitRepo) -> None:
    _workspace(repo, {}, {"span": _on_a("dependencies", ">=1.0.0 <2.0.0")})
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    result = _release(repo, "none", dry_run=True)
    assert versions(result) == {"@acme/a": "2.0.0"}
    assert "packages/span/package.json" in result.files_written
    assert _tables(repo, "span") == _on_a("dependencies", ">=1.0.0 <2.0.0")
    assert repo.git("status", "--porcelain") == ""


# --- requirements that are no range ----------------------------------------------------------

NO_RANGES = [
    "latest",
    "next",
    "file:../a",
    "link:../a",
    "npm:@acme/a@^1.0.0",
    "git+https://example.com/acme/a.git",
    "acme/a#main",
]


@pytest.mark.parametrize("spec", NO_RANGES)
def test_a_requirement_that_is_no_range_counts_as_left_behind(repo: GitRepo, spec: str) -> None:
    # The peer range makes the package a dependent in changesets' graph (the last table
    # naming the sibling decides); the other requirement is then judged by semver.satisfies,
    # which admits nothing through it.
    _workspace(
        repo,
        {},
        {"user": {"dependencies": {"@acme/a": spec}, "peerDependencies": {"@acme/a": "^1.0.0"}}},
    )
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    result = _release(repo)
    assert versions(result) == {"@acme/a": "1.0.1", "@acme/user": "0.1.1"}
    # Nothing rewrites the requirement that is no range; the peer range moves as any does.
    assert _tables(repo, "user") == {
        "dependencies": {"@acme/a": spec},
        "peerDependencies": {"@acme/a": "^1.0.1"},
    }


@pytest.mark.parametrize(("cli", "plugin"), [(CHANGESETS_2, "1.0.0"), ("^3.0.0", "0.1.1")])
def test_a_peer_requirement_that_is_no_range_makes_the_dependent_major_even_out_of_range_only(
    repo: GitRepo, cli: str, plugin: str
) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": True}},
        {
            "plugin": {
                "peerDependencies": {"@acme/a": "next"},
                "optionalDependencies": {"@acme/a": "^1.0.0"},
            }
        },
        cli,
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = _release(repo)
    # Left behind, as npm admits nothing through a tag: changesets 2.x makes a peer dependent
    # major, 3.x gives it a patch.
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/plugin": plugin}
    assert _tables(repo, "plugin") == {
        "peerDependencies": {"@acme/a": "next"},
        "optionalDependencies": {"@acme/a": "^1.1.0"},
    }


def test_a_dev_requirement_that_is_no_range_moves_the_others_without_a_release(
    repo: GitRepo,
) -> None:
    _workspace(
        repo,
        {},
        {
            "tester": {
                "devDependencies": {"@acme/a": "latest"},
                "peerDependencies": {"@acme/a": "^1.0.0"},
            }
        },
    )
    changeset(repo, "one", {"@acme/a": "patch"}, "A fix.")
    result = _release(repo)
    # changesets puts the package in its plan without a release (type "none") and moves the
    # ranges it moves there.
    assert versions(result) == {"@acme/a": "1.0.1"}
    assert _tables(repo, "tester") == {
        "devDependencies": {"@acme/a": "latest"},
        "peerDependencies": {"@acme/a": "^1.0.1"},
    }


@pytest.mark.parametrize("spec", ["latest", "file:../a", "npm:@acme/a@^1.0.0"])
def test_a_package_naming_the_sibling_only_by_no_range_is_no_dependent(
    repo: GitRepo, spec: str
) -> None:
    _workspace(
        repo,
        {EXPERIMENTAL: {"updateInternalDependents": "always"}},
        {"user": _on_a("dependencies", spec)},
    )
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    result = _release(repo)
    assert versions(result) == {"@acme/a": "2.0.0"}
    assert _tables(repo, "user") == _on_a("dependencies", spec)


def test_an_empty_requirement_is_passed_over(repo: GitRepo) -> None:
    # The empty range is * to changesets' graph, so the package is a dependent, but changesets
    # neither judges nor writes it: even under "always" nothing is released.
    _workspace(
        repo,
        {EXPERIMENTAL: {"updateInternalDependents": "always"}},
        {"user": _on_a("dependencies", "")},
    )
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    result = _release(repo)
    assert versions(result) == {"@acme/a": "1.1.0"}
    assert _tables(repo, "user") == _on_a("dependencies", "")


@pytest.mark.parametrize("spec", [">=0.0.0", ">=0", ">= 0.x", "^0.1.0 || >=0.0.0"])
def test_a_range_npm_reads_as_any_version_stays_in_a_released_package(
    repo: GitRepo, spec: str
) -> None:
    _workspace(repo, {}, {"user": _on_a("dependencies", spec)})
    changeset(repo, "one", {"@acme/a": "minor", "@acme/user": "patch"}, "Both.")
    result = _release(repo)
    assert versions(result) == {"@acme/a": "1.1.0", "@acme/user": "0.1.1"}
    assert _tables(repo, "user") == _on_a("dependencies", spec)


@pytest.mark.parametrize("config", [{}, None])
def test_the_workspace_root_is_left_as_changesets_2_leaves_it(
    repo: GitRepo, config: dict[str, Any] | None
) -> None:
    _workspace(repo, config, {"b": _on_a("dependencies", "^1.0.0")})
    root = {
        "private": True,
        "workspaces": ["packages/*"],
        "devDependencies": {"@acme/a": "^1.0.0", "@changesets/cli": CHANGESETS_2},
    }
    repo.write("package.json", json.dumps(root, indent=2) + "\n")
    repo.commit("chore: the root requires a")
    changeset(repo, "one", {"@acme/a": "major"}, "Breaking.")
    before = (repo.path / "package.json").read_text()

    result = _release(repo, "patch" if config is None else None)

    assert versions(result)["@acme/a"] == "2.0.0"
    assert _tables(repo, "b") == _on_a("dependencies", "^2.0.0")
    # changeset version 2.x versions the packages of its plan, never the workspace root.
    assert (repo.path / "package.json").read_text() == before
