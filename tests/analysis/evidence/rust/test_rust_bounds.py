"""Rust evidence on huge files (size and node caps) and cargo-semver-checks' verdict as proof."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.rust import gatherer, semver_checks
from release_tools.analysis.models import Evidence, EvidenceKind, Strength
from repo_context import build_context

BEFORE = "pub mod api;\npub fn gone() {}\npub fn kept(a: u8) {}\n"
AFTER = "pub mod api;\npub fn kept(a: u16) {}\npub fn added() {}\n"


def _repo(repo: GitRepo) -> str:
    repo.write("Cargo.toml", "[package]\nname = 'demo'\n")
    repo.write("src/lib.rs", BEFORE)
    repo.write("src/api.rs", "pub fn call() {}\n")
    base = repo.commit("initial")
    repo.write("src/lib.rs", AFTER)
    repo.commit("change")
    return base


def _found(items: list[Evidence]) -> list[tuple[str, EvidenceKind, Strength, str]]:
    return sorted((e.bump, e.kind, e.strength, e.message) for e in items)


def test_a_file_over_the_size_cap_is_scanned_linearly(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _repo(repo)
    monkeypatch.setattr(gatherer, "MAX_PARSE_BYTES", 40)
    items = gatherer.gather(build_context(repo.path, base))
    # Names only: the signature change of `kept` is not seen, findings are strong.
    assert _found(items) == [
        ("major", EvidenceKind.API_REMOVED, Strength.STRONG, "removed pub fn gone from src/lib.rs"),
        ("minor", EvidenceKind.API_ADDED, Strength.STRONG, "new pub fn added in src/lib.rs"),
        (
            "patch",
            EvidenceKind.INCOMPLETE,
            Strength.WEAK,
            "src/lib.rs: 0.0 MB, too large to parse; only its pub item names were compared "
            "by a linear scan",
        ),
    ]


def test_a_file_over_the_node_cap_is_scanned_linearly(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _repo(repo)
    monkeypatch.setattr(gatherer, "MAX_NODES", 10)
    items = gatherer.gather(build_context(repo.path, base))
    notes = [e.message for e in items if e.kind is EvidenceKind.INCOMPLETE]
    assert notes == [
        "src/lib.rs: more than 10 syntax nodes, too large to parse; only its pub item names "
        "were compared by a linear scan"
    ]
    assert {e.strength for e in items if e.bump == "major"} == {Strength.STRONG}


def test_a_file_over_the_read_cap_is_not_read(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _repo(repo)
    monkeypatch.setattr(gatherer, "MAX_SCAN_BYTES", 40)
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
            "src/lib.rs: 0.0 MB, too large to parse; its API was not analyzed",
        )
    ]
    assert not any(b"src/lib.rs" in r for r in requests)


# -- cargo-semver-checks --------------------------------------------------------------------------

FAKE_CARGO = """#!/bin/sh
# A stand-in for `cargo semver-checks`: checks its arguments, prints $FAKE_OUTPUT.
[ "$1" = semver-checks ] || exit 2
echo "$@" > "$FAKE_LOG"
pwd >> "$FAKE_LOG"
while [ $# -gt 0 ]; do
  case "$1" in
    --manifest-path) manifest="$2"; shift;;
    --baseline-root) baseline="$2"; shift;;
  esac
  shift
done
[ -f "$manifest" ] && [ -f "$baseline/Cargo.toml" ] || { echo "error: no manifest" >&2; exit 1; }
[ -n "$FAKE_SLEEP" ] && sleep "$FAKE_SLEEP"
sed "s|@BASELINE@|$baseline|" "$FAKE_OUTPUT"
exit "${FAKE_EXIT:-0}"
"""

BREAKING = """    Building demo v0.1.0 (current)
       Built [   0.512s] (current)
     Parsing demo v0.1.0 (current)
      Parsed [   0.004s] (current)
    Building demo v0.1.0 (baseline)
       Built [   0.498s] (baseline)
     Parsing demo v0.1.0 (baseline)
      Parsed [   0.004s] (baseline)
    Checking demo v0.1.0 -> v0.1.0 (assume patch change)
     Checked [   0.012s] 152 checks: 149 pass, 3 fail, 0 warn, 21 skip

--- failure function_missing: pub fn removed or renamed ---

