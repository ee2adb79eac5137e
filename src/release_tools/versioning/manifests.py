"""Write a new version into manifests and version files, keeping everything else byte for byte.

Each ``set_*`` function is a pure text transform: TOML goes through tomlkit (comments, order and
quoting survive), ``package.json`` is edited in place by a small scanner (indentation, key order
and the trailing newline survive, unlike a parse/dump round trip), and version variables are
replaced by a regular expression. :func:`version_edits` decides which files a project's release
touches and returns their new text; the caller writes them (atomically, see ``release``). What
a manifest holds now is read by :mod:`.manifestversions`.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

import tomlkit
import tomlkit.exceptions

from release_tools.errors import VersionError
from release_tools.versioning.dependents import (
    NODE_DEPENDENCY_TABLES,
    NodeRangeRule,
    set_cargo_dependency_version,
    set_package_json_dependency,
    set_python_dependency,
)
from release_tools.versioning.jsonedit import load_json, value_spans
from release_tools.versioning.lockfiles import (
    set_cargo_lock_version,
    set_package_lock_dependency,
    set_package_lock_version,
    set_pnpm_specifier,
    set_uv_lock_version,
)
from release_tools.versioning.manifestversions import Reader
from release_tools.versioning.projects import Project
from release_tools.versioning.pyversion import python_version_source, read_python_version
from release_tools.versioning.pyversionfiles import mirror_edits
from release_tools.versioning.tomledit import parse_toml, set_string, table
from release_tools.versioning.versionvars import (
    VersionVariable,
    parse_version_variable,
    set_version_variable,
)

__all__ = [
    "VersionVariable",
    "parse_version_variable",
    "set_cargo_dependency_version",
    "set_cargo_lock_version",
    "set_cargo_package_version",
    "set_package_json_dependency",
    "set_package_json_version",
    "set_package_lock_dependency",
    "set_package_lock_version",
    "set_pyproject_version",
    "set_python_dependency",
    "set_version_variable",
    "version_edits",
]

log = logging.getLogger(__name__)


# --- TOML --------------------------------------------------------------------------------------


def set_pyproject_version(text: str, version: str, *, source: str = "pyproject.toml") -> str:
    """Set the static version of a PEP 621 or Poetry ``pyproject.toml``.

    Both tables are updated when both carry a version (Poetry 2 projects may). A project whose
    version is dynamic is returned unchanged: its version lives in a file (``__version__``).
    """
    doc = parse_toml(text, source)
    changed = False
    project = table(doc, "project")
    if isinstance(project, dict) and isinstance(project.get("version"), str):
        set_string(project, "version", version)
        changed = True
    poetry = table(doc, "tool", "poetry")
    if isinstance(poetry, dict) and isinstance(poetry.get("version"), str):
        set_string(poetry, "version", version)
        changed = True
    if changed:
        return tomlkit.dumps(doc)
    dynamic = project.get("dynamic", []) if isinstance(project, dict) else []
    if "version" in dynamic:
        return text
    raise VersionError(f"{source}: no [project] or [tool.poetry] version to update")


def set_cargo_package_version(text: str, version: str, *, source: str = "Cargo.toml") -> str:
    """Set ``[package] version`` (or ``[workspace.package] version`` when inherited/absent)."""
    doc = parse_toml(text, source)
    package = table(doc, "package")
    if isinstance(package, dict) and isinstance(package.get("version"), str):
        set_string(package, "version", version)
        return tomlkit.dumps(doc)
    ws_package = table(doc, "workspace", "package")
    if isinstance(ws_package, dict) and isinstance(ws_package.get("version"), str):
        set_string(ws_package, "version", version)
        return tomlkit.dumps(doc)
    raise VersionError(f"{source}: no [package] or [workspace.package] version to update")


# --- package.json ------------------------------------------------------------------------------


def set_package_json_version(text: str, version: str, *, source: str = "package.json") -> str:
    """Set the top-level ``version`` of a ``package.json``, changing no other byte.

    A missing version is inserted after ``name`` with the file's own indentation.
    """
    data = load_json(text, source)
    if not isinstance(data, dict):
        raise VersionError(f"{source}: expected a JSON object")
    spans = value_spans(text, source)
    encoded = json.dumps(version)
    if ("version",) in spans:
        start, end = spans[("version",)]
        return text[:start] + encoded + text[end:]
    anchor = spans.get(("name",))
    if anchor is None:
        raise VersionError(f"{source}: has neither a version nor a name to place one after")
    opening = text.index("{")
    between = text[opening + 1 : len(text) - len(text[opening + 1 :].lstrip(" \t\r\n"))]
    separator = between if "\n" in between else " "
    insert = f",{separator}{json.dumps('version')}: {encoded}"
    return text[: anchor[1]] + insert + text[anchor[1] :]


def _node_edits(
    project: Project,
    version: str,
    read: Reader,
    projects: Sequence[Project],
    notes: list[str] | None,
    rule: NodeRangeRule | None = None,
) -> dict[str, str]:
    text = read(project.manifest)
    if text is None:
        raise VersionError(f"{project.manifest}: missing")
    edits = {project.manifest: set_package_json_version(text, version, source=project.manifest)}
    siblings = {p.manifest for p in projects if p.manifest_kind == "package.json"}
    if rule is None or rule.root_ranges:
        # The workspace root's own requirements follow too: always without changesets' rules,
        # and under them when the workspace's changesets writes the root's ranges (3.x) by the
        # same rule as a package of its plan. The root's version is never written here.
        siblings.add("package.json")
    siblings.discard(project.manifest)
    moved: list[str] = []
    for manifest in sorted(siblings):
        current = read(manifest)
        if current is None:
            continue
        new = set_package_json_dependency(
            current, project.dependency_name, version, source=manifest, notes=notes, rule=rule
        )
        if new != current:
            edits[manifest] = new
            moved.append(manifest)
    lock = read("package-lock.json")
    if lock is not None:
        new_lock = set_package_lock_version(
            lock,
            project.path,
            version,
            is_root=project.path in (".", ""),
            source="package-lock.json",
        )
        for manifest in moved:
            member = PurePosixPath(manifest).parent.as_posix()
            new_lock = set_package_lock_dependency(
                new_lock,
                member,
                project.dependency_name,
                edits[manifest],
                source="package-lock.json",
            )
        if new_lock != lock:
            edits["package-lock.json"] = new_lock
    _pnpm_and_yarn(project.dependency_name, read, moved, edits, notes)
    return edits


def _moved_ranges(before: str, after: str, package: str) -> list[tuple[str, str]]:
    """``(old, new)`` for each dependency table whose range on ``package`` changed."""
    old_data, new_data = load_json(before, package), load_json(after, package)
    pairs = []
    for section in NODE_DEPENDENCY_TABLES:
        old = (old_data.get(section) or {}).get(package)
        new = (new_data.get(section) or {}).get(package)
        if isinstance(old, str) and isinstance(new, str) and old != new:
            pairs.append((old, new))
    return pairs


def _pnpm_and_yarn(
    package: str,
    read: Reader,
    moved: Sequence[str],
    edits: dict[str, str],
    notes: list[str] | None,
) -> None:
    if not moved:
        return
    pnpm = read("pnpm-lock.yaml")
    if pnpm is not None:
        new_pnpm = pnpm
        for manifest in moved:
            member = PurePosixPath(manifest).parent.as_posix()
            for old, new in _moved_ranges(read(manifest) or "{}", edits[manifest], package):
                new_pnpm = set_pnpm_specifier(new_pnpm, member, package, old, new)
        if new_pnpm != pnpm:
            edits["pnpm-lock.yaml"] = new_pnpm
    yarn = read("yarn.lock")
    if yarn is not None and "__metadata:" in yarn and notes is not None:
        notes.append(
            f"yarn.lock records the ranges on {package} that moved in {', '.join(moved)}; "
            "run `yarn install` to refresh it"
        )


# --- which files a release touches -------------------------------------------------------------


def _python_dependents(
    project: Project,
    version: str,
    read: Reader,
    projects: Sequence[Project],
    edits: dict[str, str],
    notes: list[str] | None,
) -> None:
    siblings = {p.manifest for p in projects if p.manifest_kind == "pyproject"}
    siblings.add("pyproject.toml")
    siblings.discard(project.manifest)
    for manifest in sorted(siblings):
        current = edits.get(manifest) or read(manifest)
        if current is None:
            continue
        new = set_python_dependency(
            current, project.dependency_name, version, source=manifest, notes=notes
        )
        if new != current:
            edits[manifest] = new


def _python_edits(
    root: Path,
    project: Project,
    version: str,
    read: Reader,
    projects: Sequence[Project],
    notes: list[str] | None,
) -> dict[str, str]:
    edits: dict[str, str] = {}
    text = read(project.manifest)
    if text is None:
        raise VersionError(f"{project.manifest}: missing")
    new = set_pyproject_version(text, version, source=project.manifest)
    if new != text:
        edits[project.manifest] = new
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VersionError(f"{project.manifest}: broken TOML: {exc}") from exc
    except RecursionError as exc:
        raise VersionError(f"{project.manifest}: TOML nested too deeply to be read") from exc
    dynamic = new == text
    project_dir = root / project.path
    old = None if dynamic else read_python_version(project_dir, data)
    if old is not None:
        # A static version is only repeated in __version__ copies (PEP 621 and Poetry alike).
        edits.update(mirror_edits(root, project_dir, data, old, version, read))
    version_file = python_version_source(project_dir, data) if dynamic else None
    if version_file is not None:
        rel = version_file.path.relative_to(root).as_posix()
        current = read(rel) or ""
        if version_file.kind != "assignment":
            edits[rel] = version_file.set_version(current, version, source=rel)
        else:
            # A dynamic version is read by the build backend from whichever of these names
            # the version file assigns.
            for name in ("__version__", "VERSION", "version"):
                if re.search(rf"(?m)^\s*{re.escape(name)}\s*(?::[^=\n]*)?=", current):
                    edits[rel] = set_version_variable(current, name, version, fmt="nf", source=rel)
                    break
    if dynamic and not edits:
        log.warning(
            "%s: dynamic version and no version file found; only the tag will carry %s "
            "(list the file in version_variables if one holds it)",
            project.manifest,
            version,
        )
    _python_dependents(project, version, read, projects, edits, notes)
    lock = read("uv.lock")
    if lock is not None:
        new_lock = set_uv_lock_version(lock, project.dependency_name, version, source="uv.lock")
        if new_lock != lock:
            edits["uv.lock"] = new_lock
    return edits


def _cargo_edits(
    project: Project,
    version: str,
    read: Reader,
    projects: Sequence[Project],
    notes: list[str] | None,
) -> dict[str, str]:
    edits: dict[str, str] = {}
    text = read(project.manifest)
    if text is None:
        raise VersionError(f"{project.manifest}: missing")
    inherited = isinstance(table(parse_toml(text, project.manifest), "package", "version"), dict)
    if inherited:
        # version.workspace = true: the number lives in the workspace root, shared by every
        # member that inherits it; the release moves them as one group (release.versions).
        root_text = read("Cargo.toml")
        if root_text is None:
            raise VersionError(f"{project.manifest}: inherits a version but no root Cargo.toml")
        doc = parse_toml(root_text, "Cargo.toml")
        ws_package = table(doc, "workspace", "package")
        if not isinstance(ws_package, dict) or "version" not in ws_package:
            raise VersionError("Cargo.toml: no [workspace.package] version to update")
        set_string(ws_package, "version", version)
        edits["Cargo.toml"] = tomlkit.dumps(doc)
    else:
        edits[project.manifest] = set_cargo_package_version(text, version, source=project.manifest)
    others = {p.manifest for p in projects if p.manifest_kind == "cargo"} | {"Cargo.toml"}
    for manifest in sorted(others):
        current = edits.get(manifest) or read(manifest)
        if current is None:
            continue
        new = set_cargo_dependency_version(
            current, project.dependency_name, version, source=manifest, notes=notes
        )
        if new != current:
            edits[manifest] = new
    lock = read("Cargo.lock")
    if lock is not None:
        new_lock = set_cargo_lock_version(
            lock, project.dependency_name, version, source="Cargo.lock"
        )
        if new_lock != lock:
            edits["Cargo.lock"] = new_lock
    return edits


def _project_json_edits(project: Project, version: str, read: Reader) -> dict[str, str]:
    """An Nx ``project.json`` without a package manifest: its ``version`` moves when it has
    one (where the project's version is read from); without one, only the tag carries it."""
    text = read(project.manifest)
    data = load_json(text, project.manifest) if text is not None else None
    if text is None or not isinstance(data, dict) or "version" not in data:
        return {}
    return {project.manifest: set_package_json_version(text, version, source=project.manifest)}


def version_edits(
    root: Path,
    project: Project,
    version: str,
    *,
    read: Reader,
    projects: Sequence[Project] = (),
    version_variables: Iterable[str] = (),
    tag: str | None = None,
    notes: list[str] | None = None,
    node_rule: NodeRangeRule | None = None,
) -> dict[str, str]:
    """New text of every file that must change to give ``project`` the ``version``.

    ``read`` supplies current contents (so that several projects' edits can stack on one
    file); the result maps repository-relative paths to new text and omits unchanged files.
    Extra ``version_variables`` apply when their path lies inside the project's directory.
    Workspace siblings that depend on the project follow it (:mod:`.dependents`); what they
    cannot follow is described in ``notes``; ``node_rule`` says which npm ranges move, and
    how, when changesets' rules apply. Dependents and lock files are matched on the
    package's own manifest name (:attr:`Project.dependency_name`), which an Nx project may
    not share.
    """
    kind = project.manifest_kind
    edits: dict[str, str]
    if kind == "pyproject":
        edits = _python_edits(root, project, version, read, projects, notes)
    elif kind == "cargo":
        edits = _cargo_edits(project, version, read, projects, notes)
    elif kind == "package.json":
        edits = _node_edits(project, version, read, projects, notes, node_rule)
    elif kind == "project.json":
        edits = _project_json_edits(project, version, read)
    else:
        # A Go module keeps its version in tags only: the release writes its changelog and
        # tag, and no manifest.
        edits = {}
    for entry in version_variables:
        spec = parse_version_variable(entry)
        if not project.contains(spec.path):
            continue
        current = edits.get(spec.path) or read(spec.path)
        if current is None:
            raise VersionError(f"version_variables: {spec.path} does not exist")
        value = tag if spec.format == "tf" and tag else version
        edits[spec.path] = set_version_variable(
            current, spec.variable, value, fmt=spec.format, source=spec.path
        )
    return {path: text for path, text in edits.items() if read(path) != text}
