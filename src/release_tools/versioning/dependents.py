"""Keep workspace siblings pointing at a released package.

When a workspace package is released, the other members that depend on it are brought along:

* a *simple* requirement (one version with an optional operator: ``^1.2.0``, ``~1.2``,
  ``=0.4.0``, Cargo's bare ``0.4``, npm's ``workspace:^1.2.0``, Python's ``==1.2.0`` pin,
  a bare Poetry pin) is rewritten to the new version, its operator kept;
* anything else (``>=0.4, <0.5``, ``>=1 <2 || 3.x``, ``alpha>=1.0,<2``) is the author's
  deliberate choice and is left as written; when it no longer admits the new version, a note
  says so, since the workspace will not build or resolve until someone widens it.

Python requirements are only rewritten when they pin (``==``): a PEP 440 range such as
``>=1.0`` is a floor, not a pointer at the current version, so it is checked and kept.
Every function is a text transform that returns its input unchanged when nothing moves, and
appends human-readable notes to ``notes``.

An npm workspace released by changesets' rules passes a :class:`NodeRangeRule` instead, and
each range is then judged and written on its own, as ``changeset version`` does:

* a range moves when the new version leaves it, or when the sibling's bump is at least the
  configured threshold (``updateInternalDependencies``), or, for a peer range, unless peers
  are to move only out of range (:func:`node_range_moves`);
* a moving range is replaced by the new version behind the range's leading operator (``^``,
  ``~``, ``>=``, ``<=``, ``>``; none otherwise): ``>=1.0.0 <2.0.0`` becomes ``>=2.0.0``,
  ``1.x`` and ``1.0.0 - 1.5.0`` become the exact version, ``^1.2.0 || ^2.0.0`` becomes
  ``^3.0.0`` (:func:`changesets_range`). ``*``, and every range npm's semver reduces to it
  (``x``, ``>=0.0.0``, ``^1.0.0 || *``), stays unless the new version is a prerelease, which
  it cannot admit. An empty range is neither judged nor written. With ``workspace_only`` only
  ``workspace:`` ranges are written;
* ``workspace:*``, ``workspace:^``, ``workspace:~`` and ``workspace:<path>`` are never
  written: the package manager publishes them as the sibling's version of the day. A path
  names the sibling when it is the sibling's directory from the workspace root (changesets
  compares it so), and is judged as the sibling's old version, exactly, like ``workspace:*``.
  ``file:``, ``link:``, ``npm:`` aliases, ``workspace:<name>@<range>`` aliases, other paths
  and dist-tags are no ranges changesets follows: they stay as written.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import tomlkit
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from release_tools.errors import VersionError
from release_tools.versioning.constraints import cargo_admits, npm_admits, python_admits
from release_tools.versioning.jsonedit import load_json, value_spans
from release_tools.versioning.semver import Version
from release_tools.versioning.tomledit import parse_toml, set_string, table

__all__ = [
    "NODE_DEPENDENCY_TABLES",
    "Bump",
    "NodeRangeRule",
    "changesets_range",
    "is_node_range",
    "judged_node_range",
    "node_range_moves",
    "set_cargo_dependency_version",
    "set_package_json_dependency",
    "set_python_dependency",
    "stale_note",
]

#: A release's size as changesets ranks it, from ``none`` (a dependent that only follows).
Bump = Literal["none", "patch", "minor", "major"]
_BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")

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


def stale_note(source: str, dependency: str, spec: str, version: str) -> str:
    """The note for a requirement left behind by a release it no longer admits."""
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
                notes.append(stale_note(source, crate, old, version))
    return tomlkit.dumps(doc) if changed else text


# --- npm ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodeRangeRule:
    """How ``changeset version`` judges and writes the ranges on one released sibling."""

    #: The sibling's version before the release (what ``workspace:*`` and paths stand for);
    #: None when unknown, and such ranges are then taken as still admitting.
    previous: str | None
    #: The sibling's bump.
    bump: Bump
    #: The sibling's directory from the workspace root, POSIX-style (``packages/a``).
    directory: str
    #: ``updateInternalDependencies``: the least bump that moves a range still admitting.
    threshold: Literal["patch", "minor"] = "patch"
    #: ``onlyUpdatePeerDependentsWhenOutOfRange``.
    peers_out_of_range_only: bool = False
    #: ``bumpVersionsWithWorkspaceProtocolOnly``: only ``workspace:`` ranges are written.
    workspace_only: bool = False
    #: Whether the workspace root's ``package.json`` ranges are written too (changesets 3.x
    #: rewrites them as a planned package's, and never versions the root; 2.x leaves them).
    root_ranges: bool = False


def is_node_range(spec: str) -> bool:
    """Whether ``spec`` reads as an npm version range (not a tag, path, alias or URL)."""
    return npm_admits(spec, "0.0.0") is not None


def judged_node_range(spec: str, previous: str | None, directory: str) -> str | None:
    """The npm range ``spec`` stands for when a release of the sibling at ``directory``
    (version ``previous`` before it) is judged; None when changesets follows no range there.

    pnpm and yarn publish ``workspace:*`` and a ``workspace:`` path naming the sibling as its
    exact version of the day, ``workspace:^`` and ``workspace:~`` as ``^`` or ``~`` of it, so
    they are measured against ``previous``; other ``workspace:`` ranges lose the prefix.
    """
    if not spec:
        # changesets passes over an empty range, in judging and in writing alike.
        return None
    if not spec.startswith("workspace:"):
        return spec if is_node_range(spec) else None
    rest = spec[len("workspace:") :]
    if rest in ("^", "~"):
        # Without the old version the range cannot be judged; it is taken as admitting.
        return f"{rest}{previous}" if previous is not None else "*"
    if is_node_range(rest) and rest != "*":
        return rest
    if rest == "*" or posixpath.normpath(rest) == posixpath.normpath(directory):
        return previous if previous is not None else "*"
    return None


def _level(bump: Bump) -> int:
    return _BUMPS.index(bump)


def node_range_moves(table: str, spec: str, version: str, rule: NodeRangeRule) -> bool:
    """Whether ``changeset version`` updates the range ``spec`` in ``table`` for a sibling
    released at ``version``: always when the version leaves it; while it still admits, when
    the bump reaches ``rule.threshold`` (a peer range: unless peers move only out of range).
    A spec that is no range changesets follows never moves."""
    judged = judged_node_range(spec, rule.previous, rule.directory)
    if judged is None:
        return False
    if npm_admits(judged, version) is False:
        return True
    if table == "peerDependencies":
        return not rule.peers_out_of_range_only
    return _level(rule.bump) >= _level(rule.threshold)


# The spellings of "any version" among npm comparators: ``*``, ``x``, ``x.x``..., optionally
# behind ``=`` or ``>=``, and ``>=0``, ``>=0.0``, ``>=0.0.0`` (or with x parts), which npm's
# semver normalises to ``*`` as well.
_ANY_COMPARATOR = re.compile(r"(?:>=|=)?v?[xX*](?:\.[xX*]){0,2}|>=v?0(?:\.(?:0|[xX*])){0,2}")


def _admits_any(spec: str) -> bool:
    """Whether an npm range is ``*`` in one of its spellings (``""``, ``x``, ``x.x``,
    ``>=0.0.0``...), in any of its ``||`` alternatives: then it admits every final version,
    and npm's semver reduces the whole range to ``*``."""
    for part in spec.split("||"):
        comparators = re.sub(r"(>=|=)\s+", r"\1", part).split()
        if all(_ANY_COMPARATOR.fullmatch(comparator) for comparator in comparators):
            return True
    return False


