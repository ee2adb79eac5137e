"""Dependents released with their dependencies, as changesets releases them.

When a workspace member depends on a released sibling, the member may be released too, with
an "Updated dependencies" changelog entry, and its own dependents follow in turn.

``release_dependents`` decides: ``patch`` releases, with a patch, every member whose
requirement is rewritten; ``none`` never (the requirement is still rewritten, the member is not
released). Unset, a changesets workspace gets changesets' behaviour (``determineDependents`` in
``@changesets/assemble-release-plan``), with the options its ``.changeset/config.json`` gives
(:mod:`release_tools.versioning.releaseconfig`); without that file, none is released. For an
npm dependent, per dependency table that names the released sibling:

* ``updateInternalDependents: "out-of-range"`` (the default) releases it with a patch when the
  range no longer admits the new version; ``always`` whatever the range. A ``devDependencies``
  range alone releases nothing: the range moves, the package is not released (unless released
  anyway).
* a ``peerDependencies`` range on a sibling released with a minor or major makes the dependent
  major, in range or not, unless ``onlyUpdatePeerDependentsWhenOutOfRange`` asks for the range
  to be left first.

Whose ranges move (:func:`projects_following`): ``changeset version`` writes only the packages
in its plan (released, ignored, or following a dev dependency), and in them only ranges that no
longer admit the new version, or whose dependency's bump is at least
``updateInternalDependencies`` (``patch`` or ``minor``), or, for peers, unless
``onlyUpdatePeerDependentsWhenOutOfRange``. The decision is per package: a package that has
one range to move has all its simple ranges moved.

Other ecosystems' members (Cargo, Python) are released whenever their requirement is rewritten.

A member requiring the sibling by a ``workspace:`` shorthand is a dependent too, though its
requirement is never rewritten (pnpm and yarn publish it as the sibling's version of the day).
Judging its range, changesets reads ``workspace:*`` as the sibling's old version, exactly, and
``workspace:^`` / ``workspace:~`` as ``^`` / ``~`` of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from release_tools.config import Settings
from release_tools.plans import VersionPlan
from release_tools.release.versions import ProjectRelease, compute_releases
from release_tools.versioning.constraints import npm_admits
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.dependents import NODE_DEPENDENCY_TABLES
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.manifestversions import Reader
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig
from release_tools.versioning.semver import ReleaseType

__all__ = ["Policy", "dependents_policy", "projects_following", "releases_with_dependents"]

Policy = Literal["patch", "always", "out-of-range", "none"]
#: The policies that follow changesets' rules rather than "every rewritten requirement".
_CHANGESETS_POLICIES = ("always", "out-of-range")
#: One (dependency table, range as changesets judges it) per table naming a dependency.
Requirements = list[tuple[str, str]]


def dependents_policy(settings: Settings, conventions: Conventions) -> Policy:
    """Which dependents are released (see the module docstring)."""
    if settings.release_dependents is not None:
        return settings.release_dependents
    config = conventions.release_config
    if ".changeset/config.json" not in config.sources:
        return "none"
    return config.update_dependents or "out-of-range"


def _level(kind: ReleaseType | None) -> int:
    """A release type's rank as changesets orders bump types (none < patch < minor < major);
    a prerelease type ranks with the bump it leads to."""
    if kind in ("major", "premajor"):
        return 3
    if kind in ("minor", "preminor"):
        return 2
    return 0 if kind is None else 1


def _judged_range(spec: str, old: str | None) -> str:
    """``spec`` as changesets judges it: pnpm and yarn publish ``workspace:*`` as the exact
    version the dependency has, ``workspace:^`` and ``workspace:~`` as ``^`` or ``~`` of it, so
    a release is measured against the dependency's version before it (``old``; the range stays
    admitting when that is unknown)."""
    if old is None or not spec.startswith("workspace:"):
        return spec
    shorthand = spec[len("workspace:") :]
    if shorthand == "*":
        return old
    if shorthand in ("^", "~"):
        return f"{shorthand}{old}"
    return spec


def _shorthand_dependents(
    projects: Sequence[Project], dependency: str, read: Reader, rewritten: Mapping[str, str]
) -> list[str]:
    """The manifests, other than those in ``rewritten``, of the npm packages that require
    ``dependency`` by a ``workspace:`` shorthand (``*``, ``^``, ``~``): never rewritten, yet
    published as the dependency's version of the day, so they are its dependents all the
    same, as in changesets' dependency graph."""
    out: list[str] = []
    for project in projects:
        if project.manifest_kind != "package.json" or project.manifest in rewritten:
            continue
        try:
            data = json.loads(read(project.manifest) or "{}")
        except ValueError:
            continue
        for table in NODE_DEPENDENCY_TABLES:
            deps = data.get(table) if isinstance(data, dict) else None
            spec = deps.get(dependency) if isinstance(deps, dict) else None
            if spec in ("workspace:*", "workspace:^", "workspace:~"):
                out.append(project.manifest)
                break
    return out


