""".changeset/config.json's options for internal dependents, read as changesets reads them."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from release_tools.errors import ConfigError
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig, read_release_config

PROJECTS = [Project("@acme/a", "packages/a", "packages/a/package.json", "1.0.0", "node")]
EXPERIMENTAL = "___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH"


def _read(tmp_path: Path, config: dict[str, Any], cli: str | None = None) -> WorkspaceReleaseConfig:
    """``config`` read from ``.changeset/config.json``; the root ``package.json`` requires
    ``@changesets/cli`` at ``cli`` when it is given."""
    if cli is not None:
        root = {"private": True, "devDependencies": {"@changesets/cli": cli}}
        (tmp_path / "package.json").write_text(json.dumps(root))
    (tmp_path / ".changeset").mkdir()
    (tmp_path / ".changeset/config.json").write_text(json.dumps(config))
    return read_release_config(tmp_path, PROJECTS)


def _options(config: WorkspaceReleaseConfig) -> tuple[object, ...]:
    return (
        config.update_dependents,
        config.update_dependencies,
        config.only_peer_dependents_out_of_range,
    )


def test_changesets_defaults(tmp_path: Path) -> None:
    assert _options(_read(tmp_path, {})) == ("out-of-range", "patch", False)


def test_without_changesets_nothing_is_configured(tmp_path: Path) -> None:
    assert read_release_config(tmp_path, PROJECTS).update_dependents is None


def test_every_option_as_changesets_spells_it(tmp_path: Path) -> None:
    config = {
        "updateInternalDependencies": "minor",
        EXPERIMENTAL: {
            "updateInternalDependents": "always",
            "onlyUpdatePeerDependentsWhenOutOfRange": True,
        },
    }
    assert _options(_read(tmp_path, config)) == ("always", "minor", True)


@pytest.mark.parametrize(("old", "read"), [("patch", "always"), ("out-of-range", "out-of-range")])
def test_the_old_top_level_spelling_is_read_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, old: str, read: str
) -> None:
    with caplog.at_level(logging.WARNING):
        config = _read(tmp_path, {"updateInternalDependents": old})
    assert config.update_dependents == read
    assert [r.getMessage() for r in caplog.records] == [
        ".changeset/config.json: a top-level updateInternalDependents is deprecated and "
        f'changesets ignores it; read as {EXPERIMENTAL}.updateInternalDependents: "{read}"'
    ]


def test_the_experimental_option_wins_over_the_old_spelling(tmp_path: Path) -> None:
    config = {
        "updateInternalDependents": "patch",
        EXPERIMENTAL: {
            "onlyUpdatePeerDependentsWhenOutOfRange": False,
            "updateInternalDependents": "out-of-range",
        },
    }
    assert _read(tmp_path, config).update_dependents == "out-of-range"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"updateInternalDependencies": "major"},
            'updateInternalDependencies is "major"; changesets accepts "patch" or "minor"',
        ),
        (
            {"updateInternalDependencies": None, EXPERIMENTAL: {"updateInternalDependents": 1}},
            f'{EXPERIMENTAL}.updateInternalDependents is 1; changesets accepts "always" or '
            '"out-of-range"',
        ),
        (
            {EXPERIMENTAL: {"onlyUpdatePeerDependentsWhenOutOfRange": "true"}},
            f'{EXPERIMENTAL}.onlyUpdatePeerDependentsWhenOutOfRange is "true"; changesets '
            "accepts true or false",
        ),
        ({EXPERIMENTAL: True}, f"{EXPERIMENTAL} is true; changesets accepts an object"),
        (
            {"updateInternalDependents": "never"},
            'updateInternalDependents is "never"; expected "out-of-range" or "always", under '
            f"{EXPERIMENTAL} where changesets reads it",
        ),
    ],
)
def test_an_invalid_value_names_the_option(
    tmp_path: Path, config: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _read(tmp_path, config)
    assert str(caught.value) == f".changeset/config.json: {message}"


@pytest.mark.parametrize(("value", "read"), [(None, False), (True, True), (False, False)])
def test_bump_versions_with_workspace_protocol_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, value: bool | None, read: bool
) -> None:
    config = {} if value is None else {"bumpVersionsWithWorkspaceProtocolOnly": value}
    with caplog.at_level(logging.WARNING):
        assert _read(tmp_path, config).workspace_protocol_only is read
    assert caplog.records == []


@pytest.mark.parametrize(("value", "shown"), [("true", '"true"'), (1, "1"), ([True], "[true]")])
def test_a_workspace_protocol_only_that_is_no_boolean_is_false_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, value: object, shown: str
) -> None:
    # changesets 2.x reads anything but true as false.
    with caplog.at_level(logging.WARNING):
        config = _read(tmp_path, {"bumpVersionsWithWorkspaceProtocolOnly": value}, "^2.27.0")
    assert config.workspace_protocol_only is False
    assert [r.getMessage() for r in caplog.records] == [
        f".changeset/config.json: bumpVersionsWithWorkspaceProtocolOnly is {shown}, not true or "
        "false; read as false, as changesets reads it"
    ]


@pytest.mark.parametrize("cli", ["^3.0.0", None])
@pytest.mark.parametrize(("value", "shown"), [("true", '"true"'), (1, "1"), ([True], "[true]")])
def test_changesets_3_refuses_a_workspace_protocol_only_that_is_no_boolean(
    tmp_path: Path, cli: str | None, value: object, shown: str
) -> None:
    # changesets 3.x validates the option as a boolean; without a requirement on its CLI the
    # workspace is taken to run the latest major.
    with pytest.raises(ConfigError) as caught:
        _read(tmp_path, {"bumpVersionsWithWorkspaceProtocolOnly": value}, cli)
    assert str(caught.value) == (
        f".changeset/config.json: bumpVersionsWithWorkspaceProtocolOnly is {shown}; "
        "changesets accepts true or false"
    )


@pytest.mark.parametrize(("cli", "major"), [("^2.27.0", 2), ("~3.0.1", 3), (None, 3)])
def test_the_major_of_changesets_is_kept_with_the_options(
    tmp_path: Path, cli: str | None, major: int
) -> None:
    config = _read(tmp_path, {}, cli)
    assert config.changesets.major == major
    assert config.changesets.source == (None if cli is None else "package.json")
