"""Static calibration: what earlier releases with the same kind of code change shipped as."""

from __future__ import annotations

from release_tools.analysis.habits import (
    MIN_REMOVALS,
    MIN_STATIC_PAIRS,
    calibrate_static,
    follow_static,
    follow_zero,
    needs_footprints,
)
from release_tools.analysis.history import Footprint, PastRelease
from release_tools.versioning.bump import Bump

M, m, p, N = Bump.MAJOR, Bump.MINOR, Bump.PATCH, Bump.NONE
R, A, S, T = Footprint.REMOVAL, Footprint.ADDITION, Footprint.SOURCE, Footprint.TOOLING


def _pairs(*pairs: tuple[Footprint | None, Bump], zero: bool = False) -> list[PastRelease]:
    return [
        PastRelease(f"v{i}", f"v{i + 1}", "a" * 40, "b" * 40, shipped, zero, 3, 0, None, found)
        for i, (found, shipped) in enumerate(pairs)
    ]


def _lax(*extra: tuple[Footprint | None, Bump]) -> list[PastRelease]:
    """Ten releases without a major; two of them removed public names, shipped as minor."""
    return _pairs(
        (R, m), (R, m), (A, m), (S, p), (S, p), (A, m), (S, p), (S, p), (A, m), (S, p), *extra
    )


def _follow(
    history: list[PastRelease],
    *,
    bump: Bump = M,
    declared: Bump | None = None,
    breaking_proof: str | None = "removed public function lib.f (lib.py:1)",
    tooling_only: bool = False,
) -> tuple[Bump, bool] | None:
    verdict = follow_static(
        calibrate_static(history, zero=False),
        bump=bump,
        declared=declared,
        breaking_proof=breaking_proof,
        tooling_only=tooling_only,
    )
    return None if verdict is None else (verdict.bump, verdict.needs_review)


def test_removals_shipped_as_minor_calibrate_a_proven_major_with_review() -> None:
    history = _lax()
    cal = calibrate_static(history, zero=False)

    assert (cal.pairs, cal.majors, cal.removals) == (10, 0, (m, m))
    assert cal.removal_jump is m
    verdict = follow_static(
        cal, bump=M, declared=p, breaking_proof="removed public function lib.f", tooling_only=False
    )
    assert verdict is not None and (verdict.bump, verdict.needs_review) == (m, True)
    assert "shipped the 2 that removed public names as minor at most" in verdict.notes[0]
    assert "the code shows major (removed public function lib.f)" in verdict.notes[1]
    assert cal.as_json()["removals_ship_as"] == "minor"


def test_a_removal_calibrated_below_the_declared_feature_keeps_the_feature() -> None:
    # Removals ship as patches here, but the range's commits declare a feature: a minor.
    patches = _pairs((R, p), (R, p), (S, p), (S, p), (S, p), (S, p), (S, p), (S, p), (S, p), (S, p))
    assert _follow(patches, declared=m) == (m, True)
    assert _follow(patches, declared=p) == (p, True)
    assert _follow(patches) == (p, True)


def test_one_major_in_the_history_keeps_the_major() -> None:
    assert _follow(_lax((S, M))) is None


def test_a_major_is_flagged_where_most_removals_shipped_below_one() -> None:
    # Majors for rewrites (one of them removed names too), three removals shipped as minor:
    # the major stands, with review.
    history = _lax((R, M), (S, M), (R, m))
    cal = calibrate_static(history, zero=False)
    assert cal.removal_jump is None
    assert cal.removal_doubt == (
        "3 of the 4 earlier releases that removed public names shipped below major"
    )
    assert cal.as_json()["removals_in_doubt"] is True
    verdict = follow_static(
        cal,
        bump=M,
        declared=None,
        breaking_proof="removed public function lib.f",
        tooling_only=False,
    )
    assert verdict is not None and (verdict.bump, verdict.needs_review) == (M, True)
    assert verdict.notes[0].endswith(
        "the major the code shows (removed public function lib.f) is flagged for review"
    )
    # A declared break is no doubt.
    assert _follow(history, declared=M) is None


def test_removals_that_mostly_shipped_as_majors_raise_no_doubt() -> None:
    # Three below a major, but only half of the removals.
    history = _lax((R, M), (R, M), (R, M), (R, m))
    assert calibrate_static(history, zero=False).removal_doubt is None
    assert _follow(history) is None


def test_footprints_are_read_for_a_major_when_majors_happened_too() -> None:
    def needed(history: list[PastRelease]) -> bool:
        return needs_footprints(
            history, zero=False, bump=M, declared=None, breaking_proof="x", tooling_only=False
        )

    assert needed(_lax((S, M)))
    # Only majors: no removal can have shipped below one.
    assert not needed(_pairs(*[(None, M)] * 12))
    assert not needed(_lax()[:9])


def test_too_few_releases_or_removals_learn_nothing() -> None:
    assert MIN_STATIC_PAIRS == 10 and MIN_REMOVALS == 2
    assert _follow(_lax()[:9]) is None
    one_removal = _pairs((R, m), *[(S, p)] * 10)
    assert _follow(one_removal) is None


