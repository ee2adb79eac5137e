"""Entries the range adds to the project's changelog, by the section they are filed under.

Many projects keep one changelog file and write each change into its topmost section (an
``Unreleased`` heading, or the coming version's) as the change lands: Keep a Changelog's
``### Added`` / ``### Fixed``, ``**Bugfixes**`` in a ``HISTORY.md``, ``* New functions`` in a
``versions.rst``. The section an entry is filed under is the maintainers' own word on its kind,
so, like a news fragment, it is strong evidence of the level the section names: breaking changes
and removals major, features and deprecations minor, fixes, security and performance patch. An
entry that says it is breaking (``- Breaking: ...``) is major wherever it is filed, and so is a
sentence the range writes anywhere in the section, in an entry or in prose, that says this
release takes a new major version ("This is the reason for the major version bump", "the major
version number has been incremented"); one about a release to come ("we will do so with a major
version bump") or denying it ("no major version bump") is not.

Only the topmost release section of the head's changelog is read, and of it only the entries
whose text the base's changelog does not contain anywhere: what the range wrote. Entries the
range files above the current version's section under level headings of their own (the
coming version's heading forgotten or mistyped) are that section. A topmost
section of the current version or an earlier one was written late for a release already made
and gives nothing, and so do entries about the runtimes supported (``Python 3.8 support``
under ``Removed``): the runtime-floor evidence and the project's habit speak for those.
Sections whose name says nothing about the level (``Changed``, ``Other``, and ``Improvements``
or ``Enhancements``, which projects file refactorings and speed-ups under in patch releases as
often as new abilities) give nothing, nor do entries outside any section, nor a changelog the
range creates (its first section records releases already made).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from packaging.version import InvalidVersion, Version

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence, in_test_dir, read_text
from release_tools.analysis.evidence.notes import FRAGMENT_DIRS
from release_tools.analysis.evidence.runtime import mentions_runtime
from release_tools.analysis.models import Bump, ChangeKind, Evidence, EvidenceKind, Strength

__all__ = ["Entry", "gather", "is_changelog", "new_entries"]

_NAME = re.compile(
    r"^(?:change(?:s|log)?|history|news|versions|release[-_ ]?notes)"
    r"(?:\.(?:md|markdown|rst|txt|adoc))?$",
    re.IGNORECASE,
)
#: A changelog bigger than this is not read.
_MAX_CHARS = 4_000_000
#: Changelogs read per range (a monorepo keeps one per package).
_MAX_FILES = 20

_VERSION = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+)?(?![\w])")
_UNRELEASED = re.compile(
    r"\b(?:unreleased|upcoming|not yet released|in progress|next release|dev|development)\b",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^([=\-~^*+#`'\"])\1{2,}\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•]|\d+[.)])\s+(?P<text>\S.*)$")
_MARKUP = re.compile(r"[*_`#\[\]]+")
# "Breaking: ...", "**BREAKING CHANGE**: ...", "[breaking] ...": an entry that says it breaks.
_BREAKING = re.compile(
    r"^\W*(?:breaking(?: changes?)?|backwards?[- ]incompatible(?: changes?)?)"
    r"\s*[:\])!\u2013\u2014-]",
    re.IGNORECASE,
)
# A sentence that says the release takes a new major version.
_MAJOR_DECLARED = re.compile(
    r"\bmajor[ -]version(?:\s+number)?\s+"
    r"(?:bump|update|increase|increment|change|release|jump)\b"
    r"|\bmajor[ -]version(?:\s+number)?\s+(?:has\s+been|was|is(?:\s+being)?)\s+"
    r"(?:bumped|incremented|increased|raised|updated|changed)\b"
    r"|\b(?:bump(?:s|ed|ing)?|increment(?:s|ed|ing)?|rais(?:e|es|ed|ing))\s+the\s+major\s+version\b"
    r"|\b(?:hence|reason\s+for)\s+(?:the|this)\s+(?:new\s+)?major\b",
    re.IGNORECASE,
)
# Just before the phrase: a denial ("no major version bump", "did not do a ..."), within
# three words ("no longer" denies nothing) ...
_DENIAL = re.compile(r"\b(?:no|not|without|avoid(?:s|ed|ing)?|never)\b|n't\b", re.IGNORECASE)
# ... or, within six, a release to come or a condition ("we will do so with a ...", "in the
# next ...", "prepare for the ...").
_ELSEWHEN = re.compile(
    r"\b(?:will|would|shall|should|could|might|next|future|upcoming|later|plan(?:s|ned|ning)?|"
    r"eventually|until|when|whenever|once|before|if|prepar(?:e|es|ed|ing))\b",
    re.IGNORECASE,
)
# Just after it: another thing's major version ("... update of lodash", "... bump in 2.0").
_OTHER_THING = re.compile(r"^\s+(?:of|to)\b|^\s+in\s+v?\d", re.IGNORECASE)
# Just after it: a denial ("... is not necessary", "... wasn't needed", "... was avoided"),
# not a "not" that belongs to the declaration ("..., not backward compatible").
_DENIED_AFTER = re.compile(
    r"^\W*(?:is|was|has\s+been|were)\s+(?:not|never)\b|^\W*(?:isn't|wasn't|hasn't)\b"
    r"|\b(?:not|never)\s+(?:needed|necessary|required|warranted)\b"
    r"|\b(?:avoided|postponed|deferred|delayed|unnecessary|needless|unneeded)\b",
    re.IGNORECASE,
)
# A heading that says its release is still to come, whatever version it names.
_STILL_TO_COME = re.compile(
    r"\b(?:unreleased|upcoming|not yet released|in progress|next release)\b", re.IGNORECASE
)
# Anywhere in the sentence: a dependency's version.
_DEPENDENCY = re.compile(r"\b(?:dependenc(?:y|ies)|deps)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_LEADING_SIGNS = re.compile(r"^[^\w(]+")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_]+)\1:?\s*$")
_LABEL_LINE = re.compile(r"^(?P<text>[A-Za-z][\w /&-]{0,40}):\s*$")
#: A bullet with nested bullets under it heads a group when its text is this short.
_GROUP_WORDS = 5

_LEVELS: dict[str, Bump] = {
    **dict.fromkeys(
        (
            "breaking", "breaking change", "breaking changes", "potentially breaking changes",
            "backwards incompatible changes", "backward incompatible changes",
            "backwards-incompatible changes", "incompatible changes", "removed", "removals",
            "removal", "removed features", "major changes",
        ),
        Bump.MAJOR,
    ),
    **dict.fromkeys(
        (
            "added", "features", "feature", "new features", "new feature", "new functions",
            "new", "additions", "new apis", "deprecated", "deprecations", "deprecation",
            "minor changes",
        ),
        Bump.MINOR,
    ),
    **dict.fromkeys(
        (
            "fixed", "fixes", "fix", "bug fixes", "bugfixes", "bugfix", "bug fix", "bugs",
            "security", "security fixes", "performance", "performance improvements",
            "patch changes",
        ),
        Bump.PATCH,
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry the range wrote: its text, the section it is filed under, its level."""

    text: str
    section: str
    level: Bump


