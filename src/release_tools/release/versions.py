"""From pending plans to one new version (and tag) per project.

Each project named by a pending plan (directly, through ``__default__`` or through a release
group's name) takes the highest release type its plans ask for (``major`` > ``premajor`` >
``minor`` > ``preminor`` > ``patch`` > ``prepatch`` > ``prerelease``, as Nx does). The current
version follows the one rule of :func:`~release_tools.versioning.conventions.current_version`
(the manifest's version unless the project's latest release tag is higher; never released:
0.0.0), so an in-development ``8.5.0.dev`` is released as ``8.5.0``. The tag is written in the
project's tag scheme, configured or inferred from its existing tags. Python projects spell the
result the PEP 440 way (``1.3.0rc1``).

Workspace configuration (``nx.json``, ``.changeset/config.json``): fixed groups are version
groups; members of a linked group released together take the highest type any of them asks for
and move to one version, the highest of theirs bumped by it (changesets' ``linked``);
ignored packages are never released, nor private ones when ``privatePackages.version`` is false;
private ones are tagged only when ``privatePackages.tag`` is true (see
:mod:`~release_tools.versioning.releaseconfig`). As ``changeset version`` does, a changeset that
names such a package together with one that is released is refused
(:func:`refuse_mixed_changesets`), and so is a configuration in which a released package depends
on one never released (``WorkspaceReleaseConfig.check_skipped_dependencies``): :func:`held_back`
checks both before anything is written.

Calendar-versioned projects (:mod:`~release_tools.release.calendars`) take the calendar's
version on the release date for their plans' type
(:func:`~release_tools.versioning.calver.calendar_version`); a prerelease type is refused, as
a calendar version has no prerelease of its own.

Go modules keep no version in their ``go.mod``: their current version is their latest tag in
Go's scheme, and a release whose major their module path does not name (``2.0.0`` of
``example.com/m``, which Go imports only as ``example.com/m/v2``) is refused before anything is
written (:func:`go_path_refusals`). A module never released whose path names major N (a new
``v2/`` module) starts at N.0.0: Go would take no lower version of that path.

Version groups: projects that share one version number (the crates of a Cargo workspace that
inherit ``[workspace.package] version``) are released together or not at all. When a plan names
any member, the whole group is released: its release type is the highest one the plans give any
member, the new version is computed once from the shared number, and every member gets it,
with its own tag and changelog section (members without a plan of their own get a "version bump
only" entry). Asking for one member with ``--project`` releases its group. A group that mixes
ecosystems (an Nx fixed group of a Python and an npm project) shares the version, not its
spelling: each member writes it in its own scheme (``1.1.0rc0`` in ``pyproject.toml``,
``1.1.0-rc.0`` in ``package.json``), and a tag without the project's name, which the group
shares, takes the spelling of the member the version was computed from. A prerelease
identifier PEP 440 cannot spell (``next``) is refused for any group with a Python member.
"""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from release_tools.errors import ConfigError, UsageError, VersionError
from release_tools.git import Git
from release_tools.plans import VersionPlan, highest_type
from release_tools.plans.mixed import refuse_mixed_changesets
from release_tools.release.calendars import ReleaseCalendar
from release_tools.versioning.bump import Bump
from release_tools.versioning.calver import calendar_version
from release_tools.versioning.conventions import Conventions, current_version
from release_tools.versioning.gomod import major_problem, module_path
from release_tools.versioning.manifestversions import Reader, keeps_version, read_manifest_version
from release_tools.versioning.projects import Project, discover_projects
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig
from release_tools.versioning.semver import ReleaseType, Scheme, Version, increment

__all__ = [
    "ProjectRelease",
    "compute_releases",
    "find_projects",
    "format_tag",
    "go_path_refusals",
    "held_back",
    "is_workspace",
    "refuse_mixed_changesets",
    "tag_only_refusals",
    "version_groups",
    "with_fixed_groups",
]

log = logging.getLogger(__name__)

# PEP 440 knows only these prerelease labels (a, b, rc); other identifiers cannot be spelled.
_PEP440_IDENTIFIERS = frozenset({"a", "alpha", "b", "beta", "c", "rc", "pre", "preview"})


@dataclass(frozen=True, slots=True)
class ProjectRelease:
    """What releasing one project means: old and new version, tag and consumed plans."""

    project: Project
    release_type: ReleaseType
    previous: str | None
    version: str
    tag: str
    plans: tuple[VersionPlan, ...]
    #: The other members of this project's version group released with it (sorted names).
    group: tuple[str, ...] = ()
    #: Released only because its requirements on these released siblings were rewritten.
    dependency_only: tuple[str, ...] = ()
    #: Whether :attr:`tag` is created; a private project's release may be untagged.
    tagged: bool = True

    @property
    def publishable(self) -> bool:
        """Whether the publish command runs for it: never for a private project."""
        return not self.project.private


