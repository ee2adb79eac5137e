"""``plan-check`` in changesets' pre mode: changesets already released in the mode (under
``.changeset/pre/`` for 3.x, listed in ``pre.json`` for 2.x) plan nothing more until the mode
is left, as ``changeset status`` counts them; and what ``release`` refuses about packages
changesets never releases fails the check too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_premode import PRE, changeset, pre_json, pre_workspace, release, versions

from changesets_workspace import changesets_workspace as _workspace
from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.errors import ConfigError, PlanError
from release_tools.release.plancheck import PlanCheckResult, check_plans


def _check(repo: GitRepo, **flags: Any) -> PlanCheckResult:
    return check_plans(load_settings(flags, repo=repo.path), environ={})


def _released_in_pre_mode(repo: GitRepo) -> None:
    """changesets 3 in pre mode: ``@acme/a`` released as 1.1.0-beta.0 from the changeset
    now under ``.changeset/pre/``, then changed again."""
    _workspace(
        repo,
        {
            "a": {"name": "@acme/a", "version": "1.0.0"},
            "b": {"name": "@acme/b", "version": "2.0.0"},
        },
    )
    repo.tag("@acme/a@1.0.0")
    repo.tag("@acme/b@2.0.0")
    repo.write(PRE, json.dumps({"mode": "pre", "tag": "beta"}, indent=2) + "\n")
    repo.commit("chore: enter pre mode")
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    assert versions(release(repo)) == {"@acme/a": "1.1.0-beta.0"}
    assert (repo.path / ".changeset/pre/one.md").is_file()
    repo.write("packages/a/index.js", "export const more = 1;\n")
    repo.commit("feat: more in a")


def test_a_changeset_released_in_pre_mode_plans_nothing_more(repo: GitRepo) -> None:
    _released_in_pre_mode(repo)

    result = _check(repo)

    assert result.touched == ["@acme/a"]
    assert result.planned == []
    assert result.missing == ["@acme/a"]


def test_a_new_changeset_plans_the_next_prerelease(repo: GitRepo) -> None:
    _released_in_pre_mode(repo)
    changeset(repo, "two", {"@acme/a": "patch"}, "A fix.")

    result = _check(repo)

    assert result.planned == ["@acme/a"] and result.ok


def test_leaving_pre_mode_counts_the_released_changesets_again(repo: GitRepo) -> None:
    _released_in_pre_mode(repo)
    repo.write(PRE, json.dumps({"mode": "exit", "tag": "beta"}, indent=2) + "\n")
    repo.commit("chore: exit pre mode")

    result = _check(repo)

    # Leaving the mode releases every changeset of the period, those under pre/ included.
    assert result.planned == ["@acme/a"] and result.ok


def test_an_uncommitted_pre_json_is_read_like_the_plans(repo: GitRepo) -> None:
    _released_in_pre_mode(repo)
    assert _check(repo).planned == []
    # A pre exit not committed yet: checking the checked-out commit reads the work tree.
    (repo.path / PRE).write_text(json.dumps({"mode": "exit", "tag": "beta"}) + "\n")

    assert _check(repo).planned == ["@acme/a"]


def test_a_checked_commit_other_than_head_reads_its_own_pre_json(repo: GitRepo) -> None:
    _released_in_pre_mode(repo)
    checked = repo.head()
    repo.write(PRE, json.dumps({"mode": "exit", "tag": "beta"}, indent=2) + "\n")
    repo.commit("chore: exit pre mode")
    repo.git("checkout", "-q", "-b", "later")
    repo.write("packages/b/index.js", "export const b = 1;\n")
    repo.commit("feat: b")

    result = _check(repo, base="main~1", head=checked)

    # That commit was in pre mode: its changeset under pre/ was released already.
    assert result.planned == []


def test_changesets_2_listed_changesets_plan_nothing_more(repo: GitRepo) -> None:
    pre_workspace(repo)
    changeset(repo, "one", {"@acme/a": "minor"}, "A feature.")
    release(repo)
    assert pre_json(repo)["changesets"] == ["one"]
    repo.write("packages/a/index.js", "export const more = 1;\n")
    repo.commit("feat: more in a")

    result = _check(repo)

    # 2.x keeps the changeset in .changeset/; pre.json's list says it was released.
    assert (repo.path / ".changeset/one.md").is_file()
    assert result.planned == [] and "@acme/a" in result.missing


def test_outside_pre_mode_a_changeset_under_pre_still_plans(repo: GitRepo) -> None:
    _workspace(repo, {"a": {"name": "@acme/a", "version": "1.0.0"}})
    repo.write(".changeset/pre/left.md", '---\n"@acme/a": patch\n---\n\nLeft over.\n')
    repo.write("packages/a/index.js", "export const a = 1;\n")
    repo.commit("feat: a")

    assert _check(repo).planned == ["@acme/a"]


# --- what release refuses fails the check ---------------------------------------------------


def test_a_mixed_changeset_fails_the_check(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0"},
        },
    )
    repo.write("packages/lib/index.js", "export const lib = 1;\n")
    repo.commit("feat: lib")
    changeset(repo, "both", {"app": "minor", "lib": "minor"}, "A feature.")

    with pytest.raises(PlanError, match=r"^\.changeset/both\.md: app \(private"):
        _check(repo)


def test_a_dependency_on_a_package_never_released_fails_the_check(repo: GitRepo) -> None:
    _workspace(
        repo,
        {
            "app": {"name": "app", "version": "1.0.0", "private": True},
            "lib": {"name": "lib", "version": "2.0.0", "dependencies": {"app": "^1.0.0"}},
        },
    )

    with pytest.raises(ConfigError, match=r"^\.changeset/config\.json: lib depends on app"):
        _check(repo)
