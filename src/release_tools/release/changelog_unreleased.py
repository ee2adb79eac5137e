"""Releasing a Keep a Changelog ``## [Unreleased]`` section; pure text in, text out.

Maintainers of a Keep a Changelog file write upcoming changes by hand under ``## [Unreleased]``
(``### Added`` / ``- a pending thing``). A release turns those entries into the release's own
section: the new ``## [1.2.0] - 2026-03-04`` heading takes their place, an empty
``## [Unreleased]`` heading stays above it, and the release's generated entries join the
hand-written ones subsection by subsection (same-named ``### `` subsections become one,
hand-written lines first, a line already written by hand is not added again). Subsections come
in the order the generated sections use; names outside it keep their hand-written order, after.
A version that already has its section (released twice, or written ahead by hand) keeps that
one section, completed with the generated entries it lacks; its heading keeps the link it
carries inline (``## [1.2.0](url)``).

The text handled here uses ``\\n`` line ends; the caller restores the file's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from release_tools.release.changelog_inline import heading_link, with_link
from release_tools.release.changelog_links import LINK_DEFINITION
from release_tools.versioning.commit_types import SECTIONS

__all__ = ["UNRELEASED_HEADING", "find_unreleased", "merge_released", "merge_unreleased"]

#: The Keep a Changelog heading of upcoming changes (``## [Unreleased]``, any case).
UNRELEASED_HEADING = re.compile(r"^##\s+\[unreleased\]", re.IGNORECASE)
_LEVEL_TWO = re.compile(r"^#{1,2}\s")
_SUBSECTION = re.compile(r"^###\s+(?P<name>\S.*?)\s*$")
_BULLET = re.compile(r"^[-*+]\s+(?P<text>\S.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(slots=True)
class _Body:
    """A section's content: lines before its first subsection, then its subsections."""

    preamble: list[list[str]] = field(default_factory=list)
    subsections: dict[str, list[list[str]]] = field(default_factory=dict)
    #: The heading each subsection was written with (the first spelling wins).
    headings: dict[str, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not self.preamble and not any(self.subsections.values())


def _section_end(lines: list[str], start: int) -> int:
    """The line after the body of the section headed at ``start``: the next ``#``/``##``
    heading outside code blocks, before the link reference definitions closing the file."""
    fenced = False
    end = len(lines)
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and _LEVEL_TWO.match(line):
            end = index
            break
    # Reference definitions closing the file belong to the whole file, not to this section.
    while end > start + 1 and (not lines[end - 1].strip() or LINK_DEFINITION.match(lines[end - 1])):
        end -= 1
    return end


def find_unreleased(lines: list[str]) -> tuple[int, int] | None:
    """The line span of the ``## [Unreleased]`` section (its heading to the line after its
    body), or None."""
    start = next((i for i, line in enumerate(lines) if UNRELEASED_HEADING.match(line)), None)
    return None if start is None else (start, _section_end(lines, start))


def _items(lines: list[str]) -> list[list[str]]:
    """The entries of a list: a bullet with its indented continuation lines (blank lines
    inside an entry kept), or a paragraph line on its own."""
    items: list[list[str]] = []
    pending_blank = False
    for line in lines:
        if not line.strip():
            pending_blank = True
            continue
        continues = bool(items) and line[:1] in (" ", "\t") and not _BULLET.match(line)
        if continues:
            items[-1] += ([""] if pending_blank else []) + [line]
        else:
            items.append([line])
        pending_blank = False
    return items


def _parse(lines: list[str]) -> _Body:
    body = _Body()
    current: str | None = None
    chunk: list[str] = []

    def flush() -> None:
        items = _items(chunk)
        if current is None:
            body.preamble += items
        else:
            body.subsections.setdefault(current, []).extend(items)

    for line in lines:
        heading = _SUBSECTION.match(line)
        if heading is None:
            chunk.append(line)
            continue
        flush()
        chunk = []
        current = heading["name"].casefold()
        body.headings.setdefault(current, line.strip())
        body.subsections.setdefault(current, [])
    flush()
    return body


def _key(item: list[str]) -> str:
    """What makes two entries the same: their first line, without the bullet marker."""
    first = item[0].strip()
    bullet = _BULLET.match(first)
    return " ".join((bullet["text"] if bullet else first).split()).casefold()


def _merged(hand: list[list[str]], generated: list[list[str]]) -> list[list[str]]:
    seen = {_key(item) for item in hand}
    out = list(hand)
    for item in generated:
        if _key(item) not in seen:
            seen.add(_key(item))
            out.append(item)
    return out


def _order(names: list[str]) -> list[str]:
    known = [s.casefold() for s in SECTIONS]
    return [n for n in known if n in names] + [n for n in names if n not in known]


def _merged_body(hand: _Body, new: _Body) -> list[str]:
    blocks: list[str] = []
    preamble = _merged(hand.preamble, new.preamble)
    if preamble:
        blocks.append("\n".join(line for item in preamble for line in item))
    names = list(dict.fromkeys([*hand.subsections, *new.subsections]))
    for name in _order(names):
        items = _merged(hand.subsections.get(name, []), new.subsections.get(name, []))
        if not items:
            continue
        title = hand.headings.get(name) or new.headings[name]
        blocks.append(title + "\n\n" + "\n".join(line for item in items for line in item))
    return "\n\n".join(blocks).split("\n")


def _replaced(lines: list[str], start: int, end: int, section: list[str]) -> str:
    rest = lines[end:]
    # One blank line between the released section and whatever follows it.
    while rest and not rest[0].strip():
        rest = rest[1:]
    return "\n".join([*lines[:start], *section, *(["", *rest] if rest else [""])])


def merge_unreleased(text: str, heading: str, generated: str) -> str | None:
    """``text`` with its ``## [Unreleased]`` entries moved under ``heading`` and merged with
    ``generated`` (a release section's body: optional ``### `` subsections of list items).

    None when there is nothing to move: no ``## [Unreleased]`` section, or an empty one.
    """
    lines = text.split("\n")
    span = find_unreleased(lines)
    if span is None:
        return None
    start, end = span
    hand = _parse(lines[start + 1 : end])
    if hand.is_empty():
        return None
    new = _parse(generated.strip("\n").split("\n"))
    section = [lines[start], "", heading, "", *_merged_body(hand, new)]
    return _replaced(lines, start, end, section)


def merge_released(text: str, version: str, heading: str, generated: str) -> str | None:
    """``text`` whose ``## [version]`` section, if it has one, is headed ``heading`` and gets
    the entries of ``generated`` it lacks, so releasing a version twice writes it once.

    None when ``text`` has no section for ``version``.
    """
    lines = text.split("\n")
    title = re.compile(rf"^##\s+\[{re.escape(version)}\]")
    start = next((i for i, line in enumerate(lines) if title.match(line)), None)
    if start is None:
        return None
    end = _section_end(lines, start)
    link = heading_link(lines[start])
    if link is not None and heading_link(heading) is None:
        heading = with_link(heading, link)
    hand = _parse(lines[start + 1 : end])
    new = _parse(generated.strip("\n").split("\n"))
    body = _merged_body(hand, new)
    return _replaced(lines, start, end, [heading, *(["", *body] if any(body) else [])])
