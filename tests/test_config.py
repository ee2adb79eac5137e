"""Settings layering: defaults < config file < environment < flags, with one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from release_tools.config import DEFAULT_EXCLUDES, Settings, load_settings
from release_tools.errors import ConfigError, UsageError


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(repo=tmp_path, environ={})
    assert settings.chunk_size == 8000
    assert settings.max_chunks == 10
    assert settings.provider == "local"
    assert settings.major_on_zero is False
    assert settings.excludes == DEFAULT_EXCLUDES


def test_layers_override_in_order(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.release-tools]\nchunk-size = 4000\nmax_chunks = 3\n'
        "concurrency = 2\n",
        encoding="utf-8",
    )
    env = {"RELEASE_TOOLS_MAX_CHUNKS": "5", "RELEASE_TOOLS_CONCURRENCY": "6"}
    settings = load_settings({"concurrency": 8, "base": None}, repo=tmp_path, environ=env)
    assert settings.chunk_size == 4000  # file
    assert settings.max_chunks == 5  # environment beats file
    assert settings.concurrency == 8  # flag beats environment
    assert settings.base is None  # a flag that was not given does not override


def test_dedicated_file_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.release-tools]\nchunk-size = 4000\n")
    (tmp_path / "release-tools.toml").write_text("chunk-size = 3000\n")
    assert load_settings(repo=tmp_path, environ={}).chunk_size == 3000


def test_list_from_environment(tmp_path: Path) -> None:
    env = {"RELEASE_TOOLS_EXTRA_EXCLUDE": "generated/, *.pb.go"}
    settings = load_settings(repo=tmp_path, environ=env)
    assert settings.excludes[-2:] == ("generated/", "*.pb.go")


def test_broken_toml_is_one_line_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.release-tools\nchunk-size = ", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml: broken TOML") as info:
        load_settings(repo=tmp_path, environ={})
    assert isinstance(info.value, UsageError)


def test_unknown_key_named(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text("chunk-sise = 10\n")
    with pytest.raises(ConfigError, match="unknown setting 'chunk-sise'"):
        load_settings(repo=tmp_path, environ={})


def test_invalid_value_names_source(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match="RELEASE_TOOLS_CHUNK_SIZE: invalid value for 'chunk_size'"
    ):
        load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_CHUNK_SIZE": "lots"})
    with pytest.raises(ConfigError, match=r"^--concurrency: invalid value: "):
        load_settings({"concurrency": 0}, repo=tmp_path, environ={})


def test_tag_pattern_needs_version_group(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="version"):
        load_settings({"tag_pattern": r"^v\d+$"}, repo=tmp_path, environ={})
    with pytest.raises(ConfigError, match="regular expression"):
        load_settings({"tag_pattern": r"(?P<version>"}, repo=tmp_path, environ={})


@pytest.mark.parametrize(
    ("tag", "name", "version"),
    [
        ("v1.2.3", None, "1.2.3"),
        ("1.2.3", None, "1.2.3"),
        ("pkg@1.2.3", "pkg", "1.2.3"),
        ("@scope/pkg@2.0.0-rc.1", "@scope/pkg", "2.0.0-rc.1"),
        ("my-lib-v0.4.0", "my-lib", "0.4.0"),
        ("v2.0.0rc1", None, "2.0.0rc1"),
        ("v1.2", None, "1.2"),
        ("24.0", None, "24.0"),
    ],
)
def test_default_tag_pattern(tag: str, name: str | None, version: str) -> None:
    import re

    match = re.match(Settings().tag_pattern, tag)
    assert match is not None
    assert match["name"] == name
    assert match["version"] == version


@pytest.mark.parametrize("tag", ["latest", "v1", "release-2024", "v1.2.3.4", "v1.02.3"])
def test_default_tag_pattern_rejects(tag: str) -> None:
    import re

    assert re.match(Settings().tag_pattern, tag) is None


def test_config_read_from_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "release-tools.toml").write_text("max-chunks = 7\n")
    sub = tmp_path / "packages" / "a"
    sub.mkdir(parents=True)
    settings = load_settings(repo=sub, environ={})
    assert settings.max_chunks == 7
    assert settings.repo == sub


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:1", "not a url", "wss://", "ws:///v1/realtime", "ftp://h/x", ""]
)
def test_realtime_url_needs_a_websocket_scheme_and_a_host(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match=r"^--realtime-url: invalid value: .*ws://"):
        load_settings({"realtime_url": url}, repo=tmp_path, environ={})
    if url:  # an empty variable is unset: the default applies
        with pytest.raises(ConfigError, match=r"^RELEASE_TOOLS_REALTIME_URL: invalid value"):
            load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_REALTIME_URL": url})
    (tmp_path / "release-tools.toml").write_text(f"realtime-url = {url!r}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^release-tools.toml: invalid value for 'realtime_url'"):
        load_settings(repo=tmp_path, environ={})


@pytest.mark.parametrize(
    "url",
    ["wss://api.openai.com/v1/realtime", "ws://127.0.0.1:8080/v1/realtime", "WSS://[::1]:9/x"],
)
def test_realtime_url_accepts_websocket_urls(tmp_path: Path, url: str) -> None:
    assert load_settings({"realtime_url": url}, repo=tmp_path, environ={}).realtime_url == url


def test_release_message_and_commit_types_are_validated(tmp_path: Path) -> None:
    settings = load_settings(
        {"release_message": "release {tags}", "commit_types": {"docs": {"bump": "patch"}}},
        repo=tmp_path,
        environ={},
    )
    assert settings.release_message == "release {tags}"
    assert settings.commit_types["docs"].bump == "patch"
    with pytest.raises(ConfigError, match="release-message"):
        load_settings({"release_message": "release {nope}"}, repo=tmp_path, environ={})
    with pytest.raises(ConfigError, match="commit-types"):
        load_settings({"commit_types": {"docs": {"bump": "huge"}}}, repo=tmp_path, environ={})


@pytest.mark.parametrize("kind", ["directory", "dangling link", "fifo"])
def test_a_config_path_that_is_no_regular_file_is_an_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "release-tools.toml"
    if kind == "directory":
        path.mkdir()
    elif kind == "dangling link":
        path.symlink_to(tmp_path / "missing.toml")
    else:
        os.mkfifo(path)
    with pytest.raises(ConfigError, match=r"^release-tools\.toml: not a readable regular file$"):
        load_settings(repo=tmp_path, environ={})
