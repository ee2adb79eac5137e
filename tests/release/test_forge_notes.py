"""Release notes: one version's changelog section, in Markdown and reStructuredText (pure)."""

from __future__ import annotations

from release_tools.release.forge.notes import extract_notes

KEEP = """\
# Changelog

## [Unreleased]

## [1.3.0] - 2026-12-04

### Added

- feat: add extra()

```
## [9.9.9] inside a code block is not a heading
```

## [1.3.0-rc.1] - 2026-12-01

### Added

- a candidate

## [1.2.3] - 2025-01-01

### Fixed

- an old fix
"""


def test_markdown_section_without_its_heading() -> None:
    notes = extract_notes(KEEP, "1.3.0")
    assert notes is not None
    assert notes.startswith("### Added\n\n- feat: add extra()")
    assert "[9.9.9]" in notes  # the fenced block stays in the section
    assert "a candidate" not in notes and "an old fix" not in notes
    assert extract_notes(KEEP, "1.3.0-rc.1") == "### Added\n\n- a candidate\n"
    assert extract_notes(KEEP, "1.2.3") == "### Fixed\n\n- an old fix\n"
    assert extract_notes(KEEP, "1.3") is None
    assert extract_notes(KEEP, "2.0.0") is None


def test_markdown_v_prefix_and_levels() -> None:
    text = "# v2.0.0\n\nBig.\n\n## Details\n\nMore.\n\n# v1.0.0\n\nOld.\n"
    assert extract_notes(text, "2.0.0") == "Big.\n\n## Details\n\nMore.\n"


def test_restructuredtext_sections() -> None:
    text = (
        "=========\nChangelog\n=========\n\n"
        "Version 8.1.7\n-------------\n\nReleased 2026-12-04\n\n- Fix a thing.\n\n"
        "Version 8.1.6\n-------------\n\n- Older.\n"
    )
    assert extract_notes(text, "8.1.7") == "Released 2026-12-04\n\n- Fix a thing.\n"
    assert extract_notes(text, "8.1.6") == "- Older.\n"


def test_empty_section_is_empty_text() -> None:
    assert extract_notes("## 1.0.0\n\n## 0.9.0\n\n- x\n", "1.0.0") == ""
