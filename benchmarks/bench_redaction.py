"""Throughput of the secret redactor that runs on a diff before it is sent to a model.

The text is ``git log -p -<commits>`` of this repository (or ``--file``): real diffs of code,
configuration, documentation and tests. Each run redacts it whole with
:func:`release_tools.analysis.engines.model.secrets.redact_secrets`; the figure is the best of
``--repeat`` runs, in MB/s. With ``--baseline-src DIR`` (an older commit's ``src/``), that
version redacts the same text in a child process too, runs alternating, and the ratio of the
two best times is printed: the machine's speed cancels out, and so does the text. The two
outputs are compared as well: when only speed changed between the versions, they must be the
same (a version that redacts more forms differs, as it should).

Run: ``.venv/bin/python benchmarks/bench_redaction.py [--commits 200] [--repeat 3]``; ``--src DIR``
measures another tree's ``src/`` in place of this one's.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run in a child with ``sys.path`` set to the measured ``src/``: prints seconds and a digest.
_CHILD = """
import hashlib, sys, time
sys.path.insert(0, sys.argv[1])
from release_tools.analysis.engines.model.secrets import redact_secrets
text = open(sys.argv[2], encoding="utf-8").read()
start = time.perf_counter()
result = redact_secrets(text)
elapsed = time.perf_counter() - start
out = result[0]
print(elapsed, hashlib.sha256(str(out).encode()).hexdigest())
"""


def _run(src: Path, corpus: Path) -> tuple[float, str]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(corpus)],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, digest = done.stdout.split()
    return float(seconds), digest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=200, help="git log -p -N of this repo")
    parser.add_argument("--file", type=Path, help="redact this file instead")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-src", type=Path, help="an older src/ to compare with")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ to measure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        if args.file is not None:
            corpus.write_bytes(args.file.read_bytes())
        else:
            log = subprocess.run(
                ["git", "-C", str(ROOT), "log", "-p", f"-{args.commits}"],
                check=True,
                capture_output=True,
            ).stdout
            corpus.write_bytes(log.decode("utf-8", "replace").encode())
        size = corpus.stat().st_size / 1e6
        sources = [("current", args.src)]
        if args.baseline_src is not None:
            sources.append(("baseline", args.baseline_src))
        best: dict[str, float] = {}
        digests: dict[str, str] = {}
        for _ in range(args.repeat):
            for name, src in sources:
                seconds, digest = _run(src, corpus)
                best[name] = min(best.get(name, seconds), seconds)
                digests[name] = digest
        print(f"corpus: {size:.1f} MB ({hashlib.sha256(corpus.read_bytes()).hexdigest()[:12]})")
        for name, _src in sources:
            rate = size / best[name]
            print(f"{name:9} {best[name]:6.2f} s   {rate:6.2f} MB/s (best of {args.repeat})")
        if "baseline" in best:
            print(f"ratio current / baseline: {best['current'] / best['baseline']:.2f}x")
            same = digests["current"] == digests["baseline"]
            print(f"output identical to the baseline's: {'yes' if same else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
