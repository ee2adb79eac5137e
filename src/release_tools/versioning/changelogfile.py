"""Which changelog a project keeps, and how its release headings are written.

A project's changelog is the first of ``CHANGELOG``, ``CHANGES``, ``HISTORY``, ``NEWS`` (with
``.md``, ``.rst``, ``.txt`` or no extension) found in its directory, unless the configuration
names one (``changelog``; an empty string turns changelogs off) or ``nx.json`` does
(``release.changelog.projectChangelogs.file``, a path inside each project such as
``{projectRoot}/docs/CHANGELOG.md``; see :func:`nx_project_changelog`). With none, a Keep a
Changelog ``CHANGELOG.md`` is created.

The style is read from the file itself: Markdown or reStructuredText (by extension, else by
its underlined headings), whether it follows Keep a Changelog (``## [1.2.3] - date`` with
``### Added`` subsections), and the project's own heading for a release, found on the latest
version heading: its words around the version and the date (``Version 8.1.7`` underlined with
``-`` and followed by ``Released 2023-08-17``; ``3.23.1 (2024-11-01)`` underlined with ``*``),
and the bullet marker. A release adds a section written the same way above the latest one.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

__all__ = [
    "CHANGELOG_NAMES",
    "KEEP_A_CHANGELOG",
    "NX_CHANGELOG_SETTING",
    "ChangelogFile",
    "ChangelogStyle",
    "find_changelog",
    "nx_project_changelog",
    "read_style",
]

log = logging.getLogger(__name__)

CHANGELOG_NAMES: tuple[str, ...] = tuple(
    f"{stem}{ext}"
    for stem in ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
    for ext in (".md", ".rst", ".txt", "")
)
#: Where ``nx.json`` names each project's changelog file.
NX_CHANGELOG_SETTING = "release.changelog.projectChangelogs.file"
#: What is used when that setting cannot be honoured, in the words of the warning.
_NX_FALLBACK = (
    "each project's own changelog is used instead (the first of CHANGELOG.md, CHANGES.md, "
    "HISTORY.md, NEWS.md... in its directory, else a new CHANGELOG.md)"
)
_PROJECT_ROOT = "{projectRoot}/"

ChangelogSource = Literal["config", "found", "default", "nx.json", "off"]

VERSION_TEXT = re.compile(r"v?(\d+\.\d+(?:\.\d+)?(?:[-.]?(?:a|b|rc|dev|alpha|beta)[.\d]*)?)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNDERLINE = re.compile(r"^([=\-~^*+#\"'`:.])\1{2,}\s*$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^([-*+])(\s+)\S")
#: The target of an inline link, ``](url)``: a compare link names other versions than its
#: heading's (``## [Unreleased](.../compare/1.1.0...HEAD)``).
_LINK_TARGET = re.compile(r"\]\([^)]*\)")


@dataclass(frozen=True, slots=True)
class ChangelogStyle:
    """How release sections are written in one changelog."""

    markup: Literal["markdown", "rst"] = "markdown"
    keep_a_changelog: bool = True
    #: The heading text with ``{version}`` and ``{date}`` placeholders.
    heading: str = "[{version}] - {date}"
    #: Markdown: the ``#`` prefix; reStructuredText: the underline character.
    marker: str = "##"
    overline: bool = False
    #: A line under the heading (``Released {date}``), if the project writes one.
    subtitle: str | None = None
    bullet: str = "- "

    def heading_lines(self, version: str, day: str) -> list[str]:
        """The heading (and subtitle) of a new release section."""
        text = self.heading.format(version=version, date=day)
        if self.markup == "markdown":
            lines = [f"{self.marker} {text}"]
        else:
            rule = self.marker * len(text)
            lines = [rule, text, rule] if self.overline else [text, rule]
        if self.subtitle:
            lines += ["", self.subtitle.format(version=version, date=day)]
        return lines

    def to_dict(self) -> dict[str, object]:
        """What reports show about the style."""
        return {
            "markup": self.markup,
            "keep_a_changelog": self.keep_a_changelog,
            "heading": self.heading,
        }


#: The style of a changelog this tool creates.
KEEP_A_CHANGELOG = ChangelogStyle()


@dataclass(frozen=True, slots=True)
class ChangelogFile:
    """A project's changelog: its repository-relative path (None: no changelog) and style."""

    path: str | None
    source: ChangelogSource
    exists: bool = False
    style: ChangelogStyle = KEEP_A_CHANGELOG

    def to_dict(self) -> dict[str, object]:
        """What reports show: the path, where it came from and the style."""
        return {
            "path": self.path,
            "source": self.source,
            "exists": self.exists,
            **(self.style.to_dict() if self.path else {}),
        }


def _template(text: str, version: str) -> str:
    out = text.replace("{", "{{").replace("}", "}}")
    out = out.replace(version, "{version}", 1)
    return _DATE.sub("{date}", out, count=1)


def _version_in(text: str) -> str | None:
    text = _LINK_TARGET.sub("]", text)
    if "unreleased" in text.lower() and not VERSION_TEXT.search(text):
        return None
    match = VERSION_TEXT.search(text)
    return match[1] if match else None


def _is_rst(lines: list[str], name: str) -> bool:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".md", ".rst"):
        return suffix == ".rst"
    return any(
        _UNDERLINE.match(lines[i + 1]) and lines[i].strip() and not lines[i].startswith("#")
        for i in range(len(lines) - 1)
    )


