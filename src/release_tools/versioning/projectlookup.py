"""Finding a project among the repository's: by name (``--project``, a plan's key) and by
the path of a file it owns."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from packaging.utils import canonicalize_name

from release_tools.errors import UsageError
from release_tools.versioning.projects import Project

__all__ = ["find_project", "listed_names", "owning_project", "project_named"]


def listed_names(names: Sequence[str]) -> str:
    """``names`` sorted and joined for a one-line message: a name with a line break or another
    control character (an Nx ``project.json`` may say anything) is shown quoted and escaped, so
    that the message stays one line and every name in it can be told apart."""
    return ", ".join(name if name.isprintable() else repr(name) for name in sorted(names))


def project_named(projects: Sequence[Project], name: str) -> Project | None:
    """The project called ``name``: by its exact name, else a Python project whose name is
    the same once normalised as pip does (``My_Pkg`` is ``my-pkg``); None when there is none
    or the normalised name is ambiguous."""
    for project in projects:
        if project.name == name:
            return project
    wanted = canonicalize_name(name)
    matches = [
        p for p in projects if p.ecosystem == "python" and canonicalize_name(p.name) == wanted
    ]
    return matches[0] if len(matches) == 1 else None


def find_project(projects: Sequence[Project], name: str) -> Project:
    """The project called ``name`` (see :func:`project_named`); a UsageError listing the
    known names otherwise."""
    project = project_named(projects, name)
    if project is not None:
        return project
    known = listed_names([p.name for p in projects]) or "none found"
    raise UsageError(f"unknown project {name!r} (known projects: {known})")


def owning_project(projects: Sequence[Project], path: str) -> Project | None:
    """The project whose directory is the deepest one containing ``path`` (None if none does)."""

    def depth(project: Project) -> int:
        return 0 if project.path in (".", "") else len(PurePosixPath(project.path).parts)

    best: Project | None = None
    for project in projects:
        if project.contains(path) and (best is None or depth(project) > depth(best)):
            best = project
    return best
