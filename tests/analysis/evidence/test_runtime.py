"""Raised runtime floors (oldest supported Python / Node.js) from real repositories."""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.runtime import gather, node_floor, python_floor
from release_tools.analysis.models import Bump, Evidence, EvidenceKind
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


def test_unreadable_manifests_are_skipped(repo: Any) -> None:
    repo.write("pyproject.toml", _pyproject(">=3.8"))
    repo.write("package.json", json.dumps({"engines": {"node": ">=16"}}))
    base = repo.commit("initial")
    repo.write("pyproject.toml", "[project\nrequires-python = '>=3.12'\n")
    repo.write("package.json", "{not json")
    assert _run(repo, base) == []