def test_pairs_without_a_footprint_do_not_count() -> None:
    history = _pairs((R, m), (R, m), *[(None, p)] * 10)
    assert calibrate_static(history, zero=False).pairs == 2
    assert _follow(history) is None


def test_a_declared_break_or_a_new_module_path_keeps_the_major() -> None:
    assert _follow(_lax(), declared=M) is None
    # No public name behind the major (a Go module's new /vN path): nothing to calibrate.
    assert _follow(_lax(), breaking_proof=None) is None
    # Only a major is calibrated by the removal rule.
    assert _follow(_lax(), bump=m) is None


def test_only_the_current_era_counts() -> None:
    history = [*_pairs((S, M), zero=True), *_lax()]
    assert calibrate_static(history, zero=False).majors == 0
    assert calibrate_static(history, zero=True).majors == 1


def test_a_tooling_only_range_ships_as_releases_without_code_did() -> None:
    history = _pairs((T, p), (S, p))
    # Docs- or build-only releases count as releases without code too.
    assert _follow(
        _pairs((Footprint.SUPPORT, p)), bump=N, breaking_proof=None, tooling_only=True
    ) == (
        p,
        True,
    )
    assert _follow(history, bump=N, breaking_proof=None, tooling_only=True) == (p, True)
    # Without such a release before, or when other files changed, nothing is calibrated.
    assert _follow(_pairs((S, p)), bump=N, breaking_proof=None, tooling_only=True) is None
    assert _follow(history, bump=N, breaking_proof=None, tooling_only=False) is None
    verdict = follow_static(
        calibrate_static(history, zero=False),
        bump=N,
        declared=None,
        breaking_proof=None,
        tooling_only=True,
    )
    assert verdict is not None
    assert "1 earlier release changed no source code and shipped as patch" in (verdict.notes[0])


def test_on_zero_a_removal_is_calibrated_only_where_it_would_make_1_0() -> None:
    history = [
        PastRelease(
            r.old_tag, r.new_tag, r.old_sha, r.new_sha, r.shipped, True, 3, 0, None, r.footprint
        )
        for r in _lax()
    ]
    cal = calibrate_static(history, zero=True)
    assert cal.removal_jump is m
    # A break on 0.x makes a minor release already: the rules and the habit agree.
    for major_on_zero in (False, True):
        verdict = follow_static(
            cal,
            bump=M,
            declared=None,
            breaking_proof="removed lib.f",
            tooling_only=False,
            major_on_zero=major_on_zero,
        )
        needed = needs_footprints(
            history,
            zero=True,
            bump=M,
            declared=None,
            breaking_proof="removed lib.f",
            tooling_only=False,
            major_on_zero=major_on_zero,
        )
        if major_on_zero:
            assert (
                needed
                and verdict is not None
                and (verdict.bump, verdict.needs_review)
                == (
                    m,
                    True,
                )
            )
        else:
            assert not needed and verdict is None


def _patches_only(*extra: tuple[Footprint | None, Bump]) -> list[PastRelease]:
    """Ten patch releases; three of them added public names."""
    return _pairs(
        (A, p), (S, p), (S, p), (A, p), (S, p), (T, p), (S, p), (A, p), (S, p), (S, p), *extra
    )


def test_additions_shipped_as_patches_calibrate_a_minor_from_the_code() -> None:
    history = _patches_only()
    cal = calibrate_static(history, zero=False)
    assert (cal.minors, cal.additions, cal.addition_jump) == (0, (p, p, p), p)
    verdict = follow_static(
        cal,
        bump=m,
        declared=None,
        breaking_proof=None,
        tooling_only=False,
        addition_proof="new pub fn Bytes::slice (src/lib.rs:3)",
    )
    assert verdict is not None and (verdict.bump, verdict.needs_review) == (p, True)
    assert verdict.notes[0] == (
        "the last 10 releases were all patches, the 3 that added public names among them: "
        "calibrated to patch"
    )
    assert "the code shows minor (new pub fn Bytes::slice" in verdict.notes[1]
    assert cal.as_json()["additions_ship_as"] == "patch"
    assert needs_footprints(
        history,
        zero=False,
        bump=m,
        declared=p,
        breaking_proof=None,
        tooling_only=False,
        addition_proof="new pub fn f",
    )


