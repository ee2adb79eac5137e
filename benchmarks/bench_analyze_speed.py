"""Speed and memory of ``release-tools analyze`` on a large real range, against ``git diff``.

The range is two real source trees committed one after the other: by default the standard
libraries of two CPython releases found on this machine (pyenv installs, thousands of files and
real changes between them); ``--old``/``--new`` pick other trees. The figure of merit is the
ratio of analyze's wall time (a fresh ``python -m release_tools analyze`` process, start-up
included) to the wall time of the same ``git diff`` alone, and the child's peak memory. The
target is a ratio of at most 2.

``--big-mb N`` adds a second scenario: a range whose diff is about N MB of added generated
text (``--big-ext`` picks the language, ``--one-file`` puts it all in one module), to show that
time and memory stay bounded there: analyze within 3x the time of ``git diff``, with a peak RSS
of at most 1.5 x the diff plus 100 MB. The summary marks each language against both.

``--gatherers`` adds each evidence gatherer's own time; ``--keep`` keeps the generated
repositories and ``--reuse DIR`` measures a kept pair again without rebuilding it.
``--baseline-src DIR`` runs the ``release_tools`` package under DIR (an older commit's ``src/``)
after each run and prints the ratio of the two, the steadiest measure of a change's effect.

Run: ``.venv/bin/python benchmarks/bench_analyze_speed.py [--repeat 3] [--big-mb 200]``
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from release_tools.analysis.diff import diff_args

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "LC_ALL": "C",
}
SKIP_DIRS = {"__pycache__", "site-packages", "lib-dynload", ".git"}
SKIP_SUFFIXES = (".a", ".so", ".pyc", ".o")


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def _ignore(directory: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n in SKIP_DIRS or n.endswith(SKIP_SUFFIXES)}
    # config-3.x-<platform> holds the static libpython: build output, not source.
    skipped |= {n for n in names if n.startswith("config-")}
    return skipped


def _replace_tree(repo: Path, source: Path) -> None:
    for entry in repo.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(source, repo, ignore=_ignore, symlinks=True, dirs_exist_ok=True)


def build_pair_repo(old: Path, new: Path, dest: Path) -> Path:
    """A repository with ``old`` tagged v1.0.0 and ``new`` committed on top."""
    dest.mkdir(parents=True)
    git(dest, "init", "-q", "-b", "main")
    _replace_tree(dest, old)
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "import old tree")
    git(dest, "tag", "v1.0.0")
    _replace_tree(dest, new)
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "update sources")
    return dest


#: One generated line per language (a public constant, so every API gatherer has work), the
#: manifest that makes the files part of a package, and what lists a file in that package.
_LANGUAGES: dict[str, tuple[bytes, dict[str, str], str, str]] = {
    "c": (b"const int value_%08d = %08d; /* generated table entry */\n", {}, "", ""),
    "js": (
        b"export const value_%08d = %08d; // generated table entry\n",
        {"package.json": '{"name": "gen", "version": "1.0.0", "main": "index.js"}\n'},
        "index.js",
        'export * from "./gen/{stem}.js";\n',
    ),
    "ts": (
        b"export const value_%08d: number = %08d; // generated table entry\n",
        {"package.json": '{"name": "gen", "version": "1.0.0", "types": "index.ts"}\n'},
        "index.ts",
        'export * from "./gen/{stem}";\n',
    ),
    "py": (
        b"VALUE_%08d = %08d  # generated table entry\n",
        {"gen/__init__.py": ""},
        "gen/__init__.py",
        "from .{stem} import *  # noqa\n",
    ),
    "rs": (
        b"pub const VALUE_%08d: u32 = %08d; // generated table entry\n",
        {"Cargo.toml": '[package]\nname = "gen"\nversion = "1.0.0"\n', "src/lib.rs": ""},
        "src/lib.rs",
        "pub mod {stem};\n",
    ),
    "go": (
        b"const Value%08d = %08d // generated table entry\n",
        {"go.mod": "module example.com/gen\n\ngo 1.22\n"},
        "",
        "",
    ),
}
LANGUAGES = tuple(_LANGUAGES)
#: The most analyze may take on a generated range, in multiples of ``git diff``'s time.
BIG_RATIO_TARGET = 3.0


def build_big_repo(dest: Path, megabytes: int, ext: str = "c", *, one_file: bool = False) -> Path:
    """A range adding about ``megabytes`` MB of generated source (``.ext``).

    By default in 0.5 MB files (under the per-file caps, so the total caps bound the work);
    ``one_file`` writes it all into a single module, the worst case for a per-file parser.
    """
    line, manifests, index, entry = _LANGUAGES[ext]
    dest.mkdir(parents=True)
    git(dest, "init", "-q", "-b", "main")
    (dest / "seed.txt").write_text("seed\n")
    for rel, text in manifests.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_text(text)
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "seed")
    git(dest, "tag", "v1.0.0")
    per_file = 500_000 // len(line % (0, 0))
    files = 1 if one_file else megabytes * 2
    if one_file:
        per_file *= megabytes * 2
    folder = dest / ("src" if ext == "rs" else "gen")
    folder.mkdir(exist_ok=True)
    listing: list[str] = []
    counter = 0
    for index_number in range(files):
        stem = f"table_{index_number:04d}"
        target = folder / f"{stem}.{ext}"
        with target.open("wb") as handle:
            if ext == "go":
                handle.write(b"package gen\n\n")
            for start in range(counter, counter + per_file, 10_000):
                rows = range(start, min(start + 10_000, counter + per_file))
                handle.write(b"".join(line % (i, i) for i in rows))
        counter += per_file
        listing.append(entry.format(stem=stem))
    if index:
        with (dest / index).open("a") as handle:
            handle.write("".join(listing))
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "feat: generated tables")
    return dest


def time_git_diff(repo: Path, base: str, head: str) -> tuple[float, int]:
    """Wall seconds of the collector's ``git diff`` read through a pipe, and its output size."""
    argv = ["git", "-c", "core.quotepath=off", *diff_args(base, head)]
    started = time.perf_counter()
    size = 0
    with subprocess.Popen(argv, cwd=repo, env=GIT_ENV, stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        while block := proc.stdout.read(1 << 16):
            size += len(block)
    return time.perf_counter() - started, size


# Runs the real console entry point and records the Python process's own peak RSS on exit.
# The peak is read from /proc (VmHWM, this program's own address space): ru_maxrss would
# start from the RSS of the benchmark process that forked the child, which after generating
# tens of MB of files is far above what analyze itself uses.
_WRAPPER = """
import atexit, os, resource
from release_tools.cli import main
def peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def record():
    with open(os.environ["BENCH_RSS_FILE"], "w") as handle:
        handle.write(str(peak_kib()))
# An exit handler: the console script runs them, then leaves without the interpreter's teardown.
atexit.register(record)
main()
"""


def run_child(args: Sequence[str], cwd: Path, src: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, Python peak RSS and whole-tree peak RSS (KiB) of one ``release-tools`` run.

    The tree figure comes from ``wait4`` and covers the git processes the command ran. ``src``
    runs the ``release_tools`` package found there instead of the installed one.
    """
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        out_path = Path(tmp) / "out"
        env = {**os.environ, "BENCH_RSS_FILE": str(rss_file)}
        if src is not None:
            env["PYTHONPATH"] = str(src)
        with open(out_path, "wb") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-P", "-c", _WRAPPER, *args],
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=out,
            )
            _pid, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            text = out_path.read_text(errors="replace")[-2000:]
            raise SystemExit(f"release-tools failed ({proc.returncode}): {text}")
        own = int(rss_file.read_text())
    return elapsed, own, usage.ru_maxrss


def measure(
    label: str,
    repo: Path,
    repeat: int,
    extra: Sequence[str] = (),
    target: float = 2.0,
    baseline: Path | None = None,
) -> dict[str, float]:
    base, head = git(repo, "rev-parse", "v1.0.0"), git(repo, "rev-parse", "HEAD")
    files = len(git(repo, "diff", "--name-only", base, head).splitlines())

    # -P and -C: the analyzed tree may be a standard library, which must not shadow ours.
    analyze = ["analyze", "-C", str(repo), "--base", "v1.0.0", "--format", "json", *extra]
    # Each analyze run right after a git diff run: on a shared machine the load drifts, and
    # a ratio of two runs made seconds apart is steadier than a ratio of two medians.
    diffs: list[tuple[float, int]] = []
    runs: list[tuple[float, int, int]] = []
    # With a baseline tree, its run follows each of ours: their ratio is the change's effect.
    baseline_runs: list[tuple[float, int, int]] = []
    for _ in range(repeat):
        diffs.append(time_git_diff(repo, base, head))
        runs.append(run_child(analyze, repo))
        if baseline is not None:
            baseline_runs.append(run_child(analyze, repo, src=baseline))
    diff_seconds = statistics.median(d[0] for d in diffs)
    diff_bytes = diffs[0][1]
    analyze_seconds = statistics.median(r[0] for r in runs)
    ratios = sorted(r[0] / d[0] for r, d in zip(runs, diffs, strict=True))
    own_kib = max(r[1] for r in runs)
    tree_kib = max(r[2] for r in runs)
    startup = statistics.median(run_child(["--version"], repo)[0] for _ in range(repeat))

    print(f"\n== {label}: {files} files changed, diff {diff_bytes / 1e6:.1f} MB")
    print(f"git diff alone              {diff_seconds:8.3f} s   (median of {repeat})")
    print(f"release-tools analyze       {analyze_seconds:8.3f} s   (fresh process each run)")
    print(f"  of which interpreter+import {startup:6.3f} s")
    print(
        f"ratio analyze / git diff    {statistics.median(ratios):8.2f} x   (median of {repeat} "
        f"pairs, range {ratios[0]:.2f}-{ratios[-1]:.2f}; target <= {target:g})"
    )
    print(f"peak RSS, analyze process   {own_kib / 1024:8.1f} MiB")
    print(f"peak RSS, incl. git children{tree_kib / 1024:8.1f} MiB")
    if baseline_runs:
        against = sorted(r[0] / b[0] for r, b in zip(runs, baseline_runs, strict=True))
        print(
            f"baseline analyze            {statistics.median(b[0] for b in baseline_runs):8.3f} s"
            f"   ({baseline})"
        )
        print(
            f"ratio analyze / baseline    {statistics.median(against):8.2f} x   (median of "
            f"{repeat} pairs, range {against[0]:.2f}-{against[-1]:.2f})"
        )
    return {
        "files": files,
        "diff_bytes": diff_bytes,
        "git_diff_s": diff_seconds,
        "analyze_s": analyze_seconds,
        "ratio": statistics.median(ratios),
        "peak_mib": own_kib / 1024,
        "tree_peak_mib": tree_kib / 1024,
    }


def stage_breakdown(repo: Path, git_diff_seconds: float, gatherers: bool = False) -> None:
    """In-process timings of collection and of the local provider, to show where time goes."""
    from release_tools.analysis.engines.local import LocalAnalyzer
    from release_tools.analysis.service import collect
    from release_tools.config import Settings

    settings = Settings(repo=repo, base="v1.0.0")
    timer: Callable[[], float] = time.perf_counter
    started = timer()
    # As analyze does: the Python API comparison starts in a child before the diff is read.
    collection = collect(settings, background=True)
    collected = timer()
    decision = LocalAnalyzer().analyze(collection.context)
    decided = timer()
    stages = ", ".join(f"{k} {v:.3f}s" for k, v in collection.timings.items())
    ratio = (collected - started) / git_diff_seconds
    print(f"in-process collect          {collected - started:8.3f} s   ({stages})")
    print(f"ratio collect / git diff    {ratio:8.2f} x   (range, streamed parse, filters, commits)")
    print(f"in-process evidence+decide  {decided - collected:8.3f} s   -> {decision.version_type}")
    if gatherers:
        # One gatherer after the other in this process (no forked helpers for the others, no
        # prefetch): where the evidence time goes, not what analyze's wall time is.
        from release_tools.analysis.evidence import GATHERERS

        for name, gather in GATHERERS:
            started = timer()
            found = gather(collection.context)
            print(f"  gatherer {name:<17} {timer() - started:8.3f} s   ({len(found)} items)")


def default_trees() -> tuple[Path, Path] | None:
    root = Path.home() / ".pyenv" / "versions"
    pairs = [("3.12.1", "3.13.0"), ("3.11.7", "3.12.1"), ("3.10.13", "3.11.7")]
    for old, new in pairs:
        old_lib = root / old / "lib" / f"python{old.rsplit('.', 1)[0]}"
        new_lib = root / new / "lib" / f"python{new.rsplit('.', 1)[0]}"
        if old_lib.is_dir() and new_lib.is_dir():
            return old_lib, new_lib
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="the older source tree")
    parser.add_argument("--new", type=Path, help="the newer source tree")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big-mb", type=int, default=0, help="also run an N MB diff scenario")
    parser.add_argument("--keep", action="store_true", help="keep the generated repositories")
    parser.add_argument(
        "--big-ext",
        default="c",
        choices=[*LANGUAGES, "all"],
        help="language of the generated files; all: one scenario per language",
    )
    parser.add_argument(
        "--one-file", action="store_true", help="generate the --big-mb MB as one single file"
    )
    parser.add_argument("--skip-pair", action="store_true", help="only the --big-mb scenario")
    parser.add_argument(
        "--reuse", type=Path, help="measure an existing pair repository (v1.0.0..HEAD)"
    )
    parser.add_argument(
        "--gatherers", action="store_true", help="also time each evidence gatherer alone"
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="also run the release_tools package under this directory (e.g. an older commit's "
        "src/ from `git archive`) after each run, and print the ratio of the two",
    )
    args = parser.parse_args()
    # Both packages compiled before anything is timed: with PYTHONDONTWRITEBYTECODE set (or a
    # read-only tree) a module without its bytecode is compiled again in every run, which
    # would time the compiler, and only for whichever tree lacks the cache.
    import release_tools

    for tree in (Path(release_tools.__file__).parent.parent, args.baseline_src):
        if tree is not None:
            compileall.compile_dir(str(tree), quiet=1)

    if args.reuse:
        figures = measure(args.reuse.name, args.reuse, args.repeat, baseline=args.baseline_src)
        stage_breakdown(args.reuse, figures["git_diff_s"], args.gatherers)
        return
    trees = (args.old, args.new) if args.old and args.new else default_trees()
    if trees is None and not args.skip_pair:
        raise SystemExit("no pair of source trees found: pass --old DIR --new DIR")
    workdir = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    try:
        if trees is not None and not args.skip_pair:
            started = time.perf_counter()
            repo = build_pair_repo(trees[0], trees[1], workdir / "pair")
            print(f"built {trees[0]} -> {trees[1]} in {time.perf_counter() - started:.1f}s")
            figures = measure(
                f"{trees[0].name} -> {trees[1].name}", repo, args.repeat, baseline=args.baseline_src
            )
            stage_breakdown(repo, figures["git_diff_s"], args.gatherers)
        if args.big_mb:
            summary: list[tuple[str, dict[str, float]]] = []
            for ext in LANGUAGES if args.big_ext == "all" else (args.big_ext,):
                started = time.perf_counter()
                big = build_big_repo(
                    workdir / f"big-{ext}", args.big_mb, ext, one_file=args.one_file
                )
                shape = "one file" if args.one_file else "0.5 MB files"
                print(
                    f"\nbuilt a {args.big_mb} MB .{ext} range ({shape}) in "
                    f"{time.perf_counter() - started:.1f}s"
                )
                label = f"{args.big_mb} MB generated .{ext} diff ({shape})"
                figures = measure(
                    label,
                    big,
                    max(1, args.repeat // 2),
                    target=BIG_RATIO_TARGET,
                    baseline=args.baseline_src,
                )
                stage_breakdown(big, figures["git_diff_s"], args.gatherers)
                summary.append((ext, figures))
                if not args.keep:
                    shutil.rmtree(big, ignore_errors=True)
            if len(summary) > 1:
                print(
                    "\nlanguage  ratio  peak MiB  diff MB  "
                    "(targets: ratio <= 3, peak <= 1.5 x diff + 100 MB)"
                )
                for ext, figures in summary:
                    bound = 1.5 * figures["diff_bytes"] / 2**20 + 100
                    verdict = ", ".join(
                        what
                        for what, over in (
                            ("time over", figures["ratio"] > BIG_RATIO_TARGET),
                            ("memory over", figures["peak_mib"] > bound),
                        )
                        if over
                    )
                    print(
                        f"{ext:8} {figures['ratio']:6.2f}x {figures['peak_mib']:8.1f} "
                        f"{figures['diff_bytes'] / 1e6:8.1f}  (bound {bound:.0f}) "
                        f"{verdict or 'ok'}"
                    )
    finally:
        if args.keep:
            print(f"repositories kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
