"""``release`` as a plain function: plans -> versions -> files -> commit -> tag -> push -> publish
-> forge release.

Everything that changes files is staged first (:class:`FileTransaction`), every path confined
to the work tree (:mod:`~release_tools.release.confine`), and checked before the first write:
tag names (``git check-ref-format``), existing tags, a detached HEAD, a held index lock,
uncommitted changes in the files to change, the remote. A dry run stops there, lists every
action and reports the same refusals (states a real run would refuse, such as uncommitted plans,
are collected in the result's ``refused``, so the preview is still shown, each reason once); it
writes nothing, not even the cache of ``--auto``'s analysis. The release itself is a transaction
with a journal (:mod:`~release_tools.release.transaction`): a failure or an interruption before
the commit leaves the tree exactly as it was; after the commit, an unfinished release is
finished with ``--resume`` or undone with ``--abort``, and every other run says so until then.
A release killed before its commit is restored and made again by ``--resume``; one of ``--auto``
from the plans its journal keeps, not from a new analysis, and only from the commit it was
analyzed at and at the versions it was making (else it is refused). The GitHub or GitLab
releases of ``--forge-release`` (:mod:`~release_tools.release.forge.steps`) are planned and
checked with the rest, and made last, once the tags are on the remote.

Private projects are released (files, commit) but never published, and tagged only when the
changesets configuration asks for it (:attr:`ProjectRelease.tagged`); every step left out for
them is listed in the result's ``skipped`` with the reason.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from release_tools.analysis.cachedir import read_only
from release_tools.config import Settings
from release_tools.errors import ReleaseError, UsageError, VersionError
from release_tools.git import Git
from release_tools.plans import (
    VersionPlan,
    consume_plan,
    validate_plans,
    with_project_names,
)
from release_tools.plans.store import with_groups
from release_tools.release.autoplans import (
    AnalyzedProject,
    analyzed_plans,
    auto_record,
    recorded_plans,
    with_exact_versions,
)
from release_tools.release.autotype import release_template
from release_tools.release.calendars import release_calendar
from release_tools.release.cascade import node_rule, projects_following, releases_with_dependents
from release_tools.release.changelog import (
    ChangelogEntry,
    entries_from_body,
    entries_from_commits,
    insert_styled,
)
from release_tools.release.committypes import commit_types
from release_tools.release.confine import Confinement
from release_tools.release.files import FileTransaction
from release_tools.release.forge.steps import (
    OnPushed,
    forge_requested,
    make_forge_releases,
    plan_release_forge,
    resume_with_forge,
)
from release_tools.release.gitsteps import plan_git_actions, release_tags
from release_tools.release.journal import Journal, recording_auto
from release_tools.release.lock import release_lock
from release_tools.release.preflight import check_forge, check_options, preflight
from release_tools.release.premode import (
    LEAVE_MESSAGE,
    check_pre_options,
    leaves_pre_mode,
    left_without_releases,
    pre_mode_versions,
    read_pre_state,
    stage_pre_mode,
)
from release_tools.release.recovery import abort
from release_tools.release.results import ReleaseOptions, ReleaseResult
from release_tools.release.sparse import (
    Checkout,
    checkout_plans,
    read_checkout,
    refuse_left_out,
    refuse_outside_checkout,
)
from release_tools.release.transaction import execute, journal_path, landed_commit
from release_tools.release.versions import (
    ProjectRelease,
    held_back,
    refuse_mixed_changesets,
    with_fixed_groups,
)
from release_tools.text import clean_text
from release_tools.versioning.boundaries import project_pathspecs
from release_tools.versioning.calver import CalendarChoice
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.manifestversions import Reader
from release_tools.versioning.projectlookup import find_project
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig
from release_tools.versioning.semver import Version

__all__ = ["ReleaseOptions", "ReleaseResult", "run_release"]

log = logging.getLogger(__name__)


def _message_template(settings: Settings, conventions: Conventions) -> str:
    """The release commit's template (see :func:`release_template`)."""
    return release_template(settings, conventions)


def _commit_message(template: str, releases: Sequence[ProjectRelease]) -> str:
    names = ", ".join(f"{r.project.name} {r.version}" for r in releases)
    tags = ", ".join(release_tags(releases))
    versions = {r.version for r in releases}
    version = next(iter(versions)) if len(versions) == 1 else names
    return clean_text(template.format(releases=names, tags=tags, version=version))


