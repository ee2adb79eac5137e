"""Release tags: which tags name a release, and which one the next release starts from.

A tag pattern is a regular expression with a ``version`` group and an optional ``name`` group
(the project, in a monorepo). Tags whose version does not parse are not releases.

A version tagged with two numbers (``v2.1``) is the release ``2.1.0``, unless the same project
also tags ``2.1.0`` in full: then the short tag is a moving alias (a GitHub Action's ``v2.1``
follows the latest ``2.1.x``), not a release (:func:`without_aliases`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from release_tools.errors import GitError, VersionError
from release_tools.git import Git
from release_tools.versioning.semver import Version

__all__ = [
    "ReleaseTag",
    "find_release_tags",
    "latest_release_tag",
    "merged_tag_names",
    "parse_release_tags",
    "released_of_equals",
    "unless_superseded",
    "without_aliases",
]

log = logging.getLogger(__name__)

#: Names of skipped tags a debug line shows (a repository may hold thousands).
_SHOWN_SKIPPED = 10


@dataclass(frozen=True, slots=True)
class ReleaseTag:
    """A tag that names a release: its ``version`` group and optional ``name`` group."""

    tag: str
    version: Version
    project: str | None


def merged_tag_names(git: Git, head: str) -> list[str]:
    """Names of the tags reachable from ``head``, newest first (:meth:`Git.tags_merged`)."""
    return git.tags_merged(head)


def find_release_tags(git: Git, head: str, pattern: str) -> list[ReleaseTag]:
    """Tags reachable from ``head`` that match ``pattern``, newest tag first."""
    return parse_release_tags(git.tags_merged(head), pattern)


def parse_release_tags(names: list[str], pattern: str) -> list[ReleaseTag]:
    """The release tags among ``names`` under ``pattern`` (order kept)."""
    found, skipped = _parse_release_tags(tuple(names), pattern)
    if skipped:
        shown = ", ".join(skipped[:_SHOWN_SKIPPED])
        more = f" and {len(skipped) - _SHOWN_SKIPPED} more" if len(skipped) > _SHOWN_SKIPPED else ""
        log.debug("tags skipped, not a release version under the tag pattern: %s%s", shown, more)
    return list(found)


# Asked for again by each reader of a run (range, conventions, history) for the same tags:
# among 20,000 tags each answer parses every version again.
@functools.lru_cache(maxsize=16)
def _parse_release_tags(
    names: tuple[str, ...], pattern: str
) -> tuple[tuple[ReleaseTag, ...], tuple[str, ...]]:
    """The release tags among ``names``, and the names skipped that hold a digit."""
    compiled = re.compile(pattern)
    found: list[ReleaseTag] = []
    skipped: list[str] = []
    for tag in names:
        match = compiled.match(tag)
        if match is None:
            # Only names with a digit could have been meant as releases (v1.2, 1.2.3.4).
            if any(char.isdigit() for char in tag):
                skipped.append(tag)
            continue
        groups = match.groupdict()
        try:
            version = Version.parse(groups["version"])
        except VersionError:
            skipped.append(tag)
            continue
        found.append(ReleaseTag(tag=tag, version=version, project=groups.get("name") or None))
    kept = without_aliases(found)
    if len(kept) != len(found):
        # By identity: comparing every tag with every kept one grows with the square.
        held = {id(tag) for tag in kept}
        skipped += [tag.tag for tag in found if id(tag) not in held]
    return tuple(kept), tuple(skipped)


def without_aliases(tags: Sequence[ReleaseTag]) -> list[ReleaseTag]:
    """``tags`` (order kept) without the two-number ones whose project also tags the same
    version with three numbers: those name a line (``v2.1`` moved along ``v2.1.x``), and
    reading them as ``2.1.0`` would place that release on a later commit."""
    full = {(t.project, t.version) for t in tags if t.version.parts != 2}
    return [t for t in tags if t.version.parts != 2 or (t.project, t.version) not in full]


def latest_release_tag(
    tags: list[ReleaseTag], *, project: str | None = None, root_name: str | None = None
) -> ReleaseTag | None:
    """The release tag the range starts from, or None when there has been no release.

    With a ``project``: its own tags (``name@1.2.3``), else unnamed tags (``v1.2.3`` releases
    the whole repository). Without one: unnamed tags, else tags named after the root project,
    else the tags of the project released last. Among candidates the highest version wins (a
    later backport tag of an older line must not become the base), the newest tag breaking
    ties.
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
            if len({t.project for t in candidates}) > 1:
                # Versions of different projects do not compare: the project released last
                # (``tags`` lists the newest first) gives the base, at its highest version.
                newest = candidates[0].project
                candidates = [t for t in candidates if t.project == newest]
            # max() keeps the first of equal versions, and ``tags`` lists the newest first.
            return max(candidates, key=lambda t: t.version)
    return None


