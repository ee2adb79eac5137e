"""A repository's conventions, as configured or inferred: one answer for every command.

For each project: its tag scheme (:mod:`~release_tools.versioning.tagscheme`), its changelog
file and style (:mod:`~release_tools.versioning.changelogfile`), the latest release tag under
that scheme, and the current version by the one rule every command applies
(:func:`current_version`). ``analyze``, ``plan-check``, ``release`` and ``projects`` all build
their view through :func:`read_conventions`, so they cannot disagree on where a project's
history starts or what version it is at.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.errors import VersionError
from release_tools.git import Git
from release_tools.versioning.changelogfile import ChangelogFile, find_changelog
from release_tools.versioning.gomod import first_major, read_module_path
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig, read_release_config
from release_tools.versioning.semver import Version
from release_tools.versioning.tags import (
    ReleaseTag,
    latest_release_tag,
    merged_tag_names,
    parse_release_tags,
    unless_superseded,
)
from release_tools.versioning.tagscheme import (
    TagScheme,
    go_tag_scheme,
    infer_tag_scheme,
    latest_scheme_tag,
    scheme_tags,
)

__all__ = [
    "Conventions",
    "CurrentVersion",
    "ProjectConventions",
    "current_version",
    "pattern_tags",
    "project_latest_tag",
    "read_conventions",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CurrentVersion:
    """A project's current version as it writes it, and where it was read."""

    version: str | None
    source: Literal["manifest", "tag", "none"]


def current_version(
    manifest: str | None, tag: ReleaseTag | None, *, pep440: bool
) -> CurrentVersion:
    """The one current-version rule.

    The manifest's version, the one the project ships: an in-development version there
    (``8.5.0.dev``, ``2.0.0-SNAPSHOT``) says which release comes next. The latest release tag's
    when the manifest has no static version, an unreadable one, or the ``0.0.0`` placeholder
    of workspaces that keep versions only in tags. Neither: never released. A manifest behind
    an existing tag stays the current version, so releasing it again is refused as an existing
    tag instead of silently skipping a number.
    """
    manifest_version: Version | None = None
    if manifest:
        try:
            manifest_version = Version.parse(manifest)
        except VersionError:
            if tag is None:
                # Reported by whoever needs a number (release says which manifest is wrong).
                return CurrentVersion(manifest, "manifest")
    placeholder = manifest_version is not None and manifest_version == Version(0, 0, 0)
    if tag is not None and (manifest_version is None or placeholder):
        return CurrentVersion(tag.version.render("pep440" if pep440 else "semver"), "tag")
    if manifest:
        return CurrentVersion(manifest, "manifest")
    return CurrentVersion(None, "none")


