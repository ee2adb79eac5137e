"""What earlier releases shipped the same kind of code change as, and deciding with it; pure.

When the commits do not decide (:mod:`release_tools.analysis.calibration`), the static rules
do, calibrated by what the same kind of code change shipped as before (:class:`StaticCalibration`,
from each pair's :class:`~release_tools.analysis.history.Footprint`):

* *removals ship below major*: a project with :data:`MIN_STATIC_PAIRS` releases of the era and
  no major among them, whose releases removed public names at least :data:`MIN_REMOVALS` times,
  treats such removals as minor (renames, internal names that looked public, a lax policy): a
  major the code shows, that no commit declares, is calibrated to that jump with review. In a
  project that makes majors, a major resting on removals is only flagged for review when most
  of its earlier removals (:data:`MIN_REMOVALS_BELOW`, :data:`REMOVAL_BELOW_SHARE`) shipped
  below a major: measured on real releases, that habit did not tell its majors apart;
* *additions ship as patch*: a project with :data:`MIN_STATIC_PAIRS` releases of the era, all
  of them patches, whose releases added public names at least :data:`MIN_ADDITIONS` times
  (crates that stay on ``1.0.x`` or ``0.3.x`` for years and add API in patches), ships a minor
  that only the code shows, and no commit or change note declares, as a patch with review;
* *releases without code happen*: a project that released ranges changing no source code
  before (only docs, build files, tests or CI) ships a range that changes only tests, CI or
  tooling as it shipped those (a patch), with review, instead of "nothing to release";
* on 0.x, where the minor is the break: *features ship as the project's 0.x features did*
  (:func:`follow_zero`; a Rust crate without such a habit follows Cargo, whose ``0.y`` is the
  major number, and releases a compatible feature as a patch), and *removals on one 0.x line*
  (a line of :data:`MIN_STATIC_PAIRS` patches or more, some of which removed public names)
  ship as a patch, with review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from release_tools.analysis.calibration import HistoryVerdict
from release_tools.analysis.history import Footprint, PastRelease
from release_tools.versioning.bump import Bump

__all__ = [
    "CARGO_ZERO_RULE",
    "MIN_ADDITIONS",
    "MIN_REMOVALS",
    "MIN_REMOVALS_BELOW",
    "MIN_STATIC_PAIRS",
    "REMOVAL_BELOW_SHARE",
    "ZERO_ADDITION_SHARE",
    "StaticCalibration",
    "calibrate_static",
    "follow_static",
    "follow_zero",
    "needs_footprints",
]

#: Pairs of the era with a footprint needed before "removals ship below major" is learned:
#: fewer releases without a major say little about a policy.
MIN_STATIC_PAIRS = 10
#: Releases that removed public names, none of them a major, needed for that rule.
MIN_REMOVALS = 2
#: In a project that makes majors: releases that removed public names and shipped below a
#: major, and the share of all such releases they must be, for a major resting on removals
#: to be flagged for review (:attr:`StaticCalibration.removal_doubt`).
MIN_REMOVALS_BELOW = 3
REMOVAL_BELOW_SHARE = 2 / 3
#: Releases that added public names, all of them patches, needed for "additions ship as
#: patch" (besides :data:`MIN_STATIC_PAIRS` releases of the era and none above a patch); on
#: 0.x, releases that added public names needed to learn how features ship.
MIN_ADDITIONS = 2
#: On 0.x, the share of those releases that must have shipped alike.
ZERO_ADDITION_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class StaticCalibration:
    """What the code of earlier releases (their footprints) shipped as, in the current era."""

    #: Pairs of the era whose footprint was read.
    pairs: int
    #: Of all pairs of the era, those that shipped a major.
    majors: int
    #: The jumps shipped by pairs that removed public names, oldest first.
    removals: tuple[Bump, ...]
    #: The jumps shipped by pairs that changed no source code (docs, data, build files, tests,
    #: CI or tooling only), oldest first.
    codeless: tuple[Bump, ...]
    zero: bool
    #: Of all pairs of the era, those that shipped a minor.
    minors: int = 0
    #: The jumps shipped by pairs that added public names and removed none, oldest first.
    additions: tuple[Bump, ...] = ()
    #: The newest pairs of the era that all shipped as patches (the current release line):
    #: how many have a footprint, and how many of those removed public names.
    line: int = 0
    line_removals: int = 0

    @property
    def removal_jump(self) -> Bump | None:
        """The jump a removal ships as when the history says it is never a major, else None."""
        if self.pairs < MIN_STATIC_PAIRS or self.majors or len(self.removals) < MIN_REMOVALS:
            return None
        return max(self.removals)

    @property
    def zero_removal_jump(self) -> Bump | None:
        """On 0.x, where a 0.x minor is the break: PATCH when the current 0.x line (the patches
        since the last 0.x minor) has :data:`MIN_STATIC_PAIRS` releases with a footprint,
        :data:`MIN_REMOVALS` of which removed public names; else None. Crates like that
        (``0.3.x`` or ``0.4.x`` for years) ship what looks like a break as a patch."""
        if not self.zero or self.line < MIN_STATIC_PAIRS or self.line_removals < MIN_REMOVALS:
            return None
        return Bump.PATCH

    def zero_removal_rule(self) -> str:
        """The learned rule about removals on one 0.x line, for the reasoning."""
        return (
            f"the last {self.line} 0.x releases stayed on one 0.x line and shipped the "
            f"{self.line_removals} that removed public names as patch"
        )

    @property
    def addition_jump(self) -> Bump | None:
        """PATCH when the history says additions never make a minor here, else None."""
        if self.pairs < MIN_STATIC_PAIRS or self.majors or self.minors:
            return None
        if len(self.additions) < MIN_ADDITIONS:
            return None
        return Bump.PATCH

    def addition_rule(self) -> str:
        """The learned rule about additions, for the reasoning."""
        era = "0.x " if self.zero else ""
        return (
            f"the last {self.pairs} {era}releases were all patches, the {len(self.additions)} "
            "that added public names among them"
        )

    @property
    def zero_addition_jump(self) -> Bump | None:
        """On 0.x, the jump the releases that only added public names shipped as (a patch or
        a minor), when at least :data:`MIN_ADDITIONS` did and :data:`ZERO_ADDITION_SHARE` of
        them agree; else None. A 0.x minor is where projects put their breaks, so whether a
        feature takes it or the patch is each project's choice."""
        if not self.zero or len(self.additions) < MIN_ADDITIONS:
            return None
        patches = sum(1 for jump in self.additions if jump <= Bump.PATCH)
        for jump, count in ((Bump.PATCH, patches), (Bump.MINOR, len(self.additions) - patches)):
            if count >= ZERO_ADDITION_SHARE * len(self.additions):
                return jump
        return None

    def zero_addition_rule(self) -> str:
        """The learned rule about additions on 0.x, for the reasoning."""
        jump = self.zero_addition_jump
        assert jump is not None
        agreeing = sum(1 for j in self.additions if (j <= Bump.PATCH) == (jump is Bump.PATCH))
        return (
            f"{agreeing} of the {len(self.additions)} earlier 0.x releases that added public "
            f"names shipped as {jump.label}"
        )

    @property
    def codeless_jump(self) -> Bump | None:
        """The jump a range without code ships as when such ranges were released, else None."""
        return Counter(self.codeless).most_common(1)[0][0] if self.codeless else None

    @property
    def removal_doubt(self) -> str | None:
        """In a project that makes majors, why a major resting on removed names is in doubt:
        at least :data:`MIN_REMOVALS_BELOW` of its releases that removed public names, and
        :data:`REMOVAL_BELOW_SHARE` of them, shipped below a major. Measured on real
        releases, that habit does not tell the project's majors apart (so it does not
        calibrate the jump), but it marks the majors worth a look; None otherwise."""
        if self.pairs < MIN_STATIC_PAIRS or not self.majors:
            return None
        below = [jump for jump in self.removals if jump < Bump.MAJOR]
        if len(below) < MIN_REMOVALS_BELOW or len(below) < REMOVAL_BELOW_SHARE * len(self.removals):
            return None
        return (
            f"{len(below)} of the {len(self.removals)} earlier releases that removed public "
            "names shipped below major"
        )

    def removal_rule(self) -> str:
        """The learned rule about removals, for the reasoning."""
        era = "0.x " if self.zero else ""
        return (
            f"the last {self.pairs} {era}releases made no major release and shipped the "
            f"{len(self.removals)} that removed public names as {max(self.removals).label} "
            "at most"
        )

    def codeless_rule(self) -> str:
        """The learned rule about releases without code, for the reasoning."""
        jump = self.codeless_jump
        assert jump is not None
        times = len(self.codeless)
        return (
            f"{times} earlier release{'s' if times > 1 else ''} changed no source code and "
            f"shipped as {jump.label}"
        )

    def as_json(self) -> dict[str, object]:
        removal, codeless, addition = self.removal_jump, self.codeless_jump, self.addition_jump
        zero_added, zero_line = self.zero_addition_jump, self.zero_removal_jump
        return {
            "pairs": self.pairs,
            "majors": self.majors,
            "minors": self.minors,
            "removals": [jump.label for jump in self.removals],
            "additions": [jump.label for jump in self.additions],
            "codeless": [jump.label for jump in self.codeless],
            "removals_ship_as": None if removal is None else removal.label,
            "removals_in_doubt": self.removal_doubt is not None,
            "additions_ship_as": None if addition is None else addition.label,
            "zero_additions_ship_as": None if zero_added is None else zero_added.label,
            "zero_removals_ship_as": None if zero_line is None else zero_line.label,
            "codeless_ships_as": None if codeless is None else codeless.label,
        }