def _manifest(read: Reader, path: str) -> dict[str, Any]:
    """A package.json's data; empty when it is missing or not a JSON object."""
    try:
        data = json.loads(read(path) or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _requirements(data: Mapping[str, Any], dependency: str, old: str | None) -> Requirements:
    """The ranges a package.json gives ``dependency`` that changesets' dependency graph
    counts (npm ranges and ``workspace:`` shorthands; not ``file:``, ``link:``, aliases or
    URLs), judged as changesets judges them, by table."""
    out: Requirements = []
    for table in NODE_DEPENDENCY_TABLES:
        deps = data.get(table)
        spec = deps.get(dependency) if isinstance(deps, dict) else None
        if not isinstance(spec, str):
            continue
        judged = _judged_range(spec, old)
        if npm_admits(judged, "0.0.0") is not None:
            out.append((table, judged))
    return out


def _should_update(
    requirements: Requirements, release: ProjectRelease, config: WorkspaceReleaseConfig
) -> bool:
    """Whether ``changeset version`` moves any of a package's ``requirements`` on the
    released sibling (``shouldUpdateDependencyBasedOnConfig``): a range the new version
    leaves always; one that still admits it when the bump is at least
    ``updateInternalDependencies``, or, for a peer, unless
    ``onlyUpdatePeerDependentsWhenOutOfRange``."""
    least = _level(config.update_dependencies)
    for table, judged in requirements:
        if npm_admits(judged, release.version) is False:
            return True
        if table == "peerDependencies":
            if not config.only_peer_dependents_out_of_range:
                return True
        elif _level(release.release_type) >= least:
            return True
    return False


def _dependent_kind(
    requirements: Requirements,
    release: ProjectRelease,
    config: WorkspaceReleaseConfig,
    policy: Policy,
    current: ProjectRelease | None,
) -> ReleaseType | None:
    """The release a dependent gets from ``release`` under changesets' rules (None: none),
    ``current`` being its release so far: a peer on a minor or major makes it major (in range
    only without ``onlyUpdatePeerDependentsWhenOutOfRange``); one not yet released gets a
    patch when a range leaves the new version (every range under ``always``), except a
    ``devDependencies`` range alone, which moves the range without a release."""
    kind: ReleaseType | None = None
    for table, judged in requirements:
        admits = npm_admits(judged, release.version) is True
        if (
            table == "peerDependencies"
            and _level(release.release_type) >= 2
            and not (config.only_peer_dependents_out_of_range and admits)
            and (current is None or _level(current.release_type) < 3)
        ):
            kind = "major"
        elif (
            current is None
            and kind is None
            and table != "devDependencies"
            and (policy == "always" or not admits)
        ):
            kind = "patch"
    return kind


def releases_with_dependents(
    root: Path,
    settings: Settings,
    projects: Sequence[Project],
    plans: Sequence[VersionPlan],
    read: Reader,
    conventions: Conventions,
    *,
    preid: str,
    adjust: Callable[[Sequence[ProjectRelease]], list[ProjectRelease]] | None = None,
) -> list[ProjectRelease]:
    """The releases the plans ask for, plus the dependents the policy releases, repeated until
    no further member moves. ``--project`` releases only what was asked for. ``adjust``
    rewrites each round's releases before their dependents are judged (changesets' pre mode
    gives them prerelease versions, which ranges admit differently)."""
    policy = dependents_policy(settings, conventions)
    extra: dict[str, ReleaseType] = {}
    reasons: dict[str, set[str]] = {}
    rewritten: dict[str, set[str]] = {}
    manifests = {p.manifest: p for p in projects}
    config = conventions.release_config
    node = {
        p.manifest: _manifest(read, p.manifest)
        for p in projects
        if p.manifest_kind == "package.json"
    }
    while True:
        releases = compute_releases(
            projects,
            plans,
            read=read,
            conventions=conventions,
            only=settings.project,
            preid=preid,
            extra=extra,
        )
        if adjust is not None:
            releases = adjust(releases)
        if policy == "none" or settings.project is not None:
            return releases
        releasing = {r.project.name: r for r in releases}
        added = False

        def take(dependent: str, kind: ReleaseType, dependency: str) -> None:
            nonlocal added
            reasons.setdefault(dependent, set()).add(dependency)
            if _level(extra.get(dependent)) < _level(kind):
                extra[dependent] = kind
                added = True

        for release in releases:
            edits = version_edits(
                root,
                release.project,
                release.version,
                read=read,
                projects=projects,
                tag=release.tag,
                notes=[],
            )
            dependency = release.project.dependency_name
            shorthands = _shorthand_dependents(projects, dependency, read, edits)
            if policy in _CHANGESETS_POLICIES:
                for member in projects:
                    if member.name == release.project.name or member.manifest not in node:
                        continue
                    needs = _requirements(node[member.manifest], dependency, release.previous)
                    if not needs:
                        continue
                    current = releasing.get(member.name)
                    moves = member.manifest in edits or member.manifest in shorthands
                    if current is not None and moves and _should_update(needs, release, config):
                        # Released anyway (a prerelease finished on leaving pre mode), but
                        # its requirement moves all the same: its changelog says so.
                        rewritten.setdefault(member.name, set()).add(release.project.name)
                    if config.held_back(member) is not None:
                        continue
                    kind = _dependent_kind(needs, release, config, policy, current)
                    if kind is not None:
                        take(member.name, kind, release.project.name)
                # changesets knows npm packages only; other members follow any rewrite.
                paths = [path for path in edits if path not in node]
            else:
                paths = [*edits, *shorthands]
            for path in paths:
                dependent = manifests.get(path)
                if dependent is None or dependent.name == release.project.name:
                    continue
                if dependent.name in releasing:
                    rewritten.setdefault(dependent.name, set()).add(release.project.name)
                    continue
                if config.held_back(dependent) is None:
                    take(dependent.name, "patch", release.project.name)
        if not added:
            return _labelled(releases, extra, reasons, rewritten)


def projects_following(
    settings: Settings,
    conventions: Conventions,
    projects: Sequence[Project],
    releases: Sequence[ProjectRelease],
    read: Reader,
) -> list[Project]:
    """The projects whose requirements on the released siblings move with them.

    Under changesets' policies, an npm package's move as ``changeset version`` moves them:
    only in the packages of its plan (released, held back, or following a sibling that leaves
    its range, or any sibling under ``always``), and only where :func:`_should_update` says so
    for some released sibling. Other projects, and every project under the other policies,
    follow every release."""
    policy = dependents_policy(settings, conventions)
    if policy not in _CHANGESETS_POLICIES:
        return list(projects)
    releasing = {r.project.name for r in releases}
    config = conventions.release_config
    out: list[Project] = []
    for project in projects:
        if project.manifest_kind != "package.json":
            out.append(project)
            continue
        data = _manifest(read, project.manifest)
        needs = [
            (release, found)
            for release in releases
            if release.project.name != project.name
            and (found := _requirements(data, release.project.dependency_name, release.previous))
        ]
        planned = (
            project.name in releasing
            or config.held_back(project) is not None
            or policy == "always"
            or any(
                npm_admits(judged, release.version) is False
                for release, found in needs
                for _, judged in found
            )
        )
        if planned and any(_should_update(found, release, config) for release, found in needs):
            out.append(project)
    return out


def _labelled(
    releases: Sequence[ProjectRelease],
    extra: Mapping[str, ReleaseType],
    reasons: Mapping[str, set[str]],
    rewritten: Mapping[str, set[str]],
) -> list[ProjectRelease]:
    """``releases`` with ``dependency_only`` naming the siblings that moved a requirement of
    each release that no plan asked for: the dependents released for them, and a release
    with neither plan nor version group (a prerelease finished on leaving pre mode) whose
    requirements moved; a group member keeps its "released together" entry."""
    out: list[ProjectRelease] = []
    for r in releases:
        name = r.project.name
        own = set() if r.group else rewritten.get(name, set())
        moved = reasons[name] if name in extra else own
        out.append(replace(r, dependency_only=tuple(sorted(moved))) if moved and not r.plans else r)
    return out
