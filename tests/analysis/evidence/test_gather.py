"""gather_evidence: every gatherer runs, failures are contained, output is capped."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis import evidence as evidence_pkg
from release_tools.analysis.evidence import cap_evidence, gather_evidence
from release_tools.analysis.models import Evidence, EvidenceKind, Strength
from repo_context import build_context


def _item(i: int, bump: str = "minor", source: str = "python-api") -> Evidence:
    return Evidence(
        source=source,  # type: ignore[arg-type]
        kind=EvidenceKind.API_ADDED,
        bump=bump,  # type: ignore[arg-type]
        strength=Strength.STRONG,
        message=f"item {i}",
    )


def test_gathers_commits_api_and_file_kinds(repo: Any) -> None:
    repo.write("pkg/__init__.py", "def f(a):\n    return a\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "def f(a):\n    return a\n\n\ndef g():\n    pass\n")
    repo.commit("fix: something")
    items = gather_evidence(build_context(repo.path, base))
    # Strongest first; equal levels keep the gatherers' order.
    assert [(e.source, e.bump) for e in items] == [
        ("python-api", "minor"),
        ("conventional-commit", "patch"),
        ("file-kind", "patch"),
    ]


def test_a_crashing_gatherer_is_skipped(
    repo: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    repo.write("a.txt", "x\n")
    base = repo.commit("initial")
    repo.write("a.txt", "y\n")
    repo.commit("feat: new")

    def boom(ctx: object) -> list[Evidence]:
        raise RuntimeError("bug")

    gatherers = (("boom", boom), *evidence_pkg.GATHERERS)
    monkeypatch.setattr(evidence_pkg, "GATHERERS", gatherers)
    items = gather_evidence(build_context(repo.path, base))
    assert [e.source for e in items] == ["conventional-commit", "file-kind"]
    assert "evidence gatherer boom crashed" in caplog.text


def test_cap_keeps_strongest_and_summarises_the_rest() -> None:
    items = [_item(i) for i in range(5)] + [_item(99, "major")] + [_item(7, "patch", "go-api")]
    capped = cap_evidence(items, limit=3)
    assert [e.message for e in capped] == [
        "item 0",
        "item 1",
        "item 99",
        "... and 3 more python-api items (3 minor)",
        "item 7",
    ]
    assert (capped[3].bump, capped[3].omitted) == ("minor", 3)


def test_cap_leaves_small_lists_alone() -> None:
    items = [_item(i) for i in range(3)]
    assert cap_evidence(items, limit=3) == items


def test_odd_files_never_crash_the_gatherers(repo: Any, caplog: pytest.LogCaptureFixture) -> None:
    repo.write("pkg/__init__.py", "def f():\n    pass\n")
    repo.write("pkg/blob.py", b"\x00\x01\x02binary\xff\xfe")
    repo.write("index.js", b"export function caf\xe9() {}\n")
    repo.write("lib.rs", "pub fn a(x: u8) {}\n")
    repo.write("go/a.go", "package a\n\nfunc A() {}\n")
    repo.write("schema.json", "{not json")
    base = repo.commit("initial")
    repo.write("pkg/blob.py", b"\x00\xff\x00more binary")
    repo.write("index.js", b"export function caf\xe9(a, b) {}\nexport const x = `unterminated\n")
    repo.write("lib.rs", "pub fn a(x: u8 {\n")
    repo.write("go/a.go", "package a\n\nfunc A( {\n")
    repo.write("schema.json", "{still not json")
    repo.write("pkg/__init__.py", "def f(:\n")
    repo.commit("fix: odd inputs")
    items = gather_evidence(build_context(repo.path, base))
    assert "crashed" not in caplog.text
    sources = {e.source for e in items}
    assert {"conventional-commit", "file-kind"} <= sources
    assert any(e.source == "python-api" and "does not parse" in e.message for e in items)
