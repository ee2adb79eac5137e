"""Changesets' pre mode: prereleases counted from the versions the mode was entered with.

``.changeset/pre.json`` (written by ``changeset pre enter <tag>``) holds the mode (``pre`` or,
after ``changeset pre exit``, ``exit``), the prerelease tag, each package's version when the mode
was entered (``initialVersions``) and the ids of the changesets already released in the mode
(``changesets``; an id is the file name without ``.md``). Nx plans know no such mode: they are
read and consumed as always, and a project released by Nx plans alone keeps the usual rule.

In ``pre`` mode changeset files are kept. Only the changesets not yet listed decide which
projects are released (with the usual dependents, fixed and linked groups), and only they reach
the changelog; but the release type is the highest over every changeset naming the project, old
ones included, applied to its initial version, so a ``major`` changeset added after two
``minor`` betas moves ``1.1.0-beta.1`` to ``2.0.0-beta.0``. The prerelease number counts on
(``1.1.0-beta.0`` -> ``1.1.0-beta.1``) from the package's current number, whatever the target
and the tag, as ``changeset`` 2.x and 3.x read it from the version alone (see below). The new
ids are then added to ``pre.json``, and so is the version of every npm package that joined the
workspace in the mode (``initialVersions``, as ``changeset version`` records it).

Dependents are judged against the prerelease their dependency receives, by npm's rule that a
range admits a prerelease only of its own ``major.minor.patch`` (``^1.0.0`` does not admit
``1.1.0-beta.0``, ``^1.1.0-beta.0`` admits ``1.1.0-beta.1``): under changesets' default
(``updateInternalDependents`` ``"out-of-range"``) such a dependent gets a prerelease of its own.

Linked packages share one line over the whole pre period: the members released now, named by
a changeset of the period or holding a prerelease of it move to the highest version any of them
reaches with the highest type among them, and count their prereleases together. A member that
did not move in the period keeps its own line, as one released alone does outside pre mode.

In ``exit`` mode every changeset present counts; the versions are final (the initial version
bumped by the highest type, never below a prerelease already made), every changeset file is
deleted and ``pre.json`` removed. A package with a prerelease of the period that no changeset
names any more (a dependent released for its dependency, or changesets deleted by hand) gets
the final version of that prerelease (``1.1.0-beta.2`` -> ``1.1.0``). When nothing at all is
left to release, the release still leaves the mode: its commit only removes ``pre.json``, with
no tag, and the result says so; stopping with "nothing to release" would keep the workspace in
a mode its maintainer asked to leave.

Changesets 3 keeps pre mode differently, and a workspace that uses it
(:func:`~release_tools.versioning.changesetsmajor.changesets_major_of`) is released its way:
``pre.json`` holds only ``mode`` and ``tag``; a pre mode release moves the changesets it used
from ``.changeset/`` to ``.changeset/pre/`` and leaves ``pre.json`` alone; a changeset under
``pre/`` is one already released in the mode, and leaving the mode counts and deletes those too.
A ``pre.json`` written by 2.x is converted when the release runs, as 3.x converts it on first
reading: the changesets it lists move to ``pre/`` and ``changesets`` and ``initialVersions``
leave the file. Without initial versions, a project's pre period counts from its current
version (a prerelease of the period included), to which the highest type of every changeset
naming it applies. The prerelease number is the one ``changeset version`` gives: one more than
the package's current number (the highest of its fixed or linked group's members, who share
the line), 0 from a final version, whether or not the target moved or the tag changed
(``1.1.0-beta.0`` and a ``major`` changeset give ``2.0.0-beta.1``; ``1.1.0-alpha.2`` under the
tag ``beta`` gives ``1.1.0-beta.3``).

Every change to ``pre.json`` and to the changeset files goes through the release's
:class:`~release_tools.release.files.FileTransaction`, so it is journaled, undone on failure and
listed by ``--dry-run`` with the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any, Literal

from release_tools.errors import PlanError, UsageError, VersionError
from release_tools.plans import CHANGESETS_DIR, VersionPlan, highest_type
from release_tools.plans.store import CHANGESETS_PRE_DIR, is_pre_changeset
from release_tools.release.files import FileTransaction
from release_tools.release.versions import ProjectRelease, compute_releases, version_groups
from release_tools.versioning.changesetsmajor import changesets_major_of
from release_tools.versioning.conventions import Conventions, current_version
from release_tools.versioning.manifestversions import Reader, read_manifest_version
from release_tools.versioning.projects import Project
from release_tools.versioning.semver import (
    ReleaseType,
    Scheme,
    Version,
    check_identifier,
    increment,
)

__all__ = [
    "LEAVE_MESSAGE",
    "PRE_PATH",
    "PreState",
    "apply_pre_mode",
    "changeset_id",
    "check_pre_options",
    "leaves_pre_mode",
    "left_without_releases",
    "pre_mode_versions",
    "read_pre_state",
    "stage_pre_mode",
]

PRE_PATH = f"{CHANGESETS_DIR}/pre.json"

PreMode = Literal["pre", "exit"]

# The final release type a prerelease type of an Nx plan stands for.
_BASE_TYPES: dict[str, ReleaseType] = {
    "premajor": "major",
    "preminor": "minor",
    "prepatch": "patch",
    "prerelease": "patch",
}


@dataclass(frozen=True, slots=True)
class PreState:
    """What ``.changeset/pre.json`` says; ``data`` keeps every key, to write it back whole.

    Under changesets 3 (``major``) ``initial_versions`` is empty, as 3.x keeps none, and
    ``changesets`` lists the ids a 2.x file named, which the release moves to ``pre/``."""

    mode: PreMode
    tag: str
    initial_versions: Mapping[str, str]
    changesets: tuple[str, ...]
    data: Mapping[str, Any] = field(default_factory=dict)
    #: The major of ``@changesets/cli`` whose pre mode the workspace keeps.
    major: int = 2

    def is_new(self, plan: VersionPlan) -> bool:
        """Whether ``plan`` is a changeset not yet released in this mode: neither listed in
        ``pre.json`` nor moved to ``.changeset/pre/``."""
        return (
            plan.format == "changesets"
            and not is_pre_changeset(plan.path)
            and changeset_id(plan) not in self.changesets
        )

    def deciding(self, plans: Sequence[VersionPlan]) -> list[VersionPlan]:
        """The plans that decide what is released: all in ``exit`` mode; in ``pre`` mode
        the Nx plans and the changesets not yet listed."""
        if self.mode == "exit":
            return list(plans)
        return [plan for plan in plans if plan.format == "nx" or self.is_new(plan)]


def changeset_id(plan: VersionPlan) -> str:
    """A changeset's id: its file name without ``.md``."""
    return PurePosixPath(plan.path).stem


