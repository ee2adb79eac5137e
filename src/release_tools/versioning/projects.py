"""Find the releasable projects of a repository from their manifests.

A repository is either one root project (``pyproject.toml`` with ``[project]`` or ``[tool.poetry]``,
``package.json``, ``Cargo.toml`` with ``[package]``, ``go.mod``) or a workspace: Nx
(``project.json`` files, and the npm/yarn/pnpm workspace members without one), npm/yarn/pnpm
workspaces, a Cargo ``[workspace]``, a uv workspace, several Python packages in subdirectories or
the Go modules a ``go.work`` uses. Without a ``go.work``, a root ``go.mod`` comes with every
``go.mod`` below it: to Go, a directory holding one starts another module, whatever a workspace file
says (:mod:`~.gomodules` finds them). The project's name is its manifest's name, because that is
what tags, plans and registries use: a Go module's is its module path. A Go module has no version in
its manifest (its tags carry it).

A project is private when its manifest says it is never published: ``"private": true`` in a
``package.json``, ``publish = false`` (or an empty registry list) in a Cargo ``[package]``, the
``Private :: Do Not Upload`` classifier in a ``pyproject.toml`` (PyPI refuses uploads that carry
it; Python has no other flag). Nx projects take the flag of the manifest next to
``project.json``.

Discovery only reads files; it never runs git, so it also works on an exported tree.
"""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from release_tools.errors import VersionError
from release_tools.versioning.gomodules import (
    GoModule,
    go_module_at,
    go_work_modules,
    walked_go_modules,
)
from release_tools.versioning.pyversion import read_python_version, table_at
from release_tools.versioning.workspaces import (
    expand_globs,
    read_pnpm_workspace,
    refuse_outside,
    walk,
)

__all__ = [
    "CARGO_WORKSPACE_GROUP",
    "PRIVATE_CLASSIFIER",
    "Ecosystem",
    "Project",
    "discover_projects",
    "read_pnpm_workspace",
]

log = logging.getLogger(__name__)

#: The version group of the crates that inherit ``[workspace.package] version``: one number,
#: written once in the root ``Cargo.toml``, so they can only be released together.
CARGO_WORKSPACE_GROUP = "cargo-workspace"

Ecosystem = Literal["python", "node", "rust", "go", "nx"]

# How deep a Python monorepo scan looks for pyproject.toml files (packages/<name>/ is depth 2).
_PYTHON_SCAN_DEPTH = 3
#: The trove classifier PyPI rejects on upload: the Python way to mark a package unpublishable.
PRIVATE_CLASSIFIER = "Private :: Do Not Upload"


@dataclass(frozen=True, slots=True)
class Project:
    """One releasable project.

    ``path`` is the project's directory relative to the repository root (``"."`` for the root),
    ``manifest`` the relative path of the file that holds its name and version (for Nx projects,
    the ``package.json``/``pyproject.toml``/``Cargo.toml``/``go.mod`` next to ``project.json``
    when there is one). ``version`` is None when the manifest has no static version that could
    be read, and always for a ``go.mod``, which holds none.
    """

    name: str
    path: str
    manifest: str
    version: str | None
    ecosystem: Ecosystem
    #: Projects sharing one version move together: :data:`CARGO_WORKSPACE_GROUP` for crates
    #: that inherit ``[workspace.package] version`` (``version.workspace = true``).
    version_group: str | None = None
    #: Never published (see the module docstring); how such a project is versioned and tagged
    #: is the workspace's configuration (``privatePackages`` of changesets).
    private: bool = False
    #: The name the project's own manifest gives it, when Nx names the project otherwise
    #: (``project.json`` ``core`` over a ``package.json`` named ``@acme/core``); None when the
    #: two agree or there is no such manifest.
    package_name: str | None = None

    @property
    def dependency_name(self) -> str:
        """The name dependents' manifests and lock files know this project by."""
        return self.package_name or self.name

    @property
    def manifest_kind(
        self,
    ) -> Literal["pyproject", "package.json", "cargo", "project.json", "go.mod"]:
        """Which writer handles :attr:`manifest`."""
        base = PurePosixPath(self.manifest).name
        if base == "pyproject.toml":
            return "pyproject"
        if base == "Cargo.toml":
            return "cargo"
        if base == "go.mod":
            return "go.mod"
        if base == "project.json":
            return "project.json"
        return "package.json"

    @property
    def is_python(self) -> bool:
        """Whether versions are spelled the PEP 440 way."""
        return self.manifest_kind == "pyproject"

    def contains(self, path: str) -> bool:
        """Whether the repository-relative ``path`` lies inside this project's directory."""
        if self.path in (".", ""):
            return True
        return path == self.path or path.startswith(self.path.rstrip("/") + "/")