def _leading_operator(spec: str) -> str:
    """The operator a written range keeps: the one ``spec`` starts with among ``^``, ``~``,
    ``>=``, ``<=`` and ``>``; none for anything else (``<``, ``=``, ``1.x``, hyphens)."""
    for operator in ("^", "~", ">=", "<=", ">"):
        if spec.startswith(operator):
            return operator
    return ""


def changesets_range(spec: str, version: str, *, workspace_only: bool = False) -> str:
    """What ``changeset version`` writes for a range it updates to ``version`` (the module
    docstring gives the rule); ``spec`` itself when it writes nothing there."""
    protocol = "workspace:" if spec.startswith("workspace:") else ""
    if workspace_only and not protocol:
        return spec
    rest = spec[len(protocol) :]
    if (protocol and rest in ("*", "^", "~")) or not is_node_range(rest):
        return spec
    try:
        prerelease = bool(Version.parse(version).pre)
    except VersionError:
        prerelease = False
    if _admits_any(rest) and not prerelease:
        # Every final version is welcome there: the author chose not to pin.
        return spec
    return f"{protocol}{_leading_operator(rest)}{version}"


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
    text: str,
    package: str,
    version: str,
    *,
    source: str,
    notes: list[str] | None = None,
    rule: NodeRangeRule | None = None,
) -> str:
    """Point a workspace sibling's dependency ranges on ``package`` at its new ``version``:
    every simple range, or, given a ``rule``, each range that rule moves, written as
    changesets writes it (see the module docstring)."""
    data = load_json(text, source)
    spans = value_spans(text, source)
    changes: list[tuple[int, int, str]] = []
    for section in NODE_DEPENDENCY_TABLES:
        deps = data.get(section) if isinstance(data, dict) else None
        spec = deps.get(package) if isinstance(deps, dict) else None
        if not isinstance(spec, str) or (section, package) not in spans:
            continue
        if rule is None:
            new = node_range(spec, version)
        elif node_range_moves(section, spec, version, rule):
            new = changesets_range(spec, version, workspace_only=rule.workspace_only)
        else:
            new = spec
        if new != spec:
            start, end = spans[(section, package)]
            changes.append((start, end, json.dumps(new)))
        elif npm_admits(spec, version) is False and notes is not None:
            # Shorthands and paths follow by themselves (npm_admits takes them as admitting
            # or unreadable); a real range left behind needs a hand.
            notes.append(stale_note(source, package, spec, version))
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


def _poetry_admits(constraint: str, version: str) -> bool | None:
    """Whether a Poetry constraint admits ``version``: its ``^``, ``~`` and comma-separated
    comparisons read like Cargo's; what those cannot read (``~=1.2``, ``!=``) as PEP 440."""
    admits = cargo_admits(constraint, version)
    return admits if admits is not None else python_admits(constraint, version)


def set_python_dependency(
    text: str, package: str, version: str, *, source: str, notes: list[str] | None = None
) -> str:
    """Re-pin a sibling's ``==`` requirements on ``package``; note ranges that exclude it.

    PEP 621 ``dependencies`` and ``optional-dependencies``, PEP 735 ``[dependency-groups]``
    and Poetry's dependency tables are read. In Poetry's, a bare or ``==`` version is a pin
    and is rewritten; ``^``, ``~`` and other ranges are kept, and noted when they exclude the
    new version.
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
                stale.append(stale_note(source, package, specifier, version))
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
            elif _poetry_admits(old, version) is False:
                stale.append(stale_note(source, package, old, version))
    if notes is not None:
        notes.extend(stale)
    return tomlkit.dumps(doc) if changed else text
