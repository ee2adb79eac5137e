"""A staged release carried out as a transaction: commit, then tag, push and publish.

:func:`execute` runs the steps of a release that passed its preflight:

1. the journal (:mod:`~release_tools.release.journal`) is written, before any other change;
2. the files are written (all or none), then ``git add`` and ``git commit`` (hooks included,
   unless ``--no-verify``);
3. after the commit: tags, push, publish, each recorded in the journal when done;
4. the journal is removed.

A failure or a SIGINT/SIGTERM before the commit restores every file and plan, unstages them,
removes the journal and exits (130/143 for a signal). A failure or a signal after the commit
leaves the journal; the error says what exists and that ``release --resume`` finishes the
remaining steps and ``release --abort`` undoes the release
(:mod:`~release_tools.release.recovery`), which share :func:`finish` and
:func:`stop_after_commit` with this module. Directories the release created are removed again
when a rollback leaves them empty.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from release_tools.config import Settings
from release_tools.errors import GitError, Interruption, ReleaseError, ReleaseToolsError
from release_tools.git import Git
from release_tools.release.files import FileTransaction
from release_tools.release.gitlocks import record_left_locks, remove_left_locks
from release_tools.release.journal import JOURNAL_NAME, Journal, JournalFile, JournalRelease
from release_tools.release.publish import run_publish
from release_tools.release.results import ReleaseOptions, ReleaseResult
from release_tools.release.signals import (
    Interrupted,
    allowed,
    deferred,
    interruptible,
    pending_signal,
)
from release_tools.release.versions import ProjectRelease

__all__ = [
    "ABORT_COMMAND",
    "RESUME_COMMAND",
    "ReleaseInterrupted",
    "execute",
    "finish",
    "journal_path",
    "landed_commit",
    "settle_left_locks",
    "stop_after_commit",
]

log = logging.getLogger(__name__)

# The two ways out that the error after a stopped release names.
RESUME_COMMAND = "`release-tools release --resume`"
ABORT_COMMAND = "`release-tools release --abort`"


class ReleaseInterrupted(Interruption, ReleaseError):
    """SIGINT or SIGTERM stopped the release; the exit code is the shell's ``128 + signal``."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.exit_code = 128 + signum


def journal_path(git: Git) -> Path:
    """Where the release journal of this work tree lives (inside its git directory)."""
    return git.git_dir() / JOURNAL_NAME


def _signum(exc: BaseException) -> int | None:
    if isinstance(exc, Interrupted):
        return exc.signum
    if isinstance(exc, KeyboardInterrupt):
        return int(signal.SIGINT)
    return None


def landed_commit(git: Git, journal: Journal) -> str | None:
    """The release commit, if it was made (also when the journal could not record it).

    A signal can arrive between ``git commit`` and the journal update: the commit is then
    recognised as HEAD whose parent is the release's base and whose changes are only the
    journal's files.
    """
    if journal.commit is not None:
        return journal.commit
    if journal.base is None or not journal.staged:
        return None
    head = git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    if not head or head == journal.base:
        return None
    parent = git.run("rev-parse", "--verify", "--quiet", "HEAD^", check=False)
    if parent != journal.base:
        return None
    changed = set(git.changed_paths(journal.base, head))
    return head if changed and changed <= {f.path for f in journal.files} else None


def _new_journal(
    git: Git,
    settings: Settings,
    options: ReleaseOptions,
    txn: FileTransaction,
    releases: Sequence[ProjectRelease],
    message: str,
    branch: str | None,
    forge_release: str | None,
) -> Journal:
    tagging = options.commit and options.tag
    publishing = (
        tagging
        and not options.skip_publish
        and bool(settings.publish_command)
        and any(r.publishable for r in releases)
    )
    snapshots = txn.snapshot()
    written = txn.written_digests()
    return Journal(
        path=journal_path(git),
        phase="files",
        base=git.resolve("HEAD") if git.has_commits() else None,
        message=message,
        files=[JournalFile(rel, s.content, s.mode, written[rel]) for rel, s in snapshots.items()],
        releases=[
            JournalRelease(
                name=r.project.name,
                release_type=r.release_type,
                previous=r.previous,
                version=r.version,
                tag=r.tag,
                path=r.project.path,
                make_tag=r.tagged,
                publishable=r.publishable,
            )
            for r in releases
        ],
        branch=branch,
        staged=options.commit,
        tag=tagging,
        push=options.commit and options.push,
        remote=settings.remote,
        publish_command=settings.publish_command if publishing else None,
        directories=txn.new_directories(),
        forge_release=forge_release,
        release_assets=list(settings.release_assets) if forge_release else [],
        prerelease=options.prerelease if forge_release else None,
    )