def _release_commit_prefix(template: str) -> str:
    """The fixed start of release commit messages (to leave them out of changelogs)."""
    return template.split("{", 1)[0]


def _commit_entries(
    git: Git, settings: Settings, release: ProjectRelease, conventions: Conventions
) -> list[ChangelogEntry]:
    if not git.has_commits():
        return []
    project = release.project
    latest = conventions.of(project.name).latest_tag
    base = git.merge_base(git.resolve(f"refs/tags/{latest.tag}"), "HEAD") if latest else None
    # A Go module's own files: not those of the nested modules released apart from it.
    paths = project_pathspecs(git, project, conventions=conventions)
    prefix = _release_commit_prefix(_message_template(settings, conventions))
    commits = [
        c
        for c in git.commits(base, git.resolve("HEAD"), paths)
        if not (prefix and c.subject.startswith(prefix))
    ]
    return entries_from_commits(commits, commit_types(settings))


def _checkout_reader(txn: FileTransaction, git: Git, root: Path, checkout: Checkout) -> Reader:
    """What the release reads: the files as staged so far, else as a full checkout holds
    them (HEAD's where a sparse checkout leaves them out), so that a dependent's manifest or a
    project's changelog left out is judged as a full checkout would judge it. Writing such a
    file is refused before anything is written (see :func:`refuse_left_out`)."""
    if not checkout.left_out:
        return txn.read

    def read(rel: str) -> str | None:
        if checkout.leaves_out(rel) and rel not in txn.paths:
            return checkout.read_text(git, root, rel)
        return txn.read(rel)

    return read


def _stage_plans(
    txn: FileTransaction,
    read: Reader,
    plans: Sequence[VersionPlan],
    released: set[str],
    projects: Sequence[Project],
    *,
    whole: bool,
) -> None:
    """Delete plans fully consumed; keep what the others still promise unreleased projects.

    A changeset of ``none`` lines only, or naming nothing at all (``changeset add --empty``),
    promises nothing: a release of the ``whole`` workspace (no ``--project``) uses it up, as
    ``changeset version`` uses up every changeset it reads."""
    names = [p.name for p in projects]
    for plan in plans:
        if not plan.path:
            continue  # a plan of ``--auto`` has no file
        if whole and released and plan.format == "changesets" and not plan.entries:
            what = "none lines only" if plan.none_entries else "names no package"
            txn.delete(plan.path, f"consumed version plan ({what})")
            continue
        # A plan naming a released project only with ``none`` is done with for it too.
        if not any(plan.mentions(name) for name in released):
            continue
        remaining = consume_plan(plan, read(plan.path) or "", released, names)
        if remaining is None:
            txn.delete(plan.path, "consumed version plan")
        else:
            txn.write(plan.path, remaining, "version plan partly consumed")


def _stage(
    txn: FileTransaction,
    read: Reader,
    git: Git,
    settings: Settings,
    projects: Sequence[Project],
    releases: Sequence[ProjectRelease],
    plans: Sequence[VersionPlan],
    today: date,
    notes: list[str],
    conventions: Conventions,
    *,
    tagging: bool,
) -> None:
    """Write each release's files and use up its plans; ``tagging`` is whether the release
    makes its tags (not with ``--no-tag`` or ``--no-commit``): changelog links compare tags."""
    types = commit_types(settings)
    following = projects_following(settings, conventions, projects, releases, read, notes)
    for release in releases:
        project = release.project
        edits = version_edits(
            txn.root,
            project,
            release.version,
            read=read,
            projects=following,
            version_variables=settings.version_variables,
            tag=release.tag,
            notes=notes,
            node_rule=node_rule(settings, conventions, release),
        )
        own = f"{project.name} {release.previous or '-'} -> {release.version}"
        others = {p.manifest: p.name for p in projects if p.name != project.name}
        for path, text in edits.items():
            # Another project's manifest changes here only because it depends on this one.
            reason = own if path not in others else f"{others[path]}: dependency {own}"
            txn.write(path, text, reason)
        changelog_file = conventions.of(project.name).changelog
        changelog = changelog_file.path
        if changelog is None:
            continue
        entries = [
            entry
            for plan in release.plans
            if (kind := plan.type_for(project.name)) is not None
            for entry in entries_from_body(plan.body, kind, types)
        ]
        if release.dependency_only:
            entries.append(
                ChangelogEntry(
                    "Changed",
                    "Updated dependencies: " + ", ".join(release.dependency_only) + ".",
                    False,
                )
            )
        if settings.changelog_commits:
            entries += _commit_entries(git, settings, release, conventions)
        if not entries and release.group:
            # Moved only because it shares its version with planned members: say so, like
            # lerna's and Nx's "version bump only" for fixed groups.
            together = ", ".join(release.group)
            entries.append(
                ChangelogEntry(
                    "Changed", f"Version bump only: released together with {together}.", False
                )
            )
        txn.write(
            changelog,
            insert_styled(
                read(changelog),
                release.version,
                today,
                entries,
                changelog_file.style,
                tag=release.tag,
                notes=notes,
                tagged=release.tagged and tagging,
            ),
            f"{project.name} {release.version} changelog",
        )
    released = {r.project.name for r in releases}
    _stage_plans(txn, read, plans, released, projects, whole=settings.project is None)


