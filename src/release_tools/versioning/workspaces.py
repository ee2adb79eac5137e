"""Workspace layouts: member globs (npm, pnpm, Cargo, uv) and a pruned directory walk.

Globs follow what the package managers accept: ``packages/*``, ``libs/**``, plain paths and
``!negations`` (``dir/**`` also excludes ``dir`` itself). Dependency and build folders are never
entered, so a ``node_modules`` full of ``package.json`` files is not mistaken for projects.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from release_tools.errors import VersionError

__all__ = ["SKIP_DIRS", "expand_globs", "read_pnpm_workspace", "walk"]

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


def walk(root: Path, max_depth: int | None = None) -> Iterator[tuple[Path, list[str]]]:
    """Directories under ``root`` (pruned of dependency and build folders) and their files."""
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
    for pattern in positive:
        if not any(ch in pattern for ch in "*?["):
            candidates: Iterable[Path] = [root / pattern]
        else:
            candidates = root.glob(pattern)
        for candidate in candidates:
            rel = _rel(root, candidate)
            if any(part in SKIP_DIRS for part in PurePosixPath(rel).parts):
                continue
            if candidate.is_dir() and (candidate / marker).is_file():
                found.setdefault(rel, candidate)
    return [
        path
        for rel, path in sorted(found.items())
        # "dir/**" also excludes "dir" itself, as in pnpm's and Cargo's matching.
        if not any(
            fnmatch.fnmatchcase(rel, neg) or fnmatch.fnmatchcase(rel + "/", neg) for neg in negative
        )
    ]


def read_pnpm_workspace(path: Path) -> list[str]:
    """The ``packages:`` globs of a ``pnpm-workspace.yaml``.

    Only the list form pnpm documents is understood (``packages:`` then ``- 'glob'`` lines);
    other keys (``catalog:``...) are skipped. Anything else in the list is a VersionError, so a
    typo never silently drops packages.
    """
    globs: list[str] = []
    in_packages = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.split(" #", 1)[0].rstrip()
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            key, _, rest = stripped.partition(":")
            in_packages = key.strip() == "packages"
            rest = rest.strip()
            if in_packages and rest:
                # The flow form: packages: ['a/*', 'b']
                if not (rest.startswith("[") and rest.endswith("]")):
                    raise VersionError(f"{path.name}:{number}: expected a list of globs")
                globs += [g.strip().strip("'\"") for g in rest[1:-1].split(",") if g.strip()]
                in_packages = False
            continue
        if not in_packages:
            continue
        item = stripped.strip()
        if not item.startswith("- "):
            raise VersionError(f"{path.name}:{number}: expected '- <glob>' under packages")
        globs.append(item[2:].strip().strip("'\""))
    return globs
