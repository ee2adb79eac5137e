"""Calibration from release history: the learned mapping, leave-one-out agreement, the verdict."""

from __future__ import annotations

from release_tools.analysis.calibration import (
    MIN_PAIRS,
    calibrate,
    floor_habit,
    follow_history,
)
from release_tools.analysis.history import PastRelease
from release_tools.versioning.bump import Bump

M, m, p, N = Bump.MAJOR, Bump.MINOR, Bump.PATCH, Bump.NONE


def _pairs(*pairs: tuple[Bump | None, Bump], zero: bool = False) -> list[PastRelease]:
    return [
        PastRelease(f"v{i}", f"v{i + 1}", "a" * 40, "b" * 40, shipped, zero, 3, 3, declared)
        for i, (declared, shipped) in enumerate(pairs)
    ]


def test_a_project_that_follows_its_commits() -> None:
    history = _pairs((m, m), (p, p), (p, p), (m, m), (M, M), (p, p), (N, p), (N, p))

    cal = calibrate(history, zero=False)

    assert cal.follows_commits
    assert (cal.pairs, cal.conventional_pairs, cal.agreed) == (8, 8, 8)
    assert cal.mapping == {M: M, m: m, p: p, N: p}
    assert "the last 8 releases followed their commit types 8 of 8 times" in cal.summary()


def test_a_feat_shipped_as_patch_habit_is_learned() -> None:
    history = _pairs((m, p), (m, p), (p, p), (m, p), (p, p), (m, p), (M, m), (M, m), zero=True)

    cal = calibrate(history, zero=True)

    assert cal.follows_commits
    assert cal.mapping[m] is p and cal.mapping[M] is m
    assert "(feat shipped as patch)" in cal.summary()
    verdict = follow_history(cal, declared=m, static=m)
    assert verdict is not None and verdict.bump is p and not verdict.needs_review


def test_two_releases_against_the_convention_do_not_yet_make_a_habit() -> None:
    # Two features shipped as patches among fixes: the convention still weighs more.
    history = _pairs((m, p), (p, p), (m, p), (p, p), (p, p), (p, p))
    cal = calibrate(history, zero=False)
    assert cal.mapping[m] is m
    # A third one tips it: three releases against the convention's weight of two.
    history = _pairs((m, p), (p, p), (m, p), (p, p), (m, p), (p, p), (m, p))
    assert calibrate(history, zero=False).mapping[m] is p


def test_a_level_also_shipped_at_the_conventions_jump_is_never_mapped_below_it() -> None:
    # Features mostly went out in patches, but one made a minor: which features make minors is
    # not in the commits, so a feature is not assumed to be a patch.
    history = _pairs((m, p), (m, p), (m, p), (m, p), (p, p), (p, p), (m, m), (p, p))
    cal = calibrate(history, zero=False)
    assert cal.mapping[m] is m
    assert "feat shipped as patch" not in cal.summary()
    # Without that minor, the habit is learned.
    history = _pairs((m, p), (m, p), (m, p), (m, p), (p, p), (p, p), (p, p))
    assert calibrate(history, zero=False).mapping[m] is p


def test_too_little_history_does_not_decide() -> None:
    cal = calibrate(_pairs(*[(p, p)] * (MIN_PAIRS - 1)), zero=False)
    assert not cal.follows_commits and "too little release history" in cal.reason
    assert follow_history(cal, declared=p, static=N) is None


def test_projects_without_conventional_commits_do_not_decide() -> None:
    cal = calibrate(_pairs(*[(None, p)] * 6, *[(m, m)] * 5), zero=False)
    assert not cal.follows_commits and "only 5 of 11" in cal.reason


def test_commits_that_disagree_with_the_releases_do_not_decide() -> None:
    history = _pairs((p, m), (m, p), (p, M), (m, m), (p, p), (M, p), (m, M))
    cal = calibrate(history, zero=False)
    assert not cal.follows_commits and "followed their commit types only" in cal.reason


def test_leave_one_out_does_not_credit_a_lone_level() -> None:
    # One "breaking" pair shipped as patch: no other pair teaches that, so it is not agreed.
    history = _pairs((p, p), (p, p), (p, p), (m, m), (m, m), (M, p))
    cal = calibrate(history, zero=False)
    assert cal.agreed == 5
    assert cal.mapping[M] is M  # seen once: the convention stands


def test_only_the_current_era_counts() -> None:
    history = [*_pairs(*[(m, p)] * 6, zero=True), *_pairs(*[(m, m)] * 5, zero=False)]
    assert calibrate(history, zero=False).mapping[m] is m
    assert calibrate(history, zero=True).mapping[m] is p


def test_proof_beyond_the_commits_is_flagged_not_followed() -> None:
    cal = calibrate(_pairs(*[(p, p)] * 4, *[(m, m)] * 4), zero=False)

    verdict = follow_history(cal, declared=p, static=M, static_reason="removed public function f")

    assert verdict is not None and verdict.bump is p and verdict.needs_review
    assert "the code shows major (removed public function f): flagged for review" in verdict.notes
    assert verdict.notes[0].endswith("commits decide")


