"""How a workspace configures its releases: ``nx.json``'s ``release`` and changesets' config.

Read, never written, so the repository's own tools keep working the way they did:

* ``nx.json`` ``release``: ``groups`` (each with ``projects``, ``projectsRelationship``
  ``fixed``/``independent`` and ``releaseTagPattern``), or the top-level ``projects`` and
  ``projectsRelationship`` as one implicit group (Nx's default relationship is ``fixed``), and
  the top-level ``releaseTagPattern``. Nx's placeholders ``{projectName}``,
  ``{releaseGroupName}`` and ``{version}`` become a tag template. ``changelog.projectChangelogs:
  false`` (or its ``file: false``) means Nx writes no per-project changelog; its ``file``
  (``{projectRoot}/docs/CHANGELOG.md``) names the changelog's path inside each project (other
  forms are refused with a warning and the project's own changelog is used).
* ``.changeset/config.json``: ``fixed`` and ``linked`` (lists of package-name globs),
  ``ignore``, ``baseBranch``, ``privatePackages`` (``version`` and ``tag``, booleans; ``false``
  alone turns both off; changesets 2.x's defaults are ``true`` and ``false`` and it refuses
  ``true`` alone, 3.x's are ``false`` and ``false``, ``true`` alone turns both on and ``tag``
  needs ``version``), and how
  internal dependents follow a release, spelled as changesets spells it:
  ``updateInternalDependencies`` (``patch``, the default, or ``minor``: the least bump of a
  dependency that rewrites a range still admitting its new version) and, under
  ``___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH``, ``updateInternalDependents``
  (``out-of-range``, the default, or ``always``: which dependents are released) and
  ``onlyUpdatePeerDependentsWhenOutOfRange`` (a boolean, default false). Any other value is a
  :class:`ConfigError` naming the option, as changesets refuses it.
  ``bumpVersionsWithWorkspaceProtocolOnly``: when ``true``, only ``workspace:`` ranges make a
  package a dependent, and only they are rewritten; changesets 2.x reads any other value as
  false without a word, so does this tool for it, with a warning when the value is not a
  boolean; changesets 3.x refuses such a value, and so does this tool for it. Which major the
  workspace uses is :func:`~release_tools.versioning.changesetsmajor.changesets_major`'s call,
  kept in :attr:`WorkspaceReleaseConfig.changesets`. A top-level
  ``updateInternalDependents`` (``patch`` or ``out-of-range``), which this tool once read and
  changesets never did, is still read, with a warning: ``patch`` as ``always``; the
  experimental option wins when both are given.

A fixed group releases all its members together at one version; a linked group gives the
members released together the highest bump any of them asks for; ignored packages are never
released. ``nx.json``'s project matchers are names, name globs (``@acme/*``) or directory
globs (``packages/*``), ``!`` excluding. changesets' lists match package names only (a
directory glob matches nothing) and are read in order, a later pattern overriding an earlier
one, as changesets reads them (:func:`match_changesets_patterns`). A pattern matching no package
is refused (a :class:`ConfigError`) in ``ignore``, and in ``fixed`` and ``linked`` under
changesets 2.x; changesets 3.x only warns about those two, and so does this tool.

Private projects (:attr:`Project.private`) are versioned when ``privatePackages.version`` is
true (by default under changesets 2.x, only when configured under 3.x), and tagged only when
``privatePackages.tag`` is true. Without ``.changeset/config.json``
nothing says otherwise, so they are versioned and tagged like any other project.

An npm package whose ``package.json`` has no ``version`` is skipped by changesets as an ignored
one is: in a workspace with ``.changeset/config.json`` it is never released, whatever its tags
say (elsewhere the tool's own rule versions it from its tags, or from 0.0.0).

A package changesets releases may not depend on one it never releases (ignored, private and
not versioned, or without a version): both majors refuse such a configuration, since the
published package would require a version nobody publishes. The configuration records each
such dependency (:attr:`WorkspaceReleaseConfig.skipped_dependencies`, judged as changesets'
dependency graph judges it without ``devDependencies``: see :func:`_graph_counts`), and
:meth:`WorkspaceReleaseConfig.check_skipped_dependencies` refuses it; reading it does not, so
that commands which release nothing still work in such a workspace.
"""

