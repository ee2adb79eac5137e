"""Release notes: the section of a changelog that belongs to one version. Pure text.

Markdown sections start at a ``#`` heading naming the version (``## [1.3.0] - 2026-12-04``,
``## v1.3.0``, ``# 1.3.0``) and run to the next heading of the same or a higher level;
reStructuredText sections start at an underlined (or overlined) title naming the version and
run to the next title with the same underline character. The heading itself is left out: the
forge shows the release's name above the notes.
"""

from __future__ import annotations

import re

__all__ = ["extract_notes"]

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")


def _names(text: str, version: str) -> bool:
    """Whether a heading's text names exactly ``version`` (not ``1.3.0-rc.1`` for ``1.3.0``)."""
    pattern = rf"(?<![0-9A-Za-z.+-])[vV]?{re.escape(version)}(?![0-9A-Za-z+-]|\.[0-9A-Za-z])"
    return re.search(pattern, text) is not None


def _strip(lines: list[str]) -> str:
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + ("\n" if lines else "")


def _markdown(lines: list[str], version: str) -> str | None:
    fence = False
    start: int | None = None
    level = 0
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        match = _MD_HEADING.match(line)
        if match is None:
            continue
        depth = len(match[1])
        if start is None:
            if _names(match[2], version):
                start, level = index + 1, depth
        elif depth <= level:
            return _strip(lines[start:index])
    return _strip(lines[start:]) if start is not None else None


def _rst(lines: list[str], version: str) -> str | None:
    start: int | None = None
    marker = ""
    for index in range(len(lines) - 1):
        title, under = lines[index], lines[index + 1]
        match = _UNDERLINE.match(under)
        if match is None or not title.strip() or _UNDERLINE.match(title):
            continue
        if start is None:
            if _names(title, version):
                start, marker = index + 2, match[1]
        elif match[1] == marker:
            end = index - 1 if index > 0 and _UNDERLINE.match(lines[index - 1]) else index
            return _strip(lines[start:end])
    return _strip(lines[start:]) if start is not None else None


def extract_notes(changelog: str, version: str) -> str | None:
    """The body of ``version``'s section in ``changelog``, or None when there is none."""
    lines = changelog.replace("\r\n", "\n").split("\n")
    found = _markdown(lines, version)
    if found is None:
        found = _rst(lines, version)
    return found
