"""The decision rules: proof and strong evidence set the bump, weak evidence fills in."""

from __future__ import annotations

from release_tools.analysis.decision import Verdict, decide
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

# The kind a test item gets when it does not say: what such evidence usually is.
_DEFAULT_KINDS = {
    "conventional-commit": EvidenceKind.COMMIT_TYPE,
    "release-as": EvidenceKind.RELEASE_AS,
    "file-kind": EvidenceKind.FILE_KIND,
    "cli": EvidenceKind.CLI,
    "schema": EvidenceKind.SCHEMA,
}


def ev(
    source: str,
    bump: str,
    strength: Strength,
    message: str = "signal",
    *,
    kind: EvidenceKind | None = None,
    **where: object,
) -> Evidence:
    if kind is None:
        if where.get("omitted"):
            kind = EvidenceKind.SUMMARY
        elif source == "conventional-commit" and bump == "major":
            kind = EvidenceKind.BREAKING_COMMIT
        else:
            default = EvidenceKind.API_REMOVED if bump == "major" else EvidenceKind.API_ADDED
            kind = _DEFAULT_KINDS.get(source, default)
    return Evidence(
        source=source,  # type: ignore[arg-type]
        kind=kind,
        bump=bump,  # type: ignore[arg-type]
        strength=strength,
        message=message,
        **where,  # type: ignore[arg-type]
    )


def test_no_changes_means_nothing_to_release() -> None:
    verdict = decide([], has_changes=False)
    assert verdict == Verdict(Bump.NONE, False, verdict.reasoning)
    assert "nothing to release" in verdict.reasoning


def test_proof_beats_weaker_commit_claims_and_asks_for_review() -> None:
    verdict = decide(
        [
            ev(
                "conventional-commit",
                "patch",
                Strength.STRONG,
                "fix commit: fix: typo",
                commit="a" * 40,
            ),
            ev(
                "python-api",
                "major",
                Strength.PROOF,
                "removed public function pkg.f",
                path="pkg/__init__.py",
                line=3,
            ),
            ev("file-kind", "patch", Strength.WEAK, "source files changed"),
        ],
        has_changes=True,
    )
    assert verdict.bump is Bump.MAJOR
    assert verdict.needs_review is True
    assert "removed public function pkg.f (pkg/__init__.py:3)" in verdict.reasoning
    assert "commits declare at most patch" in verdict.reasoning


def test_declared_breaking_change_without_api_proof_is_trusted() -> None:
    verdict = decide(
        [
            ev(
                "conventional-commit",
                "major",
                Strength.STRONG,
                "breaking change declared: feat!: x",
            ),
            ev("python-api", "minor", Strength.STRONG, "new public function pkg.g"),
        ],
        has_changes=True,
    )
    assert verdict.bump is Bump.MAJOR
    assert verdict.needs_review is False
    assert "declared by commits" in verdict.reasoning


def test_weak_evidence_fills_in_and_needs_review() -> None:
    verdict = decide(
        [ev("file-kind", "patch", Strength.WEAK, "source files changed")], has_changes=True
    )
    assert verdict.bump is Bump.PATCH
    assert verdict.needs_review is True
    assert verdict.reasoning.startswith("patch: source files changed")


def test_weak_evidence_does_not_override_strong() -> None:
    verdict = decide(
        [
            ev("conventional-commit", "minor", Strength.STRONG, "feat commit: feat: a"),
            ev("file-kind", "patch", Strength.WEAK),
        ],
        has_changes=True,
    )
    assert verdict.bump is Bump.MINOR
    assert verdict.needs_review is False


def test_tests_only_change_releases_nothing() -> None:
    verdict = decide(
        [ev("file-kind", "none", Strength.WEAK, "only tests, CI or tooling changed (2 tests)")],
        has_changes=True,
    )
    assert verdict.bump is Bump.NONE
    assert verdict.reasoning.startswith("nothing to release")


def test_changes_without_any_evidence_default_to_reviewed_patch() -> None:
    verdict = decide([], has_changes=True)
    assert verdict.bump is Bump.PATCH
    assert verdict.needs_review is True


