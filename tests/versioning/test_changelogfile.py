"""Changelog files found by name and their heading style read from their text."""

from __future__ import annotations

from pathlib import Path

from release_tools.versioning.changelogfile import find_changelog, read_style


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
