"""The one way release-tools writes a file: whole or not at all.

:func:`write_atomic` writes to a temporary file in the target's own directory (so the final
rename never crosses a file system), flushes it to disk, then renames it over the target. A
reader sees the old content or the new one, never half of it; a failure removes the temporary
file and leaves the target as it was.

Modes: a new file gets ``0o666`` less the process umask, as ``open()`` would give it (the
temporary file is created with that mode, so the kernel applies the umask). A replaced file
keeps its own mode unless ``mode`` says otherwise.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

__all__ = ["LINK_OUTSIDE", "in_git_dir", "leads_outside", "write_atomic"]

_NEW_FILE_MODE = 0o666

#: Why a file of the repository found by name is not read: it is a symbolic link (or lies
#: below one) whose target is outside the repository.
LINK_OUTSIDE = "a symbolic link leading outside the repository; not read"


def leads_outside(root: Path | str, path: Path | str) -> bool:
    """Whether ``path``, symbolic links followed, lies outside the directory ``root`` (itself
    resolved).

    git tracks a link, not what it points to: a file of the repository read through such a
    link would be a file of the machine running the tool. realpath, not Path.resolve: a link
    loop makes resolve raise, and realpath leave the loop's path as it is, inside.
    """
    real_root = Path(os.path.realpath(root))
    return not Path(os.path.realpath(path)).is_relative_to(real_root)


def in_git_dir(path: Path | str, git_dirs: tuple[Path, ...] = ()) -> bool:
    """Whether ``path`` resolves, symbolic links followed, into a git directory: through a
    ``.git`` component, or into one of ``git_dirs`` (a repository's own, wherever it lives).

    Writing there (a report over ``.git/HEAD``, say) would damage the repository.
    """
    # Compared without case: on a case-insensitive file system ``.GIT/HEAD`` is ``.git/HEAD``.
    real = Path(os.path.realpath(path))
    if any(part.casefold() == ".git" for part in real.parts):
        return True
    folded = Path(str(real).casefold())
    return any(folded.is_relative_to(os.path.realpath(d).casefold()) for d in git_dirs)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every file system lets a directory be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes | str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8, newlines untouched).

    ``mode`` sets the permission bits of the result; None keeps an existing file's bits and
    gives a new file the umask's default. The parent directory must exist. Raises
    :class:`OSError` (after removing the temporary file) when anything fails.
    """
    target = Path(path)
    directory = target.parent
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if mode is None:
        with contextlib.suppress(FileNotFoundError):
            mode = target.stat().st_mode & 0o7777
    tmp = directory / f".{target.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _NEW_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)
