"""The options and the result of ``release``, shared by the service and the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from release_tools.release.autoplans import AnalyzedProject
from release_tools.release.forge.models import PublishedRelease
from release_tools.release.publish import PublishOutcome
from release_tools.release.versions import ProjectRelease

__all__ = ["ReleaseOptions", "ReleaseResult"]


@dataclass(frozen=True, slots=True)
class ReleaseOptions:
    """The ``release`` flags that are not settings."""

    dry_run: bool = False
    skip_publish: bool = False
    commit: bool = True
    tag: bool = True
    #: The git steps named on the command line (``"commit"``, ``"tag"``): the workspace's own
    #: settings (``nx.json`` ``release.git``) may turn the others off, never these.
    explicit: frozenset[str] = frozenset()
    #: Why the commit or the tag is left out, for the report.
    no_commit_reason: str = "--no-commit"
    no_tag_reason: str = "--no-tag"
    push: bool = False
    preid: str = "rc"
    #: Release from a detached HEAD (the release commit then belongs to no branch).
    allow_detached: bool = False
    #: Finish the unfinished release the journal describes (tag, push, publish).
    resume: bool = False
    #: Undo the unfinished release the journal describes.
    abort: bool = False
    #: The release date written in the changelog (today when None; tests pin it).
    today: date | None = None
    #: Mark forge releases as prereleases; None: when the version is a prerelease.
    prerelease: bool | None = None
    #: Projects without a pending plan release what ``analyze`` decides for them.
    auto: bool = False


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
    #: A dry run's refusals: what the real run would refuse (the preview is still shown).
    refused: list[str] = field(default_factory=list)
    #: The exit code the real run would end with when ``refused`` is not empty.
    refused_exit_code: int = 0
    #: Repository-relative paths written (or, in a dry run, that would be written).
    files_written: list[str] = field(default_factory=list)
    #: Repository-relative paths deleted (or that would be): fully consumed plans.
    files_deleted: list[str] = field(default_factory=list)
    #: The version plans the release consumes, wholly or in part.
    plans_consumed: list[str] = field(default_factory=list)
    #: The tags the release creates (or would create); ``tags`` holds those actually created.
    planned_tags: list[str] = field(default_factory=list)
    #: The releases made on GitHub or GitLab (``--forge-release``), one per tag.
    forge_releases: list[PublishedRelease] = field(default_factory=list)
    #: The forge releases the release makes (or would make), ``planned``; ``forge_releases``
    #: holds those actually made.
    planned_forge_releases: list[PublishedRelease] = field(default_factory=list)
    #: With ``--auto``: the projects analyzed and what analyze decided for each.
    analyzed: list[AnalyzedProject] = field(default_factory=list)
