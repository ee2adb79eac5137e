"""Workspace layouts: member globs (npm, pnpm, Cargo, uv) and a pruned directory walk.

Globs follow what the package managers accept: ``packages/*``, ``libs/**``, plain paths and
``!negations`` (``dir/**`` also excludes ``dir`` itself). ``*`` never crosses ``/`` and ``**``
spans directories, as in pnpm's and Cargo's matchers (wcmatch's globstar matching does both).
Dependency and build folders are never entered, so a ``node_modules`` full of ``package.json``
files is not mistaken for projects. ``pnpm-workspace.yaml`` is read by a YAML parser, so every
spelling YAML allows (indented or not, block or flow lists, comments) means the same.

A member must lie inside the repository: one a glob reaches through ``..``, an absolute path or
a symbolic link pointing elsewhere is skipped with a warning and never read, since the release
would otherwise version, tag and commit files git does not track here. A manifest found by
name (the root's ``package.json``, a walked ``pyproject.toml``) that is such a link is refused
by :func:`refuse_outside` when it is read.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

from release_tools.errors import VersionError
from release_tools.files import LINK_OUTSIDE, leads_outside

__all__ = ["SKIP_DIRS", "expand_globs", "read_pnpm_workspace", "refuse_outside", "walk"]

log = logging.getLogger(__name__)

# Directories that never hold a project of their own: dependencies, build output, caches.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".nx",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "__pycache__",
        "node_modules",
        "dist",
        "build",
        "target",
        "site-packages",
    }
)


def _rel(root: Path, path: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return rel or "."


def walk(
    root: Path, max_depth: int | None = None, prune: Callable[[str], bool] | None = None
) -> Iterator[tuple[Path, list[str]]]:
    """Directories under ``root`` (pruned of dependency and build folders, and of those whose
    name ``prune`` rejects: they are never entered) and their files."""
    root_depth = len(root.parts)
    for current, dirs, files in os.walk(root):
        here = Path(current)
        depth = len(here.parts) - root_depth
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not (d.startswith(".") and d != ".")
            and (max_depth is None or depth < max_depth)
            and (prune is None or not prune(d))
        )
        yield here, files


def expand_globs(root: Path, patterns: Iterable[str], marker: str) -> list[Path]:
    """Directories matching workspace globs (``!`` negations allowed) that contain ``marker``."""
    positive: list[str] = []
    negative: list[str] = []
    for raw in patterns:
        pattern = raw.strip().rstrip("/").removeprefix("./")
        if not pattern:
            continue
        if pattern.startswith("!"):
            negative.append(pattern[1:].removeprefix("./"))
        else:
            positive.append(pattern)
    found: dict[str, Path] = {}
    top = Path(os.path.realpath(root))
    for pattern in positive:
        normal = PurePosixPath(os.path.normpath(pattern).replace(os.sep, "/"))
        if normal.is_absolute() or normal.parts[:1] == ("..",):
            # Not even listed: the directories it names are not the repository's.
            log.warning("workspace pattern %r points outside the repository: skipped", pattern)
            continue
        if not any(ch in pattern for ch in "*?["):
            candidates: Iterable[Path] = [root / pattern]
        elif "**" in pattern:
            candidates = _globstar(root, pattern)
        else:
            candidates = root.glob(pattern)
        # Members whose directory or manifest is a symbolic link leading out of the repository.
        outside: list[str] = []
        for candidate in candidates:
            # Lexically normalised, so "packages/../packages/a" and "packages/a" are one member.
            rel = os.path.normpath(os.path.relpath(candidate, root)).replace(os.sep, "/")
            if any(part in SKIP_DIRS for part in PurePosixPath(rel).parts):
                continue
            member = root / rel
            if not _inside(top, member) or not _inside(top, member / marker):
                outside.append(rel)
                continue
            if member.is_dir() and (member / marker).is_file():
                found.setdefault(_rel(root, member), member)
        if outside:
            log.warning(
                "workspace pattern %r reaches outside the repository through a symbolic link: "
                "skipped %s",
                pattern,
                ", ".join(sorted(outside)),
            )
    return [
        path
        for rel, path in sorted(found.items())
        # "dir/**" also excludes "dir" itself, as in pnpm's and Cargo's matching.
        if not any(_matches(rel, neg) or _matches(rel + "/", neg) for neg in negative)
    ]


def _inside(top: Path, path: Path) -> bool:
    """Whether ``path``, symbolic links followed, lies in the directory ``top`` (resolved).

    realpath, not Path.resolve: a link loop (a member's ``package.json`` naming itself) makes
    resolve raise, and realpath leave the loop's path as it is, inside; it is no file, so the
    member is not read.
    """
    return Path(os.path.realpath(path)).is_relative_to(top)


def _globstar(root: Path, pattern: str) -> Iterator[Path]:
    """The directories under ``root`` that ``pattern`` (with ``**``) matches, found by a walk
    that never enters dependency and build folders: ``Path.glob`` would walk every
    ``node_modules`` below ``packages/**`` (tens of thousands of directories in a pnpm
    workspace) only for them to be dropped afterwards. Symbolic links to directories are
    matched but not entered, as ``**`` does not descend through them."""
    static: list[str] = []
    for part in pattern.split("/"):
        if any(ch in part for ch in "*?["):
            break
        static.append(part)
    start = root.joinpath(*static)
    if not start.is_dir():
        return
    if pattern == "**":
        yield root  # as Path.glob does: ``**`` matches no directory at all too
    for current, dirs, _files in os.walk(start):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        here = Path(current)
        rel = _rel(root, here)
        if rel != "." and (_matches(rel, pattern) or _matches(rel + "/", pattern)):
            yield here
        for name in dirs:
            if (here / name).is_symlink():
                linked = f"{rel}/{name}" if rel != "." else name
                if _matches(linked, pattern):
                    yield here / name


def refuse_outside(root: Path, path: Path) -> None:
    """Raise :class:`VersionError` when the file ``path`` of the repository at ``root`` is a
    symbolic link (or lies below one) leading out of the repository.

    git tracks the link, not what it points to: read, it would make a file of the machine
    running the tool (another checkout, a home directory's file) the project's manifest.
    """
    if leads_outside(root, path):
        raise VersionError(f"{_rel(root, path)}: {LINK_OUTSIDE}")


def _matches(rel: str, pattern: str) -> bool:
    # Imported here, as the YAML parser below: most runs (every analyze of a repository
    # without workspace globs) need neither, and loading them costs milliseconds.
    from wcmatch import glob as wcglob

    return bool(wcglob.globmatch(rel, pattern, flags=wcglob.GLOBSTAR | wcglob.DOTGLOB))


def read_pnpm_workspace(path: Path) -> list[str]:
    """The ``packages:`` globs of a ``pnpm-workspace.yaml``.

    Other keys (``catalog:``...) are ignored. A ``packages`` value that is not a list of
    strings is a VersionError naming the line, so a typo never silently drops packages.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    name = path.name
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise VersionError(f"{name}{where}: not valid YAML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise VersionError(f"{name}: cannot be read: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, dict):
        raise VersionError(f"{name}:1: expected a mapping with a 'packages' list")
    packages = data.get("packages")
    if packages is None:
        return []
    if not isinstance(packages, list):
        line = data.lc.value("packages")[0] + 1 if hasattr(data, "lc") else 1
        raise VersionError(f"{name}:{line}: expected a list of globs under packages")
    globs: list[str] = []
    for index, item in enumerate(packages):
        if not isinstance(item, str):
            line = packages.lc.item(index)[0] + 1 if hasattr(packages, "lc") else 1
            raise VersionError(f"{name}:{line}: expected '- <glob>' under packages")
        globs.append(item)
    return globs
