"""The model's free text reaches the report on one line: it cannot start lines of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.decision import decide
from release_tools.analysis.engines.model.hybrid import combine, one_line
from release_tools.analysis.engines.model.schemas import VersionAnalysis
from release_tools.analysis.models import Evidence, EvidenceKind, Strength
from release_tools.analysis.report import render_text
from scripted_model import ScriptedModel, analyze_scripted

KEY = "sk-test-" + "t3xt" * 10
HOSTILE = (
    "fine\n::error title=pwned::injected\r\n\x1b[2J\x1b[31mRED\r::add-mask::x"
    "\u2028::warning::a\x85::notice::b\x0b::debug::c\x1c::group::d\t::endgroup::"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one\ntwo", "one two"),
        ("  one \r\n\r\n two  ", "one two"),
        ("a\u2028b\u2029c\x85d\x0be\x0cf\x1cg", "a b c d e f g"),
        ("a\x1b[31mb\x00c\x7fd\x9be", "a [31mb c d e"),
        ("a\t\tb", "a b"),
        ("plain", "plain"),
    ],
)
def test_one_line_collapses_breaks_and_controls(text: str, expected: str) -> None:
    assert one_line(text) == expected
    assert one_line(text).splitlines() == [expected]


def test_combine_puts_the_model_reasoning_on_one_line() -> None:
    evidence = [
        Evidence(
            source="conventional-commit",
            kind=EvidenceKind.COMMIT_TYPE,
            bump="minor",
            strength=Strength.STRONG,
            message="feat commit: feat: add stop",
        )
    ]
    model = VersionAnalysis.model_validate(
        {"version_type": "minor", "needs_review": False, "reasoning": HOSTILE}
    )
    result = combine(model, decide(evidence, has_changes=True), evidence)
    assert len(result.reasoning.splitlines()) == 1
    assert result.reasoning.startswith("minor: fine ::error title=pwned::injected ")


async def test_model_reasoning_cannot_start_a_line_of_the_text_report(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "1.0.0"\n')
    repo.write("src/app/__init__.py", "def run():\n    return 1\n\ndef stop():\n    return 0\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("src/app/__init__.py", "def run():\n    return 2\n")
    repo.commit("fix: tweak run")
    model = ScriptedModel(
        final=lambda _prompt: {"version_type": "major", "needs_review": False, "reasoning": HOSTILE}
    )
    decision = await analyze_scripted(repo.path, model, KEY)
    assert decision.provider == "realtime"
    (item,) = [e for e in decision.evidence if e.kind is EvidenceKind.MODEL]
    assert item.message.splitlines() == [item.message]
    assert item.message.startswith("gpt-realtime: fine ::error title=pwned::injected ")
    assert decision.reasoning.splitlines() == [decision.reasoning]
    report = render_text(decision)
    assert "::error title=pwned" in report
    for line in report.splitlines():
        assert not line.lstrip().startswith("::"), line
