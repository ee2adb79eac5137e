"""Read the exports of one JavaScript / TypeScript module by a linear scan; pure, no I/O.

The fallback for modules too big to parse with tree-sitter (see
:mod:`~release_tools.analysis.evidence.javascript.exports`): its cost grows linearly with the
text, and it holds no tree. Comments and string contents are blanked first, keeping offsets,
so that commented-out code never counts and line numbers stay exact. It finds ``export
function/class/const/let/var/interface/type/enum/namespace/default``, ``export { a, b as c }``,
``export * from``, ``export * as ns from``, ``export =``, ``module.exports = {...}``,
``module.exports.x =`` and ``exports.x =``, the members of exported classes, interfaces and
declared namespaces (``Class.member``), and for functions the number of parameters a caller
must pass and the names it may pass (parameters, and the keys of a destructured options
object: ``{ windowsPathsNoEscape, magicalBraces }``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from release_tools.analysis.evidence.javascript.members import (
    ExportRow,
    container_members,
    containers,
)
from release_tools.analysis.evidence.javascript.reexports import ReExport
from release_tools.analysis.evidence.javascript.textparams import (
    param_names,
    required_params,
    signature_of,
)
from release_tools.analysis.evidence.javascript.textscan import (
    at_lines,
    balanced,
    blank_code,
    line_finder,
    split_top,
)

# blank_code and line_finder live in ``textscan``, param_names and required_params in
# ``textparams``, ExportRow in ``members``; importable here too, as the scanner's vocabulary.
__all__ = [
    "Export",
    "ExportRow",
    "blank_code",
    "line_finder",
    "param_names",
    "parse_exports",
    "re_exports",
    "required_params",
    "scan_exports",
    "star_sources",
]

_DECL = re.compile(
    r"^[ \t]*export[ \t]+(?:declare[ \t]+)?(?P<default>default[ \t]+)?"
    r"(?:abstract[ \t]+)?(?:async[ \t]+)?"
    r"(?P<kind>function\*?|class|const|let|var|interface|type|enum|namespace|module)"
    r"[ \t]*(?P<name>[A-Za-z_$][\w$]*)?",
    re.MULTILINE,
)
_DEFAULT_EXPR = re.compile(
    r"^[ \t]*export[ \t]+default[ \t]+(?!function|class|abstract|async)", re.M
)
_BRACES = re.compile(r"^[ \t]*export[ \t]+(?:type[ \t]+)?\{(?P<names>[^}]*)\}", re.MULTILINE)
_STAR_AS = re.compile(r"^[ \t]*export[ \t]+\*[ \t]+as[ \t]+(?P<name>[\w$]+)", re.MULTILINE)
_FROM = re.compile(
    r"^[ \t]*export[ \t]+(?:type[ \t]+)?"
    r"(?:\*|\*[ \t]+as[ \t]+(?P<ns>[\w$]+)|\{(?P<names>[^}]*)\})[ \t]*from[ \t]*"
    r"(?P<q>['\"])(?P<spec>[^'\"]+)(?P=q)",
    re.MULTILINE,
)
_MODULE_EXPORTS_OBJ = re.compile(r"module\.exports[ \t]*=[ \t]*\{")
_MODULE_EXPORTS_ANY = re.compile(r"module\.exports[ \t]*=(?![ \t]*\{)(?!=)")
# Starts with a literal so that the scan skips ahead (``module.`` before it is on the same line).
# ``exports.x =`` and, as bundlers write it, ``exports["x"] =``: the key is read from the
# original text, since blanking emptied the string.
_EXPORTS_DOT = re.compile(
    r"exports(?:\.(?P<name>[A-Za-z_$][\w$]*)|\[[ \t]*(?P<q>['\"])(?P<key>[^'\"\n]*)(?P=q)[ \t]*\])"
    r"[ \t]*=(?!=)"
)
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
_EXPORT_ASSIGN = re.compile(r"^[ \t]*export[ \t]*=[ \t]*(?P<name>[\w$]+)", re.MULTILINE)
# ``export declare const escape: (s: string, opts?: O) => string`` (a function-typed constant).
_TYPED_ARROW = re.compile(
    r"^[ \t]*export[ \t]+(?:declare[ \t]+)?(?:const|let|var)[ \t]+(?P<name>[\w$]+)[ \t]*:"
    r"[ \t]*\(",
    re.MULTILINE,
)
_ARROW = re.compile(
    r"^[ \t]*export[ \t]+(?:const|let|var)[ \t]+(?P<name>[\w$]+)[ \t]*(?::[^=]+)?=[ \t]*"
    r"(?:async[ \t]+)?(?:function[ \t]*\*?[ \t]*[\w$]*[ \t]*)?\(",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Export:
    """One exported name, its line, and for functions the count of required parameters and
    the names a caller may pass (see :func:`param_names`)."""

    name: str
    kind: str
    line: int
    required: int | None = None
    params: frozenset[str] | None = None


def parse_exports(code: str) -> dict[str, Export]:
    """The exported names of one JS/TS module; pure and tolerant of any input.

    Members of exported classes and interfaces are listed too, as ``Class.member``.
    """
    rows, line_of = scan_exports(code)
    return {
        name: Export(name, kind, line_of(offset), required, params)
        for name, (kind, offset, required, params) in rows.items()
    }


def scan_exports(
    code: str, signatures: bool = True
) -> tuple[dict[str, ExportRow], Callable[[int], int]]:
    """What :func:`parse_exports` finds, as plain rows, and the offset-to-line function.

    A generated module can export hundreds of thousands of names, nearly all of which are only
    counted: rows are cheap tuples, and lines are computed only for what gets reported.
    Without ``signatures`` (an added or deleted module: no name to compare with) parameter
    lists are not read: every ``required`` and ``names`` is None, kinds and lines are the same.
    """
    blank = blank_code(code)
    out: dict[str, ExportRow] = {}

    def add(
        name: str,
        kind: str,
        offset: int,
        required: int | None = None,
        names: frozenset[str] | None = None,
    ) -> None:
        out.setdefault(name, (kind, offset, required, names))

    for at, match in at_lines(_DECL, blank):
        kind, default, name = match.group("kind", "default", "name")
        if default:
            name = "default"
        if not name or name in out:
            continue  # the first declaration of a name is the one kept
        required, names = None, None
        if signatures and kind.startswith("function"):
            paren = blank.find("(", match.end())
            required, names = signature_of(balanced(blank, paren, "([{") if paren != -1 else None)
        out[name] = (kind.rstrip("*"), at, required, names)
    # Each pattern needs a literal that many modules lack (a generated table has no ``(``):
    # checking for it is one fast scan, where trying the pattern costs one attempt per line.
    arrows = (_ARROW, _TYPED_ARROW) if "(" in blank else ()
    for pattern in arrows:
        for _at, match in at_lines(pattern, blank):
            params = balanced(blank, match.end() - 1, "([{")
            if params is None:
                continue
            after = match.end() + len(params) + 1
            if pattern is _TYPED_ARROW and not re.match(r"\s*=>", blank[after : after + 40]):
                continue  # a parenthesised type, not a function type
            row = out.get(match["name"])
            if row is not None and row[2] is None:
                required, names = signature_of(params) if signatures else (None, None)
                out[match["name"]] = ("function", row[1], required, names)
    for at, _match in at_lines(_DEFAULT_EXPR, blank) if "default" in blank else ():
        add("default", "default", at)
    for at, match in at_lines(_BRACES, blank) if "{" in blank else ():
        for item in match["names"].split(","):
            words = item.replace("type ", " ").split()
            if not words:
                continue
            name = words[-1] if len(words) >= 3 and words[-2] == "as" else words[0]
            if re.fullmatch(r"[\w$]+", name):
                add(name, "name", at)
    for at, match in at_lines(_FROM, blank) if "from" in blank else ():
        if re.search(r"export[ \t]+\*[ \t]*from", blank[at : match.start("q")]):
            spec = code[match.start("spec") : match.end("spec")]
            add(f"* from {spec}", "re-export", at)
    for at, match in at_lines(_STAR_AS, blank) if "*" in blank else ():
        add(match["name"], "namespace", at)
    for match in _MODULE_EXPORTS_OBJ.finditer(blank):
        body = balanced(blank, match.end() - 1, "([{") or ""
        for item in split_top(body):
            key = re.match(r"(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)", item)
            if key:
                add(key.group(1), "name", match.start())
    for match in _MODULE_EXPORTS_ANY.finditer(blank):
        add("default", "default", match.start())
    for match in _EXPORTS_DOT.finditer(blank):
        name = match["name"] or code[match.start("key") : match.end("key")]
        if _IDENTIFIER.fullmatch(name):
            add(name, "name", match.start())
    assigned: set[str] = set()
    for at, match in at_lines(_EXPORT_ASSIGN, blank):
        add("default", "default", at)
        assigned.add(match["name"])
    has_containers = any(word in blank for word in ("class", "interface", "namespace", "module"))
    for cls in containers(blank) if has_containers else ():
        if cls["name"] in out:
            container_members(blank, cls, cls["name"], out, 0, signatures)
        elif cls["name"] in assigned and cls["kind"] in ("namespace", "module"):
            # ``export = name``: the namespace's declarations are the module's own exports.
            lifted: dict[str, ExportRow] = {}
            container_members(blank, cls, cls["name"], lifted, 0, signatures)
            dotted = cls["name"] + "."
            for name, row in lifted.items():
                out.setdefault(name.removeprefix(dotted), row)
    return out, line_finder(blank)


def star_sources(code: str) -> list[str]:
    """Relative specifiers this module re-exports from (``export ... from './x'``)."""
    if "from" not in code:
        return []  # blanking only turns characters into spaces: it cannot make the word
    blank = blank_code(code)
    specs: list[str] = []
    for _at, match in at_lines(_FROM, blank):
        # The blanked text kept the quotes; read the specifier from the original at that span.
        original = code[match.start("spec") : match.end("spec")]
        if original.startswith("."):
            specs.append(original)
    return specs


# One item of an ``export { ... } from`` list in blanked text: quoted names keep their quotes.
_CLAUSE_ITEM = re.compile(
    r"\s*(?:type\s+)?(?P<name>[\w$]+|'[^']*'|\"[^\"]*\")"
    r"(?:\s+as\s+(?P<alias>[\w$]+|'[^']*'|\"[^\"]*\"))?\s*"
)


def _clause_names(code: str, blank: str, start: int, end: int) -> tuple[tuple[str, str], ...]:
    """``(exported, original)`` of each item of the braces at ``blank[start:end]``; names in
    quotes are read from ``code`` (the blanked text holds only spaces between the quotes)."""
    pairs: list[tuple[str, str]] = []
    at = start
    for item in blank[start:end].split(","):
        found = _CLAUSE_ITEM.fullmatch(item)
        if found is not None:
            spans = [found.span("name"), found.span("alias") if found["alias"] else None]
            name, alias = (
                code[at + span[0] : at + span[1]].strip("'\"") if span else None for span in spans
            )
            if name is not None:
                pairs.append((alias or name, name))
        at += len(item) + 1
    return tuple(pairs)


def re_exports(code: str) -> list[ReExport]:
    """The ``export ... from`` statements of this module, with the names each passes on."""
    if "from" not in code:
        return []
    blank = blank_code(code)
    found: list[ReExport] = []
    for _at, match in at_lines(_FROM, blank):
        spec = code[match.start("spec") : match.end("spec")]
        if match["ns"] is not None:
            found.append(ReExport(spec, namespace=match["ns"]))
        elif match["names"] is not None:
            names = _clause_names(code, blank, *match.span("names"))
            found.append(ReExport(spec, names=names))
        else:
            found.append(ReExport(spec))
    return found
