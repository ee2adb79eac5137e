"""The files attached to a forge release: globs resolved inside the work tree.

A glob is relative to the repository root and may use ``**``. Every file it matches must
resolve (symbolic links followed) inside the work tree and outside any ``.git`` directory; a
glob written as an absolute path or climbing out with ``..`` is refused before it is expanded.
Assets are named by their file name, which must therefore be unique across all globs, also
as the forge stores it (GitHub turns ``a b.whl`` and ``a+b.whl`` both into ``a.b.whl``).
In a sparse checkout, a glob matching a tracked file the checkout leaves out is refused: a
full checkout would attach that file, and the work tree cannot give it.
"""

from __future__ import annotations

import glob
import mimetypes
import os
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from release_tools.errors import UsageError

__all__ = ["Asset", "NoMatchError", "check_patterns", "github_stored_name", "resolve_assets"]

# The characters GitHub keeps in an asset's name; it stores any other one as a ".".
_GITHUB_UNSTORED = re.compile(r"[^A-Za-z0-9._-]")


def github_stored_name(name: str) -> str:
    """The name GitHub gives an asset uploaded as ``name``."""
    return _GITHUB_UNSTORED.sub(".", name)


class NoMatchError(UsageError):
    """A glob matches no file (yet: a publish command may build it)."""


@dataclass(frozen=True, slots=True)
class Asset:
    """One file to attach: its name on the forge, its path, its media type."""

    name: str
    path: Path
    relative: str
    content_type: str

    def read(self) -> bytes:
        """The file's bytes (OSError when it cannot be read)."""
        return self.path.read_bytes()


def check_patterns(patterns: Sequence[str]) -> None:
    """Refuse globs that could only match outside the work tree (UsageError, one line)."""
    for pattern in patterns:
        pure = PurePosixPath(pattern.replace("\\", "/"))
        if not pattern.strip():
            raise UsageError("--release-asset: an empty glob")
        if pure.is_absolute() or Path(pattern).is_absolute():
            raise UsageError(
                f"--release-asset {pattern}: an absolute path; globs are relative to the "
                "repository root"
            )
        if ".." in pure.parts:
            raise UsageError(f"--release-asset {pattern}: '..' leads outside the work tree")
        if ".git" in pure.parts:
            raise UsageError(f"--release-asset {pattern}: files inside .git cannot be assets")


# A compressed file's bytes are the compressor's format (demo.tar.gz is gzip data, whatever
# the archive inside): mimetypes reports that as an encoding beside the inner type.
_ENCODED_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "compress": "application/x-compress",
    "br": "application/x-brotli",
}


def _content_type(name: str) -> str:
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    if encoding is not None:
        return _ENCODED_TYPES.get(encoding, "application/octet-stream")
    return guessed or "application/octet-stream"


def _refuse_left_out(pattern: str, left_out: AbstractSet[str]) -> None:
    """Raise :class:`UsageError` naming the files a sparse checkout leaves out that
    ``pattern`` matches, when there are any: they are tracked, so a full checkout would attach
    them, but they are not in the work tree to be read (matched as :func:`glob.glob` does,
    ``**`` spanning directories, a leading dot matched only by one; the expression is compiled
    once, as the paths left out may number in the hundreds of thousands)."""
    if not left_out:
        return
    from wcmatch import glob as wcglob

    included, _ = wcglob.translate(pattern.replace("\\", "/"), flags=wcglob.GLOBSTAR)
    expressions = [re.compile(expression) for expression in included]
    matched = sorted(p for p in left_out if any(e.match(p) for e in expressions))
    if not matched:
        return
    more = f" and {len(matched) - 1} more" if len(matched) > 1 else ""
    directory = PurePosixPath(matched[0]).parent.as_posix()
    raise UsageError(
        f"--release-asset {pattern}: matches {matched[0]}{more}, which the sparse checkout "
        f"leaves out (git sparse-checkout add {directory})"
    )


def resolve_assets(
    root: Path,
    patterns: Sequence[str],
    git_dir: Path | None = None,
    stored: Callable[[str], str] | None = None,
    left_out: AbstractSet[str] = frozenset(),
) -> list[Asset]:
    """Every file the globs match, checked and named; UsageError on a glob matching nothing,
    a match outside the work tree or inside ``.git``, or two assets with one name, also once
    ``stored`` (the forge's renaming, when it has one) has made it.

    ``left_out`` holds the tracked paths a sparse checkout leaves out: a glob matching any of
    them is refused saying so, rather than attaching fewer files than a full checkout would."""
    check_patterns(patterns)
    real_root = Path(os.path.realpath(root))
    real_git = Path(os.path.realpath(git_dir)) if git_dir is not None else None
    assets: dict[str, Asset] = {}
    for pattern in patterns:
        _refuse_left_out(pattern, left_out)
        matches = sorted(glob.glob(pattern, root_dir=real_root, recursive=True))
        files = [m for m in matches if (real_root / m).is_file()]
        if not files:
            raise NoMatchError(f"--release-asset {pattern}: no file matches it (in {real_root})")
        for match in files:
            resolved = Path(os.path.realpath(real_root / match))
            if not resolved.is_relative_to(real_root):
                raise UsageError(
                    f"--release-asset {pattern}: {match} resolves to {resolved}, outside the "
                    "work tree"
                )
            inside = resolved.relative_to(real_root).parts
            if ".git" in inside or (real_git is not None and resolved.is_relative_to(real_git)):
                raise UsageError(f"--release-asset {pattern}: {match} is inside .git")
            relative = PurePosixPath(*Path(match).parts).as_posix()
            name = Path(match).name
            key = stored(name) if stored is not None else name
            other = assets.get(key)
            if other is not None and other.path != resolved:
                renamed = "" if key in (name, other.name) else " (the forge renames both so)"
                raise UsageError(
                    f"--release-asset: two files would be the asset {key}{renamed}: "
                    f"{other.relative} and {relative}"
                )
            assets[key] = Asset(name, resolved, relative, _content_type(name))
    return list(assets.values())
