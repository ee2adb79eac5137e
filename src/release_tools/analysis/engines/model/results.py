"""The report's :class:`Decision` for a realtime run: the hybrid verdict, or the fallback.

Both carry ``provider``, ``model``, ``usage`` and ``redactions``, so a
fallback report still says what the failed attempt spent and how much was redacted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.decision import Verdict
from release_tools.analysis.engines.local import NextVersion, cargo_feature_patch, next_version
from release_tools.analysis.engines.model.answers import ModelRun
from release_tools.analysis.engines.model.chunks import PreparedChunk
from release_tools.analysis.engines.model.hybrid import combine, one_line
from release_tools.analysis.habits import CARGO_ZERO_RULE
from release_tools.analysis.models import Bump, Decision, Evidence, EvidenceKind, Strength
from release_tools.versioning.calver import BREAKING_NOTE, CalendarScheme

__all__ = ["fallback_decision", "model_decision"]

log = logging.getLogger(__name__)


def _cargo(
    ctx: AnalysisContext, bump: Bump, release_as: str | None, reasoning: str
) -> tuple[Bump, str]:
    """A Rust crate's compatible feature on 0.x as the patch Cargo's convention makes it."""
    if release_as is None and cargo_feature_patch(ctx, bump):
        return Bump.PATCH, f"{reasoning} Released as a patch: {CARGO_ZERO_RULE}."
    return bump, reasoning


def _versions(
    ctx: AnalysisContext, bump: Bump, release_as: str | None, calendar: CalendarScheme | None
) -> NextVersion:
    return next_version(
        ctx.current_version,
        bump,
        major_on_zero=ctx.major_on_zero,
        release_as=release_as,
        scheme=ctx.version_scheme,
        calendar=calendar,
    )


def _calendar_fields(
    calendar: CalendarScheme | None, versions: NextVersion, reasoning: str
) -> tuple[str, dict[str, object] | None]:
    """The reasoning, with the note a major takes under calendar versioning, and the
    decision's conventions (the calendar scheme; None for semantic versioning)."""
    if calendar is None:
        return reasoning, None
    if versions.bump is Bump.MAJOR:
        reasoning = reasoning.removesuffix(".") + f"; {BREAKING_NOTE}."
    return reasoning, {"version_scheme": calendar.to_dict()}


def _stats(
    stats: Mapping[str, int], run: ModelRun, chunks: int, omitted: Sequence[str]
) -> dict[str, int]:
    return {
        **stats,
        "chunks": chunks,
        "chunks_cached": run.cached,
        "chunks_failed": len(run.failed),
        "files_not_sent": len(omitted),
    }


def model_decision(
    ctx: AnalysisContext,
    model: str,
    evidence: Sequence[Evidence],
    verdict: Verdict,
    run: ModelRun,
    stats: Mapping[str, int],
    chunks: Sequence[PreparedChunk],
    omitted: Sequence[str],
    calendar: CalendarScheme | None = None,
) -> Decision:
    """The model's verdict checked by the evidence (:func:`combine`), as a report."""
    assert run.analysis is not None
    summaries = [run.summaries[c.index] for c in chunks if c.index in run.summaries]
    # A file cut across the last chunk kept is both in a chunk and among the omitted paths.
    sent = {path for chunk in chunks for path in chunk.paths}
    partly = sum(1 for path in omitted if path in sent)
    hybrid = combine(
        run.analysis,
        verdict,
        evidence,
        summaries,
        failed_chunks=len(run.failed),
        total_chunks=len(chunks),
        unsent_files=len(omitted) - partly,
        partly_sent_files=partly,
        total_files=len(sent | set(omitted)),
        cut_files=sum(1 for c in ctx.changes if c.truncated and not c.excluded and c.path in sent),
    )
    bump, reasoning = _cargo(ctx, hybrid.bump, hybrid.release_as, hybrid.reasoning)
    versions = _versions(ctx, bump, hybrid.release_as, calendar)
    reasoning, conventions = _calendar_fields(calendar, versions, reasoning)
    warnings = [*verdict.warnings, *versions.warnings]
    if omitted:
        warnings.append(
            f"{len(omitted)} files were not sent to the model, or only in part (max_chunks): "
            f"{omitted[0]}" + (" and more" if len(omitted) > 1 else "")
        )
    model_item = Evidence(
        source="model",
        kind=EvidenceKind.MODEL,
        bump=hybrid.model_bump.word,
        strength=Strength.STRONG,
        message=f"{model}: {one_line(run.analysis.reasoning)[:300]}",
    )
    log.info(
        "realtime decision",
        extra={"bump": versions.bump.label, "model_bump": hybrid.model_bump.label, **run.usage()},
    )
    return Decision(
        version_type=versions.bump.label,
        # A Release-As that could not be honoured, or jumps absurdly far, is for a human too.
        needs_review=hybrid.needs_review
        or versions.release_as_ignored
        or versions.release_as_unusual,
        reasoning=reasoning,
        current_version=versions.current,
        next_version=versions.next,
        **ctx.range_fields(),
        provider="realtime",
        model=model,
        usage=run.usage(),
        redactions=run.redactions,
        evidence=[*evidence, model_item],
        warnings=warnings,
        stats=_stats(stats, run, len(chunks), omitted),
        conventions=conventions,
    )


def fallback_decision(
    ctx: AnalysisContext,
    model: str,
    evidence: Sequence[Evidence],
    verdict: Verdict,
    run: ModelRun,
    stats: Mapping[str, int],
    chunks: Sequence[PreparedChunk],
    omitted: Sequence[str],
    reason: str,
    calendar: CalendarScheme | None = None,
) -> Decision:
    """The local decision, flagged for review, when the model path failed for ``reason``."""
    bump, reasoning = _cargo(ctx, verdict.bump, verdict.release_as, verdict.reasoning)
    versions = _versions(ctx, bump, verdict.release_as, calendar)
    reasoning, conventions = _calendar_fields(calendar, versions, reasoning)
    return Decision(
        version_type=versions.bump.label,
        needs_review=True,
        reasoning=f"{reasoning} The model could not be consulted: {reason}.",
        current_version=versions.current,
        next_version=versions.next,
        **ctx.range_fields(),
        provider="local",
        model=model,
        usage=run.usage(),
        redactions=run.redactions,
        evidence=list(evidence),
        warnings=[
            f"realtime provider failed, local decision used: {reason}",
            *verdict.warnings,
            *versions.warnings,
        ],
        stats=_stats(stats, run, len(chunks), omitted),
        conventions=conventions,
    )
