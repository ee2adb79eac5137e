"""Read the exports of one JavaScript / TypeScript module from its tree-sitter tree; no I/O.

Found: ``export`` declarations (functions, classes, ``const``/``let``/``var``, interfaces,
types, enums, namespaces), ``export default`` (a declaration or any expression), ``export {
a, b as c }`` with or without ``from``, ``export * from``, ``export * as ns from``, ``export
=``, and CommonJS ``module.exports = {...}`` / ``module.exports = x`` / ``module.exports.x =``
/ ``exports.x =`` anywhere in the module. Members are listed as ``Owner.member``: the public
members of exported classes, the members of interfaces and object types, enum members, and
everything declared in a namespace. Functions and methods carry their
:class:`~release_tools.analysis.evidence.javascript.signatures.Signature`; a class carries its
constructor's. Names exported by reference (``export { parse }``, ``module.exports = { Cmd }``)
take the signature and members of the local declaration they name.

A module too big to parse (see :mod:`~release_tools.analysis.evidence.javascript.parser`) is
read by the linear scanner instead, which finds the same kinds of exports with less precision.
Results are cached by content: within a run the same file version is parsed once, however many
times it is read (following re-exports, then comparing).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from release_tools.analysis.evidence.javascript import linear
from release_tools.analysis.evidence.javascript import parser as ts_parser
from release_tools.analysis.evidence.javascript.declarations import Shape
from release_tools.analysis.evidence.javascript.parser import ParseBudget, grammar_for
from release_tools.analysis.evidence.javascript.reader import Reader
from release_tools.analysis.evidence.javascript.reexports import ReExport
from release_tools.analysis.evidence.javascript.signatures import param_names, required_params

__all__ = [
    "Export",
    "ExportRow",
    "ModuleApi",
    "Shape",
    "param_names",
    "parse_exports",
    "re_exports",
    "read_module",
    "required_params",
    "scan_exports",
    "star_sources",
]

#: An export as :func:`scan_exports` finds it: ``(kind, offset, required, parameter names)``.
ExportRow = tuple[str, int, int | None, frozenset[str] | None]


@dataclass(frozen=True, slots=True)
class Export:
    """One exported name, its line, and for functions the count of required parameters and
    the names a caller may pass (see :func:`param_names`)."""

    name: str
    kind: str
    line: int
    required: int | None = None
    params: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class ModuleApi:
    """The exports of one module version.

    ``rows`` by name; ``line_of`` turns a row's offset into a line; ``shapes`` holds what the
    parse knows beyond the row (parameter types, optional properties), empty for a module read
    by the linear scan (``parsed`` False); ``sources`` lists the specifiers of ``export ...
    from`` statements and ``option_reads`` the keys of an options object the module reads, by
    their first offset (both None when not parsed: see :func:`star_sources` and
    :mod:`~release_tools.analysis.evidence.javascript.options`).
    """

    rows: dict[str, ExportRow]
    line_of: Callable[[int], int]
    shapes: dict[str, Shape]
    sources: tuple[str, ...] | None
    parsed: bool
    option_reads: dict[str, int] | None = None
    #: The ``export ... from`` statements with the names each passes on (None when not
    #: parsed: see :func:`re_exports`).
    reexports: tuple[ReExport, ...] | None = None


def _line_finder(data: bytes) -> Callable[[int], int]:
    """The 1-based line of a byte offset of ``data`` (newlines found at the first question)."""
    newlines: list[int] = []
    found = False

    def line_of(offset: int) -> int:
        nonlocal found
        if not found:
            newlines.extend(match.start() for match in re.finditer(b"\n", data))
            found = True
        return bisect_left(newlines, offset) + 1

    return line_of


#: Parsed modules by grammar and content digest, least recently used first.
_CACHE: OrderedDict[tuple[str, bytes], tuple[ModuleApi, int]] = OrderedDict()
#: The cache holds modules of at most this many source bytes in all (a parsed generated
#: module's rows take a few times its size).
_CACHE_BYTES = 8_000_000
_cached_bytes = 0


def _remember(key: tuple[str, bytes], module: ModuleApi, size: int) -> None:
    global _cached_bytes
    _CACHE[key] = (module, size)
    _cached_bytes += size
    while _cached_bytes > _CACHE_BYTES and len(_CACHE) > 1:
        _key, (_module, dropped) = _CACHE.popitem(last=False)
        _cached_bytes -= dropped


def read_module(
    code: str,
    path: str | None = None,
    *,
    parse_limit: int | None = None,
    budget: ParseBudget | None = None,
    signatures: bool = True,
) -> ModuleApi:
    """The exports of ``code`` (the module at ``path``, which picks the grammar).

    The module is parsed when it is at most ``parse_limit`` bytes (and the parser's own cap)
    and ``budget`` has that many bytes left; otherwise it is read by the linear scan, which
    reads no parameter lists without ``signatures``. A module parsed earlier in the process
    is not parsed again.
    """
    parsed = _parsed(code, path, parse_limit, budget)
    if parsed is not None:
        return parsed
    rows, line_of = linear.scan_exports(code, signatures)
    return ModuleApi(rows, line_of, {}, None, parsed=False)


def _parsed(
    code: str, path: str | None, parse_limit: int | None, budget: ParseBudget | None
) -> ModuleApi | None:
    """The parsed exports of ``code``, or None when the limits keep it from being parsed."""
    limit = ts_parser.MAX_PARSE_BYTES
    if parse_limit is not None:
        limit = min(limit, parse_limit)
    if len(code) > limit:
        # Each character is at least one byte: surely over the limit, not worth encoding.
        return None
    grammar = grammar_for(path)
    data = code.encode("utf-8", "replace")
    key = (grammar.value, hashlib.sha1(data, usedforsecurity=False).digest())
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit[0]
    if len(data) > limit or (budget is not None and not budget.take(len(data))):
        return None
    root = ts_parser.parse(data, grammar)
    if root is None:
        return None
    reader = Reader(data, grammar)
    reader.read(root)
    module = ModuleApi(
        reader.rows,
        _line_finder(data),
        reader.shapes,
        tuple(reader.sources),
        parsed=True,
        option_reads=reader.option_reads,
        reexports=tuple(reader.reexports),
    )
    _remember(key, module, len(data))
    return module


def scan_exports(
    code: str, signatures: bool = True, path: str | None = None
) -> tuple[dict[str, ExportRow], Callable[[int], int]]:
    """What :func:`parse_exports` finds, as plain rows, and the offset-to-line function.

    Without ``signatures`` every row's ``required`` and ``names`` are None (an added or
    deleted module has no signature to compare with); kinds and lines are the same.
    """
    module = read_module(code, path, signatures=signatures)
    if signatures or not module.parsed:
        return module.rows, module.line_of
    rows: dict[str, ExportRow] = {
        name: (kind, at, None, None) for name, (kind, at, _r, _n) in module.rows.items()
    }
    return rows, module.line_of


def parse_exports(code: str, path: str | None = None) -> dict[str, Export]:
    """The exported names of one JS/TS module; pure and tolerant of any input.

    Members of exported classes, interfaces, enums and namespaces are listed too, as
    ``Owner.member``.
    """
    rows, line_of = scan_exports(code, path=path)
    return {
        name: Export(name, kind, line_of(offset), required, params)
        for name, (kind, offset, required, params) in rows.items()
    }


def star_sources(
    code: str,
    path: str | None = None,
    *,
    parse_limit: int | None = None,
    budget: ParseBudget | None = None,
) -> list[str]:
    """Relative specifiers this module re-exports from (``export ... from './x'``).

    ``parse_limit`` and ``budget`` bound the parse as for :func:`read_module`.
    """
    module = _parsed(code, path, parse_limit, budget)
    if module is None or module.sources is None:
        return linear.star_sources(code)
    return [spec for spec in module.sources if spec.startswith(".")]


def re_exports(
    code: str,
    path: str | None = None,
    *,
    parse_limit: int | None = None,
    budget: ParseBudget | None = None,
) -> list[ReExport]:
    """The relative ``export ... from './x'`` statements of this module and the names each
    passes on; ``parse_limit`` and ``budget`` bound the parse as for :func:`read_module`."""
    module = _parsed(code, path, parse_limit, budget)
    found = (
        linear.re_exports(code) if module is None or module.reexports is None else module.reexports
    )
    return [statement for statement in found if statement.spec.startswith(".")]
