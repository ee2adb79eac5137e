"""Keep workspace siblings pointing at a released package.

When a workspace package is released, the other members that depend on it are brought along
the way changesets does for internal dependencies:

* a *simple* requirement (one version with an optional operator: ``^1.2.0``, ``~1.2``,
  ``=0.4.0``, Cargo's bare ``0.4``, npm's ``workspace:^1.2.0``, Python's ``==1.2.0`` pin,
  Poetry's ``^1.2`` or bare pin) is rewritten to the new version, its operator kept;
* anything else (``>=0.4, <0.5``, ``>=1 <2 || 3.x``, ``alpha>=1.0,<2``) is the author's
  deliberate choice and is left as written; when it no longer admits the new version, a note
  says so, since the workspace will not build or resolve until someone widens it.

Python requirements are only rewritten when they pin (``==``): a PEP 440 range such as
``>=1.0`` is a floor, not a pointer at the current version, so it is checked and kept.
Every function is a text transform that returns its input unchanged when nothing moves, and
appends human-readable notes to ``notes``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from release_tools.versioning.constraints import cargo_admits, npm_admits, python_admits
from release_tools.versioning.jsonedit import load_json, value_spans
from release_tools.versioning.tomledit import parse_toml, set_string, table

__all__ = [
    "NODE_DEPENDENCY_TABLES",
    "set_cargo_dependency_version",
    "set_package_json_dependency",
    "set_python_dependency",
]

_CARGO_TABLES = ("dependencies", "dev-dependencies", "build-dependencies")
NODE_DEPENDENCY_TABLES = (
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
)
# One comparator, no comma, no space: what a tool may move without second-guessing the author.
_SIMPLE_CARGO = re.compile(r"^\s*(\^|~|=)?\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*$")
_SIMPLE_NODE = re.compile(r"(\^|~|>=|=)?v?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?")
_POETRY_PIN = re.compile(r"^\s*(==)?\s*\d+(?:\.\d+)*(?:[-.]?[0-9A-Za-z.]+)?\s*$")


def _stale(source: str, dependency: str, spec: str, version: str) -> str:
    return (
        f"{source}: the requirement {dependency} {spec!r} does not admit the released "
        f"{version}; widen it by hand"
    )


# --- Cargo -------------------------------------------------------------------------------------


def _cargo_tables(doc: Any) -> Iterator[Any]:
    for name in _CARGO_TABLES:
        yield table(doc, name)
    yield table(doc, "workspace", "dependencies")
    targets = table(doc, "target")
    if isinstance(targets, dict):
        for target in targets.values():
            for name in _CARGO_TABLES:
                yield table(target, name)


def set_cargo_dependency_version(
    text: str, crate: str, version: str, *, source: str, notes: list[str] | None = None
) -> str:
    """Point workspace-internal ``path`` dependencies on ``crate`` at its new ``version``.

    Only dependencies that give both ``path`` and ``version`` are considered (a path-only
    dependency has no version to keep in step; ``crate.workspace = true`` follows the root's
    ``[workspace.dependencies]``, which is edited here too). ``[target.*]`` tables count.
    """
    doc = parse_toml(text, source)
    changed = False
    for deps in _cargo_tables(doc):
        if not isinstance(deps, dict):
            continue
        for key, spec in deps.items():
            if not isinstance(spec, dict) or "path" not in spec:
                continue
            if spec.get("package", key) != crate or not isinstance(spec.get("version"), str):
                continue
            old = str(spec["version"])
            simple = _SIMPLE_CARGO.match(old)
            if simple:
                new = f"{simple.group(1) or ''}{version}"
                if new != old:
                    set_string(spec, "version", new)
                    changed = True
            elif cargo_admits(old, version) is False and notes is not None:
                notes.append(_stale(source, crate, old, version))
    return tomlkit.dumps(doc) if changed else text


# --- npm ---------------------------------------------------------------------------------------


def node_range(spec: str, version: str) -> str:
    """``spec`` pointing at ``version`` with its operator kept, or unchanged when it is not a
    simple version range (``workspace:*``, ``file:``, ``*``, ``>=1 <2``, a git URL...).

    ``*`` (``x``) admits every version but a prerelease, so for a prerelease it becomes that
    version, exactly, as changesets writes it: left alone, it would resolve another release.
    """
    if spec.strip() in ("*", "x", "X"):
        return spec if npm_admits(spec, version) is not False else version
    protocol = "workspace:" if spec.startswith("workspace:") else ""
    match = _SIMPLE_NODE.fullmatch(spec[len(protocol) :])
    if match is None:
        return spec
    return f"{protocol}{match.group(1) or ''}{version}"


def set_package_json_dependency(
    text: str, package: str, version: str, *, source: str, notes: list[str] | None = None
) -> str:
    """Point a workspace sibling's dependency ranges on ``package`` at its new ``version``."""
    data = load_json(text, source)
    spans = value_spans(text, source)
    changes: list[tuple[int, int, str]] = []
    for section in NODE_DEPENDENCY_TABLES:
        deps = data.get(section) if isinstance(data, dict) else None
        spec = deps.get(package) if isinstance(deps, dict) else None
        if not isinstance(spec, str) or (section, package) not in spans:
            continue
        new = node_range(spec, version)
        if new != spec:
            start, end = spans[(section, package)]
            changes.append((start, end, json.dumps(new)))
        elif npm_admits(spec, version) is False and notes is not None:
            notes.append(_stale(source, package, spec, version))
    for start, end, encoded in sorted(changes, reverse=True):
        text = text[:start] + encoded + text[end:]
    return text


