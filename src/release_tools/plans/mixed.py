"""The changeset changesets refuses: one naming packages it never releases with ones it releases.

``changeset version`` (2.x and 3.x alike) sorts every name a changeset gives into packages it
skips (ignored, private and not versioned, or without a version: see
:meth:`~release_tools.versioning.releaseconfig.WorkspaceReleaseConfig.held_back`) and the others,
and refuses the changeset when both kinds are there: releasing part of it and keeping the rest
would split one change across releases. A ``name: none`` line counts like any other, since
changesets sorts every name of the changeset, whatever its release type.
"""

from __future__ import annotations

from collections.abc import Sequence

from release_tools.errors import PlanError
from release_tools.plans.store import VersionPlan
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig

__all__ = ["refuse_mixed_changesets"]


def refuse_mixed_changesets(
    projects: Sequence[Project], plans: Sequence[VersionPlan], config: WorkspaceReleaseConfig
) -> None:
    """Raise :class:`PlanError` for the first changeset that names a package the
    configuration never releases together with one it releases (module docstring).

    Every changeset file counts, those already released in pre mode included, as changesets
    checks every changeset it reads. A key naming a group counts for the members released,
    never as naming the others; Nx plans are left alone (changesets never reads them)."""
    by_name = {p.name: p for p in projects}
    for plan in plans:
        if plan.format != "changesets" or not plan.path:
            continue
        skipped = {
            entry.name: reason
            for entry in plan.named
            if not plan.is_group_entry(entry)
            and entry.name in by_name
            and (reason := config.held_back(by_name[entry.name])) is not None
        }
        released = [
            p.name for p in projects if config.held_back(p) is None and plan.mentions(p.name)
        ]
        if not skipped or not released:
            continue
        names = ", ".join(f"{name} ({reason})" for name, reason in skipped.items())
        raise PlanError(
            f"{plan.path}: {names} named with {', '.join(released)}, which "
            f"{'is' if len(released) == 1 else 'are'} released; changesets refuses a changeset "
            "that mixes packages it never releases with packages it releases: give each kind "
            "a changeset of its own"
        )
