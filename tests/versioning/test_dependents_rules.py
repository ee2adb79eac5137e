"""The text transforms of :mod:`release_tools.versioning.dependents`: ranges npm reads as any
version, empty ranges, and Poetry constraints only PEP 440 can read."""

from __future__ import annotations

import json

import pytest

from release_tools.versioning.dependents import (
    NodeRangeRule,
    changesets_range,
    judged_node_range,
    node_range_moves,
    set_package_json_dependency,
    set_python_dependency,
)

RULE = NodeRangeRule(previous="1.0.0", bump="minor", directory="packages/a")


@pytest.mark.parametrize(
    "spec", ["*", "x.x", ">=0.0.0", ">=0", ">= 0.x", "=*", "^0.1.0 || >=0.0.0", "workspace:>=0"]
)
def test_a_range_npm_reduces_to_any_version_is_kept_for_a_final_version(spec: str) -> None:
    assert changesets_range(spec, "2.0.0") == spec


@pytest.mark.parametrize(
    ("spec", "written"),
    [
        (">=0.0.0", ">=2.0.0-beta.0"),
        ("*", "2.0.0-beta.0"),
        ("workspace:>=0", "workspace:>=2.0.0-beta.0"),
    ],
)
def test_a_range_admitting_any_final_version_is_rewritten_for_a_prerelease(
    spec: str, written: str
) -> None:
    assert changesets_range(spec, "2.0.0-beta.0") == written


@pytest.mark.parametrize("spec", [">=0.0.0 <5.0.0", ">=0.1.0", "0.0", ">=1"])
def test_a_range_with_a_real_bound_is_rewritten(spec: str) -> None:
    assert changesets_range(spec, "7.0.0") != spec


def test_an_empty_range_is_neither_judged_nor_moved() -> None:
    assert judged_node_range("", "1.0.0", "packages/a") is None
    assert not node_range_moves("dependencies", "", "2.0.0-beta.0", RULE)
    text = json.dumps({"name": "b", "dependencies": {"@acme/a": ""}}, indent=2)
    notes: list[str] = []
    out = set_package_json_dependency(
        text, "@acme/a", "2.0.0-beta.0", source="b/package.json", notes=notes, rule=RULE
    )
    assert out == text
    # Still, npm resolves no prerelease through it: the release says so.
    assert notes == [
        "b/package.json: the requirement @acme/a '' does not admit the released 2.0.0-beta.0; "
        "widen it by hand"
    ]


def test_a_released_package_keeps_its_any_version_range() -> None:
    text = json.dumps({"name": "b", "dependencies": {"@acme/a": ">=0.0.0"}}, indent=2)
    out = set_package_json_dependency(text, "@acme/a", "1.1.0", source="b/package.json", rule=RULE)
    assert out == text


def test_a_poetry_compatible_release_constraint_left_behind_is_noted() -> None:
    text = (
        '[tool.poetry]\nname = "app"\nversion = "0.1.0"\n\n'
        '[tool.poetry.dependencies]\nacme-core = "~=1.4"\n'
    )
    notes: list[str] = []
    assert set_python_dependency(text, "acme-core", "2.0.0", source="p", notes=notes) == text
    assert notes == [
        "p: the requirement acme-core '~=1.4' does not admit the released 2.0.0; widen it by hand"
    ]
    notes.clear()
    assert set_python_dependency(text, "acme-core", "1.9.0", source="p", notes=notes) == text
    assert notes == []