def is_changelog(path: str) -> bool:
    """Whether ``path`` names a project changelog (not a news fragment, not a test file)."""
    pure = PurePosixPath(path)
    if not _NAME.match(pure.name) or pure.parent.name.lower() in FRAGMENT_DIRS:
        return False
    return not in_test_dir(path.split("/"))


def _plain(line: str) -> str:
    """A line without markup, bullet, trailing colon and extra spaces, lowercased."""
    text = _MARKUP.sub("", line).strip()
    bullet = _BULLET.match(text)
    if bullet:
        text = bullet["text"]
    # Emoji and signs before a section's name ("### 🐛 Bug Fixes", "### ⚠ BREAKING CHANGES").
    text = _LEADING_SIGNS.sub("", text)
    return " ".join(text.rstrip(":").split()).lower()


def _heading(lines: list[str], index: int) -> tuple[str, str] | None:
    """The style (``#`` marks or underline character) and text of a heading at ``index``."""
    line = lines[index]
    heading = _MD_HEADING.match(line)
    if heading:
        return heading["marks"], heading["text"]
    if (
        index + 1 < len(lines)
        and line.strip()
        and not line.startswith((" ", "\t"))
        and not _UNDERLINE.match(line)
        and _UNDERLINE.match(lines[index + 1])
    ):
        return lines[index + 1].strip()[0], line.strip()
    return None


