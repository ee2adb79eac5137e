"""Version writers keep every other byte: comments, order, quoting, indentation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from release_tools.errors import ConfigError, VersionError
from release_tools.versioning.manifests import (
    parse_version_variable,
    set_cargo_dependency_version,
    set_cargo_lock_version,
    set_cargo_package_version,
    set_package_json_dependency,
    set_package_json_version,
    set_package_lock_version,
    set_pyproject_version,
    set_version_variable,
    version_edits,
)
from release_tools.versioning.manifestversions import read_manifest_version
from release_tools.versioning.projects import Project, discover_projects

PEP621 = """\
# top comment
[project]
name = "demo"   # the name
version = "1.2.3"  # bumped by release-tools
dependencies = [
    "click>=8",  # cli
]

[tool.other]
keep = 'me'
"""


def test_pep621_keeps_comments_and_layout() -> None:
    out = set_pyproject_version(PEP621, "1.3.0")
    assert out == PEP621.replace('"1.2.3"', '"1.3.0"')


def test_poetry_and_literal_quotes() -> None:
    text = "[tool.poetry]\nname = 'po'\nversion = '0.1.0' # c\n"
    assert set_pyproject_version(text, "0.2.0") == text.replace("'0.1.0'", "'0.2.0'")


def test_dynamic_pyproject_is_unchanged_and_missing_version_is_an_error() -> None:
    dynamic = '[project]\nname = "d"\ndynamic = ["version"]\n'
    assert set_pyproject_version(dynamic, "2.0.0") == dynamic
    with pytest.raises(VersionError, match=r"pyproject\.toml: no \[project\]"):
        set_pyproject_version('[project]\nname = "d"\n', "2.0.0")
    with pytest.raises(VersionError, match="broken TOML"):
        set_pyproject_version("[project\n", "2.0.0")


PACKAGE_JSON = """{
    "name": "@acme/web",
    "version": "1.0.0",
    "scripts": {"version": "echo nested keys stay", "x": "a \\"quoted\\" \\\\ value"},
    "files": ["dist", "lib"],
    "private": false,
    "nested": {"deep": {"version": "9.9.9"}}
}
"""


def test_package_json_changes_only_the_top_level_version() -> None:
    out = set_package_json_version(PACKAGE_JSON, "1.1.0-rc.0")
    assert out == PACKAGE_JSON.replace('"version": "1.0.0"', '"version": "1.1.0-rc.0"')
    assert json.loads(out)["nested"]["deep"]["version"] == "9.9.9"


def test_package_json_tabs_no_trailing_newline_and_version_last() -> None:
    text = '{\n\t"name": "x",\n\t"private": true,\n\t"version": "0.0.1"\n}'
    assert set_package_json_version(text, "0.1.0") == text.replace("0.0.1", "0.1.0")


def test_package_json_inserts_missing_version_after_name() -> None:
    text = '{\n  "name": "x",\n  "main": "index.js"\n}\n'
    assert set_package_json_version(text, "1.0.0") == (
        '{\n  "name": "x",\n  "version": "1.0.0",\n  "main": "index.js"\n}\n'
    )
    assert set_package_json_version('{"name": "x"}', "1.0.0") == (
        '{"name": "x", "version": "1.0.0"}'
    )
    with pytest.raises(VersionError, match="neither a version nor a name"):
        set_package_json_version("{}", "1.0.0")


def test_cargo_package_and_dependents_and_lock() -> None:
    crate = '[package]\nname = "core"\nversion = "0.5.0" # keep\n\n[dependencies]\nserde = "1"\n'
    assert set_cargo_package_version(crate, "0.6.0") == crate.replace("0.5.0", "0.6.0")
    dependent = (
        '[package]\nname = "cli"\nversion = "1.0.0"\n\n[dependencies]\n'
        'core = { path = "../core", version = "^0.5.0" }  # internal\n'
        'renamed = { package = "core", path = "../core", version = "=0.5.0" }\n'
        'pathonly = { path = "../pathonly" }\n'
        '\n[target.\'cfg(unix)\'.dev-dependencies]\ncore = { path = "../core", version = "0.5" }\n'
    )
    out = set_cargo_dependency_version(dependent, "core", "0.6.0", source="cli/Cargo.toml")
    assert out == (
        dependent.replace('"^0.5.0"', '"^0.6.0"')
        .replace('"=0.5.0"', '"=0.6.0"')
        .replace('"0.5" }', '"0.6.0" }')
    )
    unrelated = set_cargo_dependency_version(dependent, "other", "1.0.0", source="x")
    assert unrelated == dependent
    lock = (
        'version = 3\n\n[[package]]\nname = "core"\nversion = "0.5.0"\n\n'
        '[[package]]\nname = "core"\nversion = "0.5.0"\nsource = "registry+https://x"\n'
    )
    new_lock = set_cargo_lock_version(lock, "core", "0.6.0", source="Cargo.lock")
    assert new_lock.count('"0.6.0"') == 1 and new_lock.count('"0.5.0"') == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('__version__ = "1.0.0"\n', '__version__ = "2.0.0"\n'),
        ("__version__: str = '1.0.0'  # c\n", "__version__: str = '2.0.0'  # c\n"),
        ("version: 1.0.0\nother_version: 1.0.0\n", "version: 2.0.0\nother_version: 1.0.0\n"),
        ('{"version": "1.0.0"}', '{"version": "2.0.0"}'),
        ("VERSION := 1.0.0\n", "VERSION := 2.0.0\n"),
    ],
)
def test_version_variables(text: str, expected: str) -> None:
    variable = "VERSION" if "VERSION" in text else "__version__" if "__" in text else "version"
    assert set_version_variable(text, variable, "2.0.0", fmt="nf", source="f") == expected


def test_version_variable_missing_and_bad_entries() -> None:
    with pytest.raises(VersionError, match=r"f\.py: no assignment of 'VERSION'"):
        set_version_variable("x = 1\n", "VERSION", "1.0.0", fmt="nf", source="f.py")
    assert parse_version_variable("docs/conf.py:release:tf").format == "tf"
    for bad in ("nocolon", "a:b:c:d", "/abs:x", "../up:x", ":x"):
        with pytest.raises(ConfigError):
            parse_version_variable(bad)


def _reader(root: Path) -> Callable[[str], str | None]:
    def read(rel: str) -> str | None:
        path = root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return read


def test_version_edits_python_with_dunder_version_and_variables(tmp_path: Path) -> None:
    (tmp_path / "src/demo").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(PEP621, encoding="utf-8")
    (tmp_path / "src/demo/__init__.py").write_text('__version__ = "1.2.3"\n', encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/conf.py").write_text('release = "v1.2.3"\nversion = "1.2.3"\n')
    [project] = discover_projects(tmp_path)
    edits = version_edits(
        tmp_path,
        project,
        "1.3.0rc1",
        read=_reader(tmp_path),
        version_variables=("docs/conf.py:release:tf", "docs/conf.py:version"),
        tag="v1.3.0rc1",
    )
    assert sorted(edits) == ["docs/conf.py", "pyproject.toml", "src/demo/__init__.py"]
    assert edits["src/demo/__init__.py"] == '__version__ = "1.3.0rc1"\n'
    assert edits["docs/conf.py"] == 'release = "v1.3.0rc1"\nversion = "1.3.0rc1"\n'


def test_version_edits_dynamic_python_writes_only_the_version_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "dyn"\ndynamic = ["version"]\n[tool.hatch.version]\npath = "v.py"\n'
    )
    (tmp_path / "v.py").write_text("__version__ = '0.1.0'\n")
    [project] = discover_projects(tmp_path)
    assert version_edits(tmp_path, project, "0.2.0", read=_reader(tmp_path)) == {
        "v.py": "__version__ = '0.2.0'\n"
    }


def test_version_edits_cargo_workspace_inherited(tmp_path: Path) -> None:
    (tmp_path / "crates/core").mkdir(parents=True)
    (tmp_path / "crates/app").mkdir(parents=True)
    (tmp_path / "Cargo.toml").write_text(
        '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "0.5.0"\n\n'
        '[workspace.dependencies]\ncore = { path = "crates/core", version = "0.5.0" }\n'
    )
    (tmp_path / "crates/core/Cargo.toml").write_text(
        '[package]\nname = "core"\nversion.workspace = true\n'
    )
    (tmp_path / "crates/app/Cargo.toml").write_text(
        '[package]\nname = "app"\nversion = "1.0.0"\n[dependencies]\n'
        'core = { path = "../core", version = "0.5.0" }\n'
    )
    projects = discover_projects(tmp_path)
    core = next(p for p in projects if p.name == "core")
    edits = version_edits(tmp_path, core, "0.6.0", read=_reader(tmp_path), projects=projects)
    assert sorted(edits) == ["Cargo.toml", "crates/app/Cargo.toml"]
    assert edits["Cargo.toml"].count('"0.6.0"') == 2
    assert 'version = "1.0.0"' in edits["crates/app/Cargo.toml"]


def test_version_edits_nx_without_manifest_and_version_variable_scoping(tmp_path: Path) -> None:
    project = Project("api", "apps/api", "apps/api/project.json", None, "nx")
    (tmp_path / "other.txt").write_text("version = 1.0.0\n")
    edits = version_edits(
        tmp_path, project, "1.0.0", read=_reader(tmp_path), version_variables=("other.txt:v",)
    )
    assert edits == {}


def test_read_manifest_version_rereads_package_json(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "version": "4.0.0"}')
    project = Project("x", ".", "package.json", "stale", "node")
    assert read_manifest_version(project, _reader(tmp_path)) == "4.0.0"


def test_dynamic_version_file_with_plain_version_name(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\ndynamic = ["version"]\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "p.VERSION"}\n'
    )
    (tmp_path / "p").mkdir()
    (tmp_path / "p/__init__.py").write_text('VERSION: str = "1.0.0"\nversion_info = (1, 0)\n')
    [project] = discover_projects(tmp_path)
    assert version_edits(tmp_path, project, "1.1.0", read=_reader(tmp_path)) == {
        "p/__init__.py": 'VERSION: str = "1.1.0"\nversion_info = (1, 0)\n'
    }


def test_dynamic_version_from_vcs_warns_and_writes_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "scm"\ndynamic = ["version"]\n[tool.hatch.version]\nsource = "vcs"\n'
    )
    [project] = discover_projects(tmp_path)
    assert version_edits(tmp_path, project, "2.0.0", read=_reader(tmp_path)) == {}
    assert "only the tag will carry 2.0.0" in caplog.text


def test_static_version_leaves_other_version_names_alone(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "s"\nversion = "1.0.0"\n')
    (tmp_path / "s").mkdir()
    (tmp_path / "s/__init__.py").write_text('version = "1.0.0"  # the API version\n')
    [project] = discover_projects(tmp_path)
    assert sorted(version_edits(tmp_path, project, "1.0.1", read=_reader(tmp_path))) == [
        "pyproject.toml"
    ]


def test_package_json_dependents_keep_operators_and_protocols() -> None:
    text = (
        '{\n  "name": "app",\n  "dependencies": {"@s/a": "^1.0.0", "other": "^1.0.0"},\n'
        '  "devDependencies": {\n    "@s/a": "workspace:~1.0.0"\n  },\n'
        '  "peerDependencies": {"@s/a": "workspace:*"},\n'
        '  "optionalDependencies": {"@s/a": ">=1 <2"}\n}\n'
    )
    out = set_package_json_dependency(text, "@s/a", "1.1.0", source="app/package.json")
    assert out == text.replace('"@s/a": "^1.0.0"', '"@s/a": "^1.1.0"').replace(
        "workspace:~1.0.0", "workspace:~1.1.0"
    )
    assert set_package_json_dependency(text, "nobody", "1.0.0", source="x") == text


def test_package_lock_member_and_root() -> None:
    lock = (
        '{\n  "name": "root",\n  "version": "1.0.0",\n  "lockfileVersion": 3,\n'
        '  "packages": {\n    "": {"name": "root", "version": "1.0.0"},\n'
        '    "packages/a": {"name": "@s/a", "version": "1.0.0"},\n'
        '    "node_modules/dep": {"version": "1.0.0"}\n  }\n}\n'
    )
    member = set_package_lock_version(lock, "packages/a", "1.1.0", is_root=False, source="l")
    assert member == lock.replace('"@s/a", "version": "1.0.0"', '"@s/a", "version": "1.1.0"')
    root = set_package_lock_version(lock, ".", "2.0.0", is_root=True, source="l")
    assert json.loads(root)["version"] == "2.0.0"
    assert json.loads(root)["packages"][""]["version"] == "2.0.0"
    assert json.loads(root)["packages"]["node_modules/dep"]["version"] == "1.0.0"


def test_version_edits_npm_workspace_updates_siblings_and_lock(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"private": true, "workspaces": ["pkgs/*"]}\n')
    (tmp_path / "pkgs/a").mkdir(parents=True)
    (tmp_path / "pkgs/b").mkdir(parents=True)
    (tmp_path / "pkgs/a/package.json").write_text('{"name": "a", "version": "1.0.0"}\n')
    (tmp_path / "pkgs/b/package.json").write_text(
        '{"name": "b", "version": "3.0.0", "dependencies": {"a": "^1.0.0"}}\n'
    )
    (tmp_path / "package-lock.json").write_text(
        '{"lockfileVersion": 3, "packages": {"pkgs/a": {"version": "1.0.0"}}}\n'
    )
    projects = discover_projects(tmp_path)
    a = next(p for p in projects if p.name == "a")
    edits = version_edits(tmp_path, a, "1.2.0", read=_reader(tmp_path), projects=projects)
    assert edits == {
        "pkgs/a/package.json": '{"name": "a", "version": "1.2.0"}\n',
        "pkgs/b/package.json": (
            '{"name": "b", "version": "3.0.0", "dependencies": {"a": "^1.2.0"}}\n'
        ),
        "package-lock.json": (
            '{"lockfileVersion": 3, "packages": {"pkgs/a": {"version": "1.2.0"}}}\n'
        ),
    }
