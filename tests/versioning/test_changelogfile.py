"""Changelog files found by name and their heading style read from their text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from release_tools.versioning.changelogfile import (
    find_changelog,
    nx_project_changelog,
    read_style,
)


def test_found_by_usual_names_in_the_project_directory(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/HISTORY.rst").write_text("1.0.0 (2024-01-01)\n------------------\n")
    found = find_changelog(tmp_path, "pkg", configured=None)
    assert (found.path, found.source, found.style.markup) == ("pkg/HISTORY.rst", "found", "rst")
    assert find_changelog(tmp_path, ".", configured=None).path == "CHANGELOG.md"
    assert find_changelog(tmp_path, "pkg", configured="").path is None
    assert find_changelog(tmp_path, "pkg", configured="NEWS.md").source == "config"


def test_markdown_heading_pattern_and_subtitle() -> None:
    style = read_style("# Changes\n\n## Version 8.4.2\n\nReleased 2025-06-01\n\n-   Fix.\n", "x.md")
    assert (style.heading, style.subtitle, style.bullet) == (
        "Version {version}",
        "Released {date}",
        "-   ",
    )
    assert not style.keep_a_changelog
    assert style.heading_lines("8.5.0", "2026-01-02") == [
        "## Version 8.5.0",
        "",
        "Released 2026-01-02",
    ]


def test_keep_a_changelog_is_recognised() -> None:
    style = read_style("# Changelog\n\n## [Unreleased]\n\n## [1.2.3] - 2025-01-01\n", "C.md")
    assert style.keep_a_changelog and style.heading == "[{version}] - {date}"


def test_rst_with_overline() -> None:
    text = "=====\n1.0.0\n=====\n\n* First.\n"
    style = read_style(text, "CHANGES")
    assert style.markup == "rst" and style.overline and style.bullet == "* "
    assert style.heading_lines("1.1.0", "2026-01-02") == ["=====", "1.1.0", "====="]


@pytest.mark.parametrize(
    ("setting", "inside"),
    [
        ("{projectRoot}/CHANGELOG.md", "CHANGELOG.md"),
        ("{projectRoot}/docs/CL.md", "docs/CL.md"),
        ("{projectRoot}/./docs//CL.md", "docs/CL.md"),
    ],
)
def test_nx_changelog_paths_inside_the_project(setting: str, inside: str) -> None:
    assert nx_project_changelog(setting) == inside


@pytest.mark.parametrize(
    ("setting", "reason"),
    [
        ("{workspaceRoot}/CHANGELOG.md", "names one file at the workspace root"),
        ("docs/CHANGELOG.md", "does not start with '{projectRoot}/'"),
        ("{projectRoot}/../CL.md", "leaves the project directory with '..'"),
        ("{projectRoot}/docs/../../CL.md", "leaves the project directory with '..'"),
        ("{projectRoot}//etc/CL.md", "is an absolute path"),
        ("/etc/CL.md", "does not start with '{projectRoot}/'"),
        ("{projectRoot}/{projectName}.md", "holds a placeholder other than {projectRoot}"),
        ("{projectRoot}/", "names no file"),
    ],
)
def test_nx_changelog_paths_not_honoured_warn(
    setting: str,
    reason: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An earlier CLI test may have stopped the package logger propagating to caplog's handler.
    monkeypatch.setattr(logging.getLogger("release_tools"), "propagate", True)
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        assert nx_project_changelog(setting) is None
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith(f"nx.json: release.changelog.projectChangelogs.file {setting!r}")
    assert reason in message
    assert "each project's own changelog is used instead" in message


def test_nx_changelog_path_in_a_subdirectory_of_the_project(tmp_path: Path) -> None:
    (tmp_path / "libs/a/docs").mkdir(parents=True)
    (tmp_path / "libs/a/CHANGELOG.md").write_text("# Changelog\n")
    found = find_changelog(tmp_path, "libs/a", configured=None, workspace_file="docs/CL.md")
    assert (found.path, found.source, found.exists) == ("libs/a/docs/CL.md", "nx.json", False)
    (tmp_path / "libs/a/docs/CL.md").write_text("# Changes\n\n## Version 1.0.0\n")
    found = find_changelog(
        tmp_path, "libs/a", configured=None, workspace_file="{projectRoot}/docs/CL.md"
    )
    assert (found.path, found.exists) == ("libs/a/docs/CL.md", True)
    assert found.style.heading == "Version {version}"
    assert find_changelog(tmp_path, ".", configured=None, workspace_file="docs/CL.md").path == (
        "docs/CL.md"
    )


def test_nx_changelog_path_leaving_the_project_falls_back_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logging.getLogger("release_tools"), "propagate", True)
    (tmp_path / "libs/a").mkdir(parents=True)
    (tmp_path / "libs/a/HISTORY.md").write_text("# History\n")
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        found = find_changelog(tmp_path, "libs/a", configured=None, workspace_file="../CL.md")
    assert (found.path, found.source) == ("libs/a/HISTORY.md", "found")
    assert "projectChangelogs.file '../CL.md' leaves the project directory" in caplog.text
