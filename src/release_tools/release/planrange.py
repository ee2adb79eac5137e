"""The range a version plan is measured over, and the projects a range touches.

``create-version-plan --only-touched`` and ``plan-check`` both ask which projects changed
between a base and head, measured the way ``analyze`` and ``release`` measure them: from
``--base`` or from the project's own latest release tag. Plans and changelogs are release
bookkeeping and never count as a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from release_tools.analysis.range import ResolvedRange, resolve_range
from release_tools.config import Settings
from release_tools.git import Git
from release_tools.plans import is_plan_path
from release_tools.release.versions import is_workspace
from release_tools.versioning.changelogfile import CHANGELOG_NAMES
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.projectlookup import owning_project
from release_tools.versioning.projects import Project

__all__ = ["is_bookkeeping", "plan_range", "touched_projects"]


def is_bookkeeping(path: str, changelog: str | None) -> bool:
    """Whether ``path`` is a plan or a changelog: release bookkeeping, not a change that needs
    a plan. ``changelog`` is the configured changelog name; None means any usual name."""
    name = PurePosixPath(path).name
    if changelog is None:
        return is_plan_path(path) or name in CHANGELOG_NAMES
    return is_plan_path(path) or bool(changelog and name == changelog)


def touched_projects(
    git: Git, rng: ResolvedRange, projects: Sequence[Project], *, changelog: str | None = ""
) -> list[Project]:
    """Projects owning at least one path changed in ``rng`` (in discovery order)."""
    if rng.is_empty:
        return []
    changed = git.changed_paths(rng.diff_base or rng.base_sha, rng.head_sha)
    owners: set[str] = set()
    for path in changed:
        if is_bookkeeping(path, changelog):
            continue
        owner = owning_project(projects, path)
        if owner is not None:
            owners.add(owner.name)
    return [p for p in projects if p.name in owners]


def plan_range(
    git: Git,
    settings: Settings,
    projects: Sequence[Project],
    project: str | None,
    base: str | None,
    conventions: Conventions | None = None,
) -> ResolvedRange:
    """The range from ``base`` (or ``project``'s latest release tag) to ``--head``.

    In a workspace the tag scheme is ``project``'s; in a single project it is the root's.
    """
    root = next((p.name for p in projects if p.path in (".", "")), None)
    workspace = is_workspace(projects)
    scheme_name = project if workspace else root
    scheme = None
    if conventions is not None and scheme_name is not None and scheme_name in conventions.projects:
        scheme = conventions.of(scheme_name).tag_scheme
    return resolve_range(
        git,
        base=base,
        head=settings.head,
        tag_pattern=settings.tag_pattern,
        project=project if workspace else None,
        root_name=root,
        scheme=scheme,
        scheme_name=scheme_name,
    )
