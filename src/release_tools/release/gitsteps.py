"""The git and publish steps a release runs, as listed before it runs them."""

from __future__ import annotations

from collections.abc import Sequence

from release_tools.config import Settings
from release_tools.release.results import ReleaseOptions
from release_tools.release.versions import ProjectRelease

__all__ = ["plan_git_actions", "release_tags"]


def release_tags(releases: Sequence[ProjectRelease]) -> list[str]:
    """The tags the releases create, once each (a fixed group may share one)."""
    return list(dict.fromkeys(r.tag for r in releases if r.tagged))


def plan_git_actions(
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
        return [], [f"no commit ({options.no_commit_reason}): no tag, no push, no publish"]
    hooks = " (hooks skipped: --no-verify)" if settings.no_verify else ""
    actions.append(f"commit {message!r}{hooks}")
    if options.tag:
        # Projects of a fixed group whose tag names no project share one tag.
        actions += [f"tag {tag}" for tag in release_tags(releases)]
        skipped += [
            f"no tag {r.tag} for {r.project.name} (private: .changeset/config.json tags private "
            "packages only with privatePackages.tag: true)"
            for r in releases
            if not r.tagged
        ]
    else:
        skipped.append(f"no tag ({options.no_tag_reason})")
    if options.push:
        refs = [branch or "HEAD"] + (release_tags(releases) if options.tag else [])
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
        actions += [
            f"publish {r.project.name} {r.version}: {publish}" for r in releases if r.publishable
        ]
        skipped += [
            f"no publish of {r.project.name} (private package: never published)"
            for r in releases
            if not r.publishable
        ]
    return actions, skipped