_MANIFEST_NAMES = frozenset(
    {"package.json", "project.json", "nx.json", "Cargo.toml", "pyproject.toml"}
)


def find_projects(git: Git, root: Path) -> list[Project]:
    """The repository's projects; a manifest nested too deeply to parse is named in a
    one-line :class:`VersionError` instead of surfacing as a RecursionError."""
    try:
        return discover_projects(root)
    except RecursionError as exc:
        culprit = _too_deep_manifest(git, root) or "a manifest"
        raise VersionError(
            f"{culprit}: nested too deeply to be read (more levels than Python's recursion limit)"
        ) from exc


def _too_deep_manifest(git: Git, root: Path) -> str | None:
    """The first manifest whose parser runs out of recursion (only looked for after a failure)."""
    out = git.run_bytes("ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in sorted(p for p in out.decode("utf-8", "replace").split("\0") if p):
        if PurePosixPath(rel).name not in _MANIFEST_NAMES:
            continue
        try:
            text = (root / rel).read_text(encoding="utf-8")
            if rel.endswith(".json"):
                json.loads(text)
            else:
                tomllib.loads(text)
        except RecursionError:
            return rel
        except (OSError, ValueError):  # unreadable or broken: not this problem
            continue
    return None


def is_workspace(projects: Sequence[Project]) -> bool:
    """Whether tags carry the project name (more than one project, or a non-root one)."""
    return len(projects) > 1 or any(p.path not in (".", "") for p in projects)


def format_tag(tag_format: str | None, project: Project, version: str, *, workspace: bool) -> str:
    """The release tag: ``tag_format`` with ``{name}``/``{version}``, else the default style."""
    template = tag_format or ("{name}@{version}" if workspace else "v{version}")
    if "{version}" not in template:
        raise ConfigError(f"tag_format must contain '{{version}}': {template!r}")
    try:
        return template.format(name=project.name, version=version)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"tag_format: unknown placeholder in {template!r}: {exc}") from exc


def _scheme(project: Project) -> Scheme:
    return "pep440" if project.is_python else "semver"


def _current(project: Project, read: Reader, conventions: Conventions) -> str | None:
    found = current_version(
        read_manifest_version(project, read),
        conventions.of(project.name).latest_tag,
        pep440=project.is_python,
    )
    if found.source == "tag":
        log.info("%s: version from tag %s", project.name, found.version)
    return found.version


def with_fixed_groups(projects: Sequence[Project], config: WorkspaceReleaseConfig) -> list[Project]:
    """``projects`` with the members of each configured fixed group in one version group."""
    out: list[Project] = []
    for project in projects:
        group = config.group_of(project.name)
        fixed = group is not None and group.relationship == "fixed" and len(group.members) > 1
        if fixed and group is not None and project.version_group is None:
            project = replace(project, version_group=f"fixed:{group.name}")
        out.append(project)
    return out


def _planned_types(
    projects: Sequence[Project],
    plans: Sequence[VersionPlan],
    config: WorkspaceReleaseConfig | None = None,
    extra: Mapping[str, ReleaseType] | None = None,
    selected: set[str] | None = None,
) -> dict[str, ReleaseType]:
    """The highest release type the plans give each project, group members raised together
    (a linked group's only among the ``selected`` members: one released alone keeps its own)."""
    types: dict[str, ReleaseType] = {}
    for project in projects:
        kind = highest_type(
            kind for plan in plans if (kind := plan.type_for(project.name)) is not None
        )
        if kind is not None:
            types[project.name] = kind
    for name, kind in (extra or {}).items():
        best = highest_type([kind, *([types[name]] if name in types else [])])
        if best is not None:
            types[name] = best
    if config is not None:
        for project in projects:
            reason = config.held_back(project)
            if reason is not None and types.pop(project.name, None) is not None:
                log.info("%s is %s: not released", project.name, reason)
        for group in config.groups:
            if group.relationship != "linked":
                continue
            together = [
                m for m in group.members if m in types and (selected is None or m in selected)
            ]
            linked = highest_type(types[m] for m in together)
            for name in together:
                if linked is not None:
                    types[name] = linked
    for members in version_groups(projects).values():
        kind = highest_type(types[m.name] for m in members if m.name in types)
        if kind is None:
            continue
        for member in members:
            types[member.name] = kind
    return types


def version_groups(projects: Sequence[Project]) -> dict[str, list[Project]]:
    """Projects that share one version, by group (see the module docstring)."""
    groups: dict[str, list[Project]] = {}
    for project in projects:
        if project.version_group is not None:
            groups.setdefault(project.version_group, []).append(project)
    return groups


