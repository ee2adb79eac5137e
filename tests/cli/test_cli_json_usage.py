"""Under ``--log-format json`` everything on stderr is a JSON line: click's own usage errors
(wherever ``--log-format`` stands, or given by the environment or the config file), the
``--fail-on`` result and the warnings the commands print. Exit codes are unchanged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.cli.usage import command_line_options


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line of ``text`` as a JSON object (fails on a line that is not one)."""
    records = [json.loads(line) for line in text.splitlines()]
    assert records, "nothing on stderr"
    assert all(isinstance(record, dict) for record in records)
    return records


def usage_record(result: Result) -> dict[str, Any]:
    assert result.exit_code == 2, result.output
    (record,) = json_lines(result.stderr)
    assert record["level"] == "error"
    assert record["type"] == "usage"
    assert record["exit_code"] == 2
    assert isinstance(record["message"], str)
    return record


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, args, env=env)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["analyze", "--bogus", "--log-format", "json"], "No such option '--bogus'"),
        (["analyze", "--log-format", "json", "--bogus"], "No such option '--bogus'"),
        (["analyze", "--log-format=json", "--fail-on", "huge"], "'huge' is not one of"),
        (["analyze", "--log-format", "json", "extra"], "unexpected extra argument"),
        (
            ["create-version-plan", "--log-format", "json", "--project"],
            "Option '--project' requires an argument",
        ),
        (["no-such-command", "--log-format", "json"], "No such command"),
        (["--bogus", "analyze", "--log-format", "json"], "No such option '--bogus'"),
        # Click reads --log-format as the value of --base; the record is JSON all the same.
        (["analyze", "--base", "--log-format", "json"], "unexpected extra argument (json)"),
    ],
)
def test_click_usage_errors_are_one_json_record(args: list[str], says: str) -> None:
    assert says in usage_record(invoke(args))["message"]


def test_the_log_format_from_the_environment(tmp_path: Any) -> None:
    result = invoke(["analyze", "--bogus"], env={"RELEASE_TOOLS_LOG_FORMAT": "json"})
    assert "--bogus" in usage_record(result)["message"]


def test_the_log_format_from_the_config_file_of_the_repo_given(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("configured")
    repo.write("release-tools.toml", 'log-format = "json"\n')
    result = invoke(["analyze", "-C", str(repo.path), "--fail-on", "huge"])
    assert "'huge'" in usage_record(result)["message"]


def test_no_command_is_a_json_record_too() -> None:
    result = invoke([], env={"RELEASE_TOOLS_LOG_FORMAT": "json"})
    assert usage_record(result)["message"].startswith("no command given")
    text = invoke([])
    assert text.exit_code == 2
    assert text.stderr.startswith("Usage: ")


def test_the_flag_wins_over_the_environment() -> None:
    result = invoke(
        ["analyze", "--bogus", "--log-format", "text"], env={"RELEASE_TOOLS_LOG_FORMAT": "json"}
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ")


def test_the_text_format_keeps_clicks_report() -> None:
    result = invoke(["analyze", "--bogus"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: ")
    assert " analyze [OPTIONS]\nTry " in result.stderr
    assert "Error: No such option '--bogus'" in result.stderr


def test_a_missing_directory_before_the_command_is_json_too(tmp_path: Any) -> None:
    result = invoke(["-C", str(tmp_path / "missing"), "projects", "--log-format", "json"])
    assert usage_record(result)["message"].endswith("missing: No such file or directory")


def test_the_command_line_is_read_as_given() -> None:
    assert command_line_options(
        ["-C", "a", "analyze", "--repo=b", "--log-format", "json", "--", "--log-level", "x"]
    ) == {"log_format": "json", "repo": "b"}


@pytest.fixture
def feature(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    repo = make_repo("demo")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.2.3"\n')
    repo.write("src/demo/__init__.py", "X = 0\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.3")
    repo.write("src/demo/more.py", "def more() -> int:\n    return 1\n")
    repo.commit("feat: more")
    return repo


def test_the_fail_on_line_is_a_json_record(feature: GitRepo) -> None:
    args = ["analyze", "-C", str(feature.path), "--fail-on", "patch", "--no-history"]
    result = invoke([*args, "--log-format", "json", "--no-cache"])
    assert result.exit_code == 3, result.output
    last = json_lines(result.stderr)[-1]
    assert last["level"] == "error"
    assert last["type"] == "fail-on"
    assert last["exit_code"] == 3
    assert last["message"].startswith("the changes need a ")
    assert last["message"].endswith(" release (--fail-on patch)")
    text = invoke([*args, "--no-cache"])
    assert text.exit_code == 3
    assert text.stderr.splitlines()[-1].startswith("error: the changes need a ")


def test_a_warning_of_a_command_is_a_json_record(feature: GitRepo) -> None:
    result = invoke(
        [
            "create-version-plan",
            "-C",
            str(feature.path),
            "--project",
            "demo",
            "--version-type",
            "minor",
            "--format",
            "nx",
            "--log-format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    records = json_lines(result.stderr)
    assert records[0]["level"] == "warning"
    assert records[0]["message"] == "--format nx is deprecated, use --plan-format nx"


# --- what click's parser has consumed when it fails ------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--log-format", "json", "analyze"],
        ["--log-format=json", "analyze"],
        ["--log-format", "json", "--bogus", "analyze"],
    ],
)
def test_a_log_format_before_the_command_is_read_although_the_parser_took_it(
    args: list[str],
) -> None:
    """The group's parser pops each word it reads from the list it is given: the words read
    before the failing one are part of the command line all the same."""
    assert "No such option '--log-format'" in usage_record(invoke(args))["message"]


def test_the_config_of_the_directory_given_before_a_bad_group_option(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("configured")
    repo.write("release-tools.toml", 'log-format = "json"\n')
    result = invoke(["-C", str(repo.path), "--bogus", "analyze"])
    assert "No such option '--bogus'" in usage_record(result)["message"]


def test_the_config_of_a_relative_directory_the_group_already_entered(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command's parse error comes once the group has changed directory: its relative ``-C``
    is not applied a second time (from inside the repository it names nothing)."""
    repo = make_repo("x/b")
    repo.write("release-tools.toml", 'log-format = "json"\n')
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    result = invoke(["-C", "../x/b", "analyze", "--bogus"])
    assert "No such option '--bogus'" in usage_record(result)["message"]


def test_an_unknown_command_after_a_relative_directory(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Click looks the command up before the group has changed directory."""
    repo = make_repo("x/b")
    repo.write("release-tools.toml", 'log-format = "json"\n')
    (tmp_path / "a").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    result = invoke(["-C", "../x/b", "no-such-command"])
    assert "No such command" in usage_record(result)["message"]


def test_a_directory_written_against_its_short_option(
    make_repo: Callable[[str], GitRepo],
) -> None:
    """``-CDIR`` is ``-C DIR`` to click, and so to the reading of the command line."""
    repo = make_repo("configured")
    repo.write("release-tools.toml", 'log-format = "json"\n')
    result = invoke(["analyze", f"-C{repo.path}", "--fail-on", "huge"])
    assert "'huge'" in usage_record(result)["message"]
    result = invoke([f"-C{repo.path}", "--bogus", "analyze"])
    assert "No such option '--bogus'" in usage_record(result)["message"]
    assert command_line_options(["-Ca", "analyze", "-Cb"]) == {"repo": "b"}
