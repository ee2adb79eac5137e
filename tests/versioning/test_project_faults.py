"""Nx workspaces whose project names are not their packages' names, on real repositories."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.errors import UsageError
from release_tools.release.service import ReleaseOptions, run_release
from release_tools.release.versions import tag_only_refusals
from release_tools.versioning.projects import discover_projects

TODAY = date(2026, 1, 2)


def release(repo: GitRepo, **options: Any) -> Any:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def nx(repo: GitRepo) -> None:
    repo.write("nx.json", json.dumps({"release": {"projectsRelationship": "independent"}}))


def pkg(name: str, version: str, deps: dict[str, str] | None = None) -> str:
    data: dict[str, Any] = {"name": name, "version": version}
    if deps:
        data["dependencies"] = deps
    return json.dumps(data, indent=2) + "\n"


# -- dependents follow a package whose Nx name is not its manifest name -----------------


PACKAGE_LOCK = {
    "name": "root",
    "lockfileVersion": 3,
    "packages": {
        "": {"name": "root", "workspaces": ["libs/*"]},
        "libs/core": {"name": "@acme/core", "version": "1.0.0"},
        "libs/web": {
            "name": "@acme/web",
            "version": "1.0.0",
            "dependencies": {"@acme/core": "^1.0.0"},
        },
    },
}

PNPM_LOCK = """\
lockfileVersion: '9.0'

importers:

  .: {}

  libs/core: {}

  libs/web:
    dependencies:
      '@acme/core':
        specifier: ^1.0.0
        version: link:../core
