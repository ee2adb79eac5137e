"""The version a project's manifest holds now, and whether a release keeps one there.

:func:`read_manifest_version` re-reads the manifest (not the discovery cache) and refuses a
version the project's ecosystem would refuse, naming the file and the value.
:func:`keeps_version` says whether the next release will find the version in a file at all or
only in its tag.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Literal

from release_tools.errors import VersionError
from release_tools.versioning.jsonedit import load_json
from release_tools.versioning.projects import Project
from release_tools.versioning.semver import manifest_version_problem
from release_tools.versioning.tomledit import parse_toml, table
from release_tools.versioning.versionvars import parse_version_variable

__all__ = ["Reader", "keeps_version", "read_manifest_version"]

#: Reads a repository-relative file as text, or returns None when it does not exist.
Reader = Callable[[str], str | None]


def read_manifest_version(project: Project, read: Reader) -> str | None:
    """The version currently in ``project``'s manifest (re-read, not the discovery cache).

    None when the manifest has no version of its own, as a ``go.mod`` never has (a Go module's
    versions are its tags). A version the project's ecosystem would refuse is a VersionError
    naming the file and the value: SemVer 2.0.0 for ``package.json`` and ``project.json`` (npm
    also takes a leading ``v``) and for ``Cargo.toml``, PEP 440 for a ``pyproject.toml`` (where
    ``1.0`` is valid). Bumping such a value would only guess at it.
    """
    kind = project.manifest_kind
    if kind == "go.mod":
        return None
    text = read(project.manifest)
    if text is None:
        return None
    if kind == "package.json" or kind == "project.json":
        data = load_json(text, project.manifest)
        if not isinstance(data, dict) or "version" not in data:
            return None
        value = data["version"]
        # npm treats an empty version as none at all (private packages may leave it so).
        if value == "":
            return None
        return _checked(project.manifest, value, "npm")
    if kind == "cargo":
        return _cargo_version(project, text, read)
    return _python_version(project, text)


def _shown(value: object) -> str:
    """``value`` as the manifest spells it, for an error message."""
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _checked(source: str, value: object, ecosystem: Literal["npm", "cargo", "python"]) -> str:
    """``value`` if it is a version ``ecosystem`` accepts; a VersionError naming it otherwise."""
    if not isinstance(value, str):
        raise VersionError(f"{source}: version {_shown(value)} is not a string")
    problem = manifest_version_problem(value, ecosystem)
    if problem is not None:
        raise VersionError(f"{source}: version {_shown(value)} {problem}")
    return value


def _cargo_version(project: Project, text: str, read: Reader) -> str | None:
    """``[package] version``, or the workspace's when the crate inherits it."""
    package = table(parse_toml(text, project.manifest), "package")
    if not isinstance(package, dict) or "version" not in package:
        # Cargo takes an omitted version as 0.0.0, a crate that is never published.
        return None
    version = package["version"]
    if not (isinstance(version, dict) and version.get("workspace") is True):
        return _checked(project.manifest, _plain(version), "cargo")
    root_text = read("Cargo.toml")
    if root_text is None:
        return None
    ws_package = table(parse_toml(root_text, "Cargo.toml"), "workspace", "package")
    if not isinstance(ws_package, dict) or "version" not in ws_package:
        return None
    return _checked("Cargo.toml", _plain(ws_package["version"]), "cargo")


def _plain(value: object) -> object:
    """A tomlkit item as the plain Python value it stands for (for messages and type checks)."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def _python_version(project: Project, text: str) -> str | None:
    """The static version of a ``pyproject.toml`` or, when it is dynamic, the discovered one."""
    doc = parse_toml(text, project.manifest)
    static: object = None
    for keys in (("project",), ("tool", "poetry")):
        owner = table(doc, *keys)
        if isinstance(owner, dict) and "version" in owner:
            static = _plain(owner["version"])
            break
    if static is not None:
        return _checked(project.manifest, static, "python")
    if project.version is None:
        return None
    # A dynamic version read from the project's version file (``__version__``).
    return _checked(f"{project.manifest} (dynamic version)", project.version, "python")


def keeps_version(project: Project, read: Reader, version_variables: Iterable[str] = ()) -> bool:
    """Whether a release writes ``project``'s version into a file, so the next one finds it.

    A Go module, an Nx ``project.json`` without a ``version`` and a dynamic Python version
    with no version file keep it in the release tag alone; a ``version_variables`` entry
    inside the project keeps it there too.
    """
    if any(project.contains(parse_version_variable(v).path) for v in version_variables):
        return True
    kind = project.manifest_kind
    if kind == "go.mod":
        return False
    if kind == "project.json":
        text = read(project.manifest)
        data = load_json(text, project.manifest) if text is not None else None
        return isinstance(data, dict) and "version" in data
    if kind == "pyproject":
        return read_manifest_version(project, read) is not None
    # package.json gets a version inserted when it has none; Cargo.toml must have one.
    return True
