"""The projects as they stand at ``--head``, when the work tree does not hold them all.

Project discovery reads manifests from files: the work tree's, which hold the checked-out
commit. A range whose head is another commit (``--head next`` from ``main``) must take its
current version from the manifests of that commit, and a sparse checkout lacks the projects
outside its patterns; in both cases the files discovery reads (manifests, workspace
configuration and the files Python projects keep their version in) are written from git into
a temporary directory and discovered there. The work tree and the index are never touched.
"""

from __future__ import annotations

import logging
import os
import posixpath
import tempfile
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

from release_tools.git import Git
from release_tools.versioning.projects import Project, discover_projects

__all__ = ["MANIFESTS", "projects_at", "wanted_files"]

log = logging.getLogger(__name__)

#: Files project discovery reads by name: manifests and workspace configuration.
MANIFESTS = frozenset(
    {
        "package.json",
        "project.json",
        "nx.json",
        "lerna.json",
        "pnpm-workspace.yaml",
        "Cargo.toml",
        "pyproject.toml",
        "setup.cfg",
        "setup.py",
        "go.mod",
        "go.work",
    }
)
#: Files a Python project may keep its version in (``__version__ = "1.2.3"``).
_VERSION_FILES = frozenset(
    {"__init__.py", "__about__.py", "_version.py", "version.py", "__version__.py", "_about.py"}
)
#: A package module is at most this deep below the repository root (``libs/x/src/pkg/``).
_VERSION_DEPTH = 6


def wanted_files(paths: Iterable[str]) -> list[str]:
    """The paths of a tree that project discovery may read, without those a pyproject names."""
    return [
        path
        for path in paths
        if (name := posixpath.basename(path)) in MANIFESTS
        or (name in _VERSION_FILES and path.count("/") < _VERSION_DEPTH)
    ]


def _named_version_files(root: Path, manifests: Iterable[str], tree: set[str]) -> list[str]:
    """The version files pyproject manifests name (hatch's or pdm's ``path``)."""
    found: list[str] = []
    for manifest in manifests:
        if posixpath.basename(manifest) != "pyproject.toml":
            continue
        try:
            data = tomllib.loads((root / manifest).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        tool = data.get("tool")
        for backend in ("hatch", "pdm"):
            table = tool.get(backend) if isinstance(tool, dict) else None
            version = table.get("version") if isinstance(table, dict) else None
            path = version.get("path") if isinstance(version, dict) else None
            if isinstance(path, str):
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(manifest), path))
                if joined in tree:
                    found.append(joined)
    return found


def _link_targets(root: Path, written: Sequence[str], tree: set[str]) -> list[str]:
    """The files of ``tree`` that the symbolic links among ``written`` point to (a manifest
    linked to ``pkg/real.json``), so that the links read as they do in a checkout. Links
    leading out of the tree were left out when written (see :meth:`Git.archive_to`)."""
    found: list[str] = []
    for path in written:
        link = root / path
        if not link.is_symlink():
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), os.readlink(link)))
        if target in tree and target not in written:
            found.append(target)
    return found


def projects_at(git: Git, worktree: Path, head: str | None) -> list[Project]:
    """The projects of the repository as commit ``head`` (None: HEAD) has them: read from the
    work tree when ``head`` is the checked-out commit and the checkout is not sparse, else from
    git (see the module docstring). Discovery errors propagate, as from
    :func:`discover_projects`."""
    if head in (None, "HEAD"):
        head, checked_out = "HEAD", True
    elif not git.has_commits():
        return discover_projects(worktree)
    else:
        checked_out = git.resolve(head) == git.resolve("HEAD")
    # The checked-out commit: the work tree holds all of it unless the checkout is sparse.
    if checked_out and (not git.is_sparse() or not git.has_commits()):
        return discover_projects(worktree)
    sha = git.resolve(head)
    tree = git.ls_files(sha)
    wanted = wanted_files(tree)
    with tempfile.TemporaryDirectory(prefix="release-tools-head-") as temporary:
        root = Path(temporary)
        if wanted:
            git.archive_to(sha, root, [f":(literal){p}" for p in wanted])
        files = set(tree)
        named = [p for p in _named_version_files(root, wanted, files) if p not in wanted]
        named += [p for p in _link_targets(root, wanted, files) if p not in named]
        if named:
            git.archive_to(sha, root, [f":(literal){p}" for p in named])
        log.debug("projects read at head", extra={"head": sha, "files": len(wanted) + len(named)})
        return discover_projects(root)
