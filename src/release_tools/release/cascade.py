"""Dependents released with their dependencies, as changesets releases them.

When a release rewrites a workspace member's requirement on a released sibling (``@acme/b``
now needs ``^2.0.0``), the member's published manifest changes, so it is released too, with a
patch and an "Updated dependencies" changelog entry; its own dependents follow in turn.

``release_dependents`` decides: ``patch`` always, ``none`` never (the requirement is still
rewritten, the member is not released). Unset, a changesets workspace gets changesets'
behaviour: with ``updateInternalDependents: "out-of-range"`` only members whose old requirement
no longer admits the new version are released, and the others keep their requirements as they
are (:func:`projects_following`); otherwise every member whose requirement is rewritten; without
``.changeset/config.json``, none.

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
from typing import Literal

from release_tools.config import Settings
from release_tools.plans import VersionPlan
from release_tools.release.versions import ProjectRelease, compute_releases
from release_tools.versioning.constraints import npm_admits
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.dependents import NODE_DEPENDENCY_TABLES
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.manifestversions import Reader
from release_tools.versioning.projects import Project
from release_tools.versioning.semver import ReleaseType

__all__ = ["Policy", "dependents_policy", "projects_following", "releases_with_dependents"]

Policy = Literal["patch", "out-of-range", "none"]


def dependents_policy(settings: Settings, conventions: Conventions) -> Policy:
    """Which dependents are released (see the module docstring)."""
    if settings.release_dependents is not None:
        return settings.release_dependents
    config = conventions.release_config
    if ".changeset/config.json" not in config.sources:
        return "none"
    return "out-of-range" if config.update_dependents == "out-of-range" else "patch"


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


def _still_admits(text: str | None, dependency: str, version: str, old: str | None) -> bool:
    """Whether a package.json's requirement on ``dependency`` admits ``version``, the
    dependency moving from ``old`` (Node only: other ecosystems' rewritten requirements always
    count as out of range)."""
    if text is None:
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    for table in NODE_DEPENDENCY_TABLES:
        deps = data.get(table) if isinstance(data, dict) else None
        spec = deps.get(dependency) if isinstance(deps, dict) else None
        if isinstance(spec, str) and npm_admits(_judged_range(spec, old), version) is not True:
            return False
    return True


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
        releasing = {r.project.name for r in releases}
        added = False
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
            for path in [*edits, *shorthands]:
                dependent = manifests.get(path)
                if dependent is None or dependent.name == release.project.name:
                    continue
                if dependent.name in releasing:
                    # Released anyway (a prerelease finished on leaving pre mode), but its
                    # requirement moves all the same: its changelog says so.
                    rewritten.setdefault(dependent.name, set()).add(release.project.name)
                    continue
                if config.held_back(dependent) is not None:
                    continue
                in_range = policy == "out-of-range" and dependent.manifest_kind == "package.json"
                if in_range and _still_admits(
                    read(path), dependency, release.version, release.previous
                ):
                    continue
                reasons.setdefault(dependent.name, set()).add(release.project.name)
                if dependent.name not in extra:
                    extra[dependent.name] = "patch"
                    added = True
        if not added:
            return _labelled(releases, extra, reasons, rewritten)


def projects_following(
    settings: Settings,
    conventions: Conventions,
    projects: Sequence[Project],
    releases: Sequence[ProjectRelease],
    read: Reader,
) -> list[Project]:
    """The projects whose requirements on the released siblings move with them: all of them,
    except, under ``out-of-range``, an npm package that is not released and whose every
    requirement on them still admits the new versions. ``changeset version`` writes only the
    manifests of the packages it releases, so such a package is left as it is (an ignored
    package is another matter: changesets still moves its requirements)."""
    if dependents_policy(settings, conventions) != "out-of-range":
        return list(projects)
    releasing = {r.project.name for r in releases}
    config = conventions.release_config
    out: list[Project] = []
    for project in projects:
        stays = (
            project.manifest_kind == "package.json"
            and project.name not in releasing
            and config.held_back(project) is None
            and all(
                _still_admits(
                    read(project.manifest), r.project.dependency_name, r.version, r.previous
                )
                for r in releases
            )
        )
        if not stays:
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
