"""A manifest found by name that is a symbolic link leading out of the repository is refused,
never read; one leading to a file inside the repository is read as before."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from release_tools.errors import VersionError
from release_tools.versioning.projects import discover_projects


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory beside the repository, holding manifests of a project that is not its."""
    directory = tmp_path / "elsewhere"
    directory.mkdir()
    (directory / "package.json").write_text(json.dumps({"name": "other", "version": "9.0.0"}))
    (directory / "pyproject.toml").write_text('[project]\nname = "other"\nversion = "9.0.0"\n')
    (directory / "go.mod").write_text("module example.com/other\n")
    return directory


@pytest.fixture
def root(tmp_path: Path) -> Path:
    directory = tmp_path / "repo"
    directory.mkdir()
    return directory


@pytest.mark.parametrize("name", ["package.json", "pyproject.toml", "go.mod"])
def test_a_root_manifest_linked_outside_is_refused(root: Path, outside: Path, name: str) -> None:
    (root / name).symlink_to(outside / name)

    with pytest.raises(VersionError, match=f"^{name}: a symbolic link leading outside"):
        discover_projects(root)


def test_a_root_manifest_linked_inside_is_read(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg/real.json").write_text(json.dumps({"name": "mine", "version": "1.2.3"}))
    (root / "package.json").symlink_to("pkg/real.json")

    [project] = discover_projects(root)

    assert (project.name, project.version, project.manifest) == ("mine", "1.2.3", "package.json")


def test_a_walked_package_linked_outside_is_skipped_with_a_warning(
    root: Path, outside: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (root / "libs/a").mkdir(parents=True)
    (root / "libs/a/pyproject.toml").write_text('[project]\nname = "a"\nversion = "1.0.0"\n')
    (root / "libs/b").mkdir(parents=True)
    (root / "libs/b/pyproject.toml").symlink_to(outside / "pyproject.toml")

    with caplog.at_level(logging.WARNING, logger="release_tools"):
        projects = discover_projects(root)

    assert [p.name for p in projects] == ["a"]
    assert "libs/b/pyproject.toml: a symbolic link leading outside the repository" in caplog.text


def test_a_nested_go_module_linked_outside_is_skipped(
    root: Path, outside: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (root / "go.mod").write_text("module example.com/mine\n")
    (root / "tools").mkdir()
    (root / "tools/go.mod").symlink_to(outside / "go.mod")

    with caplog.at_level(logging.WARNING, logger="release_tools"):
        projects = discover_projects(root)

    assert [p.name for p in projects] == ["example.com/mine"]
    assert "tools/go.mod: a symbolic link leading outside the repository" in caplog.text


def test_a_member_manifest_that_is_a_link_loop_is_no_project(root: Path) -> None:
    (root / "package.json").write_text(json.dumps({"name": "w", "workspaces": ["packages/*"]}))
    for name in ("a", "b"):
        (root / "packages" / name).mkdir(parents=True)
    (root / "packages/a/package.json").write_text(json.dumps({"name": "a", "version": "1.0.0"}))
    (root / "packages/b/package.json").symlink_to("package.json")

    assert [p.name for p in discover_projects(root)] == ["a"]


def test_a_walked_manifest_that_is_a_link_loop_is_skipped_with_a_warning(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (root / "libs/a").mkdir(parents=True)
    (root / "libs/a/pyproject.toml").write_text('[project]\nname = "a"\nversion = "1.0.0"\n')
    (root / "libs/x").mkdir(parents=True)
    (root / "libs/x/pyproject.toml").symlink_to("pyproject.toml")

    with caplog.at_level(logging.WARNING, logger="release_tools"):
        projects = discover_projects(root)

    assert [p.name for p in projects] == ["a"]
    assert "skipped libs/x: libs/x/pyproject.toml: cannot be read" in caplog.text