def _analyzed_versions(
    analyzed: Sequence[AnalyzedProject], releases: Sequence[ProjectRelease]
) -> list[str]:
    """A note for each project of ``--auto`` released at another version than analyze
    proposed from the same version: a plan records a release type, not a version, so a
    ``Release-As`` footer's version (or a version group's, a dependency's higher bump) may not
    be the one released. Proposals from another current version (analyze measured from a
    commit, not a tag) are not compared.

    Not asked in changesets' pre mode, where every release is a prerelease analyze does not
    propose."""
    released = {r.project.name: r for r in releases}
    notes: list[str] = []
    for project in analyzed:
        decision = project.decision
        release = released.get(project.name)
        if project.plan is None or release is None or decision.next_version is None:
            continue
        if not _same_version(decision.current_version, release.previous):
            continue
        if not _same_version(decision.next_version, release.version):
            notes.append(
                f"{project.name}: analyze proposed {decision.next_version}, the release makes "
                f"{release.version} ({release.release_type} from {release.previous or 'none'}): "
                "a plan records a release type, not a version"
            )
    return notes


def _exact_versions(
    analyzed: Sequence[AnalyzedProject], conventions: Conventions
) -> Callable[[Sequence[ProjectRelease]], list[ProjectRelease]] | None:
    """What gives each round of releases the exact versions the plans of ``--auto`` carry
    (:func:`with_exact_versions`); None when none does."""
    if not any(a.plan is not None and a.version is not None for a in analyzed):
        return None

    def adjust(releases: Sequence[ProjectRelease]) -> list[ProjectRelease]:
        return with_exact_versions(releases, analyzed, conventions)

    return adjust


def _same_version(one: str | None, other: str | None) -> bool:
    """Whether two versions are one (``1.0.0rc1`` and ``1.0.0-rc.1`` are)."""
    if one is None or other is None:
        return one == other
    try:
        return Version.parse(one) == Version.parse(other)
    except VersionError:
        return one == other


def _describe(txn: FileTransaction) -> list[str]:
    actions = []
    for change in txn.changes:
        verb = "delete" if change.content is None else "write"
        # One line per change, so a file written for two reasons shows both.
        actions += [f"{verb} {change.path} ({reason})" for reason in change.reasons]
    return actions


def _workspace_git_steps(options: ReleaseOptions, config: WorkspaceReleaseConfig) -> ReleaseOptions:
    """``options`` with the commit or tag left out when ``nx.json`` turns them off and no
    flag asked for them."""
    if options.commit and config.git_commit is False and "commit" not in options.explicit:
        options = replace(
            options,
            commit=False,
            no_commit_reason="nx.json release.git.commit: false (--commit overrides)",
        )
    if options.tag and config.git_tag is False and "tag" not in options.explicit:
        options = replace(
            options, tag=False, no_tag_reason="nx.json release.git.tag: false (--tag overrides)"
        )
    return options


