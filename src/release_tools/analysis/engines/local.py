"""The embedded local analyzer: static evidence and rules, offline, no API key.

It gathers the evidence (:func:`~release_tools.analysis.evidence.gather_evidence`), lets
:func:`~release_tools.analysis.decision.decide` weigh it, and computes the versions.

Versions: the current one comes from the context (release tag, else manifest). The next one is
:func:`~release_tools.versioning.semver.bump_version` of it, with ``major_on_zero``; a
``Release-As`` footer overrides it. Before any release (no tag, no manifest version) the first
version is 0.1.0, and 1.0.0 only for a breaking change with ``major_on_zero``: the same start
python-semantic-release makes from an implicit 0.0.0, without ever publishing a 0.0.x.
On 0.x a compatible feature of a Rust crate ships as a patch (Cargo reads ``0.y`` as the major
number), and any project's earlier 0.x releases may show where its features go.

Under calendar versioning (detected from the project's release tags, or set:
:func:`calendar_for`) the next version follows the calendar
(:func:`~release_tools.versioning.calver.calendar_version`) while the decision still names the
level of the changes; the earlier releases' jumps then say nothing of that level (a new year
looks like a major), so they calibrate nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from release_tools.analysis.calibration import (
    FloorHabit,
    HistoryVerdict,
    calibrate,
    floor_habit,
    follow_history,
)
from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.decision import Verdict, ceiling, decide, unsettled
from release_tools.analysis.evidence import commits, file_kinds, gather_evidence, gomodule
from release_tools.analysis.habits import (
    StaticCalibration,
    calibrate_static,
    follow_static,
    follow_zero,
    needs_footprints,
)
from release_tools.analysis.history import with_footprints, without_footprints
from release_tools.analysis.models import (
    STATIC_SOURCES,
    Bump,
    ChangeKind,
    Decision,
    Evidence,
    EvidenceKind,
    Strength,
)
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.errors import VersionError
from release_tools.versioning.calver import (
    BREAKING_NOTE,
    CalendarChoice,
    CalendarScheme,
    calendar_version,
    today_utc,
)
from release_tools.versioning.calvertags import project_calendar
from release_tools.versioning.semver import Scheme, Version, bump_version, jump
from release_tools.versioning.tags import ReleaseTag, find_release_tags

__all__ = [
    "FIRST_VERSION",
    "LocalAnalyzer",
    "NextVersion",
    "calendar_for",
    "cargo_feature_patch",
    "change_stats",
    "next_version",
]

log = logging.getLogger(__name__)

#: The first release when nothing was released before (see the module docstring).
FIRST_VERSION = Version(0, 1, 0)


@dataclass(frozen=True, slots=True)
class NextVersion:
    """What :func:`next_version` computed: both versions, the bump they make, warnings."""

    current: str | None
    next: str | None
    bump: Bump
    warnings: list[str] = field(default_factory=list)
    #: A Release-As override was asked for and could not be honoured (not a version, or not
    #: above the current one); :attr:`warnings` says why.
    release_as_ignored: bool = False
    #: A Release-As override was honoured but jumps further than releases do (more than ten
    #: majors, or a number beyond any real version); :attr:`warnings` says so.
    release_as_unusual: bool = False


#: Larger version numbers are typos or pranks: date-based versions (20261204) stay below it.
_MAX_SANE_NUMBER = 999_999_999
#: A Release-As exists to skip versions (aligning with a platform's 4.0), so a jump of a few
#: majors is its normal use; this many more is a slip of the keyboard until a human says so.
_MAX_SANE_MAJOR_JUMP = 10


def _unusual_jump(current: Version | None, target: Version) -> str | None:
    """Why honouring a Release-As ``target`` deserves a human look (None when it does not)."""
    if max(target.core) > _MAX_SANE_NUMBER:
        return f"has a number above {_MAX_SANE_NUMBER:,}"
    if current is not None and target.major > current.major + _MAX_SANE_MAJOR_JUMP:
        return f"jumps {target.major - current.major} major versions"
    return None


def next_version(
    current: str | None,
    bump: Bump,
    *,
    major_on_zero: bool = False,
    release_as: str | None = None,
    scheme: Scheme = "semver",
    calendar: CalendarScheme | None = None,
    today: date | None = None,
) -> NextVersion:
    """The current and next versions, both spelled in ``scheme``, with the bump and warnings.

    ``bump`` is returned unchanged unless a ``Release-As`` override implies another level.
    With a ``calendar``, the next version is the calendar's on ``today`` (UTC today when None);
    none, with a warning, when the calendar gives none above the current version.
    """
    warnings: list[str] = []
    ignored = False
    parsed: Version | None = None
    if current is not None:
        try:
            parsed = Version.parse(current)
        except VersionError:
            warnings.append(f"current version {current!r} is not a semantic version")
    current_text = parsed.render(scheme) if parsed is not None else current
    if release_as is not None:
        try:
            target = Version.parse(release_as)
        except VersionError:
            warnings.append(f"ignored Release-As {release_as!r}: not a version")
            ignored = True
        else:
            if parsed is not None and target <= parsed:
                warnings.append(
                    f"ignored Release-As {release_as}: not higher than the current version "
                    f"{current_text}"
                )
                ignored = True
            else:
                # The version type names the jump the release actually makes.
                if parsed is not None:
                    bump = jump(parsed, target)
                elif bump is Bump.NONE:
                    bump = Bump.MINOR
                unusual = _unusual_jump(parsed, target)
                if unusual is not None:
                    warnings.append(f"Release-As {release_as} {unusual}: check it is intended")
                return NextVersion(
                    current_text,
                    target.render(scheme),
                    bump,
                    warnings,
                    release_as_unusual=unusual is not None,
                )
    if bump is Bump.NONE:
        return NextVersion(current_text, None, bump, warnings, ignored)
    if calendar is not None and (parsed is not None or current is None):
        try:
            dated = calendar_version(parsed, bump, calendar, today or today_utc())
        except VersionError as exc:
            warnings.append(str(exc))
            return NextVersion(current_text, None, bump, warnings, ignored)
        return NextVersion(current_text, dated.render(scheme), bump, warnings, ignored)
    if parsed is None:
        if current is not None:
            return NextVersion(current_text, None, bump, warnings, ignored)
        first = bump_version(Version(0, 0, 0), bump, major_on_zero=major_on_zero)
        return NextVersion(None, max(first, FIRST_VERSION).render(scheme), bump, warnings, ignored)
    bumped = bump_version(parsed, bump, major_on_zero=major_on_zero)
    return NextVersion(current_text, bumped.render(scheme), bump, warnings, ignored)


def change_stats(ctx: AnalysisContext) -> dict[str, int]:
    """Counts shown in the report: files by kind, lines, commits."""
    changes = ctx.changes
    return {
        "commits": len(ctx.commits),
        "files": len(changes),
        "files_analyzed": sum(1 for c in changes if not c.excluded),
        "files_excluded": sum(1 for c in changes if c.excluded),
        "files_added": sum(1 for c in changes if c.kind is ChangeKind.ADDED),
        "files_deleted": sum(1 for c in changes if c.kind is ChangeKind.DELETED),
        "files_renamed": sum(1 for c in changes if c.kind is ChangeKind.RENAMED),
        "files_binary": sum(1 for c in changes if c.binary),
        "files_truncated": sum(1 for c in changes if c.truncated),
        "additions": sum(c.additions for c in changes),
        "deletions": sum(c.deletions for c in changes),
    }


def _own_tags(tags: Sequence[ReleaseTag], project: str | None) -> list[ReleaseTag]:
    """The release tags of ``project`` (else the unnamed ones); without a project, the
    unnamed ones, else those of the only project that names its tags."""
    unnamed = [t for t in tags if not t.project]
    if project is not None:
        return [t for t in tags if t.project == project] or unnamed
    if unnamed or len({t.project for t in tags}) != 1:
        return unnamed
    return list(tags)


def calendar_for(ctx: AnalysisContext, choice: CalendarChoice) -> CalendarScheme | None:
    """The calendar scheme of the analyzed project, as ``choice`` (the settings) asks and its
    release tags reachable from the head show; None for semantic versioning."""
    if choice.scheme == "semver":
        return None
    tags = find_release_tags(ctx.git, ctx.head_sha, ctx.tag_pattern or DEFAULT_TAG_PATTERN)
    return project_calendar(ctx.git, _own_tags(tags, ctx.project_name), choice)


#: The history's report under calendar versioning, which learns nothing from it.
_CALENDAR_HISTORY = {
    "decided": False,
    "reason": "calendar versioning: the versions follow the calendar, not the changes",
}


class LocalAnalyzer:
    """Static analysis on this machine: the default provider.

    ``choice`` is the versioning the settings ask for (detected by default); ``today`` gives
    the release date calendar versions are made from.
    """

    name = "local"

    def __init__(
        self, *, choice: CalendarChoice | None = None, today: Callable[[], date] = today_utc
    ) -> None:
        self._choice = choice or CalendarChoice()
        self._today = today

    def analyze(self, ctx: AnalysisContext) -> Decision:
        """Gather evidence, decide the bump and compute the versions for ``ctx``."""
        calendar = calendar_for(ctx, self._choice)
        habit = _floor_habit(ctx) if calendar is None else None
        evidence = _floors_as_shipped(gather_evidence(ctx), habit)
        # Net file changes, not commits: a feature and its revert leave nothing to release.
        has_changes = bool(ctx.changes)
        verdict = decide(evidence, has_changes=has_changes)
        bump, needs_review, reasoning = verdict.bump, verdict.needs_review, verdict.reasoning
        major_on_zero = ctx.major_on_zero
        if calendar is None:
            history, learned, by_commits = _calibrated(ctx, evidence, verdict, habit)
        else:
            history = dict(_CALENDAR_HISTORY) if ctx.history is not None else None
            learned, by_commits = None, False
        if learned is not None:
            # The learned jump is in the project's own terms (0.x included): taken as is.
            bump, needs_review, major_on_zero = learned.bump, learned.needs_review, True
            if by_commits:
                reasoning = _history_reasoning(learned, evidence)
            else:
                reasoning = f"{learned.bump.label}: " + ". ".join(learned.notes) + "."
            # The learned jump is in the project's own terms: on 0.x a minor is the break.
            zero_break = _zero(ctx) and not ctx.major_on_zero
            note = unsettled(evidence, bump, breaking=Bump.MINOR if zero_break else Bump.MAJOR)
            if note is not None:
                # What the history decided leaves a finding unsettled all the same.
                needs_review = True
                reasoning = reasoning.removesuffix(".") + f". {note}."
        versions = next_version(
            ctx.current_version,
            bump,
            major_on_zero=major_on_zero,
            release_as=verdict.release_as,
            scheme=ctx.version_scheme,
            calendar=calendar,
            today=self._today() if calendar is not None else None,
        )
        if calendar is not None and versions.bump is Bump.MAJOR:
            reasoning = reasoning.removesuffix(".") + f"; {BREAKING_NOTE}."
        log.info(
            "local decision",
            extra={"bump": versions.bump.label, "evidence": len(evidence), "next": versions.next},
        )
        return Decision(
            version_type=versions.bump.label,
            # An override that could not be honoured is a maintainer's request gone unanswered;
            # one that jumps absurdly far is more likely a typo than a plan.
            needs_review=needs_review or versions.release_as_ignored or versions.release_as_unusual,
            reasoning=reasoning,
            current_version=versions.current,
            next_version=versions.next,
            **ctx.range_fields(),
            provider=self.name,
            evidence=list(evidence),
            warnings=[*verdict.warnings, *versions.warnings],
            stats=change_stats(ctx),
            history=history,
            conventions={"version_scheme": calendar.to_dict()} if calendar is not None else None,
        )


#: Tests, CI and tooling: the kinds of files a release is not made for.
_TOOLING_KINDS = frozenset({"tests", "ci", "dev"})


def _breaking_proof(ctx: AnalysisContext, evidence: Sequence[Evidence]) -> str | None:
    """The citation of the code's strongest major finding when the major rests on public names.

    None when there is no such finding (a major that rests only on a raised runtime floor is no
    removal), or when a Go module took the next ``/vN`` path: that is the major release itself,
    not a removal a project might ship as minor. The module path is read again rather than
    looked up in ``evidence``, whose long lists are capped into summaries.
    """
    majors = [
        e
        for e in evidence
        if e.source in STATIC_SOURCES
        and e.level is Bump.MAJOR
        and e.kind not in (EvidenceKind.CEILING, EvidenceKind.RUNTIME_FLOOR)
    ]
    if not majors:
        return None
    if any(e.source == "go-api" for e in majors) and any(
        e.level is Bump.MAJOR for e in gomodule.gather(ctx)
    ):
        return None
    top = min(majors, key=lambda e: (e.strength.rank, e.is_summary))
    return top.citation


def _addition_proof(evidence: Sequence[Evidence]) -> str | None:
    """The citation of the code's strongest minor finding when every firm minor item is the
    code's (new public names), none a declaration, a change note, or a raised runtime floor."""
    minors = [
        e
        for e in evidence
        if e.level is Bump.MINOR and e.strength in (Strength.PROOF, Strength.STRONG)
    ]
    if not minors or any(
        e.source not in STATIC_SOURCES or e.kind is EvidenceKind.RUNTIME_FLOOR for e in minors
    ):
        return None
    top = min(minors, key=lambda e: (e.strength.rank, e.is_summary))
    return top.citation


