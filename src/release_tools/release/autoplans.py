"""``release --auto``: the plans ``analyze`` would write, for the projects that have none.

A project that no pending plan names, and that has changes since its latest release tag (as
``plan-check`` counts them), is analyzed; what ``analyze`` decides becomes a plan held in
memory, with the range's commit subjects as its changelog body, the plan that
``create-version-plan --version-type auto`` would write (in the workspace's plan format).
After a release that left no tag the range starts at its release commit instead (see
:func:`analyzed_plans`). Nothing is written here: the release consumes such a plan like a file
it never had to delete, so a refused or dry run leaves the tree as it was. Projects with a
pending plan keep it: a maintainer's plan always wins.

Held in memory, a plan can carry more than a file's release type: the exact version a
``Release-As: x.y.z`` footer of the range asks for, which analyze reports as its next version
and the release then makes (:func:`with_exact_versions`), as release-please does. The plans
also go into the release's journal (:func:`auto_record`), so that a release interrupted
before its commit is made again from them (:func:`recorded_plans`), not analyzed anew.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from pydantic import ValidationError

from release_tools.analysis.models import Decision, EvidenceKind
from release_tools.analysis.range import ResolvedRange
from release_tools.config import Settings
from release_tools.errors import Interruption, ReleaseError, ReleaseToolsError, VersionError
from release_tools.git import Git
from release_tools.plans import VersionPlan, default_message
from release_tools.plans.store import PlanEntry, PlanFormat
from release_tools.release.autotype import (
    analyzed_type,
    grouped_subjects,
    without_release_commits,
)
from release_tools.release.committypes import commit_types
from release_tools.release.journal import JournalAnalyzed, JournalAuto
from release_tools.release.planrange import plan_range, touched_projects
from release_tools.release.versions import ProjectRelease
from release_tools.versioning.boundaries import project_pathspecs
from release_tools.versioning.bump import Bump
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.manifestversions import Reader, read_manifest_version
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import PlanFormatName
from release_tools.versioning.semver import RELEASE_TYPES, ReleaseType, Scheme, Version, jump

__all__ = [
    "AnalyzedProject",
    "analysis_base",
    "analyzed_plans",
    "auto_record",
    "recorded_plans",
    "with_exact_versions",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnalyzedProject:
    """One project ``analyze`` decided for, and the plan made of it (None: nothing to
    release)."""

    name: str
    decision: Decision
    plan: VersionPlan | None
    #: The exact version a ``Release-As`` footer asked for (None: the plan's type decides).
    version: str | None = None


def analyzed_plans(
    git: Git,
    settings: Settings,
    projects: Sequence[Project],
    conventions: Conventions,
    pending: Sequence[VersionPlan],
    plan_format: PlanFormatName,
    *,
    read: Reader,
    release_prefix: str,
    notes: list[str],
) -> list[AnalyzedProject]:
    """Analyze each project (only ``settings.project`` when set) that no plan of ``pending``
    names and that changed since its latest release, in discovery order.

    ``pending`` holds the plans that decide this release: in changesets' pre mode, not the
    changesets an earlier prerelease already used (they stay on disk). The plans are made in
    ``plan_format``, the format the workspace writes, so that pre mode counts an analyzed
    project's release as it counts a changeset's (a prerelease), not as an Nx plan's.
    Projects the workspace never releases (ignored, private and not versioned) are left out.

    A release leaves no tag with ``--no-tag`` (or ``nx.json``'s ``release.git.tag: false``,
    or a private package changesets does not tag): its changes are then measured from its
    release commit, the newest commit whose subject starts with ``release_prefix`` and that
    changed the project's version (:func:`_untagged_release`), so they are not released again.
    A project whose version in the work tree (``read``) is not HEAD's holds a release not yet
    committed (``--no-commit``): it is left out, with a note in ``notes``.
    """
    from release_tools.analysis.service import run_analysis

    types = commit_types(settings)
    found: list[AnalyzedProject] = []
    touched_in: dict[tuple[str, str], set[str]] = {}
    for project in projects:
        name = project.name
        if settings.project is not None and name != settings.project:
            continue
        held = conventions.release_config.held_back(project)
        if held is not None:
            log.debug("never released: not analyzed (%s)", held, extra={"project": name})
            continue
        if any(plan.type_for(name) is not None for plan in pending):
            log.debug("a pending plan names the project: not analyzed", extra={"project": name})
            continue
        with _naming(name):
            base = settings.base
            rng = plan_range(git, settings, projects, name, base, conventions)
            if not _touched(git, settings, rng, projects, name, touched_in):
                log.debug("no change since the latest release", extra={"project": name})
                continue
            # Asked only of projects with changes: unchanged ones need no git process more.
            if base is None:
                base = _untagged_release(git, project, rng, release_prefix)
                if base is not None:
                    log.debug("released since its tag", extra={"project": name, "commit": base})
                    rng = plan_range(git, settings, projects, name, base, conventions)
                    if not _touched(git, settings, rng, projects, name, touched_in):
                        continue
            unfinished = _uncommitted_version(git, project, read)
            if unfinished is not None:
                notes.append(
                    f"{name}: not analyzed, its version in the work tree ({unfinished}) is not "
                    "HEAD's: commit that release first, or restore the file to analyze again"
                )
                continue
            paths = project_pathspecs(git, project, rng.head_sha, conventions)
            commits = without_release_commits(
                git.commits(None if rng.first_release else rng.base_sha, rng.head_sha, paths),
                release_prefix,
            )
            if not commits:
                # Only release commits touched it: another project's release rewrote one of its
                # requirements without releasing it, bookkeeping that asks for no release.
                log.debug("changed by release commits only", extra={"project": name})
                continue
            decision = run_analysis(settings.model_copy(update={"project": name, "base": base}))
            kind = analyzed_type(decision, settings)
            if kind is None:
                found.append(AnalyzedProject(name, decision, None))
                continue
            body = grouped_subjects(commits, types) or default_message(kind, name)
            found.append(
                AnalyzedProject(
                    name,
                    decision,
                    _plan(name, kind, body, plan_format),
                    _release_as(name, decision, notes),
                )
            )
    return found


def _plan(name: str, kind: ReleaseType, body: str, plan_format: PlanFormat) -> VersionPlan:
    # No file: an empty path marks the plan as one the release consumes without deleting.
    return VersionPlan(path="", format=plan_format, entries=(PlanEntry(name, kind, 0),), body=body)


def _release_as(name: str, decision: Decision, notes: list[str]) -> str | None:
    """The version a ``Release-As`` footer of the range asks for: the one analyze takes, the
    newest commit's when several do (analyze flags that for review). One that is no version
    is left out with a note, as analyze leaves it out of its proposal."""
    asked = next(
        (
            e.release_as
            for e in decision.evidence
            if e.kind is EvidenceKind.RELEASE_AS and e.release_as is not None
        ),
        None,
    )
    if asked is None:
        return None
    try:
        Version.parse(asked)
    except VersionError:
        notes.append(
            f"{name}: Release-As {asked!r} is not a version and is left out: released as "
            f"analyze decided ({decision.version_type})"
        )
        return None
    return asked


@contextlib.contextmanager
def _naming(name: str) -> Iterator[None]:
    """An error measuring or analyzing project ``name`` names it (a release measures many),
    as the same class; one whose class takes other arguments goes on as it is."""
    try:
        yield
    except ReleaseToolsError as exc:
        if isinstance(exc, Interruption) or type(exc).__init__ is not ReleaseToolsError.__init__:
            raise
        raise type(exc)(f"{name}: {exc}") from exc


def _touched(
    git: Git,
    settings: Settings,
    rng: ResolvedRange,
    projects: Sequence[Project],
    name: str,
    touched_in: dict[tuple[str, str], set[str]],
) -> bool:
    """Whether project ``name`` changed in ``rng``; the projects each range touches are kept
    in ``touched_in``, since projects released together share their range."""
    key = (rng.diff_base or rng.base_sha, rng.head_sha)
    if key not in touched_in:
        touched = touched_projects(git, rng, projects, changelog=settings.changelog)
        touched_in[key] = {p.name for p in touched}
    return name in touched_in[key]


def _version_at(git: Git, project: Project, ref: str) -> str | None:
    """``project``'s manifest version at commit ``ref`` (None: none there, or unreadable)."""

    def read(rel: str) -> str | None:
        data = git.show_file(ref, rel)
        return None if data is None else data.decode("utf-8", "replace")

    try:
        return read_manifest_version(project, read)
    except VersionError:
        return None


