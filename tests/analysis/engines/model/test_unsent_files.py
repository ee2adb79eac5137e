"""A verdict on part of the diff is flagged: files left out by max_chunks set needs_review."""

from __future__ import annotations

import re
from typing import Any

from gitrepo import GitRepo
from release_tools.analysis.decision import decide
from release_tools.analysis.engines.model.hybrid import combine
from release_tools.analysis.engines.model.schemas import VersionAnalysis
from release_tools.analysis.models import Bump, Decision, Evidence, EvidenceKind, Strength
from scripted_model import ScriptedModel, analyze_scripted

KEY = "sk-test-" + "0m1t" * 10
FEAT = Evidence(
    source="conventional-commit",
    kind=EvidenceKind.COMMIT_TYPE,
    bump="minor",
    strength=Strength.STRONG,
    message="feat commit: feat: many",
)
NOTE = re.compile(r"(\d+) of (\d+) files not sent to the model(?: and (\d+) only in part)?")


def _model() -> VersionAnalysis:
    return VersionAnalysis.model_validate(
        {"version_type": "minor", "needs_review": False, "reasoning": "new functions"}
    )


def test_unsent_files_need_review_and_say_how_many() -> None:
    local = decide([FEAT], has_changes=True)
    result = combine(_model(), local, [FEAT], unsent_files=11, partly_sent_files=1, total_files=12)
    assert result.bump is Bump.MINOR and result.needs_review
    assert result.notes == ("11 of 12 files not sent to the model and 1 only in part (max_chunks)",)
    assert result.reasoning.endswith("1 only in part (max_chunks).")


def test_a_partly_sent_file_alone_needs_review() -> None:
    local = decide([FEAT], has_changes=True)
    result = combine(_model(), local, [FEAT], partly_sent_files=1, total_files=1)
    assert result.needs_review
    assert result.notes == ("1 of 1 files only partly sent to the model (max_chunks)",)
    result = combine(_model(), local, [FEAT], unsent_files=2)
    assert result.needs_review and result.notes == ("2 files not sent to the model (max_chunks)",)


def test_everything_sent_needs_no_review() -> None:
    local = decide([FEAT], has_changes=True)
    result = combine(_model(), local, [FEAT], unsent_files=0, partly_sent_files=0, total_files=3)
    assert not result.needs_review and result.notes == ()


def _many_files(repo: GitRepo, files: int) -> None:
    repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "1.0.0"\n')
    repo.write("src/app/__init__.py", "def run():\n    return 1\n")
    repo.commit("feat: init")
    repo.tag("v1.0.0")
    for i in range(files):
        body = "".join(f"def f{j}_{i}(x):\n    return x + {j}\n\n\n" for j in range(40))
        repo.write(f"src/app/m{i}.py", body)
    repo.commit("feat: many")


async def _analyze(repo: GitRepo, **kw: Any) -> Decision:
    return await analyze_scripted(repo.path, ScriptedModel(), KEY, **kw)


async def test_max_chunks_leaving_most_of_the_diff_out_needs_review(repo: GitRepo) -> None:
    _many_files(repo, 6)
    decision = await _analyze(repo, chunk_size=2000, max_chunks=1)
    assert decision.provider == "realtime" and decision.version_type == "minor"
    assert decision.needs_review, decision.reasoning
    match = NOTE.search(decision.reasoning)
    assert match is not None, decision.reasoning
    unsent, total, partly = int(match[1]), int(match[2]), int(match[3] or 0)
    assert total == 6 and unsent + partly == decision.stats["files_not_sent"]
    assert unsent >= 5
    assert any("not sent to the model, or only in part" in w for w in decision.warnings)


async def test_the_whole_diff_sent_needs_no_review(repo: GitRepo) -> None:
    _many_files(repo, 2)
    decision = await _analyze(repo)
    assert decision.provider == "realtime" and decision.stats["files_not_sent"] == 0
    assert not decision.needs_review, decision.reasoning
    assert "not sent to the model" not in decision.reasoning


def test_files_sent_without_their_dropped_hunks_need_review() -> None:
    local = decide([FEAT], has_changes=True)
    result = combine(_model(), local, [FEAT], total_files=3, cut_files=1)
    assert result.needs_review
    assert result.notes == ("1 files sent without the hunks dropped for their size",)


async def test_a_file_too_big_for_the_diff_reader_needs_review(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "1.0.0"\n')
    repo.write("src/app/__init__.py", "def run():\n    return 1\n")
    repo.commit("feat: init")
    repo.tag("v1.0.0")
    # Over the diff reader's bound for one file (a million characters): its hunks are dropped.
    repo.write(
        "src/app/table.py", "".join(f"# row {i:07d} of a generated table\n" for i in range(40_000))
    )
    repo.commit("feat: a table")
    decision = await _analyze(repo)
    assert decision.needs_review, decision.reasoning
    assert "1 files sent without the hunks dropped for their size" in decision.reasoning