from __future__ import annotations

import json
import logging
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from release_tools.errors import ConfigError, VersionError
from release_tools.versioning.changelogfile import nx_project_changelog
from release_tools.versioning.changesetsmajor import ChangesetsMajor, changesets_major
from release_tools.versioning.projects import Project

__all__ = [
    "DependenciesThreshold",
    "DependentsPolicy",
    "PlanFormatName",
    "Relationship",
    "ReleaseGroup",
    "SkippedDependency",
    "WorkspaceReleaseConfig",
    "infer_plan_format",
    "match_changesets_patterns",
    "match_projects",
    "read_release_config",
    "unmatched_changesets_patterns",
]

Relationship = Literal["fixed", "independent", "linked"]
PlanFormatName = Literal["nx", "changesets"]
#: changesets' ``updateInternalDependents``: which dependents a release takes along.
DependentsPolicy = Literal["always", "out-of-range"]
#: changesets' ``updateInternalDependencies``: the least bump that rewrites an admitting range.
DependenciesThreshold = Literal["patch", "minor"]

log = logging.getLogger(__name__)

_SOURCE = ".changeset/config.json"
_EXPERIMENTAL = "___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH"


@dataclass(frozen=True, slots=True)
class ReleaseGroup:
    """Projects released by one rule; ``source`` names the file that declared it."""

    name: str
    members: tuple[str, ...]
    relationship: Relationship
    tag_template: str | None = None
    source: str = "nx.json"


@dataclass(frozen=True, slots=True)
class SkippedDependency:
    """A package changesets releases that depends on one it never releases."""

    #: The released package (a public one: a private dependent publishes nothing).
    dependent: str
    #: The package never released, and why (:meth:`WorkspaceReleaseConfig.held_back`).
    dependency: str
    reason: str
    #: The dependency table and the requirement as written (``dependencies``, ``^1.0.0``).
    table: str
    spec: str

    def describe(self) -> str:
        """One clause naming both packages, the requirement and the reason."""
        return (
            f"{self.dependent} depends on {self.dependency} ({self.table} {self.spec}), and "
            f"{self.dependency} is never released ({self.reason})"
        )


