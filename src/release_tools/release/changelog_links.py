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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LINK_DEFINITION", "LinkUpdate", "release_links"]

#: A link reference definition: ``[label]: url``, optionally followed by a title.
LINK_DEFINITION = re.compile(r"^\[(?P<label>[^\]]+)\]:\s*(?P<url>\S+)(?P<title>.*)$")
_COMPARE = re.compile(r"^(?P<base>\S+?)/(?P<gitlab>-/)?compare/(?P<old>\S+?)\.\.\.HEAD$")
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


def _new_tag(lines: list[str], old: str, version: str, tag: str | None) -> str | None:
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
    compare = _COMPARE.match(definition["url"])
    if compare is None or definition["title"].strip():
        return LinkUpdate(
            text,
            f"changelog links not updated for {version}: the [Unreleased] link "
            f"{definition['url']} does not compare a tag with HEAD (.../compare/<tag>...HEAD)",
        )
    old = compare["old"]
    new = _new_tag(lines, old, version, tag)
    if new is None:
        return LinkUpdate(
            text,
            f"changelog links not updated for {version}: cannot tell its tag from the "
            f"[Unreleased] link's {old}",
        )
    if new == old:
        return LinkUpdate(text)  # already moved on to this release
    base = f"{compare['base']}/{compare['gitlab'] or ''}compare"
    lines[index] = f"[{definition['label']}]: {base}/{new}...HEAD"
    defined = {
        m["label"].casefold() for line in lines if (m := LINK_DEFINITION.match(line)) is not None
    }
    if version.casefold() not in defined:
        lines.insert(index + 1, f"[{version}]: {base}/{old}...{new}")
    return LinkUpdate("\n".join(lines))
