"""Raised runtime floors (oldest supported Python, Node.js, Rust, Go) from real repositories."""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.runtime import (
    gather,
    node_floor,
    python_floor,
    raised_runtimes,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind
from release_tools.git import Git
from repo_context import build_context


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _pyproject(spec: str) -> str:
    return f'[project]\nname = "lib"\nrequires-python = "{spec}"\n'


@pytest.mark.parametrize(
    ("spec", "floor"),
    [
        (">=3.8", (3, 8)),
        (">= 3.8", (3, 8)),
        (">=3.6.3,< 4.0.0", (3, 6, 3)),
        ("^3.7", (3, 7)),
        (">=2.7, !=3.0.*, !=3.1.*", (2, 7)),
        ("~=3.9", (3, 9)),
        ("3.10.*", (3, 10)),
        ("<4", None),
        (">=3.9,<4 || >=2.7,<3", (2, 7)),
    ],
)
def test_python_floor(spec: str, floor: tuple[int, ...] | None) -> None:
    assert python_floor(spec) == floor


@pytest.mark.parametrize(
    ("spec", "floor"),
    [
        (">=16", (16,)),
        ("^12.17.0 || ^14.13 || >=16.0.0", (12, 17, 0)),
        ("20 || >=22", (20,)),
        (">= 12 <20", (12,)),
        ("12 - 16", (12,)),
        ("18.x", (18,)),
        ("*", None),
    ],
)
def test_node_floor(spec: str, floor: tuple[int, ...] | None) -> None:
    assert node_floor(spec) == floor


def test_raised_python_floor_is_a_minor_that_asks_for_review(repo: Any) -> None:
    repo.write("pyproject.toml", _pyproject(">=3.8"))
    repo.write("src/lib/__init__.py", "x = 1\n")
    base = repo.commit("initial")
    repo.write("pyproject.toml", _pyproject(">=3.9"))
    items = _run(repo, base)
    assert [(e.source, e.bump, e.path, e.line) for e in items] == [
        ("python-api", "minor", "pyproject.toml", 3)
    ]
    assert "Python raised from 3.8 to 3.9" in items[0].message
    verdict = decide(items, has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MINOR, True)
    assert "oldest supported runtime" in verdict.reasoning


def test_floor_moved_between_manifests_is_compared_as_one(repo: Any) -> None:
    repo.write("setup.cfg", "[metadata]\nname = lib\n\n[options]\npython_requires = >= 3.7\n")
    repo.write("src/lib/__init__.py", "x = 1\n")
    base = repo.commit("initial")
    repo.remove("setup.cfg")
    repo.write("pyproject.toml", _pyproject(">=3.7"))
    assert _run(repo, base) == []


def test_floor_from_setup_py_and_poetry(repo: Any) -> None:
    repo.write("a/setup.py", "setup(name='a', python_requires='>=3.6')\n")
    repo.write("b/pyproject.toml", '[tool.poetry.dependencies]\npython = "^3.6.3"\n')
    base = repo.commit("initial")
    repo.write("a/setup.py", "setup(name='a', python_requires='>=3.7')\n")
    repo.write("b/pyproject.toml", '[tool.poetry.dependencies]\npython = ">=3.7.0"\n')
    items = _run(repo, base)
    assert sorted((e.path, e.line, e.message) for e in items) == [
        ("a/setup.py", 1, "minimum supported Python raised from 3.6 to 3.7 (python_requires)"),
        (
            "b/pyproject.toml",
            2,
            "minimum supported Python raised from 3.6.3 to 3.7.0 (tool.poetry.dependencies.python)",
        ),
    ]


def test_leaving_python_2_is_major(repo: Any) -> None:
    repo.write("setup.py", "setup(python_requires='>=2.7, !=3.0.*, !=3.1.*')\n")
    base = repo.commit("initial")
    repo.write("setup.py", "setup(python_requires='>=3.6')\n")
    items = _run(repo, base)
    assert [(e.bump, e.strength) for e in items] == [("major", "strong")]
    assert "Python 2 is no longer supported" in items[0].message
    assert decide(items, has_changes=True).bump is Bump.MAJOR


def test_lowered_new_or_unchanged_floors_say_nothing(repo: Any) -> None:
    repo.write("pyproject.toml", _pyproject(">=3.9"))
    repo.write("tests/fixture/pyproject.toml", _pyproject(">=3.6"))
    repo.write("web/package.json", json.dumps({"name": "w"}))
    base = repo.commit("initial")
    repo.write("pyproject.toml", _pyproject(">=3.8") + "\n# touched\n")
    repo.write("tests/fixture/pyproject.toml", _pyproject(">=3.12"))
    repo.write("web/package.json", json.dumps({"name": "w", "engines": {"node": ">=20"}}))
    assert _run(repo, base) == []


def test_raised_node_floor(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "w", "engines": {"node": ">=16"}}, indent=2))
    base = repo.commit("initial")
    repo.write("package.json", json.dumps({"name": "w", "engines": {"node": "^18 || >=20"}}))
    items = _run(repo, base)
    assert [(e.source, e.bump, e.path) for e in items] == [
        ("javascript-api", "minor", "package.json")
    ]
    assert items[0].message == "minimum supported Node.js raised from 16 to 18 (engines.node)"
    assert items[0].kind is EvidenceKind.RUNTIME_FLOOR