def _uncommitted_version(git: Git, project: Project, read: Reader) -> str | None:
    """The version in ``project``'s manifest in the work tree when it is not HEAD's."""
    try:
        current = read_manifest_version(project, read)
    except VersionError:
        return None
    if current is None or not git.has_commits():
        return None
    return current if current != _version_at(git, project, "HEAD") else None


def _untagged_release(
    git: Git, project: Project, rng: ResolvedRange, release_prefix: str
) -> str | None:
    """The newest commit of ``rng`` that released ``project`` without a tag: a release commit
    (its subject starts with ``release_prefix``) that changed the project's manifest version
    to one its subject names.

    The version change tells a release of the project from a release of another project that
    only rewrote a dependency's range or a lock file in this one's files; the version in the
    subject tells it from a hand-made commit under the same prefix that moved the version
    without releasing it. None without a prefix to recognise (a template starting with a
    field) or a version in the manifest.
    """
    if not release_prefix or project.manifest_kind == "go.mod":
        return None
    base = None if rng.first_release else rng.base_sha
    for commit in git.commits(base, rng.head_sha, [project.manifest]):
        if not commit.subject.startswith(release_prefix):
            continue
        after = _version_at(git, project, commit.sha)
        if after is None or after not in commit.subject:
            continue
        if after != _version_at(git, project, f"{commit.sha}^"):
            return commit.sha
    return None