def test_chore_commits_with_new_api_ask_for_review() -> None:
    verdict = decide(
        [
            ev("conventional-commit", "none", Strength.STRONG, "chore commit: chore: x"),
            ev(
                "javascript-api",
                "minor",
                Strength.STRONG,
                "new export foo",
                path="index.js",
                line=2,
            ),
        ],
        has_changes=True,
    )
    assert verdict.bump is Bump.MINOR
    assert verdict.needs_review is True
    assert "commits declare no release but the code shows minor" in verdict.reasoning


def test_release_as_is_reported_and_conflicts_warn() -> None:
    one = decide(
        [
            ev(
                "release-as",
                "none",
                Strength.STRONG,
                "Release-As: 3.0.0 footer (explicit override)",
                release_as="3.0.0",
            ),
            ev("conventional-commit", "patch", Strength.STRONG),
        ],
        has_changes=True,
    )
    assert one.release_as == "3.0.0"
    assert one.bump is Bump.PATCH
    assert one.warnings == ()
    two = decide(
        [
            ev(
                "release-as",
                "none",
                Strength.STRONG,
                "Release-As: 3.0.0 footer",
                release_as="3.0.0",
            ),
            ev(
                "release-as",
                "none",
                Strength.STRONG,
                "Release-As: 2.5.0 footer",
                release_as="2.5.0",
            ),
        ],
        has_changes=True,
    )
    assert two.release_as == "3.0.0"
    assert two.needs_review is True
    assert "2.5.0" in two.warnings[0]


def test_reasoning_counts_other_signals_at_the_same_level() -> None:
    verdict = decide(
        [
            ev("python-api", "major", Strength.PROOF, "removed a", path="p.py", line=1),
            ev("python-api", "major", Strength.PROOF, "removed b", path="p.py", line=2),
            ev("python-api", "major", Strength.PROOF, "removed c", path="p.py", line=3),
        ],
        has_changes=True,
    )
    assert "removed a (p.py:1); and 2 more major-level signals" in verdict.reasoning


def test_decide_is_pure() -> None:
    items = [ev("go-api", "minor", Strength.STRONG, "new exported func F", path="a.go", line=4)]
    assert decide(items, has_changes=True) == decide(items, has_changes=True)


def test_lone_break_among_many_additions_stays_major_but_asks_for_review() -> None:
    items = [ev("python-api", "major", Strength.PROOF, "removed pkg.x", path="p.py", line=1)]
    items += [ev("python-api", "minor", Strength.STRONG, f"new pkg.f{i}") for i in range(5)]
    verdict = decide(items, has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MAJOR, True)
    assert "1 breaking signal among 5 additions" in verdict.reasoning
    many = decide(items[:1] * 3 + items[1:], has_changes=True)
    assert many.needs_review is False


def test_commits_without_file_changes_need_review() -> None:
    verdict = decide(
        [ev("conventional-commit", "minor", Strength.STRONG, "feat commit: feat: x")],
        has_changes=False,
    )
    assert (verdict.bump, verdict.needs_review) == (Bump.MINOR, True)
    assert "no file changed" in verdict.reasoning


def test_raised_runtime_floor_below_major_asks_for_review() -> None:
    floor = ev(
        "python-api",
        "minor",
        Strength.STRONG,
        "minimum supported Python raised from 3.8",
        kind=EvidenceKind.RUNTIME_FLOOR,
    )
    verdict = decide([floor], has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MINOR, True)
    assert "oldest supported runtime was raised" in verdict.reasoning
    removed = ev("python-api", "major", Strength.PROOF, "removed public function pkg.f")
    verdict = decide([removed, floor], has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MAJOR, False)


def test_major_resting_only_on_removed_deprecations_asks_for_review() -> None:
    gone = ev(
        "python-api",
        "major",
        Strength.STRONG,
        "removed deprecated code: 1 fewer ...",
        kind=EvidenceKind.DEPRECATED_REMOVED,
    )
    verdict = decide([gone], has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MAJOR, True)
    assert "deprecated code taken out" in verdict.reasoning
    removed = ev("python-api", "major", Strength.PROOF, "removed public function pkg.f")
    assert decide([gone, removed], has_changes=True).needs_review is False
    declared = ev("conventional-commit", "major", Strength.STRONG, "feat!: drop old()")
    assert decide([gone, declared], has_changes=True).needs_review is False


