"""A project's own release history: its earlier releases, the jump each made, and its commits.

Every repository carries labelled examples of its maintainers' habits: consecutive release
tags, the version jump between them, and the commits in between. This module reads them:

* the release tags reachable from the analysed base, with the same patterns as the
  current-version lookup (a project's own ``name@1.2.3`` tags in a monorepo, else unnamed ones);
* final releases only (prereleases skipped), one tag per version (of a version tagged on two
  different commits, the tag the current-version lookup would take), ordered by version;
* the most recent ``limit`` releases, each paired with the release before it by version when
  that one is an ancestor. When it is not (a backport tagged on a maintenance line between two
  releases of the main line, a tag from another line), the release is paired with the newest
  earlier release that is an ancestor, so that a major made on the main line is not lost with
  the backport; the pair that fails is skipped with a debug line;
* for each pair, the jump it shipped, what its Conventional Commits declared, the runtimes
  whose oldest supported version it raised (Python, Rust ...), and its
  :class:`Footprint` (see :mod:`release_tools.analysis.footprint`): a cheap reading of the code
  between the tags, so that the static evidence can be calibrated against what the maintainers
  shipped, not only the commits.

The per-pair facts are cached on disk (see :mod:`release_tools.analysis.pairfacts`), so a
rerun reads a few small files instead of running git.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from release_tools.analysis.footprint import (
    Footprint,
    FootprintRead,
    KindOf,
    footprint,
    read_footprint,
    surface_delta,
)
from release_tools.analysis.pairfacts import HISTORY_FORMAT, FactsCache, PairFacts, cache_key
from release_tools.errors import GitError
from release_tools.git import Commit, Git
from release_tools.versioning.bump import Bump
from release_tools.versioning.semver import jump
from release_tools.versioning.tags import ReleaseTag, released_of_equals

# Footprint, KindOf, footprint and surface_delta live in ``footprint``, HISTORY_FORMAT in
# ``pairfacts``; importable here too, as part of reading a history.
__all__ = [
    "FOOTPRINT_BUDGET",
    "HISTORY_FORMAT",
    "Classifier",
    "Footprint",
    "KindOf",
    "PastRelease",
    "ReleaseHistory",
    "as_json",
    "footprint",
    "read_history",
    "surface_delta",
    "with_footprints",
    "without_footprints",
]

log = logging.getLogger(__name__)

#: Git calls run at once when pairs are not cached (each waits on its own process).
_WORKERS = 4
#: Diff bytes the footprints of all pairs may take together, newest pair first: the pairs
#: past the point where the total exceeds this go without one. A byte count, not a time, so
#: that the same repository always gives the same answer, on any machine, cached or not.
FOOTPRINT_BUDGET = 32 << 20
#: Earlier releases tried, newest first, as the predecessor of a release whose neighbour by
#: version is not its ancestor (beyond the neighbour itself).
_PREDECESSORS = 4


@dataclass(frozen=True, slots=True)
class PastRelease:
    """One earlier release, as the pair of it and the release before it."""

    old_tag: str
    new_tag: str
    old_sha: str
    new_sha: str
    #: The jump the maintainers shipped.
    shipped: Bump
    #: Whether the older version was a 0.x one (projects often bump differently there).
    zero: bool
    commits: int
    #: Commits with a Conventional Commits header.
    conventional: int
    #: The highest bump those commits declared (NONE for chore/docs/... only); None without any.
    declared: Bump | None
    #: What the code between the tags looks like; None when it was not read (or not within
    #: the footprint budget).
    footprint: Footprint | None = None
    #: The diff bytes reading the footprint took; -1 while it has not been read.
    footprint_bytes: int = -1
    #: The runtimes (Python, Rust ...) whose oldest supported version this release raised.
    floors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReleaseHistory:
    """The pairs read, and why there may be fewer than asked for."""

    releases: tuple[PastRelease, ...]
    #: Release tags considered (final, one per version) before pairing.
    tags: int
    skipped: int
    shallow: bool
    seconds: float
    #: The project's paths the pairs were read under (a monorepo project's directories).
    paths: tuple[str, ...] = ()
    #: Where the pairs' facts are cached, and each release's key there (for footprints read
    #: later by :func:`with_footprints`).
    cache_dir: Path | None = None
    keys: tuple[str, ...] = ()


def _candidate_tags(
    tags: Sequence[ReleaseTag], project: str | None, root_name: str | None
) -> list[ReleaseTag]:
    """The release tags of this project (or of the repository), the same choice as the base."""
    if project is not None:
        groups = [[t for t in tags if t.project == project], [t for t in tags if not t.project]]
    else:
        groups = [
            [t for t in tags if not t.project],
            [t for t in tags if root_name and t.project == root_name],
        ]
    return next((group for group in groups if group), [])


def _finals(
    git: Git, tags: Sequence[ReleaseTag], shas: Mapping[str, str], newest: int
) -> list[ReleaseTag]:
    """Final releases, one tag per version, by version.

    A version tagged twice on one commit (``v1.2.0`` and ``1.2.0``) keeps the first tag listed,
    the newest. One tagged on different commits keeps the tag the current-version lookup
    would take (:func:`released_of_equals`: the one on the commit descending from the others'),
    so that the pairs agree with the range on where that release was made. Only the ``newest``
    versions, those a pair can use, are told apart by ancestry: the older ones keep their
    first tag without asking git.
    """
    by_version: dict[tuple[int, int, int], list[ReleaseTag]] = {}
    for tag in tags:
        if tag.version.is_prerelease:
            log.debug("history: prerelease tag skipped", extra={"tag": tag.tag})
            continue
        by_version.setdefault(tag.version.core, []).append(tag)
    keys = sorted(by_version)
    finals: list[ReleaseTag] = []
    for position, key in enumerate(keys):
        group = by_version[key]
        chosen = group[0]
        if len({shas.get(tag.tag) for tag in group}) > 1 and position >= len(keys) - newest:
            chosen = released_of_equals(git, group, shas)
            log.debug(
                "history: version tagged on different commits, one kept",
                extra={"tag": chosen.tag, "others": ", ".join(t.tag for t in group if t != chosen)},
            )
        for tag in group:
            if tag != chosen:
                log.debug("history: duplicate version tag skipped", extra={"tag": tag.tag})
        finals.append(chosen)
    return finals


#: Reads a list of commits: how many are conventional, and the highest bump they declare
#: (NONE for chore/docs/... only; None when none is conventional).
Classifier = Callable[[Sequence[Commit]], tuple[int, Bump | None]]
#: The runtimes whose oldest supported version was raised between two commits.
FloorReader = Callable[[str, str], tuple[str, ...]]


def _facts(
    git: Git,
    old_sha: str,
    new_sha: str,
    paths: Sequence[str],
    classify: Classifier,
    floors: FloorReader | None,
) -> PairFacts:
    commits = git.commits(old_sha, new_sha, paths, files=True)
    conventional, declared = classify(commits)
    raised = floors(old_sha, new_sha) if floors is not None else ()
    declared_number = -1 if declared is None else int(declared)
    return PairFacts(len(commits), conventional, declared_number, None, floors=raised)


def read_history(
    git: Git,
    tags: Sequence[ReleaseTag],
    *,
    classify: Classifier,
    classifier_key: str = "",
    project: str | None,
    root_name: str | None,
    paths: Sequence[str] = (),
    limit: int = 30,
    cache_dir: Path | None = None,
    floors: FloorReader | None = None,
) -> ReleaseHistory:
    """The most recent ``limit`` release pairs among ``tags`` (those reachable from the base).

    ``classify`` reads each pair's commits (the commit evidence's own rules, so that history and
    the current range are read alike), and ``classifier_key`` names its rules in the cache key
    (a configured commit-type table must not reuse facts read with another); ``paths``
    restricts the commits to a monorepo project's directories. Footprints are only those the
    cache holds: :func:`with_footprints` reads the others when a decision needs them. Never
    raises for odd history: anything that cannot be paired is skipped with a debug line.
    ``floors`` names the runtimes whose oldest supported version a pair raised (given the two
    commits); its rules belong to the cache key's :data:`HISTORY_FORMAT`.
    """
    started = time.perf_counter()
    shallow = git.is_shallow()
    candidates = _candidate_tags(tags, project, root_name)
    shas = git.tag_commits() if len(candidates) >= 2 and limit > 0 else {}
    # The pairs use the newest limit + 1 versions, and a few more as predecessors.
    finals = _finals(git, candidates, shas, limit + 1 + _PREDECESSORS)
    if limit <= 0 or len(finals) < 2:
        return ReleaseHistory((), len(finals), 0, shallow, time.perf_counter() - started)
    recent = finals[-(limit + 1) :]
    cache = FactsCache(cache_dir)
    pairs: list[tuple[ReleaseTag, ReleaseTag, str, str]] = []
    skipped = 0
    for old, new in itertools.pairwise(recent):
        old_sha, new_sha = shas.get(old.tag), shas.get(new.tag)
        if old_sha is None or new_sha is None or old_sha == new_sha:
            skipped += 1
            log.debug("history: pair skipped", extra={"old": old.tag, "new": new.tag})
            continue
        pairs.append((old, new, old_sha, new_sha))

    def facts(pair: tuple[ReleaseTag, ReleaseTag, str, str]) -> PairFacts | bool:
        """The pair's facts; False when the older tag is no ancestor of the newer, True when
        the pair cannot be read."""
        old, new, old_sha, new_sha = pair
        key = cache_key(old_sha, new_sha, (classifier_key, *paths))
        cached = cache.get(key)
        if cached is not None:
            return cached
        try:
            if not git.is_ancestor(old_sha, new_sha):
                log.debug("history: not on one line", extra={"old": old.tag, "new": new.tag})
                return False
            value = _facts(git, old_sha, new_sha, paths, classify, floors)
        except GitError as exc:
            log.debug("history: pair unreadable (%s)", exc, extra={"new": new.tag})
            return True
        cache.put(key, value)
        return value

    def predecessor(new: ReleaseTag, new_sha: str) -> tuple[ReleaseTag, str] | None:
        """The newest release before ``new``'s neighbour by version that is its ancestor."""
        position = finals.index(new)
        for earlier in reversed(finals[max(0, position - 1 - _PREDECESSORS) : position - 1]):
            sha = shas.get(earlier.tag)
            try:
                if sha is not None and sha != new_sha and git.is_ancestor(sha, new_sha):
                    return earlier, sha
            except GitError:
                return None
        return None

    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        found = list(pool.map(facts, pairs))
    for index, value in enumerate(found):
        if value is not False:
            continue
        _, new, _, new_sha = pairs[index]
        before = predecessor(new, new_sha)
        if before is not None:
            log.debug(
                "history: paired with an earlier release",
                extra={"old": before[0].tag, "new": new.tag},
            )
            pairs[index] = (before[0], new, before[1], new_sha)
            found[index] = facts(pairs[index])
    releases: list[PastRelease] = []
    keys: list[str] = []
    for (old, new, old_sha, new_sha), value in zip(pairs, found, strict=True):
        if isinstance(value, bool):
            skipped += 1
            continue
        keys.append(cache_key(old_sha, new_sha, (classifier_key, *paths)))
        commits, conventional, declared = value.commits, value.conventional, value.declared
        releases.append(
            PastRelease(
                old_tag=old.tag,
                new_tag=new.tag,
                old_sha=old_sha,
                new_sha=new_sha,
                shipped=jump(old.version, new.version),
                zero=old.version.major == 0,
                commits=commits,
                conventional=conventional,
                declared=None if declared < 0 else Bump(declared),
                footprint=None if value.footprint is None else Footprint(value.footprint),
                footprint_bytes=value.footprint_bytes,
                floors=value.floors,
            )
        )
    seconds = time.perf_counter() - started
    log.debug(
        "release history read",
        extra={"pairs": len(releases), "skipped": skipped, "seconds": round(seconds, 3)},
    )
    return ReleaseHistory(
        tuple(releases),
        len(finals),
        skipped,
        shallow,
        seconds,
        paths=tuple(paths),
        cache_dir=cache_dir,
        keys=tuple(keys),
    )


