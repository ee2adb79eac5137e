"""Go's apidiff as proof: its verdict on the module's two versions, when it is installed.

``apidiff`` (golang.org/x/exp/cmd/apidiff) type-checks both versions and applies Go's own
compatibility rules (assignability, method sets, embedded fields), which no source scan
matches. Both trees are written into a temporary directory with ``git archive`` (the user's
work tree and index are never touched); apidiff writes each module's export data from inside
its tree (``-m -w``), then compares the two files. Incompatible changes are proof of a major
release, additions proof of a minor one. The three runs share :data:`TIMEOUT_SECONDS`; a
missing, failing or silent tool adds nothing and says so in a debug line.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.evidence.gomodule import module_path
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength
from release_tools.errors import GitError

__all__ = ["TIMEOUT_SECONDS", "TOOLS", "parse_report", "tool_evidence"]

log = logging.getLogger(__name__)

#: How long the apidiff runs may take together (each loads and type-checks a module).
TIMEOUT_SECONDS = 180.0


def _run(argv: list[str], cwd: Path, deadline: float) -> str | None:
    """The tool's standard output; None when it failed, could not start or ran too long."""
    env = {**os.environ, "GOWORK": "off"}
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        log.debug("apidiff could not start: %s", exc)
        return None
    try:
        out, err = proc.communicate(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        # apidiff runs `go list` children: stop the whole group this run started.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        log.debug("apidiff ran past %.0f s; skipped", TIMEOUT_SECONDS)
        return None
    if proc.returncode != 0:
        log.debug("apidiff failed (%d): %s", proc.returncode, err.decode("utf-8", "replace")[-300:])
        return None
    return out.decode("utf-8", "replace")


#: The program that must be on PATH for a verdict.
TOOLS = ("apidiff",)


def tool_evidence(ctx: AnalysisContext) -> list[Evidence] | None:
    """apidiff's findings between the module at base and at head; None when it gave none."""
    tool = shutil.which(TOOLS[0])
    if tool is None:
        log.debug("apidiff is not on PATH; its verdict is skipped")
        return None
    project = ctx.project_paths[0].strip("/") if ctx.project_paths else ""
    go_mod = posixpath.join(project, "go.mod") if project else "go.mod"
    deadline = time.monotonic() + TIMEOUT_SECONDS
    with tempfile.TemporaryDirectory(prefix="release-tools-apidiff-") as tmp:
        root = Path(tmp)
        trees = {"old": root / "old", "new": root / "new"}
        paths: dict[str, str] = {}
        for side, sha in (("old", ctx.base_sha), ("new", ctx.head_sha)):
            try:
                ctx.git.archive_to(sha, trees[side])
            except GitError as exc:
                log.debug("apidiff skipped: the trees could not be written: %s", exc)
                return None
            manifest = trees[side] / go_mod
            found = (
                module_path(manifest.read_text("utf-8", "replace")) if manifest.is_file() else None
            )
            if found is None:
                log.debug("apidiff skipped: no module path in %s at %s", go_mod, side)
                return None
            paths[side] = found
        for side in ("old", "new"):
            data = root / f"{side}.x"
            written = _run(
                [tool, "-m", "-w", str(data), paths[side]], trees[side] / project, deadline
            )
            if written is None:
                return None
        report = _run([tool, "-m", str(root / "old.x"), str(root / "new.x")], root, deadline)
    return parse_report(report) if report is not None else []


def parse_report(report: str) -> list[Evidence]:
    """Evidence from apidiff's text report (``Incompatible changes:`` / ``Compatible changes:``).

    Incompatible changes are major proof (``removed`` ones are removals); compatible additions
    are minor proof, other compatible changes minor and strong.
    """
    items: list[Evidence] = []
    section = ""
    for line in report.splitlines():
        if line.rstrip().endswith("changes:") and not line.startswith("-"):
            section = line.split()[0].lower()
            continue
        if not line.startswith("- ") or not section:
            continue
        change = line[2:].strip()
        message = f"apidiff: {change}"
        if section == "incompatible":
            kind = (
                EvidenceKind.API_REMOVED
                if change.endswith(": removed")
                else EvidenceKind.API_CHANGED
            )
            items.append(evidence("go-api", kind, Bump.MAJOR, Strength.PROOF, message))
        elif change.endswith(": added"):
            items.append(
                evidence("go-api", EvidenceKind.API_ADDED, Bump.MINOR, Strength.PROOF, message)
            )
        else:
            items.append(
                evidence("go-api", EvidenceKind.API_CHANGED, Bump.MINOR, Strength.STRONG, message)
            )
    return items
