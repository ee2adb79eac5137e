"""Which files of a revision may alias identifiers of some packages of the module, asked of git.

A public package often shows another package's identifiers of its module under its own names
(``type Client = impl.Client``, ``var New = impl.New``); a range that changes only the named
package changes the public one's API too. Two ``git grep`` runs find the candidates without
reading a blob into Python. The first, :func:`alias_declarations`, lists the files with a line
shaped like such a declaration: a name bound to another package's exported identifier,
perhaps instantiated (``Client = impl.Client``, ``type List[T any] = impl.List[T]``), in
gofmt's layout or not (a one-line group, comments, the value on the next line). It does
not depend on which packages changed, so it is asked once, of the head only: a package whose
files did not change reads alike at both sides. The second, :func:`importing`, keeps those
of the files found that import one of some packages (fixed strings over those files alone),
and is asked again for each link of a chain of aliases. Both are loose on purpose (a
declaration in a function body matches too): they only spare reading packages that merely
call the named one; the gatherer reads the candidates and keeps those that declare aliases.

The first run uses a Perl-compatible pattern, which git matches in about the time it takes
to read the blobs; git's POSIX engine is many times slower with it. A git built without PCRE
fails that run: a looser POSIX pattern is asked instead, and more files are kept.
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection, Sequence

from release_tools.analysis.context import AnalysisContext

__all__ = ["MAX_FILES", "alias_declarations", "importing"]

#: Files kept of the first search (the module's top packages first), which is also the most
#: the second search is asked about in one run.
MAX_FILES = 500
#: Directories of no package an importable one may alias (tests' data, copies of other
#: modules, programs, examples); leaving them out spares git reading their blobs.
#: ``internal`` ones are searched: a public alias may name an internal alias in turn.
_UNSEARCHED = ("testdata", "vendor", "examples", "example", "cmd", ".*", "_*")
#: Spaces and block comments between the tokens of a declaration.
_GAP = r"(?:\s|/\*.*?\*/)*"
#: ``name.Exported`` (``name . Exported``), perhaps instantiated, perhaps in parentheses.
_TARGET = r"\(?" + _GAP + r"\w+\s*\.\s*[A-Z]\w*\s*(?:\[.*\])?\s*\)?"
#: A line declaring an alias of, or a variable bound to, another package's exported
#: identifier, in gofmt's layout or not: at the start of the line, of a one-line group
#: (``type ( A = x.A; B = x.B )``) or after a ``;``, ``type`` and any name, else exported
#: names (``var``, ``const`` or within a block), type parameters or a declared type, ``=``,
#: block comments, then ``name.Exported`` (perhaps among other values), perhaps
#: instantiated, ending the line or the spec (``;``, ``)``, a comment); or such a head whose
#: value is on the next line (``type Client =``). The module's ``go.mod`` is searched too,
#: for its ``module`` line: a run that works lists it.
_DECLARATION = (
    r"(?:^|;)\s*(?:(?:type|var|const)\s*\(\s*)?"
    r"(?:type\s+\w+|(?:(?:var|const)\s+)?[A-Z]\w*(?:\s*,\s*\w+)*)"
    r"(?:\s*\[[^=]*\])?(?:\s+[^=\s][^=]*)?\s*="
    + _GAP
    + r"(?:"
    + _TARGET
    + r"(?:\s*,\s*[^,;]+?)*\s*(?:[;)]|//|/\*|$)|$)|^module\s"
)
#: What the POSIX engine is asked instead: any line with ``= name.Exported`` ending it or a
#: spec, or ending with ``=``.
_LOOSE = (
    r"=[[:space:]]*(/\*.*\*/[[:space:]]*)?\(?[[:space:]]*[A-Za-z_][A-Za-z0-9_]*[[:space:]]*"
    r"\.[[:space:]]*[A-Z][A-Za-z0-9_]*[[:space:]]*(\[.*\])?[[:space:]]*\)?[[:space:]]*"
    r"([;),/].*)?$|=[[:space:]]*$|^module[[:space:]]"
)


def _pathspecs() -> list[str]:
    """The non-test ``.go`` files outside :data:`_UNSEARCHED` directories (a pathspec's ``*``
    also matches ``/``, so ``*/vendor/*`` is any ``vendor`` below the top)."""
    excluded = [
        spec for name in _UNSEARCHED for spec in (f":(exclude){name}/*", f":(exclude)*/{name}/*")
    ]
    return ["*.go", ":(exclude)*_test.go", *excluded]


def _listed(output: bytes, ref: str) -> list[str]:
    prefix = f"{ref}:"
    names = (raw.decode("utf-8", "surrogateescape") for raw in output.split(b"\0"))
    return [name[len(prefix) :] for name in names if name.startswith(prefix)]


def alias_declarations(ctx: AnalysisContext, ref: str, go_mod: str) -> list[str]:
    """The non-test ``.go`` files at ``ref`` with a line that may declare an alias of another
    package's exported identifier, outside directories of no package an importable one may
    alias; at most :data:`MAX_FILES`, sorted by directory depth, then path (the module's top
    packages first). ``go_mod`` is a ``go.mod`` file at ``ref``: listed by a run that works,
    it tells one that found nothing from one that failed. Nothing is listed when git fails
    both ways."""
    specs = [*_pathspecs(), f":(literal){go_mod}"]
    listed = _listed(
        ctx.git.run_bytes(
            "grep", "--files-with-matches", "-z", "-P", "-e", _DECLARATION, ref, "--", *specs,
            check=False,
        ),
        ref,
    )  # fmt: skip
    if go_mod not in listed:
        listed = _listed(
            ctx.git.run_bytes(
                "grep", "--files-with-matches", "-z", "-E", "-e", _LOOSE, ref, "--", *specs,
                check=False,
            ),
            ref,
        )  # fmt: skip
    found = [path for path in listed if path.endswith(".go")]
    found.sort(key=lambda path: (posixpath.dirname(path).count("/"), path))
    return found[:MAX_FILES]


def importing(
    ctx: AnalysisContext, ref: str, paths: Sequence[str], import_paths: Collection[str]
) -> list[str]:
    """Those of ``paths`` (at most :data:`MAX_FILES`) that import, at ``ref``, a package at
    one of ``import_paths``; none when git fails."""
    if not paths or not import_paths:
        return []
    # Quoted, so that ``.../impl`` does not find the importers of ``.../impl2``; Go also
    # accepts a raw string literal as an import path.
    literals = [f"{quote}{path}{quote}" for path in sorted(import_paths) for quote in '"`']
    patterns = [arg for literal in literals for arg in ("-e", literal)]
    output = ctx.git.run_bytes(
        "grep", "--files-with-matches", "-z", "-F", *patterns, ref, "--",
        *(f":(literal){path}" for path in paths[:MAX_FILES]),
        check=False,
    )  # fmt: skip
    return _listed(output, ref)
