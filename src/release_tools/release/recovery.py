"""Finishing or undoing a release that stopped after its journal was written.

:func:`resume` makes the tags, push and publish that a committed release still lacks (and
reports what ``release --auto`` decided for it, as its journal recorded).
:func:`abort` undoes an unfinished release: its tags, its commit (only while HEAD is that
commit), its files and plans. Undoing from the journal first compares every file with what the
release wrote: a file changed since (by hand, by a formatter) stops the undo before anything is
touched, so that restoring never destroys work the release did not do. Directories the release
created are removed again when the undo leaves them empty. An ``index.lock`` that a git command
of the release left when it had to be killed is removed first; another one stops the undo
before anything is touched (:mod:`~release_tools.release.gitlocks`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from release_tools.errors import GitError, ReleaseError
from release_tools.git import Git
from release_tools.release.autoplans import AnalyzedProject, recorded_plans
from release_tools.release.files import (
    Snapshot,
    content_digest,
    remove_new_directories,
    restore_snapshots,
    take_snapshot,
)
from release_tools.release.gitlocks import ensure_index_unlocked, remove_left_locks
from release_tools.release.journal import Journal
from release_tools.release.results import ReleaseOptions, ReleaseResult
from release_tools.release.signals import deferred, interruptible
from release_tools.release.transaction import (
    ABORT_COMMAND,
    RESUME_COMMAND,
    finish,
    landed_commit,
    settle_left_locks,
    stop_after_commit,
)
from release_tools.release.versions import ProjectRelease
from release_tools.versioning.projects import Project
from release_tools.versioning.semver import ReleaseType

__all__ = ["abort", "resume"]

log = logging.getLogger(__name__)


def _snapshots(journal: Journal) -> dict[str, Snapshot]:
    return {f.path: Snapshot(f.content, f.mode) for f in journal.files}


def _analyzed_of(journal: Journal) -> list[AnalyzedProject]:
    """What ``release --auto`` decided for the journal's release (none without ``--auto``).
    Only reported: a record that cannot be read is left out with a warning, and the steps
    after the commit, which do not need it, are still made."""
    if journal.auto is None:
        return []
    try:
        return recorded_plans(journal.auto, str(journal.path))
    except ReleaseError as exc:
        log.warning("what analyze decided is not reported: %s", exc)
        return []


def _releases_of(
    journal: Journal, projects: Sequence[Project], analyzed: Sequence[AnalyzedProject] = ()
) -> list[ProjectRelease]:
    """The journal's releases as :class:`ProjectRelease` (for the result and CI outputs); a
    release of ``--auto`` carries the plan ``analyzed`` made for it (the plan files a release
    consumed are gone, and are not named)."""
    by_name = {project.name: project for project in projects}
    planned = {a.name: a.plan for a in analyzed if a.plan is not None}
    return [
        ProjectRelease(
            project=by_name[r.name],
            release_type=cast(ReleaseType, r.release_type),
            previous=r.previous,
            version=r.version,
            tag=r.tag,
            plans=(planned[r.name],) if r.name in planned else (),
            tagged=r.make_tag,
        )
        for r in journal.releases
        if r.name in by_name
    ]


def resume(
    git: Git,
    root: Path,
    journal: Journal,
    options: ReleaseOptions,
    projects: Sequence[Project] = (),
    *,
    forge_follows: bool = False,
) -> ReleaseResult:
    """Finish a release whose commit exists: the tags, push and publish it still lacks.

    ``--skip-publish`` drops the publish steps that are left. With ``forge_follows`` the
    journal is kept for the caller, who makes the forge releases and then removes it.
    """
    if options.skip_publish:
        journal.publish_command = None
    commit = landed_commit(git, journal)
    assert commit is not None  # the caller restores and re-releases a release without commit
    if not git.ok("cat-file", "-e", f"{commit}^{{commit}}"):
        raise ReleaseError(
            f"the release commit {commit[:10]} recorded in {journal.path} no longer exists: "
            f"run {ABORT_COMMAND} to forget it"
        )
    names = ", ".join(f"{r.name} {r.version}" for r in journal.releases)
    analyzed = _analyzed_of(journal)
    result = ReleaseResult(
        released=not options.dry_run,
        dry_run=options.dry_run,
        message=f"{names} (resumed at commit {commit[:10]})",
        releases=_releases_of(journal, projects, analyzed),
        actions=journal.remaining(),
        commit=commit,
        analyzed=analyzed,
    )
    if options.dry_run:
        return result
    journal.phase = "committed"
    journal.commit = commit
    with interruptible():
        try:
            journal.save()
            finish(git, root, journal, result)
        except BaseException as exc:
            with deferred():
                settle_left_locks(git)
                stop_after_commit(journal, commit, exc)
        with deferred():
            if not forge_follows:
                journal.remove()
    return result


def _reached_remote(git: Git, journal: Journal, commit: str) -> bool:
    """Whether a push the journal started but never saw finish reached the remote anyway (an
    interruption while the remote was still receiving). A remote that cannot be asked is
    taken to have it: undoing locally what the remote keeps would split the two."""
    if not journal.pushing:
        return False
    refs = [f"refs/tags/{r.tag}" for r in journal.releases]
    if journal.branch:
        refs.append(f"refs/heads/{journal.branch}")
    try:
        held = git.remote_refs(journal.remote, refs)
    except GitError as exc:
        raise ReleaseError(
            f"cannot tell whether {journal.remote} received the release commit {commit[:10]} "
            f"(the push was interrupted): {exc}; check the remote, then run {ABORT_COMMAND} again"
        ) from exc
    return commit in held.values()


def abort(git: Git, root: Path, journal: Journal, options: ReleaseOptions) -> ReleaseResult:
    """Undo an unfinished release: its tags, its commit (only while HEAD is that commit), its
    files and plans. A pushed release is refused: the remote has it."""
    commit = landed_commit(git, journal)
    short = (commit or "")[:10]
    if commit is not None and (journal.pushed or _reached_remote(git, journal, commit)):
        skip = (
            "; to go on without its forge release, run "
            "`release-tools release --resume --forge-release off`"
            if journal.forge_tags()
            else ""
        )
        raise ReleaseError(
            f"the release commit {short} was already pushed to {journal.remote}: undo it there "
            f"(git revert, delete the remote tags), then delete {journal.path}{skip}"
        )
    paths = [f.path for f in journal.files]
    actions: list[str] = []
    restore = True
    if commit is not None:
        actions += [
            f"delete tag {r.tag}" for r in journal.releases if git.tag_target(r.tag) == commit
        ]
        head = git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        if head == commit and journal.base is not None:
            actions.append(f"reset the release commit {short} (HEAD back to {journal.base[:10]})")
        else:
            restore = False
            actions.append(
                f"keep the release commit {short}: HEAD has moved past it "
                f"(`git revert {short}` undoes its changes)"
            )
    if restore:
        changed = _changed_since(git, root, journal, commit)
        if changed:
            again = RESUME_COMMAND if options.resume else ABORT_COMMAND
            raise ReleaseError(
                f"cannot undo the unfinished release: {', '.join(changed)} changed since the "
                f"release wrote {'it' if len(changed) == 1 else 'them'}, and restoring would "
                f"lose that; commit or stash those changes, then run {again} again"
            )
        actions += [f"restore {path}" for path in paths]
    result = ReleaseResult(
        released=False,
        dry_run=options.dry_run,
        message="the unfinished release was undone",
        actions=actions,
        commit=commit,
    )
    if options.dry_run:
        return result
    if restore:
        # The undo writes the index: a lock a killed git of ours left goes first; any other
        # stops it here, before anything is touched.
        remove_left_locks(git)
        ensure_index_unlocked(git, RESUME_COMMAND if options.resume else ABORT_COMMAND)
    with interruptible(), deferred():
        if commit is not None:
            for release in journal.releases:
                if git.tag_target(release.tag) == commit:
                    git.delete_tag(release.tag)
            if restore and journal.base is not None:
                git.reset_soft(journal.base)
                git.reset_paths(journal.base, paths)
        if restore:
            failures = restore_snapshots(root, _snapshots(journal))
            remove_new_directories(root, journal.directories)
            if failures:
                raise ReleaseError(
                    f"could not restore {', '.join(failures)}; the journal {journal.path} is "
                    f"kept: fix the cause and run {ABORT_COMMAND} again"
                )
            if commit is None and journal.staged and journal.base is not None:
                git.reset_paths("HEAD", paths)
        journal.remove()
    return result


def _changed_since(git: Git, root: Path, journal: Journal, commit: str | None) -> list[str]:
    """The journal's paths that hold neither what the release wrote nor what they held before:
    changes made since, which restoring the snapshots would destroy.

    A journal of an earlier version has no digest of what was written: the release commit, when
    there is one, holds it; without one only the original bytes are known to be safe to replace.
    """
    changed: list[str] = []
    for entry in journal.files:
        try:
            now = take_snapshot(root, entry.path).content
        except ReleaseError:  # not a regular file any more: something else put it there
            changed.append(entry.path)
            continue
        if now == entry.content:
            continue  # as before the release (never written, or put back since)
        written = entry.written
        if written is None and commit is not None:
            written = content_digest(git.show_file(commit, entry.path))
        if written is None or content_digest(now) != written:
            changed.append(entry.path)
    return changed
