"""The final request: one verdict over every chunk summary and the static evidence.

The prompt carries the evidence the local engine found, so the model can weigh it; it is
redacted like the chunks, since evidence messages quote lines of the diff.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from release_tools.analysis.engines.model.answers import InvalidAnswer, ModelRun, ask
from release_tools.analysis.engines.model.chunks import PreparedChunk
from release_tools.analysis.engines.model.prompts import final_prompt
from release_tools.analysis.engines.model.schemas import VERSION_TOOL, VersionAnalysis
from release_tools.analysis.engines.model.secrets import redact_secrets
from release_tools.analysis.models import Evidence
from release_tools.errors import ProviderError
from release_tools.realtime import SessionPool

__all__ = ["ask_final"]


async def ask_final(
    pool: SessionPool,
    chunks: Sequence[PreparedChunk],
    evidence: Sequence[Evidence],
    stats: Mapping[str, int],
    omitted: Sequence[str],
    run: ModelRun,
) -> VersionAnalysis:
    """The model's validated version analysis.

    A :class:`ProviderError` when the answer was invalid twice or the realtime client failed.
    """
    summaries = [run.summaries[c.index] for c in chunks if c.index in run.summaries]
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
        return await ask(pool, prompt, VERSION_TOOL, VersionAnalysis, run, {"step": "final"})
    except InvalidAnswer as exc:
        raise ProviderError(f"the final answer was invalid twice: {exc}") from exc
