"""``release --auto``: the plans ``analyze`` would write, for the projects that have none.

A project that no pending plan names, and that has changes since its latest release tag (as
``plan-check`` counts them), is analyzed; what ``analyze`` decides becomes a plan held in
memory, with the range's commit subjects as its changelog body, the plan that
``create-version-plan --version-type auto`` would write (in the workspace's plan format).
After a release that left no tag the range starts at its release commit instead (see
:func:`analyzed_plans`). Nothing is written here: the release consumes such a plan like a file
it never had to delete, so a refused or dry run leaves the tree as it was. Projects with a
pending plan keep it: a maintainer's plan always wins.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from release_tools.analysis.models import Decision
from release_tools.analysis.range import ResolvedRange
from release_tools.config import Settings
from release_tools.errors import Interruption, ReleaseToolsError, VersionError
from release_tools.git import Git
from release_tools.plans import VersionPlan, default_message
from release_tools.plans.store import PlanEntry
from release_tools.release.autotype import (
    analyzed_type,
    grouped_subjects,
    without_release_commits,
)
from release_tools.release.committypes import commit_types
from release_tools.release.planrange import plan_range, touched_projects
from release_tools.versioning.boundaries import project_pathspecs
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.manifestversions import Reader, read_manifest_version
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import PlanFormatName

__all__ = ["AnalyzedProject", "analyzed_plans"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnalyzedProject:
    """One project ``analyze`` decided for, and the plan made of it (None: nothing to
    release)."""

    name: str
    decision: Decision
    plan: VersionPlan | None


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
            # No file: an empty path marks the plan as one the release consumes without deleting.
            plan = VersionPlan(
                path="", format=plan_format, entries=(PlanEntry(name, kind, 0),), body=body
            )
            found.append(AnalyzedProject(name, decision, plan))
    return found


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
