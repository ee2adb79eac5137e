"""The hybrid rules: proof is a floor, disagreement needs review, and every note is explained."""

from __future__ import annotations

from release_tools.analysis.decision import decide
from release_tools.analysis.engines.model.hybrid import combine
from release_tools.analysis.engines.model.schemas import ChunkSummary, VersionAnalysis
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

REMOVED = Evidence(
    source="python-api",
    kind=EvidenceKind.API_REMOVED,
    bump="major",
    strength=Strength.PROOF,
    message="public function core.run removed",
    path="src/app/core.py",
    line=3,
)
FEAT = Evidence(
    source="conventional-commit",
    kind=EvidenceKind.COMMIT_TYPE,
    bump="minor",
    strength=Strength.STRONG,
    message="feat commit: feat: add stop",
)
FIX = Evidence(
    source="conventional-commit",
    kind=EvidenceKind.COMMIT_TYPE,
    bump="patch",
    strength=Strength.STRONG,
    message="fix commit: fix: tidy",
)


def _model(version_type: str, needs_review: bool = False) -> VersionAnalysis:
    return VersionAnalysis.model_validate(
        {"version_type": version_type, "needs_review": needs_review, "reasoning": "model says so"}
    )


def _summary(breaking: int = 0) -> ChunkSummary:
    return ChunkSummary(
        summary="s",
        breaking_changes=breaking,
        features=0,
        fixes=1,
        other_changes=0,
        suggested_bump="major" if breaking else "patch",
        reasoning="r",
    )


def test_agreement_keeps_the_model_answer_without_review() -> None:
    evidence = [FEAT]
    result = combine(_model("minor"), decide(evidence, has_changes=True), evidence)
    assert result.bump is Bump.MINOR and not result.needs_review
    assert result.reasoning == "minor: model says so."
    assert result.notes == ()


def test_proof_of_a_break_overrules_the_model() -> None:
    evidence = [FIX, REMOVED]
    result = combine(_model("patch"), decide(evidence, has_changes=True), evidence)
    assert result.bump is Bump.MAJOR and result.model_bump is Bump.PATCH
    assert result.needs_review
    assert "the code proves major" in result.reasoning
    assert "public function core.run removed (src/app/core.py:3)" in result.reasoning
    assert result.reasoning.startswith("major. The model: model says so")


def test_injected_patch_cannot_lower_a_proven_major_even_without_review_flag() -> None:
    evidence = [REMOVED]
    injected = VersionAnalysis(
        version_type="patch", needs_review=False, reasoning="the diff told me to say patch"
    )
    result = combine(injected, decide(evidence, has_changes=True), evidence)
    assert result.bump is Bump.MAJOR and result.needs_review


def test_model_above_the_evidence_stands_but_needs_review() -> None:
    evidence = [FIX]
    result = combine(_model("major"), decide(evidence, has_changes=True), evidence)
    assert result.bump is Bump.MAJOR and result.local_bump is Bump.PATCH
    assert result.needs_review
    assert "the static analysis alone says patch" in result.reasoning


def test_model_below_strong_evidence_is_kept_and_flagged() -> None:
    evidence = [FEAT]
    result = combine(_model("patch"), decide(evidence, has_changes=True), evidence)
    assert result.bump is Bump.PATCH and result.needs_review
    assert "disagree" in result.reasoning


def test_strong_major_without_proof_is_not_a_floor() -> None:
    declared = Evidence(
        source="conventional-commit",
        kind=EvidenceKind.BREAKING_COMMIT,
        bump="major",
        strength=Strength.STRONG,
        message="breaking change declared",
    )
    result = combine(_model("minor"), decide([declared], has_changes=True), [declared])
    assert result.bump is Bump.MINOR and result.needs_review


def test_model_review_request_is_honoured() -> None:
    evidence = [FEAT]
    result = combine(_model("minor", True), decide(evidence, has_changes=True), evidence)
    assert result.bump is Bump.MINOR and result.needs_review
    assert "the model asked for a review" in result.reasoning


def test_breaking_changes_in_chunks_must_show_in_the_final_answer() -> None:
    evidence = [FEAT]
    result = combine(
        _model("minor"), decide(evidence, has_changes=True), evidence, [_summary(2), _summary()]
    )
    assert result.bump is Bump.MINOR and result.needs_review
    assert "count 2 breaking changes" in result.reasoning


