""":class:`RealtimeAnalyzer`: the model path's orchestration (see the package docstring).

It checks the key, opens a :class:`SessionPool`, fans the chunk requests out on a task group
while the local evidence is gathered in a daemon thread, asks for the final verdict, and turns
the outcome into a report, falling back to the local decision when the model path fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.decision import decide
from release_tools.analysis.engines.local import calendar_for, change_stats
from release_tools.analysis.engines.model.answers import ModelRun, provider_error
from release_tools.analysis.engines.model.cache import ChunkCache, default_cache_dir
from release_tools.analysis.engines.model.chunks import (
    NotAnswering,
    PreparedChunk,
    prepare_chunks,
    split_cached,
    summarise_chunk,
)
from release_tools.analysis.engines.model.final import ask_final
from release_tools.analysis.engines.model.progress import ProgressReporter, open_progress
from release_tools.analysis.engines.model.prompts import SESSION_INSTRUCTIONS
from release_tools.analysis.engines.model.results import fallback_decision, model_decision
from release_tools.analysis.engines.model.schemas import CHUNK_TOOL, VERSION_TOOL
from release_tools.analysis.evidence import gather_evidence
from release_tools.analysis.models import Decision, Evidence
from release_tools.config import API_KEY_VARIABLE, Settings
from release_tools.errors import ProviderError, UsageError
from release_tools.logs import redact, register_secret
from release_tools.realtime import (
    ClientConfig,
    Clock,
    RealtimeError,
    RetryPolicy,
    SessionConfig,
    SessionPool,
    Timeouts,
)
from release_tools.realtime.hosts import is_loopback_host
from release_tools.versioning.calver import CalendarChoice

__all__ = ["API_KEY_VARIABLE", "RealtimeAnalyzer"]

log = logging.getLogger(__name__)

T = TypeVar("T")
A = TypeVar("A")


def _run_coroutine(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, even inside a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    # Called from async code (a notebook, an async caller): a private loop in a worker thread.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="release-tools-realtime") as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


def in_daemon_thread(func: Callable[[A], T], arg: A) -> asyncio.Future[T]:
    """``func(arg)`` on a daemon thread, as a future of the running loop.

    Unlike ``asyncio.to_thread``, nothing waits for the thread once its result is no longer
    wanted: an interrupted run (SIGINT, SIGTERM) ends at once instead of when the evidence
    gathering would have finished, which on a large range is many seconds, past the grace
    period of ``docker stop`` or a cancelled CI job.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(cast(T, result))

    def work() -> None:
        try:
            result = context.run(func, arg)
        except BaseException as exc:  # handed to the awaiting task, which re-raises it
            outcome: tuple[T | None, BaseException | None] = (None, exc)
        else:
            outcome = (result, None)
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=work, name="release-tools-evidence", daemon=True).start()
    return future


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
            raise UsageError(f"provider 'realtime' needs an API key: set {API_KEY_VARIABLE}")
        register_secret(key)
        parts = urlsplit(settings.realtime_url)
        if parts.scheme.lower() == "ws" and not is_loopback_host(parts.hostname or ""):
            # load_settings refuses this already; settings built another way get the same
            # usage error here, before anything is collected or sent.
            raise UsageError(
                f"refusing to send the API key over unencrypted ws:// to {parts.hostname}; "
                "use wss://"
            )
        self.settings = settings
        self._api_key = key
        self._clock = clock
        self._progress = progress or (lambda total: open_progress(total, "model analysis"))

    def __repr__(self) -> str:
        s = self.settings
        return f"RealtimeAnalyzer(model={s.model!r}, url={s.realtime_url!r})"

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
            retry=RetryPolicy(max_retries=s.max_retries, max_server_wait=s.max_server_wait),
        )

    def prepare(self, ctx: AnalysisContext) -> tuple[list[PreparedChunk], list[str]]:
        """Chunks to send, redacted and keyed, and the paths left out by ``max_chunks``."""
        return prepare_chunks(ctx, self.settings)

    def analyze(self, ctx: AnalysisContext) -> Decision:
        """Decide the bump for ``ctx``: model verdict, checked by the evidence (package docs)."""
        chunks, omitted = self.prepare(ctx)
        stats = change_stats(ctx)
        run = ModelRun(redactions=sum(c.redactions for c in chunks))
        cache = None
        if self.settings.cache:
            cache = ChunkCache(default_cache_dir(ctx.root, self.settings.cache_dir))
        evidence, error = _run_coroutine(lambda: self._run(ctx, chunks, omitted, stats, run, cache))
        verdict = decide(evidence, has_changes=bool(ctx.changes))
        choice = CalendarChoice.of(self.settings.version_scheme, self.settings.calver_format)
        calendar = calendar_for(ctx, choice)
        if error is None and run.analysis is None:  # pragma: no cover - _model_path raises
            error = ProviderError("the model gave no final answer")
        model = self.settings.model
        if error is not None:
            reason = redact(str(error).splitlines()[0] if str(error) else type(error).__name__)
            if not self.settings.fallback:
                raise ProviderError(f"realtime provider failed: {reason}") from error
            log.warning("realtime provider failed, using the local decision: %s", reason)
            return fallback_decision(
                ctx, model, evidence, verdict, run, stats, chunks, omitted, reason, calendar
            )
        return model_decision(ctx, model, evidence, verdict, run, stats, chunks, omitted, calendar)

    async def _run(
        self,
        ctx: AnalysisContext,
        chunks: Sequence[PreparedChunk],
        omitted: Sequence[str],
        stats: Mapping[str, int],
        run: ModelRun,
        cache: ChunkCache | None,
    ) -> tuple[list[Evidence], ProviderError | None]:
        """The model path, with the local evidence gathered meanwhile in a daemon thread.

        Gathering evidence reads files from git (hundreds of milliseconds on a large change)
        and is only needed for the final prompt, so it overlaps the chunk requests. It starts
        once the pool is open, so its CPU work does not slow down the handshakes.
        """
        started: list[asyncio.Future[list[Evidence]]] = []

        def start_evidence() -> asyncio.Future[list[Evidence]]:
            if not started:
                started.append(in_daemon_thread(gather_evidence, ctx))
            return started[0]

        error: ProviderError | None = None
        try:
            await self._model_path(chunks, omitted, start_evidence, stats, run, cache)
        except ProviderError as exc:
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
        todo = split_cached(chunks, cache, run)
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
            try:
                async with SessionPool(
                    self.client_config(), session_config, size=size, clock=self._clock
                ) as pool:
                    try:
                        evidence_task = start_evidence()
                        try:
                            async with asyncio.TaskGroup() as group:
                                for chunk in todo:
                                    group.create_task(
                                        summarise_chunk(
                                            pool,
                                            chunk,
                                            run,
                                            cache,
                                            progress,
                                            model=self.settings.model,
                                            give_up_after=max(2, size),
                                        )
                                    )
                        except* NotAnswering as stopped:
                            raise stopped.exceptions[0] from None
                        if (
                            todo
                            and not any(c.index in run.summaries for c in todo)
                            and not run.cached
                        ):
                            first = run.failed[todo[0].index]
                            raise ProviderError(f"no chunk could be analysed ({first})")
                        evidence = await evidence_task
                        run.analysis = await ask_final(pool, chunks, evidence, stats, omitted, run)
                        progress.advance("final verdict")
                    finally:
                        # The pool counts every billed response, retried and failed attempts too.
                        run.take_usage(pool.usage)
            except RealtimeError as exc:
                # Opening or closing the pool; requests wrap their own errors (answers.ask).
                raise provider_error(exc) from exc