"""


def test_npm_dependents_and_locks_follow_the_package_name(repo: GitRepo) -> None:
    nx(repo)
    repo.write("package.json", json.dumps({"name": "root", "private": True}))
    repo.write("pnpm-workspace.yaml", "packages:\n  - libs/*\n")
    repo.write("libs/core/project.json", json.dumps({"name": "core"}))
    repo.write("libs/core/package.json", pkg("@acme/core", "1.0.0"))
    repo.write("libs/web/project.json", json.dumps({"name": "web"}))
    repo.write("libs/web/package.json", pkg("@acme/web", "1.0.0", {"@acme/core": "^1.0.0"}))
    repo.write("package-lock.json", json.dumps(PACKAGE_LOCK, indent=2) + "\n")
    repo.write("pnpm-lock.yaml", PNPM_LOCK)
    repo.commit("chore: initial")
    core = next(p for p in discover_projects(repo.path) if p.name == "core")
    assert core.package_name == "@acme/core" and core.dependency_name == "@acme/core"
    repo.write(".nx/version-plans/version-plan-1.md", "---\ncore: major\n---\n\nfeat!: drop\n")
    repo.commit("chore: plan")
    result = release(repo)
    web = json.loads((repo.path / "libs/web/package.json").read_text())
    assert web["dependencies"] == {"@acme/core": "^2.0.0"}
    lock = json.loads((repo.path / "package-lock.json").read_text())
    assert lock["packages"]["libs/web"]["dependencies"] == {"@acme/core": "^2.0.0"}
    assert lock["packages"]["libs/core"]["version"] == "2.0.0"
    assert "specifier: ^2.0.0" in (repo.path / "pnpm-lock.yaml").read_text()
    assert "libs/web/package.json" in result.files_written


def test_cargo_dependents_and_lock_follow_the_crate_name(repo: GitRepo) -> None:
    nx(repo)
    repo.write("Cargo.toml", '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n')
    repo.write("crates/core/project.json", json.dumps({"name": "rs-core"}))
    repo.write("crates/core/Cargo.toml", '[package]\nname = "acme-core"\nversion = "0.5.0"\n')
    repo.write("crates/app/project.json", json.dumps({"name": "rs-app"}))
    repo.write(
        "crates/app/Cargo.toml",
        '[package]\nname = "acme-app"\nversion = "1.0.0"\n\n[dependencies]\n'
        'acme-core = { path = "../core", version = "0.5.0" }\n',
    )
    repo.write(
        "Cargo.lock",
        'version = 3\n\n[[package]]\nname = "acme-app"\nversion = "1.0.0"\n'
        'dependencies = [\n "acme-core",\n]\n\n[[package]]\nname = "acme-core"\n'
        'version = "0.5.0"\n',
    )
    repo.commit("chore: initial")
    repo.write(".nx/version-plans/version-plan-1.md", "---\nrs-core: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    release(repo)
    app = (repo.path / "crates/app/Cargo.toml").read_text()
    assert 'acme-core = { path = "../core", version = "0.6.0" }' in app
    lock = (repo.path / "Cargo.lock").read_text()
    assert 'name = "acme-core"\nversion = "0.6.0"' in lock


def test_python_dependents_follow_the_distribution_name(repo: GitRepo) -> None:
    nx(repo)
    repo.write("libs/core/project.json", json.dumps({"name": "py-core"}))
    repo.write("libs/core/pyproject.toml", '[project]\nname = "acme-core"\nversion = "1.0.0"\n')
    repo.write("libs/app/project.json", json.dumps({"name": "py-app"}))
    repo.write(
        "libs/app/pyproject.toml",
        '[project]\nname = "acme-app"\nversion = "1.0.0"\ndependencies = ["acme-core==1.0.0"]\n',
    )
    repo.commit("chore: initial")
    repo.write(".nx/version-plans/version-plan-1.md", "---\npy-core: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    release(repo)
    assert '"acme-core==1.1.0"' in (repo.path / "libs/app/pyproject.toml").read_text()


def test_same_names_record_no_package_name(repo: GitRepo) -> None:
    nx(repo)
    repo.write("libs/core/project.json", json.dumps({"name": "core"}))
    repo.write("libs/core/package.json", pkg("core", "1.0.0"))
    repo.commit("chore: initial")
    (core,) = discover_projects(repo.path)
    assert core.package_name is None and core.dependency_name == "core"


# -- package-manager workspace members without a project.json ---------------------------


def test_workspace_members_without_project_json_are_nx_projects(repo: GitRepo) -> None:
    repo.write("nx.json", json.dumps({"targetDefaults": {}}))
    repo.write(
        "package.json", json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]})
    )
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main"}))
    repo.write("packages/a/package.json", pkg("@acme/a", "1.0.0"))
    repo.write("packages/b/package.json", pkg("@acme/b", "1.0.0"))
    repo.write("packages/b/project.json", json.dumps({"name": "@acme/b"}))
    repo.write("packages/c/package.json", pkg("@acme/c", "1.0.0"))
    repo.write("packages/c/project.json", json.dumps({"name": "c"}))
    repo.commit("chore: initial")
    projects = discover_projects(repo.path)
    assert [(p.name, p.path) for p in projects] == [
        ("@acme/a", "packages/a"),
        ("@acme/b", "packages/b"),
        ("c", "packages/c"),
    ]
    repo.write(".changeset/odd-cats-sing.md", '---\n"@acme/a": minor\n---\n\nAdd a thing\n')
    repo.commit("chore: plan")
    result = release(repo, dry_run=True)
    assert [(r.project.name, r.version) for r in result.releases] == [("@acme/a", "1.1.0")]


def test_pnpm_members_without_project_json_are_nx_projects(repo: GitRepo) -> None:
    repo.write("nx.json", "{}")
    repo.write("package.json", json.dumps({"name": "root", "private": True}))
    repo.write("pnpm-workspace.yaml", "packages:\n  - 'libs/*'\n")
    repo.write("libs/ui/package.json", pkg("@acme/ui", "0.1.0"))
    repo.write("apps/site/project.json", json.dumps({"name": "site"}))
    repo.commit("chore: initial")
    assert [p.name for p in discover_projects(repo.path)] == ["site", "@acme/ui"]


# -- a version kept in project.json, or in the tag alone ---------------------------------


def reader(repo: GitRepo) -> Any:
    def read(rel: str) -> str | None:
        path = repo.path / rel
        return path.read_text() if path.is_file() else None

    return read


def test_untagged_releases_of_a_project_json_version_move_on(repo: GitRepo) -> None:
    git = {"projectsRelationship": "independent", "git": {"tag": False}}
    repo.write("nx.json", json.dumps({"release": git}))
    repo.write("libs/api/project.json", '{\n  "name": "api",\n  "version": "1.0.0"\n}\n')
    repo.commit("chore: initial")
    for number, expected in ((1, "1.1.0"), (2, "1.2.0")):
        repo.write(
            f".nx/version-plans/version-plan-{number}.md",
            f"---\napi: minor\n---\n\nfeat: change {number}\n",
        )
        repo.commit(f"chore: plan {number}")
        result = release(repo)
        assert [r.version for r in result.releases] == [expected]
        assert (repo.path / "libs/api/project.json").read_text() == (
            f'{{\n  "name": "api",\n  "version": "{expected}"\n}}\n'
        )
    assert repo.git("tag", "-l") == ""


def test_tag_only_versions_are_refused_a_release_without_tag(repo: GitRepo) -> None:
    nx(repo)
    repo.write("libs/api/project.json", json.dumps({"name": "api"}))
    repo.write("libs/web/project.json", json.dumps({"name": "web", "version": "1.0.0"}))
    repo.write("libs/py/project.json", json.dumps({"name": "py"}))
    repo.write("libs/py/pyproject.toml", '[project]\nname = "py"\ndynamic = ["version"]\n')
    repo.commit("chore: initial")
    repo.write(
        ".nx/version-plans/version-plan-1.md",
        "---\napi: minor\nweb: minor\npy: minor\n---\n\nfeat: x\n",
    )
    repo.commit("chore: plan")
    releases = release(repo, dry_run=True).releases
    read = reader(repo)
    assert tag_only_refusals(releases, read, tagging=True) == []
    lines = tag_only_refusals(releases, read, tagging=False)
    assert lines == [
        "api keeps its version only in its tags: a release without a tag (--no-tag) would "
        "repeat 0.1.0; give libs/api/project.json a version or release with a tag",
        "py keeps its version only in its tags: a release without a tag (--no-tag) would "
        "repeat 0.1.0; give libs/py/pyproject.toml a version or release with a tag",
    ]
    kept = tag_only_refusals(
        releases, read, tagging=False, version_variables=["libs/api/VERSION:version"]
    )
    assert [line.split()[0] for line in kept] == ["py"]


def test_a_release_without_tag_of_a_tag_only_version_stops_before_any_write(
    repo: GitRepo,
) -> None:
    nx(repo)
    repo.write("libs/api/project.json", json.dumps({"name": "api"}))
    repo.commit("chore: initial")
    repo.write(".nx/version-plans/version-plan-1.md", "---\napi: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    head = repo.git("rev-parse", "HEAD")

    with pytest.raises(UsageError, match="api keeps its version only in its tags"):
        release(repo, tag=False)

    assert repo.git("rev-parse", "HEAD") == head
    assert repo.git("status", "--porcelain") == ""
    assert (repo.path / ".nx/version-plans/version-plan-1.md").exists()
    # With its tag the same release goes through.
    assert release(repo).released


def test_a_dependent_out_of_range_of_a_renamed_package_is_released(repo: GitRepo) -> None:
    nx(repo)
    repo.write(".changeset/config.json", json.dumps({"updateInternalDependents": "out-of-range"}))
    repo.write("package.json", json.dumps({"name": "root", "private": True}))
    repo.write("libs/core/project.json", json.dumps({"name": "core"}))
    repo.write("libs/core/package.json", pkg("@acme/core", "1.0.0"))
    repo.write("libs/web/project.json", json.dumps({"name": "web"}))
    repo.write("libs/web/package.json", pkg("@acme/web", "1.0.0", {"@acme/core": "^1.0.0"}))
    repo.commit("chore: initial")
    repo.write(".changeset/big.md", "---\ncore: major\n---\n\nbreak\n")
    repo.commit("chore: plan")

    result = release(repo)

    released = {r.project.name: r.version for r in result.releases}
    assert released == {"core": "2.0.0", "web": "1.0.1"}
    web = json.loads((repo.path / "libs/web/package.json").read_text())
    assert web["dependencies"]["@acme/core"] == "^2.0.0"