def test_failed_chunks_need_review() -> None:
    evidence = [FEAT]
    verdict = decide(evidence, has_changes=True)
    result = combine(_model("minor"), verdict, evidence, failed_chunks=1, total_chunks=3)
    assert result.needs_review and "1 of 3 chunks could not be analysed" in result.reasoning


def test_release_as_and_local_warnings_carry_over() -> None:
    evidence = [
        FEAT,
        Evidence(
            source="release-as",
            kind=EvidenceKind.RELEASE_AS,
            bump="none",
            strength=Strength.STRONG,
            message="Release-As: 2.0.0",
            release_as="2.0.0",
        ),
        Evidence(
            source="release-as",
            kind=EvidenceKind.RELEASE_AS,
            bump="none",
            strength=Strength.STRONG,
            message="Release-As: 3.0.0",
            release_as="3.0.0",
        ),
    ]
    verdict = decide(evidence, has_changes=True)
    result = combine(_model("minor"), verdict, evidence)
    assert result.release_as == "2.0.0"
    assert result.needs_review  # two different Release-As requests


def test_nothing_to_release_agreement() -> None:
    evidence = [
        Evidence(
            source="file-kind",
            kind=EvidenceKind.FILE_KIND,
            bump="none",
            strength=Strength.WEAK,
            message="tests only",
        )
    ]
    verdict = decide(evidence, has_changes=True)
    result = combine(_model("unknown"), verdict, evidence)
    assert result.bump is Bump.NONE and result.bump is verdict.bump
    assert not result.needs_review


def test_combine_is_pure() -> None:
    evidence = [FIX, REMOVED]
    verdict = decide(evidence, has_changes=True)
    assert combine(_model("patch"), verdict, evidence) == combine(
        _model("patch"), verdict, evidence
    )


def test_local_review_survives_when_the_model_agrees_on_the_bump() -> None:
    # "fix:" commits with a proven removal: the local engine already flags the mismatch; a model
    # that also answers major must not silence that flag.
    evidence = [FIX, REMOVED]
    local = decide(evidence, has_changes=True)
    assert local.bump is Bump.MAJOR and local.needs_review
    result = combine(_model("major"), local, evidence)
    assert result.bump is Bump.MAJOR and result.needs_review
    assert any("the static analysis asks for a review" in note for note in result.notes)
    assert "commits declare at most patch" in result.reasoning


def test_thin_local_evidence_is_settled_by_the_model() -> None:
    # Only weak evidence: the local flag means "too little to go on"; the model read the diff.
    evidence = [
        Evidence(
            source="file-kind",
            kind=EvidenceKind.FILE_KIND,
            bump="patch",
            strength=Strength.WEAK,
            message="source files",
        )
    ]
    local = decide(evidence, has_changes=True)
    assert local.needs_review
    result = combine(_model("patch"), local, evidence)
    assert result.bump is Bump.PATCH and not result.needs_review


def test_a_ceiling_caps_the_model_and_the_proof() -> None:
    from release_tools.analysis.decision import decide
    from release_tools.analysis.engines.model.hybrid import combine
    from release_tools.analysis.engines.model.schemas import VersionAnalysis
    from release_tools.analysis.models import Evidence, EvidenceKind, Strength
    from release_tools.versioning.bump import Bump

    evidence = [
        Evidence(
            source="go-api",
            kind=EvidenceKind.API_REMOVED,
            bump="major",
            strength=Strength.PROOF,
            message="removed exported func Old from package lib",
        ),
        Evidence(
            source="go-api",
            kind=EvidenceKind.CEILING,
            bump="minor",
            strength=Strength.PROOF,
            message="the Go module path example.com/lib is unchanged",
        ),
    ]
    local = decide(evidence, has_changes=True)
    model = VersionAnalysis.model_validate(
        {"version_type": "major", "reasoning": "Old was removed", "needs_review": False}
    )

    verdict = combine(model, local, evidence)

    assert verdict.bump is Bump.MINOR and verdict.needs_review
    assert "capped at minor: the Go module path example.com/lib is unchanged" in verdict.reasoning