def _zero(ctx: AnalysisContext) -> bool:
    """Whether the current version is a 0.x one (histories are read per era)."""
    current: Version | None = None
    with contextlib.suppress(VersionError):
        current = Version.parse(ctx.current_version) if ctx.current_version else None
    return current is not None and current.major == 0


def _floor_habit(ctx: AnalysisContext) -> FloorHabit | None:
    """How the project's earlier releases shipped raised runtime floors, when they say."""
    if ctx.history is None:
        return None
    return floor_habit(ctx.history.releases, zero=_zero(ctx))


def _floors_as_shipped(evidence: list[Evidence], habit: FloorHabit | None) -> list[Evidence]:
    """``evidence`` with each raised runtime floor below major at the jump the project's habit
    gives it: what a floor means is the project's policy, and its history states that policy.
    A major floor (leaving Python 2, a new Node.js major) keeps its level."""
    if habit is None:
        return evidence
    return [
        e.model_copy(update={"bump": habit.jump.word, "message": f"{e.message}; {habit.rule()}"})
        if e.kind is EvidenceKind.RUNTIME_FLOOR and e.level < Bump.MAJOR
        else e
        for e in evidence
    ]


def _calibrated(
    ctx: AnalysisContext,
    evidence: Sequence[Evidence],
    verdict: Verdict,
    habit: FloorHabit | None = None,
) -> tuple[dict[str, Any] | None, HistoryVerdict | None, bool]:
    """What the project's history says (for the report), its verdict when it decides, and
    whether that verdict follows the commits (else it calibrates the static one)."""
    has_changes = bool(ctx.changes)
    if ctx.history is None:
        return None, _zero_verdict(ctx, evidence, verdict, None), False
    zero = _zero(ctx)
    calibration = calibrate(ctx.history.releases, zero=zero, cargo=ctx.cargo)
    _conventional, declared = commits.declared(ctx.commits, ctx.commit_types)
    # What the maintainers wrote in change notes (a changelog's "Breaking changes", a news
    # fragment, a changeset) is declared as much as a commit type: it lifts the commits'
    # level, and keeps the static rules from calibrating a break it names.
    noted = max(
        (
            e.level
            for e in evidence
            if e.kind is EvidenceKind.CHANGE_NOTE and e.strength is not Strength.WEAK
        ),
        default=None,
    )
    stated = declared if noted is None or (declared is not None and declared >= noted) else noted
    if declared is not None:
        declared = stated
    proof = [
        e
        for e in evidence
        if e.source in STATIC_SOURCES and e.proof and e.kind is not EvidenceKind.CEILING
    ]
    strongest = max(proof, key=lambda e: (e.level, not e.is_summary), default=None)
    learned = None
    if has_changes:
        raises_floor = any(e.kind is EvidenceKind.RUNTIME_FLOOR for e in evidence)
        learned = follow_history(
            calibration,
            declared=declared,
            static=strongest.level if strongest is not None else Bump.NONE,
            static_reason=strongest.citation if strongest is not None else None,
            floor=habit if raises_floor else None,
        )
    cap = ceiling(evidence)
    if learned is not None and cap is not None and learned.bump > cap.level:
        # The commits ask for more than the ecosystem allows (a breaking commit in a Go module
        # that keeps its path): the cap holds, with review.
        note = f"capped at {cap.level.label}: {cap.citation}"
        learned = HistoryVerdict(cap.level, True, (*learned.notes, note))
    report = calibration.as_json()
    report["floors"] = habit.as_json() if habit is not None else None
    report["decided"] = learned is not None
    report["skipped"] = ctx.history.skipped
    if calibration.follows_commits and learned is None:
        report["reason"] = (
            "no conventional commits in this range" if declared is None else "nothing changed"
        )
    by_commits = learned is not None
    # Footprints count only as with_footprints selects them (a cache may hold others).
    releases = without_footprints(ctx.history).releases
    if learned is None and has_changes:
        breaking = _breaking_proof(ctx, evidence) if verdict.bump is Bump.MAJOR else None
        added = _addition_proof(evidence) if verdict.bump is Bump.MINOR else None
        tooling = all(file_kinds.classify(c.path) in _TOOLING_KINDS for c in ctx.changes)
        if needs_footprints(
            releases,
            zero=zero,
            bump=verdict.bump,
            declared=stated,
            breaking_proof=breaking,
            tooling_only=tooling,
            major_on_zero=ctx.major_on_zero,
            addition_proof=added,
            cargo=ctx.cargo,
        ):
            releases = with_footprints(ctx.git, ctx.history, kind_of=file_kinds.classify).releases
            learned = follow_static(
                calibrate_static(releases, zero=zero),
                bump=verdict.bump,
                declared=stated,
                breaking_proof=breaking,
                tooling_only=tooling,
                major_on_zero=ctx.major_on_zero,
                addition_proof=added,
            )
    static = calibrate_static(releases, zero=zero)
    if learned is None and has_changes and zero:
        learned = _zero_verdict(ctx, evidence, verdict, static)
    report["static"] = {**static.as_json(), "decided": learned is not None and not by_commits}
    report["decided"] = learned is not None
    return report, learned, by_commits


