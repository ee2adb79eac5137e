"""The chunk pipeline: cut, redact, key, look up in the cache, and summarise what is left.

Redaction happens here, before the prompt is built and before the cache key is computed, so
neither the server nor the cache ever sees a secret. A chunk that fails (a :class:`ProviderError`
once the client's retries are spent, or an answer invalid twice) is recorded in the run and does
not stop the others: the final request is told how many failed. Unless nothing has been answered
yet: when as many requests as there are sessions (two at least) have failed that way in a row
with no chunk answered, the server is not answering, and :class:`NotAnswering` stops the others
at once rather than let each wait out its own timeouts and retries.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.engines.model.answers import InvalidAnswer, ModelRun, ask
from release_tools.analysis.engines.model.cache import ChunkCache, cache_key
from release_tools.analysis.engines.model.chunking import plan_chunks
from release_tools.analysis.engines.model.progress import ProgressReporter
from release_tools.analysis.engines.model.prompts import PROMPT_VERSION, chunk_prompt
from release_tools.analysis.engines.model.schemas import CHUNK_TOOL, ChunkSummary
from release_tools.analysis.engines.model.secrets import redact_secrets
from release_tools.config import Settings
from release_tools.errors import ProviderError
from release_tools.logs import redact
from release_tools.realtime import SessionPool

__all__ = ["NotAnswering", "PreparedChunk", "prepare_chunks", "split_cached", "summarise_chunk"]

log = logging.getLogger(__name__)


class NotAnswering(ProviderError):
    """The first requests all failed and none was answered: the rest are not sent."""


@dataclass(slots=True)
class PreparedChunk:
    """A chunk as it will be sent: redacted text, its prompt and its cache key."""

    index: int
    text: str
    paths: list[str]
    redactions: int
    prompt: str
    key: str


def prepare_chunks(
    ctx: AnalysisContext, settings: Settings
) -> tuple[list[PreparedChunk], list[str]]:
    """Chunks to send, redacted and keyed, and the paths left out by ``max_chunks``."""
    plan = plan_chunks(ctx.changes, chunk_size=settings.chunk_size, max_chunks=settings.max_chunks)
    prepared: list[PreparedChunk] = []
    for chunk in plan.chunks:
        text, count = redact_secrets(chunk.text)
        prompt = chunk_prompt(text)
        key = cache_key(settings.model, PROMPT_VERSION, prompt)
        prepared.append(PreparedChunk(chunk.index, text, chunk.paths, count, prompt, key))
    return prepared, plan.omitted_paths


def split_cached(
    chunks: Sequence[PreparedChunk], cache: ChunkCache | None, run: ModelRun
) -> list[PreparedChunk]:
    """Record the cached summaries in ``run``; return the chunks that must be sent."""
    todo: list[PreparedChunk] = []
    for chunk in chunks:
        hit = cache.get(chunk.key) if cache is not None else None
        if hit is not None:
            run.summaries[chunk.index] = hit
            run.cached += 1
        else:
            todo.append(chunk)
    return todo


async def summarise_chunk(
    pool: SessionPool,
    chunk: PreparedChunk,
    run: ModelRun,
    cache: ChunkCache | None,
    progress: ProgressReporter,
    *,
    model: str,
    give_up_after: int = 0,
) -> None:
    """Ask for one chunk's summary; record it (and cache it) or record the failure.

    With ``give_up_after``, the failure that makes that many provider failures with no chunk
    answered raises :class:`NotAnswering` (see the module docstring).
    """
    meta = {"step": "chunk", "chunk": str(chunk.index)}
    try:
        summary = await ask(pool, chunk.prompt, CHUNK_TOOL, ChunkSummary, run, meta)
    except (ProviderError, InvalidAnswer) as exc:
        reason = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        run.failed[chunk.index] = reason
        log.warning("chunk %d failed: %s", chunk.index, reason, extra={"chunk": chunk.index})
        progress.advance(f"chunk {chunk.index} failed")
        if isinstance(exc, ProviderError) and not run.summaries and not run.cached:
            run.unanswered += 1
            if give_up_after and run.unanswered >= give_up_after:
                raise NotAnswering(
                    f"no chunk could be analysed: the first {run.unanswered} requests failed "
                    f"({reason}); the other chunks were not sent"
                ) from exc
        return
    run.summaries[chunk.index] = summary
    if cache is not None:
        cache.put(chunk.key, summary, model=model, prompt=PROMPT_VERSION)
    progress.advance(f"chunk {chunk.index}")
