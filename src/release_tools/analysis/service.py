"""The ``analyze`` command as a plain function: settings in, :class:`Decision` out.

Steps: open the repository, find the project (``--project``), resolve the range, stream and
parse the diff with the path filter applied on the fly, list the commits, read the current
version, read the earlier releases (for calibration), build the :class:`AnalysisContext` and
hand it to the provider.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.diff import DiffLimits, DiffStats, collect_changes
from release_tools.analysis.engines import get_provider
from release_tools.analysis.evidence import start_background
from release_tools.analysis.filters import PathFilter
from release_tools.analysis.headprojects import (
    CheckoutView,
    checkout_view,
    projects_at,
    view_conventions,
)
from release_tools.analysis.models import Decision
from release_tools.analysis.projecthistory import ctx_types, project_history
from release_tools.analysis.range import ResolvedRange, resolve_range, resolve_ref
from release_tools.config import Settings
from release_tools.errors import ConfigError, NotAGitRepositoryError, ReleaseToolsError
from release_tools.files import in_git_dir
from release_tools.git import Git
from release_tools.versioning.boundaries import separate_modules
from release_tools.versioning.bump import Bump
from release_tools.versioning.conventions import (
    Conventions,
    ProjectConventions,
    current_version,
)
from release_tools.versioning.projectlookup import find_project
from release_tools.versioning.projects import Project
from release_tools.versioning.semver import Version, jump, manifest_version_problem

__all__ = ["Collection", "collect", "run_analysis"]

log = logging.getLogger(__name__)

#: The manifests whose version rules :func:`manifest_version_problem` knows.
_MANIFEST_ECOSYSTEMS: dict[str, Literal["npm", "cargo", "python"]] = {
    "package.json": "npm",
    "project.json": "npm",
    "cargo": "cargo",
    "pyproject": "python",
}


@dataclass(slots=True)
class Collection:
    """A collected range: the context every analyzer receives, plus what collection noticed."""

    context: AnalysisContext
    range: ResolvedRange
    diff_stats: DiffStats
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: False when the range is a whole workspace whose versions belong to its projects: the
    #: decision then reports no current or next version rather than another project's.
    versioned: bool = True
    #: The analyzed project's conventions (None for a whole workspace or when unreadable).
    conventions: ProjectConventions | None = None
    #: Every tag reachable from head (to tell whether a proposed version already exists).
    tags: tuple[str, ...] = ()
    #: Why the manifest's current version is one its ecosystem refuses (the decision then
    #: needs review); None when it is valid or not read from a manifest.
    version_problem: str | None = None
    #: The major a never-released Go module's path names (2 and up): its first version is
    #: that major's .0.0, as Go takes no lower version of the path.
    go_first_major: int | None = None


def _projects(
    git: Git, root: Path, head: str | None, view: CheckoutView, required: bool
) -> list[Project]:
    try:
        return projects_at(git, root, head, view=view)
    except ReleaseToolsError as exc:
        if required:
            raise
        # Discovery only refines the version; a broken manifest elsewhere must not stop analyze.
        log.warning(
            "project discovery failed; versions are read from tags only: %s", exc, exc_info=True
        )
        return []


def _is_cargo(scoped: Project | None, projects: list[Project]) -> bool:
    """Whether the analyzed project is a Rust crate: the named or root one, or, for a virtual
    Cargo workspace analyzed whole, every project of the repository."""
    if scoped is not None:
        return scoped.ecosystem == "rust"
    return bool(projects) and all(p.ecosystem == "rust" for p in projects)


def _manifest_version_problem(project: Project) -> str | None:
    """Why the manifest's version, the current version shown, is one its ecosystem refuses
    (``"1.0"`` in a ``package.json``); None when it is valid. ``release`` refuses to bump such a
    version, so the report says so instead of showing a guessed number as if it were sound."""
    value = project.version
    ecosystem = _MANIFEST_ECOSYSTEMS.get(project.manifest_kind)
    if not value or ecosystem is None:
        return None
    problem = manifest_version_problem(value, ecosystem)
    if problem is None:
        return None
    return (
        f"{project.manifest}: version {value!r} {problem}: the versions shown are a guess, "
        "and release refuses it until it is fixed"
    )


def _conventions(
    git: Git, view: CheckoutView, settings: Settings, projects: list[Project]
) -> Conventions | None:
    if not projects:
        return None
    try:
        return view_conventions(
            git,
            view,
            projects,
            head=settings.head,
            tag_format=settings.tag_format,
            tag_pattern=settings.tag_pattern,
            changelog=settings.changelog,
        )
    except ReleaseToolsError as exc:
        # Conventions refine the report; an unreadable nx.json must not stop analyze.
        log.warning("repository conventions not read: %s", exc, exc_info=True)
        return None


def _scheme(project: Project | None) -> Literal["semver", "pep440"]:
    return "pep440" if project is not None and project.ecosystem == "python" else "semver"


def collect(
    settings: Settings, *, limits: DiffLimits | None = None, background: bool = False
) -> Collection:
    """Resolve and collect the range ``settings`` describes (no evidence, no decision).

    With ``background``, work that the evidence will need is started before the diff is read
    (see :func:`~release_tools.analysis.evidence.start_background`) and kept in the
    context's ``background``; whoever does not use it must cancel it.
    """
    started = time.perf_counter()
    if not Path(settings.repo).is_dir():
        raise NotAGitRepositoryError(f"not a directory: {settings.repo}")
    root = Git(settings.repo).toplevel()
    # Work from the root: pathspecs (a project's directory) are relative to git's cwd.
    git = Git(root)
    if settings.head is not None:
        # Checked first: projects and conventions are read at head, and a bad ref is the
        # user's error.
        resolve_ref(git, settings.head, "head")
    # Read as a full checkout holds them: in a sparse checkout, the files it leaves out are
    # HEAD's (see checkout_view); otherwise the view is the work tree itself.
    changelogs = [settings.changelog] if settings.changelog else []
    with checkout_view(git, root, changelogs, conventions=True) as view:
        projects = _projects(git, root, settings.head, view, settings.project is not None)
        conventions = _conventions(git, view, settings, projects)
    project: Project | None = None
    if settings.project is not None:
        project = find_project(projects, settings.project)
        # The project's own spelling from here on (``my_pkg`` names the Python ``my-pkg``).
        settings = settings.model_copy(update={"project": project.name})
    root_project = next((p for p in projects if p.path in (".", "")), None)
    scoped = project if project is not None else root_project
    paths: tuple[str, ...] = ()
    if project is not None and project.path not in (".", ""):
        paths = (project.path,)
    # A root Go module is the repository's own release line (its v1.2.3 tags): a run without
    # --project is its run, not one of a v2/ or tools/ module beside it.
    go_root = project is None and root_project is not None and _is_go(root_project)

    # Whose tag scheme finds the base: the named project, or the repository's only project.
    subject = project if project is not None else (root_project if len(projects) == 1 else None)
    if go_root:
        subject = root_project
    own = conventions.of(subject.name) if conventions and subject is not None else None
    rng = resolve_range(
        git,
        base=settings.base,
        head=settings.head,
        tag_pattern=settings.tag_pattern,
        project=settings.project,
        root_name=root_project.name if root_project else None,
        scheme=own.tag_scheme if own is not None else None,
        scheme_name=subject.name if subject is not None else None,
    )
    resolved = time.perf_counter()

    root_name = root_project.name if root_project else None
    # A whole workspace (no --project) has one version only when its releases are unnamed tags
    # (v1.2.3) or the root project's: otherwise any version shown would be some project's.
    versioned = project is not None or len(projects) <= 1 or go_root
    if not versioned and rng.tag is not None and rng.tag.project in (None, root_name):
        versioned = True
    if not versioned and rng.tag is None and root_project is not None and root_project.version:
        versioned = True

    current: str | None = None
    version_problem: str | None = None
    if versioned and settings.base is None and scoped is not None:
        # The rule release applies: the manifest's version unless only the tag has one.
        found = current_version(scoped.version, rng.tag, pep440=scoped.ecosystem == "python")
        current = found.version
        log.info("current version", extra={"version": current, "source": found.source})
    elif versioned and rng.tag is not None:
        current = str(rng.tag.version)
    elif versioned and scoped is not None and scoped.version:
        current = scoped.version
        log.info("no release tag: current version from the manifest", extra={"version": current})
    if versioned and scoped is not None:
        # Whatever supplied the number shown (the manifest, a tag, --base): release refuses to
        # bump a manifest version its ecosystem rejects, so the decision must say so.
        version_problem = _manifest_version_problem(scoped)
    # Go starts a new module at every nested go.mod: the files below one are never the
    # analyzed module's changes, nor are the commits touching only them (as the head has them).
    excludes: tuple[str, ...] = ()
    if scoped is not None and _is_go(scoped) and (project is not None or go_root):
        excludes = separate_modules(git, scoped, rng.head_sha)
    elif scoped is not None and scoped.manifest_kind == "cargo":
        # Likewise a workspace's member crates with release tags of their own.
        excludes = separate_modules(git, scoped, rng.head_sha, conventions, rng.base_sha)
    # The changes and commits are filled in below; a prefetch started in between sees none.
    ctx = AnalysisContext(
        git=git,
        root=root,
        base_ref=rng.base_ref,
        head_ref=rng.head_ref,
        base_sha=rng.base_sha,
        head_sha=rng.head_sha,
        project_paths=paths,
        project_excludes=excludes,
        project_name=project.name if project is not None else None,
        first_release=rng.first_release,
        current_version=current,
        version_scheme=_scheme(scoped),
        diff_base=rng.diff_base,
        major_on_zero=settings.major_on_zero,
        cargo=_is_cargo(scoped, projects),
        commit_types=ctx_types(settings),
        tag_pattern=settings.tag_pattern,
    )

    path_filter = PathFilter.from_settings(settings)
    stats = DiffStats()
    if background and not rng.is_empty:
        # Forked before the diff's reader thread starts (a fork needs a single thread).
        start_background(ctx, path_filter.is_change_excluded)
    # Whatever fails from here on, the background work started above must not outlive it.
    try:
        if not rng.is_empty:
            ctx.changes = collect_changes(
                git,
                rng.diff_base,
                rng.head_sha,
                paths=ctx.pathspecs,
                is_excluded=path_filter.is_change_excluded,
                limits=limits,
                stats=stats,
            )
        diffed = time.perf_counter()
        if not rng.is_empty:
            base = None if rng.first_release else rng.base_sha
            ctx.commits = git.commits(base, rng.head_sha, ctx.pathspecs, files=True)
        for job in ctx.background.values():
            # The diff is read: background work may now take every core while it is waited for.
            job.spread()

        warnings: list[str] = []
        if settings.history and not rng.first_release and not rng.is_empty:
            ctx.history = project_history(
                git, settings, rng, root_name, ctx.pathspecs, root, warnings, own, paths
            )
        if rng.is_empty:
            warnings.append(f"empty range: {rng.head_ref} adds no commits to {rng.base_ref}")
        if rng.first_release:
            warnings.append("no release tag found: analyzing the whole history as a first release")
        if version_problem is not None:
            warnings.append(version_problem)
        problem = conventions.release_config.skipped_dependencies_problem() if conventions else None
        if problem is not None:
            # analyze still decides; release and create-version-plan refuse the workspace.
            warnings.append(f"release refuses this workspace: {problem}")
        if stats.truncated_files:
            first = stats.truncated_files[0]
            more = len(stats.truncated_files) - 1
            suffix = f" and {more} more" if more else ""
            warnings.append(f"diff too large, hunks dropped to bound memory: {first}{suffix}")
        if stats.non_utf8_files:
            first = stats.non_utf8_files[0]
            more = len(stats.non_utf8_files) - 1
            suffix = f" and {more} more" if more else ""
            warnings.append(f"non-UTF-8 content decoded with replacement: {first}{suffix}")

        binary = [c.path for c in ctx.changes if c.binary]
        if binary and len(binary) == len(ctx.changes):
            # Nothing to read: the decision rests on the commits and the kinds of files alone.
            more = len(binary) - 1
            suffix = f" and {more} more" if more else ""
            warnings.append(
                f"only binary files changed, their content is not analyzed: {binary[0]}{suffix}"
            )

        done = time.perf_counter()
        timings = {
            "resolve": resolved - started,
            "diff": diffed - resolved,
            "commits": done - diffed,
        }
        log.info(
            "range collected",
            extra={
                "files": len(ctx.changes),
                "commits": len(ctx.commits),
                "diff_bytes": stats.bytes,
            },
        )
        if not versioned:
            names = ", ".join(sorted(p.name for p in projects)[:5])
            warnings.append(
                f"{len(projects)} projects in this repository ({names}"
                f"{', ...' if len(projects) > 5 else ''}): no single version to report; "
                "pass --project NAME for a project's versions"
            )
        return Collection(
            ctx,
            rng,
            stats,
            warnings,
            timings,
            versioned,
            conventions=own,
            tags=conventions.tags if conventions is not None else (),
            version_problem=version_problem,
            go_first_major=_go_first_major(subject, own, current) if versioned else None,
        )
    except BaseException:
        _cancel_background(ctx)
        raise


def _is_go(project: Project) -> bool:
    return project.manifest_kind == "go.mod"


def _go_first_major(
    subject: Project | None, own: ProjectConventions | None, current: str | None
) -> int | None:
    """The major a Go module never released names in its path (2 and up), else None."""
    if subject is None or own is None or current is not None:
        return None
    return own.first_major


def _cancel_background(ctx: AnalysisContext) -> None:
    for job in ctx.background.values():
        job.cancel()
    ctx.background.clear()


def run_analysis(settings: Settings) -> Decision:
    """Decide the bump for the range ``settings`` describes; see :mod:`release_tools.analysis`."""
    provider = get_provider(settings)  # an unavailable provider is a usage error: fail first
    collection = collect(settings, background=True)
    if settings.output is not None:
        # Wherever the repository keeps its git directory (a linked work tree's, one set apart
        # with --separate-git-dir): the report must not land there. Checked before the work.
        git = collection.context.git
        if in_git_dir(settings.output, (git.git_dir(), git.common_dir())):
            _cancel_background(collection.context)
            raise ConfigError(
                f"--output: {settings.output} is inside the repository's git directory; "
                "refusing to write there"
            )
    started = time.perf_counter()
    try:
        decision = provider.analyze(collection.context)
    finally:
        _cancel_background(collection.context)  # started for evidence nobody gathered
    elapsed = time.perf_counter() - started
    log.info(
        "analysis done",
        extra={
            "provider": provider.name,
            "bump": decision.version_type,
            "seconds": round(elapsed, 3),
            **{f"{k}_seconds": round(v, 3) for k, v in collection.timings.items()},
        },
    )
    stats = {
        **decision.stats,
        "diff_bytes": collection.diff_stats.bytes,
        "diff_lines": collection.diff_stats.lines,
    }
    warnings = [*collection.warnings, *decision.warnings]
    update: dict[str, object] = {"warnings": warnings, "stats": stats}
    if collection.version_problem is not None and collection.versioned:
        update["needs_review"] = True
    own = collection.conventions
    if own is not None:
        # The engine's own findings (the version scheme) join the repository's conventions.
        update["conventions"] = {**own.to_dict(), **(decision.conventions or {})}
    if not collection.versioned:
        update.update(current_version=None, next_version=None)
    elif collection.go_first_major is not None and decision.next_version:
        first = _go_first_version(collection.go_first_major, decision.next_version)
        if first != decision.next_version:
            update["next_version"] = first
    elif own is not None and decision.next_version:
        existing = _existing_tag(collection.tags, own, decision.next_version)
        behind = _behind_latest(own, decision.next_version)
        stale = _strictly_behind(own, decision.current_version)
        if existing is not None and stale and own.latest_tag is not None:
            update["needs_review"] = True
            warnings.append(
                f"the proposed version {decision.next_version} already exists as tag "
                f"{existing}: the current version {decision.current_version} is behind the "
                f"latest release tag {own.latest_tag.tag}; bring the manifest's version up "
                "to date"
            )
        elif existing is not None:
            update["needs_review"] = True
            warnings.append(
                f"the proposed version {decision.next_version} already exists as tag "
                f"{existing}: the base is not the latest release (pass --base at it or omit "
                "--base)"
            )
        elif behind is not None:
            update["needs_review"] = True
            warnings.append(
                f"the proposed version {decision.next_version} is below the latest release "
                f"tag {behind} (the current version {decision.current_version} is behind it): "
                "bring the manifest's version up to date"
            )
    final = decision.model_copy(update=update)
    return final.model_copy(
        update={"release_type": _release_type(final.current_version, final.next_version)}
    )


def _release_type(current: str | None, proposed: str | None) -> str | None:
    """The version component the release raises from ``current`` to ``proposed`` (None for a
    first release, or versions this reading cannot compare)."""
    if current is None or proposed is None:
        return None
    try:
        step = jump(Version.parse(current), Version.parse(proposed))
    except ReleaseToolsError:
        return None
    return step.word if step > Bump.NONE else None


def _go_first_version(major: int, proposed: str) -> str:
    """The first release of a Go module whose path names ``major``: ``proposed`` (a first
    release's 0.1.0, or a Release-As) when Go accepts it for that path, else ``major``.0.0."""
    try:
        version = Version.parse(proposed)
    except ReleaseToolsError:
        return proposed
    return proposed if version.major == major else str(Version(major, 0, 0))


def _behind_latest(own: ProjectConventions, version: str) -> str | None:
    """The project's latest release tag when ``version`` does not come after it."""
    latest = own.latest_tag
    if latest is None:
        return None
    try:
        wanted = Version.parse(version)
    except ReleaseToolsError:
        return None
    return latest.tag if wanted <= latest.version else None


def _strictly_behind(own: ProjectConventions, version: str | None) -> bool:
    """Whether ``version`` (the manifest's) comes before the project's latest release tag."""
    latest = own.latest_tag
    if latest is None or version is None:
        return False
    try:
        return Version.parse(version) < latest.version
    except ReleaseToolsError:
        return False


def _existing_tag(tags: tuple[str, ...], own: ProjectConventions, version: str) -> str | None:
    """The tag that already releases ``version`` of the project, if any."""
    try:
        wanted = Version.parse(version)
    except ReleaseToolsError:
        return None
    name = own.project.name
    return next((t for t in tags if own.tag_scheme.version_in(t, name) == wanted), None)
