"""What ``release`` refuses before its first write: bad settings, and repository states that
would make a later step fail.

Mistakes in the settings or the repository (exclusive options, a forge release without a
pushed tag, a bad tag name, a detached HEAD, a missing remote, an existing tag, a publish
command that cannot run) are errors in every mode. States of the moment (uncommitted changes
in the files to change, a held index lock) and a Go module path that does not name the new
major are collected as refusals in a dry run, which still shows its preview before it fails as
the real run would.
"""

from __future__ import annotations

from collections.abc import Sequence

from release_tools.config import Settings
from release_tools.errors import ReleaseError, UsageError, VersionError
from release_tools.git import Git
from release_tools.release.files import FileTransaction
from release_tools.release.forge.steps import forge_requested
from release_tools.release.publish import check_command
from release_tools.release.results import ReleaseOptions
from release_tools.release.versions import ProjectRelease, go_path_refusals, tag_only_refusals
from release_tools.versioning.semver import check_identifier

__all__ = ["check_forge", "check_options", "preflight", "refuse"]


def refuse(message: str, options: ReleaseOptions, refusals: list[str]) -> None:
    """A state a real run must refuse; a dry run still shows its preview, then fails."""
    if not options.dry_run:
        raise ReleaseError(message)
    refusals.append(message)


def preflight(
    git: Git,
    settings: Settings,
    options: ReleaseOptions,
    txn: FileTransaction,
    releases: Sequence[ProjectRelease],
    refusals: list[str],
) -> str | None:
    """Refuse, before any write, what would fail later. Returns the branch to push, if any.

    Mistakes in the repository or the settings (a bad tag name, a detached HEAD, a missing
    remote) are errors in every mode; states of the moment (uncommitted plans, a held index
    lock) and a Go module path that does not name the new major (the preview shows the
    version that needs it) are collected in ``refusals`` in a dry run, so that it still shows
    what the release would do before it fails as the real run would.
    """
    for release in (r for r in releases if r.tagged):
        reason = git.check_tag_name(release.tag)
        if reason is not None:
            raise ReleaseError(
                f"invalid tag name {release.tag!r} for {release.project.name} "
                f"(tag-format {settings.tag_format or 'default'!r}): {reason}"
            )
    for problem in go_path_refusals(releases, txn.read):
        refuse(problem, options, refusals)
    for problem in tag_only_refusals(
        releases,
        txn.read,
        tagging=options.tag,
        reason=options.no_tag_reason,
        version_variables=settings.version_variables,
    ):
        # A release that records its version nowhere would be repeated by the next one.
        raise UsageError(problem)
    if not options.commit:
        return None
    if not git.has_commits():
        raise ReleaseError("the repository has no commits yet: commit the project first")
    written = [change.path for change in txn.changes if change.content is not None]
    ignored = git.ignored(written)
    if ignored:
        raise ReleaseError(
            f"{', '.join(ignored)}: ignored by git, so the release commit cannot hold "
            f"{'it' if len(ignored) == 1 else 'them'}; track the file, or leave it out of the "
            "release settings (version-variables, changelog), or release with --no-commit"
        )
    branch = git.current_branch()
    if branch is None and not options.allow_detached:
        raise ReleaseError(
            "HEAD is detached: the release commit would belong to no branch; check out the "
            "branch to release (or pass --allow-detached)"
        )
    if options.push:
        if branch is None:
            raise ReleaseError("HEAD is detached: check out a branch to push the release")
        if settings.remote.startswith("-") or not git.has_remote(settings.remote):
            raise ReleaseError(f"no git remote named {settings.remote!r} to push to")
    if options.tag:
        for release in (r for r in releases if r.tagged):
            if git.tag_exists(release.tag):
                raise ReleaseError(
                    f"tag {release.tag!r} already exists: was this version released?"
                )
        publishing = any(r.publishable for r in releases)
        if settings.publish_command and not options.skip_publish and publishing:
            check_command(settings.publish_command)
    lock = git.git_path("index.lock")
    if lock.exists():
        refuse(
            f"another git process holds the index ({lock} exists); if none is running, "
            "delete that file and retry",
            options,
            refusals,
        )
    raw = git.run_bytes(
        "--literal-pathspecs",
        "status",
        "--porcelain",
        "-z",
        "--untracked-files=all",
        "--",
        *txn.paths,
    )
    # -z records are "XY path" (renames add the old path as a separate record).
    records = [r for r in raw.decode("utf-8", "replace").split("\0") if len(r) > 3]
    if records:
        dirty = ", ".join(sorted({r[3:] for r in records}))
        refuse(
            f"uncommitted changes in files the release must change: {dirty}; "
            "commit them first (or use --no-commit)",
            options,
            refusals,
        )
    return branch


def check_options(settings: Settings, options: ReleaseOptions) -> None:
    if options.resume and options.abort:
        raise UsageError("--resume and --abort exclude each other")
    check_forge(settings, options)
    try:
        check_identifier(options.preid)
    except VersionError as exc:
        raise UsageError(f"--preid: {exc}") from exc


def check_forge(settings: Settings, options: ReleaseOptions) -> None:
    forge = forge_requested(settings)
    if forge is not None and not (options.resume or options.abort):
        if not (options.commit and options.tag):
            why = options.no_commit_reason if not options.commit else options.no_tag_reason
            raise UsageError(
                f"--forge-release {forge}: a forge release needs the release tag, left out by {why}"
            )
        if not options.push and not options.dry_run:
            raise UsageError(
                f"--forge-release {forge} needs --push: the forge release is made for the tag "
                "on the remote"
            )
