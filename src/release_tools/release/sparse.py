"""Projects of a sparse checkout (``git sparse-checkout set packages/a``, cone mode or not).

The work tree of a sparse checkout lacks every file outside its patterns, so discovering the
projects from it alone would call those it leaves out unknown (and, in a non-cone checkout
without the root's files, miss the workspace configuration of those it holds). Every command
therefore reads the checkout as a full one would hold it (see
:func:`~release_tools.analysis.headprojects.checkout_view`): a project the checkout leaves out
comes from the HEAD commit, with its version and conventions; for what the work tree holds,
the work tree wins, uncommitted edits included, as in a full checkout.

Commands that only read (``projects``, ``plan-check``, ``analyze``, ``create-version-plan``,
``forge-release``) serve every project that way. ``release`` writes each released project's
manifest and changelog, which needs the project's files in the work tree: it refuses a project
the checkout leaves out, and says why.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from release_tools.analysis.headprojects import MANIFESTS, checkout_view
from release_tools.errors import UsageError
from release_tools.git import Git
from release_tools.release.versions import find_projects
from release_tools.text import one_line
from release_tools.versioning.conventions import Conventions, read_conventions
from release_tools.versioning.projectlookup import project_named
from release_tools.versioning.projects import Project

__all__ = ["Checkout", "committed_projects", "read_checkout", "refuse_outside_checkout"]


@dataclass(frozen=True, slots=True)
class Checkout:
    """The projects of the checked-out commit and their conventions, read as a full checkout
    would hold them, with the paths a sparse checkout leaves out (none when it is not one)."""

    projects: list[Project]
    conventions: Conventions
    left_out: frozenset[str]

    def leaves_out(self, path: str) -> bool:
        """Whether the sparse checkout leaves the repository-relative ``path`` out."""
        return path in self.left_out

    def read_text(self, git: Git, root: Path, path: str) -> str | None:
        """The text of the repository-relative ``path`` as a full checkout holds it: HEAD's
        when the checkout leaves it out, else the work tree's; None when neither has it."""
        if path in self.left_out:
            data = git.show_file("HEAD", path)
            return None if data is None else data.decode("utf-8", "replace")
        file = root / path
        if not file.is_file():
            return None
        return file.read_text(encoding="utf-8", errors="replace")


def read_checkout(
    git: Git,
    root: Path,
    *,
    head: str = "HEAD",
    tag_format: str | None = None,
    tag_pattern: str | None = None,
    changelog: str | None = None,
) -> Checkout:
    """The projects of the checked-out commit with their conventions at ``head`` (tags),
    read through :func:`checkout_view` so that a sparse checkout shows every project.

    ``tag_format``, ``tag_pattern`` and ``changelog`` are the settings
    :func:`read_conventions` takes.
    """
    names = [posixpath.basename(changelog)] if changelog else []
    with checkout_view(git, root, names, conventions=True) as view:
        projects = find_projects(git, view.root)

        def conventions() -> Conventions:
            return read_conventions(
                git,
                view.root,
                projects,
                head=head,
                tag_format=tag_format,
                tag_pattern=tag_pattern,
                changelog=changelog,
            )

        found = conventions()
        # A changelog whose name only a configuration gives (nx.json's projectChangelogs
        # file) is written into the view once known, and read again with it.
        named = [c.changelog.path for c in found.projects.values() if c.changelog.path]
        if view.add(p for p in named if not (view.root / p).exists()):
            found = conventions()
        return Checkout(projects, found, view.left_out)


def committed_projects(git: Git, root: Path) -> list[Project]:
    """The projects of the checked-out commit: the work tree's (see :func:`find_projects`), or
    in a sparse checkout those :func:`checkout_view` shows (HEAD's for what it leaves out)."""
    if not git.is_sparse():
        return find_projects(git, root)
    with checkout_view(git, root) as view:
        return find_projects(git, view.root)


def refuse_outside_checkout(
    git: Git, root: Path, projects: Sequence[Project], names: Iterable[str]
) -> None:
    """Raise :class:`UsageError` when one of ``names`` is no project of the work tree
    (``projects``) only because the sparse checkout leaves files out: the project's own
    directory, or the workspace configuration that makes it a project.

    The names the work tree knows, and those the full checkout does not know either, are left
    to the caller's own check (an unknown project).
    """
    missing = [name for name in names if project_named(projects, name) is None]
    if not missing or not git.is_sparse():
        return
    with checkout_view(git, root) as view:
        complete = find_projects(git, view.root)
        left_out = view.left_out
    for name in missing:
        project = project_named(complete, name)
        if project is None:
            continue
        path = one_line(project.path)
        if project.manifest in left_out:
            raise UsageError(
                f"project {name!r} is outside the sparse checkout ({path}): release writes "
                f"its files, so add it to the checkout first (git sparse-checkout add {path})"
            )
        # Only a non-cone checkout can leave the root's files out (cone mode always has them).
        configuration = sorted(
            p for p in left_out if "/" not in p and posixpath.basename(p) in MANIFESTS
        )
        files = ", ".join(one_line(p) for p in configuration) or "the root's files"
        add = " ".join(f"/{one_line(p)}" for p in configuration)
        raise UsageError(
            f"project {name!r} ({path}) is a project only through files outside the sparse "
            f"checkout ({files}): release needs them in the work tree, so add them to the "
            "checkout first" + (f" (git sparse-checkout add {add})" if add else "")
        )