def _bad(problem: str) -> PlanError:
    return PlanError(f"{PRE_PATH}: {problem}")


def read_pre_state(read: Reader) -> PreState | None:
    """The pre mode ``pre.json`` describes, None without the file; a malformed file is a
    one-line :class:`PlanError` naming it. Which changesets major keeps the mode is read
    through ``read`` too (the module docstring)."""
    text = read(PRE_PATH)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _bad(f"not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise _bad("expected a JSON object")
    mode = data.get("mode")
    if mode not in ("pre", "exit"):
        raise _bad(f"unknown mode {mode!r} (expected 'pre' or 'exit')")
    tag = data.get("tag")
    if not isinstance(tag, str) or not tag:
        raise _bad("no prerelease tag ('tag')")
    try:
        check_identifier(tag)
    except VersionError as exc:
        raise _bad(str(exc)) from exc
    initial = data.get("initialVersions", {})
    if not isinstance(initial, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in initial.items()
    ):
        raise _bad("'initialVersions' must map package names to versions")
    listed = data.get("changesets", [])
    if not isinstance(listed, list) or not all(isinstance(i, str) for i in listed):
        raise _bad("'changesets' must be a list of changeset ids")
    major = changesets_major_of(read).major
    if major >= 3:
        # changesets 3 drops the initial versions of a 2.x file unread.
        initial = {}
    return PreState(mode, tag, dict(initial), tuple(listed), data, major)


def check_pre_options(state: PreState, only: str | None) -> None:
    """Pre mode versions the whole workspace at once, as ``changeset version`` does: a
    release of one project would record changesets its siblings still need."""
    if only is not None:
        raise UsageError(
            f"{PRE_PATH}: changesets {state.mode} mode releases every package at once; "
            "run without --project"
        )


def _base(kind: ReleaseType) -> ReleaseType:
    return _BASE_TYPES.get(kind, kind)


def _scheme(project: Project) -> Scheme:
    return "pep440" if project.is_python else "semver"


def _parse(text: str | None) -> Version | None:
    if not text:
        return None
    try:
        return Version.parse(text)
    except VersionError:
        return None


def _currents(
    projects: Sequence[Project],
    releases: Sequence[ProjectRelease],
    read: Reader,
    conventions: Conventions,
) -> dict[str, Version | None]:
    """Every project's current version (the one its release moves from; None if unknown)."""
    previous = {r.project.name: r.previous for r in releases}
    out: dict[str, Version | None] = {}
    for project in projects:
        if project.name in previous:
            text = previous[project.name]
        else:
            latest = conventions.of(project.name).latest_tag
            manifest = read_manifest_version(project, read)
            text = current_version(manifest, latest, pep440=project.is_python).version
        out[project.name] = _parse(text)
    return out


def _moved(name: str, state: PreState, current: Version | None) -> bool:
    """Whether ``name`` got a prerelease in this pre period (it is one, and not the version
    the mode was entered with). An in-development version (``2.1.0.dev0``) is no release."""
    if current is None or not current.pre or current.in_development:
        return False
    return _parse(state.initial_versions.get(name)) != current


def _entry(name: str, state: PreState, current: Version | None) -> Version:
    """The version the project's pre period counts from: the one it entered with, or its
    current one when it entered later or was released outside the mode (by an Nx plan)."""
    text = state.initial_versions.get(name)
    if text is None:
        return current or Version(0, 0, 0)
    try:
        initial = Version.parse(text)
    except VersionError as exc:
        raise VersionError(f"{name}: {exc}") from exc
    if _released_outside(initial, current):
        return current or initial
    return initial


def _released_outside(initial: Version | None, current: Version | None) -> bool:
    """Whether a final release outside the mode (an Nx plan's) took the project past the
    version it entered with. Every changeset of the period already released for it went into
    that release: a pre mode release after it would have left a prerelease."""
    return initial is not None and current is not None and not current.pre and initial < current


def _change(entry: Version, final: Version) -> ReleaseType:
    if final.major != entry.major:
        return "major"
    return "minor" if final.minor != entry.minor else "patch"


def _final(
    project: Project, kind: ReleaseType, state: PreState, current: Version | None
) -> tuple[Version, ReleaseType]:
    """The final version ``kind`` takes ``project`` to in this pre period, and the release
    type that move amounts to. Never below a prerelease already made: a project released
    with its linked group, or whose changesets are gone, keeps the line it is on."""
    entry = _entry(project.name, state, current)
    try:
        final = increment(entry, _base(kind), scheme=_scheme(project)).finalize()
    except VersionError as exc:
        raise VersionError(f"{project.name}: {exc}") from exc
    if current is not None and current.pre and final < current.finalize():
        final = current.finalize()
        kind = highest_type([_base(kind), _change(entry, final)]) or kind
    return final, _base(kind)


def _numbered(final: Version, currents: Sequence[Version | None], tag: str) -> Version:
    """``final`` as the next prerelease under ``tag``, numbered as ``changeset version``
    numbers it (2.x and 3.x alike): one more than the highest number any of ``currents`` (the
    versions that share the line: the package and its fixed or linked group) carries as its
    second prerelease identifier (``2.0.0-beta.1`` -> 2, ``1.1.0-alpha.2`` -> 3), 0 when none
    is such a prerelease. The count goes on when the target moves or the tag changes: it is
    read from the versions alone."""
    number = 0
    for current in currents:
        if current is None or len(current.pre) < 2:
            continue
        count = current.pre[1]
        if isinstance(count, int) and not isinstance(count, bool):
            number = max(number, count + 1)
    return replace(final, pre=(tag, number))


def _highest(
    project: Project,
    release: ProjectRelease,
    plans: Sequence[VersionPlan],
    members: Mapping[str, Sequence[Project]],
) -> ReleaseType:
    """The release type over every plan naming the project (or a member of its version
    group), old changesets included, and the one the release was computed with."""
    names = [m.name for m in members.get(project.version_group or "", [])] or [project.name]
    kinds = [plan.type_for(name) for plan in plans for name in names]
    best = highest_type([release.release_type, *(k for k in kinds if k is not None)])
    return _base(best or release.release_type)


def _shipped(
    state: PreState, release: ProjectRelease, currents: Mapping[str, Version | None]
) -> bool:
    """Whether every plan of ``release`` is a changeset already released in the mode for a
    project that a release outside the mode has since taken past them."""
    name = release.project.name
    initial = _parse(state.initial_versions.get(name))
    return (
        bool(release.plans)
        and all(plan.format == "changesets" and not state.is_new(plan) for plan in release.plans)
        and _released_outside(initial, currents.get(name))
    )


def _kinds(
    state: PreState,
    releases: Sequence[ProjectRelease],
    plans: Sequence[VersionPlan],
    projects: Sequence[Project],
    currents: Mapping[str, Version | None],
) -> dict[str, ReleaseType]:
    """The release type of each release pre mode versions (not those of Nx plans alone, nor
    those :func:`_shipped` leaves out). A project that a release outside the mode took past
    its initial version counts from that release (:func:`_entry`), so the changesets already
    released in the mode, which it holds, no longer count."""
    members = version_groups(projects)
    kinds: dict[str, ReleaseType] = {}
    for release in releases:
        name = release.project.name
        nx_only = release.plans and all(plan.format == "nx" for plan in release.plans)
        if nx_only or _shipped(state, release, currents):
            continue
        counting, own = plans, release
        if _released_outside(_parse(state.initial_versions.get(name)), currents.get(name)):
            counting = [plan for plan in plans if plan.format == "nx" or state.is_new(plan)]
            # The type the release was computed with counts every changeset: its plans give
            # it again from those that still count (patch is the lowest they can give).
            own = replace(release, release_type="patch") if release.plans else release
        kinds[name] = _highest(release.project, own, counting, members)
    return kinds


def _lines(
    state: PreState,
    kinds: dict[str, ReleaseType],
    plans: Sequence[VersionPlan],
    projects: Sequence[Project],
    conventions: Conventions,
    currents: Mapping[str, Version | None],
) -> dict[str, list[str]]:
    """For each moving project that shares its version, the projects it shares it with.

    A version group's members share it. So do a linked group's members of the pre period:
    those released now, named by a changeset of the period or holding a prerelease of it;
    their moving members take the highest type over all of them (``kinds`` is raised in
    place). A linked member that did not move in the period keeps its own line, as a member
    released alone does outside pre mode.
    """
    lines: dict[str, list[str]] = {}
    for group_members in version_groups(projects).values():
        names = [m.name for m in group_members]
        lines.update((name, names) for name in names if name in kinds)
    by_name = {p.name: p for p in projects}
    for group in conventions.release_config.groups:
        if group.relationship != "linked":
            continue
        active = [
            name
            for name in group.members
            if name in by_name
            and by_name[name].version_group is None
            and (
                name in kinds
                or any(plan.type_for(name) for plan in plans if plan.format == "changesets")
                or _moved(name, state, currents.get(name))
            )
        ]
        if len(active) < 2 or not any(name in kinds for name in active):
            continue
        named = [kind for plan in plans for name in active if (kind := plan.type_for(name))]
        best = highest_type([*(kinds[n] for n in active if n in kinds), *map(_base, named)])
        for name in active:
            if name in kinds and best is not None:
                kinds[name] = _base(best)
                lines[name] = active
    return lines


def _finishing(
    state: PreState,
    releases: Sequence[ProjectRelease],
    projects: Sequence[Project],
    read: Reader,
    conventions: Conventions,
    currents: Mapping[str, Version | None],
) -> list[ProjectRelease]:
    """Leaving the mode: releases of the projects that got a prerelease in the pre period
    but that no plan releases now (a dependent released for its dependency, or a package
    whose changesets were deleted), as patches (their version is the prerelease's own,
    :func:`_final`). Ignored and unversioned private packages stay out, as always."""
    released = {r.project.name for r in releases}
    extra: dict[str, ReleaseType] = {
        p.name: "patch"
        for p in projects
        if p.name not in released and _moved(p.name, state, currents[p.name])
    }
    if not extra:
        return []
    finishing = compute_releases(projects, [], read=read, conventions=conventions, extra=extra)
    return [r for r in finishing if r.project.name not in released]


def apply_pre_mode(
    state: PreState,
    releases: Sequence[ProjectRelease],
    plans: Sequence[VersionPlan],
    projects: Sequence[Project],
    conventions: Conventions,
    read: Reader,
) -> list[ProjectRelease]:
    """``releases`` with the versions and tags of ``state``'s mode; those moved by Nx plans
    alone keep theirs. In ``exit`` mode the prereleases of the period no plan releases now
    are released too (:func:`_finishing`). Members of a fixed group, and linked members of
    the pre period, share the highest version any of them gets (:func:`_lines`)."""
    # The versions the releases move from; the same rule gives those of the others.
    currents = _currents(projects, releases, read, conventions)
    if state.mode == "exit":
        finishing = _finishing(state, releases, projects, read, conventions, currents)
        releases = [*releases, *finishing]
    by_name = {p.name: p for p in projects}
    kinds = _kinds(state, releases, plans, projects, currents)
    # Leaving the mode, a release asked for only by changesets that a release outside the
    # mode already shipped has nothing left to release.
    releases = [r for r in releases if r.project.name in kinds or not _shipped(state, r, currents)]
    lines = _lines(state, kinds, plans, projects, conventions, currents)
    out: list[ProjectRelease] = []
    for release in releases:
        name = release.project.name
        if name not in kinds:
            out.append(release)
            continue
        together = lines.get(name, [name])
        finals = {n: _final(by_name[n], kinds[name], state, currents[n]) for n in together}
        version = max(final for final, _ in finals.values())
        if state.mode == "pre":
            version = _numbered(version, [currents[n] for n in together], state.tag)
        rendered = version.render(_scheme(release.project))
        tag = conventions.of(name).tag_scheme.format(name, rendered)
        kind = finals[name][1]
        out.append(replace(release, version=rendered, tag=tag, release_type=kind))
    return out


def pre_mode_versions(
    state: PreState,
    plans: Sequence[VersionPlan],
    projects: Sequence[Project],
    conventions: Conventions,
    read: Reader,
) -> Callable[[Sequence[ProjectRelease]], list[ProjectRelease]]:
    """:func:`apply_pre_mode` for ``state``, to apply to each round of releases the
    dependents are decided from: a range must be judged against the prerelease its
    dependency receives (``^1.0.0`` does not admit ``1.1.0-beta.0``), not the final version."""

    def adjust(releases: Sequence[ProjectRelease]) -> list[ProjectRelease]:
        return apply_pre_mode(state, releases, plans, projects, conventions, read)

    return adjust


def leaves_pre_mode(state: PreState | None) -> bool:
    """Whether the release leaves pre mode, so it commits even with nothing to release."""
    return state is not None and state.mode == "exit"


#: The commit of a release that leaves pre mode without releasing anything.
LEAVE_MESSAGE = "chore: leave changesets pre mode"


def left_without_releases() -> str:
    """What a release that leaves pre mode without releasing anything does."""
    return (
        "changesets pre mode left: no package has a prerelease of the pre period to finish; "
        f"the commit only removes {PRE_PATH}"
    )


def _joined(
    state: PreState,
    releases: Sequence[ProjectRelease],
    projects: Sequence[Project],
    read: Reader,
) -> dict[str, str]:
    """The npm packages ``initialVersions`` does not list yet (they joined the workspace in the
    mode), with the version each has before this release: changesets records every package of
    the workspace it versions in pre mode, so a later release counts from that version and
    leaving the mode knows the package moved in the period."""
    previous = {r.project.name: r.previous for r in releases}
    out: dict[str, str] = {}
    for project in projects:
        name = project.name
        if project.manifest_kind != "package.json" or name in state.initial_versions:
            continue
        if name in previous:
            version = previous[name]
        else:
            try:
                version = read_manifest_version(project, read)
            except VersionError:
                # An unreleased package's version is its own business; it is not recorded.
                continue
        if version:
            out[name] = version
    return out


def stage_pre_mode(
    txn: FileTransaction,
    state: PreState,
    plans: Sequence[VersionPlan],
    releases: Sequence[ProjectRelease],
    projects: Sequence[Project],
) -> None:
    """Record the release in ``pre.json`` (``pre`` mode): the changesets it used and the
    packages that joined the workspace in the mode (:func:`_joined`); or delete every
    changeset and ``pre.json`` (``exit`` mode). ``txn`` may already hold the release's
    manifests: a released package's version before it is the release's ``previous``.
    Under changesets 3 the changesets used move to ``.changeset/pre/`` instead
    (:func:`_stage_pre_folder`)."""
    if state.mode == "exit":
        for plan in plans:
            if plan.format == "changesets":
                txn.delete(plan.path, "changeset released by leaving pre mode")
        txn.delete(PRE_PATH, "changesets pre mode left")
        return
    used = {plan.path for release in releases for plan in release.plans}
    if state.major >= 3:
        _stage_pre_folder(txn, state, [p for p in plans if state.is_new(p) and p.path in used])
        return
    new = [changeset_id(plan) for plan in plans if state.is_new(plan) and plan.path in used]
    joined = _joined(state, releases, projects, txn.read)
    if not new and not joined:
        return
    data = dict(state.data)
    data["changesets"] = [*state.changesets, *new]
    data["initialVersions"] = {**state.initial_versions, **joined}
    what = [f"released {', '.join(new)}"] if new else []
    if joined:
        what.append(f"initial versions of {', '.join(joined)}")
    txn.write(
        PRE_PATH,
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        f"changesets pre mode: {'; '.join(what)}",
    )


def _move_to_pre(txn: FileTransaction, path: str, reason: str) -> None:
    text = txn.read(path)
    if text is None:
        return
    txn.delete(path, reason)
    txn.write(f"{CHANGESETS_PRE_DIR}/{PurePosixPath(path).name}", text, reason)


def _stage_pre_folder(txn: FileTransaction, state: PreState, used: Sequence[VersionPlan]) -> None:
    """changesets 3's record of a pre mode release: the changesets ``used`` move to
    ``.changeset/pre/``; ``pre.json`` is left alone unless it is a 2.x file, whose listed
    changesets move there too and whose ``changesets`` and ``initialVersions`` are dropped."""
    for plan in used:
        _move_to_pre(txn, plan.path, "changeset released in pre mode")
    if "changesets" not in state.data and "initialVersions" not in state.data:
        return
    for listed in state.changesets:
        # An id may name a changeset deleted since; changesets passes over it too.
        _move_to_pre(txn, f"{CHANGESETS_DIR}/{listed}.md", "changeset released in pre mode")
    data = {k: v for k, v in state.data.items() if k not in ("changesets", "initialVersions")}
    txn.write(
        PRE_PATH,
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        "changesets pre mode: pre.json converted to changesets 3's form",
    )