def calibrate_static(releases: Sequence[PastRelease], *, zero: bool) -> StaticCalibration:
    """Learn from the footprints of the ``releases`` of the era ``zero``."""
    era = [r for r in releases if r.zero == zero]
    read = [r for r in era if r.footprint is not None]
    line = [r for r in _current_line(era) if r.footprint is not None]
    return StaticCalibration(
        pairs=len(read),
        majors=sum(1 for r in era if r.shipped is Bump.MAJOR),
        removals=tuple(r.shipped for r in read if r.footprint is Footprint.REMOVAL),
        codeless=tuple(
            r.shipped for r in read if r.footprint in (Footprint.SUPPORT, Footprint.TOOLING)
        ),
        zero=zero,
        minors=sum(1 for r in era if r.shipped is Bump.MINOR),
        additions=tuple(r.shipped for r in read if r.footprint is Footprint.ADDITION),
        line=len(line),
        line_removals=sum(1 for r in line if r.footprint is Footprint.REMOVAL),
    )


def _current_line(era: Sequence[PastRelease]) -> list[PastRelease]:
    """The newest releases of ``era`` (oldest first) that all shipped as patches."""
    run: list[PastRelease] = []
    for release in reversed(era):
        if release.shipped is not Bump.PATCH:
            break
        run.append(release)
    return run[::-1]


