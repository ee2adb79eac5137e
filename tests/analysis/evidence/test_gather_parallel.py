"""gather_evidence on big ranges: the other gatherers run in a forked child, same evidence."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from release_tools.analysis import evidence as evidence_pkg
from release_tools.analysis.evidence import gather_evidence
from release_tools.analysis.evidence._fork import Forked, fork_call
from release_tools.analysis.models import Evidence
from release_tools.analysis.service import collect
from release_tools.config import Settings
from repo_context import build_context


def _range(repo: Any) -> str:
    repo.write("package.json", json.dumps({"name": "demo", "main": "index.js"}))
    repo.write("index.js", "export function parse(a) { return a; }\nexport const KEEP = 1;\n")
    repo.write("pkg/__init__.py", "def f(a):\n    return a\n\n\ndef gone():\n    pass\n")
    repo.write("docs/guide.md", "# Guide\n")
    base = repo.commit("initial")
    repo.write("index.js", "export function parse(a, b) { return a; }\n")
    repo.write("pkg/__init__.py", "def f(a):\n    return a\n\n\ndef g():\n    pass\n")
    repo.write("docs/guide.md", "# Guide\n\nMore.\n")
    repo.commit("feat!: new parser\n\nBREAKING CHANGE: parse takes two arguments")
    return str(base)


def test_forked_gatherers_give_the_same_evidence(
    repo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = build_context(repo.path, _range(repo))
    alone = gather_evidence(ctx)
    forks: list[Forked[list[list[Evidence]]]] = []

    def counting(function: Callable[[], list[list[Evidence]]]) -> Forked[list[list[Evidence]]]:
        child = fork_call(function)
        assert child is not None
        forks.append(child)
        return child

    monkeypatch.setattr(evidence_pkg, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(evidence_pkg, "fork_call", counting)
    together = gather_evidence(ctx)
    assert len(forks) == 1
    assert together == alone
    sources = {e.source for e in together}
    assert {"python-api", "javascript-api", "conventional-commit", "file-kind"} <= sources


def test_a_failed_child_is_covered_here(repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = build_context(repo.path, _range(repo))
    alone = gather_evidence(ctx)

    def failing(function: Callable[[], list[list[Evidence]]]) -> Forked[list[list[Evidence]]]:
        def crash() -> list[list[Evidence]]:
            raise RuntimeError("child fails")

        child = fork_call(crash)
        assert child is not None
        return child

    monkeypatch.setattr(evidence_pkg, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(evidence_pkg, "fork_call", failing)
    assert gather_evidence(ctx) == alone


def test_a_few_huge_files_are_split_too(repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Collected with the real diff parser: the line counts come from the hunks.
    ctx = collect(Settings(repo=repo.path, base=_range(repo))).context
    alone = gather_evidence(ctx)
    forks: list[object] = []

    def counting(function: Callable[[], list[list[Evidence]]]) -> Forked[list[list[Evidence]]]:
        child = fork_call(function)
        assert child is not None
        forks.append(child)
        return child

    monkeypatch.setattr(evidence_pkg, "fork_call", counting)
    # 3 changed files: below the file count, so only the changed lines decide.
    monkeypatch.setattr(evidence_pkg, "PARALLEL_MIN_LINES", 10**9)
    assert gather_evidence(ctx) == alone
    assert forks == []
    changed = sum(c.additions + c.deletions for c in ctx.changes)
    assert changed > 0
    monkeypatch.setattr(evidence_pkg, "PARALLEL_MIN_LINES", changed)
    assert gather_evidence(ctx) == alone
    assert len(forks) == 1
