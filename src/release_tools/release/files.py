"""Staged file changes applied all-or-nothing.

A release touches several files (manifests, version files, changelogs, plans). They are staged
in memory first, so that later steps read what earlier steps wrote and a dry run can list them
all. Every staged path is checked by a :class:`~release_tools.release.confine.Confinement` when
it is staged, so a path outside the work tree is refused before anything is written.
:meth:`FileTransaction.snapshot` records the exact bytes (and mode) of every path before the
first write (the release journal keeps them on disk too); if any write fails, every path is put
back as it was, including removing files that did not exist. :meth:`FileTransaction.rollback`
does the same later, when a step after the writes (``git commit``) fails or the release is
interrupted. A path whose bytes and mode still equal its snapshot is left alone, so a failure
that changed nothing reports nothing to restore. The directories the writes create are recorded
too (:meth:`FileTransaction.new_directories`): a rollback removes those left empty, deepest
first, and never one that existed before.
"""

from __future__ import annotations

import hashlib
import logging
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from release_tools.errors import ReleaseError
from release_tools.files import write_atomic
from release_tools.release.confine import Confinement

__all__ = [
    "FileChange",
    "FileTransaction",
    "Snapshot",
    "content_digest",
    "remove_new_directories",
    "restore_snapshots",
    "take_snapshot",
    "write_file",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FileChange:
    """One staged change: new bytes for ``path``, or ``None`` to delete it.

    ``reasons`` lists every distinct reason the path was written for, in staging order: one
    file can carry several changes (a package's own version and a dependency range).
    """

    path: str
    content: bytes | None
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        """The first reason the path was staged for."""
        return self.reasons[0]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A path's bytes and permission bits before the release (None: it did not exist)."""

    content: bytes | None
    mode: int | None


def content_digest(content: bytes | None) -> str:
    """A short, comparable name for a file's bytes: ``sha256:<hex>``, or ``absent`` (None)."""
    if content is None:
        return "absent"
    return "sha256:" + hashlib.sha256(content).hexdigest()


def write_file(path: Path, content: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``content`` whole or not at all, creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, content, mode=mode)


def take_snapshot(root: Path, rel: str) -> Snapshot:
    """What ``rel`` holds now (ReleaseError for anything but a regular file)."""
    path = root / rel
    try:
        info = path.lstat()
    except FileNotFoundError:
        return Snapshot(None, None)
    if not stat.S_ISREG(info.st_mode):
        raise ReleaseError(f"{rel}: not a regular file; refusing to replace it")
    try:
        return Snapshot(path.read_bytes(), stat.S_IMODE(info.st_mode))
    except OSError as exc:
        raise ReleaseError(f"{rel}: cannot be read: {exc.strerror}") from exc


def restore_snapshots(root: Path, snapshots: dict[str, Snapshot]) -> list[str]:
    """Put every path back as its snapshot says; returns the paths that could not be restored.

    Paths that still hold their snapshot are not touched (a write that failed changed nothing).
    """
    failures: list[str] = []
    for rel, snap in reversed(snapshots.items()):
        path = root / rel
        try:
            if take_snapshot(root, rel) == snap:
                continue
        except ReleaseError:
            pass  # something else is there now: put the original back
        try:
            if snap.content is None:
                path.unlink(missing_ok=True)
            else:
                write_file(path, snap.content, snap.mode)
        except OSError as exc:
            log.error("could not restore %s: %s", rel, exc.strerror or exc)
            log.debug("restore failure", exc_info=True)
            failures.append(rel)
    return failures


def remove_new_directories(root: Path, directories: Iterable[str]) -> None:
    """Remove each of ``directories`` (created by the release) that is empty now, deepest first.

    ``rmdir`` removes only an empty directory, so one that holds anything (a file someone put
    there since) stays. A directory already gone or not removable is left as it is: it holds
    nothing of the release.
    """
    for rel in sorted(set(directories), key=lambda d: len(PurePosixPath(d).parts), reverse=True):
        path = root / rel
        if path.is_symlink() or not path.is_dir():
            continue
        try:
            path.rmdir()
        except OSError as exc:  # not empty (kept on purpose) or not removable
            log.debug("kept the directory %s: %s", rel, exc.strerror or exc)
        else:
            log.debug("removed the directory %s", rel)


def _missing_directories(root: Path, rel: str) -> list[str]:
    """The directories above ``rel`` (inside ``root``) that do not exist yet, outermost first."""
    missing: list[str] = []
    for parent in reversed(PurePosixPath(rel).parents):
        if parent == PurePosixPath("."):
            continue
        path = root / parent
        if not (path.exists() or path.is_symlink()):
            missing.append(parent.as_posix())
    return missing


class FileTransaction:
    """Stage text changes and deletions under ``root``; apply them atomically."""

    def __init__(self, root: Path, confinement: Confinement | None = None) -> None:
        self.root = Path(root)
        self.confinement = confinement or Confinement(self.root)
        self._staged: dict[str, FileChange] = {}
        self._snapshots: dict[str, Snapshot] = {}
        self._new_directories: list[str] = []
        self._applied = False

    # --- staging ---------------------------------------------------------------------------

    def read(self, rel: str) -> str | None:
        """The text of ``rel`` as staged so far, else on disk; None if it does not exist."""
        staged = self._staged.get(rel)
        if staged is not None:
            return None if staged.content is None else staged.content.decode("utf-8")
        path = self.root / rel
        if not path.is_file():
            return None
        try:
            return path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReleaseError(f"{rel}: not UTF-8 text") from exc
        except OSError as exc:
            raise ReleaseError(f"{rel}: cannot be read: {exc.strerror}") from exc

    def write(self, rel: str, text: str, reason: str) -> None:
        """Stage new text for ``rel`` (last write wins; every distinct reason is kept).

        Raises :class:`ReleaseError` at once for a path outside the work tree (see
        :mod:`~release_tools.release.confine`).
        """
        self.confinement.check(rel, "write")
        previous = self._staged.get(rel)
        reasons = previous.reasons if previous is not None else ()
        if reason not in reasons:
            reasons = (*reasons, reason)
        self._staged[rel] = FileChange(rel, text.encode("utf-8"), reasons)

    def delete(self, rel: str, reason: str) -> None:
        """Stage the removal of ``rel`` (checked like :meth:`write`)."""
        self.confinement.check(rel, "delete")
        self._staged[rel] = FileChange(rel, None, (reason,))

    @property
    def changes(self) -> list[FileChange]:
        """The staged changes, in staging order."""
        return list(self._staged.values())

    @property
    def paths(self) -> list[str]:
        """The staged paths, in staging order."""
        return list(self._staged)

    # --- applying --------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Snapshot]:
        """Record what every staged path holds now (done once, before the first write)."""
        if not self._snapshots:
            self._snapshots = {rel: take_snapshot(self.root, rel) for rel in self._staged}
            # Recorded with the snapshot, before any write creates them.
            self._new_directories = list(
                dict.fromkeys(
                    directory
                    for rel, change in self._staged.items()
                    if change.content is not None
                    for directory in _missing_directories(self.root, rel)
                )
            )
        return dict(self._snapshots)

    def new_directories(self) -> list[str]:
        """The directories the writes create (known once :meth:`snapshot` ran), outermost
        first."""
        return list(self._new_directories)

    def written_digests(self) -> dict[str, str]:
        """The :func:`content_digest` of what each staged path will hold once applied."""
        return {rel: content_digest(change.content) for rel, change in self._staged.items()}

    def apply(self) -> None:
        """Write every staged change, or none: on failure, restore all and raise ReleaseError."""
        if self._applied:
            raise ReleaseError("file changes were already applied")
        # Snapshot everything before the first write, so a failure midway can be undone.
        self.snapshot()
        # Marked applied before the first write: an interruption midway must still roll back.
        self._applied = True
        current = ""
        try:
            for rel, change in self._staged.items():
                current = rel
                path = self.root / rel
                if change.content is None:
                    path.unlink(missing_ok=True)
                else:
                    write_file(path, change.content, self._snapshots[rel].mode)
                log.debug("wrote %s", rel, extra={"path": rel, "reason": "; ".join(change.reasons)})
        except (OSError, ReleaseError) as exc:
            changed = [
                rel for rel, snap in self._snapshots.items() if _differs(self.root, rel, snap)
            ]
            failures = self.rollback()
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            if failures:
                outcome = f"could not restore {', '.join(failures)}"
            elif changed:
                outcome = "every file was restored"
            else:
                outcome = "nothing was changed"
            raise ReleaseError(f"cannot write {current}: {reason}; {outcome}") from exc

    def rollback(self) -> list[str]:
        """Undo an applied transaction; returns the paths that could not be restored."""
        if not self._applied:
            return []
        self._applied = False
        failures = restore_snapshots(self.root, self._snapshots)
        remove_new_directories(self.root, self._new_directories)
        return failures


def _differs(root: Path, rel: str, snap: Snapshot) -> bool:
    try:
        return take_snapshot(root, rel) != snap
    except ReleaseError:
        return True
