"""``release --auto``: the plans ``analyze`` would write, for the projects that have none.

A project that no pending plan names, and that has changes since its latest release tag (as
``plan-check`` counts them), is analyzed; what ``analyze`` decides becomes a plan held in
memory, with the range's commit subjects as its changelog body, exactly the plan that
``create-version-plan --version-type auto`` would write. Nothing is written here: the release
consumes such a plan like a file it never had to delete, so a refused or dry run leaves the
tree as it was. Projects with a pending plan keep it: a maintainer's plan always wins.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from release_tools.analysis.models import Decision
from release_tools.config import Settings
from release_tools.git import Git
from release_tools.plans import VersionPlan, default_message
from release_tools.plans.store import PlanEntry
from release_tools.release.autotype import analyzed_type, grouped_subjects
from release_tools.release.committypes import commit_types
from release_tools.release.planrange import plan_range, touched_projects
from release_tools.versioning.boundaries import project_pathspecs
from release_tools.versioning.conventions import Conventions
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
) -> list[AnalyzedProject]:
    """Analyze each project (only ``settings.project`` when set) that no plan of ``pending``
    names and that changed since its latest release, in discovery order.

    ``pending`` holds the plans that decide this release: in changesets' pre mode, not the
    changesets an earlier prerelease already used (they stay on disk). The plans are made in
    ``plan_format``, the format the workspace writes, so that pre mode counts an analyzed
    project's release as it counts a changeset's (a prerelease), not as an Nx plan's.
    Projects the workspace never releases (ignored, private and not versioned) are left out.
    """
    from release_tools.analysis.service import run_analysis

    types = commit_types(settings)
    found: list[AnalyzedProject] = []
    # The projects each range touches: projects released together share their range, and
    # each diff of it would list the same paths again.
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
        rng = plan_range(git, settings, projects, name, settings.base, conventions)
        key = (rng.diff_base or rng.base_sha, rng.head_sha)
        if key not in touched_in:
            touched = touched_projects(git, rng, projects, changelog=settings.changelog)
            touched_in[key] = {p.name for p in touched}
        if name not in touched_in[key]:
            log.debug("no change since the latest release", extra={"project": name})
            continue
        decision = run_analysis(settings.model_copy(update={"project": name}))
        kind = analyzed_type(decision, settings)
        if kind is None:
            found.append(AnalyzedProject(name, decision, None))
            continue
        paths = project_pathspecs(git, project, rng.head_sha, conventions)
        commits = git.commits(None if rng.first_release else rng.base_sha, rng.head_sha, paths)
        body = grouped_subjects(commits, types) or default_message(kind, name)
        # No file: an empty path marks the plan as one the release consumes without deleting.
        plan = VersionPlan(
            path="", format=plan_format, entries=(PlanEntry(name, kind, 0),), body=body
        )
        found.append(AnalyzedProject(name, decision, plan))
    return found
