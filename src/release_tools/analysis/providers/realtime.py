"""The ``realtime`` provider: a language model reads the diff over the Realtime API (issue 4).

Flow:

1. The local engine runs first, always: its evidence and verdict check the model afterwards and
   stand in for it when the model path fails.
2. The diff is cut into chunks (excluded paths are never rendered, so never sent), and every
   chunk is redacted (:mod:`release_tools.analysis.redaction`) before anything else looks at it.
3. Chunks whose summary is in the on-disk cache (:mod:`release_tools.analysis.cache`) are not
   sent. The others go out as one out-of-band response each over a :class:`SessionPool` of up to
   ``concurrency`` sessions, each response forced to call the chunk-summary function. The
   arguments are validated with :class:`ChunkSummary`; an invalid answer is asked for once more
   with the validation error, then counts as a failure.
4. One final response, forced to call the version-analysis function, gets every chunk summary
   and the static evidence.
5. :func:`~release_tools.analysis.hybrid.combine` merges the model's verdict with the evidence.

If the model path fails completely (no connection, every chunk failed, no valid final answer),
the local decision is returned with ``needs_review`` and a warning, or, with ``--no-fallback``,
a :class:`ProviderError` carries the reason. The API key comes from ``OPENAI_API_KEY`` and is
registered with the log redaction filter before any connection is made.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from release_tools.analysis.cache import ChunkCache, cache_key, default_cache_dir
from release_tools.analysis.chunking import plan_chunks
from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.decision import Verdict, decide
from release_tools.analysis.evidence import gather_evidence
from release_tools.analysis.hybrid import combine
from release_tools.analysis.models import Bump, Decision, Evidence, Strength
from release_tools.analysis.progress import ProgressReporter, open_progress
from release_tools.analysis.prompts import (
    PROMPT_VERSION,
    SESSION_INSTRUCTIONS,
    chunk_prompt,
    final_prompt,
    retry_prompt,
)
from release_tools.analysis.providers.local import change_stats, next_version
from release_tools.analysis.redaction import redact_secrets
from release_tools.analysis.schemas import (
    CHUNK_TOOL,
    VERSION_TOOL,
    ChunkSummary,
    VersionAnalysis,
)
from release_tools.config import Settings
from release_tools.errors import ProviderError, RealtimeError, UsageError
from release_tools.logs import redact, register_secret
from release_tools.realtime import (
    ClientConfig,
    Clock,
    FunctionTool,
    ResponseRequest,
    ResponseResult,
    RetryPolicy,
    SessionConfig,
    SessionPool,
    Timeouts,
)

__all__ = ["API_KEY_VARIABLE", "ModelRun", "PreparedChunk", "RealtimeAnalyzer"]

log = logging.getLogger(__name__)

#: The environment variable holding the API key.
API_KEY_VARIABLE = "OPENAI_API_KEY"

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_VERSION_TYPES: dict[Bump, Literal["major", "minor", "patch", "unknown"]] = {
    Bump.MAJOR: "major",
    Bump.MINOR: "minor",
    Bump.PATCH: "patch",
    Bump.NONE: "unknown",
}


class _InvalidAnswer(Exception):
    """The model's answer did not validate (internal: becomes a retry, then a failure)."""


@dataclass(slots=True)
class PreparedChunk:
    """A chunk as it will be sent: redacted text, its prompt and its cache key."""

    index: int
    text: str
    paths: list[str]
    redactions: int
    prompt: str
    key: str


@dataclass(slots=True)
class ModelRun:
    """What the model path produced, also on failure (usage is spent either way)."""

    summaries: dict[int, ChunkSummary] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    cached: int = 0
    analysis: VersionAnalysis | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    requests: int = 0
    redactions: int = 0

    def usage(self) -> dict[str, int]:
        """The report's ``usage`` object."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
            "requests": self.requests,
        }

    def add(self, result: ResponseResult) -> None:
        self.input_tokens += result.usage.input_tokens
        self.output_tokens += result.usage.output_tokens
        self.total_tokens += result.usage.total_tokens


def _run_coroutine(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, even inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    # Called from async code (a notebook, an async caller): a private loop in a worker thread.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="release-tools-realtime") as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def _validation_message(exc: ValidationError) -> str:
    # Without the input values: the validator's message goes back to the model, and to logs.
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:10]:
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def parse_answer(result: ResponseResult, tool: FunctionTool, model: type[M]) -> M:
    """The validated arguments of ``result``'s call to ``tool``; ``_InvalidAnswer`` otherwise."""
    if result.status != "completed":
        raise _InvalidAnswer(f"the response ended {result.status} ({result.status_reason})")
    call = next((c for c in result.function_calls if c.name == tool.name), None)
    if call is None:
        raise _InvalidAnswer(f"no call to the function {tool.name}")
    try:
        return model.model_validate_json(call.arguments or "{}")
    except ValidationError as exc:
        raise _InvalidAnswer(_validation_message(exc)) from exc


