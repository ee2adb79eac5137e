"""A failing command run with ``--format json`` prints one JSON error object on stdout."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli, guard
from release_tools.cli.failures import error_type, use_output_format
from release_tools.errors import (
    ConfigError,
    NotAGitRepositoryError,
    ProviderError,
    ReleaseError,
    ReleaseToolsError,
    UnknownRefError,
    UsageError,
)
from release_tools.release.forge.errors import ForgeError, ForgeErrorKind


@pytest.fixture
def project(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    repo = make_repo("demo")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.2.3"\n')
    repo.write("src/demo/__init__.py", "X = 0\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.3")
    repo.write("src/demo/more.py", "Y = 1\n")
    repo.commit("feat: more")
    return repo


def run(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> Result:
    command, *rest = args
    return CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest], env=env)


def error_of(result: Result) -> dict[str, Any]:
    """The error object, after checking stdout holds that one JSON value and nothing else."""
    value = json.loads(result.stdout)
    assert isinstance(value, dict)
    assert list(value) == ["error"]
    error = value["error"]
    assert isinstance(error, dict)
    assert set(error) == {"message", "type", "exit_code"}
    assert error["exit_code"] == result.exit_code
    # The same one line as on stderr, without its prefix.
    assert result.stderr == f"error: {error['message']}\n"
    return error


def test_analyze_unknown_base(project: GitRepo) -> None:
    result = run(project, "analyze", "--base", "no-such-ref", "--format", "json")
    assert result.exit_code == 1
    assert error_of(result) == {
        "message": "unknown base ref 'no-such-ref'",
        "type": "git",
        "exit_code": 1,
    }
    assert "Traceback" not in result.output


def test_plan_check_unknown_base(project: GitRepo) -> None:
    result = run(project, "plan-check", "--base", "no-such-ref", "--format", "json")
    assert result.exit_code == 1
    assert error_of(result) == {
        "message": "unknown base ref 'no-such-ref'",
        "type": "git",
        "exit_code": 1,
    }


def test_release_with_an_invalid_tag_format(project: GitRepo) -> None:
    plan = run(project, "create-version-plan", "--project", "demo", "--version-type", "minor")
    assert plan.exit_code == 0, plan.output
    result = run(
        project, "release", "--format", "json", env={"RELEASE_TOOLS_TAG_FORMAT": "-{version}"}
    )
    # Refused when the settings are read, before anything is written.
    assert result.exit_code == 2
    error = error_of(result)
    assert error["type"] == "config"
    assert "'-pkg1.0.0'" in error["message"] or "'-1.0.0'" in error["message"]
    assert project.git("tag", "--list") == "v1.2.3"


def test_create_version_plan_unknown_project(project: GitRepo) -> None:
    result = run(
        project,
        "create-version-plan",
        "--project",
        "nope",
        "--version-type",
        "minor",
        "--format",
        "json",
    )
    assert result.exit_code == 2
    error = error_of(result)
    assert error["type"] == "usage"
    assert "nope" in error["message"]


def test_forge_release_unknown_tag(project: GitRepo) -> None:
    result = run(project, "forge-release", "--tag", "v9.9.9", "--format", "json")
    assert result.exit_code == 2
    assert error_of(result)["type"] == "usage"


def test_projects_outside_a_repository(tmp_path: Any) -> None:
    result = CliRunner().invoke(cli, ["projects", "-C", str(tmp_path), "--format", "json"])
    assert result.exit_code == 1
    assert error_of(result)["type"] == "git"


def test_text_format_prints_nothing_on_stdout(project: GitRepo) -> None:
    for args in (("analyze", "--base", "no-such-ref"), ("plan-check", "--base", "no-such-ref")):
        result = run(project, *args)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr == "error: unknown base ref 'no-such-ref'\n"


def test_format_from_the_environment(project: GitRepo) -> None:
    result = run(project, "analyze", "--base", "no-such-ref", env={"RELEASE_TOOLS_FORMAT": "json"})
    assert result.exit_code == 1
    assert error_of(result)["type"] == "git"
    # The flag still wins over the environment.
    text = run(
        project,
        "analyze",
        "--base",
        "no-such-ref",
        "--format",
        "text",
        env={"RELEASE_TOOLS_FORMAT": "json"},
    )
    assert text.exit_code == 1
    assert text.stdout == ""


def test_format_from_a_config_file_with_a_broken_setting(project: GitRepo) -> None:
    project.write("release-tools.toml", 'format = "json"\nchunk-size = "many"\n')
    result = run(project, "analyze")
    assert result.exit_code == 2
    error = error_of(result)
    assert error["type"] == "config"
    assert "chunk_size" in error["message"]


def test_broken_environment_variable_next_to_json_format(project: GitRepo) -> None:
    result = run(
        project,
        "projects",
        env={"RELEASE_TOOLS_FORMAT": "json", "RELEASE_TOOLS_CHUNK_SIZE": "many"},
    )
    assert result.exit_code == 2
    assert error_of(result)["type"] == "config"


def test_secrets_are_redacted(project: GitRepo) -> None:
    key = "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0" * 2
    token = "opaque-session-credential-0123"
    for base, env in ((key, {}), (token, {"OPENAI_API_KEY": token})):
        result = run(project, "analyze", "--base", base, "--format", "json", env=env)
        assert result.exit_code == 1
        assert "[REDACTED]" in error_of(result)["message"]
        assert base not in result.stdout
        assert base not in result.stderr


def test_a_report_already_printed_is_not_followed_by_an_error(project: GitRepo) -> None:
    result = run(project, "plan-check", "--base", "v1.2.3", "--format", "json")
    assert result.exit_code == 4
    report = json.loads(result.stdout)
    assert "error" not in report
    assert report["missing"] == ["demo"]
    assert result.stderr.startswith("error: touched without a version plan: demo")


def test_traceback_only_with_debug_and_stdout_stays_json(project: GitRepo) -> None:
    result = run(
        project,
        "analyze",
        "--base",
        "no-such-ref",
        "--format",
        "json",
        env={"RELEASE_TOOLS_LOG_LEVEL": "debug"},
    )
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert json.loads(result.stdout)["error"]["type"] == "git"


def _json_command(exc: BaseException) -> click.Command:
    @click.command()
    @guard
    def failing() -> None:
        use_output_format("json")
        raise exc

    return failing


def test_internal_error_and_interrupt() -> None:
    bug = CliRunner().invoke(_json_command(ValueError("bad\nsecond line")), [])
    assert bug.exit_code == 1
    assert json.loads(bug.stdout) == {
        "error": {"message": "internal error: ValueError: bad", "type": "internal", "exit_code": 1}
    }
    assert "--log-level debug" in bug.stderr
    stopped = CliRunner().invoke(_json_command(KeyboardInterrupt()), [])
    assert stopped.exit_code == 130
    assert json.loads(stopped.stdout)["error"]["type"] == "interrupted"


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ConfigError("x"), "config"),
        (UsageError("x"), "usage"),
        (UnknownRefError("x"), "git"),
        (NotAGitRepositoryError("x"), "git"),
        (ProviderError("x"), "provider"),
        (ReleaseError("x"), "release"),
        (ForgeError("x", ForgeErrorKind.NETWORK), "release"),
        (ReleaseToolsError("x"), "error"),
        (RuntimeError("x"), "internal"),
    ],
)
def test_error_type_is_the_nearest_branch_of_the_tree(exc: BaseException, expected: str) -> None:
    assert error_type(exc) == expected


def test_refused_realtime_url_with_a_key_is_a_config_error_without_the_key(
    project: GitRepo,
) -> None:
    key = "sk-test-" + "Zq9Xw8Vu7Ts6Rp5On4Ml" * 2
    result = run(
        project,
        "analyze",
        "--provider",
        "realtime",
        "--realtime-url",
        "ws://realtime.example.com/v1/realtime",
        "--format",
        "json",
        env={"OPENAI_API_KEY": key},
    )
    assert result.exit_code == 2
    error = error_of(result)
    assert error["type"] == "config"
    assert "unencrypted ws://" in error["message"]
    assert key not in result.stdout
    assert key not in result.stderr