def latest_heading(lines: list[str], markup: str) -> tuple[int, int, str] | None:
    """``(first line, line after the heading, version)`` of the latest release heading."""
    for index, line in enumerate(lines):
        if markup == "markdown":
            match = _MD_HEADING.match(line)
            version = _version_in(match[2]) if match else None
            if version:
                return index, index + 1, version
            continue
        if index + 1 < len(lines) and _UNDERLINE.match(lines[index + 1]) and line.strip():
            version = _version_in(line)
            if version and not _UNDERLINE.match(line):
                start = index - 1 if index > 0 and _UNDERLINE.match(lines[index - 1]) else index
                return start, index + 2, version
    return None


def read_style(text: str, name: str) -> ChangelogStyle:
    """The style of an existing changelog (the Keep a Changelog one when it shows no other)."""
    lines = text.replace("\r\n", "\n").split("\n")
    rst = _is_rst(lines, name)
    markup: Literal["markdown", "rst"] = "rst" if rst else "markdown"
    found = latest_heading(lines, markup)
    keep = "keep a changelog" in text.lower() or "keepachangelog" in text.lower()
    if found is None:
        if rst:
            return ChangelogStyle("rst", False, "{version} ({date})", "-")
        return KEEP_A_CHANGELOG
    start, after, version = found
    if rst:
        heading_line = lines[after - 2]
        marker = lines[after - 1].strip()[0]
        overline = start != after - 2
    else:
        match = _MD_HEADING.match(lines[start])
        assert match is not None
        heading_line, marker, overline = match[2], match[1], False
    heading = _template(heading_line.strip(), version)
    keep = keep or (not rst and heading.startswith("[{version}]"))
    subtitle = None
    bullet = "- "
    for line in lines[after : after + 12]:
        if not line.strip():
            continue
        bullet_match = _BULLET.match(line)
        if bullet_match:
            bullet = bullet_match[1] + bullet_match[2]
            break
        if (
            subtitle is None
            and "{date}" not in heading
            and (_DATE.search(line) or "release" in line.lower())
        ):
            stripped = line.strip()
            subtitle = _template(stripped, version) if _DATE.search(stripped) else "Released {date}"
            continue
        if _MD_HEADING.match(line) or (rst and _UNDERLINE.match(line)):
            continue
    return ChangelogStyle(markup, keep, heading, marker, overline, subtitle, bullet)


def nx_project_changelog(setting: str, *, source: str = "nx.json") -> str | None:
    """The changelog path inside each project that ``nx.json``'s :data:`NX_CHANGELOG_SETTING`
    names (``{projectRoot}/docs/CHANGELOG.md`` gives ``docs/CHANGELOG.md``).

    Nx interpolates the value per project. Only paths under ``{projectRoot}`` give each project
    a file of its own; a value that would not (``{workspaceRoot}/...``, a plain path from the
    workspace root, other placeholders, ``..`` leaving the project, an absolute path) is None
    with a warning naming the setting and the fallback, never silently dropped.
    """
    reason: str | None = None
    if not setting.startswith(_PROJECT_ROOT):
        reason = f"does not start with {_PROJECT_ROOT!r}, so it is not one file per project"
        if setting.startswith("{workspaceRoot}"):
            reason = "names one file at the workspace root, shared by every project"
    rel = setting.removeprefix(_PROJECT_ROOT)
    if reason is None:
        reason = _outside_project(rel)
    if reason is not None:
        log.warning("%s: %s %r %s; %s", source, NX_CHANGELOG_SETTING, setting, reason, _NX_FALLBACK)
        return None
    return PurePosixPath(rel).as_posix()


def _outside_project(rel: str) -> str | None:
    """Why the project-relative ``rel`` cannot name a file inside the project (None: it can)."""
    if "{" in rel or "}" in rel:
        return "holds a placeholder other than {projectRoot}"
    path = PurePosixPath(rel)
    if path.is_absolute():
        return "is an absolute path"
    if ".." in path.parts:
        return "leaves the project directory with '..'"
    if not path.name:
        return "names no file"
    return None


def find_changelog(
    root: Path,
    project_path: str,
    *,
    configured: str | None,
    enabled: bool = True,
    workspace_file: str | None = None,
) -> ChangelogFile:
    """The changelog of the project in ``project_path`` (see the module docstring).

    ``configured`` is the ``changelog`` setting (None: infer; ``""``: none); ``enabled`` False
    means the workspace's own configuration turns per-project changelogs off, and
    ``workspace_file`` is the path inside the project it gives (``nx.json``, as
    :func:`nx_project_changelog` returns it; a leading ``{projectRoot}/`` is accepted too).
    """
    prefix = "" if project_path in (".", "") else project_path.rstrip("/") + "/"
    if configured == "":
        return ChangelogFile(None, "off")
    if configured:
        rel = prefix + configured
        return _described(root, rel, "config")
    if not enabled:
        return ChangelogFile(None, "nx.json")
    if workspace_file:
        inner = workspace_file.removeprefix(_PROJECT_ROOT)
        reason = _outside_project(inner)
        if reason is None:
            return _described(root, prefix + PurePosixPath(inner).as_posix(), "nx.json")
        log.warning(
            "nx.json: %s %r %s; %s", NX_CHANGELOG_SETTING, workspace_file, reason, _NX_FALLBACK
        )
    for name in CHANGELOG_NAMES:
        if (root / prefix / name).is_file():
            return _described(root, prefix + name, "found")
    return ChangelogFile(prefix + "CHANGELOG.md", "default")


def _described(root: Path, rel: str, source: ChangelogSource) -> ChangelogFile:
    path = root / rel
    if not path.is_file():
        return ChangelogFile(rel, source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ChangelogFile(rel, source, True)
    return ChangelogFile(rel, source, True, read_style(text, rel))