# --- reading manifests -------------------------------------------------------------------------


def _rel(root: Path, path: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return rel or "."


_TOO_DEEP = "nested too deeply to be read (more levels than Python's recursion limit)"


def _load_toml(path: Path, root: Path) -> dict[str, Any]:
    refuse_outside(root, path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VersionError(f"{_rel(root, path)}: broken TOML: {exc}") from exc
    except RecursionError as exc:
        raise VersionError(f"{_rel(root, path)}: {_TOO_DEEP}") from exc
    except OSError as exc:
        raise VersionError(f"{_rel(root, path)}: cannot be read: {exc.strerror}") from exc


def _load_json(path: Path, root: Path) -> dict[str, Any]:
    refuse_outside(root, path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))  # a byte order mark is allowed
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise VersionError(f"{_rel(root, path)}: broken JSON: {exc}") from exc
    except RecursionError as exc:
        raise VersionError(f"{_rel(root, path)}: {_TOO_DEEP}") from exc
    except OSError as exc:
        raise VersionError(f"{_rel(root, path)}: cannot be read: {exc.strerror}") from exc
    if not isinstance(data, dict):
        raise VersionError(f"{_rel(root, path)}: expected a JSON object")
    return data


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _python_private(data: dict[str, Any]) -> bool:
    """Whether PEP 621 or Poetry classifiers hold :data:`PRIVATE_CLASSIFIER`."""
    for table in (table_at(data, "project"), table_at(data, "tool", "poetry")):
        classifiers = table.get("classifiers")
        if isinstance(classifiers, list) and any(
            isinstance(c, str) and c.strip() == PRIVATE_CLASSIFIER for c in classifiers
        ):
            return True
    return False


def _python_project(root: Path, directory: Path) -> Project | None:
    manifest = directory / "pyproject.toml"
    data = _load_toml(manifest, root)
    name: str | None = None
    if isinstance(data.get("project"), dict):
        name = _str_or_none(data["project"].get("name"))
    if name is None:
        tool = data.get("tool")
        poetry = tool.get("poetry") if isinstance(tool, dict) else None
        if isinstance(poetry, dict):
            name = _str_or_none(poetry.get("name"))
    if name is None:
        return None
    return Project(
        name=name,
        path=_rel(root, directory),
        manifest=_rel(root, manifest),
        version=read_python_version(directory, data),
        ecosystem="python",
        private=_python_private(data),
    )


def _node_project(root: Path, directory: Path) -> Project | None:
    manifest = directory / "package.json"
    data = _load_json(manifest, root)
    name = _str_or_none(data.get("name"))
    if name is None:
        return None
    return Project(
        name=name,
        path=_rel(root, directory),
        manifest=_rel(root, manifest),
        version=_str_or_none(data.get("version")),
        ecosystem="node",
        private=data.get("private") is True,
    )


def _cargo_unpublished(publish: Any) -> bool:
    """Whether a Cargo ``publish`` value forbids publishing: ``false`` or no registry at all."""
    return publish is False or publish == []


def _cargo_project(
    root: Path,
    directory: Path,
    workspace_version: str | None = None,
    workspace_publish: Any = None,
) -> Project | None:
    manifest = directory / "Cargo.toml"
    data = _load_toml(manifest, root)
    package = data.get("package")
    if not isinstance(package, dict):
        return None
    name = _str_or_none(package.get("name"))
    if name is None:
        return None
    version = package.get("version")
    group: str | None = None
    if isinstance(version, dict) and version.get("workspace") is True:
        version = workspace_version
        group = CARGO_WORKSPACE_GROUP
    publish = package.get("publish")
    if isinstance(publish, dict) and publish.get("workspace") is True:
        publish = workspace_publish
    return Project(
        name=name,
        path=_rel(root, directory),
        manifest=_rel(root, manifest),
        version=_str_or_none(version),
        ecosystem="rust",
        version_group=group,
        private=_cargo_unpublished(publish),
    )


def _go_project(root: Path, directory: Path) -> Project | None:
    module = go_module_at(root, directory)
    return None if module is None else _go(module)


def _go(module: GoModule) -> Project:
    """A Go module as a project: its version lives in its tags only."""
    return Project(
        name=module.name, path=module.path, manifest=module.manifest, version=None, ecosystem="go"
    )


# --- workspaces ----------------------------------------------------------------------------------


def _node_workspace(root: Path) -> list[Project] | None:
    patterns: list[str] | None = None
    pnpm = root / "pnpm-workspace.yaml"
    if pnpm.is_file():
        patterns = read_pnpm_workspace(pnpm)
    package_json = root / "package.json"
    if patterns is None and package_json.is_file():
        workspaces = _load_json(package_json, root).get("workspaces")
        if isinstance(workspaces, dict):
            workspaces = workspaces.get("packages")
        if isinstance(workspaces, list):
            patterns = [str(p) for p in workspaces]
    if patterns is None:
        return None
    projects = []
    for directory in expand_globs(root, patterns, "package.json"):
        project = _node_project(root, directory)
        if project is not None:
            projects.append(project)
    return projects


def _cargo_workspace(root: Path) -> list[Project] | None:
    manifest = root / "Cargo.toml"
    if not manifest.is_file():
        return None
    data = _load_toml(manifest, root)
    workspace = data.get("workspace")
    if not isinstance(workspace, dict):
        return None
    ws_package = workspace.get("package", {})
    ws_version = _str_or_none(ws_package.get("version")) if isinstance(ws_package, dict) else None
    ws_publish = ws_package.get("publish") if isinstance(ws_package, dict) else None
    members = [str(m) for m in workspace.get("members", [])]
    members += [f"!{e}" for e in workspace.get("exclude", [])]
    projects = []
    for directory in expand_globs(root, members, "Cargo.toml"):
        if directory == root:
            continue
        project = _cargo_project(root, directory, ws_version, ws_publish)
        if project is not None:
            projects.append(project)
    root_project = _cargo_project(root, root, ws_version, ws_publish)
    if root_project is not None:
        projects.insert(0, root_project)
    return projects


def _python_workspace(root: Path) -> list[Project] | None:
    pyproject = root / "pyproject.toml"
    root_data = _load_toml(pyproject, root) if pyproject.is_file() else {}
    tool = root_data.get("tool", {})
    uv = tool.get("uv", {}) if isinstance(tool, dict) else {}
    uv_ws = uv.get("workspace") if isinstance(uv, dict) else None
    root_project = _python_project(root, root) if pyproject.is_file() else None
    directories: list[Path]
    if isinstance(uv_ws, dict):
        members = [str(m) for m in uv_ws.get("members", [])]
        members += [f"!{e}" for e in uv_ws.get("exclude", [])]
        directories = [d for d in expand_globs(root, members, "pyproject.toml") if d != root]
    elif root_project is None:
        # No root project: a plain monorepo of packages, e.g. packages/<name>/pyproject.toml.
        directories = [
            here
            for here, files in walk(root, _PYTHON_SCAN_DEPTH)
            if here != root and "pyproject.toml" in files
        ]
    else:
        return None
    projects: list[Project] = [] if root_project is None else [root_project]
    for directory in directories:
        try:
            project = _python_project(root, directory)
        except VersionError as exc:
            if isinstance(uv_ws, dict):
                raise
            log.warning("skipped %s: %s", _rel(root, directory), exc)
            continue
        if project is not None:
            projects.append(project)
    return projects or None


def _go_workspace(root: Path) -> list[Project] | None:
    modules = go_work_modules(root)
    return None if modules is None else [_go(m) for m in modules]


def _go_nested_projects(root: Path) -> list[Project]:
    return [_go(m) for m in walked_go_modules(root)]


def _nx_workspace(root: Path) -> list[Project] | None:
    if not (root / "nx.json").is_file():
        return None
    projects = []
    for here, files in walk(root):
        if "project.json" not in files:
            continue
        data = _load_json(here / "project.json", root)
        # Nx infers the name from the directory when project.json has none.
        name = _str_or_none(data.get("name")) or here.name
        inner: Project | None = None
        for filename, reader in (
            ("package.json", _node_project),
            ("pyproject.toml", _python_project),
            ("Cargo.toml", _cargo_project),
            ("go.mod", _go_project),
        ):
            if (here / filename).is_file():
                inner = reader(root, here)
                if inner is not None:
                    break
        projects.append(
            Project(
                name=name,
                path=_rel(root, here),
                manifest=inner.manifest if inner else _rel(root, here / "project.json"),
                version=inner.version if inner else _str_or_none(data.get("version")),
                ecosystem="nx",
                version_group=inner.version_group if inner else None,
                private=inner.private if inner else False,
                package_name=inner.name if inner is not None and inner.name != name else None,
            )
        )
    return projects or None


def _single_root(root: Path) -> list[Project]:
    # package.json comes last: at the root of a Python, Rust or Go repository it is as often
    # the tooling's (linters, commit hooks) as the product's.
    readers = (
        ("pyproject.toml", _python_project),
        ("Cargo.toml", _cargo_project),
        ("go.mod", _go_project),
        ("package.json", _node_project),
    )
    for filename, reader in readers:
        if (root / filename).is_file():
            project = reader(root, root)
            if project is not None:
                return [project]
    return []


def _dedupe(projects: Sequence[Project]) -> list[Project]:
    seen: dict[str, Project] = {}
    for project in projects:
        if project.name in seen:
            log.warning(
                "project name %r is used by both %s and %s; keeping the first",
                project.name,
                seen[project.name].path,
                project.path,
            )
            continue
        seen[project.name] = project
    return list(seen.values())


def discover_projects(root: Path) -> list[Project]:
    """The projects of the repository at ``root``, root project first, then by path.

    An Nx workspace wins over everything else (its ``project.json`` files name the projects,
    and, as Nx counts them too, npm/yarn/pnpm workspace members without a ``project.json`` are
    projects named by their ``package.json``); otherwise npm/pnpm, Cargo, Python and Go
    workspace members are collected together; otherwise the root manifest is the single
    project, with the Go modules below it when it is a ``go.mod`` and no ``go.work`` lists the
    modules. An empty list means no manifest was recognised.
    """
    root = Path(root)
    nx = _nx_workspace(root)
    if nx is not None:
        # A member with a project.json is already an Nx project: it is not listed twice.
        taken = {p.path for p in nx}
        inferred = [m for m in _node_workspace(root) or () if m.path not in taken]
        return _dedupe(sorted([*nx, *inferred], key=lambda p: (p.path != ".", p.path)))
    found: list[Project] = []
    for collect in (_node_workspace, _cargo_workspace, _python_workspace, _go_workspace):
        members = collect(root)
        if members:
            found.extend(members)
    if not found:
        single = _single_root(root)
        if single and single[0].ecosystem == "go" and not (root / "go.work").is_file():
            found = [*single, *_go_nested_projects(root)]
        if len(found) <= 1:
            return single
    return _dedupe(sorted(found, key=lambda p: (p.path != ".", p.path)))