def analysis_base(
    git: Git,
    settings: Settings,
    projects: Sequence[Project],
    project: Project,
    conventions: Conventions,
    release_prefix: str,
) -> str | None:
    """Where ``project``'s changes are measured from for a plan of analyze's, as
    :func:`analyzed_plans` measures them: ``--base`` when given, else the release commit of a
    release made without a tag since the latest release tag, else that tag (None).

    For ``create-version-plan --version-type auto``, which writes the plan this module holds
    in memory: both must start where the last release, tagged or not, left off.
    """
    if settings.base is not None:
        return settings.base
    rng = plan_range(git, settings, projects, project.name, None, conventions)
    return _untagged_release(git, project, rng, release_prefix)


# --- exact versions ------------------------------------------------------------------------


def with_exact_versions(
    releases: Sequence[ProjectRelease],
    analyzed: Sequence[AnalyzedProject],
    conventions: Conventions,
) -> list[ProjectRelease]:
    """``releases`` with the exact versions the plans of ``analyzed`` carry (``Release-As``),
    their tags, and the release type of the step each makes.

    The members that share a version with such a project move with it: its fixed group, and
    the members of its linked group released at its version. A version not above the one the
    project moves from is refused (ReleaseError naming the project and both versions), and so
    are two different exact versions for one shared version.
    """
    asked = {a.name: a.version for a in analyzed if a.plan is not None and a.version is not None}
    if not asked:
        return list(releases)
    exact: dict[str, tuple[Version, str]] = {}
    for release in releases:
        name = release.project.name
        text = asked.get(name)
        if text is None:
            continue
        wanted = Version.parse(text)
        previous = _parsed(release.previous)
        if previous is not None and wanted <= previous:
            raise ReleaseError(
                f"{name}: Release-As {text} is not above the current version "
                f"{release.previous}: raise it in a new commit's footer, or release with a "
                "version plan"
            )
        for member in _sharing(release, releases, conventions):
            held = exact.get(member)
            if held is not None and held[0] != wanted:
                raise ReleaseError(
                    f"{held[1]} and {name} share one version, and their Release-As footers "
                    f"ask for {held[0]} and {text}: keep one, or release with a version plan"
                )
            exact[member] = (wanted, name)
    return [
        _at(release, exact[release.project.name][0], conventions)
        if release.project.name in exact
        else release
        for release in releases
    ]


