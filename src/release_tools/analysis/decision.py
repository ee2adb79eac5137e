"""Combine evidence into one bump decision with a needs-review flag and a short reasoning; pure.

The rules, in order:

1. The bump is the highest level among *proof* and *strong* evidence (a removed public function,
   a conventional commit). *Weak* evidence (the kinds of files changed, heuristics) only fills in
   when nothing stronger said anything.
2. Nothing to release (``Bump.NONE``, printed ``unknown``) when the range has no changes, or
   when the only evidence says ``none`` (tests- or CI-only changes).
3. ``needs_review`` is raised when the evidence conflicts or is thin:

   * static analysis proves a bigger change than the commits declared (``fix:`` commits but a
     public function disappeared): the proof wins, a human should look;
   * only weak evidence was found (e.g. "source files changed" and nothing else);
   * new public names make a minor that no commit type or change note declares: the code
     alone decides, and projects without such declarations ship additions as patches about
     as often as minors;
   * several ``Release-As`` footers ask for different versions;
   * the code shows one or two breaking changes among many additions (a feature release that
     broke an obscure corner, or a break that is not one): the bump stays major;
   * a raised runtime floor (oldest supported Python or Node.js) at minor or more is among
     the evidence of a release below major: it is a minor by semver, a major by many
     projects' policy (a floor at patch, as Rust and Go toolchains are, or as a project's
     history ships them, asks for nothing);
   * the only major evidence is removed deprecation warnings (deprecated paths taken out):
     strong, but read from the code's words rather than its signatures;
   * part of the public API was not read at all (an ``unread`` item: a size budget, broken
     code) and the verdict is below major: what was not read may hold a removal;
   * a reader could not settle a finding (:attr:`Evidence.review`: a name moved to another
     module, a removal that undoes an earlier release's addition) and the verdict is below
     major: what it read as less may be a break (:func:`unsettled`).

   Evidence is recognised by its typed fields (:attr:`Evidence.kind`, ``source``, ``strength``),
   never by the wording of its message, so rewording a message cannot change a decision.

   Commits that declare a breaking change without any API proof do *not* raise it: behavioural
   breaks are invisible to static analysis, and the author's declaration is the better signal
   (the same trust python-semantic-release and commitizen give to ``!`` and footers).
4. A ``Release-As: x.y.z`` footer is an explicit override of the next version: the
   :attr:`Evidence.release_as` of ``release-as`` evidence is reported in
   :attr:`Verdict.release_as` and the computed bump stays as evidence for the reasoning.
5. A ``ceiling`` (an ecosystem rule such as Go's: a module keeping its import path cannot
   make a major release) caps the bump; when the code showed more, ``needs_review`` is raised
   and the reasoning names what was capped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from release_tools.analysis.models import (
    STATIC_SOURCES,
    Bump,
    Evidence,
    EvidenceKind,
    Strength,
)

__all__ = ["Verdict", "ceiling", "decide", "unsettled"]

#: What people declared about the change: commit messages and the change notes they wrote.
_DECLARED_SOURCES = frozenset({"conventional-commit", "change-note"})
# A release whose static evidence is mostly additions with one or two breaks is flagged.
_LONE_BREAKS = 2
_ADDITIONS_PER_BREAK = 5


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of :func:`decide`."""

    bump: Bump
    needs_review: bool
    reasoning: str
    release_as: str | None = None
    warnings: tuple[str, ...] = ()


def _max_level(items: Sequence[Evidence]) -> Bump:
    return max((e.level for e in items), default=Bump.NONE)


def ceiling(evidence: Sequence[Evidence]) -> Evidence | None:
    """The lowest ``ceiling`` among ``evidence`` (the cap on the bump), None without one."""
    caps = [e for e in evidence if e.kind is EvidenceKind.CEILING]
    return min(caps, key=lambda e: e.level, default=None)


