"""The forge-release steps of ``release``: planned in its preflight, made after its push.

:func:`plan_release_forge` turns the releases being made into a checked
:class:`~.publishing.ForgePlan` (notes from the changelog sections as staged), before the first
write; :func:`make_forge_releases` runs it once the tags are pushed and the publish command has
run; :func:`resume_with_forge` does both around ``release --resume``, with the publish command
of the resuming run (when one is set) in place of the one the journal recorded.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
from collections.abc import Callable, Sequence
from pathlib import Path

from release_tools.analysis.headprojects import left_out_paths
from release_tools.config import Settings
from release_tools.errors import ReleaseError, UsageError
from release_tools.git import Git
from release_tools.release.files import FileTransaction
from release_tools.release.forge.models import PublishedRelease
from release_tools.release.forge.notes import extract_notes
from release_tools.release.forge.publishing import (
    ForgePlan,
    ForgeRelease,
    ForgeStepError,
    is_prerelease,
    make_releases,
    plan_forge,
)
from release_tools.release.journal import Journal
from release_tools.release.publish import check_command
from release_tools.release.recovery import resume
from release_tools.release.results import ReleaseOptions, ReleaseResult
from release_tools.release.signals import Interrupted, deferred, interruptible
from release_tools.release.sparse import checkout_projects, read_checkout
from release_tools.release.transaction import ReleaseInterrupted
from release_tools.release.versions import ProjectRelease
from release_tools.versioning.conventions import Conventions

__all__ = [
    "OnPushed",
    "forge_requested",
    "make_forge_releases",
    "plan_release_forge",
    "resume_with_forge",
]

log = logging.getLogger(__name__)

#: Called with the result of a release that is complete and pushed, before its forge step.
OnPushed = Callable[[ReleaseResult], None]

#: The other way to finish a forge step that stopped: the journal keeps what is left.
_OR_RESUME = " (or `release-tools release --resume`)"


def forge_requested(settings: Settings) -> str | None:
    """The ``forge-release`` setting, None when forge releases are off."""
    value = settings.forge_release
    return None if value in (None, "off") else value


def plan_release_forge(
    git: Git,
    root: Path,
    settings: Settings,
    options: ReleaseOptions,
    txn: FileTransaction,
    releases: Sequence[ProjectRelease],
    conventions: Conventions,
    warnings: list[str],
) -> ForgePlan | None:
    """The forge releases to make after the push, checked before the first write."""
    requested = forge_requested(settings)
    if requested is None:
        return None
    # A forge release needs its tag: an untagged (private) release gets none.
    wanted = [(r.project.name, r.version, r.tag) for r in releases if r.tagged]
    return _forge_plan(
        git, root, settings, options, requested, wanted, txn.read, conventions, warnings
    )


def _forge_plan(
    git: Git,
    root: Path,
    settings: Settings,
    options: ReleaseOptions,
    requested: str,
    wanted: Sequence[tuple[str, str, str]],
    read: Callable[[str], str | None],
    conventions: Conventions,
    warnings: list[str],
) -> ForgePlan:
    """Plan one forge release per ``(project, version, tag)``, its notes read through ``read``
    from the project's changelog (as the release wrote it)."""
    releases: list[ForgeRelease] = []
    for name, version, tag in wanted:
        path = conventions.of(name).changelog.path
        text = read(path) if path else None
        releases.append(
            ForgeRelease(
                tag=tag,
                version=version,
                project=name,
                notes=(extract_notes(text, version) or "") if text else "",
                prerelease=(
                    options.prerelease if options.prerelease is not None else is_prerelease(version)
                ),
            )
        )
    remote_url = git.run("remote", "get-url", "--end-of-options", settings.remote, check=False)
    plan = plan_forge(
        requested,
        settings.release_assets,
        releases,
        root=root,
        git_dir=git.git_dir(),
        remote_url=remote_url,
        environ=os.environ,
        dry_run=options.dry_run,
        assets_later=bool(settings.publish_command and not options.skip_publish),
        left_out=left_out_paths(git),
    )
    warnings += plan.warnings
    return plan


def make_forge_releases(
    git: Git, root: Path, plan: ForgePlan, result: ReleaseResult, journal: Journal
) -> None:
    """Make the forge releases of a pushed release, then remove its journal.

    A failure or a signal keeps the journal (so the next ``release`` says the forge releases
    are missing, and ``--resume`` makes them) and says what is pushed and how to finish.
    """
    pushed = ", ".join(dict.fromkeys(r.tag for r in plan.releases))
    made: list[PublishedRelease] = []
    try:
        with interruptible():
            result.forge_releases = make_releases(plan, root=root, git_dir=git.git_dir(), done=made)
    except ForgeStepError as exc:
        # Everything else is done and pushed: say so, and how to finish.
        _record_made(journal, made)
        raise ReleaseError(f"released and pushed {pushed}, but {exc}{_OR_RESUME}") from exc
    except (Interrupted, KeyboardInterrupt) as exc:
        # KeyboardInterrupt: a SIGINT outside the main thread, where the scope does nothing.
        signum = exc.signum if isinstance(exc, Interrupted) else int(signal.SIGINT)
        _record_made(journal, made)
        # Every tag not made: one in flight at the signal is updated, not duplicated, by the
        # command.
        finish = " and ".join(
            f"`{plan.finishing_command(tag)}`"
            for tag in dict.fromkeys(r.tag for r in plan.releases)
            if tag not in journal.forge_made
        )
        name = signal.Signals(signum).name
        if not finish:  # the signal came after the last one was made: nothing is left
            journal.remove()
            raise ReleaseInterrupted(
                f"interrupted by {name} after the {plan.forge.title} releases were made: "
                f"released and pushed {pushed}",
                signum,
            ) from None
        raise ReleaseInterrupted(
            f"interrupted by {name} during the {plan.forge.title} "
            f"release: released and pushed {pushed}; finish with {finish}{_OR_RESUME}",
            signum,
        ) from None
    with deferred():
        journal.remove()