def _parsed(version: str | None) -> Version | None:
    if version is None:
        return None
    try:
        return Version.parse(version)
    except VersionError:
        return None


def _sharing(
    release: ProjectRelease, releases: Sequence[ProjectRelease], conventions: Conventions
) -> list[str]:
    """The names of ``releases`` that share ``release``'s version: itself, the members of its
    fixed group, and those of its linked group released at the same version."""
    project = release.project
    group = conventions.release_config.group_of(project.name)
    linked = group.members if group is not None and group.relationship == "linked" else ()
    version = _parsed(release.version)
    fixed = project.version_group
    return [
        other.project.name
        for other in releases
        if other.project.name == project.name
        or (fixed is not None and other.project.version_group == fixed)
        or (other.project.name in linked and _parsed(other.version) == version)
    ]


#: The release type of a step between two versions.
_STEP_TYPES: dict[Bump, ReleaseType] = {
    Bump.PATCH: "patch",
    Bump.MINOR: "minor",
    Bump.MAJOR: "major",
}


def _at(release: ProjectRelease, version: Version, conventions: Conventions) -> ProjectRelease:
    """``release`` made at ``version``, spelled in its project's scheme, with its tag and the
    type of the step from its current version."""
    project = release.project
    own: Scheme = "pep440" if project.is_python else "semver"
    other: Scheme = "semver" if own == "pep440" else "pep440"
    tag_scheme = conventions.of(project.name).tag_scheme
    spelled = own
    was = _parsed(release.version)
    # A tag without the name is a version group's one tag, spelled as its lead spells versions:
    # the scheme that gave the tag computed before.
    if (
        not tag_scheme.named
        and was is not None
        and release.tag != tag_scheme.format(project.name, was.render(own))
    ):
        spelled = other
    kind = release.release_type
    previous = _parsed(release.previous)
    if previous is not None and not kind.startswith("pre"):
        kind = _STEP_TYPES.get(jump(previous, version), kind)
    return replace(
        release,
        version=version.render(own),
        tag=tag_scheme.format(project.name, version.render(spelled)),
        release_type=kind,
    )


# --- the journal ---------------------------------------------------------------------------


def auto_record(analyzed: Sequence[AnalyzedProject], project: str | None) -> JournalAuto:
    """What the release's journal keeps of ``analyzed`` (``project``: ``--project``)."""
    return JournalAuto(
        analyzed=[
            JournalAnalyzed(
                name=a.name,
                decision=a.decision.model_dump(mode="json"),
                release_type=a.plan.entries[0].type if a.plan is not None else None,
                body=a.plan.body if a.plan is not None else "",
                plan_format=a.plan.format if a.plan is not None else "nx",
                version=a.version,
            )
            for a in analyzed
        ],
        project=project,
    )


def recorded_plans(record: JournalAuto, journal: str) -> list[AnalyzedProject]:
    """The projects and plans a journal's ``record`` keeps (ReleaseError naming the
    ``journal`` file when it does not hold them as :func:`auto_record` writes them)."""
    found: list[AnalyzedProject] = []
    for item in record.analyzed:
        try:
            decision = Decision.model_validate(item.decision)
            kind = next((t for t in RELEASE_TYPES if t == item.release_type), None)
            if item.release_type is not None and kind is None:
                raise ValueError(f"release type {item.release_type!r}")
            if item.plan_format not in ("nx", "changesets"):
                raise ValueError(f"plan format {item.plan_format!r}")
            plan_format: PlanFormat = "nx" if item.plan_format == "nx" else "changesets"
            if item.version is not None:
                Version.parse(item.version)
        except (ValidationError, ValueError, VersionError) as exc:
            reason = str(exc).splitlines()[0]
            raise ReleaseError(
                f"the release journal {journal} is damaged ({item.name}: {reason}); "
                "run `release-tools release --abort` to restore the files, then release again"
            ) from exc
        plan = None if kind is None else _plan(item.name, kind, item.body, plan_format)
        found.append(AnalyzedProject(item.name, decision, plan, item.version))
    return found
