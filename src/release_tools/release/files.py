"""Staged file changes applied all-or-nothing.

A release touches several files (manifests, version files, changelogs, plans). They are staged
in memory first, so that later steps read what earlier steps wrote and a dry run can list them
all. :meth:`FileTransaction.apply` snapshots the exact bytes (and mode) of every path before the
first write; if any write fails, every path is put back as it was, including removing files that
did not exist. :meth:`FileTransaction.rollback` does the same later, when a step after the
writes (``git commit``) fails.
"""

from __future__ import annotations

import logging
import stat
from dataclasses import dataclass
from pathlib import Path

from release_tools.errors import ReleaseError
from release_tools.files import write_atomic

__all__ = ["FileChange", "FileTransaction", "write_file"]

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
class _Snapshot:
    content: bytes | None
    mode: int | None


def write_file(path: Path, content: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``content`` whole or not at all, creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, content, mode=mode)


class FileTransaction:
    """Stage text changes and deletions under ``root``; apply them atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._staged: dict[str, FileChange] = {}
        self._snapshots: dict[str, _Snapshot] = {}
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
        """Stage new text for ``rel`` (last write wins; every distinct reason is kept)."""
        previous = self._staged.get(rel)
        reasons = previous.reasons if previous is not None else ()
        if reason not in reasons:
            reasons = (*reasons, reason)
        self._staged[rel] = FileChange(rel, text.encode("utf-8"), reasons)

    def delete(self, rel: str, reason: str) -> None:
        """Stage the removal of ``rel``."""
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

    def _snapshot(self, rel: str) -> _Snapshot:
        path = self.root / rel
        try:
            info = path.lstat()
        except FileNotFoundError:
            return _Snapshot(None, None)
        if not stat.S_ISREG(info.st_mode):
            raise ReleaseError(f"{rel}: not a regular file; refusing to replace it")
        return _Snapshot(path.read_bytes(), stat.S_IMODE(info.st_mode))

    def apply(self) -> None:
        """Write every staged change, or none: on failure, restore all and raise ReleaseError."""
        if self._applied:
            raise ReleaseError("file changes were already applied")
        # Snapshot everything before the first write, so a failure midway can be undone.
        self._snapshots = {rel: self._snapshot(rel) for rel in self._staged}
        done: list[str] = []
        try:
            for rel, change in self._staged.items():
                path = self.root / rel
                done.append(rel)
                if change.content is None:
                    path.unlink(missing_ok=True)
                else:
                    write_file(path, change.content, self._snapshots[rel].mode)
                log.debug("wrote %s", rel, extra={"path": rel, "reason": "; ".join(change.reasons)})
        except (OSError, ReleaseError) as exc:
            failures = self._restore(done)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            outcome = (
                f"could not restore {', '.join(failures)}"
                if failures
                else "every file was restored"
            )
            raise ReleaseError(f"cannot write {done[-1]}: {reason}; {outcome}") from exc
        self._applied = True

    def rollback(self) -> list[str]:
        """Undo an applied transaction; returns the paths that could not be restored."""
        if not self._applied:
            return []
        self._applied = False
        return self._restore(list(self._staged))

    def _restore(self, paths: list[str]) -> list[str]:
        failures: list[str] = []
        for rel in reversed(paths):
            snap = self._snapshots[rel]
            path = self.root / rel
            try:
                if snap.content is None:
                    path.unlink(missing_ok=True)
                else:
                    write_file(path, snap.content, snap.mode)
            except OSError:
                log.error("could not restore %s", rel, exc_info=True)
                failures.append(rel)
        return failures
