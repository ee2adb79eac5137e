"""``create-version-plan`` and ``plan-check`` as plain functions.

``create_version_plan`` validates everything (project, type, format, push target) before it
writes a single file, so a refused request leaves the tree untouched. ``auto`` asks ``analyze``
for the project's release type and writes the range's commit subjects as the plan's body,
grouped by changelog section (the analyzer's evidence is for review, not for readers of a
changelog). ``--project`` may name a release group of ``nx.json``.

``check_plans`` is the pull-request guard, in the spirit of ``nx release plan:check``: every
project touched between base and head must be named by a pending plan at head (directly or
through a group). Without a base (and outside a pull request), each project is measured from
its own latest release tag, found the way ``analyze`` and ``release`` find it, so a workspace
whose projects are released separately does not count changes that are already released.
Projects that ``.changeset/config.json`` ignores need no plan.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from release_tools.analysis.diff import empty_tree
from release_tools.analysis.models import Decision
from release_tools.analysis.range import ResolvedRange, resolve_range
from release_tools.config import Settings
from release_tools.errors import PlanError, UsageError, VersionError
from release_tools.git import Commit, Git
from release_tools.plans import (
    PLAN_DIRS,
    VersionPlan,
    default_message,
    is_plan_path,
    load_plan,
    read_plans,
    validate_plans,
    with_project_names,
    write_plan,
)
from release_tools.plans.store import with_groups
from release_tools.release.committypes import commit_types
from release_tools.release.confine import Confinement
from release_tools.release.plangit import commit_plan, push_plan, push_target
from release_tools.release.versions import find_projects, is_workspace
from release_tools.versioning.boundaries import project_pathspecs
from release_tools.versioning.changelogfile import CHANGELOG_NAMES
from release_tools.versioning.commit_types import SECTIONS, CommitTypes
from release_tools.versioning.conventions import Conventions, read_conventions
from release_tools.versioning.projects import Project, find_project, owning_project
from release_tools.versioning.releaseconfig import infer_plan_format
from release_tools.versioning.semver import PRERELEASE_TYPES, RELEASE_TYPES, ReleaseType, Version

__all__ = [
    "EXIT_PLANS_MISSING",
    "PlanCheckResult",
    "PlanRequest",
    "PlanResult",
    "PlansMissingError",
    "check_plans",
    "create_version_plan",
    "touched_projects",
]

log = logging.getLogger(__name__)

#: ``plan-check``'s exit code when touched projects lack a plan: distinct from 1 (git or
#: configuration failure) so CI can tell "add a plan" from "the check itself broke".
EXIT_PLANS_MISSING = 4


class PlansMissingError(PlanError):
    """Touched projects have no pending version plan (``plan-check`` exits 4)."""

    exit_code = EXIT_PLANS_MISSING


VERSION_TYPES: tuple[str, ...] = ("major", "minor", "patch", *sorted(PRERELEASE_TYPES), "auto")


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """The ``create-version-plan`` flags."""

    project: str
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


@dataclass(slots=True)
class PlanCheckResult:
    """Projects touched in the range, and which of them lack a pending plan."""

    base: str
    head: str
    touched: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: Plans counted from the working tree that are not committed at head (yet).
    uncommitted: list[str] = field(default_factory=list)
    #: What the check had to work around, for the user to know (a base ref it could not use).
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every touched project has a plan."""
        return not self.missing


def _ignored_for_check(path: str, changelog: str | None) -> bool:
    # Plans and changelogs are release bookkeeping, not changes that need a plan.
    name = PurePosixPath(path).name
    if changelog is None:
        return is_plan_path(path) or name in CHANGELOG_NAMES
    return is_plan_path(path) or bool(changelog and name == changelog)


def touched_projects(
    git: Git, rng: ResolvedRange, projects: Sequence[Project], *, changelog: str | None = ""
) -> list[Project]:
    """Projects owning at least one path changed in ``rng`` (in discovery order)."""
    if rng.is_empty:
        return []
    changed = git.changed_paths(rng.diff_base or rng.base_sha, rng.head_sha)
    owners: set[str] = set()
    for path in changed:
        if _ignored_for_check(path, changelog):
            continue
        owner = owning_project(projects, path)
        if owner is not None:
            owners.add(owner.name)
    return [p for p in projects if p.name in owners]


def _conventions(git: Git, settings: Settings, projects: Sequence[Project]) -> Conventions:
    return read_conventions(
        git,
        git.toplevel(),
        projects,
        head=settings.head,
        tag_format=settings.tag_format,
        tag_pattern=settings.tag_pattern,
        changelog=settings.changelog,
    )


def _range(
    git: Git,
    settings: Settings,
    projects: Sequence[Project],
    project: str | None,
    base: str | None,
    conventions: Conventions | None = None,
) -> ResolvedRange:
    root = next((p.name for p in projects if p.path in (".", "")), None)
    workspace = is_workspace(projects)
    scheme_name = project if workspace else root
    scheme = None
    if conventions is not None and scheme_name is not None and scheme_name in conventions.projects:
        scheme = conventions.of(scheme_name).tag_scheme
    return resolve_range(
        git,
        base=base,
        head=settings.head,
        tag_pattern=settings.tag_pattern,
        project=project if workspace else None,
        root_name=root,
        scheme=scheme,
        scheme_name=scheme_name,
    )


