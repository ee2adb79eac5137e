"""Release tags: which tags name a release, and which one the next release starts from.

A tag pattern is a regular expression with a ``version`` group and an optional ``name`` group
(the project, in a monorepo). Tags whose version does not parse are not releases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from release_tools.errors import VersionError
from release_tools.git import Git
from release_tools.versioning.semver import Version

__all__ = [
    "ReleaseTag",
    "find_release_tags",
    "latest_release_tag",
    "merged_tag_names",
    "parse_release_tags",
]


@dataclass(frozen=True, slots=True)
class ReleaseTag:
    """A tag that names a release: its ``version`` group and optional ``name`` group."""

    tag: str
    version: Version
    project: str | None


def merged_tag_names(git: Git, head: str) -> list[str]:
    """Names of the tags reachable from ``head``, newest first.

    Read with ``for-each-ref`` (one process, no ``git tag``), so listing tags is never mistaken
    for, or slowed like, creating one.
    """
    out = git.run(
        "for-each-ref",
        "--merged",
        head,
        "--sort=-creatordate",
        "--format=%(refname:strip=2)",
        "refs/tags",
    )
    return [line for line in out.splitlines() if line]


def find_release_tags(git: Git, head: str, pattern: str) -> list[ReleaseTag]:
    """Tags reachable from ``head`` that match ``pattern``, newest tag first."""
    return parse_release_tags(git.tags_merged(head), pattern)


def parse_release_tags(names: list[str], pattern: str) -> list[ReleaseTag]:
    """The release tags among ``names`` under ``pattern`` (order kept)."""
    compiled = re.compile(pattern)
    found: list[ReleaseTag] = []
    for tag in names:
        match = compiled.match(tag)
        if match is None:
            continue
        groups = match.groupdict()
        try:
            version = Version.parse(groups["version"])
        except VersionError:
            continue
        found.append(ReleaseTag(tag=tag, version=version, project=groups.get("name") or None))
    return found


def latest_release_tag(
    tags: list[ReleaseTag], *, project: str | None = None, root_name: str | None = None
) -> ReleaseTag | None:
    """The release tag the range starts from, or None when there has been no release.

    With a ``project``: its own tags (``name@1.2.3``), else unnamed tags (``v1.2.3`` releases
    the whole repository). Without one: unnamed tags, else tags named after the root project,
    else any release tag. Among candidates the highest version wins (a later backport tag of an
    older line must not become the base), the newest tag breaking ties.
    """
    if project is not None:
        groups = [[t for t in tags if t.project == project], [t for t in tags if not t.project]]
    else:
        groups = [
            [t for t in tags if not t.project],
            [t for t in tags if root_name and t.project == root_name],
            list(tags),
        ]
    for candidates in groups:
        if candidates:
            # max() keeps the first of equal versions, and ``tags`` lists the newest first.
            return max(candidates, key=lambda t: t.version)
    return None
