"""Projects of a sparse checkout (``git sparse-checkout set packages/a``).

The work tree of a sparse checkout lacks every project outside its patterns, so discovering the
projects from it would call them unknown. Commands that read only git (``create-version-plan``,
like ``analyze``) take the projects from the HEAD commit's tree instead. ``release`` writes each
released project's manifest and changelog, which needs the project's files in the work tree: it
still refuses a project the checkout leaves out, but says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from release_tools.analysis.headprojects import projects_at
from release_tools.errors import UsageError
from release_tools.git import Git
from release_tools.release.versions import find_projects
from release_tools.text import one_line
from release_tools.versioning.projectlookup import project_named
from release_tools.versioning.projects import Project

__all__ = ["committed_projects", "refuse_outside_checkout"]


def committed_projects(git: Git, root: Path) -> list[Project]:
    """The projects of the checked-out commit: the work tree's (see :func:`find_projects`), or
    in a sparse checkout those of HEAD's tree, read from git."""
    if not git.is_sparse():
        return find_projects(git, root)
    return projects_at(git, root, None)


def refuse_outside_checkout(
    git: Git, root: Path, projects: Sequence[Project], names: Iterable[str]
) -> None:
    """Raise :class:`UsageError` when one of ``names`` is no project of the work tree
    (``projects``) only because the sparse checkout leaves its directory out.

    The names the work tree knows, and those HEAD does not know either, are left to the
    caller's own check (an unknown project).
    """
    missing = [name for name in names if project_named(projects, name) is None]
    if not missing or not git.is_sparse():
        return
    committed = projects_at(git, root, None)
    for name in missing:
        project = project_named(committed, name)
        if project is not None:
            path = one_line(project.path)
            raise UsageError(
                f"project {name!r} is outside the sparse checkout ({path}): release writes "
                f"its files, so add it to the checkout first (git sparse-checkout add {path})"
            )