def _release_headings(lines: list[str]) -> list[int]:
    """Indexes of the lines that open a release's section (a version or an unreleased one).

    Every release heading of a changelog is written alike: the first one found sets the style
    (``##``, or the underline character), and headings of another style that mention a version
    (``### Dropped Python 3.8``) are no release's.
    """
    found: list[int] = []
    style: str | None = None
    for index in range(len(lines)):
        heading = _heading(lines, index)
        if heading is None:
            continue
        marks, text = heading
        if len(text) > 100 or _plain(text) in _LEVELS or (style is not None and marks != style):
            continue
        if _VERSION.search(text) or _UNRELEASED.search(text):
            style = marks
            found.append(index)
    return found


def _header(lines: list[str], index: int) -> str | None:
    """The plain text of ``lines[index]`` when it heads a group of entries: a heading, an
    underlined, bold or ``Label:`` line, or a short bullet with nested bullets under it."""
    line = lines[index]
    heading = _heading(lines, index)
    if heading is not None:
        return _plain(heading[1])
    label = _BOLD_LINE.match(line) or _LABEL_LINE.match(line)
    if label:
        return _plain(label["text"])
    bullet = _BULLET.match(line)
    if bullet is None:
        return None
    plain = _plain(line)
    if plain in _LEVELS:
        return plain
    following = (lines[at] for at in range(index + 1, len(lines)))
    nested = next((other for other in following if other.strip()), "")
    inner = _BULLET.match(nested)
    short = len(plain.split()) <= _GROUP_WORDS and not plain.endswith(".")
    if short and inner is not None and len(inner["indent"]) > len(bullet["indent"]):
        return plain
    return None


def _coming(heading: str, current: str | None) -> bool:
    """Whether a release heading is of a release still to come: it names a version above
    ``current``, or none and says it is unreleased."""
    if _VERSION.search(heading) is None:
        return _UNRELEASED.search(heading) is not None
    return current is not None and not _released(heading, current)


def _released(heading: str, current: str | None) -> bool:
    """Whether a release heading names ``current`` or an earlier version: a section the range
    wrote late for a release already made. A heading that says it is unreleased is not, even
    when it names a version (``Unreleased (since 1.2.0)``)."""
    found = _VERSION.search(heading)
    if found is None or current is None or _STILL_TO_COME.search(heading):
        return False
    try:
        return Version(found.group().lstrip("v")) <= Version(current)
    except InvalidVersion:
        return False


def _declares_major(sentence: str) -> bool:
    """Whether ``sentence`` says that this release takes a new major version."""
    if _DEPENDENCY.search(sentence):
        return False
    for found in _MAJOR_DECLARED.finditer(sentence):
        before = sentence[: found.start()].replace("no longer", "").split()
        if _DENIAL.search(" ".join(before[-3:])) or _ELSEWHEN.search(" ".join(before[-6:])):
            continue
        after = sentence[found.end() :]
        if _OTHER_THING.match(after) or _DENIED_AFTER.search(" ".join(after.split()[:6])):
            continue
        return True
    return False


