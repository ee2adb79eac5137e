"""Dependents released with their dependencies, as changesets releases them.

When a workspace member depends on a released sibling, the member may be released too, with
an "Updated dependencies" changelog entry, and its own dependents follow in turn.

Which npm members are dependents, and which of their ranges move and how they are written, is
changesets' call (below) in a changesets workspace and wherever ``release_dependents`` is set;
that setting only decides which dependents are released:

* ``patch`` releases, with a patch, every dependent one of whose ranges moves (in any table,
  ``devDependencies`` too; a ``workspace:`` shorthand or path moves when it is published as
  the new version), peers included: the setting names the bump;
* ``none`` releases none, and still moves each dependent's ranges as changesets moves them in
  a package of its plan: a range the new version leaves always (so the workspace keeps
  resolving), and one still admitting it when the sibling's bump reaches
  ``updateInternalDependencies`` (a peer range: unless
  ``onlyUpdatePeerDependentsWhenOutOfRange``). ``updateInternalDependents`` is not read.

Unset, a changesets workspace gets changesets' behaviour (``determineDependents`` in
``@changesets/assemble-release-plan``), with the options its ``.changeset/config.json`` gives
(:mod:`release_tools.versioning.releaseconfig`); without that file none is released, and every
simple npm range follows the sibling (:func:`~release_tools.versioning.dependents.node_range`).
For an npm dependent, per dependency table that names the released sibling:

* ``updateInternalDependents: "out-of-range"`` (the default) releases it with a patch when the
  range no longer admits the new version; ``always`` whatever the range. A ``devDependencies``
  range alone releases nothing: the range moves, the package is not released (unless released
  anyway).
* under changesets 2.x, a ``peerDependencies`` range on a sibling released with a minor or
  major makes the dependent major, in range or not, unless
  ``onlyUpdatePeerDependentsWhenOutOfRange`` asks for the range to be left first. From 3.x a
  peer range is judged as a ``dependencies`` one (a patch when it is left, every one under
  ``always``), and ``onlyUpdatePeerDependentsWhenOutOfRange`` only says whether a peer range
  still admitting the new version is rewritten in a package of the plan. Which major a
  workspace uses is read from it
  (:func:`~release_tools.versioning.changesetsmajor.changesets_major`).
* a requirement that is no range (a dist-tag such as ``latest``, a git URL, ``file:``,
  ``link:``, an ``npm:`` alias) admits no version, as npm's ``semver.satisfies`` judges it for
  changesets, so it counts as left behind (a patch, a major for a peer under 2.x, a follower
  for a dev dependency), though it is never rewritten. An empty one is passed over, as is a
  ``workspace:`` form that names no range, shorthand or the sibling's directory.

Which packages are dependents at all is changesets' dependency graph's call: a package whose
range on the sibling does not admit the sibling's version before the release (``^0.5.0`` on a
1.0.0) is none, nor one naming it by a ``workspace:`` form that is neither a range, a shorthand
nor the sibling's directory; a note says so. The graph keeps one range per dependency, the last
table's in changesets' order (dependencies, devDependencies, peerDependencies,
optionalDependencies), a ``file:`` or ``link:`` dev dependency aside; when that range is no
range at all (a tag, a URL, an alias), the package is no dependent. Under
``bumpVersionsWithWorkspaceProtocolOnly`` only ``workspace:`` ranges count.

Whose ranges move (:func:`projects_following`, :func:`node_rule`): ``changeset version`` writes
only the packages in its plan (released, ignored, or following a dev dependency), and in them
each range on its own (:func:`~release_tools.versioning.dependents.node_range_moves`): one that
no longer admits the new version, or whose dependency's bump is at least
``updateInternalDependencies`` (``patch`` or ``minor``), or, for peers, unless
``onlyUpdatePeerDependentsWhenOutOfRange``; the other ranges of the same package stay. A
dependent released for its dependencies names in its changelog every sibling whose
``dependencies`` range (else ``peerDependencies`` range) moves so.

Other ecosystems' members (Cargo, Python) are released, under ``patch`` or changesets'
policies, whenever their requirement is rewritten.

A member requiring the sibling by a ``workspace:`` shorthand or by the sibling's directory
(``workspace:packages/a``) is a dependent too, though its requirement is never rewritten (pnpm
and yarn publish it as the sibling's version of the day). Judging its range, changesets reads
``workspace:*`` and the directory as the sibling's old version, exactly, and ``workspace:^`` /
``workspace:~`` as ``^`` / ``~`` of it.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from release_tools.config import Settings
from release_tools.plans import VersionPlan
from release_tools.release.calendars import ReleaseCalendar
from release_tools.release.versions import ProjectRelease, compute_releases
from release_tools.versioning.constraints import npm_admits
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.dependents import (
    NODE_DEPENDENCY_TABLES,
    Bump,
    NodeRangeRule,
    is_node_range,
    judged_node_range,
    node_range_moves,
    stale_note,
)
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.manifestversions import Reader
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig
from release_tools.versioning.semver import ReleaseType

__all__ = [
    "Policy",
    "dependents_policy",
    "node_rule",
    "projects_following",
    "releases_with_dependents",
]

Policy = Literal["patch", "always", "out-of-range", "none"]
#: The policies under which every dependent in changesets' graph has its moving ranges
#: rewritten, released or not.
_FOLLOW_ALWAYS = ("always", "patch", "none")
#: One (dependency table, requirement as written, range as changesets judges it) per table
#: naming a dependency by a requirement changesets judges (:func:`_requirements`).
Requirements = list[tuple[str, str, str]]
_BUMPS: tuple[Bump, ...] = ("none", "patch", "minor", "major")


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


def _changesets_ranges(settings: Settings, conventions: Conventions) -> bool:
    """Whether npm ranges are judged and written as ``changeset version`` does: in a
    changesets workspace, and wherever ``release_dependents`` is set."""
    return (
        settings.release_dependents is not None
        or ".changeset/config.json" in conventions.release_config.sources
    )


def node_rule(
    settings: Settings, conventions: Conventions, release: ProjectRelease
) -> NodeRangeRule | None:
    """How npm ranges on ``release``'s package are judged and written, as ``changeset
    version`` does, under every policy (the policy only says which dependents are released);
    without ``.changeset/config.json`` changesets' options take their defaults. None when
    neither that file nor ``release_dependents`` is given: every simple range then follows
    (:func:`~release_tools.versioning.dependents.node_range`)."""
    if not _changesets_ranges(settings, conventions):
        return None
    return _rule(conventions, release)


def _rule(conventions: Conventions, release: ProjectRelease) -> NodeRangeRule:
    """changesets' rule for ranges on ``release``'s package, with the workspace's options."""
    config = conventions.release_config
    return NodeRangeRule(
        previous=release.previous,
        bump=_BUMPS[_level(release.release_type)],
        directory=PurePosixPath(release.project.manifest).parent.as_posix(),
        threshold=config.update_dependencies,
        peers_out_of_range_only=config.only_peer_dependents_out_of_range,
        workspace_only=config.workspace_protocol_only,
        root_ranges=config.changesets.major >= 3,
    )


