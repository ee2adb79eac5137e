"""Lock files that record workspace members' versions: ``Cargo.lock``, ``package-lock.json``,
``uv.lock``.

Only the entries of the released workspace members change, and JSON and YAML are spliced as
text so that every other byte stays. Neither ``pnpm-lock.yaml`` nor ``yarn.lock`` holds the
members' versions: pnpm records a workspace dependency as ``version: link:../a`` under its
importer, yarn berry a workspace as ``version: 0.0.0-use.local`` and yarn 1 not at all. pnpm
does record each importer's *specifiers*, which must match ``package.json`` for a frozen
install, so a rewritten dependent range is copied there (:func:`set_pnpm_specifier`); yarn
berry's lock keys embed the ranges and is left for ``yarn install`` (the release says so).
"""

from __future__ import annotations

import json
from typing import Any

import tomlkit
from packaging.utils import canonicalize_name
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from release_tools.versioning.dependents import NODE_DEPENDENCY_TABLES
from release_tools.versioning.jsonedit import load_json, value_spans
from release_tools.versioning.tomledit import parse_toml, set_string

__all__ = [
    "set_cargo_lock_version",
    "set_package_lock_dependency",
    "set_package_lock_version",
    "set_pnpm_specifier",
    "set_uv_lock_version",
]


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
    load_json(text, source)
    key = "" if package_path in (".", "") else package_path
    paths: list[tuple[str, ...]] = [("packages", key, "version")]
    if is_root:
        paths.append(("version",))
    spans = value_spans(text, source)
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
    load_json(text, source)
    manifest = load_json(manifest_text, source)
    key = "" if member_path in (".", "") else member_path
    spans = value_spans(text, source)
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


_PNPM_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")


def _pnpm_targets(doc: Any, importer: str, package: str) -> list[tuple[Any, Any]]:
    """(mapping, key) pairs whose value is ``package``'s specifier under ``importer``."""
    importers = doc.get("importers") if isinstance(doc, dict) else None
    member = importers.get(importer) if isinstance(importers, dict) else None
    if not isinstance(member, dict):
        return []
    found: list[tuple[Any, Any]] = []
    for section in _PNPM_SECTIONS:
        entries = member.get(section)
        entry = entries.get(package) if isinstance(entries, dict) else None
        if isinstance(entry, dict) and "specifier" in entry:
            found.append((entry, "specifier"))  # lockfile 6-9
    specifiers = member.get("specifiers")
    if isinstance(specifiers, dict) and package in specifiers:
        found.append((specifiers, package))  # lockfile 5
    return found


def set_pnpm_specifier(text: str, member_path: str, package: str, old: str, new: str) -> str:
    """Move ``importers["<member>"]``'s specifier for ``package`` from ``old`` to ``new``.

    pnpm does not record workspace members' versions (a sibling resolves to ``link:../a``),
    but it does record each importer's specifiers, and ``pnpm install --frozen-lockfile``
    refuses a lock whose specifiers differ from ``package.json``. Lockfile 6-9 write them as
    ``specifier:`` under the dependency, lockfile 5 in a ``specifiers:`` map; only a value that
    is exactly ``old`` changes. The lock is parsed with a round-trip YAML parser to find each
    value's line, and only that line's value bytes are replaced, so every other byte stays.
    """
    importer = "." if member_path in ("", ".") else member_path
    try:
        doc = YAML(typ="rt").load(text)
    except YAMLError:
        return text  # not a lock pnpm could read either; pnpm install will say so
    lines = text.splitlines(keepends=True)
    for mapping, key in _pnpm_targets(doc, importer, package):
        value = mapping.get(key)
        if not isinstance(value, str) or value != old:
            continue
        line_no, column = mapping.lc.value(key)
        line = lines[line_no]
        raw = line[column:].rstrip("\r\n")
        raw = raw.split(" #", 1)[0].rstrip()
        if raw.strip("'\"") != old:
            continue
        lines[line_no] = line[:column] + _requote(raw, new) + line[column + len(raw) :]
    return "".join(lines)


def _requote(old: str, new: str) -> str:
    return f"{old[0]}{new}{old[0]}" if old[:1] in ("'", '"') else new


def set_uv_lock_version(text: str, package: str, version: str, *, source: str) -> str:
    """Update a workspace member's entry in ``uv.lock`` (``uv lock --check`` compares it).

    uv records members with an ``editable`` or ``virtual`` source and their version; their
    dependents' ``requires-dist`` carry no specifier for a workspace source, so only the
    member's own ``version`` moves.
    """
    doc = parse_toml(text, source)
    packages = doc.get("package", [])
    wanted = canonicalize_name(package)
    changed = False
    for entry in packages if isinstance(packages, list) else []:
        if not isinstance(entry, dict) or canonicalize_name(str(entry.get("name", ""))) != wanted:
            continue
        origin = entry.get("source")
        if not isinstance(origin, dict) or not ({"editable", "virtual"} & set(origin)):
            continue
        if entry.get("version") != version:
            set_string(entry, "version", version)
            changed = True
    return tomlkit.dumps(doc) if changed else text
