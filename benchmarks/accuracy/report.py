"""Render the benchmark's figures: summary, confusion matrices, misses, run-to-run changes.

Pure: outcomes in, text out. The same text is printed and, with ``--report``, written to a
Markdown file, so the figures in the README can be pasted from it.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks.accuracy.baselines import BASELINES
from benchmarks.accuracy.dataset import LABELS, Pair
from benchmarks.accuracy.metrics import (
    Scores,
    format_ratio,
    markdown_confusion,
    markdown_summary,
    score,
    text_confusion,
)
from benchmarks.accuracy.runner import AnalyzeResult

__all__ = [
    "PairOutcome",
    "changes_since",
    "group_table",
    "render_report",
    "summarise",
    "top_evidence",
]

_RANK = {"major": 3, "minor": 2, "patch": 1, "none": 0}


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """Everything measured on one pair: analyze's answer and each baseline's."""

    pair: Pair
    analyze: AnalyzeResult
    baselines: dict[str, str]

    @property
    def hit(self) -> bool:
        return self.analyze.predicted == self.pair.label


def summarise(outcomes: Sequence[PairOutcome]) -> list[Scores]:
    """Scores of analyze and of each baseline, in that order."""
    expected = [o.pair.label for o in outcomes]
    rows = [score("release-tools analyze", expected, [o.analyze.predicted for o in outcomes])]
    for name in BASELINES:
        rows.append(score(name, expected, [o.baselines[name] for o in outcomes]))
    return rows


def top_evidence(result: AnalyzeResult, limit: int = 3) -> list[str]:
    """The strongest evidence items of a decision, one line each, strongest first."""
    items = sorted(result.evidence, key=lambda e: -_RANK.get(str(e.get("bump")), 0))
    lines = []
    for item in items[:limit]:
        where = str(item.get("path") or "") or str(item.get("commit") or "")[:10]
        if item.get("path") and item.get("line"):
            where += f":{item['line']}"
        lines.append(
            f"{item.get('bump')}/{item.get('strength')} {item.get('source')} "
            f"{where}: {item.get('message')}"
        )
    return lines


def _accuracy_cell(group: Sequence[PairOutcome], predicted: Callable[[PairOutcome], str]) -> str:
    hits = sum(predicted(o) == o.pair.label for o in group)
    return f"{format_ratio(hits / len(group))} ({hits}/{len(group)})"


def group_table(
    outcomes: Sequence[PairOutcome], by: Callable[[PairOutcome], str], title: str
) -> str:
    """A Markdown table of accuracy per group (language, repository), analyze next to the
    baselines, with each group's label counts."""
    groups: dict[str, list[PairOutcome]] = {}
    for outcome in outcomes:
        groups.setdefault(by(outcome), []).append(outcome)
    header = [title, "pairs (major/minor/patch)", "analyze", *BASELINES, "major recall"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|---|---:|" + "|".join(["---:"] * (len(header) - 2)) + "|",
    ]
    for name, group in sorted(groups.items()):
        counts = Counter(o.pair.label for o in group)
        majors = [o for o in group if o.pair.label == "major"]
        found = sum(o.analyze.predicted == "major" for o in majors)
        cells = [
            name,
            f"{len(group)} ({'/'.join(str(counts[lab]) for lab in LABELS)})",
            _accuracy_cell(group, lambda o: o.analyze.predicted),
            *(_accuracy_cell(group, lambda o, n=n: o.baselines[n]) for n in BASELINES),
            f"{found}/{len(majors)}" if majors else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _pair_lines(outcome: PairOutcome, *, details: bool) -> list[str]:
    result = outcome.analyze
    mark = "ok  " if outcome.hit else "MISS"
    review = " needs_review" if result.needs_review else ""
    failure = f" [{result.error}]" if result.error else ""
    lines = [
        f"{mark} {outcome.pair!s:60} expected {outcome.pair.label:5} "
        f"got {result.predicted:7}{review} ({result.seconds:.1f} s){failure}"
    ]
    if details:
        if result.reasoning:
            lines.append(f"       reasoning: {result.reasoning.splitlines()[0][:300]}")
        lines += [f"       evidence: {line[:300]}" for line in top_evidence(result)]
    return lines


def render_report(
    outcomes: Sequence[PairOutcome],
    *,
    verbose: bool,
    markdown: bool,
    jobs: int,
    pairs: bool = True,
) -> str:
    """The whole report; ``verbose`` lists every pair, otherwise only the misses.

    ``pairs=False`` leaves out every per-pair line: for held-out pairs, whose misses must not
    guide the tuning of the analyzer.
    """
    rows = summarise(outcomes)
    counts = Counter(o.pair.label for o in outcomes)
    languages = Counter(o.pair.language for o in outcomes)
    repos = len({o.pair.repo for o in outcomes})
    out = [
        f"Decision quality on {len(outcomes)} release pairs of {repos} repositories "
        f"({', '.join(f'{counts[lab]} {lab}' for lab in LABELS)}; "
        f"{', '.join(f'{n} {lang}' for lang, n in sorted(languages.items()))})",
        "",
        markdown_summary(rows),
    ]
    for row in rows:
        out += ["", f"{row.name}: confusion (rows expected, columns predicted)", ""]
        out.append(markdown_confusion(row.confusion) if markdown else text_confusion(row.confusion))
    reviewed = [o for o in outcomes if o.analyze.needs_review]
    calm = [o for o in outcomes if o.analyze.needs_review is False]
    out += [
        "",
        f"needs_review: {len(reviewed)} of {len(outcomes)} pairs (right on "
        f"{sum(o.hit for o in reviewed)} of those; right on {sum(o.hit for o in calm)} "
        f"of the {len(calm)} others)",
    ]
    times = [o.analyze.seconds for o in outcomes]
    out.append(
        f"time per pair (analyze wall time, {jobs} in parallel): median "
        f"{statistics.median(times):.2f} s, mean {statistics.fmean(times):.2f} s, "
        f"max {max(times):.2f} s"
    )
    errors = [o for o in outcomes if o.analyze.error]
    if errors:
        out.append(f"errors: {len(errors)}")
    out += ["", group_table(outcomes, lambda o: o.pair.language, "language")]
    out += ["", group_table(outcomes, lambda o: o.pair.repo, "repository")]
    misses = [o for o in outcomes if not o.hit]
    out += ["", f"misses: {len(misses)}"]
    if not pairs:
        return "\n".join(out)
    if markdown:
        out.append("```text")
    for outcome in outcomes if verbose else misses:
        out += _pair_lines(outcome, details=verbose or not outcome.hit)
    if markdown:
        out.append("```")
    return "\n".join(out)


def changes_since(
    outcomes: Sequence[PairOutcome], previous: Sequence[Mapping[str, Any]]
) -> list[str]:
    """Pairs whose prediction differs from a previous run's ``--results`` file."""
    before: dict[tuple[str, str, str], str] = {}
    for record in previous:
        pair, analyze = record.get("pair", {}), record.get("analyze", {})
        key = (pair.get("repo"), pair.get("old"), pair.get("new"))
        before[key] = str(analyze.get("predicted"))
    lines = []
    for outcome in outcomes:
        p = outcome.pair
        old = before.get((p.repo, p.old, p.new))
        if old is None or old == outcome.analyze.predicted:
            continue
        was_hit, now_hit = old == p.label, outcome.hit
        trend = "fixed" if now_hit else "broken" if was_hit else "changed"
        lines.append(
            f"{trend:7} {p!s:60} expected {p.label:5} was {old:7} now {outcome.analyze.predicted}"
        )
    return lines
