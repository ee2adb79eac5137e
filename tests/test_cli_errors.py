"""How a failing command reports itself as the resolved settings ask, even when the settings
are what failed: a JSON error object when the format is JSON, a traceback at the debug level."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli


def _run(repo_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["analyze", "-C", str(repo_path), *args], env=env)


def _released(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.write("pkg/__init__.py", "def a():\n    pass\n")
    repo.commit("feat: a")
    repo.tag("v1.0.0")


def _error_object(result: Result) -> dict[str, Any]:
    value = json.loads(result.stdout)
    assert list(value) == ["error"], value
    error = value["error"]
    assert isinstance(error, dict)
    assert error["exit_code"] == result.exit_code
    assert result.stderr == f"error: {error['message']}\n"
    return error


# --- the JSON error object -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("release-tools.toml", 'format = "json"\nhistroy = false\n'),
        ("release-tools.toml", 'format = "json"\nmajor-on-zero = true\nmajor_on_zero = true\n'),
        ("release-tools.toml", 'format = "json"\nchunk-size = 1\n'),
        ("pyproject.toml", '[tool.release-tools]\nformat = "json"\nhistroy = false\n'),
    ],
)
def test_a_json_format_beside_another_config_error_still_fails_as_json(
    repo: GitRepo, name: str, text: str
) -> None:
    _released(repo)
    repo.write(name, text)
    result = _run(repo.path)
    assert result.exit_code == 2
    error = _error_object(result)
    assert error["type"] == "config" and name in error["message"]


@pytest.mark.parametrize("value", ["JSON", "Json", " json "])
def test_the_format_variable_is_read_case_insensitively_for_errors_too(
    repo: GitRepo, value: str
) -> None:
    _released(repo)
    repo.write("release-tools.toml", "histroy = false\n")
    result = _run(repo.path, env={"RELEASE_TOOLS_FORMAT": value})
    assert result.exit_code == 2
    assert _error_object(result)["type"] == "config"


def test_an_empty_format_variable_leaves_the_files_format(repo: GitRepo) -> None:
    _released(repo)
    repo.write("release-tools.toml", 'format = "json"\nhistroy = false\n')
    result = _run(repo.path, env={"RELEASE_TOOLS_FORMAT": ""})
    assert _error_object(result)["type"] == "config"


def test_a_text_flag_wins_over_a_json_file(repo: GitRepo) -> None:
    _released(repo)
    repo.write("release-tools.toml", 'format = "json"\nhistroy = false\n')
    result = _run(repo.path, "--format", "text")
    assert result.exit_code == 2
    assert result.stdout == ""


# --- tracebacks exactly at the resolved debug level ------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "file_text"),
    [
        (["--log-level", "DEBUG"], {}, ""),
        (["--log-level=Debug"], {}, ""),
        ([], {}, 'log-level = "debug"\n'),
        ([], {}, 'log_level = "debug"\n'),
        ([], {"RELEASE_TOOLS_LOG_LEVEL": "Debug"}, ""),
        ([], {"RELEASE_TOOLS_LOG_LEVEL": ""}, 'log-level = "debug"\n'),
        (["--log-level", "debug"], {"RELEASE_TOOLS_LOG_LEVEL": "error"}, ""),
        ([], {"RELEASE_TOOLS_LOG_LEVEL": "debug"}, 'log-level = "warning"\n'),
    ],
)
def test_a_traceback_when_the_level_resolves_to_debug(
    repo: GitRepo, args: list[str], env: dict[str, str], file_text: str
) -> None:
    _released(repo)
    repo.write("release-tools.toml", file_text)
    result = _run(repo.path, "--base", "no-such-ref", *args, env=env)
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().endswith("error: unknown base ref 'no-such-ref'")


@pytest.mark.parametrize(
    ("args", "env", "file_text"),
    [
        (["--log-level", "warning"], {"RELEASE_TOOLS_LOG_LEVEL": "debug"}, ""),
        (["--log-level", "info"], {}, 'log-level = "debug"\n'),
        ([], {"RELEASE_TOOLS_LOG_LEVEL": "error"}, 'log-level = "debug"\n'),
        ([], {}, ""),
    ],
)
def test_no_traceback_when_a_higher_layer_says_otherwise(
    repo: GitRepo, args: list[str], env: dict[str, str], file_text: str
) -> None:
    _released(repo)
    repo.write("release-tools.toml", file_text)
    result = _run(repo.path, "--base", "no-such-ref", *args, env=env)
    assert result.exit_code == 1
    assert result.stderr == "error: unknown base ref 'no-such-ref'\n"


def test_a_debug_config_file_with_another_error_shows_the_traceback(repo: GitRepo) -> None:
    _released(repo)
    repo.write("release-tools.toml", 'log-level = "debug"\nhistroy = false\n')
    result = _run(repo.path)
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
    assert "unknown setting 'histroy'" in result.stderr.splitlines()[-1]