def _selected(projects: Sequence[Project], only: str | None) -> set[str]:
    if only is None:
        return {p.name for p in projects}
    group = next((p.version_group for p in projects if p.name == only), None)
    return {p.name for p in projects if p.name == only or (group and p.version_group == group)}


def _linked_versions(
    projects: Sequence[Project],
    types: Mapping[str, ReleaseType],
    selected: set[str],
    read: Reader,
    conventions: Conventions,
    preid: str,
    calendar: ReleaseCalendar | None = None,
) -> dict[str, Version]:
    """The one version the members of each linked group released together move to, by
    member: the highest current version among them, bumped by the highest type (changesets'
    ``linked``); a member released alone keeps its own line."""
    config = conventions.release_config
    shared: dict[str, Version] = {}
    for group in config.groups:
        if group.relationship != "linked":
            continue
        members = [
            p
            for p in projects
            if p.name in group.members
            and p.name in types
            and p.name in selected
            and p.version_group is None
        ]
        if len(members) < 2:
            continue
        # The same type for all (raised together above): bumping is monotone in the version,
        # so the highest result is the highest current version bumped.
        best = max(
            _next_version(m, types[m.name], read, conventions, preid=preid, calendar=calendar)[1]
            for m in members
        )
        shared.update(dict.fromkeys((m.name for m in members), best))
    return shared


def compute_releases(
    projects: Sequence[Project],
    plans: Sequence[VersionPlan],
    *,
    read: Reader,
    conventions: Conventions,
    only: str | None = None,
    preid: str = "rc",
    extra: Mapping[str, ReleaseType] | None = None,
    calendar: ReleaseCalendar | None = None,
) -> list[ProjectRelease]:
    """One :class:`ProjectRelease` per project named by a plan or in a planned version group
    (restricted to ``only`` and its group). ``extra`` adds release types the plans do not
    give (dependents released because their requirements move). ``calendar`` says which
    projects take calendar versions, and the date (None: every project is semantic)."""
    config = conventions.release_config
    selected = _selected(projects, only)
    types = _planned_types(projects, plans, config, extra, selected)
    for project in projects:
        if config.held_back(project) is not None:
            types.pop(project.name, None)
    groups = version_groups(projects)
    linked = _linked_versions(projects, types, selected, read, conventions, preid, calendar)
    # One version per group, computed from its lead and shared by all, with the lead's scheme
    # (which spells the group's shared tag).
    group_versions: dict[str, tuple[str | None, Version, Scheme]] = {}
    releases: list[ProjectRelease] = []
    for project in projects:
        release_type = types.get(project.name)
        if release_type is None or project.name not in selected:
            continue
        consumed = tuple(plan for plan in plans if plan.type_for(project.name) is not None)
        group_key = project.version_group
        if project.name in linked:
            previous, new = _current(project, read, conventions), linked[project.name]
            lead_scheme = _scheme(project)
        elif group_key is not None and group_key in group_versions:
            previous, new, lead_scheme = group_versions[group_key]
        else:
            # The member furthest ahead leads, so a fixed group never moves backwards.
            lead = _lead(groups[group_key], read, conventions) if group_key else project
            if group_key is not None and release_type.startswith("pre"):
                for member in groups[group_key]:
                    _check_preid(member, preid)
            previous, new = _next_version(
                lead, release_type, read, conventions, preid=preid, calendar=calendar
            )
            lead_scheme = _scheme(lead)
            if group_key is not None:
                group_versions[group_key] = (previous, new, lead_scheme)
        if group_key is not None:
            # Each member reports the version it moves from, which a fixed group's laggards
            # (a package added to the group later) may not share.
            previous = _current(project, read, conventions)
        version = new.render(_scheme(project))
        tag_scheme = conventions.of(project.name).tag_scheme
        # A tag without the name is the group's one tag: every member must spell it alike.
        tag_version = version if tag_scheme.named else new.render(lead_scheme)
        members = groups.get(group_key, []) if group_key is not None else []
        releases.append(
            ProjectRelease(
                project=project,
                release_type=release_type,
                previous=previous,
                version=version,
                tag=tag_scheme.format(project.name, tag_version),
                plans=consumed,
                group=tuple(sorted(m.name for m in members if m.name != project.name)),
                tagged=config.tags(project),
            )
        )
    return releases


def go_path_refusals(releases: Sequence[ProjectRelease], read: Reader) -> list[str]:
    """One line for each Go module that ``releases`` would take to a major its module path
    does not name, saying what to change (the path is read from its ``go.mod`` now)."""
    lines: list[str] = []
    for release in releases:
        project = release.project
        if project.manifest_kind != "go.mod":
            continue
        text = read(project.manifest)
        module = module_path(text, source=project.manifest) if text is not None else None
        if module is None:
            raise VersionError(f"{project.manifest}: no module line")
        problem = major_problem(module, release.version, project.manifest, directory=project.path)
        if problem is not None:
            lines.append(problem)
    return lines


