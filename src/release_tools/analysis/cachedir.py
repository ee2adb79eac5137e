"""Where release-tools keeps what it can recompute: model chunk summaries, release history.

``cache_dir`` from the settings if set (relative to the repository); else
``<repo>/.release-tools-cache/`` when the repository is writable; else
``$XDG_CACHE_HOME/release-tools`` (``~/.cache/release-tools``). A directory the tool creates, and
the repository's own cache directory, hold a ``.gitignore`` of ``*`` so that ``git status``
stays clean, as pytest's and mypy's caches do.

Within :func:`read_only` the caches are read but never written: a dry run (``release --auto
--dry-run``) must leave the repository, its ignored files and the user's cache directory as
they were. Every writer goes through :func:`prepare_cache_dir` first, which then refuses with
:class:`CacheReadOnly`, an ``OSError`` that the writers already take as an entry not written.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

__all__ = [
    "REPO_CACHE_NAME",
    "CacheReadOnly",
    "default_cache_dir",
    "prepare_cache_dir",
    "read_only",
    "within",
]

log = logging.getLogger(__name__)

REPO_CACHE_NAME = ".release-tools-cache"


def _writable(directory: Path) -> bool:
    return directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)


def _user_cache(environ: Mapping[str, str] | None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "release-tools"


def _in_git_dir(path: Path) -> bool:
    return ".git" in path.parts


def _confined(root: Path, candidate: Path) -> bool:
    """Whether ``candidate`` resolves (after symbolic links) inside ``root`` and outside .git."""
    # realpath, not Path.resolve: a link loop (a committed ".release-tools-cache" naming
    # itself) makes resolve raise, and realpath leave the loop's path as it is.
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(candidate))
    if not real.is_relative_to(real_root):
        return False
    return not _in_git_dir(real.relative_to(real_root))


def within(root: Path, path: Path) -> bool:
    """Whether the cache entry ``path`` resolves, symbolic links followed, inside the cache
    directory ``root`` and outside any ``.git`` directory there.

    The cache directory may sit in the repository, whose files the tool does not control: a
    committed link inside it (``history -> ../.git/x``) must not lead a write, or a read,
    elsewhere. Parts of ``path`` that do not exist yet resolve as written.
    """
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    return real.is_relative_to(real_root) and not _in_git_dir(real.relative_to(real_root))


#: Fallback warnings already given: analysis asks for the cache directory more than once a run.
_WARNED: set[tuple[object, ...]] = set()


def _warn_once(message: str, *args: object) -> None:
    key = (message, *map(str, args))
    if key not in _WARNED:
        _WARNED.add(key)
        log.warning(message, *args)


def default_cache_dir(
    root: Path, configured: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """The cache directory for the repository at ``root`` (see the module docstring).

    A directory inside the repository must resolve, after symbolic links, inside its work tree
    and outside ``.git``: a relative ``cache_dir`` that leaves the tree, or a repository cache
    that is a link to elsewhere, falls back to the user's cache directory (with a warning), so
    a repository's own files cannot make the tool write outside it. An absolute ``cache_dir`` is
    the user's explicit choice (a CI cache, say, given by a flag or a variable: the settings
    turn one from the repository's config file into a path relative to the repository) and is
    honoured unless it lies in a ``.git`` directory. Each fallback is reported once a process.
    """
    if configured is not None:
        if configured.is_absolute():
            if not _in_git_dir(configured.resolve()):
                return configured
        elif _confined(root, root / configured):
            return root / configured
        _warn_once(
            "cache directory %s is outside the work tree or inside .git; using %s",
            configured,
            _user_cache(environ),
        )
        return _user_cache(environ)
    if _writable(root):
        candidate = root / REPO_CACHE_NAME
        if not _confined(root, candidate):
            _warn_once(
                "%s leads outside the work tree; using %s", REPO_CACHE_NAME, _user_cache(environ)
            )
        elif os.path.lexists(candidate) and not candidate.is_dir():
            # A file or a link to nothing (a loop) of that name: no cache can be kept there.
            _warn_once("%s is not a directory; using %s", REPO_CACHE_NAME, _user_cache(environ))
        else:
            return candidate
    return _user_cache(environ)


class CacheReadOnly(PermissionError):
    """A cache entry was about to be written within :func:`read_only`."""


#: How many :func:`read_only` scopes are open. Process-wide, not a context variable: the
#: history cache is written by worker threads, which do not inherit the caller's context.
_read_only_scopes = 0
_scopes_lock = threading.Lock()


@contextlib.contextmanager
def read_only() -> Iterator[None]:
    """Within: caches are read, never written (nor their directories created)."""
    global _read_only_scopes
    with _scopes_lock:
        _read_only_scopes += 1
    try:
        yield
    finally:
        with _scopes_lock:
            _read_only_scopes -= 1


def prepare_cache_dir(directory: Path) -> None:
    """Create ``directory``; one the tool creates (or the repo's own cache) ignores itself.

    A pre-existing directory under another name may be one the user tracks, so it is left
    alone; an existing ``.gitignore`` is never replaced. Within :func:`read_only`, raise
    :class:`CacheReadOnly` instead, before anything is created: its caller writes no entry.
    """
    if _read_only_scopes:
        raise CacheReadOnly(f"{directory}: a dry run writes no cache entry")
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    if created or directory.name == REPO_CACHE_NAME:
        # "x": two concurrent runs cannot both write it, and a user's file is kept.
        with (
            contextlib.suppress(FileExistsError),
            open(directory / ".gitignore", "x", encoding="utf-8") as handle,
        ):
            handle.write("*\n")
