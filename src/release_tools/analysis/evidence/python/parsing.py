"""Read one side of a Python module with griffe: statically, bodies pruned, overloads adopted.

:func:`parse` gives griffe's module for a source text. Function bodies are pruned first when
the pruned text still parses (griffe does not read them, so nothing it reports changes), and a
function a stub declares only through ``@overload`` variants becomes a member of its scope
(:func:`overload_only` tells such functions apart, whose signature is one of several). A module
griffe cannot read raises :class:`Unreadable` with the line, if known.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import griffe

from release_tools.analysis.evidence.python.nowhere import NOWHERE
from release_tools.analysis.evidence.python.prune import prune_bodies

__all__ = ["ModuleSource", "Unreadable", "overload_only", "parse", "visit"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModuleSource:
    """One side of one module: where it lives and its code."""

    path: str
    code: str


class Unreadable(Exception):
    """griffe could not read a module (syntax error, or a construct it trips on)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def visit(dotted: str, source: ModuleSource) -> griffe.Module:
    """The module griffe reads from ``source``, function bodies pruned first (see :func:`parse`)."""
    return parse(dotted, source)[0]


def parse(dotted: str, source: ModuleSource) -> tuple[griffe.Module, str]:
    """The module and the text it was read from: function bodies pruned when that parses.

    Griffe never reads function bodies (but ``__init__``'s), so pruning them changes nothing
    it reports and saves most of the parsing; see :mod:`.prune`.
    """
    path = NOWHERE / source.path  # the name griffe gives compile(): see NOWHERE
    # A UTF-8 byte order mark is no character of the module for Python's own import.
    code = source.code.removeprefix("\ufeff")
    if not source.path.endswith(".pyi"):
        pruned = prune_bodies(code)
        if pruned is not code:
            try:
                module = griffe.visit(dotted, path, pruned)  # type: ignore[arg-type]
                return _fast_exports(_adopt_overloads(module)), pruned
            except Exception:
                # Pruning only saves time: the untouched text decides, errors included.
                log.debug("pruned %s did not parse; reading it whole", source.path)
    try:
        module = griffe.visit(dotted, path, code)  # type: ignore[arg-type]
        return _fast_exports(_adopt_overloads(module)), code
    except SyntaxError as exc:
        raise Unreadable("does not parse", exc.lineno) from exc
    except Exception as exc:
        # griffe raises assorted errors on unusual but valid code; one module must not stop
        # the analysis of the others.
        raise Unreadable(f"could not be analyzed ({type(exc).__name__})", None) from exc


class _Exports(list):  # type: ignore[type-arg]
    """A module's ``__all__`` as griffe keeps it (strings, and expressions for what it could
    not resolve) that answers ``name in exports`` from a set. griffe asks that of every member
    (``is_public``), so a module listing twenty thousand names took seconds in list scans. An
    expression never equals a string, so the strings decide."""

    def __init__(self, items: list[object]) -> None:
        super().__init__(items)
        self._names = frozenset(item for item in items if isinstance(item, str))

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self._names
        return list.__contains__(self, item)


def _fast_exports(module: griffe.Module) -> griffe.Module:
    """``module`` with its ``__all__`` answering membership in constant time (read only)."""
    if module.exports and len(module.exports) > 16:
        module.exports = _Exports(list(module.exports))
    return module


#: Namespace of this tool's marks in griffe's ``extra`` dictionaries.
_EXTRA = "release_tools"


def _adopt_overloads(module: griffe.Module) -> griffe.Module:
    """``module`` with the functions it declares only through ``@overload`` variants as members.

    griffe attaches overloads to the implementation that follows them. A stub (``.pyi``) has no
    implementation, so such a function would be missing from its module and read as removed;
    the last variant, by convention the most general one, stands for it. Its signature is one of
    several, so it is marked and not compared (see :func:`overload_only`).
    """
    scopes: list[griffe.Module | griffe.Class] = [module]
    while scopes:
        scope = scopes.pop()
        for name, variants in scope.overloads.items():
            if variants and name not in scope.members:
                variants[-1].extra[_EXTRA]["overload_only"] = True
                scope.set_member(name, variants[-1])
        scopes.extend(m for m in scope.members.values() if isinstance(m, griffe.Class))
    return module


def overload_only(obj: griffe.Object | griffe.Alias | None) -> bool:
    """Whether ``obj`` stands for a function known only by its ``@overload`` variants."""
    if obj is None or isinstance(obj, griffe.Alias):
        return False
    return bool(obj.extra[_EXTRA].get("overload_only"))
