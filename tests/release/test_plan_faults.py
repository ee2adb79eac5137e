"""Plans that ``create-version-plan`` writes and ``release`` must then accept, on real repos."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.errors import ReleaseError, UsageError
from release_tools.plans import consume_plan, load_plan
from release_tools.release.planning import PlanRequest, create_version_plan
from release_tools.release.service import ReleaseOptions, run_release

NOW = 1_767_225_600_000
TODAY = date(2026, 1, 2)


def plan(
    repo: GitRepo, project: str, version_type: str, flags: dict[str, Any] | None = None, **kw: Any
) -> Any:
    settings = load_settings(flags or {}, repo=repo.path)
    kw.setdefault("now_ms", NOW)
    return create_version_plan(
        settings, PlanRequest(project=project, version_type=version_type, **kw)
    )


def release(repo: GitRepo, **options: Any) -> Any:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def nx_repo(repo: GitRepo, names: list[str]) -> GitRepo:
    """An independent Nx workspace of ``names``, each a project.json with a package.json."""
    repo.write("nx.json", json.dumps({"release": {"projectsRelationship": "independent"}}))
    for name in names:
        repo.write(f"libs/{name}/project.json", json.dumps({"name": name}))
        repo.write(
            f"libs/{name}/package.json", json.dumps({"name": name, "version": "1.0.0"}, indent=2)
        )
    repo.commit("chore: initial")
    return repo


# -- names YAML does not read back as strings --------------------------------------------

YAML_NAMES = ["null", "true", "1.10", "0x1F", "1_000", "2024-01-01"]


@pytest.mark.parametrize("name", YAML_NAMES)
def test_plan_for_a_yaml_typed_name_is_accepted_by_release(repo: GitRepo, name: str) -> None:
    nx_repo(repo, [name, "web"])
    written = plan(repo, name, "patch")
    text = (repo.path / written.path).read_text()
    assert text.splitlines()[1] == f'"{name}": patch'
    plan(repo, "web", "minor", now_ms=NOW + 1)
    repo.commit("chore: plans")
    result = release(repo, dry_run=True)
    assert {r.project.name: r.version for r in result.releases} == {name: "1.0.1", "web": "1.1.0"}


def test_partly_consumed_group_plan_quotes_the_remaining_names() -> None:
    path = ".nx/version-plans/version-plan-1.md"
    text = "---\n__default__: patch\n---\n\nfix: things\n"
    rest = consume_plan(load_plan(path, text), text, {"web"}, ["null", "1.10", "web"])
    assert rest == '---\n"null": patch\n"1.10": patch\n---\n\nfix: things\n'
    assert rest is not None
    assert [e.name for e in load_plan(path, rest).entries] == ["null", "1.10"]


# -- group plans: commit, push, --only-touched -------------------------------------------


def group_repo(repo: GitRepo) -> GitRepo:
    """Nx release group ``libs`` of independent projects a and b."""
    groups = {"libs": {"projects": ["a", "b"], "projectsRelationship": "independent"}}
    repo.write("nx.json", json.dumps({"release": {"groups": groups}}))
    for name in ("a", "b"):
        repo.write(f"p/{name}/project.json", json.dumps({"name": name}))
        repo.write(
            f"p/{name}/package.json", json.dumps({"name": name, "version": "1.0.0"}, indent=2)
        )
    repo.commit("chore: initial")
    return repo


def failing_hook(repo: GitRepo) -> None:
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)


@pytest.mark.parametrize("project", ["libs", "a"])
def test_failed_plan_commit_leaves_nothing_written(repo: GitRepo, state: Any, project: str) -> None:
    group_repo(repo)
    failing_hook(repo)
    before = state(repo)
    with pytest.raises(ReleaseError, match="could not commit the plan, nothing written"):
        plan(repo, project, "patch", commit=True)
    assert state(repo) == before


def test_group_plan_is_pushed(repo: GitRepo, bare_remote: Any) -> None:
    group_repo(repo)
    remote = bare_remote(repo)
    result = plan(repo, "libs", "minor", push=True)
    assert result.commit is not None and result.pushed
    assert repo.git("rev-parse", "HEAD") == result.commit
    assert repo.git("--git-dir", str(remote), "rev-parse", "main") == result.commit


@pytest.mark.parametrize("project", ["libs", "a"])
def test_push_without_a_remote_is_refused_before_writing(
    repo: GitRepo, state: Any, project: str
) -> None:
    group_repo(repo)
    before = state(repo)
    with pytest.raises(UsageError, match="no git remote named 'origin'"):
        plan(repo, project, "minor", push=True)
    assert state(repo) == before


def test_group_plan_only_touched_measures_its_members(repo: GitRepo, state: Any) -> None:
    group_repo(repo)
    before = state(repo)
    skipped = plan(repo, "libs", "patch", only_touched=True, flags={"base": "HEAD"})
    assert skipped.path is None
    assert skipped.message == "libs has no changes since HEAD: no plan written"
    assert state(repo) == before
    repo.write("p/b/index.js", "module.exports = 1;\n")
    repo.commit("fix: b")
    written = plan(repo, "libs", "patch", only_touched=True, flags={"base": "HEAD~1"})
    assert written.path is not None and written.members == ["a", "b"]


# -- a fixed group mixing a Python and an npm project ------------------------------------


def mixed_group(repo: GitRepo, js: str, py: str) -> GitRepo:
    """An Nx fixed group of an npm project ``js`` and a Python project ``py``."""
    repo.write("nx.json", json.dumps({"release": {"projectsRelationship": "fixed"}}))
    repo.write("libs/js/project.json", json.dumps({"name": "js"}))
    repo.write("libs/js/package.json", json.dumps({"name": "js", "version": js}, indent=2))
    repo.write("libs/py/project.json", json.dumps({"name": "py"}))
    repo.write("libs/py/pyproject.toml", f'[project]\nname = "py"\nversion = "{py}"\n')
    repo.commit("chore: initial")
    return repo


def manifest_versions(repo: GitRepo) -> tuple[str, str]:
    js = json.loads((repo.path / "libs/js/package.json").read_text())["version"]
    py = (repo.path / "libs/py/pyproject.toml").read_text().split('version = "')[1].split('"')[0]
    return js, py


def test_mixed_group_writes_each_member_its_own_spelling(repo: GitRepo) -> None:
    mixed_group(repo, "1.0.0", "1.0.1")  # the Python member leads
    plan(repo, "js", "preminor")
    repo.commit("chore: plan")
    result = release(repo)
    assert manifest_versions(repo) == ("1.1.0-rc.1", "1.1.0rc1")
    assert {r.project.name: r.version for r in result.releases} == {
        "js": "1.1.0-rc.1",
        "py": "1.1.0rc1",
    }
    assert repo.git("tag", "-l").split() == ["v1.1.0rc1"]  # the group's one tag
    plan(repo, "js", "patch", now_ms=NOW + 1)
    repo.commit("chore: plan")
    release(repo)
    assert manifest_versions(repo) == ("1.1.0", "1.1.0")


def test_mixed_group_led_by_npm_counts_from_zero_in_both(repo: GitRepo) -> None:
    mixed_group(repo, "1.0.2", "1.0.1")
    plan(repo, "py", "preminor")
    repo.commit("chore: plan")
    release(repo, preid="beta")
    assert manifest_versions(repo) == ("1.1.0-beta.0", "1.1.0b0")


def test_mixed_group_refuses_a_preid_pep_440_cannot_spell(repo: GitRepo, state: Any) -> None:
    mixed_group(repo, "1.0.2", "1.0.1")  # the npm member leads: the preid suits it
    plan(repo, "js", "preminor")
    repo.commit("chore: plan")
    before = state(repo)
    with pytest.raises(UsageError, match=r"py is a Python project: .* not 'next'"):
        release(repo, preid="next")
    assert state(repo) == before
