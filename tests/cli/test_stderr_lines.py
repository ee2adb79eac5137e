"""What the commands print on stderr themselves is one line per message, whatever it quotes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from release_tools.cli.output import echo


def test_a_warning_or_refusal_on_stderr_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    echo("warning: plan p.md:\n::error::forged\r\x1b[2Jdone", err=True)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("warning: plan p.md:\\n::error::forged\\r\\x1b[2Jdone")


def test_a_report_on_stdout_keeps_its_lines(capsys: pytest.CaptureFixture[str]) -> None:
    echo("first\nsecond\x1b[2J", err=False)
    assert capsys.readouterr().out == "first\nsecond[2J\n"


def test_a_missing_directory_given_to_c_is_named_on_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "no\n::error::forged"
    result = subprocess.run(
        [sys.executable, "-m", "release_tools", "-C", str(missing), "analyze"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert not any(line.startswith("::") for line in result.stderr.splitlines())
