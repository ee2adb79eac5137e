"""Deprecations in shipped code: new ones are a minor release, removed ones a major release.

A deprecation site is a line of shipped source that warns or marks something deprecated:
``DeprecationWarning`` (and ``PendingDeprecationWarning`` or a project's own
``...DeprecationWarning`` subclass), ``FutureWarning``, ``@deprecated`` (PEP 702, JSDoc),
``deprecated(`` and Node's ``util.deprecate(``. A line that names a category only to filter
catch or define warnings (``warnings.simplefilter("default", DeprecationWarning)``, ``except
DeprecationWarning``, ``class RemovedIn3Warning(DeprecationWarning):``) deprecates nothing and
is no site, and neither does one that imports a category or lists it in ``__all__``.

* New sites: Semantic Versioning (item 7) asks for a minor release when public API is marked
  deprecated.
* Fewer sites at head than at base, counted over every changed shipped file together (so a
  warning that moves between files is not counted): deprecated paths were taken out, which is
  what major releases do. On the benchmark's training pairs a net loss of sites was seen in
  10 of 23 PyPI majors and in no minor or patch release. The decision asks for a review when
  this is the only breaking sign (see :mod:`~release_tools.analysis.decision`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    changed_files,
    evidence,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.evidence._grep import without_any, worth_asking
from release_tools.analysis.models import (
    Bump,
    ChangeKind,
    Evidence,
    EvidenceKind,
    EvidenceSource,
    FileChange,
    Strength,
)

__all__ = ["gather"]

#: Shipped source files whose deprecations are read.
SUFFIXES = (".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx")

# Python warnings categories and decorators (PEP 702), JSDoc tags and Node's util.deprecate.
# The name may carry a project prefix (PydanticDeprecationWarning, RemovedInX...Warning is not
# covered: it names no deprecation).
_SITE = re.compile(
    r"DeprecationWarning\b|\bFutureWarning\b|@deprecated\b|\bdeprecated\(|util\.deprecate\("
)
# Lines that name a warning category to configure, catch or define warnings, not to warn:
# filters (``warnings.simplefilter("default", DeprecationWarning)``), ``except`` clauses, type
# tests, a project's own category (``class RemovedIn3Warning(DeprecationWarning):``), and the
# definition of a helper (``def deprecated(...)``, a fallback for ``typing_extensions``'s).
_NOT_WARNING = re.compile(
    r"\b(?:simplefilter|filterwarnings|catch_warnings|resetwarnings|warns|assertWarns"
    r"|assertWarnsRegex|isinstance|issubclass)\(|\bexcept\b|^class\s"
    r"|^(?:async\s+)?def\s|^(?:export\s+)?(?:async\s+)?function\s+\w*[dD]eprecat"
)
# Lines that only name a category to bring it into scope or list it: an import (Python or
# JavaScript), an ``__all__`` assignment, or an ``__all__`` entry on a line of its own
# (``"PyparsingDeprecationWarning",``). A module that starts importing its own category
# deprecates nothing by that.
_NAMING = re.compile(r"^(?:from\s+\S+\s+)?import\s|^__all__\b|^(?:(['\"])[\w.]+\1\s*,?\s*)+$")
# A line of names and commas only, as in the body of a parenthesized import.
_NAME_LIST = re.compile(r"^[\w\s,]*$")
# The opening line of a parenthesized Python import.
_IMPORT_OPEN = re.compile(r"^from\s+\S+\s+import\s*\(\s*$")
#: Lines looked back over for the opening of a parenthesized import.
_IMPORT_LOOKBACK = 200
# Cheap substring checks before the regex: most changed files mention none of these.
_HINTS = ("eprecat", "FutureWarning")
_WHOLE_FILE = (ChangeKind.ADDED, ChangeKind.DELETED)


def _hinted(text: str) -> bool:
    return any(hint in text for hint in _HINTS)


@dataclass(frozen=True, slots=True)
class _Site:
    """One deprecation site: its line number, the stripped line, and that line with the one before.

    ``DeprecationWarning,`` alone occurs in every ``warnings.warn`` call, so sites are matched
    between base and head with the line before them (``context``).
    """

    number: int
    line: str
    context: str


def _hinted_lines(text: str) -> list[int]:
    """Start offsets of the lines of ``text`` that hold a hint, in order.

    Every site pattern contains one of :data:`_HINTS`; ``str.find`` locates them far faster
    than the regex can scan a whole file (it has no literal prefix to search for).
    """
    starts: set[int] = set()
    for hint in _HINTS:
        index = text.find(hint)
        while index != -1:
            starts.add(text.rfind("\n", 0, index) + 1)
            line_end = text.find("\n", index)
            if line_end == -1:
                break
            index = text.find(hint, line_end)
    return sorted(starts)


def _sites(text: str) -> list[_Site]:
    """The deprecation sites of ``text`` in order, one per line.

    Only the lines holding a hint are searched, and line numbers are counted from the previous
    site on: scanning every file with the regex and counting lines from the start for each site
    made this the costliest step of the surface evidence on big ranges. Sites never span lines, so
    a line-bounded search finds the same ones.
    """
    if not _hinted(text):
        return []
    found: list[_Site] = []
    number, counted = 1, 0
    for start in _hinted_lines(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        if _SITE.search(text, start, end) is None:
            continue
        line = text[start:end].strip()
        previous = "" if start == 0 else text[text.rfind("\n", 0, start - 1) + 1 : start - 1]
        previous = previous.strip()
        if _NOT_WARNING.search(line) or (previous.endswith("(") and _NOT_WARNING.search(previous)):
            continue  # a filter's argument, a caught category: nothing is deprecated here
        if _NAMING.match(line) or (_NAME_LIST.match(line) and _in_import(text, start)):
            continue  # imported or listed: named, not warned
        number += text.count("\n", counted, start)
        counted = start
        context = f"{previous} {line}" if start else line
        found.append(_Site(number, line, context))
    return found


def _in_import(text: str, start: int) -> bool:
    """Whether the line at offset ``start`` is inside a parenthesized ``from x import (...)``:
    the lines above it up to the opening one hold only names and commas."""
    end = start - 1
    for _ in range(_IMPORT_LOOKBACK):
        if end < 0:
            return False
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end].strip()
        if _IMPORT_OPEN.match(line):
            return True
        if not _NAME_LIST.match(line):
            return False
        end = begin - 1
    return False


def _new_sites(before: list[_Site], after: list[_Site]) -> list[tuple[int, str]]:
    if len(after) <= len(before):
        return []
    known = {site.line for site in before}
    return [(site.number, site.line) for site in after if site.line not in known]


def _removed_sites(
    before: dict[str, list[_Site]], after: dict[str, list[_Site]]
) -> tuple[int, list[tuple[str, int, str]]]:
    """How many fewer sites ``after`` has than ``before`` over all files, and the sites gone.

    Both map paths to their sites (base and head). The net count is zero or less when the head
    has as many sites as the base; the list holds ``(path, line, text)`` of base sites (with
    the line before each) that no longer occur at head, in path order.
    """
    net = sum(map(len, before.values())) - sum(map(len, after.values()))
    # Matched as a multiset: the same text may occur at several places.
    remaining = Counter(site.context for sites in after.values() for site in sites)
    gone: list[tuple[str, int, str]] = []
    for path in sorted(before):
        for site in before[path]:
            if remaining[site.context] > 0:
                remaining[site.context] -= 1
            else:
                gone.append((path, site.number, site.context))
    return net, gone


def _source(path: str) -> EvidenceSource:
    return "python-api" if path.endswith((".py", ".pyi")) else "javascript-api"


def _touches(change: FileChange, signs: str) -> bool:
    """Whether the diff's ``signs`` lines (``+``, ``-`` or both) may hold a deprecation site."""
    if change.truncated or not change.hunks:
        return True
    text = "\n".join(line for hunk in change.hunks for line in hunk.lines if line[:1] in signs)
    return _hinted(text) and _SITE.search(text) is not None