def _grouped_subjects(commits: Sequence[Commit], types: CommitTypes) -> str:
    """The range's commit subjects as a Markdown list under changelog section headings.

    Conventional Commits subjects lose their ``type:`` prefix to the section they name
    (``feat`` -> Added); types without a section (chore, docs, ci...) are left out; other
    subjects go under Changed. Empty when no commit is worth a changelog line.
    """
    from release_tools.release.changelog import entries_from_commits

    conventional = entries_from_commits(commits, types)
    listed = {c.sha[:7] for c in commits if c.sha[:7] in {e.ref for e in conventional}}
    plain = [
        c.subject.strip()
        for c in commits
        if c.sha[:7] not in listed
        and c.subject.strip()
        and not c.subject.startswith(("Merge ", "chore", "docs", "ci", "test", "style", "build"))
        and ":" not in c.subject.split(" ", 1)[0]
    ]
    lines: list[str] = []
    for section in SECTIONS:
        bullets = [
            ("**Breaking:** " if e.breaking else "") + e.text.split("\n", 1)[0]
            for e in conventional
            if e.group == section
        ]
        if section == "Changed":
            bullets += plain
        bullets = list(dict.fromkeys(bullets))
        if bullets:
            lines += ["", f"### {section}", "", *[f"- {b}" for b in bullets]]
    return "\n".join(lines).strip()


def _auto_type(decision: Decision, settings: Settings) -> ReleaseType | None:
    if decision.version_type == "unknown":
        return None
    kind: ReleaseType = decision.version_type
    if kind == "major" and decision.current_version and not settings.major_on_zero:
        try:
            current = Version.parse(decision.current_version)
        except VersionError:
            return kind
        if current.major == 0:
            # analyze treats a breaking change on 0.x as minor unless major_on_zero; a plan
            # says "major" literally (0.x -> 1.0.0), so record what analyze meant.
            return "minor"
    return kind


def create_version_plan(settings: Settings, request: PlanRequest) -> PlanResult:
    """Write one version plan for ``request.project`` (see the module docstring)."""
    if request.version_type not in VERSION_TYPES:
        raise UsageError(
            f"invalid version type {request.version_type!r} "
            f"(expected one of {', '.join(VERSION_TYPES)})"
        )
    git = Git(settings.repo)
    root = git.toplevel()
    fmt = settings.plan_format or infer_plan_format(root)
    if fmt == "changesets" and request.version_type in PRERELEASE_TYPES:
        raise UsageError(
            f"changesets plans support major, minor and patch, not {request.version_type!r}"
        )
    projects = find_projects(git, root)
    conventions = _conventions(git, settings, projects)
    if request.commit is None:
        # changeset add commits the changeset it writes when the config's commit is on.
        wanted = fmt == "changesets" and conventions.release_config.plan_commit is True
        request = replace(request, commit=wanted)
    groups = conventions.release_config.group_names
    group: tuple[str, ...] | None = None
    if request.project in groups and request.project not in {p.name for p in projects}:
        if request.version_type == "auto":
            raise UsageError("--version-type auto needs a project, not a release group")
        group = groups[request.project]
    else:
        project = find_project(projects, request.project)
    # Checked before anything is written, so an unpushable plan is never left behind.
    branch = push_target(git, settings.remote) if request.push else None

    if request.only_touched:
        members = [project.name] if group is None else list(group)
        untouched = _untouched(git, settings, projects, conventions, members)
        if untouched is not None:
            return PlanResult(
                project=request.project,
                message=f"{request.project} has no changes since {untouched}: no plan written",
            )
    if group is not None:
        result = _write_group_plan(git, root, settings, request, group)
        return _commit_and_push(git, root, settings, request, result, branch)

    decision: Decision | None = None
    if request.version_type == "auto":
        from release_tools.analysis.service import run_analysis

        decision = run_analysis(settings.model_copy(update={"project": project.name}))
        auto = _auto_type(decision, settings)
        if auto is None:
            return PlanResult(
                project=project.name,
                message=f"analyze found nothing to release for {project.name}: no plan written",
                decision=decision,
            )
        release_type: ReleaseType = auto
    else:
        release_type = next(t for t in RELEASE_TYPES if t == request.version_type)

    body = (request.message or "").strip()
    if not body and decision is not None:
        rng = _range(git, settings, projects, project.name, settings.base, conventions)
        paths = project_pathspecs(git, project, rng.head_sha, conventions)
        commits = git.commits(None if rng.first_release else rng.base_sha, rng.head_sha, paths)
        body = _grouped_subjects(commits, commit_types(settings))
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
        message=f"wrote {path}: {project.name} {release_type}",
        path=path,
        version_type=release_type,
        body=body,
        decision=decision,
        projects={project.name: release_type},
        plan_format=fmt,
    )
    return _commit_and_push(git, root, settings, request, result, branch)


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
        rng = _range(git, settings, projects, name, settings.base, conventions)
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
    git: Git, root: Path, settings: Settings, request: PlanRequest, members: Sequence[str]
) -> PlanResult:
    """A plan naming a release group (every member moves), written like a project's.

    Only the file is written here; committing and pushing are the caller's.
    """
    kind = next(t for t in RELEASE_TYPES if t == request.version_type)
    body = (request.message or "").strip() or default_message(kind, request.project)
    fmt = settings.plan_format or infer_plan_format(root)
    path = write_plan(
        root,
        {request.project: kind},
        body,
        fmt,
        now_ms=request.now_ms,
        check=Confinement(root, git.git_dir()).check,
    )
    return PlanResult(
        project=request.project,
        message=f"wrote {path}: {request.project} {kind} (group: {', '.join(members)})",
        path=path,
        version_type=kind,
        body=body,
        projects={request.project: kind},
        plan_format=fmt,
        members=list(members),
    )


