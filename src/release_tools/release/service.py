"""``release`` as a plain function: plans -> versions -> files -> commit -> tag -> push -> publish.

Everything that changes files is staged first (:class:`FileTransaction`) and checked before the
first write: a dry run stops there and lists every action. The writes are then applied
all-or-nothing; if ``git add``/``git commit`` fails the files and the index are put back, so a
failure before the commit leaves the tree exactly as it was. After the commit, each step says
precisely what already happened when it fails (the commit exists, the tag exists ...).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from release_tools.analysis.range import resolve_range
from release_tools.config import Settings
from release_tools.errors import GitError, ReleaseError
from release_tools.git import Git
from release_tools.plans import VersionPlan, consume_plan, read_plans, validate_plans
from release_tools.release.changelog import (
    ChangelogEntry,
    entries_from_commits,
    entry_from_text,
    insert_section,
    render_section,
)
from release_tools.release.files import FileTransaction
from release_tools.release.publish import PublishOutcome, run_publish
from release_tools.release.versions import ProjectRelease, compute_releases, is_workspace
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.projects import Project, discover_projects, find_project

__all__ = ["ReleaseOptions", "ReleaseResult", "run_release"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReleaseOptions:
    """The ``release`` flags that are not settings."""

    dry_run: bool = False
    skip_publish: bool = False
    commit: bool = True
    tag: bool = True
    push: bool = False
    preid: str = "rc"
    #: The release date written in the changelog (today when None; tests pin it).
    today: date | None = None


@dataclass(slots=True)
class ReleaseResult:
    """What ``release`` did (or, in a dry run, would do)."""

    released: bool
    dry_run: bool
    message: str
    releases: list[ProjectRelease] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    #: Steps left out on purpose, and why ("no push (use --push)").
    skipped: list[str] = field(default_factory=list)
    commit: str | None = None
    tags: list[str] = field(default_factory=list)
    pushed: bool = False
    published: list[PublishOutcome] = field(default_factory=list)
    #: Things the release could not fix for the user (a sibling's range excludes a version).
    warnings: list[str] = field(default_factory=list)


def _commit_message(releases: Sequence[ProjectRelease]) -> str:
    return "chore(release): " + ", ".join(f"{r.project.name} {r.version}" for r in releases)


def _changelog_path(settings: Settings, project: Project) -> str | None:
    if not settings.changelog:
        return None
    if project.path in (".", ""):
        return settings.changelog
    return f"{project.path.rstrip('/')}/{settings.changelog}"


def _commit_entries(
    git: Git, settings: Settings, release: ProjectRelease, workspace: bool, root_name: str | None
) -> list[ChangelogEntry]:
    if not git.has_commits():
        return []
    project = release.project
    rng = resolve_range(
        git,
        base=None,
        head="HEAD",
        tag_pattern=settings.tag_pattern,
        project=project.name if workspace else None,
        root_name=root_name,
    )
    paths = () if project.path in (".", "") else (project.path,)
    base = None if rng.first_release else rng.base_sha
    commits = [
        c
        for c in git.commits(base, rng.head_sha, paths)
        if not c.subject.startswith("chore(release)")
    ]
    return entries_from_commits(commits)


def _stage_plans(
    txn: FileTransaction,
    plans: Sequence[VersionPlan],
    released: set[str],
    projects: Sequence[Project],
) -> None:
    """Delete plans fully consumed; keep what the others still promise unreleased projects."""
    names = [p.name for p in projects]
    for plan in plans:
        if not any(plan.type_for(name) for name in released):
            continue
        remaining = consume_plan(plan, txn.read(plan.path) or "", released, names)
        if remaining is None:
            txn.delete(plan.path, "consumed version plan")
        else:
            txn.write(plan.path, remaining, "version plan partly consumed")


def _stage(
    txn: FileTransaction,
    git: Git,
    settings: Settings,
    projects: Sequence[Project],
    releases: Sequence[ProjectRelease],
    plans: Sequence[VersionPlan],
    today: date,
    notes: list[str],
) -> None:
    workspace = is_workspace(projects)
    root_name = next((p.name for p in projects if p.path in (".", "")), None)
    for release in releases:
        project = release.project
        edits = version_edits(
            txn.root,
            project,
            release.version,
            read=txn.read,
            projects=projects,
            version_variables=settings.version_variables,
            tag=release.tag,
            notes=notes,
        )
        own = f"{project.name} {release.previous or '-'} -> {release.version}"
        others = {p.manifest: p.name for p in projects if p.name != project.name}
        for path, text in edits.items():
            # Another project's manifest changes here only because it depends on this one.
            reason = own if path not in others else f"{others[path]}: dependency {own}"
            txn.write(path, text, reason)
        changelog = _changelog_path(settings, project)
        if changelog is None:
            continue
        entries = [
            entry
            for plan in release.plans
            if (kind := plan.type_for(project.name)) is not None
            and (entry := entry_from_text(plan.body, kind)) is not None
        ]
        if settings.changelog_commits:
            entries += _commit_entries(git, settings, release, workspace, root_name)
        if not entries and release.group:
            # Moved only because it shares its version with planned members: say so, like
            # lerna's and Nx's "version bump only" for fixed groups.
            together = ", ".join(release.group)
            entries.append(
                ChangelogEntry(
                    "Changed", f"Version bump only: released together with {together}.", False
                )
            )
        section = render_section(release.version, today, entries)
        txn.write(
            changelog,
            insert_section(txn.read(changelog), section),
            f"{project.name} {release.version} changelog",
        )
    _stage_plans(txn, plans, {r.project.name for r in releases}, projects)


def _describe(txn: FileTransaction) -> list[str]:
    actions = []
    for change in txn.changes:
        verb = "delete" if change.content is None else "write"
        # One line per change, so a file written for two reasons shows both.
        actions += [f"{verb} {change.path} ({reason})" for reason in change.reasons]
    return actions


def _preflight(
    git: Git, settings: Settings, options: ReleaseOptions, txn: FileTransaction, tags: list[str]
) -> str | None:
    """Refuse, before any write, what would fail later. Returns the branch to push, if any."""
    if options.commit and not git.has_commits():
        raise ReleaseError("the repository has no commits yet: commit the project first")
    if options.commit:
        raw = git.run_bytes(
            "status", "--porcelain", "-z", "--untracked-files=all", "--", *txn.paths
        )
        # -z records are "XY path" (renames add the old path as a separate record).
        records = [r for r in raw.decode("utf-8", "replace").split("\0") if len(r) > 3]
        if records:
            dirty = ", ".join(sorted({r[3:] for r in records}))
            raise ReleaseError(
                f"uncommitted changes in files the release must change: {dirty}; "
                "commit them first (or use --no-commit)"
            )
    if options.commit and options.tag:
        for tag in tags:
            if git.tag_exists(tag):
                raise ReleaseError(f"tag {tag!r} already exists: was this version released?")
    branch: str | None = None
    if options.push and options.commit:
        branch = git.current_branch()
        if branch is None:
            raise ReleaseError("HEAD is detached: check out a branch to push the release")
        if not git.has_remote(settings.remote):
            raise ReleaseError(f"no git remote named {settings.remote!r} to push to")
    return branch


def run_release(settings: Settings, options: ReleaseOptions | None = None) -> ReleaseResult:
    """Release every project with pending plans (or only ``settings.project``)."""
    options = options or ReleaseOptions()
    git = Git(settings.repo)
    root = git.toplevel()
    projects = discover_projects(root)
    if not projects:
        raise ReleaseError(f"no project manifest found in {root}")
    if settings.project is not None:
        find_project(projects, settings.project)
    plans = read_plans(root)
    validate_plans(plans, projects)
    txn = FileTransaction(root)
    releases = compute_releases(
        projects,
        plans,
        read=txn.read,
        git=git,
        tag_pattern=settings.tag_pattern,
        tag_format=settings.tag_format,
        only=settings.project,
        preid=options.preid,
    )
    if not releases:
        scope = f" for {settings.project}" if settings.project else ""
        return ReleaseResult(
            released=False,
            dry_run=options.dry_run,
            message=f"nothing to release{scope}: no pending version plans",
        )
    today = options.today or date.today()
    notes: list[str] = []
    _stage(txn, git, settings, projects, releases, plans, today, notes)
    notes = list(dict.fromkeys(notes))  # a group's members may report one range each
    for note in notes:
        log.warning("%s", note)
    tags = [r.tag for r in releases] if options.commit and options.tag else []
    branch = _preflight(git, settings, options, txn, tags)
    message = _commit_message(releases)
    result = ReleaseResult(
        released=not options.dry_run,
        dry_run=options.dry_run,
        message=", ".join(
            f"{r.project.name} {r.previous or '(unreleased)'} -> {r.version}" for r in releases
        ),
        releases=list(releases),
        actions=_describe(txn),
        warnings=notes,
    )
    git_actions, result.skipped = _plan_git_actions(settings, options, releases, message, branch)
    result.actions += git_actions
    if options.dry_run:
        return result

    txn.apply()
    if not options.commit:
        return result
    try:
        git.add(txn.paths)
        result.commit = git.commit(message, txn.paths)
    except GitError as exc:
        failures = txn.rollback()
        try:
            git.unstage(txn.paths)
        except GitError:
            failures.append("the index")
        detail = f"; could not restore {', '.join(failures)}" if failures else ""
        raise ReleaseError(f"commit failed, files restored: {exc}{detail}") from exc
    log.info("release committed", extra={"commit": result.commit})
    _finish(git, root, settings, options, result, branch)
    return result


def _plan_git_actions(
    settings: Settings,
    options: ReleaseOptions,
    releases: Sequence[ProjectRelease],
    message: str,
    branch: str | None,
) -> tuple[list[str], list[str]]:
    """The git and publish steps to run, and the ones skipped with their reason."""
    actions: list[str] = []
    skipped: list[str] = []
    publish = settings.publish_command
    if not options.commit:
        return [], ["no commit (--no-commit): no tag, no push, no publish"]
    actions.append(f"commit {message!r}")
    if options.tag:
        actions += [f"tag {r.tag}" for r in releases]
    else:
        skipped.append("no tag (--no-tag)")
    if options.push:
        refs = [branch or "HEAD"] + ([r.tag for r in releases] if options.tag else [])
        actions.append(f"push {', '.join(refs)} to {settings.remote}")
    else:
        skipped.append("no push (use --push)")
    if options.skip_publish:
        skipped.append("no publish (--skip-publish)")
    elif not publish:
        skipped.append("no publish (no publish command configured)")
    elif not options.tag:
        skipped.append("no publish (it runs only after the tag exists)")
    else:
        actions += [f"publish {r.project.name} {r.version}: {publish}" for r in releases]
    return actions, skipped


def _finish(
    git: Git,
    root: Path,
    settings: Settings,
    options: ReleaseOptions,
    result: ReleaseResult,
    branch: str | None,
) -> None:
    """Tag, push and publish after the commit; errors say what already exists."""
    short = (result.commit or "")[:10]
    if options.tag:
        for release in result.releases:
            try:
                git.tag(release.tag, f"{release.project.name} {release.version}")
            except GitError as exc:
                raise ReleaseError(
                    f"release commit {short} created but tagging {release.tag} failed: {exc}"
                ) from exc
            result.tags.append(release.tag)
    if options.push and branch is not None:
        refs = [f"HEAD:refs/heads/{branch}", *(f"refs/tags/{t}" for t in result.tags)]
        try:
            git.push(settings.remote, refs)
        except GitError as exc:
            raise ReleaseError(
                f"release commit {short} and tags created locally but the push failed: {exc}"
            ) from exc
        result.pushed = True
    command = settings.publish_command
    if options.skip_publish or not command or not options.tag:
        return
    for release in result.releases:
        if release.tag not in result.tags:
            continue  # publish only what is tagged
        outcome = run_publish(
            command,
            root=root,
            name=release.project.name,
            version=release.version,
            tag=release.tag,
            path=release.project.path,
        )
        result.published.append(outcome)
