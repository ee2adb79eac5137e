"""Plans that ``create-version-plan`` writes and ``release`` must then accept, on real repos."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.plans import consume_plan, load_plan
from release_tools.release.planning import PlanRequest, create_version_plan
from release_tools.release.service import ReleaseOptions, run_release

NOW = 1_767_225_600_000
TODAY = date(2026, 1, 2)


def plan(repo: GitRepo, project: str, version_type: str, **kw: Any) -> Any:
    settings = load_settings({}, repo=repo.path)
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
