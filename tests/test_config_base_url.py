"""OPENAI_BASE_URL belongs to the openai SDK and to other tools: only the realtime provider reads
it, so only then is a value that is no URL an error; the local engine runs whatever it holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import DEFAULT_REALTIME_URL, load_settings
from release_tools.errors import ConfigError

MALFORMED = ("localhost:11434/v1", "ftp://gw.example/v1", "http://", "https://h:port/v1", "/v1")


def _released(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "1.0.0"\n')
    repo.write("src/app/__init__.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("src/app/__init__.py", "def run():\n    return 2\n")
    repo.commit("fix: tweak run")


@pytest.mark.parametrize("value", MALFORMED)
def test_the_local_provider_leaves_a_malformed_base_url_out(tmp_path: Path, value: str) -> None:
    settings = load_settings(repo=tmp_path, environ={"OPENAI_BASE_URL": value})
    assert settings.provider == "local"
    assert settings.realtime_url == DEFAULT_REALTIME_URL


@pytest.mark.parametrize("value", MALFORMED)
@pytest.mark.parametrize(
    "provider_from",
    ["flag", "variable", "config file"],
)
def test_the_realtime_provider_refuses_it_naming_the_variable(
    tmp_path: Path, value: str, provider_from: str
) -> None:
    flags: dict[str, str] = {}
    environ = {"OPENAI_BASE_URL": value}
    if provider_from == "flag":
        flags["provider"] = "realtime"
    elif provider_from == "variable":
        environ["RELEASE_TOOLS_PROVIDER"] = "realtime"
    else:
        (tmp_path / "release-tools.toml").write_text('provider = "realtime"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^OPENAI_BASE_URL: invalid value ") as info:
        load_settings(flags, repo=tmp_path, environ=environ)
    assert "\n" not in str(info.value)


def test_a_realtime_url_of_the_tools_own_makes_the_variable_unused(tmp_path: Path) -> None:
    environ = {"OPENAI_BASE_URL": "localhost:11434/v1"}
    flags = {"provider": "realtime", "realtime_url": "wss://own.example/rt"}
    assert load_settings(flags, repo=tmp_path, environ=environ).realtime_url == (
        "wss://own.example/rt"
    )


def test_a_password_in_the_variable_is_not_shown(tmp_path: Path) -> None:
    environ = {"OPENAI_BASE_URL": "ftp://user:hunter2-pass@gw.example/v1"}
    with pytest.raises(ConfigError) as info:
        load_settings({"provider": "realtime"}, repo=tmp_path, environ=environ)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_plain_analyze_runs_with_a_scheme_less_base_url(repo: GitRepo, fmt: str) -> None:
    _released(repo)
    env = {"OPENAI_BASE_URL": "localhost:11434/v1"}
    argv = ["analyze", "-C", str(repo.path), "--format", fmt, "--log-level", "debug"]
    result = CliRunner().invoke(cli, argv, env=env)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.stdout)["version_type"] == "patch"
    assert "OPENAI_BASE_URL is set but not used" in result.stderr


def test_analyze_with_the_realtime_provider_fails_in_one_line(repo: GitRepo) -> None:
    _released(repo)
    env = {"OPENAI_BASE_URL": "localhost:11434/v1", "OPENAI_API_KEY": "sk-base-url-" + "Rt6" * 8}
    argv = ["analyze", "-C", str(repo.path), "--provider", "realtime"]
    result = CliRunner().invoke(cli, argv, env=env)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: OPENAI_BASE_URL: invalid value 'localhost:11434/v1': not an http:// or "
        "https:// URL with a host, such as https://api.openai.com/v1"
    ]