def test_a_private_package_promises_no_runtime(repo: Any) -> None:
    manifest = {"name": "site", "private": True, "engines": {"node": ">=16"}}
    repo.write("package.json", json.dumps(manifest))
    base = repo.commit("initial")
    repo.write("package.json", json.dumps({**manifest, "engines": {"node": ">=20"}}))
    assert _run(repo, base) == []


def test_unreadable_manifests_are_skipped(repo: Any) -> None:
    repo.write("pyproject.toml", _pyproject(">=3.8"))
    repo.write("package.json", json.dumps({"engines": {"node": ">=16"}}))
    base = repo.commit("initial")
    repo.write("pyproject.toml", "[project\nrequires-python = '>=3.12'\n")
    repo.write("package.json", "{not json")
    assert _run(repo, base) == []


def _cargo(msrv: str, table: str = "package") -> str:
    return f'[{table}]\nname = "lib"\nrust-version = "{msrv}"\n'


def test_raised_rust_floor_is_a_patch_without_review(repo: Any) -> None:
    repo.write("Cargo.toml", _cargo("1.64"))
    repo.write("src/lib.rs", "pub fn f() {}\n")
    base = repo.commit("initial")
    repo.write("Cargo.toml", _cargo("1.70.0"))
    items = _run(repo, base)
    assert [(e.source, e.bump, e.path, e.line, e.kind) for e in items] == [
        ("rust-api", "patch", "Cargo.toml", 3, EvidenceKind.RUNTIME_FLOOR)
    ]
    assert items[0].message == (
        "minimum supported Rust raised from 1.64 to 1.70.0 (package.rust-version)"
    )
    verdict = decide(items, has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.PATCH, False)


def test_workspace_rust_floor_and_inherited_members(repo: Any) -> None:
    workspace = '[workspace]\nmembers = ["a"]\n\n[workspace.package]\nrust-version = "{v}"\n'
    member = '[package]\nname = "a"\nrust-version.workspace = true\n'
    repo.write("Cargo.toml", workspace.format(v="1.74"))
    repo.write("a/Cargo.toml", member)
    base = repo.commit("initial")
    repo.write("Cargo.toml", workspace.format(v="1.80"))
    repo.write("a/Cargo.toml", member + "\n# touched\n")
    items = _run(repo, base)
    # The member inherits the floor: only the workspace's manifest declares (and raised) it.
    assert [(e.path, e.message) for e in items] == [
        (
            "Cargo.toml",
            "minimum supported Rust raised from 1.74 to 1.80 (workspace.package.rust-version)",
        )
    ]


def test_raised_go_directive(repo: Any) -> None:
    repo.write("go.mod", "module example.com/lib\n\ngo 1.21 // language version\n")
    base = repo.commit("initial")
    repo.write("go.mod", "module example.com/lib\n\ngo 1.22.3\n\ntoolchain go1.23.0\n")
    items = _run(repo, base)
    assert [(e.source, e.bump, e.line, e.message) for e in items] == [
        ("go-api", "patch", 3, "minimum supported Go raised from 1.21 to 1.22.3 (go directive)")
    ]


def test_raised_runtimes_between_two_commits(repo: Any) -> None:
    repo.write("Cargo.toml", _cargo("1.60"))
    repo.write("py/pyproject.toml", _pyproject(">=3.8"))
    repo.write("web/package.json", json.dumps({"engines": {"node": ">=18"}}))
    old = repo.commit("initial")
    repo.write("Cargo.toml", _cargo("1.65"))
    repo.write("py/pyproject.toml", _pyproject(">=3.9"))
    repo.write("web/package.json", json.dumps({"engines": {"node": ">=16"}}))
    new = repo.commit("raise")
    git = Git(repo.path)
    assert raised_runtimes(git, old, new, [""]) == ("Rust",)
    assert raised_runtimes(git, old, new, ["py", "web"]) == ("Python",)
    # Read in the other direction every floor was lowered or kept.
    assert raised_runtimes(git, new, old, ["", "py"]) == ()


def test_a_raise_within_a_release_line_is_no_floor(repo: Any) -> None:
    repo.write("go.mod", "module example.com/lib\n\ngo 1.26.0\n")
    repo.write("package.json", json.dumps({"engines": {"node": ">=18"}}))
    repo.write("pyproject.toml", _pyproject(">=3.8"))
    old = repo.commit("initial")
    repo.write("go.mod", "module example.com/lib\n\ngo 1.26.1\n")
    repo.write("package.json", json.dumps({"engines": {"node": ">=18.19.0"}}))
    repo.write("pyproject.toml", _pyproject(">=3.8.1"))
    assert _run(repo, old) == []
    assert raised_runtimes(Git(repo.path), old, repo.head(), [""]) == ()
