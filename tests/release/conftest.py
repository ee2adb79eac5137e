"""Real repositories for release tests: one per kind of project layout, plus a bare remote."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from forge_server import FakeForge

from forge_cli import FORGE_VARIABLES
from gitrepo import GitRepo
from release_tools.release.forge import http as forge_http

PYPROJECT = """\
# demo's build configuration
[project]
name = "demo"
version = "1.2.3"  # managed by release-tools
dependencies = []

[tool.release-tools]
changelog-commits = false
"""

CHANGELOG = """\
# Changelog

Hand-written intro stays.

## [Unreleased]

## [1.2.3] - 2025-01-01

### Fixed

- an old fix
"""


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes under ``root`` except ``.git`` (to prove nothing changed)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def git_state(repo: Any) -> tuple[str, str, str, str]:
    """HEAD, tags, status and the index listing: equal before/after means git is untouched."""
    return (
        repo.git("rev-parse", "HEAD"),
        repo.git("tag", "-l"),
        repo.git("status", "--porcelain", "--untracked-files=all"),
        repo.git("ls-files", "-s"),
    )


@pytest.fixture
def state() -> Callable[[Any], tuple[dict[str, bytes], tuple[str, str, str, str]]]:
    """``state(repo)``: every file's bytes and the git state, to prove nothing changed."""
    return lambda repo: (snapshot(repo.path), git_state(repo))


def _build_python_repo(repo: GitRepo) -> None:
    """A single PEP 621 project released as v1.2.3, then a feature and a minor plan."""
    repo.write("pyproject.toml", PYPROJECT)
    repo.write("src/demo/__init__.py", '"""Demo."""\n\n__version__ = "1.2.3"\n')
    repo.write("CHANGELOG.md", CHANGELOG)
    repo.commit("chore: initial")
    repo.tag("v1.2.3")
    repo.write("src/demo/extra.py", "def extra() -> int:\n    return 1\n")
    repo.commit("feat: add extra()")
    repo.write(
        ".nx/version-plans/version-plan-1700000000000.md",
        "---\ndemo: minor\n---\n\nfeat: add extra()\n",
    )
    repo.commit("chore: version plan")


def _build_npm_workspace(repo: GitRepo) -> None:
    """An npm workspace of two packages with an Nx plan and a changeset pending."""
    repo.write(
        "package.json",
        json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]}, indent=2)
        + "\n",
    )
    repo.write(
        "packages/a/package.json",
        '{\n    "name": "@acme/a",\n    "version": "1.0.0",\n    "main": "index.js"\n}\n',
    )
    repo.write("packages/a/index.js", "module.exports = 1;\n")
    repo.write("packages/b/package.json", '{\n  "name": "b",\n  "version": "0.1.0"\n}')
    repo.write("packages/b/index.js", "module.exports = 2;\n")
    repo.commit("chore: initial")
    repo.write(".changeset/brave-cats-jump.md", '---\n"@acme/a": minor\n---\n\nAdd a flag.\n')
    repo.write(
        ".nx/version-plans/version-plan-1.md",
        '---\nb: patch\n"@acme/a": patch\n---\n\nfix: handle empty input\n',
    )
    repo.commit("chore: plans")


