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
rather than allowed to overrule the maintainers' convention. Otherwise the static rules of
:mod:`release_tools.analysis.habits` decide. One habit is learned here for both paths:

* *raised runtime floors ship as the project ships them*: with :data:`MIN_FLOOR_PAIRS` releases
  of the era that raised the oldest supported Python, Node.js, Rust or Go (:class:`FloorHabit`),
  a floor the current range raises is a patch or a minor as those releases most often were
  (Rust crates that make each MSRV raise a minor release, libraries that drop old Pythons in
  patches), never a major by itself (see :class:`FloorHabit`). A floor raised in a range whose
  commits decide lifts the commits' jump to the learned one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from release_tools.analysis.history import PastRelease
from release_tools.versioning.bump import Bump

__all__ = [
    "CONVENTION_WEIGHT",
    "FOLLOW_RATE",
    "MIN_FLOOR_PAIRS",
    "MIN_PAIRS",
    "MIN_SAMPLES",
    "Calibration",
    "FloorHabit",
    "HistoryVerdict",
    "calibrate",
    "floor_habit",
    "follow_history",
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
#: Releases of the era that raised a runtime floor needed before their jump is learned.
MIN_FLOOR_PAIRS = 2


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
    # patches is no conflict with a patch, nor a proven break on 0.x where breaks ship as
    # minors. From 1.0 on a proven break released below a major is always a conflict, however
    # often the project did it before: users of ``^1.2`` ranges receive it.
    shown = Bump.NONE if static is Bump.NONE else calibration.mapping.get(static, static)
    if static is Bump.MAJOR and not calibration.zero:
        shown = Bump.MAJOR
    if shown > bump:
        needs_review = True
        cited = f" ({static_reason})" if static_reason else ""
        notes.append(f"the code shows {static.label}{cited}: flagged for review")
    return HistoryVerdict(bump, needs_review, tuple(notes))