@dataclass(frozen=True, slots=True)
class WorkspaceReleaseConfig:
    """Everything read from ``nx.json`` and ``.changeset/config.json`` (empty when absent)."""

    groups: tuple[ReleaseGroup, ...] = ()
    ignored: frozenset[str] = frozenset()
    tag_template: str | None = None
    #: changesets' ``updateInternalDependents`` (``out-of-range`` unless configured); None
    #: without ``.changeset/config.json``.
    update_dependents: DependentsPolicy | None = None
    #: changesets' ``updateInternalDependencies``.
    update_dependencies: DependenciesThreshold = "patch"
    #: changesets' ``onlyUpdatePeerDependentsWhenOutOfRange``.
    only_peer_dependents_out_of_range: bool = False
    #: changesets' ``bumpVersionsWithWorkspaceProtocolOnly``.
    workspace_protocol_only: bool = False
    base_branch: str | None = None
    #: changesets' ``privatePackages.version``: whether private projects are released at all.
    private_version: bool = True
    #: changesets' ``privatePackages.tag``; True without changesets, which tags every release.
    private_tag: bool = True
    #: True when ``private_version`` is false by changesets 3's default, not by the config.
    private_default: bool = False
    #: False when ``nx.json`` turns per-project changelogs off.
    project_changelogs: bool = True
    #: The changelog's path inside each project that ``nx.json`` gives (``projectChangelogs.file``).
    changelog_file: str | None = None
    #: The release commit's message template ``nx.json`` gives (``release.git.commitMessage``),
    #: with Nx's ``{version}``; None when not configured or not usable.
    commit_message: str | None = None
    #: ``nx.json``'s ``release.git.commit`` / ``release.git.tag`` when given as booleans.
    git_commit: bool | None = None
    git_tag: bool | None = None
    #: changesets' ``commit``: whether a new changeset is committed (None when not configured).
    plan_commit: bool | None = None
    #: The major of ``@changesets/cli`` the workspace uses, whose rules its releases follow.
    changesets: ChangesetsMajor = field(default_factory=ChangesetsMajor)
    sources: tuple[str, ...] = field(default=())
    #: Released packages depending on packages never released, which changesets refuses
    #: (:meth:`check_skipped_dependencies`).
    skipped_dependencies: tuple[SkippedDependency, ...] = ()

    def group_of(self, name: str) -> ReleaseGroup | None:
        """The group (fixed or linked first, then independent) that ``name`` belongs to."""
        for relationship in ("fixed", "linked", "independent"):
            for group in self.groups:
                if group.relationship == relationship and name in group.members:
                    return group
        return None

    def tag_template_for(self, name: str) -> str | None:
        """The configured tag template for project ``name``, if any file gives one."""
        for group in self.groups:
            if name in group.members and group.tag_template:
                return group.tag_template
        return self.tag_template

    @property
    def changesets_workspace(self) -> bool:
        """Whether ``.changeset/config.json`` was read: changesets' rules apply."""
        return _SOURCE in self.sources

    def held_back(self, project: Project) -> str | None:
        """Why ``project`` is never released (ignored, private and not versioned, or an npm
        package without a version in a changesets workspace); None when it may be."""
        if project.name in self.ignored:
            return "ignored by .changeset/config.json"
        if self.changesets_workspace and _versionless(project):
            return (
                f"no version in {project.manifest}, and changesets versions only packages "
                "that have one"
            )
        if project.private and not self.private_version:
            if self.private_default:
                return (
                    "private, and changesets 3 versions private packages only with "
                    "privatePackages.version: true in .changeset/config.json"
                )
            return "private, and .changeset/config.json says privatePackages.version: false"
        return None

    def skipped_dependencies_problem(self) -> str | None:
        """The one line naming every package changesets releases that depends on one it never
        releases, and what to do; None when there is none. Commands that release nothing
        report it as a warning, the others refuse with it (:meth:`check_skipped_dependencies`)."""
        if not self.skipped_dependencies:
            return None
        found = "; ".join(d.describe() for d in self.skipped_dependencies)
        return (
            f"{_SOURCE}: {found}; changesets refuses a released package that depends, outside "
            "devDependencies, on a package it never releases: ignore the dependent too, make "
            "it private, or have the dependency released"
        )

    def check_skipped_dependencies(self) -> None:
        """Raise :class:`ConfigError` (:meth:`skipped_dependencies_problem`) when a package
        changesets releases depends on one it never releases; changesets refuses the
        configuration then, whatever is to be released."""
        problem = self.skipped_dependencies_problem()
        if problem is not None:
            raise ConfigError(problem)

    def tags(self, project: Project) -> bool:
        """Whether a release of ``project`` gets a tag (private ones only when configured)."""
        return not project.private or self.private_tag

    def default_tag_template_for(self, name: str) -> str | None:
        """Nx's default tag template for project ``name`` when ``nx.json`` configures its
        releases without a pattern: ``v{version}`` when it is released with the whole (only)
        fixed group, ``{name}@{version}`` when released independently; None otherwise."""
        nx_groups = [g for g in self.groups if g.source == "nx.json"]
        group = next((g for g in nx_groups if name in g.members), None)
        if group is None:
            return None
        if group.relationship == "independent":
            return "{name}@{version}"
        return "v{version}" if len(nx_groups) == 1 else None

    @property
    def group_names(self) -> dict[str, tuple[str, ...]]:
        """Group name -> members, for plans that name a group instead of a project."""
        return {group.name: group.members for group in self.groups}


