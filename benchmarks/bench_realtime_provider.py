"""Wall time of ``analyze --provider realtime`` against a model with fixed latency.

A repository with ``--chunks`` changed files (one chunk each) is analysed by the realtime
provider against the in-process scripted server, whose every answer waits ``--latency`` seconds
before its first delta. The cache is off, so every chunk is really sent. For each concurrency
the wall time of ``RealtimeAnalyzer.analyze()`` (local evidence, chunking, redaction, the pool,
every chunk response and the final one) is compared with the limit the latency allows::

    limit(c) = latency * (ceil(chunks / c) + 1)     # rounds of chunk answers, then the verdict

Target: at most 1.1x the limit at concurrency 4 (8 chunks at 0.5 s: 1.5 s).

Run::

    .venv/bin/python benchmarks/bench_realtime_provider.py [--chunks 8] [--latency 0.5]
        [--concurrency 1 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from release_tools.analysis.engines.model import RealtimeAnalyzer
from release_tools.analysis.service import collect
from release_tools.config import Settings
from release_tools.realtime.testing import Reply, ScriptedRealtimeServer

KEY = "sk-bench-0000000000000000000000"

SUMMARY = {
    "summary": "adds a function",
    "breaking_changes": 0,
    "features": 1,
    "fixes": 0,
    "other_changes": 0,
    "breaking_items": [],
    "suggested_bump": "minor",
    "reasoning": "new public function",
}
VERDICT = {"version_type": "minor", "needs_review": False, "reasoning": "features were added"}


def _git(path: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)


def make_repo(root: Path, files: int) -> Path:
    """A repository whose last commit changes ``files`` Python modules."""
    repo = root / "repo"
    (repo / "src" / "app").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "bench@example.com")
    _git(repo, "config", "user.name", "bench")
    for i in range(files):
        (repo / "src" / "app" / f"m{i}.py").write_text(f"def f{i}():\n    return {i}\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "feat: first")
    _git(repo, "tag", "v1.0.0")
    for i in range(files):
        body = f"def f{i}():\n    return {i}\n\n\ndef g{i}():\n    return {i * 2}\n"
        (repo / "src" / "app" / f"m{i}.py").write_text(body)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "feat: more")
    return repo


def model(latency: float) -> Any:
    def answer(event: dict[str, Any]) -> Reply:
        name = event["response"]["tool_choice"]["name"]
        args = SUMMARY if name == "report_chunk_summary" else VERDICT
        return Reply.function_call(name, json.dumps(args), first_delta_delay=latency)

    return answer


async def measure(repo: Path, latency: float, concurrency: int, chunks: int) -> float:
    async with ScriptedRealtimeServer(default=model(latency)) as server:
        settings = Settings(
            repo=repo,
            provider="realtime",
            realtime_url=server.url,
            concurrency=concurrency,
            cache=False,
        )
        ctx = collect(settings).context
        analyzer = RealtimeAnalyzer(settings, environ={"OPENAI_API_KEY": KEY})

        def run() -> float:
            started = time.perf_counter()
            decision = analyzer.analyze(ctx)
            elapsed = time.perf_counter() - started
            assert decision.provider == "realtime", decision.warnings
            assert decision.stats["chunks"] == chunks, decision.stats
            return elapsed

        # The analyzer runs its own loop in a worker thread, as the CLI does; the server keeps
        # this one.
        return await asyncio.to_thread(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp), args.chunks)
        print(f"{args.chunks} chunks, model latency {args.latency:g}s, best of {args.repeat}")
        print(f"{'concurrency':>11}  {'wall (s)':>9}  {'limit (s)':>9}  {'ratio':>6}")
        for concurrency in args.concurrency:
            best = min(
                asyncio.run(measure(repo, args.latency, concurrency, args.chunks))
                for _ in range(args.repeat)
            )
            limit = args.latency * (math.ceil(args.chunks / concurrency) + 1)
            print(f"{concurrency:>11}  {best:>9.3f}  {limit:>9.3f}  {best / limit:>5.2f}x")


if __name__ == "__main__":
    main()
