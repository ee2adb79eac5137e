"""Learn a project's release habits from its history, and decide with them; pure.

From the earlier release pairs (:mod:`release_tools.analysis.history`) of the same era as the
current version (0.x or not: projects bump differently before 1.0) this measures how the
maintainers map what their Conventional Commits declare to the jump they ship:

* ``mapping``: for each declared level (breaking / feat / fix / chore-only), the jump most often
  shipped, the convention's answer counted :data:`CONVENTION_WEIGHT` extra times. Seen fewer
  than :data:`MIN_SAMPLES` times, a level maps to itself (0.x: a breaking change to a minor,
  chore-only to a patch), which is what the conventions say. A level is never mapped below the
  convention's jump when the project also shipped it at that jump: features that went out in
  patches and, once, in a minor say that some features make minors, and the commits do not
  say which;
* ``agreed``: how many pairs the mapping predicts, each judged by the mapping learned from the
  *other* pairs (leave one out), so that a project is not credited with fitting its own noise.

When enough pairs carry conventional commits (:data:`MIN_PAIRS`) and their agreement reaches
:data:`FOLLOW_RATE`, the project releases by commit type: the commits of the current range
decide through the mapping, and evidence from the code that shows more is flagged for review
rather than allowed to overrule the maintainers' convention. Otherwise the static rules decide,
calibrated by what the same kind of code change shipped as before (:class:`StaticCalibration`,
from each pair's :class:`~release_tools.analysis.history.Footprint`):

* *removals ship below major*: a project with :data:`MIN_STATIC_PAIRS` releases of the era and
  no major among them, whose releases removed public names at least :data:`MIN_REMOVALS` times,
  treats such removals as minor (renames, internal names that looked public, a lax policy): a
  major the code shows, that no commit declares, is calibrated to that jump with review;
* *raised runtime floors ship as the project ships them*: with :data:`MIN_FLOOR_PAIRS` releases
  of the era that raised the oldest supported Python, Node.js, Rust or Go (:class:`FloorHabit`),
  a floor the current range raises is a patch or a minor as those releases most often were
  (Rust crates that make each MSRV raise a minor release, libraries that drop old Pythons in
  patches), never a major by itself (see :class:`FloorHabit`). This applies to both of the
  above: a floor raised in a range whose commits decide lifts the commits' jump to the
  learned one;
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
from dataclasses import dataclass, field

from release_tools.analysis.history import Footprint, PastRelease
from release_tools.versioning.bump import Bump

__all__ = [
    "CARGO_ZERO_RULE",
    "CONVENTION_WEIGHT",
    "FOLLOW_RATE",
    "MIN_ADDITIONS",
    "MIN_FLOOR_PAIRS",
    "MIN_PAIRS",
    "MIN_REMOVALS",
    "MIN_SAMPLES",
    "MIN_STATIC_PAIRS",
    "ZERO_ADDITION_SHARE",
    "Calibration",
    "FloorHabit",
    "HistoryVerdict",
    "StaticCalibration",
    "calibrate",
    "calibrate_static",
    "floor_habit",
    "follow_history",
    "follow_static",
    "follow_zero",
    "needs_footprints",
]

#: Pairs with conventional commits needed before the history is trusted at all.
MIN_PAIRS = 5
#: Share of those pairs the commit mapping must predict (leave-one-out) to decide.
FOLLOW_RATE = 0.75
#: Share of all pairs that must carry conventional commits: a project that only sometimes
#: writes them does not release by them.
MIN_COVERAGE = 0.5
#: Pairs of one declared level needed before its learned jump replaces the convention's.
MIN_SAMPLES = 2
#: Pseudo-releases counted for the convention's answer of each declared level: a project's
#: own mapping must outweigh it, so two releases that shipped a feature as a patch do not yet
#: make every feature a patch.
CONVENTION_WEIGHT = 2
#: Pairs of the era with a footprint needed before "removals ship below major" is learned:
#: fewer releases without a major say little about a policy.
MIN_STATIC_PAIRS = 10
#: Releases that removed public names, none of them a major, needed for that rule.
MIN_REMOVALS = 2
#: Releases of the era that raised a runtime floor needed before their jump is learned.
MIN_FLOOR_PAIRS = 2
#: Releases that added public names, all of them patches, needed for "additions ship as
#: patch" (besides :data:`MIN_STATIC_PAIRS` releases of the era and none above a patch); on
#: 0.x, releases that added public names needed to learn how features ship.
MIN_ADDITIONS = 2
#: On 0.x, the share of those releases that must have shipped alike.
ZERO_ADDITION_SHARE = 0.75


def _default(level: Bump, zero: bool, cargo: bool = False) -> Bump:
    """What the convention maps a declared level to: every release bumps something. On 0.x a
    break takes the minor, and for a Rust crate (``cargo``) a feature takes the patch: Cargo
    reads ``0.y`` as the major number."""
    if level is Bump.NONE:
        return Bump.PATCH
    if zero and level is Bump.MAJOR:
        return Bump.MINOR
    if zero and cargo and level is Bump.MINOR:
        return Bump.PATCH
    return level


def _mapping(releases: Sequence[PastRelease], zero: bool, cargo: bool) -> dict[Bump, Bump]:
    counts: dict[Bump, Counter[Bump]] = {}
    for release in releases:
        if release.declared is not None:
            counts.setdefault(release.declared, Counter())[release.shipped] += 1
    out: dict[Bump, Bump] = {}
    for level in Bump:
        seen = counts.get(level)
        if seen is None or sum(seen.values()) < MIN_SAMPLES:
            out[level] = _default(level, zero, cargo)
            continue
        # Most frequent, the convention's answer counted CONVENTION_WEIGHT times more: leaving
        # the convention takes more than two releases that happened to ship otherwise. Ties go
        # to the convention's answer, then to the larger jump.
        default = _default(level, zero, cargo)
        weighed = Counter(seen)
        weighed[default] += CONVENTION_WEIGHT
        best = max(weighed.values())
        tied = [jump for jump, n in weighed.items() if n == best]
        chosen = default if default in tied else max(tied)
        if chosen < default and seen[default] > 0:
            # The project has shipped this level at the convention's jump too: which of its
            # releases are the smaller ones is not in the commits, so never bump below it.
            chosen = default
        out[level] = chosen
    return out


@dataclass(frozen=True, slots=True)
class Calibration:
    """What the history says about this project's releases."""

    #: Pairs of the current era read from history.
    pairs: int
    #: Of those, pairs whose commits include conventional ones.
    conventional_pairs: int
    #: Of those, pairs whose shipped jump the mapping predicts (leave one out).
    agreed: int
    zero: bool
    mapping: dict[Bump, Bump] = field(default_factory=dict)
    #: Why the history does not decide, when it does not.
    reason: str = ""
    #: Whether the convention is Cargo's (on 0.x a feature takes the patch).
    cargo: bool = False

    @property
    def follows_commits(self) -> bool:
        """Whether this project releases by what its commits declare."""
        return not self.reason

    @property
    def agreement(self) -> float:
        return self.agreed / self.conventional_pairs if self.conventional_pairs else 0.0

    def summary(self) -> str:
        """One sentence for the reasoning: what was learned, from how much."""
        era = "0.x " if self.zero else ""
        if not self.pairs:
            return f"no earlier {era}releases to learn from"
        text = (
            f"the last {self.pairs} {era}releases followed their commit types "
            f"{self.agreed} of {self.conventional_pairs} times"
            if self.conventional_pairs
            else f"the last {self.pairs} {era}releases had no conventional commits"
        )
        mapped = [
            f"{_declared_name(level)} shipped as {self.mapping[level].label}"
            for level in (Bump.MAJOR, Bump.MINOR, Bump.PATCH, Bump.NONE)
            if level in self.mapping
            and self.mapping[level] is not _default(level, self.zero, self.cargo)
        ]
        if mapped:
            text += f" ({', '.join(mapped)})"
        return text

    def as_json(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "conventional_pairs": self.conventional_pairs,
            "agreed": self.agreed,
            "follows_commits": self.follows_commits,
            "mapping": {_declared_name(level): jump.label for level, jump in self.mapping.items()},
            "reason": self.reason or None,
        }


