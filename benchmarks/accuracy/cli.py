"""Command line of the decision-quality benchmark: ``python -m benchmarks.accuracy``.

Steps: read the pairs, download and unpack both releases of each (cached), build one git
repository per pair, run ``release-tools analyze`` on each, compute the two baselines on the
same repositories, and print the figures. Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

from benchmarks.accuracy.baselines import BASELINES
from benchmarks.accuracy.dataset import DEFAULT_MANIFEST, LABELS, Pair, load_pairs
from benchmarks.accuracy.fetch import FetchError, tree_for
from benchmarks.accuracy.metrics import (
    Scores,
    format_ratio,
    markdown_confusion,
    markdown_summary,
    score,
    text_confusion,
)
from benchmarks.accuracy.repos import RepoError, build_pair_repo, is_complete, range_messages
from benchmarks.accuracy.runner import AnalyzeResult, ecosystem_env, run_analyze

from release_tools.config import DEFAULT_EXCLUDES

__all__ = ["PairOutcome", "main", "summarise"]

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache"

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """Everything measured on one pair."""

    pair: Pair
    analyze: AnalyzeResult
    baselines: dict[str, str]


def _parallel(func: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(func, items))


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def prepare(pairs: Sequence[Pair], cache: Path, jobs: int) -> dict[str, str]:
    """Download and unpack every release the pairs need; returns failures by release."""
    releases = sorted({(p.ecosystem, p.package, v) for p in pairs for v in (p.old, p.new)})
    failures: dict[str, str] = {}

    def fetch(release: tuple[str, str, str]) -> None:
        ecosystem, package, version = release
        try:
            tree_for(ecosystem, package, version, cache)  # type: ignore[arg-type]
        except (FetchError, OSError) as exc:
            failures[f"{ecosystem}:{package}=={version}"] = str(exc)

    _say(f"fetching {len(releases)} releases into {cache} ...")
    _parallel(fetch, releases, jobs)
    return failures


def build_repos(pairs: Sequence[Pair], cache: Path, *, rebuild: bool, jobs: int) -> list[Path]:
    """One repository per pair under ``cache/repos``; reused when complete."""

    def build(pair: Pair) -> Path:
        dest = cache / "repos" / pair.key
        if is_complete(dest) and not rebuild:
            return dest
        old = tree_for(pair.ecosystem, pair.package, pair.old, cache)
        new = tree_for(pair.ecosystem, pair.package, pair.new, cache)
        return build_pair_repo(old, new, dest, pair.old)

    return _parallel(build, pairs, jobs)


def measure(pair: Pair, repo: Path, timeout: float, *, as_published: bool) -> PairOutcome:
    """Analyze one pair and compute the baselines on its commit messages."""
    extra = {} if as_published else ecosystem_env(pair.ecosystem, DEFAULT_EXCLUDES)
    result = run_analyze(repo, pair.base_tag, timeout=timeout, extra_env=extra)
    messages = range_messages(repo, pair.base_tag)
    baselines: dict[str, str] = {name: rule(messages) for name, rule in BASELINES.items()}
    return PairOutcome(pair=pair, analyze=result, baselines=baselines)


def summarise(outcomes: Sequence[PairOutcome]) -> list[Scores]:
    """Scores of analyze and of each baseline, in that order."""
    expected = [o.pair.label for o in outcomes]
    rows = [score("release-tools analyze", expected, [o.analyze.predicted for o in outcomes])]
    for name in BASELINES:
        rows.append(score(name, expected, [o.baselines[name] for o in outcomes]))
    return rows


def _top_evidence(result: AnalyzeResult, limit: int = 3) -> list[str]:
    rank = {"major": 3, "minor": 2, "patch": 1, "none": 0}
    items = sorted(result.evidence, key=lambda e: -rank.get(str(e.get("bump")), 0))
    lines = []
    for item in items[:limit]:
        where = item.get("path") or (str(item.get("commit") or "")[:10])
        line = f":{item['line']}" if item.get("path") and item.get("line") else ""
        lines.append(
            f"{item.get('bump')}/{item.get('strength')} {item.get('source')} "
            f"{where}{line}: {item.get('message')}"
        )
    return lines


def _print_pairs(pairs: Sequence[Pair]) -> None:
    for pair in pairs:
        print(f"{pair.ecosystem:5} {pair.package:20} {pair.old:>9} -> {pair.new:<9} {pair.label}")
    counts = Counter(p.label for p in pairs)
    ecosystems = Counter(p.ecosystem for p in pairs)
    print(
        f"{len(pairs)} pairs: "
        + ", ".join(f"{counts[lab]} {lab}" for lab in LABELS)
        + " ("
        + ", ".join(f"{n} {eco}" for eco, n in sorted(ecosystems.items()))
        + ")"
    )


def _report(outcomes: Sequence[PairOutcome], *, verbose: bool, markdown: bool, jobs: int) -> None:
    rows = summarise(outcomes)
    counts = Counter(o.pair.label for o in outcomes)
    print(
        f"Decision quality on {len(outcomes)} release pairs "
        f"({', '.join(f'{counts[lab]} {lab}' for lab in LABELS)})\n"
    )
    print(markdown_summary(rows))
    for row in rows:
        print(f"\n{row.name}: confusion (rows expected, columns predicted)")
        print(markdown_confusion(row.confusion) if markdown else text_confusion(row.confusion))
    reviewed = [o for o in outcomes if o.analyze.needs_review]
    right = sum(o.analyze.predicted == o.pair.label for o in reviewed)
    calm = [o for o in outcomes if o.analyze.needs_review is False]
    calm_right = sum(o.analyze.predicted == o.pair.label for o in calm)
    print(
        f"\nneeds_review: {len(reviewed)} of {len(outcomes)} pairs "
        f"(right on {right} of those; right on {calm_right} of the {len(calm)} others)"
    )
    errors = [o for o in outcomes if o.analyze.error]
    if errors:
        print(f"errors: {len(errors)}")
        for outcome in errors:
            print(f"  {outcome.pair}: {outcome.analyze.error}")
    times = [o.analyze.seconds for o in outcomes]
    print(
        f"time per pair (wall, {jobs} in parallel): median {statistics.median(times):.2f} s, "
        f"mean {statistics.fmean(times):.2f} s, max {max(times):.2f} s"
    )
    by_eco: dict[str, list[PairOutcome]] = {}
    for outcome in outcomes:
        by_eco.setdefault(outcome.pair.ecosystem, []).append(outcome)
    for eco, group in sorted(by_eco.items()):
        ok = sum(o.analyze.predicted == o.pair.label for o in group)
        print(f"accuracy on {eco}: {format_ratio(ok / len(group))} ({ok}/{len(group)})")
    misses = [o for o in outcomes if o.analyze.predicted != o.pair.label]
    print(f"\nmisses: {len(misses)}")
    shown = outcomes if verbose else misses
    for outcome in shown:
        result = outcome.analyze
        mark = "ok  " if result.predicted == outcome.pair.label else "MISS"
        review = " needs_review" if result.needs_review else ""
        print(
            f"{mark} {outcome.pair!s:45} expected {outcome.pair.label:5} "
            f"got {result.predicted:7}{review} ({result.seconds:.1f} s)"
        )
        if verbose or result.predicted != outcome.pair.label:
            if result.reasoning:
                print(f"       reasoning: {result.reasoning.splitlines()[0][:300]}")
            for line in _top_evidence(result):
                print(f"       evidence: {line[:300]}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy",
        description="Decision quality of release-tools analyze on real release pairs.",
    )
    parser.add_argument("--pairs", type=Path, default=DEFAULT_MANIFEST, help="pairs manifest")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="download/repo cache")
    parser.add_argument("--only", action="append", default=[], help="only this package (repeat)")
    parser.add_argument("--ecosystem", choices=("pypi", "npm"), help="only this ecosystem")
    parser.add_argument("--list", action="store_true", help="print the pairs and stop")
    parser.add_argument(
        "--download-only", action="store_true", help="fetch and unpack the releases, then stop"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the pair repositories")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per analyze run")
    parser.add_argument(
        "--default-excludes",
        action="store_true",
        help="analyze npm tarballs with the default excludes (dist/ skipped as build output)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="a row per pair")
    parser.add_argument("--markdown", action="store_true", help="confusion tables as Markdown")
    parser.add_argument("--results", type=Path, help="write per-pair results as JSON here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    args = _parser().parse_args(argv)
    pairs = load_pairs(args.pairs)
    if args.only:
        wanted = set(args.only)
        pairs = [p for p in pairs if p.package in wanted]
    if args.ecosystem:
        pairs = [p for p in pairs if p.ecosystem == args.ecosystem]
    if not pairs:
        _say("no pair matches the filters")
        return 2
    if args.list:
        _print_pairs(pairs)
        return 0
    started = time.perf_counter()
    failures = prepare(pairs, args.cache, args.jobs)
    for release, why in sorted(failures.items()):
        _say(f"could not fetch {release}: {why}")
    if failures:
        return 1
    _say(f"releases ready in {time.perf_counter() - started:.0f} s")
    if args.download_only:
        return 0
    try:
        repos = build_repos(pairs, args.cache, rebuild=args.rebuild, jobs=args.jobs)
    except (RepoError, FetchError) as exc:
        _say(f"could not build a pair repository: {exc}")
        return 1
    _say(f"analyzing {len(pairs)} pairs with {args.jobs} workers ...")
    outcomes = _parallel(
        lambda item: measure(item[0], item[1], args.timeout, as_published=args.default_excludes),
        list(zip(pairs, repos, strict=True)),
        args.jobs,
    )
    _report(outcomes, verbose=args.verbose, markdown=args.markdown, jobs=args.jobs)
    if args.results:
        records = [
            {"pair": asdict(o.pair), "analyze": asdict(o.analyze), "baselines": o.baselines}
            for o in outcomes
        ]
        args.results.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
        _say(f"per-pair results written to {args.results}")
    return 0
