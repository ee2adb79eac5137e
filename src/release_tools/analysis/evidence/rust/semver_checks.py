"""cargo-semver-checks as proof: its verdict on the two trees, when the tool is installed.

``cargo semver-checks`` builds rustdoc JSON for both versions of the crate and runs its lints
over them; it sees what no source scan does (trait impls, auto traits, re-export chains,
macros). Both trees are written into a temporary directory with ``git archive`` (the user's
work tree and index are never touched) and the tool compares them with ``--release-type
patch``, so that every lint, major or minor, is reported. A lint that fails is proof of its
level; the summary line says which level the crate needs. The run is bounded by
:data:`TIMEOUT_SECONDS` (its process group is killed past it); a missing, failing or silent
tool adds nothing and says so in a debug line.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength
from release_tools.errors import GitError

__all__ = ["TIMEOUT_SECONDS", "TOOLS", "parse_report", "tool_evidence"]

log = logging.getLogger(__name__)

#: How long one cargo-semver-checks run may take (it builds rustdoc for both trees).
TIMEOUT_SECONDS = 300.0

_SUMMARY = re.compile(r"^\s*Summary\s+(?P<text>.*)$", re.MULTILINE)
_REQUIRES = re.compile(r"semver requires new (?P<level>major|minor) version")
_FAILURE = re.compile(r"^--- failure (?P<lint>[\w-]+): (?P<title>.*?) ---\s*$", re.MULTILINE)
_FAILED_IN = re.compile(r"^Failed in:\s*\n\s+(?P<first>.+)$", re.MULTILINE)


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> str | None:
    """The tool's combined output; None when it could not run or ran past the timeout."""
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        log.debug("cargo-semver-checks could not start: %s", exc)
        return None
    try:
        out, _ = proc.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        # cargo runs rustdoc in children of its own: stop the whole group this run started.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        log.debug("cargo-semver-checks ran past %.0f s; skipped", TIMEOUT_SECONDS)
        return None
    return out.decode("utf-8", "replace")


#: The programs that must be on PATH for a verdict: cargo and its semver-checks plugin.
TOOLS = ("cargo", "cargo-semver-checks")


def tool_evidence(ctx: AnalysisContext) -> list[Evidence] | None:
    """cargo-semver-checks' findings between base and head; None when it gave no verdict."""
    cargo, plugin = (shutil.which(tool) for tool in TOOLS)
    if cargo is None or plugin is None:
        log.debug("cargo-semver-checks is not on PATH; its verdict is skipped")
        return None
    project = ctx.project_paths[0].strip("/") if ctx.project_paths else ""
    manifest = posixpath.join(project, "Cargo.toml") if project else "Cargo.toml"
    with tempfile.TemporaryDirectory(prefix="release-tools-semver-checks-") as tmp:
        root = Path(tmp)
        baseline, current = root / "baseline", root / "current"
        try:
            ctx.git.archive_to(ctx.base_sha, baseline)
            ctx.git.archive_to(ctx.head_sha, current)
        except GitError as exc:
            log.debug("cargo-semver-checks skipped: the trees could not be written: %s", exc)
            return None
        if not (baseline / manifest).is_file() or not (current / manifest).is_file():
            log.debug("cargo-semver-checks skipped: no %s on both sides", manifest)
            return None
        argv = [
            cargo,
            "semver-checks",
            "check-release",
            "--manifest-path",
            str(current / manifest),
            "--baseline-root",
            str(baseline / project) if project else str(baseline),
            "--release-type",
            "patch",
        ]
        env = {**os.environ, "CARGO_TARGET_DIR": str(root / "target"), "CARGO_TERM_COLOR": "never"}
        output = _run(argv, current, env)
        if output is None:
            return None
        found = parse_report(output.replace(f"{current}/", "").replace(f"{baseline}/", ""))
    if found is None:
        log.debug("cargo-semver-checks gave no verdict: %s", output.strip()[-300:])
    return found


def parse_report(output: str) -> list[Evidence] | None:
    """Evidence from cargo-semver-checks' output; None when it holds no verdict (a failed run).

    Each failed lint is one item; deprecation lints are minor, the others take the level the
    summary asks for. A summary without listed lints still gives one item of its level.
    """
    summaries = [m["text"] for m in _SUMMARY.finditer(output)]
    levels = [m["level"] for text in summaries if (m := _REQUIRES.search(text))]
    if not summaries or not (levels or any("no semver update required" in s for s in summaries)):
        return None
    level = Bump.MAJOR if "major" in levels else Bump.MINOR if levels else Bump.NONE
    if level is Bump.NONE:
        return []
    items: list[Evidence] = []
    failures = list(_FAILURE.finditer(output))
    for index, match in enumerate(failures):
        lint = match["lint"]
        end = failures[index + 1].start() if index + 1 < len(failures) else len(output)
        where = _FAILED_IN.search(output, match.end(), end)
        detail = f" ({where['first'].strip()})" if where else ""
        bump = Bump.MINOR if "deprecated" in lint else level
        if "deprecated" in lint:
            kind = EvidenceKind.DEPRECATION_ADDED
        elif "missing" in lint or "removed" in lint:
            kind = EvidenceKind.API_REMOVED
        else:
            kind = EvidenceKind.API_CHANGED
        message = f"cargo-semver-checks: {lint}: {match['title']}{detail}"
        items.append(evidence("rust-api", kind, bump, Strength.PROOF, message))
    if not any(item.level is level for item in items):
        message = f"cargo-semver-checks: {summaries[-1].strip()}"
        items.append(evidence("rust-api", EvidenceKind.API_CHANGED, level, Strength.PROOF, message))
    return items
