"""A project's own release history: its earlier releases, the jump each made, and its commits.

Every repository carries labelled examples of its maintainers' habits: consecutive release
tags, the version jump between them, and the commits in between. This module reads them:

* the release tags reachable from the analysed base, with the same patterns as the
  current-version lookup (a project's own ``name@1.2.3`` tags in a monorepo, else unnamed ones);
* final releases only (prereleases skipped), one tag per version, ordered by version; the most
  recent ``limit`` consecutive pairs whose older tag is an ancestor of the newer one (a backport
  or a tag from another line fails that test and is skipped, with a debug line);
* for each pair, the jump it shipped and what its Conventional Commits declared.

The per-pair facts are cached on disk, keyed by the two commits, the project's paths and the
format version, so a rerun reads a few small files instead of running git.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from release_tools.analysis.cachedir import prepare_cache_dir
from release_tools.errors import GitError
from release_tools.files import write_atomic
from release_tools.git import Commit, Git
from release_tools.versioning.bump import Bump
from release_tools.versioning.semver import jump
from release_tools.versioning.tags import ReleaseTag

__all__ = [
    "HISTORY_FORMAT",
    "Classifier",
    "PastRelease",
    "ReleaseHistory",
    "as_json",
    "read_history",
]

log = logging.getLogger(__name__)

#: Part of every cache key: bumped when what a pair records (or how) changes.
HISTORY_FORMAT = "1"
#: Git calls run at once when pairs are not cached (each waits on its own process).
_WORKERS = 4


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


@dataclass(frozen=True, slots=True)
class ReleaseHistory:
    """The pairs read, and why there may be fewer than asked for."""

    releases: tuple[PastRelease, ...]
    #: Release tags considered (final, one per version) before pairing.
    tags: int
    skipped: int
    shallow: bool
    seconds: float


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


def _finals(tags: Sequence[ReleaseTag]) -> list[ReleaseTag]:
    """Final releases, one tag per version (the first listed, i.e. the newest), by version."""
    by_version: dict[tuple[int, int, int], ReleaseTag] = {}
    for tag in tags:
        if tag.version.is_prerelease:
            log.debug("history: prerelease tag skipped", extra={"tag": tag.tag})
            continue
        key = tag.version.core
        if key in by_version:
            log.debug("history: duplicate version tag skipped", extra={"tag": tag.tag})
            continue
        by_version[key] = tag
    return [by_version[key] for key in sorted(by_version)]


def _cache_key(old_sha: str, new_sha: str, paths: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for part in (HISTORY_FORMAT, old_sha, new_sha, *paths):
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(4, "big") + encoded)
    return digest.hexdigest()


#: Reads a list of commits: how many are conventional, and the highest bump they declare
#: (NONE for chore/docs/... only; None when none is conventional).
Classifier = Callable[[Sequence[Commit]], tuple[int, Bump | None]]


def _facts(
    git: Git, old_sha: str, new_sha: str, paths: Sequence[str], classify: Classifier
) -> tuple[int, int, int]:
    """(commits, conventional commits, declared bump or -1 when none is conventional)."""
    commits = git.commits(old_sha, new_sha, paths)
    conventional, declared = classify(commits)
    return len(commits), conventional, -1 if declared is None else int(declared)


class _Cache:
    """Per-pair JSON files under ``<cache dir>/history/``; failures only cost a recompute."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory / "history" if directory is not None else None
        self._prepared = False

    def get(self, key: str) -> tuple[int, int, int] | None:
        if self.directory is None:
            return None
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            return int(data["commits"]), int(data["conventional"]), int(data["declared"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, value: tuple[int, int, int]) -> None:
        if self.directory is None:
            return
        commits, conventional, declared = value
        try:
            if not self._prepared:
                prepare_cache_dir(self.directory.parent)
                self.directory.mkdir(parents=True, exist_ok=True)
                self._prepared = True
            text = json.dumps(
                {"commits": commits, "conventional": conventional, "declared": declared}
            )
            write_atomic(self.directory / f"{key}.json", text)
        except OSError as exc:
            log.debug("history cache entry not written: %s", exc)


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
) -> ReleaseHistory:
    """The most recent ``limit`` release pairs among ``tags`` (those reachable from the base).

    ``classify`` reads each pair's commits (the commit evidence's own rules, so that history and
    the current range are read alike), and ``classifier_key`` names its rules in the cache key
    (a configured commit-type table must not reuse facts read with another); ``paths``
    restricts the commits to a monorepo project's directories. Never raises for odd history:
    anything that cannot be paired is skipped with a debug line.
    """
    started = time.perf_counter()
    shallow = git.is_shallow()
    finals = _finals(_candidate_tags(tags, project, root_name))
    if limit <= 0 or len(finals) < 2:
        return ReleaseHistory((), len(finals), 0, shallow, time.perf_counter() - started)
    recent = finals[-(limit + 1) :]
    shas = git.tag_commits()
    cache = _Cache(cache_dir)
    pairs: list[tuple[ReleaseTag, ReleaseTag, str, str]] = []
    skipped = 0
    for old, new in itertools.pairwise(recent):
        old_sha, new_sha = shas.get(old.tag), shas.get(new.tag)
        if old_sha is None or new_sha is None or old_sha == new_sha:
            skipped += 1
            log.debug("history: pair skipped", extra={"old": old.tag, "new": new.tag})
            continue
        pairs.append((old, new, old_sha, new_sha))

    def facts(pair: tuple[ReleaseTag, ReleaseTag, str, str]) -> tuple[int, int, int] | None:
        old, new, old_sha, new_sha = pair
        key = _cache_key(old_sha, new_sha, (classifier_key, *paths))
        cached = cache.get(key)
        if cached is not None:
            return cached
        try:
            if not git.is_ancestor(old_sha, new_sha):
                log.debug("history: not on one line", extra={"old": old.tag, "new": new.tag})
                return None
            value = _facts(git, old_sha, new_sha, paths, classify)
        except GitError as exc:
            log.debug("history: pair unreadable (%s)", exc, extra={"new": new.tag})
            return None
        cache.put(key, value)
        return value

    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        found = list(pool.map(facts, pairs))
    releases: list[PastRelease] = []
    for (old, new, old_sha, new_sha), value in zip(pairs, found, strict=True):
        if value is None:
            skipped += 1
            continue
        commits, conventional, declared = value
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
            )
        )
    seconds = time.perf_counter() - started
    log.debug(
        "release history read",
        extra={"pairs": len(releases), "skipped": skipped, "seconds": round(seconds, 3)},
    )
    return ReleaseHistory(tuple(releases), len(finals), skipped, shallow, seconds)


def as_json(release: PastRelease) -> dict[str, object]:
    """A pair in the report's JSON: tags, jump and declared bump by their names."""
    data = asdict(release)
    data["shipped"] = release.shipped.label
    data["declared"] = None if release.declared is None else release.declared.label
    return data
