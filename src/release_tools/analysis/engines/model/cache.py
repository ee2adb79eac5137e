"""An on-disk cache of chunk summaries, so that a rerun (in CI, say) asks the model nothing.

The key is the sha256 of the model name, the prompt version and the chunk text as sent (that is,
after redaction): a new model, new prompts or a changed chunk all miss. Entries are small JSON
files under ``<dir>/chunks/<2 hex>/<key>.json``, written to a temporary file in the same
directory and renamed into place, so a reader never sees half an entry and two concurrent runs
cannot corrupt one. A corrupt, unreadable or mismatching entry is ignored (a miss) and
overwritten by the next store.

Where: :func:`~release_tools.analysis.cachedir.default_cache_dir`, under ``chunks/``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from pydantic import ValidationError

from release_tools.analysis.cachedir import default_cache_dir, prepare_cache_dir, within
from release_tools.analysis.engines.model.schemas import ChunkSummary
from release_tools.files import write_atomic

__all__ = ["CACHE_FORMAT", "ChunkCache", "cache_key", "default_cache_dir"]

log = logging.getLogger(__name__)

#: Bumped when the entry layout changes; part of the key so old entries simply miss.
CACHE_FORMAT = "1"


def cache_key(model: str, prompt_version: str, chunk_text: str) -> str:
    """The sha256 hex digest naming the cached summary of ``chunk_text``."""
    digest = hashlib.sha256()
    for part in (CACHE_FORMAT, model, prompt_version):
        # Length-prefixed, so ("ab", "c") and ("a", "bc") cannot collide.
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(4, "big") + encoded)
    digest.update(chunk_text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ChunkCache:
    """Chunk summaries stored as JSON files under ``directory``; thread- and process-safe."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0
        self._prepared = False

    def _prepare(self) -> None:
        if not self._prepared:
            prepare_cache_dir(self.directory)
            self._prepared = True

    def _path(self, key: str) -> Path:
        return self.directory / "chunks" / key[:2] / f"{key}.json"

    def get(self, key: str) -> ChunkSummary | None:
        """The cached summary for ``key``, or None (absent, unreadable or corrupt)."""
        path = self._path(key)
        if not within(self.directory, path):
            log.warning("chunk cache entry leads outside the cache directory, ignored: %s", key)
            self.misses += 1
            return None
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("chunk cache entry unreadable, ignored: %s (%s)", path.name, exc)
            self.misses += 1
            return None
        try:
            data = json.loads(raw)
            if not isinstance(data, dict) or data.get("key") != key:
                raise ValueError("entry does not belong to its key")
            summary = ChunkSummary.model_validate(data["summary"])
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            # A truncated file (disk full, killed writer of an older version) or a foreign one.
            reason = type(exc).__name__
            log.warning("chunk cache entry corrupt, ignored: %s (%s)", path.name, reason)
            self.misses += 1
            return None
        self.hits += 1
        return summary

    def put(self, key: str, summary: ChunkSummary, **meta: str) -> None:
        """Store ``summary`` under ``key`` atomically; failures are logged, never raised."""
        path = self._path(key)
        payload = json.dumps(
            {"key": key, **meta, "summary": summary.model_dump(mode="json")},
            ensure_ascii=False,
            sort_keys=True,
        )
        if not within(self.directory, path):
            log.warning("chunk cache entry leads outside the cache directory, not written: %s", key)
            return
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, payload)
        except OSError as exc:
            # The cache only saves money; a read-only disk must not fail the analysis.
            log.warning("chunk cache entry not written: %s (%s)", path.name, exc)
