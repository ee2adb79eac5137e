"""Command line of the decision-quality benchmark: ``python -m benchmarks.accuracy``.

``python -m benchmarks.accuracy build-dataset`` reads the tags of the repositories listed in
``sources.toml`` from the mirror directory and writes ``dataset.toml``.

``python -m benchmarks.accuracy [--holdout] [-j N]`` runs the benchmark: one work repository per
pair, cloned from the mirror into the cache and reused across runs (see
:mod:`benchmarks.accuracy.repos`), then ``release-tools analyze`` on each (a subprocess, the real
command line) and the two baselines on the same commit range, then the figures. Run it from the
repository root.
"""

from __future__ import annotations

import argparse
import json
import shlex
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
from benchmarks.accuracy.dataset import (
    DATASET,
    LABELS,
    LANGUAGES,
    DatasetError,
    Pair,
    load_pairs,
    parse_release,
    version_of_tag,
)
from benchmarks.accuracy.history import SOURCES, build_dataset, keep_tags_for, load_sources
from benchmarks.accuracy.report import PairOutcome, changes_since, render_report
from benchmarks.accuracy.repos import (
    DEFAULT_MIRROR,
    RepoError,
    find_mirror,
    prepare_work_repo,
    range_messages,
)
from benchmarks.accuracy.runner import byte_compile, run_analyze

__all__ = ["main"]

DEFAULT_CACHE = Path(__file__).resolve().parents[1] / ".cache"

T = TypeVar("T")
R = TypeVar("R")


def _parallel(func: Callable[[T], R], items: Iterable[T], jobs: int) -> list[R]:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(func, items))


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def work_dir(cache: Path, pair: Pair) -> Path:
    """Where the work repository of ``pair`` lives in the cache."""
    return cache / "work" / pair.repo.replace("/", "+") / pair.key


def prepare(pair: Pair, mirror_root: Path, cache: Path, *, rebuild: bool = False) -> Path:
    """The pair's work repository, prepared (or reused) from its mirror."""
    mirror = find_mirror(mirror_root, pair.repo)
    tags = keep_tags_for(mirror, pair.old, pair.old_commit)
    return prepare_work_repo(
        mirror,
        work_dir(cache, pair),
        head=pair.head,
        keep_tags=tags,
        old_version=pair.old_version,
        new_version=pair.new_version,
        rebuild=rebuild,
    )


def measure(
    pair: Pair, repo: Path, timeout: float, extra_args: Sequence[str], src: Path | None = None
) -> PairOutcome:
    """Analyze one pair and compute the baselines on the messages of the same range."""
    zero = parse_release(version_of_tag(pair.old))[0] == 0
    result = run_analyze(repo, pair.old, timeout=timeout, extra_args=extra_args, src=src, zero=zero)
    messages = range_messages(repo, pair.old)
    baselines: dict[str, str] = {name: rule(messages) for name, rule in BASELINES.items()}
    return PairOutcome(pair=pair, analyze=result, baselines=baselines)


def _print_pairs(pairs: Sequence[Pair]) -> None:
    for pair in pairs:
        print(
            f"{pair.split:7} {pair.language:6} {pair.repo:32} {pair.old:>10} -> "
            f"{pair.new:<10} {pair.label}"
        )
    counts = Counter(p.label for p in pairs)
    languages = Counter(p.language for p in pairs)
    print(
        f"{len(pairs)} pairs of {len({p.repo for p in pairs})} repositories: "
        + ", ".join(f"{counts[lab]} {lab}" for lab in LABELS)
        + " ("
        + ", ".join(f"{n} {lang}" for lang, n in sorted(languages.items()))
        + ")"
    )