def test_reasoning_counts_the_findings_a_summary_stands_for() -> None:
    # A capped source: 50 listed additions and a summary of 769,151 more.
    listed = [
        ev("javascript-api", "minor", Strength.STRONG, f"new export v{i}", path="gen/t.js")
        for i in range(50)
    ]
    summary = ev(
        "javascript-api",
        "minor",
        Strength.STRONG,
        "... and 769151 more javascript-api items (769151 minor)",
        omitted=769151,
    )
    verdict = decide([*listed, summary], has_changes=True)
    assert verdict.bump is Bump.MINOR
    assert verdict.reasoning.startswith("minor: new export v0 (gen/t.js)")
    assert "and 769200 more minor-level signals" in verdict.reasoning


def test_lone_break_rule_counts_summarised_additions() -> None:
    # One removal among 3 listed additions and a summary of 40: 43 additions, so the review flag
    # for a lone break among many additions is raised (counting items would see only 4).
    items = [
        ev("rust-api", "major", Strength.PROOF, "removed pub fn f", path="src/lib.rs"),
        *(ev("rust-api", "minor", Strength.STRONG, f"new pub fn g{i}") for i in range(3)),
        ev("rust-api", "minor", Strength.STRONG, "... and 40 more", omitted=40),
    ]
    verdict = decide(items, has_changes=True)
    assert verdict.bump is Bump.MAJOR
    assert verdict.needs_review
    assert "1 breaking signal among 43 additions" in verdict.reasoning
    without_summary = decide(items[:-1], has_changes=True)
    assert "breaking signal" not in without_summary.reasoning


def test_a_summary_is_never_the_cited_finding() -> None:
    summary = ev("go-api", "minor", Strength.PROOF, "... and 9 more", omitted=9)
    listed = ev("go-api", "minor", Strength.PROOF, "new exported func F", path="a.go")
    verdict = decide([summary, listed], has_changes=True)
    assert verdict.reasoning.startswith("minor: new exported func F (a.go); and 9 more")


def test_runtime_floor_is_read_from_the_kind_not_the_message() -> None:
    floor = ev(
        "python-api",
        "minor",
        Strength.STRONG,
        "needs a newer interpreter",
        kind=EvidenceKind.RUNTIME_FLOOR,
    )
    verdict = decide([floor], has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MINOR, True)
    assert "oldest supported runtime was raised" in verdict.reasoning
    # The old wording on evidence of another kind no longer triggers the note.
    worded = ev("python-api", "minor", Strength.STRONG, "minimum supported Python raised from 3.8")
    feat = ev("conventional-commit", "minor", Strength.STRONG, "feat commit: feat: x")
    verdict = decide([worded, feat], has_changes=True)
    assert verdict.needs_review is False
    assert "oldest supported runtime" not in verdict.reasoning


def test_removed_deprecations_are_read_from_the_kind_not_the_message() -> None:
    gone = ev(
        "python-api",
        "major",
        Strength.STRONG,
        "fewer warnings",
        kind=EvidenceKind.DEPRECATED_REMOVED,
    )
    verdict = decide([gone], has_changes=True)
    assert "deprecated code taken out" in verdict.reasoning
    worded = ev("python-api", "major", Strength.STRONG, "removed deprecated code: 1 fewer ...")
    assert "deprecated code taken out" not in decide([worded], has_changes=True).reasoning


def test_release_as_is_read_from_its_field_whatever_the_message() -> None:
    reworded = ev(
        "release-as",
        "none",
        Strength.STRONG,
        "Release-As: 9.9.9, reworded: the maintainers asked for a version",
        kind=EvidenceKind.RELEASE_AS,
        release_as="4.0.0",
    )
    verdict = decide(
        [reworded, ev("conventional-commit", "patch", Strength.STRONG)], has_changes=True
    )
    assert verdict.release_as == "4.0.0"
    assert verdict.bump is Bump.PATCH  # the override is not scored as evidence
    assert "Release-As footer requests 4.0.0" in verdict.reasoning


