"""The per-pair facts of a release history, and their cache on disk.

What :func:`release_tools.analysis.history.read_history` records for one pair of consecutive
release tags (commit counts, the declared bump, the raised runtime floors, the footprint and the
diff bytes it took) is kept as one small JSON file, keyed by the two commits, the project's
paths, the commit rules and :data:`HISTORY_FORMAT`, so a rerun reads a few small files instead
of running git.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from release_tools.analysis.cachedir import prepare_cache_dir, within
from release_tools.analysis.footprint import Footprint
from release_tools.files import write_atomic
from release_tools.versioning.bump import Bump

__all__ = ["HISTORY_FORMAT", "FactsCache", "PairFacts", "cache_key"]

log = logging.getLogger(__name__)

#: Part of every cache key: bumped when what a pair records (or how) changes.
HISTORY_FORMAT = "15"


def cache_key(old_sha: str, new_sha: str, paths: Sequence[str]) -> str:
    """The key of the pair ``old_sha..new_sha`` read under ``paths`` (and the commit rules)."""
    digest = hashlib.sha256()
    for part in (HISTORY_FORMAT, old_sha, new_sha, *paths):
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(4, "big") + encoded)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class PairFacts:
    """What one pair's cache entry holds."""

    commits: int
    conventional: int
    #: The declared bump as its number, -1 when no commit is conventional.
    declared: int
    #: The footprint's value, None when it was not read (a later run may read it) or could
    #: not be (``footprint_bytes`` says which).
    footprint: str | None
    #: The diff bytes the footprint took; -1 when it was not read.
    footprint_bytes: int = -1
    #: The runtimes (Python, Rust ...) whose oldest supported version the pair raised.
    floors: tuple[str, ...] = ()


class FactsCache:
    """Per-pair JSON files under ``<cache dir>/history/``; failures only cost a recompute."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory / "history" if directory is not None else None
        self._prepared = False
        self._refused = False

    def _entry(self, key: str) -> Path | None:
        """The file of ``key``; None without a cache, or when the history directory leads out
        of the cache directory (said once)."""
        if self.directory is None:
            return None
        path = self.directory / f"{key}.json"
        if within(self.directory.parent, path):
            return path
        if not self._refused:
            self._refused = True
            log.warning(
                "history cache %s leads outside the cache directory; not used", self.directory
            )
        return None

    def get(self, key: str) -> PairFacts | None:
        """The facts stored under ``key``; None when absent, unreadable or not what this
        version writes."""
        path = self._entry(key)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found = data["footprint"]
            if found is not None:
                found = Footprint(found).value
            size = int(data["footprint_bytes"])
            floors = data.get("floors", [])
            if not isinstance(floors, list) or not all(isinstance(f, str) for f in floors):
                return None
            facts = PairFacts(
                int(data["commits"]),
                int(data["conventional"]),
                int(data["declared"]),
                found if size >= 0 else None,
                size,
                tuple(floors),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        valid = (
            0 <= facts.conventional <= facts.commits
            and (facts.declared == -1 or facts.declared in {int(b) for b in Bump})
            and facts.footprint_bytes >= -1
        )
        return facts if valid else None

    def put(self, key: str, value: PairFacts) -> None:
        """Store ``value`` under ``key``, creating the directory on first use."""
        path = self._entry(key)
        if path is None or self.directory is None:
            return
        try:
            if not self._prepared:
                prepare_cache_dir(self.directory.parent)
                self.directory.mkdir(parents=True, exist_ok=True)
                self._prepared = True
            write_atomic(path, json.dumps(asdict(value)))
        except OSError as exc:
            log.debug("history cache entry not written: %s", exc)
