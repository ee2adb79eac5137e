"""CHANGELOG.md sections in the Keep a Changelog style; pure text in, text out.

A release adds ``## [1.3.0] - 2026-11-26`` with its entries grouped under the Keep a Changelog
headings. Entries come from the plan bodies and, when ``changelog_commits`` is on, from the
range's Conventional Commits. A Conventional Commits subject decides the group through the
type table the analysis reads too (:mod:`release_tools.versioning.commit_types`: ``feat`` ->
Added, ``fix`` or ``hotfix`` -> Fixed, ...; a ``!`` or ``BREAKING CHANGE`` -> Changed, flagged),
so a commit that raises the version lands in its natural group; any other text is grouped by
the plan's release type. A plan body that is a list (``- ...`` bullets, optionally under
``### Added``-style headings, as ``create-version-plan --version-type auto`` writes it) gives
one entry per bullet. The new section goes above the previous release; a Keep a Changelog
``## [Unreleased]`` section with hand-written entries is released with it
(:mod:`~release_tools.release.changelog_unreleased`: its entries move under the new heading and
the generated ones join them, an empty ``## [Unreleased]`` stays on top) and the compare links
move on to the new tag: those at the end of the file
(:mod:`~release_tools.release.changelog_links`) or those the headings carry inline, the new
heading then linked as well (:mod:`~release_tools.release.changelog_inline`).
Released sections are never rewritten.

A changelog in another style (:class:`~release_tools.versioning.changelogfile.ChangelogStyle`:
reStructuredText, the project's own ``Version 8.1.7`` headings) gets its new section written
the way its latest one is (:func:`render_styled`, :func:`insert_styled`); when that latest
section already names the released version as unreleased, it is completed in place.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from release_tools.git import Commit
from release_tools.release.changelog_inline import release_heading_links
from release_tools.release.changelog_links import LinkUpdate, release_links
from release_tools.release.changelog_unreleased import (
    UNRELEASED_HEADING,
    merge_released,
    merge_unreleased,
)
from release_tools.text import clean_text
from release_tools.versioning.changelogfile import ChangelogStyle, latest_heading
from release_tools.versioning.commit_types import (
    SECTIONS,
    CommitType,
    CommitTypes,
    Section,
    commit_type,
)
from release_tools.versioning.gitmoji import conventional_forms

__all__ = [
    "ChangelogEntry",
    "entries_from_body",
    "entries_from_commits",
    "entry_from_text",
    "insert_section",
    "insert_styled",
    "release_keep_a_changelog",
    "render_section",
    "render_styled",
]

log = logging.getLogger(__name__)

_CONVENTIONAL = re.compile(
    r"^(?P<type>[a-zA-Z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?:\s+(?P<text>\S.*)$"
)
_RELEASE_TYPE_GROUPS: dict[str, Section] = {
    "major": "Changed",
    "premajor": "Changed",
    "minor": "Added",
}
_BUMP_LABELS = frozenset(
    {"major", "minor", "patch", "premajor", "preminor", "prepatch", "prerelease"}
)
_HEADER = (
    "# Changelog\n\n"
    "Every release of this project, newest first. The format follows Keep a Changelog and "
    "the versions follow Semantic Versioning.\n"
)


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    """One bullet: its Keep a Changelog group, text, and whether it breaks compatibility."""

    group: str
    text: str
    breaking: bool = False
    #: A short commit SHA shown after the text (entries from commits).
    ref: str | None = None


#: The mark a changelog bullet of a breaking change opens with (as auto plans write them).
_BREAKING_MARK = re.compile(r"^\*\*breaking:?\*\*:?\s*", re.IGNORECASE)


def entry_from_text(
    text: str, release_type: str, types: CommitTypes | None = None, *, type_breaks: bool = True
) -> ChangelogEntry | None:
    """An entry from a plan body (first line = summary, the rest indented under it).

    A major plan's plain text is a breaking change unless ``type_breaks`` is off (a bullet
    under a section heading says for itself whether it breaks); a ``**Breaking:**`` mark, a
    ``!`` header or a ``BREAKING CHANGE`` line always does."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if not lines:
        return None
    summary, rest = lines[0], lines[1:]
    marked = _BREAKING_MARK.match(summary)
    if marked:
        summary = summary[marked.end() :]
    match = _CONVENTIONAL.match(summary)
    breaking = bool(marked) or "BREAKING CHANGE" in text or "BREAKING-CHANGE" in text
    if match and match["type"].lower() in _BUMP_LABELS:
        # An `auto` plan's body is analyze's reasoning, which leads with the bump ("minor: ..."):
        # a label, not a commit type, so the entry is grouped by the plan's release type.
        summary, match = match["text"], None
    if match:
        known = types.get(match["type"]) if types is not None else commit_type(match["type"])
        # A type without a section of its own (docs, chore, an unknown word) is a change.
        group = known.section if known is not None and known.section else "Changed"
        breaking = breaking or bool(match["bang"])
        scope = f"**{match['scope']}:** " if match["scope"] else ""
        summary = scope + match["text"]
    else:
        group = _RELEASE_TYPE_GROUPS.get(release_type, "Fixed")
        breaking = breaking or (type_breaks and release_type in ("major", "premajor"))
    if breaking:
        group = "Changed"
    body = "\n".join(f"  {line}" if line else "" for line in rest).rstrip()
    return ChangelogEntry(group, summary + (f"\n{body}" if body else ""), breaking)