def _versionless(project: Project) -> bool:
    """Whether ``project`` is an npm package whose ``package.json`` gives no version, which
    changesets skips like an ignored package (it reads no tags to stand in for it)."""
    return project.manifest_kind == "package.json" and project.version is None


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise VersionError(f"{path.name}: broken JSON: {exc}") from exc
    except OSError as exc:
        raise VersionError(f"{path.name}: cannot be read: {exc.strerror}") from exc
    if not isinstance(data, dict):
        raise VersionError(f"{path.name}: expected a JSON object")
    return data


def _matcher_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str)]
    return []


def _matches_name(name: str, pattern: str) -> bool:
    # As Nx and changesets match names: ``*`` stops at ``/``, so ``@acme/*`` is one scope.
    # Imported here: only repositories whose release config names patterns need it.
    from wcmatch import glob as wcglob

    return bool(wcglob.globmatch(name, pattern, flags=wcglob.GLOBSTAR))


def _matches(project: Project, pattern: str) -> bool:
    """Whether an Nx project matcher matches ``project``: its name or its directory."""
    if _matches_name(project.name, pattern):
        return True
    return _matches_name(project.path, pattern.removeprefix("./"))


def match_projects(projects: Sequence[Project], patterns: Sequence[str]) -> tuple[str, ...]:
    """Names of ``projects`` matched by ``patterns``: names, name or path globs, ``!``
    negations."""
    positive = [p for p in patterns if not p.startswith("!")]
    negative = [p[1:] for p in patterns if p.startswith("!")]
    return tuple(
        project.name
        for project in projects
        if any(_matches(project, p) for p in positive)
        and not any(_matches(project, n) for n in negative)
    )


def match_changesets_patterns(
    projects: Sequence[Project], patterns: Sequence[str], major: int
) -> tuple[str, ...]:
    """Names of ``projects`` that the package globs of a ``.changeset/config.json`` list
    (``ignore``, a ``fixed`` or ``linked`` group) match, read in order as changesets reads
    them: a project is matched when some positive pattern matches it and the last pattern
    matching it is a positive one, so a later pattern overrides an earlier one
    (``["@acme/*", "!@acme/a", "@acme/a"]`` keeps ``@acme/a``; a ``!`` before every positive
    pattern that matches excludes nothing). A list of negations alone matches every other
    project under changesets 2.x (micromatch's rule) and none under 3.x. A pattern matches
    package names only, as changesets matches it: a directory glob (``packages/*``) matches
    nothing (:func:`unmatched_changesets_patterns` finds such patterns)."""
    negated = [p.startswith("!") for p in patterns]
    matched: list[str] = []
    for project in projects:
        kept = bool(patterns) and all(negated) and major < 3
        last: bool | None = None
        for pattern, negation in zip(patterns, negated, strict=True):
            if _matches_name(project.name, pattern[1:] if negation else pattern):
                kept = kept or not negation
                last = not negation
        if kept and last is not False:
            matched.append(project.name)
    return tuple(matched)


def unmatched_changesets_patterns(
    projects: Sequence[Project], patterns: Sequence[str]
) -> tuple[str, ...]:
    """The patterns of a ``.changeset/config.json`` list that match no package name, as
    changesets finds them: ``!x`` is matched by any name ``x`` does not match."""
    names = [project.name for project in projects]
    return tuple(
        pattern
        for pattern in patterns
        if not any(
            _matches_name(name, pattern.removeprefix("!")) != pattern.startswith("!")
            for name in names
        )
    )


def _unmatched_problem(option: str, pattern: str, projects: Sequence[Project]) -> str:
    """One line saying that ``pattern`` of ``option`` matches no package, naming the packages
    whose directory it matches (changesets reads no directories)."""
    folder = pattern.removeprefix("!").removeprefix("./")
    named = [p.name for p in projects if _matches_name(p.path, folder)]
    hint = ""
    if len(named) == 1:
        hint = f"; it matches the directory of {named[0]}: name the package"
    elif named:
        hint = f"; it matches the directories of {', '.join(named)}: name the packages"
    return (
        f'{_SOURCE}: {option}: "{pattern}" matches no package (changesets matches package '
        f"names, not directories){hint}"
    )