def test_a_ceiling_caps_the_bump_and_names_what_it_overruled() -> None:

    items = [
        Evidence(
            source="go-api",
            kind=EvidenceKind.API_REMOVED,
            bump="major",
            strength=Strength.PROOF,
            message="removed exported func Old from package gin",
            path="gin.go",
            line=3,
        ),
        Evidence(
            source="go-api",
            kind=EvidenceKind.CEILING,
            bump="minor",
            strength=Strength.PROOF,
            message="the Go module path example.com/gin is unchanged",
            path="go.mod",
        ),
    ]

    verdict = decide(items, has_changes=True)

    assert verdict.bump is Bump.MINOR and verdict.needs_review
    assert verdict.reasoning.startswith(
        "minor: the Go module path example.com/gin is unchanged (go.mod). the code shows major: "
        "removed exported func Old from package gin (gin.go:3)"
    )


def test_a_ceiling_above_the_bump_changes_nothing() -> None:

    ceiling = Evidence(
        source="go-api",
        kind=EvidenceKind.CEILING,
        bump="minor",
        strength=Strength.PROOF,
        message="the Go module path example.com/gin is unchanged",
    )
    fix = Evidence(
        source="conventional-commit",
        kind=EvidenceKind.COMMIT_TYPE,
        bump="patch",
        strength=Strength.STRONG,
        message="fix commit: fix: x",
    )
    with_cap = decide([fix, ceiling], has_changes=True)
    without = decide([fix], has_changes=True)
    assert (with_cap.bump, with_cap.needs_review, with_cap.reasoning) == (
        without.bump,
        without.needs_review,
        without.reasoning,
    )


def test_an_unread_part_of_the_api_asks_for_review_below_major() -> None:
    fixed = ev("conventional-commit", "patch", Strength.STRONG, "fix: tweak")
    unread = ev(
        "python-api",
        "patch",
        Strength.WEAK,
        "pkg/gen.py: 6.3 MB, too large to parse; the run's scan budget was spent",
        kind=EvidenceKind.UNREAD,
    )
    partial = ev(
        "python-api",
        "patch",
        Strength.WEAK,
        "pkg/gen.py: 6.3 MB, too large to parse; only its top-level names were compared",
        kind=EvidenceKind.INCOMPLETE,
    )
    verdict = decide([fixed, unread], has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.PATCH, True)
    assert "part of the public API was not read" in verdict.reasoning
    # A scan that did read the names, or a major already shown, needs no such review.
    assert decide([fixed, partial], has_changes=True).needs_review is False
    removed = ev("python-api", "major", Strength.PROOF, "removed public function pkg.f")
    assert decide([removed, unread], has_changes=True).needs_review is False


def test_a_minor_only_the_code_shows_asks_for_review() -> None:
    added = ev("go-api", "minor", Strength.PROOF, "new exported func F", path="a.go")
    verdict = decide([added], has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MINOR, True)
    assert "no commit or change note declares a feature" in verdict.reasoning
    feat = ev("conventional-commit", "minor", Strength.STRONG, "feat commit: feat: F")
    declared = decide([added, feat], has_changes=True)
    assert (declared.bump, declared.needs_review) == (Bump.MINOR, False)


def test_a_finding_its_reader_could_not_settle_asks_for_review_below_major() -> None:
    unsettled = ev(
        "python-api",
        "patch",
        Strength.WEAK,
        "removed module pkg.alias, an alias of pkg.core (review)",
        kind=EvidenceKind.API_REMOVED,
        review=True,
        path="pkg/alias.py",
    )
    feature = ev("conventional-commit", "minor", Strength.STRONG, "feat: add a helper")
    verdict = decide([feature, unsettled], has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MINOR, True)
    assert verdict.reasoning.endswith(
        "the code readers could not settle removed module pkg.alias, an alias of pkg.core "
        "(pkg/alias.py)."
    )
    # The same wording without the typed mark is not read as one.
    plain = ev(
        "python-api", "patch", Strength.WEAK, unsettled.message, kind=EvidenceKind.API_REMOVED
    )
    assert not decide([feature, plain], has_changes=True).needs_review
    # A major leaves nothing below it to settle.
    removal = ev("python-api", "major", Strength.PROOF, "removed public function pkg.f")
    both = decide([feature, unsettled, removal], has_changes=True)
    assert "could not settle" not in both.reasoning
