"""Which files of a tree are which Python modules, and which of them a project ships.

:func:`module_name` follows the package chain (directories with an ``__init__``) from a file
up to its top-level package; programs (``bin/``), vendored copies and project tooling
(``setup.py``, ``conftest.py``) are no library code. A loose module (``six.py``,
``typing_extensions.py``) is a distribution's API only beside its project manifest or in that
project's ``src/`` (:func:`loose_homes`), and only when the project ships it: a project that
also ships packages names its loose modules in its manifest (``py_modules``, ``py-modules``, a
build backend's include list), so a script beside ``setup.py`` that the manifest never names
(``release.py``, ``updatezinfo.py``) is project tooling (:func:`unlisted_loose`). Likewise a
manifest that lists its packages by name (``packages=["jinja2"]``) or excludes some from a
search ships only those it names: a helper package beside it (``custom_fixers/`` of a 2to3
build step) is tooling (:func:`unlisted_packages`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import read_texts

__all__ = [
    "foreign_project",
    "init_files",
    "loose_homes",
    "module_name",
    "unlisted_loose",
    "unlisted_packages",
]

#: Directories holding copies of other projects' packages.
_VENDOR_DIRS = frozenset({"vendor", "vendored", "third_party", "thirdparty", "externals"})
#: Directories of programs (``bin/``, ``sbin/``, ``bin-for-dist/``): run, never imported.
_PROGRAM_DIR = re.compile(r"^(s?bin|libexec)([-_].*)?$")

# File stems that are scripts or project tooling, never importable library API.
_NOT_LIBRARY = frozenset(
    {
        "setup",
        "conftest",
        "noxfile",
        "fabfile",
        "manage",
        "tasks",
        "conf",
        "dodo",
        "__main__",
        "pdm_build",  # build hooks of PDM and Hatch, beside pyproject.toml
        "hatch_build",
        "tests",  # a loose test module (a package's ``jinja2/tests.py`` is another matter)
        "test",
    }
)


def init_files(files: Iterable[str]) -> set[str]:
    """Directories that hold an ``__init__.py`` / ``__init__.pyi`` (regular packages)."""
    out: set[str] = set()
    for path in files:
        directory, _, name = path.rpartition("/")
        if name in ("__init__.py", "__init__.pyi"):
            out.add(directory)
    return out


def module_name(
    path: str, packages: set[str], homes: set[str] | None = None
) -> tuple[str, str] | None:
    """``(dotted name, top-level package dir)`` of a Python file, or None if not library code.

    ``packages`` holds the directories that contain an ``__init__.py``. The package chain is
    followed upward from the file's directory; a file outside any package is a top-level module
    (a namespace package's modules read so too), unless it lies in a directory of programs
    (``bin/``, ``bin-for-dist/``: run, not imported) or a private one (``_vendored/``). Given
    the ``homes`` of loose modules (:func:`loose_homes`), a file outside any package elsewhere
    is a loose script (``ext/djangojinja2.py``) that does not ship.
    """
    pure = PurePosixPath(path)
    if pure.suffix not in (".py", ".pyi"):
        return None
    stem = pure.stem
    dirs = list(pure.parts[:-1])
    top = len(dirs)
    while top > 0 and "/".join(dirs[:top]) in packages:
        top -= 1
    components = dirs[top:]
    if any(part in _VENDOR_DIRS or part.startswith("_") for part in dirs[:top]):
        # Copies of other projects (``_vendor/attr``) or a private area: not this API.
        return None
    if not components:
        if stem in _NOT_LIBRARY or stem == "__init__" or not stem.isidentifier():
            return None
        # Programs are run, not imported; a directory named with an underscore is private.
        if any(_PROGRAM_DIR.match(part) or part.startswith("_") for part in dirs):
            return None
        directory = "/".join(dirs)
        if homes is not None and directory not in homes:
            return None
        return stem, directory
    if not all(part.isidentifier() for part in components):
        return None
    if stem != "__init__":
        if not stem.isidentifier() or stem == "__main__":
            return None
        components = [*components, stem]
    return ".".join(components), "/".join(dirs[: top + 1])


#: Files that make their directory a Python project's root.
_PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg"})


#: Manifests of other ecosystems: in their projects a loose ``.py`` file is a helper script.
_OTHER_PROJECT_FILES = frozenset({"Cargo.toml", "package.json", "go.mod"})


def foreign_project(files: Iterable[str]) -> bool:
    """Whether a repository of ``files`` is another ecosystem's project (a ``Cargo.toml``, a
    ``package.json`` or a ``go.mod``) with no Python project manifest anywhere: its Python
    files are the maintainers' helper scripts (libc's ``etc/libc-util.py``), not shipped."""
    names = {path.rpartition("/")[2] for path in files}
    return not names & _PROJECT_FILES and bool(names & _OTHER_PROJECT_FILES)


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
    texts: dict[str, list[tuple[str, str]]] = {}
    for ref in (ctx.base_sha, ctx.head_sha):
        for path, text in read_texts(ctx, ref, wanted).items():
            texts.setdefault(_parent(path), []).append((path.rpartition("/")[2], text))
    unlisted: set[str] = set()
    for root, paths in roots.items():
        manifests = texts.get(root, [])
        if not manifests or any("glob" in text for _name, text in manifests):
            continue
        for path in paths:
            if not any(_names(name, text, modules[path]) for name, text in manifests):
                unlisted.add(path)
    return unlisted


def _names(manifest: str, text: str, module: str) -> bool:
    """Whether the manifest file ``manifest`` (its text ``text``) names ``module``.

    ``setup.py`` is code: it names a module it ships as a string (``py_modules=["six"]``),
    while a bare name there is one it uses (``import versioneer``, ``versioneer.get_version()``
    of a build helper that does not ship). The declarative manifests name modules bare or
    quoted; a section of a tool's own settings (``[versioneer]`` in ``setup.cfg``,
    ``[tool.versioneer]``) names no module.
    """
    name = re.escape(module)
    if manifest == "setup.py":
        return re.search(rf"[\"']{name}(?:\.py)?[\"']", text) is not None
    return re.search(rf"(?<![\w.\[-]){name}(?![\w-])", text) is not None


# A manifest that lists its packages by name: ``packages=[...]`` in setup.py, a ``packages``
# list in pyproject.toml (setuptools, Poetry's ``include`` tables, Hatch's wheel target) and a
# ``packages =`` option in setup.cfg that is no ``find:`` directive.
_LISTS_PACKAGES = {
    "setup.py": re.compile(r"\bpackages\s*=\s*\[([^\]]{0,5000})\]"),
    "pyproject.toml": re.compile(r"^\s*packages\s*=\s*\[([^\]]{0,5000})\]", re.MULTILINE),
    "setup.cfg": re.compile(
        r"^packages\s*=(?!\s*find(?:_namespace)?:)([^\n]*(?:\n[ \t]+[^\n]*){0,200})", re.MULTILINE
    ),
}
# Where a package search is configured: the arguments of ``find_packages(...)`` (one level of
# nested brackets) in setup.py, and the ``[tool.setuptools.packages.find]`` (pyproject.toml)
# or ``[options.packages.find]`` (setup.cfg) section. Other tools' ``exclude`` settings (a
# linter's) list directories, not packages, and are not read.
_SEARCHES = {
    "setup.py": re.compile(
        r"\bfind_(?:namespace_)?packages\s*\(([^()]{0,2000}(?:\([^()]{0,2000}\)[^()]{0,2000}){0,20})\)"
    ),
    "pyproject.toml": re.compile(
        r"^\[tool\.setuptools\.packages\.find\][^\n]*\n((?:(?!\[)[^\n]*\n?){0,200})", re.MULTILINE
    ),
    "setup.cfg": re.compile(
        r"^\[options\.packages\.find\][^\n]*\n((?:(?!\[)[^\n]*\n?){0,200})", re.MULTILINE
    ),
}
# The exclusion list inside a search: a bracketed list, or setup.cfg's value with its
# indented continuation lines.
_EXCLUDE = re.compile(r"\bexclude\s*=\s*(?:[\[(]([^\])]{0,2000})|([^\n]*(?:\n[ \t]+[^\n]*){0,50}))")
_PATTERN = re.compile(r"[\w.*?]+")


def _excludes(manifest: str, text: str, package: str) -> bool:
    """Whether a package search of the manifest excludes ``package`` (by name or a glob)."""
    for search in _SEARCHES[manifest].finditer(text):
        for exclude in _EXCLUDE.finditer(search.group(1)):
            entries = _PATTERN.findall(exclude.group(1) or exclude.group(2) or "")
            if any(fnmatch.fnmatchcase(package, entry) for entry in entries):
                return True
    return False


def unlisted_packages(ctx: AnalysisContext, tops: dict[str, str], packages: set[str]) -> set[str]:
    """The names of top-level packages of ``tops`` (name -> package directory) that their
    project does not ship.

    Only a project root (or its ``src/``) holding more than one top-level package is asked: a
    package there does not ship when a manifest of that root lists its packages by name and
    none of the package lists names it (a ``use_2to3_fixers=['custom_fixers']``
    argument is no package list), or when a package search excludes it. Manifests
    are read at both refs: a name in either keeps the package.
    """
    homes: dict[str, list[str]] = {}
    for directory in packages:
        parent = _parent(directory)
        if parent not in packages:
            homes.setdefault(_root(parent), []).append(directory)
    asked = {
        name: _root(_parent(directory))
        for name, directory in tops.items()
        if directory in packages and len(homes.get(_root(_parent(directory)), ())) > 1
    }
    if not asked:
        return set()
    roots = set(asked.values())
    wanted = [f"{root}/{name}" if root else name for root in roots for name in _PROJECT_FILES]
    texts: dict[str, list[tuple[str, str]]] = {}
    for ref in (ctx.base_sha, ctx.head_sha):
        for path, text in read_texts(ctx, ref, wanted).items():
            texts.setdefault(_parent(path), []).append((path.rpartition("/")[2], text))
    unshipped: set[str] = set()
    for name, root in asked.items():
        manifests = texts.get(root, [])
        if any(_excludes(file, text, name) for file, text in manifests):
            unshipped.add(name)
            continue
        listed = [
            match.group(1)
            for file, text in manifests
            for match in _LISTS_PACKAGES[file].finditer(text)
        ]
        if listed and not any(_lists(listing, name) for listing in listed):
            unshipped.add(name)
    return unshipped


def _lists(listing: str, package: str) -> bool:
    """Whether a package list names ``package`` or one of its subpackages (``"src/pkg"`` of
    a Hatch target included)."""
    name = re.escape(package)
    return re.search(rf"(?<![\w.-]){name}(?:\.[\w.]*)?(?![\w-])", listing) is not None