def _strongest(items: Sequence[Evidence], level: Bump) -> Evidence | None:
    """The most trustworthy item at ``level``: proof before strong before weak, first seen."""
    candidates = [e for e in items if e.level is level]
    if not candidates:
        return None
    # A listed finding is cited before a summary of capped ones ("... and N more").
    return min(candidates, key=lambda e: (e.strength.rank, e.is_summary))


def unsettled(
    evidence: Sequence[Evidence], bump: Bump, *, breaking: Bump = Bump.MAJOR
) -> str | None:
    """The note that asks for review when a verdict of ``bump`` leaves a finding its reader
    could not settle (:attr:`Evidence.review`) below ``breaking`` (the jump of a break: a
    minor for a project on 0.x that reads its minor as the major), else None."""
    if bump >= breaking:
        return None
    items = [e for e in evidence if e.review]
    if not items:
        return None
    first = items[0].citation.replace(" (review)", "")
    more = f" and {len(items) - 1} more" if len(items) > 1 else ""
    return f"the code readers could not settle {first}{more}"


def _release_as(evidence: Sequence[Evidence]) -> tuple[str | None, list[str]]:
    versions: list[str] = []
    for item in evidence:
        if item.release_as is not None and item.release_as not in versions:
            versions.append(item.release_as)
    if not versions:
        return None, []
    warnings: list[str] = []
    if len(versions) > 1:
        # Commits arrive newest first (git log order): the latest request wins.
        warnings.append(
            f"several Release-As versions requested ({', '.join(versions)}); using {versions[0]}"
        )
    return versions[0], warnings


def _declarers(declared: Sequence[Evidence]) -> str:
    """Who declared: "commits", "change notes" or both, for the reasoning."""
    sources = {e.source for e in declared}
    names = [
        n
        for s, n in (("conventional-commit", "commits"), ("change-note", "change notes"))
        if s in sources
    ]
    return " and ".join(names) or "commits"