Description:
A publicly-visible function cannot be imported by its prior path. A `pub use` may have been \
removed, or the function itself may have been renamed or removed entirely.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove
       impl: https://github.com/obi1kenobi/cargo-semver-checks/tree/v0.38.0/src/lints/function_missing.ron

Failed in:
  function demo::gone, previously in file @BASELINE@/src/lib.rs:2

--- failure function_parameter_count_changed: pub fn parameter count changed ---

Description:
A publicly-visible function now takes a different number of parameters.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity
       impl: https://github.com/obi1kenobi/cargo-semver-checks/tree/v0.38.0/src/lints/function_parameter_count_changed.ron

Failed in:
  demo::kept now takes 2 parameters instead of 1, in src/lib.rs:2

--- failure function_marked_deprecated: function #[deprecated] added ---

Description:
A function is now #[deprecated]. Downstream crates will get a compiler warning when using it.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#deprecated
       impl: https://github.com/obi1kenobi/cargo-semver-checks/tree/v0.38.0/src/lints/function_marked_deprecated.ron

Failed in:
  function demo::api::call in file src/api.rs:1

     Summary semver requires new major version: 2 major and 1 minor checks failed
    Finished [   1.043s] demo
"""

CLEAN = """    Checking demo v0.1.0 -> v0.1.0 (assume patch change)
     Checked [   0.012s] 152 checks: 152 pass, 21 skip
     Summary no semver update required
    Finished [   1.043s] demo