def _new_evidence(
    changes: list[FileChange], before: dict[str, list[_Site]], after: dict[str, list[_Site]]
) -> list[Evidence]:
    items: list[Evidence] = []
    for change in changes:
        # Files without sites at head (most of a big range) are passed over before their
        # hunks are joined.
        new = after.get(change.path)
        if not new or change.kind is ChangeKind.DELETED or not _touches(change, "+"):
            continue
        found = _new_sites(before.get(old_path(change) or "", []), new)
        if not found:
            continue
        line, text = found[0]
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        items.append(
            evidence(
                _source(change.path),
                EvidenceKind.DEPRECATION_ADDED,
                Bump.MINOR,
                Strength.STRONG,
                f"new deprecation in {change.path}: {text}{more}",
                path=change.path,
                line=line,
            )
        )
    return items


def _removed_evidence(
    before: dict[str, list[_Site]], after: dict[str, list[_Site]]
) -> list[Evidence]:
    net, gone = _removed_sites(before, after)
    if net <= 0 or not gone:
        return []
    path, line, text = gone[0]
    return [
        evidence(
            _source(path),
            EvidenceKind.DEPRECATED_REMOVED,
            Bump.MAJOR,
            Strength.STRONG,
            f"removed deprecated code: {net} fewer deprecation "
            f"warning{'s' if net > 1 else ''} in shipped code, e.g. {text}",
            path=path,
            line=line,
        )
    ]


def _hinted_only(ctx: AnalysisContext, ref: str, paths: list[str]) -> list[str]:
    plain = without_any(ctx, ref, paths, _HINTS)
    return [path for path in paths if path not in plain]


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """New and removed deprecations in the range's shipped source files."""
    candidates = changed_files(ctx, SUFFIXES)
    sift = worth_asking(candidates)
    # An added or deleted file's hunks are its whole text, which git grep searches faster.
    changes = [c for c in candidates if (sift and c.kind in _WHOLE_FILE) or _touches(c, "+-")]
    if not changes:
        return []
    old_paths = [p for c in changes if (p := old_path(c))]
    new_paths = [p for c in changes if (p := new_path(c))]
    if sift:
        # A file without any hint holds no site: git finds those without reading them here.
        old_paths = _hinted_only(ctx, ctx.base_sha, old_paths)
        new_paths = _hinted_only(ctx, ctx.head_sha, new_paths)
    old_texts = read_texts(ctx, ctx.base_sha, old_paths)
    new_texts = read_texts(ctx, ctx.head_sha, new_paths)
    # Each file's sites are found once and serve both the new and the removed evidence.
    before = {path: _sites(text) for path, text in old_texts.items()}
    after = {path: _sites(text) for path, text in new_texts.items()}
    return [*_new_evidence(changes, before, after), *_removed_evidence(before, after)]