def execute(
    git: Git,
    root: Path,
    settings: Settings,
    options: ReleaseOptions,
    txn: FileTransaction,
    releases: Sequence[ProjectRelease],
    message: str,
    branch: str | None,
    result: ReleaseResult,
    forge_release: str | None = None,
) -> Journal:
    """Carry out a release that passed its preflight (see the module docstring).

    ``forge_release`` names the forge whose releases follow (made by the caller once this
    returns); the journal records it so that ``--resume`` makes them after a failed step, and
    is left for the caller to remove once they are made.
    """
    journal = _new_journal(git, settings, options, txn, releases, message, branch, forge_release)
    # Deferred throughout: a signal may cut only the steps inside allowed(), so none lands
    # between a step and the bookkeeping that records it.
    with interruptible(), deferred():
        try:
            with allowed():
                journal.save()
                txn.apply()
                if options.commit:
                    git.add(txn.paths)
                    result.commit = git.commit(message, txn.paths, verify=not settings.no_verify)
        except BaseException as exc:
            _forget_released_locks(git, journal)
            settle_left_locks(git)
            result.commit = landed_commit(git, journal) if options.commit else None
            if result.commit is None:
                _undo_before_commit(git, txn, journal, exc)
            # The commit exists although the step was interrupted: record it and stop.
            stop_after_commit(journal, result.commit, exc)
        if not options.commit:
            journal.remove()
            return journal
        log.info("release committed", extra={"commit": result.commit})
        journal.phase = "committed"
        journal.commit = result.commit
        try:
            with allowed():  # a signal recorded while the commit was recorded acts here
                journal.save()
                finish(git, root, journal, result)
        except BaseException as exc:
            settle_left_locks(git)
            stop_after_commit(journal, journal.commit, exc)
        # The git steps are complete: a signal now changes nothing.
        if forge_release is None:
            journal.remove()
    return journal


def settle_left_locks(git: Git) -> None:
    """Record, then remove, the lock files a git command that had to be killed left (see
    :mod:`~release_tools.release.gitlocks`), before the rollback needs the index again.

    Called while an error or a signal is being handled: a failure here is logged, not raised,
    so that it cannot hide what stopped the release; the rollback then says what it could not
    restore, and ``--abort`` finishes the removal from the record.
    """
    if not git.left_locks:
        return
    try:
        record_left_locks(git)
        remove_left_locks(git)
    except (OSError, ReleaseToolsError) as exc:
        log.warning("could not remove the lock files a killed git left: %s", exc)


def _forget_released_locks(git: Git, journal: Journal) -> None:
    """Forget the ``index.lock`` a killed ``git commit`` was reported to leave when HEAD has
    moved since the release began: git releases that lock once the commit is made, and only
    then runs the post-commit hook and the automatic maintenance. Killed there, it left no lock,
    and the one found was taken by another git meanwhile; it is left alone, and an undo that
    needs the index says so in one line."""
    if not any(lock.command == "commit" for lock in git.left_locks):
        return
    try:
        head = git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    except GitError:
        head = None  # cannot tell: the lock is not proven ours
    if head is not None and head == (journal.base or ""):
        return
    log.debug("git commit was killed after its commit: the index lock found is another git's")
    git.left_locks[:] = [lock for lock in git.left_locks if lock.command != "commit"]


