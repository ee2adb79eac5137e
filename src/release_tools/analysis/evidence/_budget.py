"""How much of a range a per-file reader may parse and scan: the shared work budget.

Readers that parse files into syntax trees (tree-sitter for Rust and Go) bound their work
before reading anything, from blob sizes: a file up to ``max_parse`` bytes is parsed while the
run's parse budget lasts, a bigger one (or one past that budget) is scanned linearly while the
scan budget lasts, and one over ``max_scan`` is not read at all. A group of files (one change,
one package) is planned whole or not at all, so a file read on one side only cannot look like
removals.
"""

from __future__ import annotations

from collections.abc import Sequence

from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, EvidenceSource, Strength

__all__ = ["PARSE", "SCAN", "ReadBudget", "too_large"]

PARSE, SCAN = "parse", "scan"


class ReadBudget:
    """What is left to parse and to scan in one run."""

    def __init__(
        self, *, max_parse: int, max_scan: int, parse_budget: int, scan_budget: int
    ) -> None:
        self.max_parse, self.max_scan = max_parse, max_scan
        self.parse, self.scan = parse_budget, scan_budget

    def plan(
        self, sizes: Sequence[int], max_parse: Sequence[int] | None = None
    ) -> list[str] | None:
        """How to read files of these sizes (PARSE or SCAN), charged; None when they don't fit.

        ``max_parse`` gives each file a lower limit for being parsed (a reader that compares
        only names parses less of a one-sided change); never above the budget's own.
        """
        limits = [self.max_parse] * len(sizes) if max_parse is None else max_parse
        parse, scan, modes = self.parse, self.scan, []
        for size, limit in zip(sizes, limits, strict=True):
            if size <= min(limit, self.max_parse) and size <= parse:
                parse -= size
                modes.append(PARSE)
            elif size <= self.max_scan and size <= scan:
                scan -= size
                modes.append(SCAN)
            else:
                return None
        self.parse, self.scan = parse, scan
        return modes


def too_large(
    source: EvidenceSource, path: str, reason: str, instead: str, *, read: bool = True
) -> Evidence:
    """The item naming a file that was not parsed: why, and what was done instead; ``read``
    False when nothing was (an ``unread`` item instead of an ``incomplete`` one)."""
    return evidence(
        source,
        EvidenceKind.INCOMPLETE if read else EvidenceKind.UNREAD,
        Bump.PATCH,
        Strength.WEAK,
        f"{path}: {reason}, too large to parse; {instead}",
        path=path,
    )