"""


@pytest.fixture
def fake_cargo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``cargo`` and ``cargo-semver-checks`` stand-ins first on PATH; returns the output file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("cargo", FAKE_CARGO), ("cargo-semver-checks", "#!/bin/sh\nexit 0\n")):
        script = bin_dir / name
        script.write_text(text)
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "cargo.log"))
    output = tmp_path / "cargo.out"
    monkeypatch.setenv("FAKE_OUTPUT", str(output))
    return output


def test_cargo_semver_checks_findings_are_proof(
    repo: GitRepo, fake_cargo: Path, tmp_path: Path
) -> None:
    fake_cargo.write_text(BREAKING)
    base = _repo(repo)
    items = gatherer.gather(build_context(repo.path, base))
    tool = [e for e in items if e.message.startswith("cargo-semver-checks")]
    assert _found(tool) == [
        (
            "major",
            EvidenceKind.API_CHANGED,
            Strength.PROOF,
            "cargo-semver-checks: function_parameter_count_changed: pub fn parameter count "
            "changed (demo::kept now takes 2 parameters instead of 1, in src/lib.rs:2)",
        ),
        (
            "major",
            EvidenceKind.API_REMOVED,
            Strength.PROOF,
            "cargo-semver-checks: function_missing: pub fn removed or renamed (function "
            "demo::gone, previously in file src/lib.rs:2)",
        ),
        (
            "minor",
            EvidenceKind.DEPRECATION_ADDED,
            Strength.PROOF,
            "cargo-semver-checks: function_marked_deprecated: function #[deprecated] added "
            "(function demo::api::call in file src/api.rs:1)",
        ),
    ]
    args, cwd = (tmp_path / "cargo.log").read_text().splitlines()
    assert args.startswith("semver-checks check-release --manifest-path ")
    assert args.endswith(" --release-type patch")
    # Both trees were written outside the repository and are gone; the work tree is untouched.
    assert not cwd.startswith(str(repo.path)) and not Path(cwd).exists()
    assert repo.git("status", "--porcelain") == ""


def test_when_cargo_semver_checks_finds_nothing_breaking_own_breaks_are_strong(
    repo: GitRepo, fake_cargo: Path
) -> None:
    fake_cargo.write_text(CLEAN)
    base = _repo(repo)
    items = gatherer.gather(build_context(repo.path, base))
    assert not [e for e in items if e.message.startswith("cargo-semver-checks")]
    assert {(e.message, e.strength) for e in items if e.bump == "major"} == {
        ("removed pub fn gone from src/lib.rs", Strength.STRONG),
        ("signature of pub fn kept changed: (u8) -> () -> (u16) -> ()", Strength.STRONG),
    }


@pytest.mark.parametrize(
    ("env", "logged"),
    [
        ({"FAKE_EXIT": "101"}, "cargo-semver-checks gave no verdict"),
        ({"FAKE_SLEEP": "5"}, "cargo-semver-checks ran past"),
    ],
)
def test_a_failing_or_hanging_tool_is_skipped_with_a_debug_line(
    repo: GitRepo,
    fake_cargo: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    env: dict[str, str],
    logged: str,
) -> None:
    fake_cargo.write_text("error: could not compile `demo` (lib)\n")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(semver_checks, "TIMEOUT_SECONDS", 0.5)
    base = _repo(repo)
    with caplog.at_level(logging.DEBUG, logger="release_tools.analysis.evidence.rust"):
        items = gatherer.gather(build_context(repo.path, base))
    assert not [e for e in items if e.message.startswith("cargo-semver-checks")]
    assert any(logged in r.getMessage() for r in caplog.records)


def test_a_missing_tool_is_skipped_with_a_debug_line(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(semver_checks.shutil, "which", lambda name: None)
    base = _repo(repo)
    with caplog.at_level(logging.DEBUG, logger="release_tools.analysis.evidence.rust"):
        gatherer.gather(build_context(repo.path, base))
    assert any("not on PATH" in r.getMessage() for r in caplog.records)


def test_changes_over_the_run_budget_are_scanned_then_left_out_whole(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("Cargo.toml", "[package]\nname = 'gen'\n")
    repo.write("src/lib.rs", "".join(f"pub mod t{i};\n" for i in range(4)))
    for i in range(4):
        repo.write(f"src/t{i}.rs", f"pub fn old{i}() {{}}\n")
    base = repo.commit("initial")
    for i in range(4):
        repo.write(f"src/t{i}.rs", f"pub fn old{i}() {{}}\npub fn new{i}() {{}}\n")
    repo.commit("generated")
    # lib.rs (48 bytes a side) and t0 (17, then 34) are parsed, t1 scanned; t2 and t3 do not
    # fit, and are left out whole rather than read on one side only.
    monkeypatch.setattr(gatherer, "PARSE_BUDGET_BYTES", 48 + 48 + 17 + 34)
    monkeypatch.setattr(gatherer, "SCAN_BUDGET_BYTES", 17 + 34)
    items = gatherer.gather(build_context(repo.path, base))
    assert _found(items) == [
        ("minor", EvidenceKind.API_ADDED, Strength.STRONG, "new pub fn new0 in src/t0.rs"),
        ("minor", EvidenceKind.API_ADDED, Strength.STRONG, "new pub fn new1 in src/t1.rs"),
        (
            "patch",
            EvidenceKind.INCOMPLETE,
            Strength.WEAK,
            "src/t1.rs: over the parse budget, too large to parse; only its pub item names were "
            "compared by a linear scan",
        ),
        (
            "patch",
            EvidenceKind.UNREAD,
            Strength.WEAK,
            "2 of 4 changed Rust module files exceed the analysis budget and were not "
            "analyzed: src/t2.rs, src/t3.rs",
        ),
    ]


def test_an_added_file_over_the_one_sided_limit_is_scanned_and_one_under_it_parsed(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("Cargo.toml", "[package]\nname = 'gen'\n")
    repo.write("src/lib.rs", "pub mod small;\npub mod big;\npub mod kept;\n")
    repo.write("src/kept.rs", "pub fn a(x: u8) {}\n// padding to the size of big.rs\n")
    base = repo.commit("initial")
    repo.write("src/small.rs", "pub fn s() {}\n")
    repo.write("src/big.rs", "pub fn b() {}\n// generated code, padded past the limit\n")
    repo.write("src/kept.rs", "pub fn a(x: u16) {}\n// padding to the size of big.rs\n")
    repo.commit("generated")
    # big.rs is over the lowered limit of an added file; kept.rs, as big but changed on both
    # sides, is still parsed (its signature change is seen).
    monkeypatch.setattr(gatherer, "ONE_SIDED_PARSE_BYTES", 30)
    items = gatherer.gather(build_context(repo.path, base))
    found = _found(items)
    assert ("minor", EvidenceKind.API_ADDED, Strength.STRONG, "new pub fn b in src/big.rs") in found
    assert ("minor", EvidenceKind.API_ADDED, Strength.STRONG, "new pub fn s in src/small.rs") in (
        found
    )
    assert [m for _b, k, _s, m in found if k is EvidenceKind.INCOMPLETE] == [
        "src/big.rs: 0.0 MB, too large to parse; only its pub item names were compared by a "
        "linear scan"
    ]
    assert any("fn a" in m and b == "major" for b, _k, _s, m in found)
