"""The composite GitHub Action: its run script builds the right command lines (run for real
with bash against a real repository) and every output it declares is one the tool writes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from release_tools.analysis.models import Decision
from release_tools.analysis.report import write_github_output
from release_tools.release.outputs import plan_check_outputs, plan_outputs, release_outputs
from release_tools.release.planning import PlanCheckResult, PlanResult
from release_tools.release.service import ReleaseResult

ACTION = Path(__file__).resolve().parents[2] / "action.yml"


def run_script() -> str:
    """The ``run: |`` block of the step whose id is ``run``."""
    lines = ACTION.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "id: run")
    head = next(i for i in range(start, len(lines)) if lines[i].strip() == "run: |")
    indent = len(lines[head]) - len(lines[head].lstrip())
    body = []
    for line in lines[head + 1 :]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line)
    return textwrap.dedent("\n".join(body))


def action(
    repo: Any, tmp_path: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
    }
    defaults = {
        "command": "analyze",
        "version-type": "auto",
        "only-touched": "false",
        "commit": "false",
        "push": "false",
        "dry-run": "false",
        "skip-publish": "false",
    }
    for name, value in {**defaults, **inputs}.items():
        env["RT_" + name.upper().replace("-", "_")] = value
    empty = ("project", "base", "head", "message", "plan-format", "publish-command", "provider")
    for name in (*empty, "args"):
        env.setdefault("RT_" + name.upper().replace("-", "_"), "")
    proc = subprocess.run(
        ["bash", "-c", run_script()], cwd=repo.path, env=env, capture_output=True, text=True
    )
    return proc, output.read_text()


def test_declared_outputs_are_written_by_the_tool(tmp_path: Path) -> None:
    declared = set(re.findall(r"steps\.run\.outputs\.(\w+)", ACTION.read_text()))
    analyze_file = tmp_path / "analyze"
    write_github_output(
        Decision(version_type="minor", needs_review=False, reasoning="r"), analyze_file
    )
    analyze_keys = set(re.findall(r"^(\w+)(?:=|<<)", analyze_file.read_text(), re.M))
    written = (
        analyze_keys
        | set(plan_outputs(PlanResult(project="p", message="m")))
        | set(plan_check_outputs(PlanCheckResult(base="b", head="h")))
        | set(release_outputs(ReleaseResult(released=False, dry_run=False, message="m")))
    )
    assert declared and declared <= written, declared - written


def test_plan_then_release_through_the_action(python_repo: Any, tmp_path: Path) -> None:
    # A message that would run code if the script pasted inputs into its text.
    message = 'fix: $(touch pwned) `touch pwned2` "quoted"'
    proc, out = action(
        python_repo, tmp_path, command="plan", project="demo", **{"version-type": "patch"},
        message=message, commit="true",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "version_type=patch" in out and "plan_path=.nx/version-plans/" in out
    assert not (python_repo.path / "pwned").exists() and not (python_repo.path / "pwned2").exists()
    plan_path = re.search(r"plan_path=(\S+)", out)
    assert plan_path is not None
    assert (python_repo.path / plan_path.group(1)).read_text().endswith(message + "\n")

    proc, out = action(python_repo, tmp_path, command="release", **{"dry-run": "true"})
    assert proc.returncode == 0, proc.stderr
    assert "would tag v1.3.0" in proc.stdout and out.startswith("released=false\n")

    proc, out = action(python_repo, tmp_path, command="release", args="--preid beta")
    assert proc.returncode == 0, proc.stderr
    assert out.startswith("released=true\nversion=1.3.0\ntag=v1.3.0\nprevious_version=1.2.3\n")


def test_analyze_and_plan_check_through_the_action(python_repo: Any, tmp_path: Path) -> None:
    proc, out = action(python_repo, tmp_path, command="analyze")
    assert proc.returncode == 0, proc.stderr
    assert "version_type=minor" in out
    proc, out = action(python_repo, tmp_path, command="plan-check", base="v1.2.3")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert out == 'touched=["demo"]\nmissing=[]\n'


@pytest.mark.parametrize(
    ("inputs", "needle"),
    [
        ({"command": "plan"}, "the plan command needs the project input"),
        ({"command": "deploy"}, "unknown command 'deploy'"),
    ],
)
def test_bad_inputs_fail_with_annotation(
    python_repo: Any, tmp_path: Path, inputs: dict[str, str], needle: str
) -> None:
    proc, _ = action(python_repo, tmp_path, **inputs)
    assert proc.returncode == 2 and f"::error::{needle}" in proc.stdout


def test_action_installs_with_pip_from_its_own_checkout() -> None:
    text = ACTION.read_text()
    assert "using: composite" in text
    assert 'python -m pip install --disable-pip-version-check -q "${PACKAGE:-$ACTION_PATH}"' in text
    assert "${{ inputs." not in run_script()  # inputs only through the environment