def cargo_feature_patch(ctx: AnalysisContext, bump: Bump) -> bool:
    """Whether ``bump`` is a compatible feature of a Rust crate on 0.x (without
    ``major_on_zero``), which Cargo's convention releases as a patch
    (:data:`~release_tools.analysis.habits.CARGO_ZERO_RULE`); for engines that do not read
    the project's history."""
    return bump is Bump.MINOR and ctx.cargo and _zero(ctx) and not ctx.major_on_zero


def _zero_verdict(
    ctx: AnalysisContext,
    evidence: Sequence[Evidence],
    verdict: Verdict,
    static: StaticCalibration | None,
) -> HistoryVerdict | None:
    """Where a minor goes on 0.x (see :func:`follow_zero`), or None to keep it."""
    if not _zero(ctx) or ctx.major_on_zero or not ctx.changes or verdict.release_as:
        return None
    if verdict.bump is not Bump.MINOR:
        return None
    minors = [e for e in evidence if e.level is Bump.MINOR and e.strength is not Strength.WEAK]
    top = min(minors, key=lambda e: (e.strength.rank, e.is_summary), default=None)
    return follow_zero(
        static,
        bump=verdict.bump,
        why=top.citation if top is not None else "minor-level evidence",
        cargo=ctx.cargo,
        addition_proof=_addition_proof(evidence),
        needs_review=verdict.needs_review,
    )


def _history_reasoning(learned: HistoryVerdict, evidence: Sequence[Evidence]) -> str:
    """The reasoning when the history decides: the bump, the commit (or the change note that
    declares more) behind it, what was learned."""
    declared = [
        e
        for e in evidence
        if e.source == "conventional-commit"
        or (e.kind is EvidenceKind.CHANGE_NOTE and e.strength is not Strength.WEAK)
    ]
    # The commit first at equal levels: the commits are what the history was learned from.
    top = max(
        declared,
        key=lambda e: (e.level, e.source == "conventional-commit", -e.strength.rank),
        default=None,
    )
    head = f"{learned.bump.label}: {top.citation}" if top is not None else learned.bump.label
    return ". ".join([head, *learned.notes]) + "."
