"""Duration settings (the realtime timeouts and the longest server-asked wait) are finite
numbers of seconds, at most a day, from every layer; anything else is a one-line usage error
naming the option, raised before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyze_cli import analyze_without_work
from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.errors import ConfigError

DURATIONS = (
    "connect_timeout",
    "session_timeout",
    "response_timeout",
    "idle_timeout",
    "max_server_wait",
)
NOT_FINITE = ("inf", "1e400", "-inf", "nan", "Infinity")


@pytest.mark.parametrize("name", DURATIONS)
@pytest.mark.parametrize("value", NOT_FINITE)
def test_a_duration_flag_must_be_finite(tmp_path: Path, name: str, value: str) -> None:
    flag = "--" + name.replace("_", "-")
    with pytest.raises(ConfigError, match=rf"^{flag}: invalid value: .*finite"):
        load_settings({name: float(value)}, repo=tmp_path, environ={})


@pytest.mark.parametrize("name", DURATIONS)
@pytest.mark.parametrize("value", NOT_FINITE)
def test_a_duration_variable_must_be_finite(tmp_path: Path, name: str, value: str) -> None:
    variable = "RELEASE_TOOLS_" + name.upper()
    with pytest.raises(ConfigError, match=rf"^{variable}: invalid value for '{name}': .*finite"):
        load_settings(repo=tmp_path, environ={variable: value})


@pytest.mark.parametrize("name", DURATIONS)
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e400"])
def test_a_duration_in_the_config_file_must_be_finite(
    tmp_path: Path, name: str, value: str
) -> None:
    key = name.replace("_", "-")
    (tmp_path / "release-tools.toml").write_text(f"{key} = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^release-tools.toml: invalid value for '{name}'"):
        load_settings(repo=tmp_path, environ={})


@pytest.mark.parametrize("name", DURATIONS)
def test_a_duration_is_at_most_a_day(tmp_path: Path, name: str) -> None:
    assert getattr(load_settings({name: 86_400.0}, repo=tmp_path, environ={}), name) == 86_400
    with pytest.raises(ConfigError, match="less than or equal to 86400"):
        load_settings({name: 86_400.5}, repo=tmp_path, environ={})


@pytest.mark.parametrize("name", DURATIONS)
def test_a_small_duration_is_still_accepted(tmp_path: Path, name: str) -> None:
    assert getattr(load_settings({name: 0.25}, repo=tmp_path, environ={}), name) == 0.25


@pytest.mark.parametrize("value", ["inf", "1e400"])
def test_the_cli_refuses_an_infinite_timeout_before_any_work(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    key = "sk-duration-test-" + "Jw5" * 8
    result = analyze_without_work(repo, monkeypatch, "--response-timeout", value, key=key)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --response-timeout: invalid value")
    assert json.loads(result.stdout)["error"]["type"] == "config"