def _undo_before_commit(
    git: Git, txn: FileTransaction, journal: Journal, exc: BaseException
) -> NoReturn:
    """Put every file, plan and index entry back, then raise the error that says so."""
    failures = txn.rollback()
    if journal.staged:
        try:
            git.unstage(txn.paths)
        except GitError as unstage_error:
            log.debug("unstage failed: %s", unstage_error)
            failures.append("the index (git reset -q -- <the files>)")
    if failures:
        # Keep the journal: `--abort` can retry what could not be put back now.
        journal.save()
        detail = f"; could not restore {', '.join(failures)} (run {ABORT_COMMAND} to retry)"
    else:
        journal.remove()
        detail = ""
    signum = _signum(exc) or pending_signal()
    if signum is not None:
        name = signal.Signals(signum).name
        raise ReleaseInterrupted(
            f"interrupted by {name} before the release commit: every file and plan restored, "
            f"nothing committed{detail}",
            signum,
        ) from None
    if isinstance(exc, GitError):
        raise ReleaseError(f"commit failed, files restored: {exc}{detail}") from exc
    if isinstance(exc, ReleaseError) and not detail:
        raise exc  # the file writes failed and said what they restored
    if isinstance(exc, ReleaseError):
        raise ReleaseError(f"{exc}{detail}") from exc
    raise exc


def stop_after_commit(journal: Journal, commit: str | None, exc: BaseException) -> NoReturn:
    """Record the commit and the steps done, then raise one line with the way out."""
    journal.phase = "committed"
    journal.commit = commit
    try:
        journal.save()
    except OSError as save_error:  # the git directory became unwritable: say so, keep going
        log.error("could not update the release journal %s: %s", journal.path, save_error)
    short = (commit or "")[:10]
    way_out = (
        f"still to do: {', '.join(journal.to_do()) or 'nothing'}; run {RESUME_COMMAND} to finish "
        f"or {ABORT_COMMAND} to undo"
    )
    signum = _signum(exc)
    if signum is not None:
        name = signal.Signals(signum).name
        raise ReleaseInterrupted(
            f"interrupted by {name} after the release commit {short}: {way_out}", signum
        ) from None
    if isinstance(exc, ReleaseError | GitError):
        raise ReleaseError(f"{exc}; {way_out}") from exc
    raise exc


def finish(git: Git, root: Path, journal: Journal, result: ReleaseResult) -> None:
    """Tag, push and publish after the commit, recording each step in the journal."""
    commit = journal.commit or ""
    short = commit[:10]
    if journal.tag:
        for release in journal.releases:
            if not release.make_tag:
                continue
            if not release.tagged:
                if git.tag_target(release.tag) != commit:
                    try:
                        git.tag(release.tag, f"{release.name} {release.version}", ref=commit)
                    except GitError as exc:
                        raise ReleaseError(
                            f"release commit {short} created but tagging {release.tag} "
                            f"failed: {exc}"
                        ) from exc
                release.tagged = True
                journal.save()
            if release.tag not in result.tags:  # a fixed group may share one tag
                result.tags.append(release.tag)
    if journal.push and not journal.pushed:
        if journal.branch is None:
            raise ReleaseError(f"release commit {short} created but no branch is known to push")
        refs = [
            f"{commit}:refs/heads/{journal.branch}",
            *dict.fromkeys(f"refs/tags/{r.tag}" for r in journal.releases if r.tagged),
        ]
        journal.pushing = True
        journal.save()
        try:
            git.push(journal.remote, refs)
        except GitError as exc:
            raise ReleaseError(
                f"release commit {short} and tags created locally but the push to "
                f"{journal.remote} failed: {exc}"
            ) from exc
        journal.pushed = True
        journal.save()
    result.pushed = journal.pushed
    if not (journal.tag and journal.publish_command):
        return
    for release in journal.releases:
        if release.published or not release.tagged or not release.publishable:
            continue
        outcome = run_publish(
            journal.publish_command,
            root=root,
            name=release.name,
            version=release.version,
            tag=release.tag,
            path=release.path,
        )
        release.published = True
        journal.save()
        result.published.append(outcome)
