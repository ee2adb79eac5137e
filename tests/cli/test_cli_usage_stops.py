"""The usage errors about the log format itself, and Ctrl-C or an abort before a command runs:
each is one line on stderr, in the log format the command line, the environment or the config
file give, with the exit code the error guard or click gives it; never click's usage block or
``Aborted!`` under ``--log-format json``, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from release_tools.cli import cli


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, args, env=env)


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in an empty directory (no config file of the checkout), and come back after."""
    monkeypatch.chdir(tmp_path)


def one_record(result: Result) -> dict[str, Any]:
    """The single line on stderr, as a JSON object."""
    (line,) = result.stderr.splitlines()
    record = json.loads(line)
    assert isinstance(record, dict)
    assert record["level"] == "error"
    assert record["exit_code"] == result.exit_code
    return record


def one_text_line(result: Result) -> str:
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ")
    return line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["analyze", "--log-format", "jsn"], "Invalid value for '--log-format': 'jsn'"),
        (["analyze", "--log-format=jsn"], "Invalid value for '--log-format': 'jsn'"),
        (["analyze", "--log-format", "json", "--log-format", "xml"], "'xml' is not one of"),
        (["analyze", "--log-format"], "Option '--log-format' requires an argument"),
        (["projects", "--log-format", ""], "Invalid value for '--log-format': ''"),
    ],
)
def test_a_bad_log_format_is_one_text_line(tmp_path: Path, args: list[str], says: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert says in one_text_line(result)


def test_a_bad_log_format_flag_leaves_the_format_to_the_environment(tmp_path: Path) -> None:
    result = invoke(
        ["analyze", "--log-format", "jsn"],
        env={"RELEASE_TOOLS_LOG_FORMAT": "json"},
    )
    assert result.exit_code == 2
    record = one_record(result)
    assert record["type"] == "usage"
    assert "'jsn' is not one of" in record["message"]


def test_a_bad_log_format_flag_leaves_the_format_to_the_config_file(tmp_path: Path) -> None:
    configured = tmp_path / "configured"
    configured.mkdir()
    (configured / "release-tools.toml").write_text('log-format = "json"\n')
    result = invoke(["analyze", "-C", str(configured), "--log-format", "jsn"])
    assert result.exit_code == 2
    assert "'jsn'" in one_record(result)["message"]


def test_a_bad_log_format_in_the_environment_is_one_line(tmp_path: Path) -> None:
    result = invoke(["projects"], env={"RELEASE_TOOLS_LOG_FORMAT": "jsn"})
    assert result.exit_code == 2
    assert "RELEASE_TOOLS_LOG_FORMAT" in one_text_line(result)


def test_the_log_format_flag_takes_any_case(tmp_path: Path) -> None:
    # The command runs, and fails as it does outside a repository, in JSON.
    result = invoke(["projects", "--log-format", "JSON"])
    assert result.exit_code == 1
    assert one_record(result)["type"] == "git"


def test_other_usage_errors_keep_clicks_report_in_the_text_format(tmp_path: Path) -> None:
    result = invoke(["analyze", "--fail-on", "huge"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ")


def _raising(exc: BaseException) -> Any:
    def raise_it(*args: object, **kwargs: object) -> None:
        raise exc

    return raise_it


STOPS = [
    (KeyboardInterrupt(), "interrupted", 130),
    (EOFError(), "aborted", 1),
    (click.Abort(), "aborted", 1),
]


@pytest.mark.parametrize(("exc", "message", "code"), STOPS)
def test_a_stop_in_the_groups_directory_change_is_one_json_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException, message: str, code: int
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(os, "chdir", _raising(exc))
        result = invoke(["-C", str(tmp_path), "projects", "--log-format", "json"])
    assert result.exit_code == code
    record = one_record(result)
    assert (record["message"], record["type"]) == (message, "interrupted")
    assert "exception" not in record


@pytest.mark.parametrize(("exc", "message", "code"), STOPS)
def test_a_stop_while_a_command_parses_is_one_line_in_the_text_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException, message: str, code: int
) -> None:
    # The command's -C is checked by a callback of its own, while click parses the command.
    with monkeypatch.context() as patch:
        patch.setattr("release_tools.cli.common.Path", _raising(exc))
        result = invoke(["analyze", "-C", str(tmp_path)])
    assert result.exit_code == code
    assert one_text_line(result) == f"error: {message}"
    assert "Aborted!" not in result.output


def test_a_stop_while_a_command_parses_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr("release_tools.cli.common.Path", _raising(KeyboardInterrupt()))
        result = invoke(["analyze", "-C", str(tmp_path)], env={"RELEASE_TOOLS_LOG_FORMAT": "json"})
    assert result.exit_code == 130
    assert one_record(result)["message"] == "interrupted"


def test_a_stop_under_debug_shows_no_traceback_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(os, "chdir", _raising(KeyboardInterrupt()))
        result = invoke(["-C", str(tmp_path), "projects", "--log-level", "debug"])
    assert result.exit_code == 130
    assert one_text_line(result) == "error: interrupted"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["analyze", "--base", "--log-format", "json"],
            "Got unexpected extra argument (json) (--base took '--log-format' as its value",
        ),
        (["analyze", "--include", "--exclude", "x"], "--include took '--exclude' as its value"),
    ],
)
def test_an_option_that_took_another_for_its_value_is_named(args: list[str], says: str) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert says in result.stderr


def test_the_named_option_is_in_the_json_record_too() -> None:
    result = invoke(["analyze", "--base", "--log-format", "json"])
    assert result.exit_code == 2
    record = one_record(result)
    assert record["type"] == "usage"
    assert "--base took '--log-format' as its value" in record["message"]


def test_a_value_that_is_no_option_name_adds_nothing() -> None:
    result = invoke(["analyze", "--base", "v1.0.0", "extra", "--log-format", "json"])
    assert one_record(result)["message"] == "Got unexpected extra argument (extra)"
