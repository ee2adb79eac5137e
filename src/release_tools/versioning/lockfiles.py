"""Lock files that record workspace members' versions: ``Cargo.lock`` and ``package-lock.json``.

Only the entries of the released workspace members change, and ``package-lock.json`` is spliced
as text so that every other byte stays. ``pnpm-lock.yaml`` and ``yarn.lock`` are not edited:
pnpm records a workspace dependency as ``version: link:../a`` under its importer and yarn berry
a workspace as ``version: 0.0.0-use.local`` (yarn 1 does not list workspaces at all), so
neither holds the members' versions.
"""

from __future__ import annotations

import json

import tomlkit

from release_tools.errors import VersionError
from release_tools.versioning.dependents import NODE_DEPENDENCY_TABLES
from release_tools.versioning.jsonedit import value_spans
from release_tools.versioning.tomledit import parse_toml, set_string

__all__ = ["set_cargo_lock_version", "set_package_lock_dependency", "set_package_lock_version"]


def set_cargo_lock_version(text: str, crate: str, version: str, *, source: str) -> str:
    """Update a workspace member's entry (one without ``source``) in ``Cargo.lock``.

    Cargo writes a dependency as ``"name version"`` instead of ``"name"`` when two versions of
    one crate are locked (the workspace's and a registry's); those references move too, or
    ``cargo build --locked`` would find the lock out of date.
    """
    doc = parse_toml(text, source)
    packages = doc.get("package", [])
    entries = [e for e in (packages if isinstance(packages, list) else []) if isinstance(e, dict)]
    old_refs: dict[str, str] = {}
    for entry in entries:
        if entry.get("name") == crate and "source" not in entry:
            old = str(entry.get("version"))
            if old != version:
                old_refs[f"{crate} {old}"] = f"{crate} {version}"
                set_string(entry, "version", version)
    if not old_refs:
        return text
    for entry in entries:
        deps = entry.get("dependencies")
        if not isinstance(deps, list):
            continue
        for index, ref in enumerate(deps):
            if isinstance(ref, str) and str(ref) in old_refs:
                deps[index] = old_refs[str(ref)]
    return tomlkit.dumps(doc)


def set_package_lock_version(
    text: str, package_path: str, version: str, *, is_root: bool, source: str
) -> str:
    """Update a workspace package's entry (``packages["<path>"]``) in ``package-lock.json``."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise VersionError(f"{source}: broken JSON: {exc}") from exc
    key = "" if package_path in (".", "") else package_path
    paths: list[tuple[str, ...]] = [("packages", key, "version")]
    if is_root:
        paths.append(("version",))
    spans = value_spans(text)
    targets = sorted((spans[p] for p in paths if p in spans), reverse=True)
    for start, end in targets:
        text = text[:start] + json.dumps(version) + text[end:]
    return text


def set_package_lock_dependency(
    text: str, member_path: str, package: str, manifest_text: str, *, source: str
) -> str:
    """Copy a member's ranges on ``package`` from its new ``package.json`` into the lock.

    ``npm ci`` refuses a lock whose ``packages["<member>"]`` dependency ranges differ from the
    member's ``package.json``, so the lock follows every range the release rewrote.
    """
    try:
        json.loads(text)
        manifest = json.loads(manifest_text)
    except json.JSONDecodeError as exc:
        raise VersionError(f"{source}: broken JSON: {exc}") from exc
    key = "" if member_path in (".", "") else member_path
    spans = value_spans(text)
    changes: list[tuple[int, int, str]] = []
    for table in NODE_DEPENDENCY_TABLES:
        deps = manifest.get(table) if isinstance(manifest, dict) else None
        spec = deps.get(package) if isinstance(deps, dict) else None
        span = spans.get(("packages", key, table, package))
        if isinstance(spec, str) and span is not None:
            changes.append((span[0], span[1], json.dumps(spec)))
    for start, end, encoded in sorted(changes, reverse=True):
        text = text[:start] + encoded + text[end:]
    return text
