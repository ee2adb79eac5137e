"""Which files are a project's own: its directory, less the nested Go modules released apart.

Go starts a new module at every nested ``go.mod``. Once such a module has a release line of its
own, the files below it are never the enclosing module's changes: neither in what ``analyze``
reads nor in the commits a changelog lists. A nested module that was never tagged (a ``docs/``
module that only runs the examples) ships with the enclosing module's releases instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from release_tools.git import Git
from release_tools.versioning.gomodules import nested_go_modules
from release_tools.versioning.projects import Project

__all__ = ["pathspecs", "project_pathspecs", "separate_modules"]

#: A major version directory (v2/, v10/): its module's tags are the repository's vN.x.y.
_MAJOR_DIR = re.compile(r"v(?:[2-9]|[1-9]\d+)")


def _tag_directories(git: Git) -> set[str]:
    """The directories that prefix a ``v`` tag (``tools`` for ``tools/v0.1.0``): the nested
    modules with releases of their own. One git call, whatever the number of modules."""
    names = git.run("for-each-ref", "--format=%(refname:strip=2)", "refs/tags/", check=False)
    found: set[str] = set()
    for name in names.splitlines():
        directory, _, last = name.rpartition("/")
        if directory and last.startswith("v"):
            found.add(directory)
    return found


def separate_modules(git: Git, project: Project, ref: str = "HEAD") -> tuple[str, ...]:
    """The directories below a Go ``project`` holding modules released apart from it in the
    tree of ``ref`` (repository-relative): a major version directory, or a module with tags of
    its own (``tools/v0.1.0``); nothing for other ecosystems. Read from the commit, not the
    work tree, so that an analysed ``--head`` is bounded as it stood and an untracked
    ``go.mod`` is no module of the repository's."""
    if project.manifest_kind != "go.mod":
        return ()
    own = () if project.path in (".", "") else (project.path,)
    nested = nested_go_modules(git.ls_files(ref, own), project.path)
    if not nested:
        return ()
    tagged = _tag_directories(git)
    return tuple(d for d in nested if _MAJOR_DIR.fullmatch(PurePosixPath(d).name) or d in tagged)


def project_pathspecs(git: Git, project: Project, ref: str = "HEAD") -> tuple[str, ...]:
    """The git pathspecs of ``project``'s own files at ``ref`` (empty: the whole repository)."""
    own = () if project.path in (".", "") else (project.path,)
    return pathspecs(own, separate_modules(git, project, ref))


def pathspecs(paths: Sequence[str], excludes: Sequence[str]) -> tuple[str, ...]:
    """Git pathspecs of ``paths`` (none: the whole repository) less the directories
    ``excludes``, each matched literally."""
    return (*paths, *(f":(exclude,literal){d}" for d in excludes))