def _check_patterns(
    option: str, patterns: Sequence[str], projects: Sequence[Project], *, refuse: bool
) -> None:
    """Refuse (``refuse``) or warn about each pattern of ``option`` that matches no package."""
    for pattern in unmatched_changesets_patterns(projects, patterns):
        problem = _unmatched_problem(option, pattern, projects)
        if refuse:
            raise ConfigError(problem)
        log.warning("%s; changesets warns about it too", problem)


def _nx_template(pattern: Any, group: str | None) -> str | None:
    if not isinstance(pattern, str) or "{version}" not in pattern:
        return None
    text = pattern.replace("{projectName}", "{name}")
    if group is not None:
        text = text.replace("{releaseGroupName}", group)
    return text


def _nx_commit_message(release: dict[str, Any]) -> str | None:
    """``release.git.commitMessage`` (or ``release.version.git.commitMessage``, which Nx lets
    override it), when its only placeholder is ``{version}``."""
    found: str | None = None
    for scope in (release, release.get("version")):
        git = scope.get("git") if isinstance(scope, dict) else None
        if isinstance(git, dict) and isinstance(git.get("commitMessage"), str):
            found = str(git["commitMessage"])
    if found is None or not found.strip():
        return None
    try:
        found.format(version="")
    except (KeyError, IndexError, ValueError):
        # Placeholders this tool cannot fill (Nx's own extensions): its default message stays.
        return None
    return found


def _nx_git_flag(release: dict[str, Any], key: str) -> bool | None:
    """``release.git.<key>`` (``release.version.git.<key>`` overriding it) when a boolean."""
    found: bool | None = None
    for scope in (release, release.get("version")):
        git = scope.get("git") if isinstance(scope, dict) else None
        if isinstance(git, dict) and isinstance(git.get(key), bool):
            found = bool(git[key])
    return found


def _relationship(value: Any) -> Relationship:
    return "independent" if value == "independent" else "fixed"


def _nx(root: Path, projects: Sequence[Project]) -> dict[str, Any]:
    path = root / "nx.json"
    if not path.is_file():
        return {}
    release = _load(path).get("release")
    if not isinstance(release, dict):
        return {}
    out: dict[str, Any] = {"tag_template": _nx_template(release.get("releaseTagPattern"), None)}
    groups: list[ReleaseGroup] = []
    raw_groups = release.get("groups")
    if isinstance(raw_groups, dict):
        for name, spec in raw_groups.items():
            if not isinstance(spec, dict):
                continue
            members = match_projects(projects, _matcher_list(spec.get("projects")))
            groups.append(
                ReleaseGroup(
                    name=str(name),
                    members=members,
                    relationship=_relationship(spec.get("projectsRelationship")),
                    tag_template=_nx_template(spec.get("releaseTagPattern"), str(name)),
                )
            )
    else:
        patterns = _matcher_list(release.get("projects"))
        members = (
            match_projects(projects, patterns) if patterns else tuple(p.name for p in projects)
        )
        groups.append(
            ReleaseGroup(
                name="__default__",
                members=members,
                relationship=_relationship(release.get("projectsRelationship")),
            )
        )
    out["groups"] = groups
    out["commit_message"] = _nx_commit_message(release)
    out["git_commit"] = _nx_git_flag(release, "commit")
    out["git_tag"] = _nx_git_flag(release, "tag")
    changelog = release.get("changelog")
    per_project = changelog.get("projectChangelogs") if isinstance(changelog, dict) else None
    if per_project is False:
        out["project_changelogs"] = False
    elif isinstance(per_project, dict) and per_project.get("file") is False:
        out["project_changelogs"] = False  # Nx writes no changelog file
    elif isinstance(per_project, dict) and isinstance(per_project.get("file"), str):
        # Nx writes "{projectRoot}/CHANGELOG.md"; the path inside each project is what varies.
        inside = nx_project_changelog(per_project["file"], source="nx.json")
        if inside is not None:
            out["changelog_file"] = inside
    return out


