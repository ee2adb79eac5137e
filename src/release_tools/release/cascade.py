"""Dependents released with their dependencies, as changesets releases them.

When a release rewrites a workspace member's requirement on a released sibling (``@acme/b``
now needs ``^2.0.0``), the member's published manifest changes, so it is released too, with a
patch and an "Updated dependencies" changelog entry; its own dependents follow in turn.

``release_dependents`` decides: ``patch`` always, ``none`` never (the requirement is still
rewritten, the member is not released). Unset, a changesets workspace gets changesets'
behaviour: with ``updateInternalDependents: "out-of-range"`` only members whose old requirement
no longer admits the new version are released, otherwise every member whose requirement is
rewritten; without ``.changeset/config.json``, none.
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

__all__ = ["Policy", "dependents_policy", "releases_with_dependents"]

Policy = Literal["patch", "out-of-range", "none"]


def dependents_policy(settings: Settings, conventions: Conventions) -> Policy:
    """Which dependents are released (see the module docstring)."""
    if settings.release_dependents is not None:
        return settings.release_dependents
    config = conventions.release_config
    if ".changeset/config.json" not in config.sources:
        return "none"
    return "out-of-range" if config.update_dependents == "out-of-range" else "patch"


def _still_admits(text: str | None, dependency: str, version: str) -> bool:
    """Whether a package.json's requirement on ``dependency`` admits ``version`` (Node only:
    other ecosystems' rewritten requirements always count as out of range)."""
    if text is None:
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    for table in NODE_DEPENDENCY_TABLES:
        deps = data.get(table) if isinstance(data, dict) else None
        spec = deps.get(dependency) if isinstance(deps, dict) else None
        if isinstance(spec, str) and npm_admits(spec, version) is not True:
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
            for path in edits:
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
                    read(path), release.project.dependency_name, release.version
                ):
                    continue
                reasons.setdefault(dependent.name, set()).add(release.project.name)
                if dependent.name not in extra:
                    extra[dependent.name] = "patch"
                    added = True
        if not added:
            return _labelled(releases, extra, reasons, rewritten)


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