def test_additions_rule_needs_patch_only_history_and_code_evidence() -> None:
    def follow(history: list[PastRelease], **kwargs: object) -> Bump | None:
        settings: dict[str, object] = {
            "bump": m,
            "declared": None,
            "breaking_proof": None,
            "tooling_only": False,
            "addition_proof": "new pub fn f",
        }
        settings.update(kwargs)
        verdict = follow_static(calibrate_static(history, zero=False), **settings)  # type: ignore[arg-type]
        return None if verdict is None else verdict.bump

    assert follow(_patches_only()) is p
    # One minor release in the era: additions make minors here, sometimes.
    assert follow(_patches_only((A, m))) is None
    # A declared feature, or a minor that is not the code's: kept.
    assert follow(_patches_only(), declared=m) is None
    assert follow(_patches_only(), addition_proof=None) is None
    # Too few releases, or too few that added names.
    assert follow(_patches_only()[:9]) is None
    assert follow(_pairs((A, p), *[(S, p)] * 10)) is None
    assert not needs_footprints(
        _patches_only((S, m)),
        zero=False,
        bump=m,
        declared=None,
        breaking_proof=None,
        tooling_only=False,
        addition_proof="new pub fn f",
    )


def test_on_zero_additions_ship_as_most_earlier_ones_did() -> None:
    def learned(*pairs: tuple[Footprint | None, Bump]) -> Bump | None:
        return calibrate_static(_pairs(*pairs, zero=True), zero=True).zero_addition_jump

    assert learned((A, p), (S, p), (A, p), (R, m), (A, p)) is p
    assert learned((A, m), (A, m), (A, m), (A, p)) is m
    assert learned((A, m), (A, p)) is None  # split: no habit
    assert learned((A, p), (S, p)) is None  # one release that added names says little
    assert calibrate_static(_patches_only(), zero=False).zero_addition_jump is None


def test_follow_zero_calibrates_a_minor_from_the_code_or_any_minor_of_a_crate() -> None:
    habit = calibrate_static(_pairs((A, p), (A, p), (A, p), zero=True), zero=True)
    none = calibrate_static(_pairs((S, p), (S, p), zero=True), zero=True)

    def follow(cal: object, **kwargs: object) -> tuple[Bump, tuple[str, ...]] | None:
        settings: dict[str, object] = {
            "bump": m,
            "why": "new public function lib.f (lib.py:1)",
            "cargo": False,
            "addition_proof": "new public function lib.f (lib.py:1)",
            "needs_review": False,
        }
        settings.update(kwargs)
        verdict = follow_zero(cal, **settings)  # type: ignore[arg-type]
        return None if verdict is None else (verdict.bump, verdict.notes)

    found = follow(habit)
    assert found is not None and found[0] is p
    assert found[1] == (
        "the changes add features (new public function lib.f (lib.py:1))",
        "3 of the 3 earlier 0.x releases that added public names shipped as patch: "
        "calibrated to patch",
    )
    # A minor that is not the code's (a declared feature) is a crate's only.
    assert follow(habit, addition_proof=None) is None
    assert follow(habit, addition_proof=None, cargo=True) is not None
    # No habit: Cargo's convention for a crate, the minor for the others.
    assert follow(none) is None and follow(None) is None
    crate = follow(none, cargo=True)
    assert crate is not None and crate[0] is p and "Cargo reads 0.y" in crate[1][1]
    # Other verdicts are not touched.
    assert follow(habit, bump=M) is None and follow(habit, bump=p, cargo=True) is None
    verdict = follow_zero(None, bump=m, why="x", cargo=True, addition_proof=None, needs_review=True)
    assert verdict is not None and verdict.needs_review


def test_on_one_0x_line_removals_ship_as_patches() -> None:
    steps: list[tuple[Footprint | None, Bump]] = [*[(R, p)] * 2, *[(S, p)] * 8]
    line = _pairs(*steps, zero=True)
    cal = calibrate_static(line, zero=True)
    assert cal.zero_removal_jump is p and cal.as_json()["zero_removals_ship_as"] == "patch"

    def follow(history: list[PastRelease], **kwargs: object) -> tuple[Bump, bool] | None:
        settings: dict[str, object] = {
            "bump": M,
            "declared": None,
            "breaking_proof": "removed pub fn lib::f (src/lib.rs:1)",
            "tooling_only": False,
        }
        settings.update(kwargs)
        verdict = follow_static(calibrate_static(history, zero=True), **settings)  # type: ignore[arg-type]
        return None if verdict is None else (verdict.bump, verdict.needs_review)

    assert follow(line) == (p, True)
    assert needs_footprints(
        line, zero=True, bump=M, declared=None, breaking_proof="x", tooling_only=False
    )
    # The line is the patches since the last 0.x minor: an old break does not count, a
    # recent one leaves too short a line.
    assert follow(_pairs((S, m), (A, m), *steps, zero=True)) == (p, True)
    with_break = _pairs(*[(R, p)] * 2, *[(S, p)] * 7, (S, m), (S, p), zero=True)
    assert calibrate_static(with_break, zero=True).line == 1
    assert follow(with_break) is None
    assert not needs_footprints(
        with_break, zero=True, bump=M, declared=None, breaking_proof="x", tooling_only=False
    )
    # A declared break, or too few releases: kept.
    assert follow(line, declared=M) is None
    assert follow(line[:9]) is None
    # With major_on_zero the 1.x rule speaks (no 1.0 in the era), to the same end.
    assert follow(line, major_on_zero=True) == (p, True)
