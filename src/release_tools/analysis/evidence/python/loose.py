"""Python modules outside any package: where they ship, and whether their project ships them.

A loose module (``six.py``, ``typing_extensions.py``) is a distribution's API only beside its
project manifest or in that project's ``src/`` (:func:`loose_homes`), and only when the project
ships it: a project that also ships packages names its loose modules in its manifest
(``py_modules``, ``py-modules``, a build backend's include list), so a script beside
``setup.py`` that the manifest never names (``release.py``, ``updatezinfo.py``) is project
tooling (:func:`unlisted_loose`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_texts

__all__ = ["loose_homes", "unlisted_loose"]

#: Files that make their directory a Python project's root.
_PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})


#: Manifests of other ecosystems: in their projects a loose ``.py`` file is a helper script.
_OTHER_PROJECT_FILES = frozenset({"Cargo.toml", "package.json", "go.mod"})


def loose_homes(files: Iterable[str], packages: set[str]) -> set[str] | None:
    """Directories where a module outside any package ships: beside a Python project
    manifest (``pyproject.toml``, ``setup.py``, ``setup.cfg``; ``""`` for the repository
    root), in that project's ``src/``, and in a namespace package (a directory holding a
    regular package, ``jaraco/`` of ``jaraco/context.py``). With no Python manifest, none
    when the repository is another ecosystem's (a Rust crate's ``utils/gen_tables.py``), and
    None (anywhere) when it has no manifest at all."""
    roots: set[str] = set()
    other = False
    for path in files:
        directory, _, name = path.rpartition("/")
        if name in _PROJECT_FILES:
            roots.add(directory)
        other = other or name in _OTHER_PROJECT_FILES
    if not roots:
        return set() if other else None
    homes = roots | {f"{root}/src" if root else "src" for root in roots}
    return homes | {package.rpartition("/")[0] for package in packages} - packages


def _root(directory: str) -> str:
    """The project root a loose module's directory belongs to (``src/`` is its root's)."""
    if directory == "src":
        return ""
    return directory.removesuffix("/src")


def _parent(directory: str) -> str:
    return directory.rpartition("/")[0]


def unlisted_loose(ctx: AnalysisContext, modules: dict[str, str], packages: set[str]) -> set[str]:
    """The paths of ``modules`` (path -> module name) whose project does not ship them.

    A project whose root (or ``src/``) also holds a regular package ships a loose module only
    when one of its manifests names it; a manifest that builds its module list (a ``glob`` in
    ``setup.py``) ships them all. Without packages beside it, or without a readable manifest,
    a loose module is taken as shipped. Manifests are read at both refs: a name in either
    keeps the module.
    """
    roots: dict[str, list[str]] = {}
    for path in modules:
        root = _root(_parent(path))
        homes = {root, f"{root}/src" if root else "src"}
        if any(_parent(package) in homes for package in packages):
            roots.setdefault(root, []).append(path)
    if not roots:
        return set()
    wanted = [f"{root}/{name}" if root else name for root in roots for name in _PROJECT_FILES]
    texts: dict[str, list[str]] = {}
    for ref in (ctx.base_sha, ctx.head_sha):
        for path, text in read_texts(ctx, ref, wanted).items():
            texts.setdefault(_parent(path), []).append(text)
    unlisted: set[str] = set()
    for root, paths in roots.items():
        manifests = texts.get(root, [])
        if not manifests or any("glob" in text for text in manifests):
            continue
        for path in paths:
            pattern = re.compile(rf"(?<![\w.-]){re.escape(modules[path])}(?![\w-])")
            if not any(pattern.search(text) for text in manifests):
                unlisted.add(path)
    return unlisted
