"""Cost of learning from release history in a repository with thousands of release tags.

A repository of ``--tags`` tagged releases (one commit each, a few files changed per release,
written with ``git fast-import``) is analyzed in fresh processes, from its last tag to one more
commit, with history on and a cold cache (``--no-cache``), and with ``--no-history``. The same is
done on a repository of 31 releases, where history reads every pair it may use. The figures
are medians of ``--repeat`` runs; the ratios compare runs of the same process, so the machine's
speed cancels out. History reads at most ``--history-pairs`` (30) pairs however many tags there
are: with thousands of tags, its cost should stay close to the small repository's.

Run: ``.venv/bin/python benchmarks/bench_history_tags.py [--tags 5000] [--repeat 7]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script: this directory is on the path. One fixed git identity for both benchmarks.
from bench_analyze_speed import GIT_ENV

_TYPES = ("feat", "fix", "fix", "docs")


def build(repo: Path, releases: int) -> None:
    """``releases`` tagged commits (``v1.<n>.0`` or ``v1.<n-1>.1``) and one untagged commit."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=GIT_ENV)
    stream: list[str] = []
    minor = patch = 0
    for n in range(releases + 1):
        kind = _TYPES[n % len(_TYPES)]
        stream.append(
            f"commit refs/heads/main\nmark :{n + 1}\n"
            f"committer bench <bench@example.com> {1_700_000_000 + n * 60} +0000\n"
            f"data <<END\n{kind}: change {n}\nEND\n"
            + (f"from :{n}\n" if n else "")
            + f"M 644 inline pkg/m{n % 40}.py\ndata <<END\ndef f{n}(a):\n    return {n}\nEND\n"
            + f"M 644 inline docs/n{n % 7}.md\ndata <<END\nnote {n}\nEND\n\n"
        )
        if n == releases:
            break  # the range analyzed: one commit after the last release
        if kind == "feat" or n == 0:
            minor, patch = minor + 1, 0
        else:
            patch += 1
        stream.append(f"reset refs/tags/v1.{minor}.{patch}\nfrom :{n + 1}\n\n")
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=repo,
        input="".join(stream).encode(),
        check=True,
        env=GIT_ENV,
    )
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True, env=GIT_ENV)
    # Packed, as in a clone: thousands of loose tag files would measure the file system.
    subprocess.run(["git", "pack-refs", "--all"], cwd=repo, check=True, env=GIT_ENV)


def run(repo: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "release_tools", "-C", str(repo), "analyze", "--no-cache", *extra],
        check=True,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("RELEASE_TOOLS_")},
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tags", type=int, default=5000, help="releases of the big repository")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repos = {"31 tags": Path(tmp) / "small", f"{args.tags} tags": Path(tmp) / "big"}
        for label, path in repos.items():
            started = time.perf_counter()
            build(path, 31 if path.name == "small" else args.tags)
            print(f"built the {label} repository in {time.perf_counter() - started:.1f}s")
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            for label, path in repos.items():
                times.setdefault((label, "history"), []).append(run(path))
                times.setdefault((label, "no history"), []).append(run(path, "--no-history"))
        median = {key: statistics.median(values) for key, values in times.items()}
        print(f"\nanalyze, fresh process, cold cache, medians of {args.repeat} runs")
        for label in repos:
            on, off = median[(label, "history")], median[(label, "no history")]
            print(
                f"{label:>11}: history {on:.3f} s, no history {off:.3f} s, "
                f"history costs {on - off:+.3f} s ({on / off:.2f}x)"
            )
        small, big = (median[(label, "history")] for label in repos)
        print(f"{args.tags} tags vs 31 tags, history on: {big / small:.2f}x")


if __name__ == "__main__":
    main()