def test_on_zero_a_proven_break_shipped_as_minor_is_no_conflict() -> None:
    cal = calibrate(_pairs(*[(p, p)] * 4, *[(M, m)] * 3, zero=True), zero=True)
    verdict = follow_history(cal, declared=M, static=M)
    assert verdict is not None and verdict.bump is m and not verdict.needs_review


def test_from_one_a_proven_break_is_flagged_even_where_breaks_shipped_as_minors() -> None:
    cal = calibrate(_pairs(*[(p, p)] * 4, *[(M, m)] * 4), zero=False)
    assert cal.mapping[M] is m

    verdict = follow_history(cal, declared=M, static=M, static_reason="removed public function f")

    assert verdict is not None and verdict.bump is m and verdict.needs_review
    assert "the code shows major (removed public function f): flagged for review" in verdict.notes


def test_a_range_without_conventional_commits_is_left_to_the_rules() -> None:
    cal = calibrate(_pairs(*[(p, p)] * 6), zero=False)
    assert cal.follows_commits
    assert follow_history(cal, declared=None, static=m) is None


def test_three_releases_in_four_following_the_commits_is_enough() -> None:
    agree = [(p, p)] * 5 + [(m, m)] * 4
    disagree = [(p, m), (m, p), (p, m)]
    cal = calibrate(_pairs(*agree, *disagree), zero=False)
    assert (cal.conventional_pairs, cal.agreed) == (12, 9)
    assert cal.follows_commits
    one_less = calibrate(_pairs(*agree[:-1], *disagree, (m, p)), zero=False)
    assert one_less.agreed == 8 and not one_less.follows_commits


def _floor_pairs(*shipped: tuple[Bump, bool], zero: bool = False) -> list[PastRelease]:
    return [
        PastRelease(
            f"v{i}",
            f"v{i + 1}",
            "a" * 40,
            "b" * 40,
            jump,
            zero,
            3,
            3,
            p,
            floors=("Rust",) if raised else (),
        )
        for i, (jump, raised) in enumerate(shipped)
    ]


def test_a_floor_habit_needs_enough_releases_that_raised_a_floor() -> None:
    assert floor_habit(_floor_pairs((m, True), (p, False), (p, False)), zero=False) is None
    habit = floor_habit(_floor_pairs((m, True), (p, False), (m, True), (p, True)), zero=False)
    assert habit is not None
    assert habit.jumps == (m, m, p) and habit.jump is m
    assert habit.rule() == (
        "3 earlier releases raised the oldest supported runtime and 2 of them shipped as "
        "minor or more"
    )
    # Releases of the other era say nothing about this one.
    assert floor_habit(_floor_pairs((m, True), (m, True), zero=True), zero=False) is None


def test_a_floor_habit_is_a_patch_or_a_minor_never_a_major() -> None:
    tie = floor_habit(_floor_pairs((p, True), (M, True)), zero=False)
    assert tie is not None and tie.jump is m
    assert tie.as_json() == {"shipped": ["patch", "major"], "ships_as": "minor"}
    # Floors dropped in major releases say "more than a patch", not that a floor is a major.
    majors = floor_habit(_floor_pairs((M, True), (M, True), (M, True)), zero=False)
    assert majors is not None and majors.jump is m
    patches = floor_habit(_floor_pairs((p, True), (M, True), (p, True)), zero=False)
    assert patches is not None and patches.jump is p
    assert patches.rule().endswith("and 2 of them shipped as patch")


def test_a_raised_floor_lifts_the_commits_jump_to_the_habit() -> None:
    cal = calibrate(_pairs(*[(p, p)] * 6), zero=False)
    habit = floor_habit(_floor_pairs((m, True), (m, True)), zero=False)

    verdict = follow_history(cal, declared=p, static=N, floor=habit)

    assert verdict is not None and verdict.bump is m and not verdict.needs_review
    assert "this release raises a runtime floor, and 2 earlier releases" in verdict.notes[1]
    # A habit below what the commits ask never lowers them.
    low = floor_habit(_floor_pairs((p, True), (p, True)), zero=False)
    kept = follow_history(cal, declared=m, static=N, floor=low)
    assert kept is not None and kept.bump is m and len(kept.notes) == 1


def test_a_crate_on_0x_maps_features_to_the_patch_by_convention() -> None:
    # Too few feat releases to learn from: the convention decides, and Cargo's puts a
    # compatible feature in the patch on 0.x.
    history = _pairs((p, p), (p, p), (m, p), (p, p), (M, m), (p, p), zero=True)

    crate = calibrate(history, zero=True, cargo=True)
    other = calibrate(history, zero=True)

    assert crate.mapping[m] is p and other.mapping[m] is m
    verdict = follow_history(crate, declared=m, static=m)
    assert verdict is not None and verdict.bump is p
    assert "feat shipped as" not in crate.summary()
    # A crate whose features took the 0.x minor again and again is followed.
    minors = _pairs((m, m), (m, m), (m, m), (p, p), (p, p), zero=True)
    assert calibrate(minors, zero=True, cargo=True).mapping[m] is m
