"""``"pkg": none`` lines of changesets in ``plan-check`` and ``release``: they name the package
(as changesets counts them) and never bump it."""

from __future__ import annotations

import json

import pytest
from test_premode import changeset, release, versions

from changesets_workspace import changesets_workspace as _workspace
from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.errors import PlanError
from release_tools.release.plancheck import PlanCheckResult, check_plans


def _check(repo: GitRepo) -> PlanCheckResult:
    return check_plans(load_settings({}, repo=repo.path), environ={})


def _lib_and_ignored_tool(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "lib": {"name": "lib", "version": "2.0.0"},
            "tool": {"name": "tool", "version": "1.0.0"},
        },
        ignore=["tool"],
    )


def test_plan_check_refuses_a_changeset_mixing_through_a_none_line(repo: GitRepo) -> None:
    _lib_and_ignored_tool(repo)
    repo.write("packages/lib/index.js", "export const lib = 1;\n")
    repo.commit("feat: lib")
    changeset(repo, "both", {"lib": "minor", "tool": "none"}, "A feature.")

    with pytest.raises(PlanError, match=r"^\.changeset/both\.md: tool \(ignored by"):
        _check(repo)


def test_plan_check_counts_a_none_line_as_naming_the_touched_package(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"a": {"name": "a", "version": "1.0.0"}, "b": {"name": "b", "version": "1.0.0"}},
    )
    repo.write("packages/a/index.js", "export const a = 1;\n")
    repo.write("packages/b/README.md", "Docs.\n")
    repo.commit("feat: a, docs of b")
    changeset(repo, "one", {"a": "minor", "b": "none"}, "A feature; b's docs need no release.")

    result = _check(repo)

    assert result.touched == ["a", "b"]
    assert result.missing == []
    assert result.ok


def test_plan_check_still_misses_a_package_no_line_names(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"a": {"name": "a", "version": "1.0.0"}, "b": {"name": "b", "version": "1.0.0"}},
    )
    repo.write("packages/a/index.js", "export const a = 1;\n")
    repo.write("packages/b/index.js", "export const b = 1;\n")
    repo.commit("feat: a and b")
    changeset(repo, "one", {"a": "none"}, "Nothing to release in a.")

    assert _check(repo).missing == ["b"]


def test_a_none_line_bumps_nothing_and_goes_with_the_release(repo: GitRepo) -> None:
    _workspace(
        repo,
        {"a": {"name": "a", "version": "1.0.0"}, "b": {"name": "b", "version": "1.0.0"}},
    )
    changeset(repo, "one", {"a": "minor", "b": "none"}, "A feature.")

    result = release(repo)

    assert versions(result) == {"a": "1.1.0"}
    assert json.loads((repo.path / "packages/b/package.json").read_text())["version"] == "1.0.0"
    assert result.files_deleted == [".changeset/one.md"]


def test_release_refuses_a_none_line_naming_no_package(repo: GitRepo) -> None:
    _workspace(repo, {"a": {"name": "a", "version": "1.0.0"}})
    changeset(repo, "one", {"a": "minor", "ghost": "none"}, "A feature.")
    head = repo.head()

    with pytest.raises(PlanError, match=r"^\.changeset/one\.md:3: unknown project 'ghost'"):
        release(repo)
    assert repo.head() == head
    assert repo.git("status", "--porcelain") == ""