def _provenance(
    argv: Sequence[str], src: Path | None, note: str | None, dataset: Path = DATASET
) -> str:
    """Header of a written report: when, how, and which release-tools was measured."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
    )
    commit = proc.stdout.strip() or "unknown"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = "python -m benchmarks.accuracy " + shlex.join(argv)
    measured = (
        f"release-tools from {src} ({note or 'sources given with --src'})"
        if src
        else f"release-tools at commit {commit} (plus any uncommitted changes of the working tree)"
    )
    return (
        "# Decision-quality benchmark: latest figures\n\n"
        f"Written by `{command}` on {stamp}; measured: {measured}. "
        f"Pairs: `{_shown(dataset, root)}`.\n\n"
    )


def _shown(path: Path, root: Path) -> str:
    """``path`` relative to the checkout when it is inside it (as the reports name it)."""
    resolved = path.resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(path)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy build-dataset",
        description="Pick the release pairs from the mirrors' git history; write the data file.",
    )
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR, help="mirror directory")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="repository list")
    parser.add_argument("--out", type=Path, default=DATASET, help="data file to write")
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy",
        description="Decision quality of release-tools analyze on release pairs from real git "
        "history. `python -m benchmarks.accuracy build-dataset --help`: rebuild the pairs.",
    )
    parser.add_argument("--dataset", type=Path, default=DATASET, help="data file")
    parser.add_argument(
        "--holdout", action="store_true", help="run the held-out half instead of the training one"
    )
    parser.add_argument(
        "--mirror",
        type=Path,
        default=DEFAULT_MIRROR,
        help="mirror directory: owner+name per repository (default %(default)s)",
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="work repository cache")
    parser.add_argument("--only", action="append", default=[], help="only this owner/name (repeat)")
    parser.add_argument("--language", choices=LANGUAGES, help="only this language")
    parser.add_argument("--list", action="store_true", help="print the pairs and stop")
    parser.add_argument(
        "--prepare-only", action="store_true", help="prepare the work repositories, then stop"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the work repositories")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="parallel workers (default 2)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per analyze run")
    parser.add_argument(
        "--analyze-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for every analyze run (repeat; write --analyze-arg=--flag)",
    )
    parser.add_argument(
        "--src",
        type=Path,
        help="release_tools sources to measure (default: this checkout's src/); e.g. a commit "
        "exported with `git archive HEAD src | tar -x -C DIR`, then --src DIR/src",
    )
    parser.add_argument("--src-note", help="what --src holds, for the report (e.g. a commit)")
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


def _build(argv: Sequence[str]) -> int:
    args = _build_parser().parse_args(argv)
    try:
        build_dataset(args.mirror, load_sources(args.sources), args.out, say=_say)
    except (RepoError, DatasetError) as exc:
        _say(f"build-dataset failed: {exc}")
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or ``build-dataset``); returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["build-dataset"]:
        return _build(argv[1:])
    args = _parser().parse_args(argv)
    try:
        pairs = load_pairs(args.dataset, split="holdout" if args.holdout else "train")
    except DatasetError as exc:
        _say(str(exc))
        return 2
    if args.only:
        wanted = set(args.only)
        pairs = [p for p in pairs if p.repo in wanted]
    if args.language:
        pairs = [p for p in pairs if p.language == args.language]
    if not pairs:
        _say("no pair matches the filters")
        return 2
    if args.list:
        _print_pairs(pairs)
        return 0
    missing = set()
    for repo in sorted({p.repo for p in pairs}):
        try:
            find_mirror(args.mirror, repo)
        except RepoError as exc:
            missing.add(repo)
            _say(str(exc))
    if missing:
        return 1
    started = time.perf_counter()
    _say(f"preparing {len(pairs)} work repositories under {args.cache / 'work'} ...")
    try:
        repos = _parallel(
            lambda pair: prepare(pair, args.mirror, args.cache, rebuild=args.rebuild),
            pairs,
            args.jobs,
        )
    except RepoError as exc:
        _say(f"could not prepare a work repository: {exc}")
        return 1
    _say(f"work repositories ready in {time.perf_counter() - started:.0f} s")
    if args.prepare_only:
        return 0
    if not byte_compile(args.src):
        _say(f"could not byte-compile the sources under {args.src or 'src/'}")
        return 1
    _say(f"analyzing {len(pairs)} pairs with {args.jobs} workers ...")
    outcomes = _parallel(
        lambda item: measure(item[0], item[1], args.timeout, args.analyze_arg, args.src),
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
        header = _provenance(argv, args.src, args.src_note, args.dataset)
        args.report.write_text(header + text + "\n", encoding="utf-8")
        _say(f"report written to {args.report}")
    if args.results:
        records = [
            {"pair": asdict(o.pair), "analyze": asdict(o.analyze), "baselines": o.baselines}
            for o in outcomes
        ]
        args.results.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
        _say(f"per-pair results written to {args.results}")
    return 0