def _manifest(read: Reader, path: str) -> dict[str, Any]:
    """A package.json's data; empty when it is missing or not a JSON object."""
    try:
        data = json.loads(read(path) or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _requirements(data: Mapping[str, Any], dependency: str, rule: NodeRangeRule) -> Requirements:
    """What a package.json gives ``dependency``, by table, with what changesets judges each
    requirement as when it decides a dependent's release.

    npm ranges, ``workspace:`` ranges, shorthands and the dependency's directory are judged as
    :func:`~release_tools.versioning.dependents.judged_node_range` says. Any other non-empty
    requirement outside ``workspace:`` (a dist-tag such as ``latest``, a git URL, ``file:``,
    ``link:``, an ``npm:`` alias) is judged as written: changesets hands it to npm's
    ``semver.satisfies``, which admits no version through it, so it counts as left behind,
    though nothing ever rewrites it (:func:`_satisfied`). Another ``workspace:`` form
    (``workspace:../a``, ``workspace:<name>@<range>``) is passed over, as changesets passes it
    over."""
    out: Requirements = []
    for table in NODE_DEPENDENCY_TABLES:
        deps = data.get(table)
        spec = deps.get(dependency) if isinstance(deps, dict) else None
        if not isinstance(spec, str) or not spec:
            continue
        judged = judged_node_range(spec, rule.previous, rule.directory)
        if judged is not None:
            out.append((table, spec, judged))
        elif not spec.startswith("workspace:"):
            out.append((table, spec, spec))
    return out


def _satisfied(judged: str, version: str) -> bool:
    """Whether ``version`` satisfies a requirement as changesets judges it: npm's semver
    answers false for anything it cannot read as a range."""
    return npm_admits(judged, version) is True


def _graph_range(data: Mapping[str, Any], dependency: str) -> str | None:
    """The one range changesets' dependency graph keeps for ``dependency``: the last table's
    that names it (a ``link:`` or ``file:`` dev dependency aside)."""
    found: str | None = None
    for table in NODE_DEPENDENCY_TABLES:
        deps = data.get(table)
        spec = deps.get(dependency) if isinstance(deps, dict) else None
        if not isinstance(spec, str):
            continue
        if table == "devDependencies" and spec.startswith(("link:", "file:")):
            continue
        found = spec
    return found


def _counted(
    data: Mapping[str, Any], manifest: str, dependency: str, rule: NodeRangeRule
) -> tuple[bool, str | None]:
    """Whether changesets' dependency graph makes the package at ``manifest`` a dependent of
    ``dependency``, and when it does not for a reason its author may not expect, why."""
    spec = _graph_range(data, dependency)
    if spec is None:
        return False, None
    if spec.startswith("workspace:"):
        rest = spec[len("workspace:") :]
        if rest in ("*", "^", "~"):
            return True, None
        if not is_node_range(rest):
            if posixpath.normpath(rest) == posixpath.normpath(rule.directory):
                return True, None
            return False, (
                f"{manifest}: {dependency} {spec!r} is neither a version range nor "
                f"{dependency}'s directory from the workspace root ({rule.directory}); "
                "changesets does not count the package as its dependent, and the requirement "
                "is left as written"
            )
        spec = rest
    elif rule.workspace_only:
        return False, None
    admits = npm_admits(spec, rule.previous) if rule.previous is not None else True
    if admits is False:
        return False, (
            f"{manifest}: {dependency} {spec!r} does not admit {dependency} {rule.previous}, "
            "its version before the release; changesets does not count the package as its "
            "dependent, and the requirement is left as written"
        )
    # A dist-tag or an alias is no range: the package is no dependent, as its author chose.
    return admits is True, None


def _listed(data: Mapping[str, Any], dependency: str, version: str, rule: NodeRangeRule) -> bool:
    """Whether a release's changelog names ``dependency`` among its updated dependencies: its
    ``dependencies`` range, else its ``peerDependencies`` range, is one changesets moves."""
    for table in ("dependencies", "peerDependencies"):
        deps = data.get(table)
        spec = deps.get(dependency) if isinstance(deps, dict) else None
        if isinstance(spec, str) and spec:
            return node_range_moves(table, spec, version, rule)
    return False


def _dependent_kind(
    requirements: Requirements,
    release: ProjectRelease,
    config: WorkspaceReleaseConfig,
    policy: Policy,
    current: ProjectRelease | None,
) -> ReleaseType | None:
    """The release a dependent gets from ``release`` under changesets' rules (None: none),
    ``current`` being its release so far: under changesets 2.x a peer on a minor or major
    makes it major (in range only without ``onlyUpdatePeerDependentsWhenOutOfRange``); one not
    yet released gets a patch when a range leaves the new version (every range under
    ``always``), except a ``devDependencies`` range alone, which moves the range without a
    release. changesets 3.x judges a peer range as any other: a patch, when it is left."""
    kind: ReleaseType | None = None
    peer_major = config.changesets.major < 3
    for table, _, judged in requirements:
        admits = _satisfied(judged, release.version)
        if (
            peer_major
            and table == "peerDependencies"
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


def _patch_kind(
    requirements: Requirements,
    release: ProjectRelease,
    rule: NodeRangeRule,
    current: ProjectRelease | None,
) -> ReleaseType | None:
    """The release a dependent gets from ``release`` under ``release_dependents = "patch"``:
    a patch, when it is not yet released and one of its ranges on ``release``'s package moves
    (:func:`~release_tools.versioning.dependents.node_range_moves`; a ``workspace:`` shorthand
    or path moves when the package manager publishes it as the new version), in whichever
    table; None otherwise. Under ``bumpVersionsWithWorkspaceProtocolOnly`` a plain range is
    never written, so it moves nothing."""
    if current is not None:
        return None
    moves = any(
        node_range_moves(table, spec, release.version, rule)
        and (spec.startswith("workspace:") or not rule.workspace_only)
        for table, spec, _ in requirements
    )
    return "patch" if moves else None


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
    calendar: ReleaseCalendar | None = None,
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
            calendar=calendar,
        )
        if adjust is not None:
            releases = adjust(releases)
        if policy == "none" or settings.project is not None:
            return releases
        releasing = {r.project.name: r for r in releases}
        added = False
        # Which siblings each release's changelog names, from this round's versions.
        listed: dict[str, set[str]] = {}

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
            # Dependents are released only under an explicit setting or in a changesets
            # workspace, where npm ranges are judged by changesets' rule.
            rule = _rule(conventions, release)
            for member in projects:
                if member.name == release.project.name or member.manifest not in node:
                    continue
                data = node[member.manifest]
                if _listed(data, dependency, release.version, rule):
                    listed.setdefault(member.name, set()).add(release.project.name)
                needs = _requirements(data, dependency, rule)
                counted, _ = _counted(data, member.manifest, dependency, rule)
                if not needs or not counted or config.held_back(member) is not None:
                    continue
                current = releasing.get(member.name)
                if policy == "patch":
                    kind = _patch_kind(needs, release, rule, current)
                else:
                    kind = _dependent_kind(needs, release, config, policy, current)
                if kind is not None:
                    take(member.name, kind, release.project.name)
            # npm members are judged above, as changesets judges them; the others (Cargo,
            # Python) follow any rewrite of their requirement.
            paths = [path for path in edits if path not in node]
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
            for name, siblings in listed.items():
                rewritten.setdefault(name, set()).update(siblings)
            return _labelled(releases, extra, reasons, rewritten)


def projects_following(
    settings: Settings,
    conventions: Conventions,
    projects: Sequence[Project],
    releases: Sequence[ProjectRelease],
    read: Reader,
    notes: list[str] | None = None,
) -> list[Project]:
    """The projects whose requirements on the released siblings move with them.

    An npm package's ranges move as ``changeset version`` moves them: only in the packages of
    its plan that have a range to move (:func:`node_rule` then says which). Under changesets'
    policies the plan holds the released packages and the dependents that follow without a
    release: held back, or following a sibling that leaves one of their requirements (any
    sibling under ``always``). Under ``patch`` and ``none`` every dependent changesets' graph
    counts is in it: ``patch`` has released those whose ranges move, ``none`` moves their
    ranges without a release. Other projects (Cargo, Python) follow every release.
    ``notes`` receives, for the npm packages left out, why changesets does not count them as
    dependents, or which of their ranges the new versions leave behind."""
    if not _changesets_ranges(settings, conventions):
        return list(projects)
    policy = dependents_policy(settings, conventions)
    releasing = {r.project.name for r in releases}
    config = conventions.release_config
    out: list[Project] = []
    for project in projects:
        if project.manifest_kind != "package.json":
            out.append(project)
            continue
        data = _manifest(read, project.manifest)
        planned = project.name in releasing
        moving = False
        left: list[str] = []
        for release in releases:
            if release.project.name == project.name:
                continue
            rule = _rule(conventions, release)
            dependency = release.project.dependency_name
            found = _requirements(data, dependency, rule)
            counted, why = _counted(data, project.manifest, dependency, rule)
            if counted and found:
                planned = planned or (
                    config.held_back(project) is not None
                    or policy in _FOLLOW_ALWAYS
                    or not all(_satisfied(judged, release.version) for *_, judged in found)
                )
            # A package in the plan for another reason still has such ranges moved.
            moving = moving or any(
                node_range_moves(table, spec, release.version, rule) for table, spec, _ in found
            )
            if why is not None:
                left.append(why)
                continue
            left.extend(
                stale_note(project.manifest, dependency, spec, release.version)
                for _, spec, _ in found
                if npm_admits(spec, release.version) is False
            )
        if planned and moving:
            out.append(project)
        elif notes is not None:
            notes.extend(left)
    return out


def _labelled(
    releases: Sequence[ProjectRelease],
    extra: Mapping[str, ReleaseType],
    reasons: Mapping[str, set[str]],
    rewritten: Mapping[str, set[str]],
) -> list[ProjectRelease]:
    """``releases`` with ``dependency_only`` naming the siblings that moved a requirement of
    each release that no plan asked for: for a dependent, those it was released for and the
    others whose requirements moved with them; for a release with neither plan nor version
    group (a prerelease finished on leaving pre mode), those whose requirements moved; a
    group member keeps its "released together" entry."""
    out: list[ProjectRelease] = []
    for r in releases:
        name = r.project.name
        own = set() if r.group else rewritten.get(name, set())
        moved = reasons[name] | rewritten.get(name, set()) if name in extra else own
        out.append(replace(r, dependency_only=tuple(sorted(moved))) if moved and not r.plans else r)
    return out
