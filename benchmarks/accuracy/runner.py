"""Run ``release-tools analyze`` on one pair repository and read its decision.

Each run is a separate process through the real command line (``python -m release_tools
analyze --base v<old> --format json``), so the benchmark measures what a user gets, including
start-up time, and a crash on one pair cannot take the others down. The measured sources are
byte-compiled once before the runs (:func:`byte_compile`), as ``pip install`` does for an
installed copy: without it, an environment with ``PYTHONDONTWRITEBYTECODE`` set would compile
every module again in every run and add that to each pair's time. Extra arguments (for an
ablation, e.g. ``--analyze-arg=--some-flag``) are appended to the command line as given.
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.accuracy.repos import git_env

__all__ = [
    "AnalyzeResult",
    "analyze_command",
    "analyze_env",
    "byte_compile",
    "error_line",
    "parse_decision",
    "run_analyze",
]

_VERSION_TYPES = ("major", "minor", "patch", "unknown")
#: The release_tools sources measured by default: this checkout's.
DEFAULT_SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass(frozen=True, slots=True)
class AnalyzeResult:
    """What analyze said about one pair; ``predicted`` is ``error`` when it failed."""

    predicted: str
    needs_review: bool | None
    reasoning: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None


def byte_compile(src: Path | None = None) -> bool:
    """Write the bytecode of every module under ``src`` (default: this checkout's) next to it,
    in ``__pycache__`` as the interpreter reads it; True when every module compiled."""
    return bool(compileall.compile_dir(str(src or DEFAULT_SRC), quiet=1))


def analyze_command(repo: Path, base: str, extra_args: Sequence[str] = ()) -> list[str]:
    """The command line that analyzes ``base..HEAD`` of ``repo`` with JSON output."""
    return [
        sys.executable,
        "-m",
        "release_tools",
        "analyze",
        "--repo",
        str(repo),
        "--base",
        base,
        "--format",
        "json",
        *extra_args,
    ]


def analyze_env() -> dict[str, str]:
    """The benchmark's git environment, without anything that would steer analyze.

    Settings from the developer's environment (``RELEASE_TOOLS_*``) would change the result;
    ``GITHUB_OUTPUT`` would make every run append to a CI file; an API key is never needed.
    """
    env = git_env()
    for key in list(env):
        if key.startswith("RELEASE_TOOLS_") or key in ("GITHUB_OUTPUT", "OPENAI_API_KEY"):
            del env[key]
    return env


def error_line(stderr: str) -> str:
    """The line of analyze's error output that says what went wrong: the first ``Error``
    line (usage errors, fatal errors), else the last line (a traceback's exception)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("error"):
            return line
    return lines[-1] if lines else ""


def _core(text: object) -> tuple[int, int, int] | None:
    if not isinstance(text, str):
        return None
    parts = text.strip().lstrip("v").split("-")[0].split("+")[0].split(".")
    if len(parts) < 3 or not all(p.isdigit() for p in parts[:3]):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def _release_made(version_type: str, current: object, following: object) -> str:
    """The jump from ``current`` to ``following`` when both are read and 0.x, else
    ``version_type``: a pair is labelled by the jump it shipped, and on 0.x analyze names a
    break ``major`` while the release it makes is the next minor (0.4.2 -> 0.5.0)."""
    old, new = _core(current), _core(following)
    if old is None or new is None or old[0] != 0 or new <= old:
        return version_type
    if new[0] != old[0]:
        return "major"
    return "minor" if new[1] != old[1] else "patch"


def parse_decision(stdout: str, *, zero: bool = False) -> AnalyzeResult:
    """Read analyze's JSON decision; anything unreadable becomes an ``error`` result. For a
    pair whose older release is 0.x (``zero``), the answer is the release it makes (see
    :func:`_release_made`); for the others, ``version_type`` as said (a manifest left at an
    old 0.x version must not turn a 1.x pair's answer into a 0.x one)."""
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError as exc:
        return AnalyzeResult("error", None, "", error=f"output is not JSON: {exc.msg}")
    if not isinstance(data, dict):
        return AnalyzeResult("error", None, "", error="output is not a JSON object")
    version_type = data.get("version_type")
    if version_type not in _VERSION_TYPES:
        return AnalyzeResult("error", None, "", error=f"bad version_type {version_type!r}")
    needs_review = data.get("needs_review")
    evidence = data.get("evidence")
    return AnalyzeResult(
        predicted=(
            _release_made(str(version_type), data.get("current_version"), data.get("next_version"))
            if zero
            else str(version_type)
        ),
        needs_review=needs_review if isinstance(needs_review, bool) else None,
        reasoning=str(data.get("reasoning", "")),
        evidence=[e for e in evidence if isinstance(e, dict)] if isinstance(evidence, list) else [],
    )


def run_analyze(
    repo: Path,
    base: str,
    *,
    timeout: float = 600.0,
    extra_args: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
    src: Path | None = None,
    zero: bool = False,
) -> AnalyzeResult:
    """Analyze one work repository in a child process and time it (wall clock); ``zero``
    says the older release is 0.x (see :func:`parse_decision`).

    A chunk-result cache left in the repository by an earlier run is removed first, so every
    run measures the analyzer of this checkout and not a stored answer.
    """
    shutil.rmtree(repo / ".release-tools-cache", ignore_errors=True)
    command = analyze_command(repo, base, extra_args)
    env = analyze_env()
    env.update(extra_env or {})
    # The child imports the release_tools of ``src`` (default: this checkout's src/), also when
    # it is not installed; another src/ (an exported commit) measures that version instead.
    path = str(src or DEFAULT_SRC)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (path, env.get("PYTHONPATH")) if p)
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return AnalyzeResult(
            "error", None, "", seconds=time.perf_counter() - started, error="timed out"
        )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        message = error_line(proc.stderr) or f"exit {proc.returncode}"
        return AnalyzeResult("error", None, "", seconds=seconds, error=message)
    result = parse_decision(proc.stdout, zero=zero)
    return AnalyzeResult(
        predicted=result.predicted,
        needs_review=result.needs_review,
        reasoning=result.reasoning,
        evidence=result.evidence,
        seconds=seconds,
        error=result.error,
    )
