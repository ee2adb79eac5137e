"""Options that JavaScript code starts to honour: ``options.includePrerelease`` read anew.

Many JavaScript libraries take one options object and grow features by reading new keys of it
(semver 7.6.0 taught ``coerce`` the ``includePrerelease`` option). Neither the exports nor the
parameter lists change then: only the code reads ``options.<key>`` where it did not before.

A module of the package (not a test, not excluded, not vendored third-party code) whose head
reads a key of an ``options`` / ``opts`` object that its base text never mentions gained an
option: a feature (minor, strong). Assignments (``options.x = ...``, defaults being filled in)
are not reads. The reads are found in the module's tree-sitter tree (the parse its exports are
read from, see :mod:`~release_tools.analysis.evidence.javascript.exports`), so a key named in a
comment or string is no read and one read in a template literal's substitution is; a module
that is not parsed is scanned with comments and strings blanked.
"""

from __future__ import annotations

import re

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    blob_sizes,
    evidence,
    is_vendored,
    new_path,
    old_path,
    read_pairs,
)
from release_tools.analysis.evidence.javascript.exports import read_module
from release_tools.analysis.evidence.javascript.linear import blank_code, line_finder
from release_tools.analysis.evidence.javascript.parser import ParseBudget
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, FileChange, Strength

__all__ = ["gather_options", "option_reads"]

# ``options.key`` / ``opts?.key``, not ``this.options.key`` of another object's state nor an
# assignment to the key.
_READ = re.compile(
    r"(?<![\w$.])(?:options|opts)\??\.(?P<key>[A-Za-z_$][\w$]*)(?![\w$])(?![ \t]*=(?!=))"
)
_SOURCE = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_TYPINGS = (".d.ts", ".d.mts", ".d.cts")
_MAX_CHARS = 500_000
#: At most this many modules, and bytes, are read: the signal matters on small, focused ranges.
_MAX_FILES = 200
_MAX_BYTES = 8_000_000


def option_reads(
    code: str, path: str | None = None, budget: ParseBudget | None = None
) -> dict[str, int]:
    """The keys of an options object that ``code`` (the module at ``path``) reads, each with
    its first line."""
    module = read_module(code, path, budget=budget)
    if module.option_reads is not None:
        return {key: module.line_of(at) for key, at in module.option_reads.items()}
    blank = blank_code(code)
    line_of = line_finder(blank)
    found: dict[str, int] = {}
    for match in _READ.finditer(blank):
        found.setdefault(match["key"], line_of(match.start("key")))
    return found


def _candidate(change: FileChange) -> bool:
    path = change.path
    if change.excluded or not path.endswith(_SOURCE) or path.endswith(_TYPINGS):
        return False
    return not is_vendored(path)


def gather_options(
    ctx: AnalysisContext, changes: list[FileChange], budget: ParseBudget | None = None
) -> list[Evidence]:
    """Minor evidence for modified modules that read options their base never mentioned.

    The head versions are parsed within ``budget`` (their exports are read from the same
    parse later).
    """
    pairs = [
        (before, after)
        for change in changes
        if _candidate(change)
        and (before := old_path(change)) is not None
        and (after := new_path(change)) is not None
    ][:_MAX_FILES]
    if not pairs:
        return []
    # Sizes first (one batch request): big generated modules are skipped unread, and the
    # bytes read stay bounded on huge ranges.
    old_sizes = blob_sizes(ctx, ctx.base_sha, [before for before, _after in pairs])
    new_sizes = blob_sizes(ctx, ctx.head_sha, [after for _before, after in pairs])
    kept, total = [], 0
    for before, after in pairs:
        size = old_sizes.get(before, 0) + new_sizes.get(after, 0)
        if max(old_sizes.get(before, 0), new_sizes.get(after, 0)) > _MAX_CHARS:
            continue
        if total + size > _MAX_BYTES:
            break
        kept.append((before, after))
        total += size
    items: list[Evidence] = []
    for _before, after, old_code, new_code in read_pairs(ctx, kept):
        if len(old_code) > _MAX_CHARS or len(new_code) > _MAX_CHARS:
            continue
        # Any mention counts, comments included: a documented option is no new one.
        old_words = set(re.findall(r"[A-Za-z_$][\w$]*", old_code))
        for key, line in sorted(option_reads(new_code, after, budget).items()):
            if key in old_words:
                continue
            items.append(
                evidence(
                    "javascript-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MINOR,
                    Strength.STRONG,
                    f"{after} reads a new option {key}",
                    path=after,
                    line=line,
                )
            )
    return items