def _declared_name(level: Bump) -> str:
    return {
        Bump.MAJOR: "breaking",
        Bump.MINOR: "feat",
        Bump.PATCH: "fix",
        Bump.NONE: "chore-only",
    }[level]


def calibrate(releases: Sequence[PastRelease], *, zero: bool, cargo: bool = False) -> Calibration:
    """Learn from the ``releases`` of the era ``zero`` (the current version is 0.x or not);
    ``cargo`` says the project is a Rust crate, whose convention on 0.x differs."""
    era = [r for r in releases if r.zero == zero]
    conventional = [r for r in era if r.declared is not None]
    agreed = 0
    for index, release in enumerate(conventional):
        others = conventional[:index] + conventional[index + 1 :]
        assert release.declared is not None
        if _mapping(others, zero, cargo)[release.declared] is release.shipped:
            agreed += 1
    mapping = _mapping(conventional, zero, cargo)
    reason = ""
    if len(conventional) < MIN_PAIRS:
        reason = (
            f"too little release history ({len(conventional)} earlier releases with "
            f"conventional commits, {MIN_PAIRS} needed)"
        )
    elif len(conventional) < MIN_COVERAGE * len(era):
        reason = f"only {len(conventional)} of {len(era)} earlier releases had conventional commits"
    elif agreed < FOLLOW_RATE * len(conventional):
        reason = (
            f"earlier releases followed their commit types only {agreed} of "
            f"{len(conventional)} times"
        )
    return Calibration(len(era), len(conventional), agreed, zero, mapping, reason, cargo)


