"""One release at a time in a work tree.

Two ``release`` runs started together would each snapshot the files, and the one that fails
would restore its snapshot over what the other had just committed. So a run that writes holds
an exclusive advisory lock (``flock``) on the work tree's git directory from before it reads
the journal until it ends. The kernel drops the lock when the process ends, however it ends:
a killed run leaves no stale lock behind, and no file is created for it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from release_tools.errors import ReleaseError

__all__ = ["release_lock"]


@contextlib.contextmanager
def release_lock(git_dir: Path) -> Iterator[None]:
    """Hold the release lock of ``git_dir``; :class:`ReleaseError` at once if another run
    holds it."""
    fd = os.open(git_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReleaseError(
                "another release is running in this repository: wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
