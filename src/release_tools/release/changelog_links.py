"""The link reference definitions of a Keep a Changelog file at a release; pure text.

Keep a Changelog files end with one link per heading: ``[Unreleased]`` compares the latest tag
with ``HEAD`` and each version compares its tag with the one before::

    [Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD
    [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0

Releasing 1.2.0 as ``v1.2.0`` makes the first line compare ``v1.2.0...HEAD`` and adds
``[1.2.0]: https://github.com/o/r/compare/v1.1.0...v1.2.0`` under it. GitHub spells compare
pages ``<repository>/compare/``, GitLab ``<project>/-/compare/``; the new link is written the
way the ``[Unreleased]`` one is. A file without an ``[Unreleased]`` link is left as it is; one
whose link is not such a comparison is left too, with a warning for the release to show.
Headings that carry their links inline (``## [1.1.0](url)``) follow the same rules
(:mod:`~release_tools.release.changelog_inline`), with the comparison, tag and warnings shared
from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "COMPARE_HEAD",
    "LINK_DEFINITION",
    "LinkUpdate",
    "compare_base",
    "release_links",
    "release_tag",
    "unknown_tag",
    "unreadable_unreleased",
]

#: A link reference definition: ``[label]: url``, optionally followed by a title.
LINK_DEFINITION = re.compile(r"^\[(?P<label>[^\]]+)\]:\s*(?P<url>\S+)(?P<title>.*)$")
#: A GitHub or GitLab page comparing a tag with ``HEAD``: what an ``[Unreleased]`` link shows.
COMPARE_HEAD = re.compile(r"^(?P<base>\S+?)/(?P<gitlab>-/)?compare/(?P<old>\S+?)\.\.\.HEAD$")
_VERSION_HEADING = re.compile(r"^##\s+\[(?P<version>[^\]]+)\]")


@dataclass(frozen=True, slots=True)
class LinkUpdate:
    """The changelog text after the release, and why its links were left alone, if they were."""

    text: str
    warning: str | None = None


def _previous_version(lines: list[str], version: str) -> str | None:
    """The newest version heading other than ``[Unreleased]`` and the one being released."""
    for line in lines:
        found = _VERSION_HEADING.match(line)
        if found and found["version"].casefold() not in ("unreleased", version.casefold()):
            return found["version"]
    return None


def compare_base(match: re.Match[str]) -> str:
    """The compare URL up to the refs (``.../compare`` or ``.../-/compare``) of a match
    carrying ``base`` and ``gitlab`` groups."""
    return f"{match['base']}/{match['gitlab'] or ''}compare"


def unreadable_unreleased(version: str, url: str) -> str:
    """The warning for an ``[Unreleased]`` link that does not compare a tag with ``HEAD``."""
    return (
        f"changelog links not updated for {version}: the [Unreleased] link "
        f"{url} does not compare a tag with HEAD (.../compare/<tag>...HEAD)"
    )


def unknown_tag(version: str, old: str) -> str:
    """The warning for an ``[Unreleased]`` link whose tag does not tell the release's."""
    return (
        f"changelog links not updated for {version}: cannot tell its tag from the "
        f"[Unreleased] link's {old}"
    )


def release_tag(lines: list[str], old: str, version: str, tag: str | None) -> str | None:
    """The release's tag: ``tag`` when the caller knows it, else ``old`` with the previous
    version replaced by ``version`` (the same tag scheme: ``v1.1.0``, ``pkg@1.1.0``...)."""
    if tag is not None:
        return tag
    previous = _previous_version(lines, version)
    if previous and previous != version and previous in old:
        at = old.rindex(previous)
        return old[:at] + version + old[at + len(previous) :]
    if version in old:
        return old  # the link already starts from this release
    return None


def release_links(text: str, version: str, tag: str | None = None) -> LinkUpdate:
    """``text`` (``\\n`` line ends) with its links moved on to the release of ``version``
    tagged ``tag`` (derived from the ``[Unreleased]`` link's tag when None)."""
    lines = text.split("\n")
    found = next(
        (
            (index, match)
            for index, line in enumerate(lines)
            if (match := LINK_DEFINITION.match(line)) and match["label"].casefold() == "unreleased"
        ),
        None,
    )
    if found is None:
        return LinkUpdate(text)
    index, definition = found
    compare = COMPARE_HEAD.match(definition["url"])
    if compare is None or definition["title"].strip():
        return LinkUpdate(text, unreadable_unreleased(version, definition["url"]))
    old = compare["old"]
    new = release_tag(lines, old, version, tag)
    if new is None:
        return LinkUpdate(text, unknown_tag(version, old))
    if new == old:
        return LinkUpdate(text)  # already moved on to this release
    base = compare_base(compare)
    lines[index] = f"[{definition['label']}]: {base}/{new}...HEAD"
    defined = {
        m["label"].casefold() for line in lines if (m := LINK_DEFINITION.match(line)) is not None
    }
    if version.casefold() not in defined:
        lines.insert(index + 1, f"[{version}]: {base}/{old}...{new}")
    return LinkUpdate("\n".join(lines))
