"""Run the gatherers that need only the list of changed files in a forked child, early.

The JavaScript, Rust and Go API comparisons read whole files from git; they look at the
paths, old paths, kinds and exclusion of the changed files with their own suffixes, never at
the hunks. So they can run while git computes a big diff, during which this process mostly
waits. The child lists the changed files without the diff
(:meth:`~release_tools.git.Git.name_status`, milliseconds, no rename search) and runs those
gatherers on that list.

Its evidence is used only when its list of those files matches the diff's exactly (same files,
kinds, old paths and exclusions, in the same order); a rename or copy among them that the diff
found makes the child useless, and it is stopped without being waited for. A gatherer that
raised in the child runs again here, so that its failure is reported. The evidence is therefore
the same as without the child; only the wall time changes. What the gatherers logged in the
child is replayed here when their evidence is used, so ``--log-level debug`` shows it once.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._fork import Forked, fork_call
from release_tools.analysis.models import ChangeKind, Evidence, FileChange

__all__ = ["LISTED_KEY", "Listed", "list_changes", "quiet_child", "start_listed", "take_listed"]

log = logging.getLogger(__name__)

Gatherer = Callable[[AnalysisContext], list[Evidence]]

#: The name of the child in :attr:`AnalysisContext.background`.
LISTED_KEY = "listed-api"

_KINDS = {"A": ChangeKind.ADDED, "D": ChangeKind.DELETED}

#: What a gatherer that reads only the list sees of one change.
_Shape = tuple[str, str | None, str, bool]


def _shape(changes: Sequence[FileChange], suffixes: tuple[str, ...]) -> tuple[_Shape, ...]:
    """What the gatherers see of ``changes``: the files ending with ``suffixes`` (under either
    name). A mode change reads as a modification, as the gatherers treat it."""
    out: list[_Shape] = []
    for c in changes:
        old = c.old_path if c.old_path not in (None, c.path) else None
        if not (c.path.endswith(suffixes) or (old or "").endswith(suffixes)):
            continue
        kind = ChangeKind.MODIFIED if c.kind is ChangeKind.MODE_CHANGED else c.kind
        out.append((c.path, old, kind.value, c.excluded))
    return tuple(out)


class _Recorder(logging.Handler):
    """Keeps the child's log records, made picklable, to be replayed by the parent."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = record.getMessage(), None
        record.exc_info = None
        self.records.append(record)


def _record_logs() -> _Recorder:
    """In the child: every logger that writes somewhere writes to one recorder instead."""
    recorder = _Recorder()
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        if isinstance(logger, logging.Logger) and logger.handlers:
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.addHandler(recorder)
    return recorder


@dataclass(frozen=True, slots=True)
class _ListedJob:
    """The child, and the suffixes of the files its gatherers read."""

    job: Forked[Listed]
    suffixes: tuple[str, ...]

    def result(self) -> Listed | None:
        return self.job.result()

    def cancel(self) -> None:
        self.job.cancel()

    def spread(self) -> None:
        self.job.spread()


@dataclass(frozen=True, slots=True)
class Listed:
    """The child's answer: the list it worked from, and each gatherer's evidence (None when
    the gatherer raised)."""

    listing: tuple[_Shape, ...]
    found: dict[str, list[Evidence] | None]
    logs: tuple[logging.LogRecord, ...] = ()


def start_listed(
    ctx: AnalysisContext,
    is_excluded: Callable[[str, str | None], bool],
    gatherers: Mapping[str, Gatherer],
    suffixes: tuple[str, ...],
) -> None:
    """Start ``gatherers`` in a forked child on the listed changes of ``ctx``'s range.

    ``suffixes`` ends the names of every file the gatherers read. ``ctx`` needs no changes yet;
    the child is kept in ``ctx.background`` for :func:`take_listed`. Nothing is started where
    forking is not possible.
    """
    if not gatherers:
        return
    job = fork_call(lambda: _child(ctx, is_excluded, dict(gatherers), suffixes), spreadable=True)
    if job is not None:
        ctx.background[LISTED_KEY] = _ListedJob(job, suffixes)


def _silence_stderr() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def quiet_child() -> None:
    """In a forked child: no stderr, no logging. The parent reports what matters (a failure
    here is redone there), and warnings about odd files would only be printed twice."""
    _silence_stderr()
    logging.disable(logging.CRITICAL)


def list_changes(
    ctx: AnalysisContext, is_excluded: Callable[[str, str | None], bool]
) -> list[FileChange]:
    """The range's changed files from the trees alone (no hunks, no rename search)."""
    listed = ctx.git.name_status(ctx.diff_base or ctx.base_sha, ctx.head_sha, ctx.pathspecs)
    return [
        FileChange(path, _KINDS.get(status, ChangeKind.MODIFIED), excluded=is_excluded(path, None))
        for status, path in listed
    ]


def _child(
    ctx: AnalysisContext,
    is_excluded: Callable[[str, str | None], bool],
    gatherers: dict[str, Gatherer],
    suffixes: tuple[str, ...],
) -> Listed:
    # Log records are kept for the parent; anything else written to stderr (a library's
    # warning) is not, as the parent may redo the work and write it itself.
    recorder = _record_logs()
    _silence_stderr()
    changes = list_changes(ctx, is_excluded)
    listed_ctx = dataclasses.replace(ctx, changes=changes, background={})
    found: dict[str, list[Evidence] | None] = {}
    for name, gather in gatherers.items():
        try:
            found[name] = gather(listed_ctx)
        except Exception:
            found[name] = None
    return Listed(_shape(changes, suffixes), found, tuple(recorder.records))


def take_listed(ctx: AnalysisContext) -> dict[str, list[Evidence]]:
    """The evidence of the child started for ``ctx``, by gatherer.

    Empty when there is no child, it failed, or its list of changes is not the diff's (a
    rename or copy the diff found among the gatherers' files stops the child at once, unwaited
    for); a gatherer that raised in the child is left out (it is to run again here).
    """
    job = ctx.background.pop(LISTED_KEY, None)
    if not isinstance(job, _ListedJob):
        return {}
    mine = _shape(ctx.changes, job.suffixes)
    moved = (ChangeKind.RENAMED.value, ChangeKind.COPIED.value)
    if any(kind in moved for _path, _old, kind, _excluded in mine):
        job.cancel()
        log.debug("renamed or copied files: the early evidence is not used")
        return {}
    answer = job.result()
    if not isinstance(answer, Listed):
        log.debug("no evidence from the early child process")
        return {}
    if answer.listing != mine:
        log.debug("the diff lists other files than the early child: its evidence is not used")
        return {}
    for record in answer.logs:
        logging.getLogger(record.name).handle(record)
    return {name: items for name, items in answer.found.items() if items is not None}
