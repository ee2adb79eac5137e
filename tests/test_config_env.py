"""RELEASE_TOOLS_* variables: known settings apply, anything else is a one-line usage error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import ConfigError


def test_a_misspelt_variable_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="RELEASE_TOOLS_HISTROY: unknown setting 'histroy'"):
        load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_HISTROY": "0"})
    with pytest.raises(ConfigError, match="chosen with -C/--repo"):
        load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_REPO": "/elsewhere"})


def test_known_settings_and_the_publish_variables_are_accepted(tmp_path: Path) -> None:
    environ = {
        "RELEASE_TOOLS_HISTORY": "false",
        "RELEASE_TOOLS_RELEASE_NAME": "lib",
        "RELEASE_TOOLS_RELEASE_VERSION": "1.2.0",
        "RELEASE_TOOLS_RELEASE_TAG": "v1.2.0",
        "RELEASE_TOOLS_RELEASE_PATH": ".",
        "OTHER_TOOL_SETTING": "x",
    }
    assert load_settings(repo=tmp_path, environ=environ).history is False


def test_the_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["analyze", "-C", str(tmp_path)], env={"RELEASE_TOOLS_FORMATT": "json"}
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: RELEASE_TOOLS_FORMATT: unknown setting 'formatt'"
