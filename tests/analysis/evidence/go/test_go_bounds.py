"""Go evidence on huge files (size and node caps) and apidiff's verdict as proof."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.go import apidiff, gatherer
from release_tools.analysis.models import Evidence, EvidenceKind, Strength
from repo_context import build_context

BEFORE = "package lib\n\nfunc Gone() {}\n\nfunc Kept(a int) {}\n\nvar (\n\tTable = 1\n)\n"
AFTER = (
    "package lib\n\nfunc Kept(a string) {}\n\nfunc Added() {}\n\nvar (\n\tTable = 1\n\tRow = 2\n)\n"
)


def _repo(repo: GitRepo) -> str:
    repo.write("go.mod", "module example.com/lib\n\ngo 1.22\n")
    repo.write("lib/gen.go", BEFORE)
    repo.write("lib/small.go", "package lib\n\nfunc Small() {}\n")
    base = repo.commit("initial")
    repo.write("lib/gen.go", AFTER)
    repo.commit("change")
    return base


def _found(items: list[Evidence]) -> list[tuple[str, EvidenceKind, Strength, str]]:
    return sorted((e.bump, e.kind, e.strength, e.message) for e in items)


def test_a_file_over_the_size_cap_is_scanned_linearly(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _repo(repo)
    monkeypatch.setattr(gatherer, "MAX_PARSE_BYTES", 60)
    items = gatherer.gather(build_context(repo.path, base))
    assert _found(items) == [
        (
            "major",
            EvidenceKind.API_REMOVED,
            Strength.STRONG,
            "removed exported func Gone from package lib",
        ),
        (
            "minor",
            EvidenceKind.API_ADDED,
            Strength.STRONG,
            "new exported func Added in package lib",
        ),
        ("minor", EvidenceKind.API_ADDED, Strength.STRONG, "new exported var Row in package lib"),
        (
            "patch",
            EvidenceKind.INCOMPLETE,
            Strength.WEAK,
            "lib/gen.go: 0.0 MB, too large to parse; only its exported names were compared by a "
            "linear scan",
        ),
    ]


def test_a_file_over_the_node_cap_is_scanned_linearly(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _repo(repo)
    monkeypatch.setattr(gatherer, "MAX_NODES", 20)
    items = gatherer.gather(build_context(repo.path, base))
    notes = [e.message for e in items if e.kind is EvidenceKind.INCOMPLETE]
    assert notes == [
        "lib/gen.go: more than 20 syntax nodes, too large to parse; only its exported names "
        "were compared by a linear scan"
    ]


def test_a_file_over_the_read_cap_is_not_read(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _repo(repo)
    monkeypatch.setattr(gatherer, "MAX_SCAN_BYTES", 60)
    ctx = build_context(repo.path, base)
    requests: list[bytes] = []
    run_bytes = ctx.git.run_bytes

    def spy(*args: str, check: bool = True, input: bytes | None = None) -> bytes:
        if args[:2] == ("cat-file", "--batch"):
            requests.append(input or b"")
        return run_bytes(*args, check=check, input=input)

    monkeypatch.setattr(ctx.git, "run_bytes", spy)
    items = gatherer.gather(ctx)
    assert _found(items) == [
        (
            "patch",
            EvidenceKind.UNREAD,
            Strength.WEAK,
            "lib/gen.go: 0.0 MB, too large to parse; its package was not analyzed",
        )
    ]
    # The go.mod files of both sides once (the changed packages' import paths, to find the
    # packages aliasing them), then each side's planned files: lib/gen.go in none.
    assert len(requests) == 3 and not any(b"lib/gen.go" in r for r in requests)


# -- apidiff --------------------------------------------------------------------------------------

FAKE_APIDIFF = """#!/bin/sh
# A stand-in for golang.org/x/exp/cmd/apidiff in module mode.
echo "$PWD $*" >> "$FAKE_LOG"
if [ "$1" = -m ] && [ "$2" = -w ]; then
  [ -f go.mod ] || { echo "go: cannot find main module" >&2; exit 1; }
  echo "$4" > "$3"
  exit 0
