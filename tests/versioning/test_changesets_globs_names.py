"""The globs of ``.changeset/config.json`` match package names only, as changesets matches
them: a directory glob (``packages/*``) matches nothing. A pattern matching no package is an
error under changesets 2.x (``ignore``, ``fixed``, ``linked``); under 3.x it is one in
``ignore`` and a warning in ``fixed`` and ``linked``."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from release_tools.errors import ConfigError
from release_tools.versioning.projects import Project, discover_projects
from release_tools.versioning.releaseconfig import (
    match_changesets_patterns,
    match_projects,
    read_release_config,
)

NAMES = ("@acme/core", "@acme/web", "tool")
CLI = {2: "^2.27.0", 3: "^3.0.1"}


def _projects() -> list[Project]:
    return [Project(name, f"packages/{name.split('/')[-1]}", "", "1.0.0", "node") for name in NAMES]


@pytest.mark.parametrize("major", [2, 3])
@pytest.mark.parametrize("patterns", [["packages/*"], ["packages/tool"], ["./packages/core"]])
def test_a_directory_pattern_matches_no_package(major: int, patterns: list[str]) -> None:
    assert match_changesets_patterns(_projects(), patterns, major) == ()


def test_nx_project_patterns_still_match_directories() -> None:
    assert match_projects(_projects(), ["packages/tool"]) == ("tool",)


def _workspace(root: Path, config: dict[str, object], major: int) -> None:
    manifest = {
        "private": True,
        "workspaces": ["packages/*"],
        "devDependencies": {"@changesets/cli": CLI[major]},
    }
    (root / "package.json").write_text(json.dumps(manifest))
    (root / ".changeset").mkdir()
    (root / ".changeset/config.json").write_text(json.dumps(config))
    for name in NAMES:
        folder = root / "packages" / name.split("/")[-1]
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": name, "version": "1.0.0"}))


@pytest.mark.parametrize("major", [2, 3])
@pytest.mark.parametrize("pattern", ["packages/tool", "tol", "@acme/cor"])
def test_an_ignore_pattern_matching_no_package_is_refused(
    tmp_path: Path, major: int, pattern: str
) -> None:
    _workspace(tmp_path, {"ignore": ["@acme/web", pattern]}, major)

    with pytest.raises(ConfigError) as info:
        read_release_config(tmp_path, discover_projects(tmp_path))

    message = str(info.value)
    assert message.startswith(f'.changeset/config.json: ignore: "{pattern}" matches no package')
    assert "\n" not in message


@pytest.mark.parametrize("option", ["fixed", "linked"])
def test_a_group_pattern_matching_no_package_is_refused_under_2x(
    tmp_path: Path, option: str
) -> None:
    _workspace(tmp_path, {option: [["@acme/*"], ["packages/tool", "tool"]]}, 2)

    with pytest.raises(ConfigError, match=rf'^\.changeset/config\.json: {option}: "packages/tool"'):
        read_release_config(tmp_path, discover_projects(tmp_path))


@pytest.mark.parametrize("option", ["fixed", "linked"])
def test_a_group_pattern_matching_no_package_is_a_warning_under_3x(
    tmp_path: Path, option: str, caplog: pytest.LogCaptureFixture
) -> None:
    _workspace(tmp_path, {option: [["packages/*"], ["@acme/*", "packages/tool"]]}, 3)

    with caplog.at_level(logging.WARNING):
        config = read_release_config(tmp_path, discover_projects(tmp_path))

    # The directory globs match nothing: only the name glob makes a group.
    assert [g.members for g in config.groups] == [("@acme/core", "@acme/web")]
    warned = [r.getMessage() for r in caplog.records]
    assert any(
        f'{option}: "packages/*" matches no package (changesets matches package names, not '
        "directories); it matches the directories of @acme/core, tool, @acme/web: name the "
        "packages" in m
        for m in warned
    )
    assert any(f'{option}: "packages/tool" matches no package' in m for m in warned)


@pytest.mark.parametrize("major", [2, 3])
def test_negations_and_names_that_match_are_accepted(tmp_path: Path, major: int) -> None:
    _workspace(
        tmp_path,
        {"ignore": ["!@acme/*", "tool"], "fixed": [["@acme/*", "!@acme/web"]]},
        major,
    )

    config = read_release_config(tmp_path, discover_projects(tmp_path))

    assert "tool" in config.ignored
    assert [g.members for g in config.groups] == [("@acme/core",)]