def decide(evidence: Sequence[Evidence], *, has_changes: bool) -> Verdict:
    """Decide the bump the ``evidence`` supports; ``has_changes`` says whether the range is empty.

    Pure: the same evidence always gives the same verdict. See the module docstring for the rules.
    """
    release_as, warnings = _release_as(evidence)
    scored = [e for e in evidence if e.kind not in (EvidenceKind.RELEASE_AS, EvidenceKind.CEILING)]

    if not has_changes and not scored:
        reason = "no changes in the range: nothing to release"
        if release_as:
            return Verdict(Bump.NONE, True, reason, release_as, tuple(warnings))
        return Verdict(Bump.NONE, False, reason, None, tuple(warnings))

    firm = [e for e in scored if e.strength in (Strength.PROOF, Strength.STRONG)]
    weak = [e for e in scored if e.strength is Strength.WEAK]
    firm_level = _max_level(firm)
    if firm_level > Bump.NONE:
        bump, basis = firm_level, firm
    else:
        bump, basis = _max_level(weak), weak

    needs_review = False
    notes: list[str] = []

    static_level = _max_level([e for e in scored if e.source in STATIC_SOURCES])
    static_proof = _max_level([e for e in scored if e.source in STATIC_SOURCES and e.proof])
    declared = [e for e in scored if e.source in _DECLARED_SOURCES]
    declared_level = _max_level(declared)

    if declared and static_level > declared_level and static_level >= Bump.MINOR:
        # The commits undersell the change: e.g. "fix:" while a public function was removed.
        needs_review = True
        said = "no release" if declared_level is Bump.NONE else f"at most {declared_level.label}"
        notes.append(
            f"{_declarers(declared)} declare {said} but the code shows {static_level.label}"
        )
    # Exact totals: a summary of capped items counts every finding it stands for.
    static_majors = sum(
        e.count for e in scored if e.source in STATIC_SOURCES and e.level is Bump.MAJOR
    )
    static_minors = sum(
        e.count for e in scored if e.source in STATIC_SOURCES and e.level is Bump.MINOR
    )
    if (
        bump is Bump.MAJOR
        and declared_level < Bump.MAJOR
        and 0 < static_majors <= _LONE_BREAKS
        and static_minors >= _ADDITIONS_PER_BREAK * static_majors
    ):
        # Feature releases sometimes break an obscure corner; the proof stands, a human decides.
        needs_review = True
        notes.append(
            f"{static_majors} breaking signal{'s' if static_majors > 1 else ''} among "
            f"{static_minors} additions"
        )
    if bump < Bump.MAJOR and any(
        e.kind is EvidenceKind.RUNTIME_FLOOR and e.level > Bump.PATCH for e in scored
    ):
        # On the benchmark's pairs a raised floor came with majors and minors alike.
        needs_review = True
        notes.append("the oldest supported runtime was raised: some projects call that major")
    majors = [e for e in firm if e.level is Bump.MAJOR]
    if (
        bump is Bump.MAJOR
        and declared_level < Bump.MAJOR
        and all(e.kind is EvidenceKind.DEPRECATED_REMOVED for e in majors)
    ):
        needs_review = True
        notes.append("the only breaking sign is deprecated code taken out")
    if declared_level is Bump.MAJOR and static_proof < Bump.MAJOR and static_level > Bump.NONE:
        notes.append(
            f"the breaking change is declared by {_declarers(declared)}; "
            "no removed public API was found"
        )
    if firm_level is Bump.NONE and weak:
        needs_review = True
        notes.append("only weak evidence (kinds of files changed)")
    if bump is Bump.MINOR and not declared and static_level is Bump.MINOR:
        # Nobody wrote what the release is: projects ship new names as patches about as
        # often as minors then (half the benchmark's training pairs like this were patches).
        needs_review = True
        notes.append("no commit or change note declares a feature: the code alone decides")
    if bump < Bump.MAJOR and any(e.kind is EvidenceKind.UNREAD for e in scored):
        # What was not read may hold a removal: the verdict is a floor, a human decides.
        needs_review = True
        notes.append("part of the public API was not read (size budget or unreadable code)")
    note = unsettled(scored, bump)
    if note is not None:
        needs_review = True
        notes.append(note)
    if not has_changes and bump > Bump.NONE:
        needs_review = True
        notes.append("commits ask for a release but no file changed")
    if not scored and has_changes:
        needs_review = True
        notes.append("no evidence could be gathered for the changed files")
        bump = Bump.PATCH
    if len(warnings) > 0:
        needs_review = True

    cap = ceiling(evidence)
    if cap is not None and bump > cap.level:
        # The code shows more than the ecosystem lets this release be: the cap decides, and
        # what it overrules is named for a human to weigh.
        shown = _strongest(basis, bump)
        needs_review = True
        notes.insert(0, f"the code shows {bump.label}" + (f": {shown.citation}" if shown else ""))
        reasoning = _reasoning(cap.level, [cap], release_as, notes)
        return Verdict(cap.level, needs_review, reasoning, release_as, tuple(warnings))
    reasoning = _reasoning(bump, basis, release_as, notes)
    return Verdict(bump, needs_review, reasoning, release_as, tuple(warnings))


def _reasoning(
    bump: Bump, basis: Sequence[Evidence], release_as: str | None, notes: Sequence[str]
) -> str:
    parts: list[str] = []
    top = _strongest(basis, bump)
    if bump is Bump.NONE:
        head = "nothing to release"
        if top is not None:
            head += f": {top.citation}"
    elif top is not None:
        head = f"{bump.label}: {top.citation}"
        same = sum(e.count for e in basis if e.level is bump) - 1
        if same > 0:
            head += f"; and {same} more {bump.label}-level signal{'s' if same > 1 else ''}"
    else:
        head = f"{bump.label}: changes without a stronger signal"
    parts.append(head)
    if release_as:
        parts.append(f"Release-As footer requests {release_as}")
    parts.extend(notes)
    return ". ".join(parts) + "."