fi
[ "$1" = -m ] && [ -f "$2" ] && [ -f "$3" ] || exit 2
[ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"
cat "$FAKE_OUTPUT"
exit "${FAKE_EXIT:-0}"
"""

REPORT = """Incompatible changes:
- Gone: removed
- Kept: changed from func(int) to func(string)
Compatible changes:
- Added: added
- Row: added
"""


@pytest.fixture
def fake_apidiff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ``apidiff`` stand-in first on PATH; returns the file its report is read from."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "apidiff"
    script.write_text(FAKE_APIDIFF)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "apidiff.log"))
    output = tmp_path / "apidiff.out"
    monkeypatch.setenv("FAKE_OUTPUT", str(output))
    return output


def test_apidiff_findings_are_proof(repo: GitRepo, fake_apidiff: Path, tmp_path: Path) -> None:
    fake_apidiff.write_text(REPORT)
    base = _repo(repo)
    items = gatherer.gather(build_context(repo.path, base))
    tool = [e for e in items if e.message.startswith("apidiff")]
    assert _found(tool) == [
        (
            "major",
            EvidenceKind.API_CHANGED,
            Strength.PROOF,
            "apidiff: Kept: changed from func(int) to func(string)",
        ),
        ("major", EvidenceKind.API_REMOVED, Strength.PROOF, "apidiff: Gone: removed"),
        ("minor", EvidenceKind.API_ADDED, Strength.PROOF, "apidiff: Added: added"),
        ("minor", EvidenceKind.API_ADDED, Strength.PROOF, "apidiff: Row: added"),
    ]
    calls = (tmp_path / "apidiff.log").read_text().splitlines()
    assert [c.split(" ", 1)[1].split(" ")[:2] for c in calls] == [["-m", "-w"]] * 2 + [
        ["-m", calls[2].split(" ")[2]]
    ]
    assert calls[0].endswith(" example.com/lib") and calls[0].split(" ")[0].endswith("/old")
    assert repo.git("status", "--porcelain") == ""


def test_when_apidiff_finds_nothing_incompatible_own_breaks_are_strong(
    repo: GitRepo, fake_apidiff: Path
) -> None:
    fake_apidiff.write_text("Compatible changes:\n- Added: added\n")
    base = _repo(repo)
    items = gatherer.gather(build_context(repo.path, base))
    assert {(e.message, e.strength) for e in items if e.bump == "major"} == {
        ("removed exported func Gone from package lib", Strength.STRONG),
        ("signature of Kept changed: func(int) -> func(string)", Strength.STRONG),
    }


@pytest.mark.parametrize(
    ("env", "logged"),
    [({"FAKE_EXIT": "1"}, "apidiff failed"), ({"FAKE_SLEEP": "5"}, "apidiff ran past")],
)
def test_a_failing_or_hanging_apidiff_is_skipped_with_a_debug_line(
    repo: GitRepo,
    fake_apidiff: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    env: dict[str, str],
    logged: str,
) -> None:
    fake_apidiff.write_text(REPORT)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(apidiff, "TIMEOUT_SECONDS", 0.5)
    base = _repo(repo)
    with caplog.at_level(logging.DEBUG, logger="release_tools.analysis.evidence.go"):
        items = gatherer.gather(build_context(repo.path, base))
    assert not [e for e in items if e.message.startswith("apidiff")]
    assert any(logged in r.getMessage() for r in caplog.records)


def test_packages_over_the_run_budget_are_scanned_then_left_out_whole(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("go.mod", "module example.com/gen\n")
    for i in range(3):
        repo.write(f"p{i}/a.go", f"package p{i}\n\nfunc Old() {{}}\n")
        repo.write(f"p{i}/b.go", f"package p{i}\n\nfunc Kept() {{}}\n")
    base = repo.commit("initial")
    for i in range(3):
        repo.write(f"p{i}/a.go", f"package p{i}\n\nfunc New() {{}}\n")
    repo.commit("change")
    # p0 is parsed (4 files of 26-27 bytes), p1 scanned; p2 does not fit and is left out whole
    # rather than read on one side only.
    monkeypatch.setattr(gatherer, "PARSE_BUDGET_BYTES", 120)
    monkeypatch.setattr(gatherer, "SCAN_BUDGET_BYTES", 150)
    items = gatherer.gather(build_context(repo.path, base))
    assert sorted(
        (e.bump, e.strength, e.message)
        for e in items
        if e.kind not in (EvidenceKind.INCOMPLETE, EvidenceKind.UNREAD)
    ) == [
        ("major", Strength.PROOF, "removed exported func Old from package p0"),
        ("major", Strength.STRONG, "removed exported func Old from package p1"),
        ("minor", Strength.STRONG, "new exported func New in package p0"),
        ("minor", Strength.STRONG, "new exported func New in package p1"),
    ]
    assert [e.message for e in items if e.kind is EvidenceKind.UNREAD] == [
        "1 of 3 changed Go packages exceed the analysis budget and were not analyzed: p2"
    ]
    assert [e.message for e in items if e.kind is EvidenceKind.UNREAD][-1] == (
        "1 of 3 changed Go packages exceed the analysis budget and were not analyzed: p2"
    )
