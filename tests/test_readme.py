"""The README is the user's manual: every command and every option of the CLI is named in it,
and its Quick start is two command lines."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from release_tools.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    return sorted(cli.commands.items())


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_and_option_is_documented(name: str, command: click.Command) -> None:
    assert f"release-tools {name}" in README, f"command {name} is not in the README"
    missing = [
        flag
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for flag in param.opts + param.secondary_opts
        if flag.startswith("--") and flag not in README
    ]
    assert not missing, f"{name}: options not in the README: {missing}"


def test_group_options_are_documented() -> None:
    for param in cli.params:
        if isinstance(param, click.Option):
            assert any(flag in README for flag in param.opts), param.opts


def test_quick_start_is_two_command_lines() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    commands = [line for line in lines if not line.lstrip().startswith("#")]
    assert len(commands) == 2, commands
    assert "release-tools analyze" in commands[0]
    assert "pytest" in commands[1]