def unless_superseded(
    git: Git, latest: ReleaseTag | None, tags: Sequence[ReleaseTag]
) -> ReleaseTag | None:
    """``latest``, unless it is a prerelease that a final release among ``tags`` has since
    superseded, or another tag of the same version marks a later commit.

    Versions alone cannot tell an abandoned ``v2.0.0-rc.1`` on an old commit from a release
    candidate in progress. Ancestry can: a prerelease whose commit an equal-or-older line's
    final release descends from was left behind by the releases that followed it. Then the
    highest prerelease above that final release that is not left behind wins, else the final
    release itself. Only prereleases of ``latest``'s project are weighed; a git failure keeps
    ``latest``. Two tags of one version on different commits (``v1.2.0`` and ``1.2.0`` after a
    change of scheme) are told apart by ancestry (:func:`_latest_of_equals`), whichever
    version is chosen.
    """
    if latest is None:
        return latest
    latest = _latest_of_equals(git, latest, tags)
    if not latest.version.is_prerelease:
        return latest
    same = [tag for tag in tags if tag.project == latest.project]
    finals = [tag for tag in same if not tag.version.is_prerelease]
    if not finals:
        return latest
    final = max(finals, key=lambda t: t.version)
    above = [t for t in same if t.version.is_prerelease and t.version > final.version]
    try:
        commits = git.tag_commits()
        final_commit = commits.get(final.tag)
        if final_commit is None:
            return latest
        for candidate in sorted(above, key=lambda t: t.version, reverse=True):
            commit = commits.get(candidate.tag)
            if (
                commit is None
                or commit == final_commit
                or not git.is_ancestor(commit, final_commit)
            ):
                return _latest_of_equals(git, candidate, tags)
            log.debug(
                "prerelease tag left behind by a later final release",
                extra={"tag": candidate.tag, "final": final.tag},
            )
    except GitError:
        return latest
    # The final release may be tagged twice too: the same choice as for ``latest``.
    return _latest_of_equals(git, final, tags)


def _latest_of_equals(git: Git, latest: ReleaseTag, tags: Sequence[ReleaseTag]) -> ReleaseTag:
    """Of the tags of ``latest``'s project and version, the one :func:`released_of_equals`
    takes, ``latest`` first; a git failure keeps ``latest``."""
    equals = [
        tag
        for tag in tags
        if tag.project == latest.project and tag.version == latest.version and tag != latest
    ]
    if not equals:
        return latest
    try:
        commits = git.tag_commits()
    except GitError:
        return latest
    return released_of_equals(git, [latest, *equals], commits)


def released_of_equals(
    git: Git, equals: Sequence[ReleaseTag], commits: Mapping[str, str]
) -> ReleaseTag:
    """Of tags of one project and version (the first being the one the tag dates chose), the
    one on the commit descending from the others' commits (``commits`` maps tags to theirs).

    Tag dates break ties in :func:`latest_release_tag`, and a clock set wrong or a tag made
    after the fact can date the older commit's tag later: the range would then start before
    a commit the newer tag already released. Each later tag replaces the one chosen so far
    when its commit descends from that one's. Tags on commits neither of which descends from
    the other (two branches) keep the first; so does a git failure. The current-version
    lookup and the release history both choose this way, so that they agree on which commit
    a version was released from.
    """
    first = equals[0]
    chosen, chosen_commit = first, commits.get(first.tag)
    try:
        for other in equals[1:]:
            commit = commits.get(other.tag)
            if commit is None or chosen_commit is None or commit == chosen_commit:
                continue
            if git.is_ancestor(chosen_commit, commit):
                log.debug(
                    "a tag of the same version marks a later commit",
                    extra={"tag": other.tag, "instead_of": chosen.tag},
                )
                chosen, chosen_commit = other, commit
    except GitError:
        return first
    return chosen
