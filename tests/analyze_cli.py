"""``release-tools analyze`` through click's runner, and the checks of its one-line errors
(``from analyze_cli import ...``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from release_tools.cli import cli


def analyze_without_work(
    repo: Any, monkeypatch: pytest.MonkeyPatch, *args: str, key: str
) -> Result:
    """``analyze -C repo --provider realtime --format json ARGS`` with ``key`` as the API key,
    on a repository with one commit, failing the test if the analysis itself starts."""
    repo.write("a.py", "x = 1\n")
    repo.commit("feat: first")

    def never(*_: object) -> None:
        raise AssertionError("the analysis ran")

    monkeypatch.setattr("release_tools.analysis.service.run_analysis", never)
    argv = ["analyze", "-C", str(repo.path), "--provider", "realtime", "--format", "json"]
    return CliRunner().invoke(cli, [*argv, *args], env={"OPENAI_API_KEY": key})


def run_analyze(repo_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """``release-tools analyze -C repo_path ARGS`` through click's runner."""
    return CliRunner().invoke(cli, ["analyze", "-C", str(repo_path), *args], env=env)


def one_line_error(result: Result, code: int, needle: str) -> str:
    """The one ``error:`` line of a failed run (exit ``code``, nothing on stdout, no
    traceback), which must hold ``needle``."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert needle in lines[0], lines[0]
    return lines[0]