class _Budget:
    """Diff bytes shared by the footprint readers, newest pair first (position 0).

    A pair counts only when the bytes of every pair up to it fit the total; readers report as
    they go, so one whose pair can no longer fit (the bytes already read up to it are over)
    stops, and so does every reader of an older pair. Each decision rests on byte counts that
    only grow, so it is the one a single reader taking the pairs in order would make.
    """

    def __init__(self, sizes: Sequence[int], total: int) -> None:
        self._used = list(sizes)
        self._total = total
        self._lock = threading.Lock()
        #: The first position known to be over the budget.
        self.cut = len(sizes)

    def spend(self, position: int, amount: int) -> bool:
        with self._lock:
            self._used[position] += amount
            if position >= self.cut:
                return False
            if sum(self._used[: position + 1]) > self._total:
                self.cut = position
                return False
            return True

    def open(self, position: int) -> bool:
        with self._lock:
            return position < self.cut


def with_footprints(
    git: Git, history: ReleaseHistory, *, kind_of: KindOf, budget: int = FOOTPRINT_BUDGET
) -> ReleaseHistory:
    """``history`` with the footprints of its newest pairs, as many as ``budget`` diff bytes
    cover (see :class:`_Budget`); the older ones go without.

    Pairs not read yet are read at once by a few readers; what they read is cached with the
    pair's other facts, its byte count included, so a rerun reads files instead of diffs and
    still counts the same bytes against the budget: cold or warm, the same pairs count.
    """
    releases = history.releases
    newest_first = list(range(len(releases)))[::-1]
    known = [max(releases[i].footprint_bytes, 0) for i in newest_first]
    shared = _Budget(known, budget)
    cache = FactsCache(history.cache_dir)
    started = time.perf_counter()

    def read(position: int) -> FootprintRead:
        index = newest_first[position]
        release = releases[index]
        if not shared.open(position):
            return FootprintRead(None, 0, stopped=True)
        try:
            found = read_footprint(
                git,
                release.old_sha,
                release.new_sha,
                history.paths,
                kind_of,
                lambda amount: shared.spend(position, amount),
            )
        except GitError as exc:
            log.debug("history: footprint unreadable (%s)", exc, extra={"new": release.new_tag})
            return FootprintRead(None, 0)
        if not found.stopped and index < len(history.keys):
            declared = -1 if release.declared is None else int(release.declared)
            value = found.footprint.value if found.footprint is not None else None
            facts = PairFacts(
                release.commits,
                release.conventional,
                declared,
                value,
                found.size,
                release.floors,
            )
            cache.put(history.keys[index], facts)
        return found

    unread = [p for p, i in enumerate(newest_first) if releases[i].footprint_bytes < 0]
    results: dict[int, FootprintRead] = {}
    if unread:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            results = dict(zip(unread, pool.map(read, unread), strict=True))
    total = 0
    counted: dict[int, FootprintRead] = {}
    for position, index in enumerate(newest_first):
        release = releases[index]
        got = results.get(position) or FootprintRead(release.footprint, release.footprint_bytes)
        if got.stopped:
            break
        total += got.size
        if total > budget:
            break
        counted[index] = got
    log.debug(
        "release footprints",
        extra={
            "counted": len(counted),
            "read": len(results),
            "bytes": total,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return replace(
        history,
        releases=tuple(
            replace(r, footprint=counted[i].footprint, footprint_bytes=counted[i].size)
            if i in counted
            else replace(r, footprint=None)
            for i, r in enumerate(releases)
        ),
    )


def without_footprints(history: ReleaseHistory) -> ReleaseHistory:
    """``history`` as read before any footprint: footprints a cache happened to hold are left
    out, so that only :func:`with_footprints` decides which pairs have one."""
    return replace(history, releases=tuple(replace(r, footprint=None) for r in history.releases))


def as_json(release: PastRelease) -> dict[str, object]:
    """A pair in the report's JSON: tags, jump and declared bump by their names."""
    data = asdict(release)
    data["shipped"] = release.shipped.label
    data["declared"] = None if release.declared is None else release.declared.label
    data["footprint"] = None if release.footprint is None else release.footprint.value
    del data["footprint_bytes"]
    data["floors"] = list(release.floors)
    return data