class RealtimeAnalyzer:
    """A model's judgement over the Realtime API, checked by the local evidence."""

    name = "realtime"

    def __init__(
        self,
        settings: Settings,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        progress: Callable[[int], ProgressReporter] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        key = env.get(API_KEY_VARIABLE, "").strip()
        if not key:
            # Checked before the range is collected: a missing key is a usage error, not a
            # model failure, so it never falls back silently.
            raise UsageError(
                f"provider 'realtime' needs an API key: set {API_KEY_VARIABLE}"
            )
        register_secret(key)
        self.settings = settings
        self._api_key = key
        self._clock = clock
        self._progress = progress or (lambda total: open_progress(total, "model analysis"))

    def __repr__(self) -> str:
        s = self.settings
        return f"RealtimeAnalyzer(model={s.model!r}, url={s.realtime_url!r})"

    # --- configuration ----------------------------------------------------------------------

    def client_config(self) -> ClientConfig:
        """The realtime client's configuration from the settings (key included, never shown)."""
        s = self.settings
        return ClientConfig(
            url=s.realtime_url,
            model=s.model,
            api_key=self._api_key,
            timeouts=Timeouts(
                connect=s.connect_timeout,
                session=s.session_timeout,
                response=s.response_timeout,
                idle=s.idle_timeout,
            ),
            retry=RetryPolicy(max_retries=s.max_retries),
        )

    def prepare(self, ctx: AnalysisContext) -> tuple[list[PreparedChunk], list[str]]:
        """Chunks to send, redacted and keyed, and the paths left out by ``max_chunks``."""
        s = self.settings
        plan = plan_chunks(ctx.changes, chunk_size=s.chunk_size, max_chunks=s.max_chunks)
        prepared: list[PreparedChunk] = []
        for chunk in plan.chunks:
            text, count = redact_secrets(chunk.text)
            prompt = chunk_prompt(text)
            key = cache_key(s.model, PROMPT_VERSION, prompt)
            prepared.append(PreparedChunk(chunk.index, text, chunk.paths, count, prompt, key))
        return prepared, plan.omitted_paths

    # --- the analysis -----------------------------------------------------------------------

    def analyze(self, ctx: AnalysisContext) -> Decision:
        """Decide the bump for ``ctx``: model verdict, checked by the evidence (module docs)."""
        chunks, omitted = self.prepare(ctx)
        stats = change_stats(ctx)
        run = ModelRun(redactions=sum(c.redactions for c in chunks))
        cache = None
        if self.settings.cache:
            cache = ChunkCache(default_cache_dir(ctx.root, self.settings.cache_dir))
        evidence, error = _run_coroutine(lambda: self._run(ctx, chunks, omitted, stats, run, cache))
        verdict = decide(evidence, has_changes=bool(ctx.changes) or bool(ctx.commits))
        if error is None and run.analysis is None:  # pragma: no cover - _model_path raises
            error = ProviderError("the model gave no final answer")
        if error is not None:
            reason = redact(str(error).splitlines()[0] if str(error) else type(error).__name__)
            if not self.settings.fallback:
                raise ProviderError(f"realtime provider failed: {reason}") from error
            log.warning("realtime provider failed, using the local decision: %s", reason)
            return self._fallback(ctx, evidence, verdict, run, stats, chunks, omitted, reason)
        return self._decision(ctx, evidence, verdict, run, stats, chunks, omitted)

    async def _run(
        self,
        ctx: AnalysisContext,
        chunks: Sequence[PreparedChunk],
        omitted: Sequence[str],
        stats: Mapping[str, int],
        run: ModelRun,
        cache: ChunkCache | None,
    ) -> tuple[list[Evidence], RealtimeError | ProviderError | None]:
        """The model path, with the local evidence gathered meanwhile in a worker thread.

        Gathering evidence reads files from git (hundreds of milliseconds on a large change)
        and is only needed for the final prompt, so it overlaps the chunk requests. It starts
        once the pool is open, so its CPU work does not slow down the handshakes.
        """
        started: list[asyncio.Future[list[Evidence]]] = []

        def start_evidence() -> asyncio.Future[list[Evidence]]:
            if not started:
                started.append(asyncio.ensure_future(asyncio.to_thread(gather_evidence, ctx)))
            return started[0]

        error: RealtimeError | ProviderError | None = None
        try:
            await self._model_path(chunks, omitted, start_evidence, stats, run, cache)
        except (RealtimeError, ProviderError) as exc:
            error = exc
        return await start_evidence(), error

    async def _model_path(
        self,
        chunks: Sequence[PreparedChunk],
        omitted: Sequence[str],
        start_evidence: Callable[[], asyncio.Future[list[Evidence]]],
        stats: Mapping[str, int],
        run: ModelRun,
        cache: ChunkCache | None,
    ) -> None:
        todo: list[PreparedChunk] = []
        for chunk in chunks:
            hit = cache.get(chunk.key) if cache is not None else None
            if hit is not None:
                run.summaries[chunk.index] = hit
                run.cached += 1
            else:
                todo.append(chunk)
        log.info(
            "model analysis",
            extra={
                "model": self.settings.model,
                "chunks": len(chunks),
                "cached": run.cached,
                "to_send": len(todo),
                "redactions": run.redactions,
            },
        )
        session_config = SessionConfig(
            instructions=SESSION_INSTRUCTIONS,
            tools=[CHUNK_TOOL, VERSION_TOOL],
            tool_choice="required",
        )
        size = max(1, min(self.settings.concurrency, len(todo)))
        with self._progress(len(todo) + 1) as progress:
            async with SessionPool(
                self.client_config(), session_config, size=size, clock=self._clock
            ) as pool:
                evidence_task = start_evidence()
                async with asyncio.TaskGroup() as group:
                    for chunk in todo:
                        group.create_task(self._summarise(pool, chunk, run, cache, progress))
                if todo and not any(c.index in run.summaries for c in todo) and not run.cached:
                    first = run.failed[todo[0].index]
                    raise ProviderError(f"no chunk could be analysed ({first})")
                summaries = [run.summaries[c.index] for c in chunks if c.index in run.summaries]
                evidence = await evidence_task
                prompt = final_prompt(
                    summaries,
                    evidence,
                    stats,
                    failed_chunks=len(run.failed),
                    omitted_paths=omitted,
                )
                prompt, count = redact_secrets(prompt)
                run.redactions += count
                try:
                    run.analysis = await self._ask(
                        pool, prompt, VERSION_TOOL, VersionAnalysis, run, {"step": "final"}
                    )
                except _InvalidAnswer as exc:
                    raise ProviderError(f"the final answer was invalid twice: {exc}") from exc
                progress.advance("final verdict")

    async def _summarise(
        self,
        pool: SessionPool,
        chunk: PreparedChunk,
        run: ModelRun,
        cache: ChunkCache | None,
        progress: ProgressReporter,
    ) -> None:
        meta = {"step": "chunk", "chunk": str(chunk.index)}
        try:
            summary = await self._ask(pool, chunk.prompt, CHUNK_TOOL, ChunkSummary, run, meta)
        except (RealtimeError, _InvalidAnswer) as exc:
            reason = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            run.failed[chunk.index] = reason
            log.warning("chunk %d failed: %s", chunk.index, reason, extra={"chunk": chunk.index})
            progress.advance(f"chunk {chunk.index} failed")
            return
        run.summaries[chunk.index] = summary
        if cache is not None:
            cache.put(chunk.key, summary, model=self.settings.model, prompt=PROMPT_VERSION)
        progress.advance(f"chunk {chunk.index}")

    async def _ask(
        self,
        pool: SessionPool,
        prompt: str,
        tool: FunctionTool,
        model: type[M],
        run: ModelRun,
        metadata: dict[str, str],
    ) -> M:
        """One forced function call, validated; asked once more with the error if invalid."""
        text = prompt
        for attempt in (1, 2):
            request = ResponseRequest(
                input_text=text,
                tools=[tool],
                tool_choice={"type": "function", "name": tool.name},
                metadata={**metadata, "attempt": str(attempt)},
            )
            run.requests += 1
            result = await pool.respond(request)
            run.add(result)
            try:
                return parse_answer(result, tool, model)
            except _InvalidAnswer as exc:
                if attempt == 2:
                    raise
                log.warning("invalid answer from the model, asking again: %s", exc, extra=metadata)
                text = retry_prompt(prompt, str(exc))
        raise AssertionError("unreachable")  # pragma: no cover

    # --- results ----------------------------------------------------------------------------

    def _versions(
        self, ctx: AnalysisContext, bump: Bump, release_as: str | None
    ) -> tuple[str | None, str | None, Bump, list[str]]:
        return next_version(
            ctx.current_version,
            bump,
            major_on_zero=ctx.settings.major_on_zero,
            release_as=release_as,
            scheme=ctx.version_scheme,
        )

    def _stats(
        self, stats: Mapping[str, int], run: ModelRun, chunks: int, omitted: Sequence[str]
    ) -> dict[str, int]:
        return {
            **stats,
            "chunks": chunks,
            "chunks_cached": run.cached,
            "chunks_failed": len(run.failed),
            "files_not_sent": len(omitted),
        }

    def _decision(
        self,
        ctx: AnalysisContext,
        evidence: Sequence[Evidence],
        verdict: Verdict,
        run: ModelRun,
        stats: Mapping[str, int],
        chunks: Sequence[PreparedChunk],
        omitted: Sequence[str],
    ) -> Decision:
        assert run.analysis is not None
        summaries = [run.summaries[c.index] for c in chunks if c.index in run.summaries]
        hybrid = combine(
            run.analysis,
            verdict,
            evidence,
            summaries,
            failed_chunks=len(run.failed),
            total_chunks=len(chunks),
        )
        current, following, bump, version_warnings = self._versions(
            ctx, hybrid.bump, hybrid.release_as
        )
        warnings = [*verdict.warnings, *version_warnings]
        if omitted:
            warnings.append(
                f"{len(omitted)} files were not sent to the model (max_chunks): {omitted[0]}"
                + (" and more" if len(omitted) > 1 else "")
            )
        model_item = Evidence(
            source="model",
            bump="none" if hybrid.model_bump is Bump.NONE else hybrid.model_bump.label,
            strength=Strength.STRONG,
            message=f"{self.settings.model}: {run.analysis.reasoning.strip()[:300]}",
        )
        log.info(
            "realtime decision",
            extra={"bump": bump.label, "model_bump": hybrid.model_bump.label, **run.usage()},
        )
        return Decision(
            version_type=_VERSION_TYPES[bump],
            needs_review=hybrid.needs_review,
            reasoning=hybrid.reasoning,
            current_version=current,
            next_version=following,
            base=ctx.base_ref,
            head=ctx.head_ref,
            base_sha=ctx.base_sha,
            head_sha=ctx.head_sha,
            project=ctx.project_name,
            provider=self.name,
            model=self.settings.model,
            usage=run.usage(),
            redactions=run.redactions,
            evidence=[*evidence, model_item],
            warnings=warnings,
            stats=self._stats(stats, run, len(chunks), omitted),
        )

    def _fallback(
        self,
        ctx: AnalysisContext,
        evidence: Sequence[Evidence],
        verdict: Verdict,
        run: ModelRun,
        stats: Mapping[str, int],
        chunks: Sequence[PreparedChunk],
        omitted: Sequence[str],
        reason: str,
    ) -> Decision:
        current, following, bump, version_warnings = self._versions(
            ctx, verdict.bump, verdict.release_as
        )
        return Decision(
            version_type=_VERSION_TYPES[bump],
            needs_review=True,
            reasoning=f"{verdict.reasoning} The model could not be consulted: {reason}.",
            current_version=current,
            next_version=following,
            base=ctx.base_ref,
            head=ctx.head_ref,
            base_sha=ctx.base_sha,
            head_sha=ctx.head_sha,
            project=ctx.project_name,
            provider="local",
            model=self.settings.model,
            usage=run.usage(),
            redactions=run.redactions,
            evidence=list(evidence),
            warnings=[
                f"realtime provider failed, local decision used: {reason}",
                *verdict.warnings,
                *version_warnings,
            ],
            stats=self._stats(stats, run, len(chunks), omitted),
        )