def _refuse(option: str, value: Any, accepted: str) -> ConfigError:
    # json.dumps keeps the message one line whatever the value holds, as changesets quotes it.
    return ConfigError(f"{_SOURCE}: {option} is {json.dumps(value)}; changesets accepts {accepted}")


def _dependents_options(data: dict[str, Any], major: int) -> dict[str, Any]:
    """``updateInternalDependencies``, ``bumpVersionsWithWorkspaceProtocolOnly`` and the
    experimental ``updateInternalDependents`` and ``onlyUpdatePeerDependentsWhenOutOfRange``,
    with changesets' defaults; a value the workspace's changesets ``major`` refuses is refused
    here too."""
    out: dict[str, Any] = {"update_dependents": "out-of-range"}
    protocol_only = data.get("bumpVersionsWithWorkspaceProtocolOnly")
    if protocol_only is not None and not isinstance(protocol_only, bool):
        if major >= 3:
            # changesets 3 validates the option as a boolean; 2.x read anything else as false.
            raise _refuse("bumpVersionsWithWorkspaceProtocolOnly", protocol_only, "true or false")
        log.warning(
            "%s: bumpVersionsWithWorkspaceProtocolOnly is %s, not true or false; read as false, "
            "as changesets reads it",
            _SOURCE,
            json.dumps(protocol_only),
        )
    out["workspace_protocol_only"] = protocol_only is True
    threshold = data.get("updateInternalDependencies")
    if threshold is not None:
        if threshold not in ("patch", "minor"):
            raise _refuse("updateInternalDependencies", threshold, '"patch" or "minor"')
        out["update_dependencies"] = threshold
    legacy = data.get("updateInternalDependents")
    if legacy is not None:
        if legacy not in ("patch", "out-of-range", "always"):
            raise ConfigError(
                f"{_SOURCE}: updateInternalDependents is {json.dumps(legacy)}; expected "
                f'"out-of-range" or "always", under {_EXPERIMENTAL} where changesets reads it'
            )
        # This tool's old spelling: ``patch`` released every dependent whose range moved, which
        # is what ``always`` does for the ranges a release rewrites.
        out["update_dependents"] = "always" if legacy == "patch" else legacy
        log.warning(
            "%s: a top-level updateInternalDependents is deprecated and changesets ignores it; "
            'read as %s.updateInternalDependents: "%s"',
            _SOURCE,
            _EXPERIMENTAL,
            out["update_dependents"],
        )
    experimental = data.get(_EXPERIMENTAL)
    if experimental is None:
        return out
    if not isinstance(experimental, dict):
        raise _refuse(_EXPERIMENTAL, experimental, "an object")
    policy = experimental.get("updateInternalDependents")
    if policy is not None:
        if policy not in ("always", "out-of-range"):
            option = f"{_EXPERIMENTAL}.updateInternalDependents"
            raise _refuse(option, policy, '"always" or "out-of-range"')
        out["update_dependents"] = policy
    peers = experimental.get("onlyUpdatePeerDependentsWhenOutOfRange")
    if peers is not None:
        if not isinstance(peers, bool):
            option = f"{_EXPERIMENTAL}.onlyUpdatePeerDependentsWhenOutOfRange"
            raise _refuse(option, peers, "true or false")
        out["only_peer_out_of_range"] = peers
    return out


