"""CHANGELOG.md sections in the Keep a Changelog style; pure text in, text out.

A release adds ``## [1.3.0] - 2026-11-26`` with its entries grouped under the Keep a Changelog
headings. Entries come from the plan bodies and, when ``changelog_commits`` is on, from the
range's Conventional Commits. A Conventional Commits subject decides the group through the
type table the analysis reads too (:mod:`release_tools.versioning.commit_types`: ``feat`` ->
Added, ``fix`` or ``hotfix`` -> Fixed, ...; a ``!`` or ``BREAKING CHANGE`` -> Changed, flagged),
so a commit that raises the version lands in its natural group; any other text is grouped by
the plan's release type. The new section goes above the previous release and below
an ``[Unreleased]`` section, so hand-written history is never rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from release_tools.git import Commit
from release_tools.text import clean_text
from release_tools.versioning.commit_types import SECTIONS, Section, commit_type

__all__ = [
    "ChangelogEntry",
    "entries_from_commits",
    "entry_from_text",
    "insert_section",
    "render_section",
]

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


def entry_from_text(text: str, release_type: str) -> ChangelogEntry | None:
    """An entry from a plan body (first line = summary, the rest indented under it)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    if not lines:
        return None
    summary, rest = lines[0], lines[1:]
    match = _CONVENTIONAL.match(summary)
    breaking = "BREAKING CHANGE" in text or "BREAKING-CHANGE" in text
    if match and match["type"].lower() in _BUMP_LABELS:
        # An `auto` plan's body is analyze's reasoning, which leads with the bump ("minor: ..."):
        # a label, not a commit type, so the entry is grouped by the plan's release type.
        summary, match = match["text"], None
    if match:
        known = commit_type(match["type"])
        # A type without a section of its own (docs, chore, an unknown word) is a change.
        group = known.section if known is not None and known.section else "Changed"
        breaking = breaking or bool(match["bang"])
        scope = f"**{match['scope']}:** " if match["scope"] else ""
        summary = scope + match["text"]
    else:
        group = _RELEASE_TYPE_GROUPS.get(release_type, "Fixed")
        breaking = breaking or release_type in ("major", "premajor")
    if breaking:
        group = "Changed"
    body = "\n".join(f"  {line}" if line else "" for line in rest).rstrip()
    return ChangelogEntry(group, summary + (f"\n{body}" if body else ""), breaking)


def entries_from_commits(commits: Iterable[Commit]) -> list[ChangelogEntry]:
    """Entries for the Conventional Commits of a range; chores, docs, CI and merges skipped."""
    entries: list[ChangelogEntry] = []
    for commit in commits:
        match = _CONVENTIONAL.match(commit.subject.strip())
        if match is None:
            continue
        known = commit_type(match["type"])
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