def _unfinished(
    git: Git,
    root: Path,
    settings: Settings,
    options: ReleaseOptions,
    on_pushed: OnPushed | None,
) -> ReleaseResult | _Restored | None:
    """Deal with a journal left by an earlier release: a result ends the command; a release
    interrupted before its commit has its files restored, to be made again (``--resume``)."""
    journal = Journal.load(journal_path(git))
    if journal is None:
        if options.resume or options.abort:
            verb = "resume" if options.resume else "abort"
            return ReleaseResult(
                released=False,
                dry_run=options.dry_run,
                message=f"nothing to {verb}: no unfinished release",
            )
        return None
    if options.abort:
        return abort(git, root, journal, options)
    if not options.resume:
        raise ReleaseError(journal.advice(landed_commit(git, journal)))
    if landed_commit(git, journal) is not None:
        return resume_with_forge(git, root, settings, options, journal, on_pushed)
    # Interrupted before its commit: restore the files, then release again from the plans.
    if options.dry_run:
        raise ReleaseError(
            "a dry run cannot preview a resumed release: the interrupted files must be restored "
            "first (run without --dry-run)"
        )
    # What --auto decided is read (and refused when unreadable) before anything is restored.
    analyzed = None
    if journal.auto is not None:
        _refuse_moved_head(git, journal)
        analyzed = recorded_plans(journal.auto, str(journal.path))
    abort(git, root, journal, options)
    return _Restored(journal, analyzed)


@dataclass(frozen=True, slots=True)
class _Restored:
    """A release interrupted before its commit, whose files are restored, to be made again."""

    journal: Journal
    #: The plans ``--auto`` made for it (None: a release of plan files alone).
    analyzed: list[AnalyzedProject] | None


def _refuse_moved_head(git: Git, journal: Journal) -> None:
    """Refuse, before anything is restored, to make an interrupted ``--auto`` release again
    when HEAD has moved since: analyze decided on the commits up to the journal's base, and
    the commits since would go unjudged into a release of the versions decided without them."""
    head = git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False) or None
    if head == journal.base:
        return
    names = ", ".join(f"{r.name} {r.version}" for r in journal.releases)
    raise ReleaseError(
        f"the interrupted release of {names} was analyzed at "
        f"{(journal.base or 'the first commit')[:10]}, and HEAD has moved to "
        f"{(head or 'no commit')[:10]}: run `release-tools release --abort` to restore its "
        "files, then `release-tools release --auto` to analyze again"
    )


def _refuse_other_versions(journal: Journal, releases: Sequence[ProjectRelease]) -> None:
    """Refuse to make an interrupted ``--auto`` release again at other versions than those it
    was making (a plan added since, another ``--project``): its files are restored, so that
    releasing anew is one command away."""
    was = sorted(f"{r.name} {r.version}" for r in journal.releases)
    now = sorted(f"{r.project.name} {r.version}" for r in releases)
    if was == now:
        return
    raise ReleaseError(
        f"the resumed release would make {', '.join(now) or 'nothing'}, where the interrupted "
        f"one was making {', '.join(was)}: its files are restored and nothing is released; "
        "run `release-tools release --auto` to analyze again"
    )


def _refuse_group(name: str, projects: Sequence[Project], config: WorkspaceReleaseConfig) -> None:
    """Refuse ``--project`` naming a release group of ``nx.json`` (not itself a project) with
    a line that says what to do instead, rather than "unknown project"."""
    members = config.group_names.get(name)
    if members is None or any(p.name == name for p in projects):
        return
    listed = ", ".join(clean_text(m) for m in members)
    raise UsageError(
        f"--project {clean_text(name)} names a release group ({listed}), not a project: "
        "release without --project, or name one of its members"
    )


def run_release(
    settings: Settings,
    options: ReleaseOptions | None = None,
    *,
    on_pushed: OnPushed | None = None,
) -> ReleaseResult:
    """Release every project with pending plans (or only ``settings.project``).

    ``on_pushed`` is called with the result once the release is complete and pushed, before
    its forge releases are made (only when some are): a failing forge step then still leaves
    the caller's CI outputs naming the pushed tag.
    """
    options = options or ReleaseOptions()
    check_options(settings, options)
    git = Git(settings.repo)
    root = git.toplevel()
    if options.dry_run:
        return _run_release(git, root, settings, options, on_pushed)
    with release_lock(git.git_dir()):
        return _run_release(git, root, settings, options, on_pushed)


