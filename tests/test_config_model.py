"""The model name: an empty or blank flag is a usage error, an empty variable is unset, and an
empty name in the config file is refused naming the file; the name is never sent blank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyze_cli import analyze_without_work
from gitrepo import GitRepo
from release_tools.config import DEFAULT_MODEL, load_settings
from release_tools.errors import ConfigError


@pytest.mark.parametrize("value", ["", "   ", "\t"])
def test_an_empty_model_flag_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match=r"^--model: the value is empty"):
        load_settings({"model": value}, repo=tmp_path, environ={})


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_model_variable_is_unset(tmp_path: Path, value: str) -> None:
    settings = load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_MODEL": value})
    assert settings.model == DEFAULT_MODEL
    (tmp_path / "release-tools.toml").write_text('model = "my-model"\n', encoding="utf-8")
    settings = load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_MODEL": value})
    assert settings.model == "my-model"


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_model_in_the_config_file_is_refused(tmp_path: Path, value: str) -> None:
    (tmp_path / "release-tools.toml").write_text(f'model = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^release-tools.toml: invalid value for 'model': "):
        load_settings(repo=tmp_path, environ={})


@pytest.mark.parametrize("value", ["gpt realtime", "gpt-\trealtime", "gpt\x1b[31m"])
def test_a_model_name_with_blanks_inside_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match=r"^RELEASE_TOOLS_MODEL: invalid value for 'model'"):
        load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_MODEL": value})


def test_surrounding_blanks_are_not_part_of_the_name(tmp_path: Path) -> None:
    settings = load_settings({"model": " gpt-realtime-mini "}, repo=tmp_path, environ={})
    assert settings.model == "gpt-realtime-mini"


@pytest.mark.parametrize("value", ["", "   "])
def test_the_cli_exits_2_before_any_work(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    key = "sk-model-test-" + "Pz8" * 8
    result = analyze_without_work(repo, monkeypatch, "--model", value, key=key)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        "error: --model: the value is empty; leave the option out for the default"
    ]
    assert json.loads(result.stdout)["error"]["type"] == "config"
