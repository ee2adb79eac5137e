"""From pending plans to one new version (and tag) per project.

Each project named by a pending plan takes the highest release type its plans ask for
(``major`` > ``premajor`` > ``minor`` > ``preminor`` > ``patch`` > ``prepatch`` >
``prerelease``, as Nx does). The current version is read from the manifest, else from the
project's latest release tag, else the project has never been released and starts at 0.0.0.
Python projects spell the result the PEP 440 way (``1.3.0rc1``).

Version groups: projects that share one version number (the crates of a Cargo workspace that
inherit ``[workspace.package] version``) are released together or not at all. When a plan names
any member, the whole group is released: its release type is the highest one the plans give any
member, the new version is computed once from the shared number, and every member gets it,
with its own tag and changelog section (members without a plan of their own get a "version bump
only" entry). Asking for one member with ``--project`` releases its group.
"""

from __future__ import annotations

import json
import logging
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from release_tools.errors import ConfigError, UsageError, VersionError
from release_tools.git import Git
from release_tools.plans import VersionPlan, highest_type
from release_tools.versioning.manifests import Reader, read_manifest_version
from release_tools.versioning.projects import Project, discover_projects
from release_tools.versioning.semver import ReleaseType, Scheme, Version, increment
from release_tools.versioning.tags import find_release_tags, latest_release_tag

__all__ = [
    "ProjectRelease",
    "compute_releases",
    "find_projects",
    "format_tag",
    "is_workspace",
    "version_groups",
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


def _current(
    project: Project,
    read: Reader,
    git: Git,
    *,
    tag_pattern: str,
    workspace: bool,
    root_name: str | None,
) -> str | None:
    manifest = read_manifest_version(project, read)
    if manifest:
        return manifest
    tags = find_release_tags(git, "HEAD", tag_pattern) if git.has_commits() else []
    latest = latest_release_tag(
        tags, project=project.name if workspace else None, root_name=root_name
    )
    if latest is not None:
        log.info("%s: version from tag %s", project.name, latest.tag)
        return latest.version.render(_scheme(project))
    return None


def _planned_types(
    projects: Sequence[Project], plans: Sequence[VersionPlan]
) -> dict[str, ReleaseType]:
    """The highest release type the plans give each project, group members raised together."""
    types: dict[str, ReleaseType] = {}
    for project in projects:
        kind = highest_type(
            kind for plan in plans if (kind := plan.type_for(project.name)) is not None
        )
        if kind is not None:
            types[project.name] = kind
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


def compute_releases(
    projects: Sequence[Project],
    plans: Sequence[VersionPlan],
    *,
    read: Reader,
    git: Git,
    tag_pattern: str,
    tag_format: str | None,
    only: str | None = None,
    preid: str = "rc",
) -> list[ProjectRelease]:
    """One :class:`ProjectRelease` per project named by a plan or in a planned version group
    (restricted to ``only`` and its group)."""
    workspace = is_workspace(projects)
    root_name = next((p.name for p in projects if p.path in (".", "")), None)
    types = _planned_types(projects, plans)
    selected = _selected(projects, only)
    groups = version_groups(projects)
    # One version per group, computed from the first member and shared by all.
    group_versions: dict[str, tuple[str | None, str]] = {}
    releases: list[ProjectRelease] = []
    for project in projects:
        release_type = types.get(project.name)
        if release_type is None or project.name not in selected:
            continue
        consumed = tuple(plan for plan in plans if plan.type_for(project.name) is not None)
        group_key = project.version_group
        if group_key is not None and group_key in group_versions:
            previous, version = group_versions[group_key]
        else:
            previous, version = _next_version(
                project,
                release_type,
                read,
                git,
                preid=preid,
                tag_pattern=tag_pattern,
                workspace=workspace,
                root_name=root_name,
            )
            if group_key is not None:
                group_versions[group_key] = (previous, version)
        members = groups.get(group_key, []) if group_key is not None else []
        releases.append(
            ProjectRelease(
                project=project,
                release_type=release_type,
                previous=previous,
                version=version,
                tag=format_tag(tag_format, project, version, workspace=workspace),
                plans=consumed,
                group=tuple(sorted(m.name for m in members if m.name != project.name)),
            )
        )
    return releases


def _next_version(
    project: Project,
    release_type: ReleaseType,
    read: Reader,
    git: Git,
    *,
    preid: str,
    tag_pattern: str,
    workspace: bool,
    root_name: str | None,
) -> tuple[str | None, str]:
    """``project``'s current version (None if never released) and the next one."""
    scheme = _scheme(project)
    pre = release_type.startswith("pre")
    if pre and scheme == "pep440" and preid.lower() not in _PEP440_IDENTIFIERS:
        raise UsageError(
            f"{project.name} is a Python project: the prerelease identifier must be "
            f"alpha, beta or rc, not {preid!r}"
        )
    previous = _current(
        project, read, git, tag_pattern=tag_pattern, workspace=workspace, root_name=root_name
    )
    try:
        current = Version.parse(previous) if previous else Version(0, 0, 0)
    except VersionError as exc:
        raise VersionError(f"{project.manifest}: {exc}") from exc
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
    return previous, new.render(scheme)