def _build_python_monorepo(repo: GitRepo) -> None:
    """Two Python packages (PEP 621 and Poetry) under packages/, no root project."""
    repo.write("pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    repo.write("packages/alpha/pyproject.toml", '[project]\nname = "alpha"\nversion = "1.0.0"\n')
    repo.write("packages/alpha/src/alpha/__init__.py", '__version__ = "1.0.0"\n')
    repo.write("packages/beta/pyproject.toml", "[tool.poetry]\nname = 'beta'\nversion = '0.3.0'\n")
    repo.commit("chore: initial")
    repo.write(
        ".nx/version-plans/version-plan-5.md", "---\nalpha: preminor\n---\n\nfeat: streaming\n"
    )
    repo.commit("chore: plan")


def _build_cargo_workspace(repo: GitRepo) -> None:
    """A Cargo workspace whose app depends on core by path and version, with a lock file."""
    repo.write("Cargo.toml", '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n')
    repo.write(
        "crates/core/Cargo.toml", '[package]\nname = "core"\nversion = "0.5.0"\nedition = "2021"\n'
    )
    repo.write("crates/core/src/lib.rs", "pub fn one() -> u8 { 1 }\n")
    repo.write(
        "crates/app/Cargo.toml",
        '[package]\nname = "app"\nversion = "1.0.0"\n\n[dependencies]\n'
        'core = { path = "../core", version = "0.5.0" }  # internal\n',
    )
    repo.write("crates/app/src/main.rs", "fn main() {}\n")
    repo.write(
        "Cargo.lock",
        '# generated\nversion = 3\n\n[[package]]\nname = "app"\nversion = "1.0.0"\n'
        'dependencies = [\n "core",\n]\n\n[[package]]\nname = "core"\nversion = "0.5.0"\n',
    )
    repo.commit("chore: initial")
    repo.write(".changeset/x-y-z.md", '---\n"core": minor\n---\n\nfeat: two()\n')
    repo.commit("chore: plan")


_BUILDERS: dict[str, Callable[[GitRepo], None]] = {
    "single": _build_python_repo,
    "npm": _build_npm_workspace,
    "pymono": _build_python_monorepo,
    "cargo": _build_cargo_workspace,
}


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Repositories built once per session (on first use) and copied for each test."""
    return {"root": tmp_path_factory.mktemp("repo-templates")}


def _copy_of(name: str, templates: dict[str, Path], tmp_path: Path) -> GitRepo:
    # Building a history costs a dozen git processes; copying a finished one costs none.
    # Git repositories are relocatable, and every copy is private to its test.
    if name not in templates:
        path = templates["root"] / name
        path.mkdir()
        template = GitRepo(path)
        template.git("init", "-q", "-b", "main")
        _BUILDERS[name](template)
        templates[name] = path
    target = tmp_path / name
    shutil.copytree(templates[name], target, symlinks=True)
    return GitRepo(target)


@pytest.fixture
def python_repo(_templates: dict[str, Path], tmp_path: Path) -> GitRepo:
    """A single PEP 621 project released as v1.2.3, then a feature and a minor plan."""
    return _copy_of("single", _templates, tmp_path)


@pytest.fixture
def npm_workspace(_templates: dict[str, Path], tmp_path: Path) -> GitRepo:
    """An npm workspace of two packages with an Nx plan and a changeset pending."""
    return _copy_of("npm", _templates, tmp_path)


@pytest.fixture
def python_monorepo(_templates: dict[str, Path], tmp_path: Path) -> GitRepo:
    """Two Python packages (PEP 621 and Poetry) under packages/, no root project."""
    return _copy_of("pymono", _templates, tmp_path)


@pytest.fixture
def cargo_workspace(_templates: dict[str, Path], tmp_path: Path) -> GitRepo:
    """A Cargo workspace whose app depends on core by path and version, with a lock file."""
    return _copy_of("cargo", _templates, tmp_path)


@pytest.fixture
def bare_remote(make_repo: Callable[[str], Any], tmp_path: Path) -> Callable[[Any], Path]:
    """Attach a bare repository as ``origin`` to a repo and push its main branch there."""

    def attach(repo: Any) -> Path:
        remote = tmp_path / "remote.git"
        repo.git("init", "-q", "--bare", "-b", "main", str(remote))
        repo.git("remote", "add", "origin", str(remote))
        repo.git("push", "-q", "origin", "main", "--tags")
        return remote

    return attach


@pytest.fixture(autouse=True)
def _no_forge_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No forge variable (nor proxy) of the machine running the tests reaches a release."""
    for name in FORGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def forge() -> Iterator[FakeForge]:
    """The in-process fake GitHub and GitLab on 127.0.0.1."""
    with FakeForge() as server:
        yield server


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait of the forge client, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(forge_http, "default_sleep", recorded.append)
    return recorded