_SECTION_HEADING = re.compile(r"^#{2,4}\s+(?P<name>[A-Za-z]+)\s*$")
_LIST_ITEM = re.compile(r"^[-*]\s+(?P<text>\S.*)$")


def entries_from_body(
    text: str, release_type: str, types: CommitTypes | None = None
) -> list[ChangelogEntry]:
    """The entries of a plan body: one per bullet for a list (under optional section
    headings such as ``### Fixed``), else one for the whole text (:func:`entry_from_text`)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    items = [line for line in lines if line.strip()]
    is_list = bool(items) and all(
        _LIST_ITEM.match(line) or _SECTION_HEADING.match(line) or line.startswith("  ")
        for line in items
    )
    if not is_list or not any(_LIST_ITEM.match(line) for line in items):
        entry = entry_from_text(text, release_type, types)
        return [entry] if entry is not None else []
    entries: list[ChangelogEntry] = []
    section: str | None = None
    # Under section headings each bullet says what it is, breaking or not (an auto plan's
    # subjects, a hand-written list): the plan's type then groups nothing and breaks nothing.
    sectioned = any(_SECTION_HEADING.match(line) for line in items)
    for line in items:
        heading = _SECTION_HEADING.match(line)
        if heading:
            name = heading["name"].capitalize()
            section = name if name in SECTIONS else None
            continue
        item = _LIST_ITEM.match(line)
        if item is None:
            if entries:  # a continuation line belongs to the bullet above
                last = entries[-1]
                entries[-1] = ChangelogEntry(last.group, f"{last.text}\n{line}", last.breaking)
            continue
        entry = entry_from_text(item["text"], release_type, types, type_breaks=not sectioned)
        if entry is None:
            continue
        if section is not None and not entry.breaking:
            entry = ChangelogEntry(section, entry.text, entry.breaking)
        entries.append(entry)
    return entries


def _typed(
    subject: str, types: CommitTypes | None
) -> tuple[re.Match[str], CommitType | None] | None:
    """The Conventional Commits header of ``subject`` and its known type (None: unknown); for
    a subject that opens with an emoji, the first reading whose type is known."""
    lookup = types.get if types is not None else commit_type
    match = _CONVENTIONAL.match(subject.strip())
    if match is not None:
        return match, lookup(match["type"])
    readings = [m for form in conventional_forms(subject) if (m := _CONVENTIONAL.match(form))]
    known = [(m, kind) for m in readings if (kind := lookup(m["type"])) is not None]
    return known[0] if known else None


def entries_from_commits(
    commits: Iterable[Commit], types: CommitTypes | None = None
) -> list[ChangelogEntry]:
    """Entries for the Conventional Commits of a range; chores, docs, CI and merges skipped."""
    entries: list[ChangelogEntry] = []
    for commit in commits:
        typed = _typed(commit.subject, types)
        if typed is None:
            continue
        match, known = typed
        section = known.section if known is not None else None
        breaking = bool(match["bang"]) or "BREAKING CHANGE" in commit.body
        if section is None and not breaking:
            continue  # chore, docs, ci, test, style, build, unknown types: not user-facing
        scope = f"**{match['scope']}:** " if match["scope"] else ""
        group = "Changed" if breaking or section is None else section
        text = f"{scope}{match['text']}"
        entries.append(ChangelogEntry(group, text, breaking, commit.sha[:7]))
    return entries


def render_section(version: str, day: date, entries: Sequence[ChangelogEntry]) -> str:
    """The Markdown section of one release; duplicate bullets are written once."""
    lines = [f"## [{version}] - {day.isoformat()}"]
    seen: set[str] = set()
    for group in SECTIONS:
        bullets = []
        for entry in entries:
            key = entry.text.split("\n", 1)[0].lower()
            if entry.group != group or key in seen:
                continue
            seen.add(key)
            flag = "**Breaking:** " if entry.breaking else ""
            ref = f" ({entry.ref})" if entry.ref else ""
            first, _, rest = entry.text.partition("\n")
            bullets.append(f"- {flag}{first}{ref}" + (f"\n{rest}" if rest else ""))
        if bullets:
            lines += ["", f"### {group}", "", *bullets]
    if len(lines) == 1:
        lines += ["", "- No notable changes."]
    # Commit subjects and plan bodies may carry terminal control sequences; the file keeps
    # only printable text, newlines and tabs.
    return clean_text("\n".join(lines) + "\n")


def insert_section(existing: str | None, section: str) -> str:
    """``existing`` changelog text with ``section`` added above the latest release.

    A missing or empty file gets a header first. The section goes before the first ``## ``
    heading that is not ``[Unreleased]``, or at the end when there is none yet.
    """
    if not existing or not existing.strip():
        return f"{_HEADER}\n{section}"
    newline = "\r\n" if "\r\n" in existing else "\n"
    text = existing.replace("\r\n", "\n")
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("## ") and "unreleased" not in line.lower():
            before = "\n".join(lines[:index]).rstrip("\n")
            after = "\n".join(lines[index:])
            merged = f"{before}\n\n{section}\n{after}"
            break
    else:
        merged = f"{text.rstrip()}\n\n{section}"
    return merged.replace("\n", newline)


def release_keep_a_changelog(
    existing: str,
    version: str,
    day: date,
    entries: Sequence[ChangelogEntry],
    *,
    tag: str | None = None,
    notes: list[str] | None = None,
    tagged: bool = True,
) -> str:
    """A Keep a Changelog ``existing`` with the release of ``version`` (tagged ``tag``).

    The hand-written entries of ``## [Unreleased]`` become the release's, merged with
    ``entries``; without any, the section goes above the latest release (:func:`insert_section`),
    unless ``version`` already has a section, which is completed instead.
    When the file has an ``[Unreleased]`` heading, its compare links move on to ``tag`` (else to
    the tag the ``[Unreleased]`` link's one gives in the same scheme); headings carrying their
    links inline get the new heading linked too, following the ``[Unreleased]`` link or, without
    one, the latest release heading's. Links that cannot be read are kept and reported in
    ``notes`` (logged when None). An untagged release (a private package) leaves the links
    alone: there is no tag to compare with.
    """
    newline = "\r\n" if "\r\n" in existing else "\n"
    text = existing.replace("\r\n", "\n")
    section = render_section(version, day, entries)
    heading, _, body = section.partition("\n")
    generated = body if entries else ""
    merged = merge_released(text, version, heading, generated)
    if merged is None:
        merged = merge_unreleased(text, heading, generated)
    if merged is None:
        merged = insert_section(text, section)
    if tagged:
        updates: list[LinkUpdate] = []
        if any(UNRELEASED_HEADING.match(line) for line in merged.split("\n")):
            updates.append(release_links(merged, version, tag))
            merged = updates[-1].text
        updates.append(release_heading_links(merged, version, tag))
        merged = updates[-1].text
        for warning in (update.warning for update in updates if update.warning is not None):
            if notes is None:
                log.warning("%s", warning)
            else:
                notes.append(warning)
    return _with_heading_gap(merged, _heading_gap(text), version).replace("\n", newline)


def _blank_runs_before_headings(lines: list[str]) -> list[int]:
    """How many blank lines stand before each ``## `` heading after the first one."""
    runs: list[int] = []
    for index, line in enumerate(lines):
        if not line.startswith("## ") or index == 0:
            continue
        count = 0
        while count < index and not lines[index - 1 - count].strip():
            count += 1
        runs.append(count)
    return runs


def _heading_gap(text: str) -> int | None:
    """The number of blank lines the file sets before its ``## `` headings, when it sets more
    than one before nearly all of at least two of them (a layout of its own to keep)."""
    runs = _blank_runs_before_headings(text.split("\n"))
    if len(runs) < 2:
        return None
    gap = max(set(runs), key=runs.count)
    return gap if gap > 1 and runs.count(gap) * 5 >= len(runs) * 4 else None


def _with_heading_gap(text: str, gap: int | None, version: str) -> str:
    """``text`` with at least ``gap`` blank lines before the heading of ``version`` and the
    heading after it, the two a release writes next to; None leaves it as it is."""
    if gap is None:
        return text
    lines = text.split("\n")
    headings = [i for i, line in enumerate(lines) if line.startswith("## ")]
    new = next((i for i in headings if _names_version(lines[i], version)), None)
    if new is None:
        return text
    later = [i for i in headings if i > new][:1]
    for index in sorted([new, *later], reverse=True):
        blanks = 0
        while blanks < index and not lines[index - 1 - blanks].strip():
            blanks += 1
        if blanks and blanks < gap:
            lines[index:index] = [""] * (gap - blanks)
    return "\n".join(lines)


def _names_version(heading: str, version: str) -> bool:
    """Whether a ``## `` heading is the one of ``version`` (``## [1.2.0]``, ``## 1.2.0``)."""
    return re.match(rf"##\s+\[?v?{re.escape(version)}(?![\w.-])", heading) is not None


def _bullets(entries: Sequence[ChangelogEntry], style: ChangelogStyle) -> list[str]:
    lines: list[str] = []
    seen: set[str] = set()
    indent = " " * len(style.bullet)
    for group in SECTIONS:
        for entry in entries:
            key = entry.text.split("\n", 1)[0].lower()
            if entry.group != group or key in seen:
                continue
            seen.add(key)
            flag = "**Breaking:** " if entry.breaking else ""
            ref = f" ({entry.ref})" if entry.ref else ""
            first, _, rest = entry.text.partition("\n")
            lines.append(f"{style.bullet}{flag}{first}{ref}")
            lines += [indent + text.strip() if text.strip() else "" for text in rest.split("\n")]
    return lines or [f"{style.bullet}No notable changes."]


def render_styled(
    version: str, day: date, entries: Sequence[ChangelogEntry], style: ChangelogStyle
) -> str:
    """A release section in ``style``: the Keep a Changelog one (:func:`render_section`), or
    the project's own heading followed by one bullet per entry, ordered by section."""
    if style.keep_a_changelog and style.markup == "markdown":
        return render_section(version, day, entries)
    lines = [*style.heading_lines(version, day.isoformat()), "", *_bullets(entries, style)]
    return clean_text("\n".join(lines) + "\n")


def insert_styled(
    existing: str | None,
    version: str,
    day: date,
    entries: Sequence[ChangelogEntry],
    style: ChangelogStyle,
    *,
    tag: str | None = None,
    notes: list[str] | None = None,
    tagged: bool = True,
) -> str:
    """``existing`` with the release of ``version`` added in ``style`` above the latest one.

    In a Keep a Changelog file, a ``## [Unreleased]`` section is released with it
    (:func:`release_keep_a_changelog`). When the latest section already is ``version`` (an
    in-development changelog, such as ``Version 8.5.0`` followed by ``Unreleased``), it is
    completed in place instead: its "unreleased" line gets the release date and the new
    entries go first in its list.
    """
    if not existing:
        return insert_section(existing, render_styled(version, day, entries, style))
    if style.keep_a_changelog and style.markup == "markdown":
        return release_keep_a_changelog(
            existing, version, day, entries, tag=tag, notes=notes, tagged=tagged
        )
    newline = "\r\n" if "\r\n" in existing else "\n"
    lines = existing.replace("\r\n", "\n").split("\n")
    found = latest_heading(lines, style.markup)
    if found is None:
        merged = f"{existing.rstrip()}\n\n{render_styled(version, day, entries, style)}"
        return merged.replace("\n", newline)
    start, after, latest = found
    if latest == version:
        body = lines[after:]
        for index, line in enumerate(body[:6]):
            if "unreleased" in line.lower():
                released = (style.subtitle or "Released {date}").format(
                    version=version, date=day.isoformat()
                )
                body[index] = released
                break
        first_bullet = next(
            (i for i, line in enumerate(body) if line.startswith(style.bullet.strip())), None
        )
        added = [clean_text(line) for line in _bullets(entries, style)] if entries else []
        if first_bullet is not None and added:
            body[first_bullet:first_bullet] = added
        merged_lines = [*lines[:after], *body]
        return "\n".join(merged_lines).replace("\n", newline)
    section = render_styled(version, day, entries, style).rstrip("\n")
    merged_lines = [*lines[:start], *section.split("\n"), "", *lines[start:]]
    return "\n".join(merged_lines).replace("\n", newline)
