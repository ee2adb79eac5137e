"""``release-tools analyze`` through click's runner, for tests that expect a refusal before any
work (``from analyze_cli import ...``)."""

from __future__ import annotations

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
