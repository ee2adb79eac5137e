"""Where release-tools keeps what it can recompute: model chunk summaries, release history.

``cache_dir`` from the settings if set (relative to the repository); else
``<repo>/.release-tools-cache/`` when the repository is writable; else
``$XDG_CACHE_HOME/release-tools`` (``~/.cache/release-tools``). A directory the tool creates, and
the repository's own cache directory, hold a ``.gitignore`` of ``*`` so that ``git status``
stays clean, as pytest's and mypy's caches do.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["REPO_CACHE_NAME", "default_cache_dir", "prepare_cache_dir"]

REPO_CACHE_NAME = ".release-tools-cache"


def _writable(directory: Path) -> bool:
    return directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)


def default_cache_dir(
    root: Path, configured: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The cache directory for the repository at ``root`` (see the module docstring)."""
    if configured is not None:
        return configured if configured.is_absolute() else root / configured
    if _writable(root):
        return root / REPO_CACHE_NAME
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "release-tools"


def prepare_cache_dir(directory: Path) -> None:
    """Create ``directory``; one the tool creates (or the repo's own cache) ignores itself.

    A pre-existing directory under another name may be one the user tracks, so it is left
    alone; an existing ``.gitignore`` is never replaced.
    """
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    if created or directory.name == REPO_CACHE_NAME:
        # "x": two concurrent runs cannot both write it, and a user's file is kept.
        with (
            contextlib.suppress(FileExistsError),
            open(directory / ".gitignore", "x", encoding="utf-8") as handle,
        ):
            handle.write("*\n")