def _private_packages(raw: Any, major: int) -> dict[str, Any]:
    """``privatePackages`` as the workspace's changesets ``major`` reads it.

    2.x versions private packages unless told not to (``version`` defaults to true, also in an
    object that leaves it out) and accepts ``false`` or an object. 3.x versions them only when
    asked (``version`` defaults to false), reads ``true`` as both ``version`` and ``tag``, and
    refuses ``tag: true`` without ``version: true``. Neither tags them unless asked to;
    ``false`` alone turns both off; an option that is no boolean is refused by both.
    """
    version_default = major < 3
    out: dict[str, Any] = {"private_version": version_default, "private_tag": False}
    if raw is None:
        out["private_default"] = not version_default
        return out
    if isinstance(raw, bool):
        if raw and major < 3:
            raise _refuse("privatePackages", raw, "false or an object")
        return {"private_version": raw, "private_tag": raw}
    if not isinstance(raw, dict):
        accepted = "a boolean or an object" if major >= 3 else "false or an object"
        raise _refuse("privatePackages", raw, accepted)
    for option in ("version", "tag"):
        value = raw.get(option)
        if value is not None and not isinstance(value, bool):
            raise _refuse(f"privatePackages.{option}", value, "true or false")
    version = raw.get("version")
    out["private_tag"] = raw.get("tag") is True
    if version is None:
        out["private_default"] = not version_default
    else:
        out["private_version"] = version
    if major >= 3 and out["private_tag"] and not out["private_version"]:
        raise ConfigError(
            f"{_SOURCE}: privatePackages.tag is true but privatePackages.version is not; "
            "changesets 3 tags only the private packages it versions"
        )
    return out


def _changesets(root: Path, projects: Sequence[Project], major: int) -> dict[str, Any]:
    path = root / ".changeset" / "config.json"
    if not path.is_file():
        return {}
    data = _load(path)
    groups: list[ReleaseGroup] = []
    relationship: Relationship
    for relationship in ("fixed", "linked"):
        raw = data.get(relationship)
        if not isinstance(raw, list):
            continue
        for index, patterns in enumerate(raw, start=1):
            # changesets 2.x refuses a group pattern that matches no package; 3.x warns.
            _check_patterns(relationship, _matcher_list(patterns), projects, refuse=major < 3)
            members = match_changesets_patterns(projects, _matcher_list(patterns), major)
            if members:
                groups.append(
                    ReleaseGroup(
                        name=f"{relationship}-{index}",
                        members=members,
                        relationship=relationship,
                        source=".changeset/config.json",
                    )
                )
    ignore = _matcher_list(data.get("ignore"))
    # Both majors refuse an ignore pattern that matches no package.
    _check_patterns("ignore", ignore, projects, refuse=True)
    out: dict[str, Any] = {
        "groups": groups,
        "ignored": frozenset(match_changesets_patterns(projects, ignore, major)),
    }
    out.update(_dependents_options(data, major))
    if isinstance(data.get("baseBranch"), str):
        out["base_branch"] = data["baseBranch"]
    out.update(_private_packages(data.get("privatePackages"), major))
    commit = data.get("commit")
    if commit is not None:
        # ``true``, a commit module's name, or ``[name, options]`` all turn committing on.
        out["plan_commit"] = bool(commit)
    return out


#: The tables of changesets' dependency graph when it leaves ``devDependencies`` out, in its
#: order: a package named in several keeps the last one's requirement.
_GRAPH_TABLES = ("dependencies", "peerDependencies", "optionalDependencies")


