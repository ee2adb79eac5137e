"""Report rendering, atomic output files and the GITHUB_OUTPUT heredoc syntax."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import pytest

from release_tools.analysis.models import Decision, Evidence, EvidenceKind, Strength
from release_tools.analysis.report import (
    GROUP_LIMIT,
    TEXT_EVIDENCE_LIMIT,
    emit_report,
    github_output_lines,
    render_json,
    render_text,
    write_atomic,
)
from release_tools.config import Settings
from release_tools.errors import ReleaseToolsError, UsageError


def _decision(reasoning: str = "minor: new public function run (src/app.py:12).") -> Decision:
    return Decision(
        version_type="minor",
        needs_review=True,
        reasoning=reasoning,
        current_version="1.2.3",
        next_version="1.3.0",
        release_type="minor",
        base="v1.2.3",
        head="HEAD",
        base_sha="a" * 40,
        head_sha="b" * 40,
        evidence=[
            Evidence(
                source="python-api",
                kind=EvidenceKind.API_ADDED,
                bump="minor",
                strength=Strength.PROOF,
                message="new public function run",
                path="src/app.py",
                line=12,
            ),
            Evidence(
                source="conventional-commit",
                kind=EvidenceKind.COMMIT_TYPE,
                bump="patch",
                strength=Strength.STRONG,
                message="fix: something",
                commit="c" * 40,
            ),
        ],
        warnings=["diff too large, hunks dropped to bound memory: big.js"],
        stats={"files": 3, "files_excluded": 1, "additions": 10, "deletions": 2, "commits": 2},
    )


def parse_github_output(text: str) -> dict[str, str]:
    """Read a GITHUB_OUTPUT file the way the Actions runner does (name=value, name<<DELIM)."""
    values: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        else:
            name, value = line.split("=", 1)
            values[name] = value
            i += 1
    return values


def test_text_report_has_the_summary_and_evidence_places() -> None:
    text = render_text(_decision())

    assert text.startswith("version type: minor (needs review)\n")
    assert "1.2.3 -> 1.3.0 (minor release)" in text
    assert "v1.2.3..HEAD (aaaaaaaaaa..bbbbbbbbbb)" in text
    assert "3 files (1 excluded), +10 -2, 2 commits" in text
    assert "src/app.py:12: new public function run" in text
    assert "conventional-commit cccccccccc: fix: something" in text
    assert "big.js" in text


def test_text_report_of_nothing_to_release() -> None:
    decision = Decision(
        version_type="unknown",
        needs_review=False,
        reasoning="nothing to release",
        current_version="2.0.0",
    )
    text = render_text(decision)
    assert "version type: unknown\n" in text
    assert "2.0.0 (unchanged)" in text
    assert "evidence" not in text


def test_json_report_fields() -> None:
    data = json.loads(render_json(_decision()))
    for key in (
        "version_type",
        "needs_review",
        "reasoning",
        "current_version",
        "next_version",
        "base",
        "head",
        "evidence",
    ):
        assert key in data
    assert data["evidence"][0]["path"] == "src/app.py" and data["evidence"][0]["line"] == 12
    assert Decision.model_validate(data) == _decision()


def test_write_atomic_replaces_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    write_atomic(target, "new ✓\n")

    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert os.listdir(tmp_path) == ["report.json"]


def test_write_atomic_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.txt"
    target.write_text("previous", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ReleaseToolsError, match=r"cannot write .*No space left"):
        write_atomic(target, "half")

    assert target.read_text(encoding="utf-8") == "previous"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_write_atomic_into_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "r.txt", "x")


def test_write_atomic_writes_through_a_pipe_instead_of_replacing_it(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    # A reader that is already there (opened without waiting for a writer), as a shell's
    # process substitution would be; a device such as /dev/null takes the same path.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, "through the pipe\n")
        received = os.read(reader, 1024)
    finally:
        os.close(reader)

    assert received == b"through the pipe\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(tmp_path) == ["report.fifo"]


def test_write_atomic_follows_a_symbolic_link(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "latest.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(real)

    write_atomic(link, "new\n")

    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"


def test_github_output_heredoc_is_injection_safe() -> None:
    hostile = "line one\nnext_version=9.9.9\nghadelimiter_\nEOF"

    text = github_output_lines({"reasoning": hostile, "version_type": "minor"})

    parsed = parse_github_output(text)
    assert parsed == {"reasoning": hostile, "version_type": "minor"}
    delimiter = text.split("\n", 1)[0].split("<<", 1)[1]
    assert delimiter.startswith("ghadelimiter_") and len(delimiter) > 20
    assert delimiter not in hostile
    # A fresh delimiter each time: nobody can predict it from the source.
    assert github_output_lines({"r": "a\nb"}) != github_output_lines({"r": "a\nb"})


def test_emit_report_to_stream_and_github_output(tmp_path: Path) -> None:
    out_file = tmp_path / "gh_output"
    out_file.write_text("earlier=1\n", encoding="utf-8")
    stream = io.StringIO()
    decision = _decision("minor: new function.\nSecond line of reasoning.")

    text = emit_report(
        decision, Settings(format="json"), stream=stream, environ={"GITHUB_OUTPUT": str(out_file)}
    )

    assert stream.getvalue() == text and json.loads(text)["next_version"] == "1.3.0"
    parsed = parse_github_output(out_file.read_text(encoding="utf-8"))
    assert parsed["earlier"] == "1"  # appended, not overwritten
    assert parsed["version_type"] == "minor"
    assert parsed["needs_review"] == "true"
    assert parsed["next_version"] == "1.3.0"
    assert parsed["reasoning"] == "minor: new function.\nSecond line of reasoning."


def test_emit_report_to_output_file_prints_nothing(tmp_path: Path) -> None:
    stream = io.StringIO()
    target = tmp_path / "analysis.txt"

    emit_report(_decision(), Settings(output=target), stream=stream, environ={})

    assert stream.getvalue() == ""
    assert target.read_text(encoding="utf-8").startswith("version type: minor")


def test_text_report_lists_the_strongest_evidence_first_and_caps_the_list() -> None:
    weak = [
        Evidence(
            source="file-kind",
            kind=EvidenceKind.FILE_KIND,
            bump="patch",
            strength=Strength.WEAK,
            message=f"weak {i}",
        )
        for i in range(TEXT_EVIDENCE_LIMIT + 5)
    ]
    proof = Evidence(
        source="python-api",
        kind=EvidenceKind.API_REMOVED,
        bump="major",
        strength=Strength.PROOF,
        message="removed run",
    )
    decision = _decision().model_copy(update={"evidence": [*weak, proof]})

    text = render_text(decision)

    listed = [line for line in text.splitlines() if line.startswith("  [")]
    assert listed[0] == "  [major/proof] python-api: removed run"
    assert listed[1] == f"  [patch/weak] file-kind ({TEXT_EVIDENCE_LIMIT + 5}):"
    assert "      weak 0" in text
    assert f"      weak {GROUP_LIMIT}" not in text  # a group shows GROUP_LIMIT items
    assert f"... and {TEXT_EVIDENCE_LIMIT + 5 - GROUP_LIMIT} more" in text
    assert f"evidence ({TEXT_EVIDENCE_LIMIT + 6}):" in text


def test_text_report_total_cap_across_groups() -> None:
    many = [
        Evidence(
            source=source,
            kind=EvidenceKind.API_ADDED,
            bump="minor",
            strength=Strength.STRONG,
            message=f"{source} {i}",
        )
        for source in ("python-api", "javascript-api", "rust-api", "go-api", "cli", "schema")
        for i in range(GROUP_LIMIT + 1)
    ]
    text = render_text(_decision().model_copy(update={"evidence": many}))
    item_lines = [
        line for line in text.splitlines() if line.startswith("      ") and "more" not in line
    ]
    assert len(item_lines) == TEXT_EVIDENCE_LIMIT
    assert f"({len(many) - TEXT_EVIDENCE_LIMIT} items not shown; --format json" in text


def test_text_report_shows_model_usage_and_redactions() -> None:
    decision = _decision().model_copy(
        update={
            "provider": "realtime",
            "model": "gpt-realtime",
            "usage": {"total_tokens": 120, "requests": 3},
            "redactions": 2,
        }
    )
    text = render_text(decision)
    assert "provider:     realtime (gpt-realtime)" in text
    assert "usage:        requests 3, total_tokens 120" in text
    assert "redacted:     2 secret(s)" in text


def test_text_report_counts_the_findings_summaries_stand_for() -> None:
    listed = [
        Evidence(
            source="javascript-api",
            kind=EvidenceKind.API_ADDED,
            bump="minor",
            strength=Strength.STRONG,
            message=f"new {i}",
        )
        for i in range(GROUP_LIMIT + 2)
    ]
    summary = Evidence(
        source="javascript-api",
        kind=EvidenceKind.SUMMARY,
        bump="minor",
        strength=Strength.STRONG,
        message="... and 1000 more javascript-api items (1000 minor)",
        omitted=1000,
    )
    text = render_text(_decision().model_copy(update={"evidence": [*listed, summary]}))
    total = GROUP_LIMIT + 2 + 1000
    assert f"evidence ({total}):" in text
    assert f"  [minor/strong] javascript-api ({total}):" in text
    assert f"      ... and {total - GROUP_LIMIT} more" in text
    # The summary is counted, not listed as if it were a finding.
    assert "javascript-api items (1000 minor)" not in text
    assert '"omitted": 1000' in render_json(_decision().model_copy(update={"evidence": [summary]}))


def test_text_report_group_of_only_a_summary_of_one() -> None:
    summary = Evidence(
        source="go-api",
        kind=EvidenceKind.SUMMARY,
        bump="patch",
        strength=Strength.WEAK,
        message="... and 1 more go-api items (1 patch)",
        omitted=1,
    )
    text = render_text(_decision().model_copy(update={"evidence": [summary]}))
    assert "  [patch/weak] go-api (1):" in text
    assert "      ... and 1 more" in text
