"""The Go module path: Go's own rule for major versions.

A Go module at v2 or later carries its major version in its import path (``example.com/m/v2``):
importers of ``example.com/m`` keep getting v1.x. So a module whose ``go.mod`` keeps its path
cannot make a major release, whatever its code shows (a ``ceiling`` at minor), and a path that
gains the next ``/vN`` suffix is a major release (proof), as is a new ``vN/go.mod`` declaring it
(the major-subdirectory layout). v0 modules reach v1 without a new
path, so no ceiling applies before 1.0.

A ``go.mod`` added by the range (a project adopting modules) is read the same way against the
current version: a path whose major is the current one (no suffix at v1, ``/v3`` at v3.x) caps the
release at minor and makes it one (importers get the module's requirements and Go version from
now on: a change of how they build, not a fix), a path with the next major is that major
release.
"""

from __future__ import annotations

import re

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence, read_texts
from release_tools.analysis.models import Bump, ChangeKind, Evidence, EvidenceKind, Strength
from release_tools.errors import VersionError
from release_tools.versioning.semver import Version

__all__ = ["gather", "module_path"]

_MODULE = re.compile(r"^\s*module\s+\"?([^\s\"]+)\"?", re.MULTILINE)
_MAJOR_SUFFIX = re.compile(r"/v(\d+)$")


def module_path(go_mod: str) -> str | None:
    """The module path a ``go.mod`` declares, or None."""
    match = _MODULE.search(go_mod)
    return match.group(1) if match else None


def _major(path: str) -> int:
    match = _MAJOR_SUFFIX.search(path)
    return int(match.group(1)) if match else 1


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """A ceiling at minor for a v1+ module whose path stays, proof of major for a new /vN."""
    if ctx.current_version is None:
        return []
    try:
        current = Version.parse(ctx.current_version)
    except VersionError:
        return []
    directory = ctx.project_paths[0].rstrip("/") + "/" if ctx.project_paths else ""
    rel = f"{directory}go.mod"
    old_text = read_texts(ctx, ctx.base_sha, [rel]).get(rel)
    new_text = read_texts(ctx, ctx.head_sha, [rel]).get(rel)
    if new_text is None:
        return []
    new = module_path(new_text)
    if new is None:
        return []
    if old_text is None:
        return _adopted(current, new, rel)
    old = module_path(old_text)
    if old is None:
        return []
    if old == new:
        if current.major == 0:
            return []
        successor = _next_path(new)
        if _major_directory(ctx, directory, successor):
            # The major-subdirectory layout: v2/go.mod declares the next path beside v1.
            return [
                evidence(
                    "go-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MAJOR,
                    Strength.PROOF,
                    f"a new Go module {successor} (the next major version) was added",
                    path=rel,
                )
            ]
        return [
            evidence(
                "go-api",
                EvidenceKind.CEILING,
                Bump.MINOR,
                Strength.PROOF,
                f"the Go module path {new} is unchanged: a major release needs a new "
                f"path ({_next_path(new)})",
                path=rel,
            )
        ]
    if _major(new) > _major(old):
        return [
            evidence(
                "go-api",
                EvidenceKind.API_CHANGED,
                Bump.MAJOR,
                Strength.PROOF,
                f"the Go module path changed from {old} to {new}: a new major version",
                path=rel,
            )
        ]
    return []


def _adopted(current: Version, path: str, rel: str) -> list[Evidence]:
    """Evidence from a ``go.mod`` the range adds, declaring ``path``, after ``current``."""
    if current.major == 0:
        return []
    if _major(path) == current.major:
        # Importers will resolve this major through the new path: a next major needs another.
        # Adopting modules is no fix either: importers now get its requirements and Go version.
        return [
            evidence(
                "go-api",
                EvidenceKind.CEILING,
                Bump.MINOR,
                Strength.PROOF,
                f"the new go.mod declares {path}, a v{current.major} path: a major release "
                f"needs a new path ({_next_path(path)})",
                path=rel,
            ),
            evidence(
                "go-api",
                EvidenceKind.API_CHANGED,
                Bump.MINOR,
                Strength.STRONG,
                f"the project adopts Go modules ({rel} added): importers resolve {path} with "
                "its requirements and Go version from now on",
                path=rel,
            ),
        ]
    if _major(path) == current.major + 1:
        return [
            evidence(
                "go-api",
                EvidenceKind.API_CHANGED,
                Bump.MAJOR,
                Strength.PROOF,
                f"the new go.mod declares {path}: a new major version",
                path=rel,
            )
        ]
    return []


def _major_directory(ctx: AnalysisContext, directory: str, successor: str) -> bool:
    """Whether the range adds a ``go.mod`` (below ``directory``) that declares ``successor``."""
    added = [
        c.path
        for c in ctx.changes
        if c.kind is ChangeKind.ADDED
        and c.path.endswith("/go.mod")
        and c.path.startswith(directory)
    ]
    if not added:
        return False
    texts = read_texts(ctx, ctx.head_sha, added)
    return any(module_path(text) == successor for text in texts.values())


def _next_path(path: str) -> str:
    match = _MAJOR_SUFFIX.search(path)
    if match is None:
        return f"{path}/v2"
    return f"{path[: match.start()]}/v{int(match.group(1)) + 1}"
