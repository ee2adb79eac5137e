"""The CLI adapter: error mapping to exit codes, one-line messages, no leaked secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli, guard
from release_tools.errors import GitError, UsageError


def _command(exc: BaseException) -> click.Command:
    @click.command()
    @guard
    def failing() -> None:
        raise exc

    return failing


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (GitError("git diff failed: bad object"), 1),
        (UsageError("unknown project 'x' (known: a, b)"), 2),
        (RuntimeError("surprise\nsecond line"), 1),
    ],
)
def test_errors_are_one_line_with_exit_code(exc: BaseException, code: int) -> None:
    result = CliRunner().invoke(_command(exc), [])
    assert result.exit_code == code
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    assert "second line" not in result.output


def test_secret_in_error_is_redacted() -> None:
    result = CliRunner().invoke(_command(GitError("failed with sk-abcdefghijklmnopqrstuvwxyz")), [])
    assert "sk-abcdefghijklmnopqrstuvwxyz" not in result.output
    assert "[REDACTED]" in result.output


def test_traceback_only_with_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEASE_TOOLS_LOG_LEVEL", "debug")
    result = CliRunner().invoke(_command(GitError("boom")), [])
    assert result.exit_code == 1
    assert "Traceback" in result.output


def test_help_and_version() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["--help"]).exit_code == 0
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "release-tools" in result.output


def test_unknown_option_is_usage_error() -> None:
    result = CliRunner().invoke(cli, ["analyze", "--no-such-flag"])
    assert result.exit_code == 2


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "release_tools", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "release-tools" in proc.stdout


def test_dash_c_before_the_command_works_as_in_git(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo.write("src/app/core.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("src/app/extra.py", "def more():\n    return 2\n")
    repo.commit("feat: more")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(cli, ["-C", str(repo.path), "analyze", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["next_version"] == "1.1.0"
    for args in (
        ["-C", str(tmp_path / "nope"), "analyze"],
        ["analyze", "-C", str(tmp_path / "nope")],
        ["release", "--dry-run", "-C", str(tmp_path / "nope")],
    ):
        missing = CliRunner().invoke(cli, args)
        assert missing.exit_code == 2, args
        lines = missing.stderr.strip().splitlines()
        assert lines == [f"error: -C {tmp_path / 'nope'}: No such file or directory"], args


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["analyze", "--help"]])
def test_help_and_version_into_a_closed_pipe_exit_as_the_commands_do(args: list[str]) -> None:
    # A pipe whose reader is already closed: the first write fails with EPIPE, as with `| head`.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "release_tools", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (proc.returncode, proc.stderr) == (141, "")
