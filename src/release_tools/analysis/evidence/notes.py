"""Change notes written for the coming release: news fragments and release notes.

Many projects record the kind of each change in a small file of its own while they work, and
their release tool assembles the changelog from those files:

* towncrier news fragments, ``<id>.<type>[.<n>][.md|.rst|.txt]`` in a fragment directory
  (``changelog.d``, ``newsfragments``, ``changelog``, ``changes``, ``news``, ``fragments``): the
  type is in the file name (``feature``, ``bugfix``, ``removal``, ``breaking`` ...);
* reno release notes, ``releasenotes/notes/*.yaml``, whose top-level sections say what kind of
  change each note describes (``features``, ``fixes``, ``upgrade`` ...).

Like a conventional commit, such a note is the maintainers' own word on the change, so it is
strong evidence of the level its type names, read from the notes the range adds or edits. A
type this module does not know is skipped, not guessed. Version plans (changesets, Nx) are not
read here: they ask for a release through ``release``, and ``create-version-plan`` writes them
from this analysis, which must not read its own answers back.
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import evidence, read_texts
from release_tools.analysis.evidence.runtime import mentions_runtime
from release_tools.analysis.models import Bump, ChangeKind, Evidence, EvidenceKind, Strength

__all__ = ["FRAGMENT_DIRS", "fragment_type", "gather", "reno_level"]

log = logging.getLogger(__name__)

#: Directory names towncrier projects keep their news fragments in.
FRAGMENT_DIRS = frozenset(
    {"changelog.d", "newsfragments", "changelog", "changes", "news", "fragments", "changelog_d"}
)
#: Fragment types by the level of release they ask for. The built-in towncrier types and the
#: usual custom ones (pytest's ``breaking``, ``deprecation``, ``improvement`` ...); documentation,
#: internal and trivial changes ask for no release of their own.
_FRAGMENT_LEVELS: dict[str, Bump] = {
    **dict.fromkeys(
        ("breaking", "removal", "removals", "removed", "incompatible", "major"), Bump.MAJOR
    ),
    **dict.fromkeys(
        (
            "feature", "features", "feat", "added", "addition", "deprecation", "deprecations",
            "deprecated", "improvement", "improvements", "enhancement", "enhancements",
        ),
        Bump.MINOR,
    ),
    **dict.fromkeys(
        (
            "bugfix", "bugfixes", "bug", "fix", "fixes", "fixed", "security", "performance",
            "perf", "vendor", "vendored", "packaging", "change", "changed",
        ),
        Bump.PATCH,
    ),
    **dict.fromkeys(
        ("doc", "docs", "documentation", "misc", "trivial", "contrib", "internal", "chore"),
        Bump.NONE,
    ),
}  # fmt: skip
_FRAGMENT_SUFFIXES = ("md", "rst", "txt", "markdown")
#: reno's sections by the level of release a note in them asks for.
_RENO_LEVELS: dict[str, Bump] = {
    "upgrade": Bump.MAJOR,
    "features": Bump.MINOR,
    "deprecations": Bump.MINOR,
    "fixes": Bump.PATCH,
    "security": Bump.PATCH,
    "critical": Bump.PATCH,
    "issues": Bump.NONE,
    "prelude": Bump.NONE,
    "other": Bump.NONE,
}
_RENO_DIR = "releasenotes/notes"
#: A release note bigger than this is not a note.
_MAX_NOTE_CHARS = 200_000


def fragment_type(path: str) -> str | None:
    """The towncrier type of a fragment at ``path``, None when it is no fragment."""
    pure = PurePosixPath(path)
    if pure.parent.name not in FRAGMENT_DIRS:
        return None
    parts = pure.name.lstrip("+").split(".")
    if len(parts) < 2 or not parts[0]:
        return None
    rest = parts[1:]
    if rest[-1].lower() in _FRAGMENT_SUFFIXES:
        rest = rest[:-1]
    if rest and rest[-1].isdigit():
        rest = rest[:-1]
    if len(rest) != 1:
        return None
    kind = rest[0].lower()
    return kind if kind in _FRAGMENT_LEVELS else None


def reno_level(text: str) -> tuple[Bump, str] | None:
    """The level a reno note asks for and the section that says so; None for no note."""
    # Imported here: only a range that adds reno notes needs the YAML parser.
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    sections = [
        key
        for key, value in data.items()
        if key in _RENO_LEVELS and value and not _only_runtimes(value)
    ]
    if not sections:
        return None
    top = max(sections, key=lambda key: _RENO_LEVELS[key])
    return _RENO_LEVELS[top], top


def _only_runtimes(value: object) -> bool:
    """Whether a reno section holds only notes about supported runtimes (``Python 3.9 is no
    longer supported``): the runtime-floor evidence speaks for those, whatever section the
    maintainers filed them under."""
    items = value if isinstance(value, list) else [value]
    return all(isinstance(item, str) and mentions_runtime(item) for item in items)


def _note(level: Bump, message: str, path: str) -> Evidence:
    return evidence(
        "change-note", EvidenceKind.CHANGE_NOTE, level, Strength.STRONG, message, path=path
    )


def _written(ctx: AnalysisContext) -> list[str]:
    """The paths the range adds or edits."""
    kept = (ChangeKind.ADDED, ChangeKind.MODIFIED, ChangeKind.RENAMED, ChangeKind.COPIED)
    return [c.path for c in ctx.changes if c.kind in kept]


def _is_reno_note(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.parent.as_posix().endswith(_RENO_DIR) and pure.suffix in (".yaml", ".yml")


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """One item per change note the range adds or edits."""
    items: list[Evidence] = []
    reno: list[str] = []
    for path in _written(ctx):
        kind = fragment_type(path)
        if kind is not None:
            items.append(_note(_FRAGMENT_LEVELS[kind], f"news fragment of type {kind}", path))
        elif _is_reno_note(path):
            reno.append(path)
    for path, text in read_texts(ctx, ctx.head_sha, reno).items():
        found = reno_level(text) if len(text) <= _MAX_NOTE_CHARS else None
        if found is None:
            log.debug("release note %s names no known section", path)
            continue
        level, section = found
        items.append(_note(level, f"release note in section {section}", path))
    # The highest level first, so the decision cites the note that decided.
    items.sort(key=lambda item: -item.level)
    return items
