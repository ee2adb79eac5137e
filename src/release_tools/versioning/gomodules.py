"""Where a repository's Go modules are: the modules a ``go.work`` uses, the ``go.mod`` files
below a root module, and the nested modules below any directory.

Go starts a new module at every directory holding a ``go.mod``, and passes over directories
named ``testdata`` or ``vendor`` and those starting with ``_`` or ``.``. These functions return
plain module records; :mod:`release_tools.versioning.projects` makes projects of them.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from release_tools.errors import VersionError
from release_tools.versioning.gomod import read_module_path, workspace_uses
from release_tools.versioning.workspaces import SKIP_DIRS, expand_globs, refuse_outside, walk

__all__ = [
    "GoModule",
    "go_module_at",
    "go_work_modules",
    "nested_go_modules",
    "walked_go_modules",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GoModule:
    """One module: its path (the name it is imported by) and where it lives in the repository."""

    name: str
    #: The module's directory, repository-relative ("." for the root).
    path: str
    #: Its go.mod, repository-relative.
    manifest: str


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() or "."


def _ignored(name: str) -> bool:
    """Whether the go command passes over a directory of this name (fixtures, vendored code,
    and the names it treats as hidden)."""
    return name in ("testdata", "vendor") or name.startswith(("_", "."))


def go_module_at(root: Path, directory: Path) -> GoModule | None:
    """The module whose ``go.mod`` is in ``directory``; None when it declares no module path.
    A ``go.mod`` Go would refuse raises :class:`VersionError` naming it."""
    manifest = directory / "go.mod"
    refuse_outside(root, manifest)
    name = read_module_path(manifest, source=_rel(root, manifest))
    if name is None:
        return None
    return GoModule(name=name, path=_rel(root, directory), manifest=_rel(root, manifest))


def go_work_modules(root: Path) -> list[GoModule] | None:
    """The modules a root ``go.work`` uses (None without one); directories outside the
    repository are skipped (with a warning), like other workspaces' members."""
    go_work = root / "go.work"
    if not go_work.is_file():
        return None
    try:
        text = go_work.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VersionError(f"go.work: cannot be read: {exc}") from exc
    # Directories, not globs: escaped so that a "[" in a name is matched literally.
    uses = [glob.escape(use) for use in workspace_uses(text, source="go.work")]
    modules = []
    for directory in expand_globs(root, uses, "go.mod"):
        module = go_module_at(root, directory)
        if module is not None:
            modules.append(module)
    return modules


def nested_go_modules(files: Iterable[str], directory: str = ".") -> list[str]:
    """The outermost directories below ``directory`` that hold a ``go.mod``, among ``files``
    (repository-relative paths: a commit's tree): each starts a module of its own, so nothing
    under it belongs to the module of ``directory``. Directories the go command ignores are
    left out, as are dependency and build folders."""
    top = PurePosixPath("." if directory in (".", "") else directory)
    found: list[PurePosixPath] = []
    # Shallowest first, so that a module's own nested modules meet it as an outer one.
    manifests = sorted(
        (PurePosixPath(name) for name in files if PurePosixPath(name).name == "go.mod"),
        key=lambda path: (len(path.parts), path),
    )
    for path in manifests:
        here = path.parent
        if here == top or (top != PurePosixPath(".") and not here.is_relative_to(top)):
            continue
        below = here.relative_to(top).parts if top != PurePosixPath(".") else here.parts
        if any(_ignored(part) or part in SKIP_DIRS for part in below):
            continue
        if any(here.is_relative_to(outer) for outer in found):
            continue
        found.append(here)
    return sorted(d.as_posix() for d in found)


def walked_go_modules(root: Path) -> list[GoModule]:
    """The modules below a root ``go.mod`` when no ``go.work`` lists them: found by walking,
    so a broken one is skipped with a warning (like the packages of a scanned Python monorepo)
    instead of hiding every other project."""
    modules: list[GoModule] = []
    for here, files in walk(root, prune=_ignored):
        if here == root or "go.mod" not in files:
            continue
        try:
            module = go_module_at(root, here)
        except VersionError as exc:
            log.warning("skipped %s: %s", _rel(root, here), exc)
            continue
        if module is not None:
            modules.append(module)
    return modules