def _package_json(root: Path, manifest: str) -> Mapping[str, Any]:
    """A package.json's data; empty when it is missing, unreadable or not a JSON object (its
    reading for the release reports such a file)."""
    try:
        data = json.loads((root / manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _graph_counts(spec: str, dependency: Project, *, workspace_only: bool) -> bool:
    """Whether changesets' dependency graph makes a requirement ``spec`` on ``dependency``
    an edge: a ``workspace:`` shorthand (``*``, ``^``, ``~``) or the dependency's directory
    always; a range (after ``workspace:``) when it admits the dependency's version; nothing
    else (a dist-tag, ``file:``, an alias, a range its version leaves). Under
    ``bumpVersionsWithWorkspaceProtocolOnly`` only ``workspace:`` requirements count."""
    if spec.startswith("workspace:"):
        spec = spec[len("workspace:") :]
        if spec in ("*", "^", "~"):
            return True
        if posixpath.normpath(spec) == posixpath.normpath(dependency.path):
            return True
    elif workspace_only:
        return False
    if ":" in spec or dependency.version is None:
        return False
    # Loaded here: the range reader needs packaging's specifiers, which most runs never do.
    from release_tools.versioning.constraints import npm_admits

    return npm_admits(spec, dependency.version) is True


def _skipped_dependencies(
    root: Path, projects: Sequence[Project], config: WorkspaceReleaseConfig
) -> tuple[SkippedDependency, ...]:
    """Every public package the configuration releases whose requirement on a package it
    never releases is an edge of changesets' dependency graph, ``devDependencies`` left out.
    Only the workspace's packages count, the root aside (changesets checks its packages)."""
    packages = [
        p for p in projects if p.manifest_kind == "package.json" and p.path not in (".", "")
    ]
    skipped = {p.dependency_name: p for p in packages if config.held_back(p) is not None}
    if not skipped:
        return ()
    found: list[SkippedDependency] = []
    for member in packages:
        if member.private or config.held_back(member) is not None:
            continue
        data = _package_json(root, member.manifest)
        graph: dict[str, tuple[str, str]] = {}
        for table in _GRAPH_TABLES:
            deps = data.get(table)
            if not isinstance(deps, dict):
                continue
            for name, spec in deps.items():
                if isinstance(spec, str):
                    graph[name] = (table, spec)
        for name, (table, spec) in graph.items():
            dependency = skipped.get(name)
            if dependency is None or dependency.name == member.name:
                continue
            if _graph_counts(spec, dependency, workspace_only=config.workspace_protocol_only):
                reason = config.held_back(dependency) or ""
                found.append(SkippedDependency(member.name, dependency.name, reason, table, spec))
    return tuple(found)


def infer_plan_format(root: Path) -> PlanFormatName:
    """The plan format a repository uses: changesets when ``.changeset/config.json`` exists and
    neither ``.nx/version-plans`` nor ``nx.json``'s ``release.versionPlans`` says Nx; else nx."""
    if not (root / ".changeset" / "config.json").is_file():
        return "nx"
    if (root / ".nx" / "version-plans").is_dir():
        return "nx"
    nx = root / "nx.json"
    if nx.is_file():
        try:
            release = _load(nx).get("release")
        except VersionError:
            return "changesets"
        if isinstance(release, dict) and release.get("versionPlans"):
            return "nx"
    return "changesets"


def read_release_config(root: Path, projects: Sequence[Project]) -> WorkspaceReleaseConfig:
    """The release configuration of the workspace at ``root`` (see the module docstring)."""
    nx = _nx(root, projects)
    cli = changesets_major(root)
    changesets = _changesets(root, projects, cli.major)
    sources = tuple(
        name for name, found in (("nx.json", nx), (".changeset/config.json", changesets)) if found
    )
    config = WorkspaceReleaseConfig(
        groups=(*nx.get("groups", ()), *changesets.get("groups", ())),
        ignored=changesets.get("ignored", frozenset()),
        tag_template=nx.get("tag_template"),
        update_dependents=changesets.get("update_dependents"),
        update_dependencies=changesets.get("update_dependencies", "patch"),
        only_peer_dependents_out_of_range=changesets.get("only_peer_out_of_range", False),
        workspace_protocol_only=changesets.get("workspace_protocol_only", False),
        base_branch=changesets.get("base_branch"),
        private_version=changesets.get("private_version", True),
        private_tag=changesets.get("private_tag", True),
        private_default=changesets.get("private_default", False),
        project_changelogs=nx.get("project_changelogs", True),
        changelog_file=nx.get("changelog_file"),
        commit_message=nx.get("commit_message"),
        git_commit=nx.get("git_commit"),
        git_tag=nx.get("git_tag"),
        plan_commit=changesets.get("plan_commit"),
        changesets=cli,
        sources=sources,
    )
    if not changesets:
        return config
    return replace(config, skipped_dependencies=_skipped_dependencies(root, projects, config))