def needs_footprints(
    releases: Sequence[PastRelease],
    *,
    zero: bool,
    bump: Bump,
    declared: Bump | None,
    breaking_proof: str | None,
    tooling_only: bool,
    major_on_zero: bool = False,
    addition_proof: str | None = None,
    cargo: bool = False,
) -> bool:
    """Whether the footprints of ``releases`` could change the static verdict ``bump``.

    Reading them costs a diff per pair, so they are read only for a verdict a learned rule
    could calibrate (see :func:`follow_static`), and only when the shipped jumps, known without
    them, leave the rule possible: no major (for a removal; no minor either, for an addition)
    among enough releases of the era. On 0.x a minor resting on new public names (any minor of
    a Rust crate, ``cargo``) is calibrated by :func:`follow_zero`.
    """
    era = [r for r in releases if r.zero == zero]
    if tooling_only and bump is Bump.NONE:
        return bool(era)
    if bump is Bump.MINOR:
        if zero and not major_on_zero and (addition_proof is not None or cargo):
            return len(era) >= MIN_ADDITIONS
        return (
            addition_proof is not None
            and (declared is None or declared < Bump.MINOR)
            and len(era) >= MIN_STATIC_PAIRS
            and all(r.shipped is Bump.PATCH for r in era)
        )
    if bump is not Bump.MAJOR or breaking_proof is None:
        return False
    if declared is not None and declared >= Bump.MAJOR:
        return False
    if zero and not major_on_zero:
        # A 0.x minor is the break: the rule reads the patches since the last one.
        return len(_current_line(era)) >= MIN_STATIC_PAIRS
    # With majors among them, the footprints can still put the major in doubt (flag it for
    # review) when enough releases shipped below a major.
    return len(era) >= MIN_STATIC_PAIRS and (
        sum(1 for r in era if r.shipped is not Bump.MAJOR) >= MIN_REMOVALS_BELOW
    )


def _calibrated(rule: str, jump: Bump, shown: Bump, proof: str) -> HistoryVerdict:
    """A static verdict calibrated to ``jump`` by a learned ``rule``, the code's ``shown``
    level (cited by ``proof``) flagged for review."""
    notes = (
        f"{rule}: calibrated to {jump.label}",
        f"the code shows {shown.label} ({proof}): flagged for review",
    )
    return HistoryVerdict(jump, True, notes)