def _declared_major(lines: list[str], known: set[str]) -> str | None:
    """The first sentence of the section's new ``lines`` (those not in ``known``) that says
    this release takes a new major version, or None. A paragraph or an entry runs over
    consecutive lines; a blank line or a bullet starts the next."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        plain = " ".join(line.split())
        if not plain or plain in known or _BULLET.match(line):
            paragraphs.append([])
        if plain and plain not in known:
            bullet = _BULLET.match(line)
            paragraphs[-1].append(bullet["text"] if bullet else plain)
    for paragraph in paragraphs:
        text = _MARKUP.sub("", " ".join(paragraph))
        for sentence in _SENTENCE_END.split(text):
            if _declares_major(sentence):
                return sentence.strip()
    return None


def _new_major(heading: str, current: str | None) -> bool:
    """Whether a release heading can be a new major version after ``current``: it names
    none (``Unreleased``), or one whose major (on 0.x, minor) number is higher."""
    found = _VERSION.search(heading)
    if found is None or current is None:
        return True
    try:
        named, now = Version(found.group().lstrip("v")), Version(current)
    except InvalidVersion:
        return True
    if now.major == 0 and named.major == 0:
        return named.minor > now.minor
    return named.major > now.major


def _writes(lines: list[str], start: int, end: int, known: set[str]) -> bool:
    """Whether the section between ``start`` and ``end`` has a line the base did not have."""
    return any(
        (plain := " ".join(line.split())) and plain not in known and not _UNDERLINE.match(line)
        for line in lines[start + 1 : end]
    )


def new_entries(old: str, new: str, current: str | None = None) -> list[Entry]:
    """The entries of ``new``'s topmost release section that ``old`` does not contain, each
    with the section it is filed under; none when that section is of version ``current`` or an
    earlier one (written after the release it describes).

    A topmost section the range did not touch (a standing ``dev`` placeholder) gives way to
    the one below it when that one is not of a release already made.
    """
    lines = new.splitlines()
    starts = _release_headings(lines)
    known = {" ".join(line.split()) for line in old.splitlines()}
    if (
        len(starts) > 1
        and not _writes(lines, starts[0], starts[1], known)
        and _coming(lines[starts[1]], current)
    ):
        starts = starts[1:]
    if not starts:
        return []
    if _released(lines[starts[0]], current):
        # Entries the range filed above the current version's section, under level headings
        # of their own (``## Features`` where the coming version's heading was forgotten or
        # mistyped): the coming release's, as a reader of the file takes them.
        if not _writes(lines, -1, starts[0], known):
            return []
        starts = [-1, *starts]
    first = starts[0]
    end = starts[1] if len(starts) > 1 else len(lines)
    section: str | None = None
    found: list[Entry] = []
    declared = _declared_major(lines[first + 1 : end], known)
    if declared is not None and (first < 0 or _new_major(lines[first], current)):
        found.append(Entry(declared, "major version", Bump.MAJOR))
    for index in range(first + 1, end):
        if not lines[index].strip() or _UNDERLINE.match(lines[index]):
            continue
        header = _header(lines, index)
        if header is not None:
            # A group whose name says nothing about the level ("Changed") files its entries
            # under no known section.
            section = header if header in _LEVELS else None
            continue
        bullet = _BULLET.match(lines[index])
        if bullet is None or " ".join(lines[index].split()) in known:
            continue
        text = bullet["text"].strip()
        if mentions_runtime(text):
            continue
        if _BREAKING.match(text.replace("*", "").replace("_", "")):
            found.append(Entry(text, section or "breaking", Bump.MAJOR))
        elif section is not None:
            found.append(Entry(text, section, _LEVELS[section]))
    return found


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """One item per level of the entries the range wrote into each changelog."""
    items: list[Evidence] = []
    paths = [c.path for c in ctx.changes if c.kind is ChangeKind.MODIFIED and is_changelog(c.path)][
        :_MAX_FILES
    ]
    for path in paths:
        old, new = read_text(ctx, ctx.base_sha, path), read_text(ctx, ctx.head_sha, path)
        if old is None or new is None or max(len(old), len(new)) > _MAX_CHARS:
            continue
        by_level: dict[Bump, list[Entry]] = {}
        for entry in new_entries(old, new, ctx.current_version):
            by_level.setdefault(entry.level, []).append(entry)
        for level, entries in sorted(by_level.items(), key=lambda item: -item[0]):
            sections = sorted({e.section for e in entries})
            count = len(entries)
            quoted = ", ".join(f'"{s}"' for s in sections)
            message = (
                f"{count} changelog entr{'y' if count == 1 else 'ies'} under {quoted}: "
                f"{_short(entries[0].text)}"
            )
            items.append(
                evidence(
                    "change-note",
                    EvidenceKind.CHANGE_NOTE,
                    level,
                    Strength.STRONG,
                    message,
                    path=path,
                )
            )
    return items


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