@dataclass(frozen=True, slots=True)
class FloorHabit:
    """The jumps shipped by the earlier releases (of the era) that raised a runtime floor.

    A floor is learned as a patch or a minor, never as a major: projects drop old runtimes in
    their major releases, beside the breaking changes that make those majors, so a major there
    only says "more than a patch". Leaving a language major (Python 2) or a Node.js major stays
    the major its evidence says, whatever the habit.
    """

    jumps: tuple[Bump, ...]
    zero: bool

    @property
    def jump(self) -> Bump:
        """Patch when most of them shipped as patches, else minor (a tie is a minor)."""
        patches = sum(1 for j in self.jumps if j <= Bump.PATCH)
        return Bump.PATCH if patches > len(self.jumps) - patches else Bump.MINOR

    def rule(self) -> str:
        """The learned rule, for the reasoning."""
        era = "0.x " if self.zero else ""
        patches = sum(1 for j in self.jumps if j <= Bump.PATCH)
        said = f"{patches} of them shipped as patch"
        if self.jump is Bump.MINOR:
            said = f"{len(self.jumps) - patches} of them shipped as minor or more"
        total = len(self.jumps)
        return f"{total} earlier {era}releases raised the oldest supported runtime and {said}"

    def as_json(self) -> dict[str, object]:
        return {"shipped": [j.label for j in self.jumps], "ships_as": self.jump.label}


def floor_habit(releases: Sequence[PastRelease], *, zero: bool) -> FloorHabit | None:
    """How the releases of the era ``zero`` shipped raised runtime floors; None with fewer than
    :data:`MIN_FLOOR_PAIRS` of them."""
    jumps = tuple(r.shipped for r in releases if r.zero == zero and r.floors)
    return FloorHabit(jumps, zero) if len(jumps) >= MIN_FLOOR_PAIRS else None


@dataclass(frozen=True, slots=True)
class HistoryVerdict:
    """The bump the project's habits give for the current range, and what disagrees."""

    bump: Bump
    needs_review: bool
    notes: tuple[str, ...]


def follow_history(
    calibration: Calibration,
    *,
    declared: Bump | None,
    static: Bump,
    static_reason: str | None = None,
    floor: FloorHabit | None = None,
) -> HistoryVerdict | None:
    """The calibrated decision, or None when the history does not decide this range.

    ``declared`` is the highest level the range's conventional commits declare (None without
    any); ``static`` the highest level the code *proves* (a removed public name, an incompatible
    signature), with ``static_reason`` citing it. A project that releases by commit type gets the
    mapped jump of its commits; proof of more is flagged, never silently followed or ignored.
    ``floor`` is the project's habit when the range raises a runtime floor: its jump is the
    least this release makes.
    """
    if not calibration.follows_commits or declared is None:
        return None
    default = _default(declared, calibration.zero, calibration.cargo)
    bump = calibration.mapping.get(declared, default)
    notes = [f"{calibration.summary()}: commits decide"]
    if floor is not None and floor.jump > bump:
        bump = floor.jump
        notes.append(f"this release raises a runtime floor, and {floor.rule()}")
    needs_review = False
    # Proof is judged in the project's own terms: a proven addition where additions ship as
    # patches is no conflict with a patch.
    shown = Bump.NONE if static is Bump.NONE else calibration.mapping.get(static, static)
    if shown > bump:
        needs_review = True
        cited = f" ({static_reason})" if static_reason else ""
        notes.append(f"the code shows {static.label}{cited}: flagged for review")
    return HistoryVerdict(bump, needs_review, tuple(notes))


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
    return len(era) >= MIN_STATIC_PAIRS and not any(r.shipped is Bump.MAJOR for r in era)


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
        if (not calibration.zero or major_on_zero) and removal is not None and removal < bump:
            return _calibrated(calibration.removal_rule(), removal, bump, breaking_proof)
        line = None if major_on_zero else calibration.zero_removal_jump
        if line is not None:
            return _calibrated(calibration.zero_removal_rule(), line, bump, breaking_proof)
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
