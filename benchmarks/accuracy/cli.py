"""Command line of the decision-quality benchmark: ``python -m benchmarks.accuracy``.

Steps: read the pairs, download and unpack both releases of each (cached), build one git
repository per pair, run ``release-tools analyze`` on each, compute the two baselines on the
same repositories, and print the figures. Run from the repository root.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from benchmarks.accuracy.baselines import BASELINES
from benchmarks.accuracy.dataset import DEFAULT_MANIFEST, HOLDOUT_MANIFEST, LABELS, Pair, load_pairs
from benchmarks.accuracy.fetch import FetchError, tree_for
from benchmarks.accuracy.report import PairOutcome, changes_since, render_report
from benchmarks.accuracy.repos import RepoError, build_pair_repo, is_complete, range_messages
from benchmarks.accuracy.runner import ecosystem_env, run_analyze

from release_tools.config import DEFAULT_EXCLUDES

__all__ = ["main"]

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache"

T = TypeVar("T")
R = TypeVar("R")


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


def _provenance() -> str:
    """Header of a written report: when, and on which commit of release-tools."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    )
    commit = proc.stdout.strip() or "unknown"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return (
        "# Decision-quality benchmark: latest figures\n\n"
        f"Written by `python -m benchmarks.accuracy --report` on {stamp}, release-tools at "
        f"commit {commit} (plus any uncommitted changes of the working tree).\n\n"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy",
        description="Decision quality of release-tools analyze on real release pairs.",
    )
    parser.add_argument("--pairs", type=Path, default=DEFAULT_MANIFEST, help="pairs manifest")
    parser.add_argument(
        "--holdout", action="store_true", help="use the held-out pairs (holdout.toml)"
    )
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
    parser.add_argument(
        "--figures-only",
        action="store_true",
        help="no per-pair lines (default with --holdout: its misses must not guide tuning)",
    )
    parser.add_argument("--markdown", action="store_true", help="confusion tables as Markdown")
    parser.add_argument("--results", type=Path, help="write per-pair results as JSON here")
    parser.add_argument("--report", type=Path, help="also write the report as Markdown here")
    parser.add_argument(
        "--compare", type=Path, help="list pairs whose answer changed since this --results file"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    args = _parser().parse_args(argv)
    pairs = load_pairs(HOLDOUT_MANIFEST if args.holdout else args.pairs)
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
    hide = args.figures_only or (args.holdout and not args.verbose)
    print(
        render_report(
            outcomes, verbose=args.verbose, markdown=args.markdown, jobs=args.jobs, pairs=not hide
        )
    )
    if args.compare:
        previous = json.loads(args.compare.read_text(encoding="utf-8"))
        changed = changes_since(outcomes, previous)
        print(f"\nchanged since {args.compare}: {len(changed)}")
        print("\n".join(changed))
    if args.report:
        text = render_report(outcomes, verbose=False, markdown=True, jobs=args.jobs, pairs=not hide)
        args.report.write_text(_provenance() + text + "\n", encoding="utf-8")
        _say(f"report written to {args.report}")
    if args.results:
        records = [
            {"pair": asdict(o.pair), "analyze": asdict(o.analyze), "baselines": o.baselines}
            for o in outcomes
        ]
        args.results.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
        _say(f"per-pair results written to {args.results}")
    return 0