def _record_made(journal: Journal, made: Sequence[PublishedRelease]) -> None:
    """Record the forge releases made before the step stopped, so that neither the advice nor
    ``--resume`` asks for them again; an unwritable git directory is logged, not raised (the
    error being reported matters more)."""
    journal.forge_made += [r.tag for r in made if r.tag not in journal.forge_made]
    try:
        journal.save()
    except OSError as exc:
        log.error("could not update the release journal %s: %s", journal.path, exc)


def resume_with_forge(
    git: Git,
    root: Path,
    settings: Settings,
    options: ReleaseOptions,
    journal: Journal,
    on_pushed: OnPushed | None = None,
) -> ReleaseResult:
    """Finish an unfinished release, then make its forge releases (``--forge-release``).

    The forge is planned first, so that a missing token stops the resume before it pushes.
    """
    _use_publish_command(settings, journal)
    settings, options = _recorded_forge(settings, options, journal)
    requested = forge_requested(settings)
    plan: ForgePlan | None = None
    warnings: list[str] = []
    if requested is None:
        projects = checkout_projects(git, root)
    else:
        if not (journal.tag and journal.push):
            raise UsageError(
                f"--forge-release {requested}: the unfinished release does not push its tags; "
                "finish it with --resume alone, push, then run `release-tools forge-release`"
            )
        # A sparse checkout's left-out projects and changelogs are read from HEAD.
        checkout = read_checkout(
            git,
            root,
            tag_format=settings.tag_format,
            tag_pattern=settings.tag_pattern,
            changelog=settings.changelog,
        )
        projects, conventions = checkout.projects, checkout.conventions

        def read(rel: str) -> str | None:
            return checkout.read_text(git, root, rel)

        # The forge releases an earlier attempt made are left as they are (their notes may
        # have been edited on the forge since).
        wanted = [
            (r.name, r.version, r.tag)
            for r in journal.releases
            if r.make_tag and r.tag not in journal.forge_made
        ]
        plan = _forge_plan(
            git, root, settings, options, requested, wanted, read, conventions, warnings
        )
        for warning in warnings:
            log.warning("%s", warning)
    result = resume(git, root, journal, options, projects, forge_follows=plan is not None)
    result.warnings += warnings
    if plan is not None and plan.problems:
        # Only a dry run gets here with problems (a real run raised above): it ends as the real
        # resume would, with the same usage error, after showing what it would do.
        result.refused += plan.problems
        result.refused_exit_code = result.refused_exit_code or 2
    if plan is not None:
        result.actions += plan.actions()
        result.planned_forge_releases = plan.planned()
        if not options.dry_run:
            if on_pushed is not None:
                on_pushed(result)
            make_forge_releases(git, root, plan, result, journal)
    return result


def _recorded_forge(
    settings: Settings, options: ReleaseOptions, journal: Journal
) -> tuple[Settings, ReleaseOptions]:
    """The forge release the unfinished release was to make, unless this run names its own
    (``--forge-release off`` included): resuming finishes the release that was started.

    Its asset globs and prerelease override come along, where this run gives none.
    """
    if journal.forge_release is None or settings.forge_release is not None:
        return settings, options
    log.info("the unfinished release makes its %s releases after it", journal.forge_release)
    update: dict[str, object] = {"forge_release": journal.forge_release}
    if not settings.release_assets:
        update["release_assets"] = tuple(journal.release_assets)
    if options.prerelease is None and journal.prerelease is not None:
        options = dataclasses.replace(options, prerelease=journal.prerelease)
    return settings.model_copy(update=update), options


def _use_publish_command(settings: Settings, journal: Journal) -> None:
    """Let a publish command set for this run (flag, environment or configuration) replace the
    journal's: the usual fix for a failed publish is a corrected command.

    Only a release that publishes has one to replace: adding publish steps to a release that
    left them out (``--skip-publish``, no command) would do more than it set out to.
    """
    command = settings.publish_command
    if "publish_command" not in settings.model_fields_set or not command:
        return
    if journal.publish_command is None:
        log.info("the unfinished release has no publish step: the publish command is not used")
        return
    if command == journal.publish_command:
        return
    check_command(command)
    log.info("the publish command of this run replaces the one the unfinished release recorded")
    journal.publish_command = command
