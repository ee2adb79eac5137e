"""Run the gatherers that need only the list of changed files in a forked child, early.

The JavaScript, Rust and Go API comparisons read whole files from git; they look at the
changed files' paths and kinds, never at the hunks. So they can run while git computes a big
diff, during which this process mostly waits. The child lists the changed files without the
diff (:meth:`~release_tools.git.Git.name_status`, milliseconds, no rename search) and runs
those gatherers on that list.

Its evidence is used only when its list matches the diff's exactly (same files, kinds, old
paths and exclusions, in the same order): a rename or copy the diff found, or a file a limit
dropped, make it differ, and the gatherers run again on the real changes. A gatherer that
raised in the child runs again too, so that its failure is reported. The evidence is
therefore the same as without the child; only the wall time changes.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._fork import fork_call
from release_tools.analysis.models import ChangeKind, Evidence, FileChange

__all__ = ["LISTED_KEY", "Listed", "list_changes", "quiet_child", "start_listed", "take_listed"]

log = logging.getLogger(__name__)

Gatherer = Callable[[AnalysisContext], list[Evidence]]

#: The name of the child in :attr:`AnalysisContext.background`.
LISTED_KEY = "listed-api"

_KINDS = {"A": ChangeKind.ADDED, "D": ChangeKind.DELETED}

#: What a gatherer that reads only the list sees of one change.
_Shape = tuple[str, str | None, str, bool]


def _shape(changes: Sequence[FileChange]) -> tuple[_Shape, ...]:
    return tuple(
        (
            c.path,
            c.old_path if c.old_path not in (None, c.path) else None,
            c.kind.value,
            c.excluded,
        )
        for c in changes
    )


@dataclass(frozen=True, slots=True)
class Listed:
    """The child's answer: the list it worked from, and each gatherer's evidence (None when
    the gatherer raised)."""

    listing: tuple[_Shape, ...]
    found: dict[str, list[Evidence] | None]


def start_listed(
    ctx: AnalysisContext,
    is_excluded: Callable[[str, str | None], bool],
    gatherers: Mapping[str, Gatherer],
) -> None:
    """Start ``gatherers`` in a forked child on the listed changes of ``ctx``'s range.

    ``ctx`` needs no changes yet; the child is kept in ``ctx.background`` for
    :func:`take_listed`. Nothing is started where forking is not possible.
    """
    job = fork_call(lambda: _child(ctx, is_excluded, dict(gatherers)), spreadable=True)
    if job is not None:
        ctx.background[LISTED_KEY] = job


def quiet_child() -> None:
    """In a forked child: no stderr, no logging. The parent reports what matters (a failure
    here is redone there), and warnings about odd files would only be printed twice."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    logging.disable(logging.CRITICAL)


def list_changes(
    ctx: AnalysisContext, is_excluded: Callable[[str, str | None], bool]
) -> list[FileChange]:
    """The range's changed files from the trees alone (no hunks, no rename search)."""
    listed = ctx.git.name_status(ctx.diff_base or ctx.base_sha, ctx.head_sha, ctx.project_paths)
    return [
        FileChange(path, _KINDS.get(status, ChangeKind.MODIFIED), excluded=is_excluded(path, None))
        for status, path in listed
    ]


def _child(
    ctx: AnalysisContext,
    is_excluded: Callable[[str, str | None], bool],
    gatherers: dict[str, Gatherer],
) -> Listed:
    quiet_child()
    changes = list_changes(ctx, is_excluded)
    listed_ctx = dataclasses.replace(ctx, changes=changes, background={})
    found: dict[str, list[Evidence] | None] = {}
    for name, gather in gatherers.items():
        try:
            found[name] = gather(listed_ctx)
        except Exception:
            found[name] = None
    return Listed(_shape(changes), found)


def take_listed(ctx: AnalysisContext) -> dict[str, list[Evidence]]:
    """The evidence of the child started for ``ctx``, by gatherer, waited for.

    Empty when there is no child, it failed, or its list of changes is not the diff's; a
    gatherer that raised in the child is left out (it is to run again here).
    """
    job = ctx.background.pop(LISTED_KEY, None)
    if job is None:
        return {}
    answer = job.result()
    if not isinstance(answer, Listed):
        log.debug("no evidence from the early child process")
        return {}
    if answer.listing != _shape(ctx.changes):
        log.debug("the diff found renames or dropped files: the early evidence is not used")
        return {}
    return {name: items for name, items in answer.found.items() if items is not None}
