"""Confinement: every path a release writes or deletes stays inside the work tree.

Paths come from the repository itself (a configured changelog, a package directory, a plan
folder), so a hostile or careless repository can point them anywhere: ``../x.md``, an absolute
path, a plan folder that is a symbolic link to another directory, ``.git/config``. Every path is
checked after resolving symbolic links, before the first write, in every mode (a dry run
reports the same refusal as the real run):

* it must resolve inside the work tree,
* it must not be inside ``.git`` (of this repository or of a nested one), nor the git directory
  of a linked work tree,
* when it exists, it must be a regular file, not a symbolic link (the atomic rename would
  replace the link by a file) nor a directory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from release_tools.errors import ReleaseError
from release_tools.files import in_git_dir

__all__ = ["Confinement"]


class Confinement:
    """Checks paths against one work tree (``root``) and its git directory."""

    def __init__(self, root: Path, git_dir: Path | None = None) -> None:
        self.root = Path(os.path.realpath(root))
        self.git_dir = Path(os.path.realpath(git_dir)) if git_dir is not None else None

    def check(self, rel: str, verb: str = "write") -> Path:
        """The absolute path of ``rel``; :class:`ReleaseError` (one line) when it is not allowed.

        ``verb`` names the operation in the message ("write", "delete").
        """
        pure = PurePosixPath(rel)
        if pure.is_absolute() or Path(rel).is_absolute():
            raise ReleaseError(
                f"refusing to {verb} {rel}: an absolute path, outside the work tree {self.root}"
            )
        # Compared without case: on a case-insensitive file system (macOS, Windows by
        # default) ``.GIT/config`` is ``.git/config``.
        if any(part.casefold() == ".git" for part in pure.parts):
            raise ReleaseError(f"refusing to {verb} {rel}: it is inside a .git directory")
        target = self.root / rel
        resolved = Path(os.path.realpath(target))
        if not resolved.is_relative_to(self.root) or resolved == self.root:
            raise ReleaseError(
                f"refusing to {verb} {rel}: it resolves to {resolved}, outside the work tree "
                f"{self.root} (through '..' or a symbolic link)"
            )
        inside = resolved.relative_to(self.root).parts
        if any(part.casefold() == ".git" for part in inside) or (
            self.git_dir is not None and in_git_dir(resolved, (self.git_dir,))
        ):
            raise ReleaseError(
                f"refusing to {verb} {rel}: it resolves to {resolved}, inside the git directory"
            )
        try:
            info = target.lstat()
        except FileNotFoundError:
            return target
        except OSError as exc:
            raise ReleaseError(f"{rel}: cannot be inspected: {exc.strerror}") from exc
        if stat.S_ISLNK(info.st_mode):
            raise ReleaseError(
                f"refusing to {verb} {rel}: it is a symbolic link (to {os.readlink(target)}); "
                "replace it by the file itself"
            )
        if not stat.S_ISREG(info.st_mode):
            raise ReleaseError(f"{rel}: not a regular file; refusing to replace it")
        return target