@dataclass(frozen=True, slots=True)
class ProjectConventions:
    """One project's tag scheme, latest release tag and changelog."""

    project: Project
    tag_scheme: TagScheme
    latest_tag: ReleaseTag | None
    changelog: ChangelogFile
    #: The major a never-released project's first release makes when its Go module path names
    #: one above 1 (``/v3``: 3.0.0, as no lower version can be fetched under that path).
    first_major: int | None = None

    def to_dict(self) -> dict[str, object]:
        """What reports show (``projects --format json``, ``analyze --format json``)."""
        return {
            "tag_scheme": self.tag_scheme.to_dict(),
            "latest_tag": self.latest_tag.tag if self.latest_tag else None,
            "changelog": self.changelog.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Conventions:
    """The conventions of every project, and the workspace's release configuration."""

    projects: dict[str, ProjectConventions]
    release_config: WorkspaceReleaseConfig
    #: Every tag name reachable from the head the conventions were read at, newest first.
    tags: tuple[str, ...]

    def of(self, name: str) -> ProjectConventions:
        return self.projects[name]


def pattern_tags(tags: Sequence[str], tag_pattern: str | None) -> tuple[str, ...]:
    """The ``tags`` a configured ``tag_pattern`` matches: a project that sets one releases
    under it, so other tags neither set its scheme nor start its range. Under the default
    pattern (or none), every tag."""
    if not tag_pattern or tag_pattern == DEFAULT_TAG_PATTERN:
        return tuple(tags)
    return tuple(tag.tag for tag in parse_release_tags(list(tags), tag_pattern))


def project_latest_tag(
    tags: Sequence[str],
    scheme: TagScheme,
    name: str,
    fallback: Sequence[ReleaseTag],
    *,
    workspace: bool,
    root_name: str | None,
    git: Git | None = None,
) -> ReleaseTag | None:
    """The release tag a project's next range starts from: its highest tag under its scheme,
    else (older configurations) its latest tag under the ``tag_pattern`` expression.

    Not for a Go module under Go's scheme: the ``go`` command reads no other tag as its
    release, and the expression would take another module's (the root's ``v1.2.0`` for
    ``tools/``, or a ``v2/`` module's ``v2.0.0`` for the root) as its own. With ``git``, a
    prerelease that later final releases left behind does not count (:func:`unless_superseded`).
    """
    candidates: Sequence[ReleaseTag] = [
        tag for tag in scheme_tags(tags, scheme, name) if scheme.owns(tag.version)
    ]
    latest = latest_scheme_tag(tags, scheme, name)
    if latest is None and fallback and scheme.source != "go.mod":
        candidates = fallback
        latest = latest_release_tag(
            list(fallback), project=name if workspace else None, root_name=root_name
        )
    return unless_superseded(git, latest, candidates) if git is not None else latest


def _go_module(root: Path, project: Project) -> str | None:
    """The module path when ``project`` is a Go module (an Nx project's ``go.mod`` included;
    ``""`` when unreadable), else None."""
    if project.manifest_kind != "go.mod":
        return None
    if project.ecosystem == "go":
        return project.name
    return read_module_path(root / project.manifest, source=project.manifest) or ""


def _is_workspace(projects: Sequence[Project]) -> bool:
    return len(projects) > 1 or any(p.path not in (".", "") for p in projects)


def read_conventions(
    git: Git,
    root: Path,
    projects: Sequence[Project],
    *,
    head: str = "HEAD",
    tag_format: str | None = None,
    tag_pattern: str | None = None,
    changelog: str | None = None,
) -> Conventions:
    """Each project's conventions at ``head`` (see the module docstring).

    ``tag_format`` and ``changelog`` are the settings (None: infer). ``tag_pattern`` is the
    release-tag expression of older configurations: a project without a tag under its scheme
    falls back to its latest tag under that expression (a ``v1.2.3`` tag releasing the whole
    workspace still counts for each member).
    """
    config = read_release_config(root, projects)
    every: tuple[str, ...] = ()
    if git.has_commits():
        # By the commit's id, so that the listing is the one the range reads too.
        every = tuple(merged_tag_names(git, git.resolve(head)))
    tags = pattern_tags(every, tag_pattern)
    fallback = parse_release_tags(list(tags), tag_pattern) if tag_pattern and tags else []
    workspace = _is_workspace(projects)
    root_name = next((p.name for p in projects if p.path in (".", "")), None)
    names = [p.name for p in projects]
    found: dict[str, ProjectConventions] = {}
    for project in projects:
        module = _go_module(root, project)
        scheme = infer_tag_scheme(
            project.name,
            tags,
            workspace=workspace,
            at_root=project.path in (".", ""),
            siblings=names,
            configured=tag_format,
            nx_pattern=config.tag_template_for(project.name),
            nx_default=config.default_tag_template_for(project.name),
            go_scheme=go_tag_scheme(project.path, module) if module is not None else None,
        )
        latest = project_latest_tag(
            tags, scheme, project.name, fallback, workspace=workspace, root_name=root_name, git=git
        )
        found[project.name] = ProjectConventions(
            project=project,
            tag_scheme=scheme,
            latest_tag=latest,
            first_major=first_major(module) if module else None,
            changelog=find_changelog(
                root,
                project.path,
                configured=changelog,
                enabled=config.project_changelogs,
                workspace_file=config.changelog_file,
            ),
        )
    return Conventions(found, config, every)