def _plans_at(git: Git, ref: str) -> list[VersionPlan]:
    plans = []
    for path in git.ls_files(ref, list(PLAN_DIRS)):
        if not is_plan_path(path):
            continue
        data = git.show_file(ref, path)
        if data is not None:
            plans.append(load_plan(path, data.decode("utf-8", "replace")))
    return plans


def _per_project_touched(
    git: Git, settings: Settings, projects: Sequence[Project], conventions: Conventions
) -> tuple[list[Project], str]:
    """Projects with changes since their own latest release tag (or ever, when unreleased)."""
    head = git.resolve(settings.head)
    touched: list[Project] = []
    for project in projects:
        latest = conventions.of(project.name).latest_tag
        if latest is not None:
            base = git.merge_base(git.resolve(f"refs/tags/{latest.tag}"), head)
            if base == head:
                continue
            changed = git.changed_paths(base, head)
        else:
            changed = git.changed_paths(empty_tree(git), head)
        if any(
            owning_project(projects, path) == project
            for path in changed
            if not _ignored_for_check(path, settings.changelog)
        ):
            touched.append(project)
    return touched, "each project's latest release tag"


def check_plans(settings: Settings, *, environ: Mapping[str, str] | None = None) -> PlanCheckResult:
    """Which projects touched between base and head have no pending plan at head.

    Without ``--base``, a pull request's target branch (``GITHUB_BASE_REF``, as
    ``origin/<branch>``) is used when it resolves, then changesets' ``baseBranch`` when HEAD is
    on another branch; else, in a workspace, each project is measured from its own latest
    release tag, and a single project from its latest release tag like ``analyze``.
    """
    env = os.environ if environ is None else environ
    git = Git(settings.repo)
    root = git.toplevel()
    projects = find_projects(git, root)
    conventions = _conventions(git, settings, projects)
    config = conventions.release_config
    base = settings.base
    unfetched: str | None = None
    if base is None and env.get("GITHUB_BASE_REF"):
        candidate = f"{settings.remote}/{env['GITHUB_BASE_REF']}"
        if git.ok("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"):
            base = candidate
        else:
            # The usual shallow pull-request checkout: the target branch is not fetched.
            unfetched = candidate
    if base is None and config.base_branch and git.current_branch() != config.base_branch:
        for candidate in (f"{settings.remote}/{config.base_branch}", config.base_branch):
            if git.ok("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"):
                base = candidate
                break
    rng = _range(git, settings, projects, None, base, conventions)
    base_label = rng.base_ref
    if base is None and is_workspace(projects):
        touched, base_label = _per_project_touched(git, settings, projects, conventions)
    else:
        touched = touched_projects(git, rng, projects, changelog=settings.changelog)
    # Projects the configuration never releases need no plan.
    touched = [p for p in touched if config.held_back(p) is None]
    warnings: list[str] = []
    if unfetched is not None:
        used = base or base_label
        warnings.append(
            f"GITHUB_BASE_REF is set but {unfetched} is not available (a shallow checkout? "
            f"fetch it, or check out with fetch-depth: 0); measured from {used} instead"
        )
    plans = _plans_at(git, rng.head_sha)
    uncommitted: list[str] = []
    if rng.head_sha == git.resolve("HEAD"):
        # Checking the checked-out commit: a plan just written counts, as `release` (which
        # reads the working tree) would use it; the result names it so it gets committed.
        committed = {plan.path for plan in plans}
        for plan in read_plans(root):
            if plan.path not in committed:
                plans.append(plan)
                uncommitted.append(plan.path)
    plans = with_project_names(with_groups(plans, config.group_names), projects)
    validate_plans(plans, projects)
    planned = sorted({p.name for p in projects if any(plan.type_for(p.name) for plan in plans)})
    return PlanCheckResult(
        base=base_label,
        head=rng.head_ref,
        touched=[p.name for p in touched],
        planned=planned,
        missing=[p.name for p in touched if p.name not in planned],
        uncommitted=uncommitted,
        warnings=warnings,
    )
