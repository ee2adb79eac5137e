"""Combine the model's verdict with the local evidence; pure, the same inputs give the same answer.

The model reads the diff; the local engine proves things about it. The rules, in order:

1. **Proof is a floor.** The highest level among evidence of strength ``proof`` (a removed
   public function, say) is the least the result can be, whatever the model answers. This is
   what makes prompt injection harmless for proven breaks: a diff that convinces the model to
   answer "patch" cannot lower a proven major. When the floor lifts the model's answer, the
   result needs review and the reasoning says why.
2. Otherwise the model's answer stands: it saw the whole diff, including behavioural changes no
   static rule can see.
3. ``needs_review`` is raised, each time with a note in the reasoning, when: the result differs
   from the local engine's own decision (any disagreement); the local engine itself asked for
   review over firm evidence (a conflict, not thin evidence; its reasons are quoted); the model
   itself asked for review;
   the chunk summaries counted breaking changes the final answer does not reflect; some
   chunks could not be analysed; some files were not sent to the model, or only in part
   (``max_chunks``): a verdict on part of the diff is no verdict on the rest; or the local
   engine had warnings (several Release-As).
4. A ``ceiling`` (an ecosystem rule, such as a Go module that keeps its import path) caps the
   result, model and proof alike, with review.
5. A ``Release-As`` override found by the local engine is kept (``release_as``): it is an
   explicit human instruction, not a judgement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from release_tools.analysis.decision import Verdict, ceiling
from release_tools.analysis.engines.model.schemas import ChunkSummary, VersionAnalysis
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["HybridVerdict", "combine", "one_line"]

# Runs of whitespace (Unicode's too: U+2028 and U+0085 end a line for str.splitlines) and of
# other control characters.
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def one_line(text: str) -> str:
    """``text`` on one line: each run of whitespace and control characters becomes one space.

    The model's free text is written into one-line report entries; a line break in it would
    start a line of the model's choosing, such as a CI runner's ``::`` workflow command.
    """
    return _BREAKS.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class HybridVerdict:
    """The combined decision; ``notes`` are the explanations also joined into ``reasoning``."""

    bump: Bump
    needs_review: bool
    reasoning: str
    model_bump: Bump
    local_bump: Bump
    notes: tuple[str, ...] = ()
    release_as: str | None = None


def _proof(evidence: Sequence[Evidence]) -> tuple[Bump, Evidence | None]:
    proofs = [
        e
        for e in evidence
        if e.proof and e.kind not in (EvidenceKind.RELEASE_AS, EvidenceKind.CEILING)
    ]
    level = max((e.level for e in proofs), default=Bump.NONE)
    first = next((e for e in proofs if e.level is level), None)
    return level, first


def _firm(evidence: Sequence[Evidence]) -> bool:
    return any(
        e.strength in (Strength.PROOF, Strength.STRONG) and e.kind is not EvidenceKind.RELEASE_AS
        for e in evidence
    )


def _unsent_note(unsent: int, partly: int, total: int | None) -> str:
    """Say how many files the model did not see, or saw only part of (``max_chunks``)."""
    of = f" of {total}" if total is not None else ""
    if not unsent:
        return f"{partly}{of} files only partly sent to the model (max_chunks)"
    note = f"{unsent}{of} files not sent to the model"
    if partly:
        note += f" and {partly} only in part"
    return f"{note} (max_chunks)"


def combine(
    model: VersionAnalysis,
    local: Verdict,
    evidence: Sequence[Evidence],
    summaries: Sequence[ChunkSummary] = (),
    *,
    failed_chunks: int = 0,
    total_chunks: int | None = None,
    unsent_files: int = 0,
    partly_sent_files: int = 0,
    total_files: int | None = None,
    cut_files: int = 0,
) -> HybridVerdict:
    """Combine ``model``'s verdict with the ``local`` one and its ``evidence``; see the rules.

    ``unsent_files`` and ``partly_sent_files`` count the files of the diff the model saw none
    of, or only some of (``max_chunks``), out of ``total_files``; ``cut_files`` those sent
    without the hunks the diff reader dropped to bound its memory (a huge generated file).
    """
    model_bump = Bump.parse(model.version_type)
    proof_level, proof_item = _proof(evidence)
    bump = max(model_bump, proof_level)
    notes: list[str] = []
    needs_review = False

    if proof_level > model_bump and proof_item is not None:
        needs_review = True
        notes.append(
            f"the model answered {model_bump.label}, but the code proves {proof_level.label}: "
            f"{proof_item.citation}; the proof wins"
        )
    cap = ceiling(evidence)
    if cap is not None and bump > cap.level:
        needs_review = True
        notes.append(f"capped at {cap.level.label}: {cap.citation}")
        bump = cap.level
    if bump != local.bump:
        needs_review = True
        notes.append(
            f"the model and the static evidence disagree: the result is {bump.label}, the "
            f"static analysis alone says {local.bump.label} ({local.reasoning.rstrip('.')})"
        )
    elif local.needs_review and _firm(evidence):
        # Same bump, but the local engine saw a conflict (commits declaring patch over code
        # proving major, say): the model agreeing with the code does not resolve the commits.
        # Without firm evidence the local flag only meant "too little to go on", which the
        # model's reading of the diff is there to supply.
        needs_review = True
        notes.append(f"the static analysis asks for a review: {local.reasoning.rstrip('.')}")
    if model.needs_review:
        needs_review = True
        notes.append("the model asked for a review")
    breaking = sum(s.breaking_changes for s in summaries)
    if breaking and bump < Bump.MAJOR:
        needs_review = True
        notes.append(
            f"the chunk summaries count {breaking} breaking change{'s' if breaking > 1 else ''} "
            f"but the result is {bump.label}"
        )
    if failed_chunks:
        needs_review = True
        of = f" of {total_chunks}" if total_chunks is not None else ""
        notes.append(f"{failed_chunks}{of} chunks could not be analysed by the model")
    if unsent_files or partly_sent_files:
        needs_review = True
        notes.append(_unsent_note(unsent_files, partly_sent_files, total_files))
    if cut_files:
        needs_review = True
        notes.append(f"{cut_files} files sent without the hunks dropped for their size")
    if local.warnings:
        needs_review = True

    said = one_line(model.reasoning).rstrip(".")
    head = f"{bump.label}: {said}" if bump == model_bump else f"{bump.label}. The model: {said}"
    reasoning = ". ".join([head, *notes]) + "."
    return HybridVerdict(
        bump=bump,
        needs_review=needs_review,
        reasoning=reasoning,
        model_bump=model_bump,
        local_bump=local.bump,
        notes=tuple(notes),
        release_as=local.release_as,
    )
