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
(``1.1.0-beta.0`` -> ``1.1.0-beta.1``) only while the target and the tag stay the same. The new
ids are then added to ``pre.json``.

In ``exit`` mode every changeset present counts; the versions are final (the initial version
bumped by the highest type), every changeset file is deleted and ``pre.json`` removed.

Every change to ``pre.json`` and to the changeset files goes through the release's
:class:`~release_tools.release.files.FileTransaction`, so it is journaled, undone on failure and
listed by ``--dry-run`` with the rest.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any, Literal

from release_tools.errors import PlanError, UsageError, VersionError
from release_tools.plans import CHANGESETS_DIR, VersionPlan, highest_type
from release_tools.release.files import FileTransaction
from release_tools.release.versions import ProjectRelease, version_groups
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.manifestversions import Reader
from release_tools.versioning.projects import Project
from release_tools.versioning.semver import (
    ReleaseType,
    Scheme,
    Version,
    check_identifier,
    increment,
)

__all__ = [
    "PRE_PATH",
    "PreState",
    "apply_pre_mode",
    "changeset_id",
    "check_pre_options",
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
    """What ``.changeset/pre.json`` says; ``data`` keeps every key, to write it back whole."""

    mode: PreMode
    tag: str
    initial_versions: Mapping[str, str]
    changesets: tuple[str, ...]
    data: Mapping[str, Any] = field(default_factory=dict)

    def is_new(self, plan: VersionPlan) -> bool:
        """Whether ``plan`` is a changeset not yet released in this mode."""
        return plan.format == "changesets" and changeset_id(plan) not in self.changesets

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
    one-line :class:`PlanError` naming it."""
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
    return PreState(mode, tag, dict(initial), tuple(listed), data)


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


def _target(release: ProjectRelease, kind: ReleaseType, state: PreState, scheme: Scheme) -> Version:
    """The version ``release``'s project moves to under ``state`` for ``kind``."""
    name = release.project.name
    initial_text = state.initial_versions.get(name) or release.previous or "0.0.0"
    try:
        initial = Version.parse(initial_text)
        final = increment(initial, _base(kind), scheme=scheme).finalize()
    except VersionError as exc:
        raise VersionError(f"{name}: {exc}") from exc
    if state.mode == "exit":
        return final
    number = 0
    try:
        current = Version.parse(release.previous) if release.previous else None
    except VersionError:
        current = None
    if current is not None and current.core == final.core and len(current.pre) == 2:
        count = current.pre[1]
        # The same tag, whatever the spelling (PEP 440 writes ``beta`` as ``b``).
        same = replace(final, pre=(state.tag, count)).render(scheme) == current.render(scheme)
        if isinstance(count, int) and same:
            number = count + 1
    return replace(final, pre=(state.tag, number))


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


def apply_pre_mode(
    state: PreState,
    releases: Sequence[ProjectRelease],
    plans: Sequence[VersionPlan],
    projects: Sequence[Project],
    conventions: Conventions,
) -> list[ProjectRelease]:
    """``releases`` with the versions and tags of ``state``'s mode; those moved by Nx plans
    alone keep theirs. Members of a fixed group, and linked members released together, share
    the highest version any of them gets."""
    members = version_groups(projects)
    released = {r.project.name for r in releases}
    shared_key: dict[str, str] = {}
    for group in conventions.release_config.groups:
        together = [m for m in group.members if m in released]
        if group.relationship == "linked" and len(together) > 1:
            shared_key.update(dict.fromkeys(together, f"linked:{group.name}"))
    targets: dict[str, Version] = {}
    kinds: dict[str, ReleaseType] = {}
    for release in releases:
        project = release.project
        if release.plans and all(plan.format == "nx" for plan in release.plans):
            continue
        kind = _highest(project, release, plans, members)
        kinds[project.name] = kind
        targets[project.name] = _target(release, kind, state, _scheme(project))
        if project.version_group is not None:
            shared_key[project.name] = project.version_group
    best: dict[str, Version] = {}
    for name, version in targets.items():
        key = shared_key.get(name)
        if key is not None and (key not in best or best[key] < version):
            best[key] = version
    out: list[ProjectRelease] = []
    for release in releases:
        name = release.project.name
        if name not in targets:
            out.append(release)
            continue
        key = shared_key.get(name)
        version = best[key] if key is not None and key in best else targets[name]
        rendered = version.render(_scheme(release.project))
        tag = conventions.of(name).tag_scheme.format(name, rendered)
        out.append(replace(release, version=rendered, tag=tag, release_type=kinds[name]))
    return out


def stage_pre_mode(
    txn: FileTransaction,
    state: PreState,
    plans: Sequence[VersionPlan],
    releases: Sequence[ProjectRelease],
) -> None:
    """Record the release in ``pre.json`` (``pre`` mode), or delete every changeset and
    ``pre.json`` (``exit`` mode)."""
    if state.mode == "exit":
        for plan in plans:
            if plan.format == "changesets":
                txn.delete(plan.path, "changeset released by leaving pre mode")
        txn.delete(PRE_PATH, "changesets pre mode left")
        return
    used = {plan.path for release in releases for plan in release.plans}
    new = [changeset_id(plan) for plan in plans if state.is_new(plan) and plan.path in used]
    if not new:
        return
    data = dict(state.data)
    data["changesets"] = [*state.changesets, *new]
    txn.write(
        PRE_PATH,
        json.dumps(data, indent=2, ensure_ascii=False) + "\n",
        f"changesets pre mode: released {', '.join(new)}",
    )
