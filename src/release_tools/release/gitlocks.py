"""Lock files that a git command of the release left when it was killed.

An interrupted git command gets SIGTERM, on which git removes its lock files; one that ignores
it is killed at the end of the grace period (:func:`~release_tools.git.process.stop_process`)
and may leave ``index.lock`` behind, which would make every later git command that writes the
index fail, the rollback and ``release --abort`` included. The release's ``git commit <paths>``
also leaves the temporary index of its partial commit, ``next-index-<pid>.lock`` in the git
directory; by that file the git layer also tells the locks of a commit that a signal from
outside killed (the out-of-memory killer). The git layer reports such a lock
(:class:`~release_tools.git.process.LeftLock`: the file's identity, the pid of the command
that held it and that command's start time); this module records it next to the release
journal, then removes it once the command is known to have ended and the file is still the
very one it left. The record comes first, so that a run that dies before the removal leaves
``--abort`` what it needs to finish it.

A lock file the release did not leave is never removed: another git may be running. The
release then stops with one line that names the files and says what to do.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from release_tools.errors import ReleaseError
from release_tools.files import write_atomic
from release_tools.git import Git
from release_tools.git.process import LeftLock, process_runs

__all__ = ["RECORD_NAME", "ensure_index_unlocked", "record_left_locks", "remove_left_locks"]

log = logging.getLogger(__name__)

#: Where the left locks are recorded, inside the git directory, next to the journal.
RECORD_NAME = "release-tools/left-locks.json"
_FORMAT = 1


def _record_path(git: Git) -> Path:
    return git.git_dir() / RECORD_NAME


def _load(path: Path) -> list[LeftLock]:
    """The recorded locks; none when there is no record or it cannot be read (a damaged
    record only loses the proof: such a lock is then treated as another git's)."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != _FORMAT:
            return []
        return [LeftLock(**entry) for entry in raw["locks"]]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("ignoring the unreadable lock record %s: %s", path, exc)
        return []


def _save(path: Path, locks: list[LeftLock]) -> None:
    if not locks:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the journal's directory, when nothing else is left
            path.parent.rmdir()
        return
    data = {"format": _FORMAT, "locks": [asdict(lock) for lock in locks]}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, indent=1) + "\n", mode=0o600)


def _merged(*groups: list[LeftLock]) -> list[LeftLock]:
    return list(dict.fromkeys(lock for group in groups for lock in group))


def record_left_locks(git: Git) -> None:
    """Record the locks ``git``'s commands were killed holding (see the module docstring)."""
    if git.left_locks:
        path = _record_path(git)
        _save(path, _merged(_load(path), git.left_locks))


def remove_left_locks(git: Git) -> None:
    """Remove each recorded (or just reported) lock whose command has ended and which is still
    the file that command left; forget the records that no longer apply.

    A lock whose file changed since (removed, or made anew by another git) is not ours any
    more: its record is dropped and the file, if any, left alone. One whose pid runs again
    (the command cannot have survived SIGKILL and the wait, so the pid was given out again) is
    removed only where the process of that pid is known to have started at another time than
    the command (:func:`~release_tools.git.process.process_runs`); otherwise it is kept and
    recorded: removing it is left to whoever can tell.
    """
    path = _record_path(git)
    kept: list[LeftLock] = []
    for lock in _merged(_load(path), git.left_locks):
        try:
            stat = os.lstat(lock.path)
        except FileNotFoundError:
            continue
        if not lock.is_file(stat):
            continue
        if process_runs(lock.pid, lock.started):
            kept.append(lock)
            continue
        Path(lock.path).unlink(missing_ok=True)
        log.info(
            "removed %s, left by a git %s that was killed",
            lock.path,
            lock.command,
            extra={"pid": lock.pid},
        )
    git.left_locks.clear()
    _save(path, kept)


def _locks_held(git: Git) -> list[Path]:
    """The lock files that make the undo's index writes fail: ``index.lock``, and the
    temporary index of a partial commit (``next-index-<pid>.lock``), which a ``git commit
    <paths>`` running here holds, or one killed left."""
    locks = [git.index_lock()]
    locks += sorted(git.git_dir().glob("next-index-*.lock"))
    return [lock for lock in locks if os.path.lexists(lock)]


def ensure_index_unlocked(git: Git, again: str) -> None:
    """:class:`ReleaseError` in one line when the index is locked (by a git that runs, or one
    that ended without removing its lock): the undo would fail half way. ``again`` is the
    command to run once the locks are gone."""
    locks = _locks_held(git)
    if not locks:
        return
    named = ", ".join(str(lock) for lock in locks)
    exists = "exist" if len(locks) > 1 else "exists"
    raise ReleaseError(
        f"{named} {exists}: another git command is using this repository, or one ended "
        f"without removing its lock; once no git command runs here, delete {named} and run "
        f"{again} again"
    )
