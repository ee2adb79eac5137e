"""Projects of a sparse checkout (``git sparse-checkout set packages/a``, cone mode or not).

The work tree of a sparse checkout lacks every file outside its patterns, so discovering the
projects from it alone would call those it leaves out unknown (and, in a non-cone checkout
without the root's files, miss the workspace configuration of those it holds). Every command
therefore reads the checkout as a full one would hold it (see
:func:`~release_tools.analysis.headprojects.checkout_view`): a project the checkout leaves out
comes from the index (the HEAD commit's files, or the edits staged to them), with its version
and conventions; for what the work tree holds, the work tree wins, uncommitted edits included,
as in a full checkout.

Commands that only read (``projects``, ``plan-check``, ``analyze``, ``create-version-plan``,
``forge-release``) serve every project that way. ``release`` reads the projects that way too,
so that it judges the release as a full checkout would (the dependents it moves, the
configuration it follows), but it writes each released project's manifest and changelog in
the work tree: it refuses a project the checkout leaves out (named, planned or moved as a
dependent) and any file to write that it leaves out, and says why. A version plan the checkout
leaves out is read as the index holds it and, once fully used, deleted from the index alone; one
only partly used would have to be rewritten there, and is refused.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from release_tools.analysis.headprojects import (
    MANIFESTS,
    checkout_files,
    checkout_view,
    view_conventions,
)
from release_tools.errors import UsageError
from release_tools.git import Git
from release_tools.release.versions import find_projects
from release_tools.text import one_line
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.projectlookup import project_named
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import PlanFormatName, infer_plan_format

if TYPE_CHECKING:
    # Only ``release`` reads plans here: the other commands need not load their parser.
    from release_tools.plans import VersionPlan

__all__ = [
    "Checkout",
    "checkout_plans",
    "checkout_projects",
    "read_checkout",
    "refuse_left_out",
    "refuse_outside_checkout",
]


@dataclass(frozen=True, slots=True)
class Checkout:
    """The projects of the checked-out commit and their conventions, read as a full checkout
    would hold them, with the paths a sparse checkout leaves out (none when it is not one)."""

    projects: list[Project]
    conventions: Conventions
    left_out: frozenset[str]
    #: The plan format the repository uses (see :func:`infer_plan_format`).
    plan_format: PlanFormatName
    #: The manifests left out that the view read from HEAD, by path, kept so that reading
    #: them again runs no git.
    head_manifests: Mapping[str, bytes]

    def leaves_out(self, path: str) -> bool:
        """Whether the sparse checkout leaves the repository-relative ``path`` out."""
        return path in self.left_out

    def read_text(self, git: Git, root: Path, path: str) -> str | None:
        """The text of the repository-relative ``path`` as a full checkout holds it: the
        index's when the checkout leaves it out (HEAD's, or an edit staged: what the next
        commit holds), else the work tree's; None when neither has it."""
        if path in self.left_out:
            data = self.head_manifests.get(path)
            if data is None:
                data = git.show_file(":0", path)
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
    :func:`read_conventions` takes. The plan format is guessed (see :func:`infer_plan_format`)
    from the configuration and plans folders as a full checkout holds them.
    """
    with checkout_view(git, root, [changelog] if changelog else [], conventions=True) as view:
        projects = find_projects(git, view.root)
        conventions = view_conventions(
            git,
            view,
            projects,
            head=head,
            tag_format=tag_format,
            tag_pattern=tag_pattern,
            changelog=changelog,
        )
        plan_format = infer_plan_format(view.root)
        return Checkout(projects, conventions, view.left_out, plan_format, view.head_manifests())


def checkout_projects(git: Git, root: Path) -> list[Project]:
    """The projects of the checked-out commit: the work tree's (see :func:`find_projects`), or
    in a sparse checkout those :func:`checkout_view` shows (HEAD's for what it leaves out)."""
    with checkout_view(git, root) as view:
        return find_projects(git, view.root)


def checkout_plans(git: Git, root: Path, checkout: Checkout) -> list[VersionPlan]:
    """Every pending version plan as a full checkout holds them (see :func:`read_plans`):
    those the sparse checkout leaves out as the index has them, the others from the work tree.

    A release consumes a plan left out by deleting it from the index alone (``git rm
    --cached``): nothing is written outside the checkout, and the next commit no longer holds
    it. A plan only partly consumed would have to be rewritten there, which the release
    refuses as it refuses any file to write that the checkout leaves out.
    """
    from release_tools.plans import read_plans
    from release_tools.plans.store import CHANGESETS_PRE_DIR, PLAN_DIRS, is_plan_path

    left_out = [p for p in sorted(checkout.left_out) if is_plan_path(p)]
    if not left_out:
        return read_plans(root)
    inside: list[str] = []
    for directory in (*PLAN_DIRS, CHANGESETS_PRE_DIR):
        folder = root / directory
        if folder.is_dir():
            inside += [f"{directory}/{file.name}" for file in sorted(folder.iterdir())]
    with checkout_files(git, root, [*left_out, *(p for p in inside if is_plan_path(p))]) as view:
        return read_plans(view)


def refuse_outside_checkout(git: Git, root: Path, checkout: Checkout, names: Iterable[str]) -> None:
    """Raise :class:`UsageError` when one of ``names``, a project of ``checkout``, is not one
    that the work tree holds whole: its manifest is left out by the sparse checkout, or it is
    a project only through workspace configuration the checkout leaves out. ``release``
    writes the project's files, and those of the workspace around it, in the work tree.

    The names ``checkout`` does not know are left to the caller's own check (an unknown
    project).
    """
    if not checkout.left_out:
        return
    work_tree: list[Project] | None = None
    for name in names:
        project = project_named(checkout.projects, name)
        if project is None:
            continue
        path = one_line(project.path)
        if project.manifest in checkout.left_out:
            raise UsageError(
                f"project {name!r} is outside the sparse checkout ({path}): release writes "
                f"its files, so add it to the checkout first (git sparse-checkout add {path})"
            )
        if work_tree is None:
            work_tree = find_projects(git, root)
        if project_named(work_tree, name) is not None:
            continue
        # Only a non-cone checkout can leave the root's files out (cone mode always has them).
        configuration = sorted(
            p for p in checkout.left_out if "/" not in p and posixpath.basename(p) in MANIFESTS
        )
        files = ", ".join(one_line(p) for p in configuration) or "the root's files"
        add = " ".join(f"/{one_line(p)}" for p in configuration)
        raise UsageError(
            f"project {name!r} ({path}) is a project only through files outside the sparse "
            f"checkout ({files}): release needs them in the work tree, so add them to the "
            "checkout first" + (f" (git sparse-checkout add {add})" if add else "")
        )


def refuse_left_out(checkout: Checkout, paths: Iterable[str], why: str) -> None:
    """Raise :class:`UsageError` when the sparse checkout leaves some of ``paths`` out: the
    message names the first (and how many more), says ``why`` they are needed in the work
    tree, and gives the ``git sparse-checkout add`` that brings them in."""
    outside = sorted({p for p in paths if p in checkout.left_out})
    if not outside:
        return
    more = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
    # Folders for cone mode's patterns; a file at the root only a non-cone checkout leaves out.
    add = " ".join(sorted({posixpath.dirname(p) or f"/{p}" for p in outside}))
    raise UsageError(
        f"{one_line(outside[0])}{more}: outside the sparse checkout; {why}, so add "
        f"{'it' if len(outside) == 1 else 'them'} to the checkout first "
        f"(git sparse-checkout add {one_line(add)})"
    )
