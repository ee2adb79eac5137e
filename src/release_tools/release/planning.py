"""``create-version-plan`` as a plain function.

``create_version_plan`` validates everything (project, type, format, push target) before it
writes a single file, so a refused request leaves the tree untouched. ``auto`` asks ``analyze``
for the project's release type and writes the range's commit subjects as the plan's body,
grouped by changelog section (the analyzer's evidence is for review, not for readers of a
changelog). ``--project`` may name a release group of ``nx.json``.

A package the workspace never releases (ignored by ``.changeset/config.json``, private and not
versioned, or without a version) gets no plan, in either format: nothing would ever use it up.
The one-line :class:`~release_tools.errors.UsageError` names the reason as ``release`` does.

A workspace whose configuration ``release`` refuses (a package changesets releases depending on
one it never releases) gets no plan either: the same one-line
:class:`~release_tools.errors.ConfigError`, before anything is analyzed or written.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from release_tools.analysis.models import Decision
from release_tools.config import Settings
from release_tools.errors import UsageError
from release_tools.git import Git
from release_tools.plans import default_message, write_plan
from release_tools.release.autoplans import analysis_base
from release_tools.release.autotype import (
    analyzed_type,
    grouped_subjects,
    release_commit_prefix,
    without_release_commits,
)
from release_tools.release.committypes import commit_types
from release_tools.release.confine import Confinement
from release_tools.release.plangit import commit_plan, push_plan, push_target
from release_tools.release.planrange import plan_range, touched_projects
from release_tools.release.sparse import read_checkout
from release_tools.text import one_line
from release_tools.versioning.boundaries import project_pathspecs
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.projectlookup import find_project
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import PlanFormatName, WorkspaceReleaseConfig
from release_tools.versioning.semver import PRERELEASE_TYPES, RELEASE_TYPES, ReleaseType

__all__ = ["PlanRequest", "PlanResult", "create_version_plan"]

log = logging.getLogger(__name__)


VERSION_TYPES: tuple[str, ...] = ("major", "minor", "patch", *sorted(PRERELEASE_TYPES), "auto")


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """The ``create-version-plan`` flags."""

    #: None: the repository's only project (an error when it has several).
    project: str | None
    version_type: str
    message: str | None = None
    only_touched: bool = False
    #: Commit the plan; None: as the workspace says (changesets' ``commit``), else no.
    commit: bool | None = None
    push: bool = False
    #: The plan file's timestamp (epoch milliseconds); now when None.
    now_ms: int | None = None


@dataclass(slots=True)
class PlanResult:
    """What ``create-version-plan`` wrote (``path`` is None when it wrote nothing, and why)."""

    project: str
    message: str
    path: str | None = None
    version_type: str | None = None
    body: str = ""
    commit: str | None = None
    pushed: bool = False
    decision: Decision | None = None
    #: The names the plan file lists, with their release type (a group plan names the group).
    projects: dict[str, str] = field(default_factory=dict)
    #: ``nx`` or ``changesets``: the format the plan file was written in.
    plan_format: str | None = None
    #: The members of the release group the plan names (empty for a project's plan).
    members: list[str] = field(default_factory=list)


def _only_project(projects: Sequence[Project]) -> str:
    """The name of the repository's only project, for a plan that names none."""
    names = sorted(project.name for project in projects)
    if len(names) == 1:
        return names[0]
    if not names:
        raise UsageError("no project found in the repository (see the projects command)")
    shown = ", ".join(one_line(name) for name in names[:8])
    more = f" and {len(names) - 8} more" if len(names) > 8 else ""
    raise UsageError(f"the repository has {len(names)} projects ({shown}{more}): pass --project")


