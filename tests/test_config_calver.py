"""The version_scheme and calver_format settings: layered, validated, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_tools.config import load_settings
from release_tools.errors import ConfigError
from release_tools.versioning.calver import CalendarChoice, CalendarFormat


def test_the_default_detects() -> None:
    settings = load_settings(repo=Path("/nonexistent-h105"), environ={})
    assert settings.version_scheme == "auto"
    assert settings.calver_format is None
    assert CalendarChoice.of(settings.version_scheme, settings.calver_format) == CalendarChoice()


def test_the_file_and_the_environment_set_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.release-tools]\nversion-scheme = "calver"\ncalver-format = "yy.mm.patch"\n',
        encoding="utf-8",
    )
    settings = load_settings(repo=tmp_path, environ={})
    assert (settings.version_scheme, settings.calver_format) == ("calver", "YY.MM.PATCH")
    assert CalendarChoice.of(settings.version_scheme, settings.calver_format) == CalendarChoice(
        "calver", CalendarFormat(2, "month", "patch")
    )
    env = load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_VERSION_SCHEME": "SemVer"})
    # Semantic versioning chosen in a higher layer overrides the file's format.
    assert env.version_scheme == "semver"
    assert CalendarChoice.of(env.version_scheme, env.calver_format).scheme == "semver"


def test_an_unknown_scheme_names_its_source(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text('version_scheme = "calendar"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"^release-tools.toml: invalid value for 'version_scheme'"
    ):
        load_settings(repo=tmp_path, environ={})


def test_an_unknown_format_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_CALVER_FORMAT": "YY.WW.PATCH"})
    message = str(caught.value)
    assert message.startswith("RELEASE_TOOLS_CALVER_FORMAT: invalid value for 'calver_format'")
    assert "YY.N.PATCH" in message
    assert "\n" not in message


def test_a_format_with_semver_is_a_contradiction(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text(
        'version_scheme = "semver"\ncalver_format = "YY.N.PATCH"\n', encoding="utf-8"
    )
    with pytest.raises(
        ConfigError,
        match=r"^release-tools.toml: calver_format 'YY.N.PATCH' is set but version_scheme is "
        "'semver'",
    ):
        load_settings(repo=tmp_path, environ={})


def test_a_format_in_a_higher_layer_than_semver_is_a_contradiction(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text('version_scheme = "semver"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"^RELEASE_TOOLS_CALVER_FORMAT: calver_format 'YY.N.PATCH' is set but "
        r"version_scheme is 'semver' \(release-tools.toml\)",
    ):
        load_settings(repo=tmp_path, environ={"RELEASE_TOOLS_CALVER_FORMAT": "yy.n.patch"})