def _run_release(
    git: Git,
    root: Path,
    settings: Settings,
    options: ReleaseOptions,
    on_pushed: OnPushed | None,
) -> ReleaseResult:
    finished = _unfinished(git, root, settings, options, on_pushed)
    if isinstance(finished, ReleaseResult):
        return finished
    # An --auto release interrupted before its commit is made again from the plans it held,
    # for the project it was limited to.
    resumed = finished.journal.auto if finished is not None else None
    if resumed is not None and settings.project is None:
        settings = settings.model_copy(update={"project": resumed.project})
    # The projects and conventions a full checkout holds (see read_checkout): in a sparse
    # checkout, a project it leaves out is then known, and refused by name below.
    checkout = read_checkout(
        git,
        root,
        tag_format=settings.tag_format,
        tag_pattern=settings.tag_pattern,
        changelog=settings.changelog,
    )
    projects, conventions = checkout.projects, checkout.conventions
    if not projects:
        raise ReleaseError(f"no project manifest found in {root}")
    if settings.project is not None:
        _refuse_group(settings.project, projects, conventions.release_config)
        refuse_outside_checkout(git, root, checkout, [settings.project])
        # The project's own spelling from here on (``my_pkg`` names the Python ``my-pkg``).
        settings = settings.model_copy(
            update={"project": find_project(projects, settings.project).name}
        )
    projects = with_fixed_groups(projects, conventions.release_config)
    options = _workspace_git_steps(options, conventions.release_config)
    check_forge(settings, options)
    # Plans are read, and consumed, in the work tree: one the checkout leaves out would be
    # missed where a full checkout releases it.
    # Plans as a full checkout holds them: those the checkout leaves out as the index has
    # them. One consumed whole is deleted from the index alone; one to rewrite is refused
    # below with every other file to write that the checkout leaves out.
    plans = with_groups(checkout_plans(git, root, checkout), conventions.release_config.group_names)
    plans = with_project_names(plans, projects)
    refuse_outside_checkout(
        git,
        root,
        checkout,
        [entry.name for plan in plans for entry in plan.entries if not plan.is_group_entry(entry)],
    )
    validate_plans(plans, projects)
    txn = FileTransaction(root, Confinement(root, git.git_dir()))
    read = _checkout_reader(txn, git, root, checkout)
    pre = read_pre_state(read)
    if pre is not None:
        check_pre_options(pre, settings.project)
    # What changesets refuses about packages it never releases, before any analysis.
    refuse_mixed_changesets(projects, plans, conventions.release_config)
    conventions.release_config.check_skipped_dependencies()
    analyzed: list[AnalyzedProject] = []
    auto_notes: list[str] = []
    auto = options.auto or resumed is not None
    if finished is not None and finished.analyzed is not None:
        analyzed = finished.analyzed
    elif options.auto:
        # In pre mode the changesets earlier prereleases used stay on disk; they no longer
        # speak for their projects' later changes, so analyze judges those.
        pending = pre.deciding(plans) if pre is not None else plans
        # A dry run writes nothing, not even analyze's history cache (it still reads it).
        with read_only() if options.dry_run else contextlib.nullcontext():
            analyzed = analyzed_plans(
                git,
                settings,
                projects,
                conventions,
                pending,
                settings.plan_format or checkout.plan_format,
                read=read,
                release_prefix=_release_commit_prefix(_message_template(settings, conventions)),
                notes=auto_notes,
            )
    plans = [*plans, *(a.plan for a in analyzed if a.plan is not None)]
    deciding = pre.deciding(plans) if pre is not None else plans
    if pre is None:
        adjust = _exact_versions(analyzed, conventions)
    else:
        adjust = pre_mode_versions(pre, plans, projects, conventions, read)
        auto_notes += [
            f"{a.name}: Release-As {a.version} is not applied in changesets' pre mode, where "
            "every release is a prerelease"
            for a in analyzed
            if a.plan is not None and a.version is not None
        ]
    choice = CalendarChoice.of(settings.version_scheme, settings.calver_format)
    releases = releases_with_dependents(
        root,
        settings,
        projects,
        deciding,
        read,
        conventions,
        preid=options.preid,
        adjust=adjust,
        # The release's one date: its calendar versions and changelog headings agree.
        calendar=release_calendar(
            git, projects, conventions, choice, options.today or date.today()
        ),
    )
    if finished is not None and resumed is not None:
        _refuse_other_versions(finished.journal, releases)
    # A dependent moved by the cascade is released as well: its files too must be there.
    refuse_outside_checkout(git, root, checkout, [r.project.name for r in releases])
    held = held_back(projects, plans, conventions.release_config, settings.project)
    if not releases and not leaves_pre_mode(pre):
        scope = f" for {settings.project}" if settings.project else ""
        why = "no pending version plans" + (
            ", and analyze found no change to release" if auto else ""
        )
        for note in auto_notes:
            log.warning("%s", note)
        return ReleaseResult(
            released=False,
            dry_run=options.dry_run,
            message=f"nothing to release{scope}: {why}",
            skipped=held,
            warnings=auto_notes,
            analyzed=analyzed,
        )
    today = options.today or date.today()
    notes: list[str] = [
        *auto_notes,
        *(_analyzed_versions(analyzed, releases) if pre is None else []),
    ]
    # In pre mode changesets are kept or all deleted at once (premode), never consumed singly.
    consumable = [p for p in plans if pre is None or p.format == "nx"]
    _stage(
        txn,
        read,
        git,
        settings,
        projects,
        releases,
        consumable,
        today,
        notes,
        conventions,
        tagging=options.commit and options.tag,
    )
    if pre is not None:
        # Plans of ``--auto`` have no file: nothing to delete when leaving the mode, and no
        # changeset id for pre.json to record.
        stage_pre_mode(txn, pre, [p for p in plans if p.path], releases, projects)
    refuse_left_out(
        checkout,
        [change.path for change in txn.changes if change.content is not None],
        "release writes it in the work tree",
    )
    refusals: list[str] = []
    branch = preflight(git, settings, options, txn, releases, refusals)
    forge = plan_release_forge(git, root, settings, options, txn, releases, conventions, notes)
    refused_code = 1 if refusals else 0
    if forge is not None and options.dry_run and not options.push:
        refusals.append(f"--forge-release {forge_requested(settings)} needs --push")
        refused_code = 2  # a usage error in the real run
    if forge is not None and options.dry_run and forge.problems:
        # The real run stops there with a usage error, unless a refusal above stopped it first.
        refused_code = refused_code or 2
        refusals += forge.problems
    # Refusals are not warnings: the command reports each once, after the preview.
    notes = list(dict.fromkeys(notes))  # a group's members may report one range each
    for note in notes:
        log.warning("%s", note)
    template = _message_template(settings, conventions)
    # Leaving pre mode with nothing to release still commits: the removal of pre.json.
    message = _commit_message(template, releases) if releases else LEAVE_MESSAGE
    result = ReleaseResult(
        released=not options.dry_run,
        dry_run=options.dry_run,
        message=", ".join(
            f"{r.project.name} {r.previous or '(unreleased)'} -> {r.version}" for r in releases
        )
        or left_without_releases(),
        releases=list(releases),
        actions=_describe(txn),
        warnings=notes,
        refused=refusals,
        refused_exit_code=refused_code,
        files_written=[c.path for c in txn.changes if c.content is not None],
        files_deleted=[c.path for c in txn.changes if c.content is None],
        # The plans deleted or rewritten: in changesets pre mode the changesets stay (pre.json
        # records them), so only leaving the mode consumes them; each release names its own.
        plans_consumed=sorted({plan.path for plan in plans} & {c.path for c in txn.changes}),
        planned_tags=release_tags(releases) if options.commit and options.tag else [],
        analyzed=analyzed,
    )
    git_actions, skipped = plan_git_actions(settings, options, releases, message, branch)
    result.skipped = held + skipped
    result.actions += git_actions
    if forge is not None:
        result.actions += forge.actions()
        result.planned_forge_releases = forge.planned()
    if options.dry_run:
        return result
    made_by = forge.forge.value if forge is not None else None
    record = auto_record(analyzed, settings.project) if auto else None
    with recording_auto(record):
        journal = execute(
            git, root, settings, options, txn, releases, message, branch, result, made_by
        )
    if forge is not None:
        if on_pushed is not None:
            on_pushed(result)
        make_forge_releases(git, root, forge, result, journal)
    return result
