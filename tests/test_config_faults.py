"""Settings faults found through the CLI: how flags combine with the configured lists, two
spellings of one key, empty variables and flag values, and tag templates read up front."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from analyze_cli import one_line_error, run_analyze
from gitrepo import GitRepo
from release_tools.config import DEFAULT_REALTIME_URL, load_settings
from release_tools.errors import ConfigError


def _released_with_generated_code(repo: GitRepo) -> None:
    """v1.0.0, then a commit that touches a source file and a generated one."""
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.write("pkg/__init__.py", "def a():\n    pass\n")
    repo.write("gen/__init__.py", "def old():\n    pass\n")
    repo.commit("chore: init")
    repo.tag("v1.0.0")
    repo.write("pkg/__init__.py", "def a():\n    return 1\n")
    repo.write("gen/__init__.py", "def new():\n    pass\n")
    repo.commit("fix: regenerate")


def _stats(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)["stats"]
    assert isinstance(stats, dict)
    return stats


# --- --exclude adds to the configured extra-exclude ------------------------------------------


def test_exclude_flag_adds_to_the_config_files_extra_exclude(repo: GitRepo) -> None:
    _released_with_generated_code(repo)
    repo.write("release-tools.toml", 'extra-exclude = ["gen/"]\n')

    configured = _stats(run_analyze(repo.path, "--format", "json"))
    flagged = _stats(run_analyze(repo.path, "--format", "json", "--exclude", "*.pb.go"))

    assert configured["files_excluded"] == 1
    # The flag's pattern matches nothing here; the configured gen/ must still be excluded.
    assert flagged["files_excluded"] == 1


def test_exclude_flag_adds_to_the_variables_list_too(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text('extra-exclude = ["from-file/"]\n')
    flags = {"extra_exclude": ("from-flag/",)}
    settings = load_settings(flags, repo=tmp_path, environ={})
    assert settings.extra_exclude == ("from-file/", "from-flag/")
    env = {"RELEASE_TOOLS_EXTRA_EXCLUDE": "from-env/"}
    settings = load_settings(flags, repo=tmp_path, environ=env)
    assert settings.extra_exclude == ("from-env/", "from-flag/")


def test_a_bad_exclude_flag_is_named_as_the_flag(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text('extra-exclude = ["gen/"]\n')
    with pytest.raises(ConfigError, match=r"^--exclude: .*NUL"):
        load_settings({"extra_exclude": ("a\0b",)}, repo=tmp_path, environ={})


def test_include_flag_replaces_the_configured_include(repo: GitRepo) -> None:
    _released_with_generated_code(repo)
    repo.write("release-tools.toml", 'include = ["pkg/"]\n')

    configured = _stats(run_analyze(repo.path, "--format", "json"))
    flagged = _stats(run_analyze(repo.path, "--format", "json", "--include", "gen/"))

    assert configured["files_analyzed"] == 1 and configured["files_excluded"] == 1
    # Only gen/ is analyzed: pkg/ from the file no longer counts.
    assert flagged["files_analyzed"] == 1 and flagged["files_excluded"] == 1
    settings = load_settings({"include": ("gen/",)}, repo=repo.path, environ={})
    assert settings.include == ("gen/",)


# --- one setting in two spellings --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("release-tools.toml", "major-on-zero = true\nmajor_on_zero = false\n"),
        ("pyproject.toml", "[tool.release-tools]\nhistory_pairs = 3\nhistory-pairs = 4\n"),
    ],
)
def test_one_setting_in_two_spellings_is_refused(repo: GitRepo, name: str, text: str) -> None:
    _released_with_generated_code(repo)
    repo.write(name, text)
    line = one_line_error(run_analyze(repo.path), 2, f"{name}: ")
    dashed, underscored = (
        ("major-on-zero", "major_on_zero")
        if "major" in text
        else (
            "history-pairs",
            "history_pairs",
        )
    )
    assert f"'{dashed}'" in line and f"'{underscored}'" in line


# --- empty variables are unset; empty flag values are errors ---------------------------------


def test_an_empty_variable_is_unset(repo: GitRepo) -> None:
    _released_with_generated_code(repo)
    env = {"RELEASE_TOOLS_BASE": "", "RELEASE_TOOLS_OUTPUT": "", "RELEASE_TOOLS_FORMAT": " "}
    result = run_analyze(repo.path, env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("version type: ")
    assert "v1.0.0..HEAD" in result.stdout


def test_an_empty_variable_leaves_the_config_files_value(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text('extra-exclude = ["gen/"]\nhistory = false\n')
    env = {"RELEASE_TOOLS_EXTRA_EXCLUDE": "", "RELEASE_TOOLS_HISTORY": ""}
    settings = load_settings(repo=tmp_path, environ=env)
    assert settings.extra_exclude == ("gen/",)
    assert settings.history is False


def test_an_empty_realtime_url_variable_leaves_the_default(tmp_path: Path) -> None:
    settings = load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_REALTIME_URL": ""})
    assert settings.realtime_url == DEFAULT_REALTIME_URL


def test_an_empty_misspelt_variable_is_still_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="RELEASE_TOOLS_HISTROY: unknown setting"):
        load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_HISTROY": ""})


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-o", ""], "--output: the value is empty"),
        (["--output", " "], "--output: the value is empty"),
        (["--base", ""], "--base: the value is empty"),
        (["--head", ""], "--head: the value is empty"),
    ],
)
def test_an_empty_flag_value_is_refused_before_any_work(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, args: list[str], needle: str
) -> None:
    _released_with_generated_code(repo)

    def never(*_: object) -> None:
        raise AssertionError("the analysis ran")

    monkeypatch.setattr("release_tools.analysis.service.run_analysis", never)
    one_line_error(run_analyze(repo.path, *args), 2, needle)


# --- a tag template without {version} is refused when read -----------------------------------


@pytest.mark.parametrize(
    ("file_text", "env", "source"),
    [
        ('tag-format = "release"\n', {}, "release-tools.toml: "),
        ("", {"RELEASE_TOOLS_TAG_FORMAT": "release-{name}"}, "RELEASE_TOOLS_TAG_FORMAT: "),
        ('tag-format = "v{version}-{sha}"\n', {}, "release-tools.toml: "),
    ],
)
def test_a_tag_format_release_would_refuse_is_refused_by_analyze(
    repo: GitRepo, file_text: str, env: dict[str, str], source: str
) -> None:
    _released_with_generated_code(repo)
    repo.write("release-tools.toml", file_text)
    line = one_line_error(run_analyze(repo.path, env=env), 2, source)
    assert "tag_format" in line


def test_a_flag_tag_format_is_checked_too(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^--tag-format: tag_format must contain '\{version\}'"):
        load_settings({"tag_format": "release"}, repo=tmp_path, environ={})
    settings = load_settings({"tag_format": "{name}-v{version}"}, repo=tmp_path, environ={})
    assert settings.tag_format == "{name}-v{version}"
