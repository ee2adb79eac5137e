"""Manifest versions an ecosystem would refuse are errors naming the file, before any write."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import VersionError
from release_tools.release.service import ReleaseOptions, run_release
from release_tools.versioning.manifestversions import read_manifest_version
from release_tools.versioning.projectlookup import find_project
from release_tools.versioning.projects import discover_projects

PLAN = ".nx/version-plans/version-plan-1.md"


def _reader(root: Path) -> Callable[[str], str | None]:
    def read(rel: str) -> str | None:
        path = root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return read


def _version_of(root: Path, name: str) -> str | None:
    project = find_project(discover_projects(root), name)
    return read_manifest_version(project, _reader(root))


def _package(tmp_path: Path, version: object) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"name": "p", "version": version}))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1, "version 1 is not a string"),
        (None, "version null is not a string"),
        ("1.0", "version '1.0' is not a valid semantic version"),
        ("2", "version '2' is not a valid semantic version"),
        ("1.2.3-rc.01", "version '1.2.3-rc.01' is not a valid semantic version"),
        ("01.2.3", "version '01.2.3' is not a valid semantic version"),
        ("1.2.3-", "version '1.2.3-' is not a valid semantic version"),
    ],
)
def test_package_json_version_npm_refuses(tmp_path: Path, value: object, shown: str) -> None:
    _package(tmp_path, value)
    with pytest.raises(VersionError) as caught:
        _version_of(tmp_path, "p")
    assert str(caught.value) == f"package.json: {shown}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.2.3", "1.2.3"), ("1.2.3-rc.1+build.007", "1.2.3-rc.1+build.007"), ("v1.2.3", "v1.2.3")],
)
def test_package_json_versions_npm_accepts(tmp_path: Path, value: str, expected: str) -> None:
    _package(tmp_path, value)
    assert _version_of(tmp_path, "p") == expected


def test_package_json_without_a_version_has_none(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "p"}')
    assert _version_of(tmp_path, "p") is None
    # npm reads an empty version as no version at all.
    _package(tmp_path, "")
    assert _version_of(tmp_path, "p") is None


def test_nx_project_json_version_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / "nx.json").write_text("{}")
    (tmp_path / "libs/x").mkdir(parents=True)
    (tmp_path / "libs/x/project.json").write_text('{"name": "x", "version": "1.0"}')
    with pytest.raises(VersionError, match=r"^libs/x/project.json: version '1.0' is not a valid"):
        _version_of(tmp_path, "x")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1", "version 1 is not a string"),
        ('"1.0"', "version '1.0' is not a valid semantic version"),
        ('"v1.2.3"', "version 'v1.2.3' is not a valid semantic version"),
    ],
)
def test_cargo_version_cargo_refuses(tmp_path: Path, value: str, shown: str) -> None:
    (tmp_path / "Cargo.toml").write_text(f'[package]\nname = "c"\nversion = {value}\n')
    with pytest.raises(VersionError) as caught:
        _version_of(tmp_path, "c")
    assert str(caught.value) == f"Cargo.toml: {shown}"


def test_inherited_cargo_version_is_checked_in_the_workspace_root(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text(
        '[workspace]\nmembers = ["c"]\n\n[workspace.package]\nversion = "0.4"\n'
    )
    (tmp_path / "c").mkdir()
    (tmp_path / "c/Cargo.toml").write_text('[package]\nname = "c"\nversion.workspace = true\n')
    with pytest.raises(VersionError) as caught:
        _version_of(tmp_path, "c")
    assert str(caught.value) == "Cargo.toml: version '0.4' is not a valid semantic version"


def test_cargo_without_a_version_has_none(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "c"\n')
    assert _version_of(tmp_path, "c") is None


@pytest.mark.parametrize(
    ("table", "value", "expected"),
    [
        ("project", '"1.0"', "1.0"),
        ("project", '"2"', "2"),
        ("project", '"1.0.0rc1"', "1.0.0rc1"),
        ("tool.poetry", '"0.3"', "0.3"),
    ],
)
def test_pyproject_pep440_versions_stay_valid(
    tmp_path: Path, table: str, value: str, expected: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[{table}]\nname = "py"\nversion = {value}\n')
    assert _version_of(tmp_path, "py") == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1", "version 1 is not a string"),
        ('"1.0-banana"', "version '1.0-banana' is not a valid PEP 440 version"),
        ('""', "version '' is not a valid PEP 440 version"),
    ],
)
def test_pyproject_version_pep440_refuses(tmp_path: Path, value: str, shown: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "py"\nversion = {value}\n')
    with pytest.raises(VersionError) as caught:
        _version_of(tmp_path, "py")
    assert str(caught.value) == f"pyproject.toml: {shown}"


def test_dynamic_python_version_is_checked(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "dyn"\ndynamic = ["version"]\n')
    (tmp_path / "dyn").mkdir()
    (tmp_path / "dyn/__init__.py").write_text('__version__ = "next"\n')
    with pytest.raises(VersionError, match=r"^pyproject.toml \(dynamic version\): version 'next'"):
        _version_of(tmp_path, "dyn")


# --- through the release and the CLI -----------------------------------------------------------


def _planned(repo: GitRepo, manifest: str, text: str, name: str, kind: str = "patch") -> None:
    repo.write(manifest, text)
    repo.commit("chore: initial")
    repo.write(PLAN, f"---\n{name}: {kind}\n---\n\nfix: something\n")
    repo.commit("chore: plan")


def _files(repo: GitRepo) -> dict[str, bytes]:
    return {
        p.relative_to(repo.path).as_posix(): p.read_bytes()
        for p in sorted(repo.path.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(repo.path).parts
    }


def _release(repo: GitRepo) -> object:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=date(2026, 1, 2)))


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1", "package.json: version 1 is not a string"),
        ('"1.0"', "package.json: version '1.0' is not a valid semantic version"),
    ],
)
def test_release_refuses_before_writing_anything(repo: GitRepo, version: str, message: str) -> None:
    _planned(repo, "package.json", f'{{"name": "p", "version": {version}}}\n', "p")
    before = (_files(repo), repo.head(), repo.git("tag", "-l"))
    with pytest.raises(VersionError) as caught:
        _release(repo)
    assert str(caught.value) == message
    assert (_files(repo), repo.head(), repo.git("tag", "-l")) == before


def test_release_refuses_an_invalid_version_even_with_a_tag(repo: GitRepo) -> None:
    # The tag used to win silently over an unreadable manifest version.
    repo.write("Cargo.toml", '[package]\nname = "c"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    _planned(repo, "Cargo.toml", '[package]\nname = "c"\nversion = "1.1"\n', "c", "minor")
    with pytest.raises(VersionError, match=r"^Cargo.toml: version '1.1' is not a valid"):
        _release(repo)
    assert repo.git("tag", "-l") == "v1.0.0"


def test_python_short_version_is_still_released(repo: GitRepo) -> None:
    _planned(repo, "pyproject.toml", '[project]\nname = "py"\nversion = "1.0"\n', "py")
    _release(repo)
    assert 'version = "1.0.1"' in (repo.path / "pyproject.toml").read_text()
    assert repo.git("tag", "-l") == "v1.0.1"


def test_cli_release_is_one_line_and_projects_still_lists(repo: GitRepo) -> None:
    _planned(repo, "package.json", '{"name": "p", "version": 1}\n', "p")
    runner = CliRunner()
    released = runner.invoke(cli, ["release", "-C", str(repo.path)])
    assert released.exit_code == 1
    assert released.stderr.strip() == "error: package.json: version 1 is not a string"
    listed = runner.invoke(cli, ["projects", "-C", str(repo.path), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    [entry] = json.loads(listed.stdout)
    assert entry["name"] == "p"