def follow_static(
    calibration: StaticCalibration,
    *,
    bump: Bump,
    declared: Bump | None,
    breaking_proof: str | None,
    tooling_only: bool,
    major_on_zero: bool = False,
    addition_proof: str | None = None,
) -> HistoryVerdict | None:
    """The static verdict ``bump`` calibrated by the project's habits, or None to keep it.

    ``declared`` is what the range's conventional commits declare (None without any);
    ``breaking_proof`` cites the code's strongest major finding when the major rests on a removed
    or changed public name (None when it does not, e.g. a Go module's new ``/vN`` path, which
    is itself the major release); ``addition_proof`` cites the code's strongest minor finding
    when a minor rests on the code alone (new public names, not a declaration nor a raised
    floor); ``tooling_only`` says that only tests, CI or tooling changed.
    Proof is never silently overruled: a calibrated verdict below it needs review. On 0.x a
    break makes a minor release unless ``major_on_zero``, so there only a project that stays on
    one 0.x line calibrates it (:attr:`StaticCalibration.zero_removal_jump`).
    """
    # A break the code shows and nobody declared.
    if (
        bump is Bump.MAJOR
        and breaking_proof is not None
        and (declared is None or declared < Bump.MAJOR)
    ):
        removal = calibration.removal_jump
        if removal is not None and declared is not None:
            # The removal ships as the project ships removals, the rest of the range as its
            # commits declare: a feature beside the removal still makes a minor.
            removal = max(removal, declared)
        if (not calibration.zero or major_on_zero) and removal is not None and removal < bump:
            return _calibrated(calibration.removal_rule(), removal, bump, breaking_proof)
        line = None if major_on_zero else calibration.zero_removal_jump
        if line is not None:
            return _calibrated(calibration.zero_removal_rule(), line, bump, breaking_proof)
        doubt = calibration.removal_doubt
        if doubt is not None and (not calibration.zero or major_on_zero):
            # Majors happen here too, so the major stands; but the project's removals mostly
            # shipped below one: someone should look before it is released.
            notes = (f"{doubt}: the major the code shows ({breaking_proof}) is flagged for review",)
            return HistoryVerdict(bump, True, notes)
    addition = calibration.addition_jump
    if (
        bump is Bump.MINOR
        and addition is not None
        and addition_proof is not None
        and (declared is None or declared < Bump.MINOR)
    ):
        return _calibrated(calibration.addition_rule(), addition, Bump.MINOR, addition_proof)
    codeless = calibration.codeless_jump
    if bump is Bump.NONE and tooling_only and codeless is not None:
        return HistoryVerdict(codeless, True, (f"{calibration.codeless_rule()}: calibrated",))
    return None


#: Why a Rust crate's compatible feature takes the patch on 0.x, when its history says nothing.
CARGO_ZERO_RULE = (
    "on 0.x Cargo reads 0.y as the major number, so a compatible feature ships as a patch"
)


def follow_zero(
    calibration: StaticCalibration | None,
    *,
    bump: Bump,
    why: str,
    cargo: bool,
    addition_proof: str | None,
    needs_review: bool,
) -> HistoryVerdict | None:
    """Where a compatible feature goes on 0.x, or None to keep the static verdict ``bump``.

    The jump the project's earlier 0.x releases that only added public names shipped as
    (:attr:`StaticCalibration.zero_addition_jump`) decides when the minor rests on new public
    names (``addition_proof``), or for any minor of a Rust crate (``cargo``); without such a
    habit a Rust crate follows Cargo's convention (:data:`CARGO_ZERO_RULE`) and other projects
    keep the minor. ``why`` says what makes the change a feature; ``needs_review`` is carried
    over from the static verdict, since the change itself is no less compatible.
    """
    if bump is not Bump.MINOR:
        return None
    learned = calibration.zero_addition_jump if calibration is not None else None
    shown = f"the changes add features ({why})"
    if learned is not None and calibration is not None and (addition_proof or cargo):
        rule = f"{calibration.zero_addition_rule()}: calibrated to {learned.label}"
        return HistoryVerdict(learned, needs_review, (shown, rule))
    if cargo:
        return HistoryVerdict(Bump.PATCH, needs_review, (shown, CARGO_ZERO_RULE))
    return None
