"""File-kind evidence: what sort of files a range touches."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.file_kinds import classify, gather
from release_tools.analysis.models import Bump, Strength
from repo_context import build_context


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("src/pkg/core.py", "source"),
        ("README.md", "docs"),
        ("docs/conf.py", "docs"),
        ("LICENSE", "docs"),
        ("tests/test_core.py", "tests"),
        ("pkg/core_test.go", "tests"),
        ("src/app.spec.ts", "tests"),
        (".github/workflows/ci.yml", "ci"),
        ("tox.ini", "ci"),
        ("pyproject.toml", "build"),
        ("package-lock.json", "build"),
        ("Cargo.toml", "build"),
        ("benchmarks/bench.py", "dev"),
        ("clap_bench/benches/complex.rs", "dev"),
        (".nx/version-plans/version-plan-1795749066797.md", "dev"),
        (".changeset/brave-cats-sing.md", "dev"),
        ("dist/commonjs/index.js.map", "build"),
        ("dist/index.d.ts.map", "build"),
        ("towncrier.toml", "data"),
        ("mkdocs.yml", "data"),
        ("artwork/logo.svg", "data"),
        ("src/pkg/schema.json", "data"),
        ("dist/index.js", "source"),
        ("testing/acceptance_test.py", "tests"),
        ("jinja2/testsuite/ext.py", "tests"),
        ("piptools/scripts/compile.py", "source"),
        ("scripts/release.py", "dev"),
        ("src/scripts/gen.py", "dev"),
        ("packages/cli/scripts/build.js", "dev"),
        ("jsonschema/benchmarks/nested_schemas.py", "dev"),
        ("pkg/tools/gen.py", "dev"),
        ("pandas/testing.py", "source"),
        ("numpy/testing/_private/utils.py", "source"),
        ("testing/test.go", "source"),
    ],
)
def test_classify(path: str, kind: str) -> None:
    assert classify(path) == kind


def _base(repo: Any) -> str:
    repo.write("src/pkg/__init__.py", "x = 1\n")
    repo.write("README.md", "hi\n")
    repo.write("tests/test_x.py", "def test(): pass\n")
    return repo.commit("initial")


def test_docs_only_is_a_weak_patch(repo: Any) -> None:
    base = _base(repo)
    repo.write("README.md", "hello\n")
    repo.write("docs/guide.rst", "guide\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base))
    assert len(items) == 1
    assert (items[0].bump, items[0].strength) == ("patch", Strength.WEAK)
    assert "only documentation" in items[0].message
    verdict = decide(items, has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.PATCH, True)


def test_tests_and_ci_only_release_nothing(repo: Any) -> None:
    base = _base(repo)
    repo.write("tests/test_x.py", "def test(): assert True\n")
    repo.write(".github/workflows/ci.yml", "on: push\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base))
    assert items[0].bump == "none"
    assert "1 tests, 1 ci" in items[0].message
    assert decide(items, has_changes=True).bump is Bump.NONE


def test_source_change_cites_the_first_source_file(repo: Any) -> None:
    base = _base(repo)
    repo.write("src/pkg/__init__.py", "x = 2\n")
    repo.write("README.md", "changed\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base))
    assert (items[0].bump, items[0].path) == ("patch", "src/pkg/__init__.py")


def test_build_only_is_a_patch(repo: Any) -> None:
    base = _base(repo)
    repo.write("pyproject.toml", "[project]\nname = 'x'\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base))
    assert items[0].bump == "patch"
    assert "build" in items[0].message


def test_empty_range_has_no_file_evidence(repo: Any) -> None:
    base = _base(repo)
    assert gather(build_context(repo.path, base)) == []


def test_source_change_is_cited_before_data_and_source_maps(repo: Any) -> None:
    base = _base(repo)
    repo.write("artwork/logo.svg", "<svg/>\n")
    repo.write("dist/index.js.map", "{}\n")
    repo.write("mkdocs.yml", "site_name: x\n")
    repo.write("src/pkg/__init__.py", "x = 2\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base))
    assert (items[0].bump, items[0].path) == ("patch", "src/pkg/__init__.py")
    assert "(1 source, 2 data, 1 build)" in items[0].message


def test_data_only_is_a_weak_patch(repo: Any) -> None:
    base = _base(repo)
    repo.write("src/pkg/defaults.toml", "a = 1\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base))
    assert (items[0].bump, items[0].path) == ("patch", None)
    assert items[0].message == "data and configuration files changed (1 data)"