def tag_only_refusals(
    releases: Sequence[ProjectRelease],
    read: Reader,
    *,
    tagging: bool,
    reason: str = "--no-tag",
    version_variables: Sequence[str] = (),
) -> list[str]:
    """One line for each of ``releases`` that gets no tag although the tag is the only place
    its version is kept (:func:`~release_tools.versioning.manifestversions.keeps_version`): the next
    release would find the old version again and repeat this one. ``tagging`` is False when
    the release creates no tags at all (``reason`` says why)."""
    lines: list[str] = []
    for release in releases:
        if tagging and release.tagged:
            continue
        if keeps_version(release.project, read, version_variables):
            continue
        why = reason if not tagging else "private packages are not tagged"
        lines.append(
            f"{release.project.name} keeps its version only in its tags: a release without "
            f"a tag ({why}) would repeat {release.version}; give {release.project.manifest} "
            "a version or release with a tag"
        )
    return lines


def held_back(
    projects: Sequence[Project],
    plans: Sequence[VersionPlan],
    config: WorkspaceReleaseConfig,
    only: str | None = None,
) -> list[str]:
    """One line for each project a pending plan names that the configuration keeps from
    being released, with the reason; ignored packages are left out (their plans stay pending
    without a word, as changesets leaves them).

    What changesets refuses about such projects is refused here, before the release writes
    anything, whatever ``only`` selects: a configuration in which a released package depends
    on one never released (:class:`ConfigError`), and a changeset mixing both kinds
    (:func:`refuse_mixed_changesets`, :class:`PlanError`)."""
    config.check_skipped_dependencies()
    refuse_mixed_changesets(projects, plans, config)
    selected = _selected(projects, only)
    lines = []
    for project in projects:
        reason = config.held_back(project)
        if reason is None or project.name in config.ignored or project.name not in selected:
            continue
        if any(plan.type_for(project.name) is not None for plan in plans):
            lines.append(f"no release of {project.name} ({reason}; its plans stay pending)")
    return lines


def _lead(members: Sequence[Project], read: Reader, conventions: Conventions) -> Project:
    def key(project: Project) -> Version:
        try:
            return Version.parse(_current(project, read, conventions) or "0.0.0")
        except VersionError:
            return Version(0, 0, 0)

    return max(members, key=key)


def _check_preid(project: Project, preid: str) -> None:
    """UsageError when ``project``'s scheme cannot spell a prerelease named ``preid``."""
    if _scheme(project) == "pep440" and preid.lower() not in _PEP440_IDENTIFIERS:
        raise UsageError(
            f"{project.name} is a Python project: the prerelease identifier must be "
            f"alpha, beta or rc, not {preid!r}"
        )


def _next_version(
    project: Project,
    release_type: ReleaseType,
    read: Reader,
    conventions: Conventions,
    *,
    preid: str,
    calendar: ReleaseCalendar | None = None,
) -> tuple[str | None, Version]:
    """``project``'s current version (None if never released) and the next one."""
    scheme = _scheme(project)
    pre = release_type.startswith("pre")
    dated = calendar.of(project.name) if calendar is not None else None
    if dated is not None and pre:
        raise VersionError(
            f"{project.name} uses calendar versioning ({dated.format}): a calendar version has "
            f"no prerelease, so a {release_type} plan cannot be released; ask for major, "
            "minor or patch"
        )
    if pre:
        _check_preid(project, preid)
    previous = _current(project, read, conventions)
    try:
        current = Version.parse(previous) if previous else Version(0, 0, 0)
    except VersionError as exc:
        raise VersionError(f"{project.manifest}: {exc}") from exc
    if dated is not None and calendar is not None:
        known = current if previous else None
        try:
            return previous, calendar_version(
                known, Bump[release_type.upper()], dated, calendar.today
            )
        except VersionError as exc:
            raise VersionError(f"{project.name}: {exc}") from exc
    first_major = conventions.of(project.name).first_major if previous is None else None
    if first_major is not None:
        # Whatever the plan's type: below N.0.0 the path could not be fetched at all.
        start = Version(first_major, 0, 0)
        if pre:
            start = Version(first_major, 0, 0, (preid, 1 if scheme == "pep440" else 0))
        return previous, start
    try:
        new = increment(
            current,
            release_type,
            identifier=preid,
            first=1 if scheme == "pep440" else 0,
            scheme=scheme,
        )
    except VersionError as exc:
        raise VersionError(f"{project.name}: {exc}") from exc
    return previous, new