def create_version_plan(settings: Settings, request: PlanRequest) -> PlanResult:
    """Write one version plan for ``request.project`` (see the module docstring)."""
    if request.version_type not in VERSION_TYPES:
        raise UsageError(
            f"invalid version type {request.version_type!r} "
            f"(expected one of {', '.join(VERSION_TYPES)})"
        )
    git = Git(settings.repo)
    root = git.toplevel()
    # A plan is written at the root: a project a sparse checkout leaves out may have one, and
    # the configuration that decides the plan's format may be left out too (see read_checkout).
    checkout = read_checkout(
        git,
        root,
        head=settings.head,
        tag_format=settings.tag_format,
        tag_pattern=settings.tag_pattern,
        changelog=settings.changelog,
    )
    fmt = settings.plan_format or checkout.plan_format
    if fmt == "changesets" and request.version_type in PRERELEASE_TYPES:
        raise UsageError(
            f"changesets plans support major, minor and patch, not {request.version_type!r}"
        )
    projects, conventions = checkout.projects, checkout.conventions
    # A workspace release refuses whatever it would release: no plan is written for it.
    conventions.release_config.check_skipped_dependencies()
    name = _only_project(projects) if request.project is None else request.project
    if request.commit is None:
        # changeset add commits the changeset it writes when the config's commit is on.
        wanted = fmt == "changesets" and conventions.release_config.plan_commit is True
        request = replace(request, commit=wanted)
    groups = conventions.release_config.group_names
    group: tuple[str, ...] | None = None
    if name in groups and name not in {p.name for p in projects}:
        if request.version_type == "auto":
            # auto is also the default: say what the group's plan lacks, not what was asked.
            raise UsageError(
                f"a plan for the release group {one_line(name)} needs --version-type "
                "(major, minor, patch...): analyze decides for one project, not for a group"
            )
        group = groups[name]
        in_group = [p for p in projects if p.name in group]
        _refuse_held_back(conventions.release_config, in_group, name)
    else:
        project = find_project(projects, name)
        _refuse_held_back(conventions.release_config, [project])
    # Checked before anything is written, so an unpushable plan is never left behind.
    branch = push_target(git, settings.remote) if request.push else None

    if request.only_touched:
        members = [project.name] if group is None else list(group)
        untouched = _untouched(git, settings, projects, conventions, members)
        if untouched is not None:
            return PlanResult(
                project=name,
                message=(
                    f"{one_line(name)} has no changes since {one_line(untouched)}: no plan written"
                ),
            )
    if group is not None:
        result = _write_group_plan(git, root, request, name, group, fmt)
        return _commit_and_push(git, root, settings, request, result, branch)

    decision: Decision | None = None
    # auto measures from where the last release left off, tagged or not, as release --auto.
    base = settings.base
    if request.version_type == "auto":
        from release_tools.analysis.service import run_analysis

        prefix = release_commit_prefix(settings, conventions)
        base = analysis_base(git, settings, projects, project, conventions, prefix)
        decision = run_analysis(settings.model_copy(update={"project": project.name, "base": base}))
        auto = analyzed_type(decision, settings)
        if auto is None:
            return PlanResult(
                project=project.name,
                message=(
                    f"analyze found nothing to release for {one_line(project.name)}: "
                    "no plan written"
                ),
                decision=decision,
            )
        release_type: ReleaseType = auto
    else:
        release_type = next(t for t in RELEASE_TYPES if t == request.version_type)

    body = (request.message or "").strip()
    if not body and decision is not None:
        rng = plan_range(git, settings, projects, project.name, base, conventions)
        paths = project_pathspecs(git, project, rng.head_sha, conventions)
        commits = without_release_commits(
            git.commits(None if rng.first_release else rng.base_sha, rng.head_sha, paths),
            release_commit_prefix(settings, conventions),
        )
        body = grouped_subjects(commits, commit_types(settings))
    if not body:
        body = default_message(release_type, project.name)
    confinement = Confinement(root, git.git_dir())
    path = write_plan(
        root,
        {project.name: release_type},
        body,
        fmt,
        now_ms=request.now_ms,
        check=confinement.check,
    )
    result = PlanResult(
        project=project.name,
        message=f"wrote {path}: {one_line(project.name)} {release_type}",
        path=path,
        version_type=release_type,
        body=body,
        decision=decision,
        projects={project.name: release_type},
        plan_format=fmt,
    )
    return _commit_and_push(git, root, settings, request, result, branch)


def _refuse_held_back(
    config: WorkspaceReleaseConfig, members: Sequence[Project], group: str | None = None
) -> None:
    """Refuse a plan whose every project the workspace never releases (ignored, private and
    not versioned, or without a version: :meth:`WorkspaceReleaseConfig.held_back`): no release
    would ever use it up. A ``group`` with one member released gets its plan."""
    reasons = [(p.name, config.held_back(p)) for p in members]
    if not reasons or any(reason is None for _, reason in reasons):
        return
    why = "; ".join(f"{one_line(name)}: {reason}" for name, reason in reasons)
    if group is None:
        subject = f"{one_line(reasons[0][0])} is never released ({reasons[0][1]})"
    else:
        subject = f"no member of the release group {one_line(group)} is ever released ({why})"
    raise UsageError(f"{subject}: a plan for it would never be used up")


def _untouched(
    git: Git,
    settings: Settings,
    projects: Sequence[Project],
    conventions: Conventions,
    members: Sequence[str],
) -> str | None:
    """None when one of ``members`` has changes in its range; else where the ranges start.

    Each member is measured from ``--base`` or from its own latest release tag, as a
    project's plan is, so a group plan is written when any of its members moved.
    """
    starts: list[str] = []
    for name in members:
        rng = plan_range(git, settings, projects, name, settings.base, conventions)
        touched = touched_projects(git, rng, projects, changelog=settings.changelog)
        if any(p.name == name for p in touched):
            return None
        starts.append(rng.base_ref)
    distinct = list(dict.fromkeys(starts))
    return distinct[0] if len(distinct) == 1 else ", ".join(distinct)


def _commit_and_push(
    git: Git,
    root: Path,
    settings: Settings,
    request: PlanRequest,
    result: PlanResult,
    branch: str | None,
) -> PlanResult:
    """Commit the plan ``result`` wrote when asked (``--push`` implies it), then push it."""
    if result.path is None or not (request.commit or request.push):
        return result
    result.commit = commit_plan(
        git,
        root,
        result.path,
        f"chore: version plan for {result.project} ({result.version_type})",
        verify=not settings.no_verify,
    )
    if branch is not None:
        push_plan(git, settings.remote, branch, result.commit)
        result.pushed = True
    return result


def _write_group_plan(
    git: Git,
    root: Path,
    request: PlanRequest,
    name: str,
    members: Sequence[str],
    fmt: PlanFormatName,
) -> PlanResult:
    """A plan naming a release group (every member moves) in format ``fmt``, written like a
    project's.

    Only the file is written here; committing and pushing are the caller's.
    """
    kind = next(t for t in RELEASE_TYPES if t == request.version_type)
    body = (request.message or "").strip() or default_message(kind, name)
    path = write_plan(
        root,
        {name: kind},
        body,
        fmt,
        now_ms=request.now_ms,
        check=Confinement(root, git.git_dir()).check,
    )
    return PlanResult(
        project=name,
        message=(f"wrote {path}: {one_line(name)} {kind} (group: {one_line(', '.join(members))})"),
        path=path,
        version_type=kind,
        body=body,
        projects={name: kind},
        plan_format=fmt,
        members=list(members),
    )
