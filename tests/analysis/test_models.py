"""Evidence's typed fields: kinds, the strength ranking, and the JSON form the report prints."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength


def test_strength_rank_orders_proof_first() -> None:
    assert sorted(Strength, key=lambda s: s.rank) == [
        Strength.PROOF,
        Strength.STRONG,
        Strength.WEAK,
    ]


def test_level_and_proof_come_from_the_fields() -> None:
    item = Evidence(
        source="go-api",
        kind=EvidenceKind.API_REMOVED,
        bump="major",
        strength=Strength.PROOF,
        message="anything at all",
    )
    assert item.level is Bump.MAJOR and item.proof
    assert Bump.NONE.word == "none" and Bump.NONE.label == "unknown"
    assert all(Bump.parse(b.word) is b and Bump.parse(b.label) is b for b in Bump)


def test_release_as_is_set_exactly_on_release_as_evidence() -> None:
    with pytest.raises(ValidationError):
        Evidence(
            source="release-as",
            kind=EvidenceKind.RELEASE_AS,
            bump="none",
            strength=Strength.STRONG,
            message="Release-As: 2.0.0",
        )
    with pytest.raises(ValidationError):
        Evidence(
            source="python-api",
            kind=EvidenceKind.API_ADDED,
            bump="minor",
            strength=Strength.STRONG,
            message="new public function f",
            release_as="2.0.0",
        )


def test_summaries_and_only_they_stand_for_omitted_findings() -> None:
    with pytest.raises(ValidationError):
        Evidence(
            source="python-api",
            kind=EvidenceKind.API_ADDED,
            bump="minor",
            strength=Strength.STRONG,
            message="... and 3 more",
            omitted=3,
        )
    with pytest.raises(ValidationError):
        Evidence(
            source="python-api",
            kind=EvidenceKind.SUMMARY,
            bump="minor",
            strength=Strength.STRONG,
            message="... and 0 more",
        )


def test_json_keeps_the_bump_string_and_adds_the_typed_fields_last() -> None:
    item = Evidence(
        source="release-as",
        kind=EvidenceKind.RELEASE_AS,
        bump="none",
        strength=Strength.STRONG,
        message="Release-As: 2.0.0 footer (explicit override)",
        commit="a" * 40,
        release_as="2.0.0",
    )
    data = json.loads(item.model_dump_json())
    assert list(data) == [
        "source",
        "bump",
        "strength",
        "message",
        "path",
        "line",
        "commit",
        "omitted",
        "kind",
        "release_as",
        "review",
    ]
    assert (data["bump"], data["kind"], data["release_as"]) == ("none", "release-as", "2.0.0")
    assert data["review"] is False
    assert Evidence.model_validate(data) == item