# --- Python ------------------------------------------------------------------------------------


def _pep508_pin(requirement: str, name: str, version: str) -> tuple[str, str | None]:
    """``requirement`` re-pinned to ``version`` when it pins ``name``; and its specifier."""
    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return requirement, None
    if canonicalize_name(parsed.name) != canonicalize_name(name):
        return requirement, None
    specs = list(parsed.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        pattern = re.compile(rf"({re.escape(specs[0].operator)}\s*){re.escape(specs[0].version)}")
        return pattern.sub(lambda m: f"{m.group(1)}{version}", requirement, count=1), None
    return requirement, str(parsed.specifier)


def _python_lists(doc: Any) -> Iterator[Any]:
    project = table(doc, "project")
    if isinstance(project, dict):
        yield project.get("dependencies")
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            yield from optional.values()
    groups = table(doc, "dependency-groups")
    if isinstance(groups, dict):
        yield from groups.values()


def _poetry_tables(doc: Any) -> Iterator[Any]:
    yield table(doc, "tool", "poetry", "dependencies")
    yield table(doc, "tool", "poetry", "dev-dependencies")
    groups = table(doc, "tool", "poetry", "group")
    if isinstance(groups, dict):
        for group in groups.values():
            yield table(group, "dependencies")


def set_python_dependency(
    text: str, package: str, version: str, *, source: str, notes: list[str] | None = None
) -> str:
    """Re-pin a sibling's ``==`` requirements on ``package``; note ranges that exclude it.

    PEP 621 ``dependencies`` and ``optional-dependencies``, PEP 735 ``[dependency-groups]``
    and Poetry's dependency tables (bare or ``==`` versions are Poetry pins) are read.
    """
    doc = parse_toml(text, source)
    changed = False
    stale: list[str] = []
    for requirements in _python_lists(doc):
        if not isinstance(requirements, list):
            continue
        for index, item in enumerate(requirements):
            if not isinstance(item, str):
                continue
            new, specifier = _pep508_pin(str(item), package, version)
            if new != item:
                requirements[index] = new
                changed = True
            elif specifier and python_admits(specifier, version) is False:
                stale.append(_stale(source, package, specifier, version))
    for deps in _poetry_tables(doc):
        if not isinstance(deps, dict):
            continue
        for key, spec in deps.items():
            if canonicalize_name(str(key)) != canonicalize_name(package):
                continue
            holder, field = (deps, key) if isinstance(spec, str) else (spec, "version")
            old = holder.get(field) if isinstance(holder, dict) else None
            if not isinstance(old, str) or old.strip() in ("", "*"):
                continue
            if _POETRY_PIN.match(old):
                new = ("==" if old.strip().startswith("==") else "") + version
                if new != old:
                    set_string(holder, field, new)
                    changed = True
            elif cargo_admits(old, version) is False:
                # Poetry's ^, ~ and comma-separated comparisons read like Cargo's.
                stale.append(_stale(source, package, old, version))
    if notes is not None:
        notes.extend(stale)
    return tomlkit.dumps(doc) if changed else text
