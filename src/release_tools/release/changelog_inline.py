"""The links Keep a Changelog headings carry inline, at a release; pure text.

Some Keep a Changelog files link each heading in place rather than closing with reference
definitions::

    ## [Unreleased](https://github.com/o/r/compare/v1.1.0...HEAD)

    ## [1.1.0](https://github.com/o/r/compare/v1.0.0...v1.1.0) - 2026-01-02

Releasing 1.2.0 as ``v1.2.0`` makes the first heading compare ``v1.2.0...HEAD`` and links the
new ``## [1.2.0]`` heading to ``.../compare/v1.1.0...v1.2.0``: GitHub's ``/compare/`` or
GitLab's ``/-/compare/``, as the ``[Unreleased]`` link is written, whatever the git remote
says. An ``[Unreleased]`` link that is not such a comparison is left as it is, with a warning
for the release to show (the rules and warnings of
:mod:`~release_tools.release.changelog_links`), and the new heading gets no link.

Without an ``[Unreleased]`` link, the new heading follows the latest release heading's link: a
comparison ``<a>...<b>`` gives ``<b>...<new tag>``, and a link whose last segment names the
latest release (its tree, tag or release page: ``.../tree/v26.1.0``) names the new one the same
way (``.../tree/v26.2.0``); any other link is a warning. A file whose headings carry no link
gets none, and so does a first release without an ``[Unreleased]`` comparison: there is no
earlier tag or link to follow. A first release under
``## [Unreleased](.../compare/<start>...HEAD)`` compares ``<start>`` with its tag. A heading
that already has a link keeps it.
"""

from __future__ import annotations

import re

from release_tools.release.changelog_links import (
    COMPARE_HEAD,
    LinkUpdate,
    compare_base,
    release_tag,
    unknown_tag,
    unreadable_unreleased,
)

__all__ = ["heading_link", "release_heading_links", "with_link"]

#: A level-two heading whose first word is a bracketed label: ``## [1.1.0]``, then the rest.
_LABELLED = re.compile(r"^(?P<head>##\s+\[(?P<label>[^\]]+)\])(?P<rest>.*)$")
#: The inline link right after the label: ``(url)``, the URL possibly followed by a title.
_INLINE = re.compile(r"^\((?P<target>[^)]*)\)")
_COMPARISON = re.compile(r"^(?P<base>\S+?)/(?P<gitlab>-/)?compare/(?P<old>\S+?)\.\.\.(?P<new>\S+)$")


def heading_link(line: str) -> str | None:
    """The target of the inline link of a ``## [label](target)`` heading, or None."""
    found = _LABELLED.match(line)
    inline = _INLINE.match(found["rest"]) if found else None
    return inline["target"].strip() if inline else None


def _linked(line: str) -> bool:
    """Whether the label of a heading is a link already (inline or to a reference)."""
    found = _LABELLED.match(line)
    return found is not None and found["rest"].startswith(("(", "["))


def with_link(line: str, url: str) -> str:
    """``line`` (a ``## [label]`` heading) with its label linked to ``url``, in place of the
    label's inline link if it has one."""
    found = _LABELLED.match(line)
    if found is None:
        return line
    rest = found["rest"]
    inline = _INLINE.match(rest)
    if inline is not None:
        rest = rest[inline.end() :]
    return f"{found['head']}({url}){rest}"


def _heading(lines: list[str], label: str) -> int | None:
    """The index of the first ``## [label]`` heading (any case), or None."""
    wanted = label.casefold()
    return next(
        (
            index
            for index, line in enumerate(lines)
            if (found := _LABELLED.match(line)) and found["label"].casefold() == wanted
        ),
        None,
    )


def _latest(lines: list[str], version: str) -> int | None:
    """The index of the newest release heading other than ``[Unreleased]`` and ``version``."""
    skipped = {"unreleased", version.casefold()}
    return next(
        (
            index
            for index, line in enumerate(lines)
            if (found := _LABELLED.match(line)) and found["label"].casefold() not in skipped
        ),
        None,
    )


def _renamed(old: str, previous: str, version: str) -> str | None:
    """``old`` (a tag or version naming ``previous``) naming ``version`` the same way."""
    if previous not in old:
        return None
    at = old.rindex(previous)
    return old[:at] + version + old[at + len(previous) :]


def _following(target: str, previous: str, version: str, tag: str | None) -> str | None:
    """The link of the release of ``version`` (tagged ``tag``) written the way ``target``, the
    link of the ``previous`` release, is; None when ``target`` shows no way."""
    compare = _COMPARISON.match(target)
    if compare is not None:
        old = compare["new"]
        new = tag if tag is not None else _renamed(old, previous, version)
        return None if new is None else f"{compare_base(compare)}/{old}...{new}"
    # A page of the previous release (``.../tree/v1.1.0``, ``.../project/x/1.1.0/``): the same
    # page of the new one, its last segment naming the version as it named the previous one
    # (the tag ``mod/v1.1.0`` of ``.../tree/mod/v1.1.0`` ends in that segment too).
    stem = target.rstrip("/")
    url, slash, last = stem.rpartition("/")
    renamed = _renamed(last, previous, version) if slash and url else None
    return None if renamed is None else f"{url}/{renamed}{target[len(stem) :]}"


def _follow_latest(lines: list[str], at: int, version: str, tag: str | None) -> LinkUpdate:
    """``lines`` with the heading at ``at`` linked the way the latest release heading is."""
    text = "\n".join(lines)
    latest = _latest(lines, version)
    target = heading_link(lines[latest]) if latest is not None else None
    if latest is None or target is None:
        return LinkUpdate(text)
    found = _LABELLED.match(lines[latest])
    assert found is not None
    previous = found["label"]
    url = _following(target, previous, version, tag)
    if url is None:
        return LinkUpdate(
            text,
            f"changelog link not written for {version}: the [{previous}] heading's link "
            f"{target} names neither a comparison nor its tag",
        )
    lines[at] = with_link(lines[at], url)
    return LinkUpdate("\n".join(lines))


def release_heading_links(text: str, version: str, tag: str | None = None) -> LinkUpdate:
    """``text`` (``\\n`` line ends) with its inline heading links moved on to the release of
    ``version`` tagged ``tag`` (derived from the tag of the link it follows when None)."""
    lines = text.split("\n")
    at = _heading(lines, version)
    unreleased = _heading(lines, "unreleased")
    target = heading_link(lines[unreleased]) if unreleased is not None else None
    if unreleased is None or target is None:
        if at is None or _linked(lines[at]):
            return LinkUpdate(text)
        return _follow_latest(lines, at, version, tag)
    compare = COMPARE_HEAD.match(target)
    if compare is None:
        return LinkUpdate(text, unreadable_unreleased(version, target))
    old = compare["old"]
    new = release_tag(lines, old, version, tag)
    if new is None:
        return LinkUpdate(text, unknown_tag(version, old))
    if new == old:
        # Moved on to this release already: a heading still without a link follows the
        # previous release's.
        if at is None or _linked(lines[at]):
            return LinkUpdate(text)
        return _follow_latest(lines, at, version, tag)
    base = compare_base(compare)
    lines[unreleased] = with_link(lines[unreleased], f"{base}/{new}...HEAD")
    if at is not None and not _linked(lines[at]):
        lines[at] = with_link(lines[at], f"{base}/{old}...{new}")
    return LinkUpdate("\n".join(lines))
