"""Project discovery on real trees: single projects and each kind of workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from release_tools.errors import UsageError, VersionError
from release_tools.versioning.projectlookup import find_project, owning_project
from release_tools.versioning.projects import (
    Project,
    discover_projects,
    read_pnpm_workspace,
)


def write(root: Path, rel: str, text: str) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def summary(projects: list[Project]) -> list[tuple[str, str, str, str | None, str]]:
    return [(p.name, p.path, p.manifest, p.version, p.ecosystem) for p in projects]


def test_single_pep621_project(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\nversion = "1.2.3"\n')
    assert summary(discover_projects(tmp_path)) == [
        ("demo", ".", "pyproject.toml", "1.2.3", "python")
    ]


def test_single_poetry_project(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.poetry]\nname = "po"\nversion = "0.4.0"\n')
    assert summary(discover_projects(tmp_path)) == [
        ("po", ".", "pyproject.toml", "0.4.0", "python")
    ]


def test_dynamic_version_from_hatch_path(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "dyn"\ndynamic = ["version"]\n'
        '[tool.hatch.version]\npath = "src/dyn/about.py"\n',
    )
    write(tmp_path, "src/dyn/about.py", '__version__ = "2.0.1"\n')
    assert discover_projects(tmp_path)[0].version == "2.0.1"


def test_dynamic_version_from_setuptools_attr(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "st"\ndynamic = ["version"]\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "st_pkg.__version__"}\n',
    )
    write(tmp_path, "st_pkg/__init__.py", "__version__ = '3.1.0'\n")
    assert discover_projects(tmp_path)[0].version == "3.1.0"


def test_dynamic_version_from_package_init(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "my-lib"\ndynamic = ["version"]\n')
    write(tmp_path, "src/my_lib/__init__.py", '"""Doc."""\n__version__: str = "0.9.0"\n')
    assert discover_projects(tmp_path)[0].version == "0.9.0"


def test_dynamic_version_unknown_is_none(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "scm"\ndynamic = ["version"]\n')
    assert discover_projects(tmp_path)[0].version is None


def test_single_package_json_and_cargo(tmp_path: Path) -> None:
    node = tmp_path / "node"
    write(node, "package.json", json.dumps({"name": "@acme/web", "version": "1.0.0"}))
    assert summary(discover_projects(node)) == [("@acme/web", ".", "package.json", "1.0.0", "node")]
    rust = tmp_path / "rust"
    write(rust, "Cargo.toml", '[package]\nname = "crate-a"\nversion = "0.1.0"\n')
    assert summary(discover_projects(rust)) == [("crate-a", ".", "Cargo.toml", "0.1.0", "rust")]


def test_no_manifest_means_no_project(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "hi\n")
    assert discover_projects(tmp_path) == []


def test_npm_workspace_with_negation_and_node_modules_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        "package.json",
        json.dumps({"name": "root", "private": True, "workspaces": ["packages/*", "!packages/x"]}),
    )
    write(tmp_path, "packages/a/package.json", json.dumps({"name": "@s/a", "version": "1.0.0"}))
    write(tmp_path, "packages/b/package.json", json.dumps({"name": "b", "version": "2.0.0"}))
    write(tmp_path, "packages/x/package.json", json.dumps({"name": "x", "version": "0.0.1"}))
    write(tmp_path, "packages/docs/README.md", "no manifest\n")
    write(tmp_path, "node_modules/dep/package.json", json.dumps({"name": "dep"}))
    assert summary(discover_projects(tmp_path)) == [
        ("@s/a", "packages/a", "packages/a/package.json", "1.0.0", "node"),
        ("b", "packages/b", "packages/b/package.json", "2.0.0", "node"),
    ]


def test_yarn_object_workspaces(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"workspaces": {"packages": ["libs/*"]}}))
    write(tmp_path, "libs/one/package.json", json.dumps({"name": "one", "version": "0.1.0"}))
    assert [p.name for p in discover_projects(tmp_path)] == ["one"]


def test_pnpm_workspace(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pnpm-workspace.yaml",
        "# pnpm\npackages:\n  - 'apps/*'\n  - \"libs/**\"\n  - '!**/test/**'\ncatalog:\n  x: 1\n",
    )
    write(tmp_path, "package.json", json.dumps({"name": "root", "private": True}))
    write(tmp_path, "apps/web/package.json", json.dumps({"name": "web", "version": "1.0.0"}))
    write(tmp_path, "libs/ui/core/package.json", json.dumps({"name": "core", "version": "0.2.0"}))
    write(tmp_path, "libs/test/package.json", json.dumps({"name": "fixture"}))
    assert [p.name for p in discover_projects(tmp_path)] == ["web", "core"]


def test_pnpm_workspace_rejects_unknown_shape(tmp_path: Path) -> None:
    write(tmp_path, "pnpm-workspace.yaml", "packages:\n  apps: yes\n")
    with pytest.raises(VersionError, match=r"pnpm-workspace.yaml:2"):
        read_pnpm_workspace(tmp_path / "pnpm-workspace.yaml")


def test_pnpm_flow_list(tmp_path: Path) -> None:
    write(tmp_path, "pnpm-workspace.yaml", "packages: ['a/*', \"b\"]\n")
    assert read_pnpm_workspace(tmp_path / "pnpm-workspace.yaml") == ["a/*", "b"]


def test_cargo_workspace_with_inherited_version(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Cargo.toml",
        '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/skip"]\n'
        '[workspace.package]\nversion = "0.5.0"\n',
    )
    write(
        tmp_path,
        "crates/core/Cargo.toml",
        '[package]\nname = "core"\nversion.workspace = true\n',
    )
    write(tmp_path, "crates/cli/Cargo.toml", '[package]\nname = "cli"\nversion = "1.1.0"\n')
    write(tmp_path, "crates/skip/Cargo.toml", '[package]\nname = "skip"\nversion = "9.9.9"\n')
    assert summary(discover_projects(tmp_path)) == [
        ("cli", "crates/cli", "crates/cli/Cargo.toml", "1.1.0", "rust"),
        ("core", "crates/core", "crates/core/Cargo.toml", "0.5.0", "rust"),
    ]


def test_python_monorepo_scan(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    write(
        tmp_path, "packages/alpha/pyproject.toml", '[project]\nname = "alpha"\nversion = "1.0.0"\n'
    )
    write(
        tmp_path,
        "packages/beta/pyproject.toml",
        '[tool.poetry]\nname = "beta"\nversion = "0.3.0"\n',
    )
    write(tmp_path, ".venv/lib/x/pyproject.toml", '[project]\nname = "ignored"\n')
    write(tmp_path, "packages/broken/pyproject.toml", "[project\n")
    assert summary(discover_projects(tmp_path)) == [
        ("alpha", "packages/alpha", "packages/alpha/pyproject.toml", "1.0.0", "python"),
        ("beta", "packages/beta", "packages/beta/pyproject.toml", "0.3.0", "python"),
    ]


def test_uv_workspace_includes_root_project(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "app"\nversion = "1.0.0"\n[tool.uv.workspace]\nmembers = ["libs/*"]\n',
    )
    write(tmp_path, "libs/util/pyproject.toml", '[project]\nname = "util"\nversion = "0.1.0"\n')
    assert [(p.name, p.path) for p in discover_projects(tmp_path)] == [
        ("app", "."),
        ("util", "libs/util"),
    ]


def test_nx_workspace_prefers_package_json_version(tmp_path: Path) -> None:
    write(tmp_path, "nx.json", "{}")
    write(tmp_path, "package.json", json.dumps({"name": "root", "workspaces": ["libs/*"]}))
    write(tmp_path, "libs/a/project.json", json.dumps({"name": "lib-a"}))
    write(tmp_path, "libs/a/package.json", json.dumps({"name": "@x/a", "version": "3.0.0"}))
    write(tmp_path, "apps/b/project.json", json.dumps({}))
    assert summary(discover_projects(tmp_path)) == [
        ("b", "apps/b", "apps/b/project.json", None, "nx"),
        ("lib-a", "libs/a", "libs/a/package.json", "3.0.0", "nx"),
    ]


def test_broken_root_manifest_is_a_version_error(tmp_path: Path) -> None:
    write(tmp_path, "package.json", "{not json")
    with pytest.raises(VersionError, match=r"package\.json: broken JSON"):
        discover_projects(tmp_path)


def test_find_project_lists_known_names() -> None:
    projects = [
        Project("b", "packages/b", "packages/b/package.json", "1.0.0", "node"),
        Project("a", "packages/a", "packages/a/package.json", "1.0.0", "node"),
    ]
    assert find_project(projects, "a").path == "packages/a"
    with pytest.raises(UsageError, match=r"unknown project 'zz' \(known projects: a, b\)"):
        find_project(projects, "zz")


def test_owning_project_picks_deepest() -> None:
    root = Project("root", ".", "Cargo.toml", "1.0.0", "rust")
    sub = Project("sub", "crates/sub", "crates/sub/Cargo.toml", "1.0.0", "rust")
    assert owning_project([root, sub], "crates/sub/src/lib.rs") is sub
    assert owning_project([root, sub], "crates/subway/x.rs") is root
    assert owning_project([sub], "README.md") is None


def test_a_deeply_nested_manifest_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        '{"name": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    )
    with pytest.raises(VersionError, match=r"package\.json: nested too deeply to be read"):
        discover_projects(tmp_path)


def test_pnpm_workspace_unindented_list(tmp_path: Path) -> None:
    # YAML allows a block list at the key's own indentation; pnpm reads it so.
    write(tmp_path, "pnpm-workspace.yaml", 'packages:\n- "packages/*"\n- "!packages/skip"\n')
    write(tmp_path, "package.json", json.dumps({"name": "root", "private": True}))
    write(tmp_path, "packages/a/package.json", json.dumps({"name": "a", "version": "1.0.0"}))
    write(tmp_path, "packages/skip/package.json", json.dumps({"name": "skip"}))
    assert read_pnpm_workspace(tmp_path / "pnpm-workspace.yaml") == ["packages/*", "!packages/skip"]
    assert [p.name for p in discover_projects(tmp_path)] == ["a"]


def test_negated_single_star_does_not_cross_directories(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"workspaces": ["packages/**", "!packages/*"]}))
    write(tmp_path, "packages/a/package.json", json.dumps({"name": "a", "version": "1.0.0"}))
    write(tmp_path, "packages/a/b/package.json", json.dumps({"name": "b", "version": "1.0.0"}))
    assert [p.name for p in discover_projects(tmp_path)] == ["b"]


def test_pnpm_specifier_found_by_yaml_structure_whatever_the_indentation() -> None:
    from release_tools.versioning.lockfiles import set_pnpm_specifier

    lock = (
        "lockfileVersion: '9.0'\n"
        "importers:\n"
        "    packages/b:\n"
        "        dependencies:\n"
        "            '@acme/a':\n"
        "                specifier: workspace:^1.0.0  # kept comment\n"
        "                version: link:../a\n"
    )
    new = set_pnpm_specifier(lock, "packages/b", "@acme/a", "workspace:^1.0.0", "workspace:^2.0.0")
    assert new == lock.replace("workspace:^1.0.0", "workspace:^2.0.0")


def _privacy(root: Path) -> dict[str, bool]:
    return {p.name: p.private for p in discover_projects(root)}


def test_private_npm_packages(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"name": "root", "workspaces": ["packages/*"]}))
    write(tmp_path, "packages/app/package.json", '{"name": "app", "private": true}')
    write(tmp_path, "packages/lib/package.json", '{"name": "lib", "private": false}')
    write(tmp_path, "packages/odd/package.json", '{"name": "odd", "private": "true"}')
    # Only the JSON literal true makes a package private, as npm reads it.
    assert _privacy(tmp_path) == {"app": True, "lib": False, "odd": False}


def test_unpublished_crates_are_private(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Cargo.toml",
        '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\npublish = false\n',
    )
    crates = {
        "off": "publish = false",
        "none": "publish = []",
        "inherits": "publish.workspace = true",
        "registry": 'publish = ["internal"]',
        "default": "",
    }
    for name, line in crates.items():
        write(
            tmp_path,
            f"crates/{name}/Cargo.toml",
            f'[package]\nname = "{name}"\nversion = "0.1.0"\n{line}\n',
        )
    assert _privacy(tmp_path) == {
        "default": False,
        "inherits": True,
        "none": True,
        "off": True,
        "registry": False,
    }


def test_python_private_classifier(tmp_path: Path) -> None:
    write(
        tmp_path,
        "packages/internal/pyproject.toml",
        '[project]\nname = "internal"\nversion = "1.0"\n'
        'classifiers = ["Private :: Do Not Upload", "Programming Language :: Python"]\n',
    )
    write(
        tmp_path,
        "packages/legacy/pyproject.toml",
        '[tool.poetry]\nname = "legacy"\nversion = "1.0"\n'
        'classifiers = ["Private :: Do Not Upload"]\n',
    )
    write(
        tmp_path,
        "packages/public/pyproject.toml",
        '[project]\nname = "public"\nversion = "1.0"\nclassifiers = ["Private :: Other"]\n',
    )
    assert _privacy(tmp_path) == {"internal": True, "legacy": True, "public": False}


def test_nx_project_takes_the_privacy_of_its_manifest(tmp_path: Path) -> None:
    write(tmp_path, "nx.json", "{}")
    write(tmp_path, "apps/web/project.json", '{"name": "web"}')
    write(tmp_path, "apps/web/package.json", '{"name": "web", "private": true}')
    write(tmp_path, "libs/ui/project.json", '{"name": "ui"}')
    assert _privacy(tmp_path) == {"ui": False, "web": True}
