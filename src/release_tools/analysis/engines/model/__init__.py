"""The ``realtime`` provider: a language model reads the diff over the Realtime API.

Flow:

1. The local engine runs first, always: its evidence and verdict check the model afterwards and
   stand in for it when the model path fails.
2. The diff is cut into chunks (excluded paths are never rendered, so never sent), and every
   chunk is redacted (:mod:`.secrets`) before anything else looks at it.
3. Chunks whose summary is in the on-disk cache (:mod:`.cache`) are not
   sent. The others go out as one out-of-band response each over a :class:`SessionPool` of up to
   ``concurrency`` sessions, each response forced to call the chunk-summary function. The
   arguments are validated with :class:`ChunkSummary`; an invalid answer is asked for once more
   with the validation error, then counts as a failure.
4. One final response, forced to call the version-analysis function, gets every chunk summary
   and the static evidence.
5. :func:`.hybrid.combine` merges the model's verdict with the evidence.

If the model path fails completely (no connection, every chunk failed, no valid final answer),
the local decision is returned with ``needs_review`` and a warning, or, with ``--no-fallback``,
a :class:`ProviderError` carries the reason. Errors of the realtime client
(:class:`~release_tools.realtime.RealtimeError`) never leave this package: they become
:class:`ProviderError` where requests are made (:mod:`.answers`) and where the pool is opened
(:mod:`.analyzer`), with the client's error as the cause. The API key comes from
``OPENAI_API_KEY`` and is registered with the log redaction filter before any connection is
made.

Modules, one job each:

* :mod:`.analyzer`: :class:`RealtimeAnalyzer`, the orchestration above (pool, fan-out, fallback);
* :mod:`.chunks`: the chunk pipeline: prepare (redact, prompt, cache key), cache lookups, one
  summary request per chunk;
* :mod:`.answers`: one forced function call, validated, asked again once with the error; the
  usage accounting of a run;
* :mod:`.final`: the final version-analysis request over the chunk summaries and the evidence;
* :mod:`.results`: the report's :class:`Decision`, from the hybrid verdict or the fallback.
"""

from __future__ import annotations

from release_tools.analysis.engines.model.analyzer import API_KEY_VARIABLE, RealtimeAnalyzer
from release_tools.analysis.engines.model.answers import ModelRun
from release_tools.analysis.engines.model.chunks import PreparedChunk

__all__ = ["API_KEY_VARIABLE", "ModelRun", "PreparedChunk", "RealtimeAnalyzer"]
