"""Compare one Python module between base and head: what griffe and we call breaking.

Pure functions over source text: each side is parsed with :func:`griffe.visit` (static, no
import; see :mod:`.parsing`), public names are chosen by the rules of :mod:`.names`,
and :func:`griffe.find_breaking_changes` finds signature breaks, grouped per function and
filtered by :mod:`~release_tools.analysis.evidence.python.signatures` (positional-only renames,
renamed ``*args`` / ``**kwargs`` and shifted optional parameters break nobody):

* a new method that overrides a method of a base class (of the same module) is not new API;
* kind changes (property <-> attribute), new defaults, values and return annotations keep
  callers working and are ignored;
* ``__dunder__`` methods come and go with refactorings and are not reported as removed;
* a name that disappeared but is still served by a module ``__getattr__`` (a deprecation shim)
  is not removed; loop and ``with`` targets, deleted names, ``__main__`` blocks, names bound
  only under ``if TYPE_CHECKING:`` and type variables (``T = TypeVar("T")``) are not API;
* a stub function spelled only as ``@overload`` variants is present, its signature not compared;
* a module that became a package and imports a vanished name from one of its new submodules
  moved that name rather than removed it, and a removed module that only did ``from x import
  *`` was an alias of a module that lives on: both are review items (weak), not proof of a
  break (urllib3 2.2.3, pydantic 2.7.4 on the accuracy benchmark were patch releases).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import PurePosixPath

import griffe

from release_tools.analysis.evidence.python.additions import (
    Findings,
    added_members,
    kind_of,
    lineno,
)
from release_tools.analysis.evidence.python.classes import (
    gained_foreign_bases,
    inherited_change,
    inherited_members,
    lost_bases,
    standard_provider,
)
from release_tools.analysis.evidence.python.exports import exported, public_names, still_served
from release_tools.analysis.evidence.python.moves import star_only_sources, submodule_imports
from release_tools.analysis.evidence.python.names import (
    incidental_names,
    is_public_module,
    lazy_import_slots,
)
from release_tools.analysis.evidence.python.parsing import (
    ModuleSource,
    Unreadable,
    overload_only,
    parse,
)
from release_tools.analysis.evidence.python.returns import started_returning
from release_tools.analysis.evidence.python.signatures import (
    BREAKING_KINDS,
    signature_texts,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["compare_modules"]

log = logging.getLogger(__name__)


def _breakages(old: griffe.Module, new: griffe.Module) -> Iterator[tuple[griffe.Breakage, str]]:
    """Griffe's breakages with the top-level member name each concerns."""
    depth = len(old.path.split("."))
    try:
        found = list(griffe.find_breaking_changes(old, new))
    except Exception:  # griffe gives up on some odd constructs; keep the rest of the analysis
        log.debug("griffe could not compare %s", old.path, exc_info=True)
        return
    for breakage in found:
        obj_path = breakage.obj.path
        parts = obj_path.split(".")
        if len(parts) <= depth:
            continue
        if breakage.kind is not griffe.BreakageKind.OBJECT_REMOVED and (
            overload_only(_member(old, obj_path)) or overload_only(_member(new, obj_path))
        ):
            # One variant of several says nothing about the calls the others accept.
            continue
        yield breakage, parts[depth]


def _reexported_elsewhere(exposed: frozenset[str], dotted: str, name: str) -> str | None:
    """Another module a package re-exports ``name`` from (at base or head), if any."""
    others = sorted(
        module
        for module, _, last in (target.rpartition(".") for target in exposed)
        if last == name and module != dotted
    )
    return others[0] if others else None


def _member(module: griffe.Module, path: str) -> griffe.Object | griffe.Alias | None:
    """The object at dotted ``path`` inside ``module``, None when it is not there."""
    try:
        found: griffe.Object | griffe.Alias = module[path[len(module.path) + 1 :]]
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    return found


_TYPE_VARIABLES = ("TypeVar(", "ParamSpec(", "TypeVarTuple(")


def _is_type_variable(member: griffe.Object | griffe.Alias) -> bool:
    """Whether ``member`` is a module-level ``T = TypeVar("T")`` (or ParamSpec, TypeVarTuple)."""
    if not isinstance(member, griffe.Attribute) or member.value is None:
        return False
    value = str(member.value)
    return any(value.startswith(kind) or f".{kind}" in value for kind in _TYPE_VARIABLES)


def compare_modules(
    dotted: str,
    old: ModuleSource | None,
    new: ModuleSource | None,
    *,
    exposed: frozenset[str] = frozenset(),
    head_stars: frozenset[str] = frozenset(),
) -> list[Evidence]:
    """Evidence for one module between base (``old``) and head (``new``).

    ``exposed`` holds, for a private module, the dotted paths (``pkg._impl.Client``, or
    ``pkg._impl.*`` for a wildcard import) that a public package re-exports from private
    modules; for a public one, the names its star imports brought at the base
    (:mod:`.stars`). ``head_stars`` holds what a public module's star imports bring at the
    head, with ``x.*`` for each star module ``x`` read.
    """
    found = Findings()
    public_module = is_public_module(dotted)
    if old is None and new is None:
        return []
    if old is not None and new is None:
        if public_module:
            aliased = star_only_sources(old.code)
            if aliased:
                # An alias module (``from x import *`` and nothing else): x still answers for
                # it unless x went too, which its own comparison reports.
                found.add(
                    EvidenceKind.API_REMOVED,
                    Bump.PATCH,
                    Strength.WEAK,
                    f"removed module {dotted}, an alias of {', '.join(aliased)}: "
                    "its importers must import from there (review)",
                    old.path,
                    None,
                    review=True,
                )
            else:
                found.add(
                    EvidenceKind.API_REMOVED,
                    Bump.MAJOR,
                    Strength.PROOF,
                    f"removed public module {dotted}",
                    old.path,
                    None,
                )
        return found.items
    assert new is not None
    try:
        new_mod, new_text = parse(dotted, new)
        old_mod, old_text = parse(dotted, old) if old is not None else (None, "")
    except Unreadable as exc:
        # Broken code cannot be compared; say so modestly instead of failing the analysis.
        found.add(
            EvidenceKind.UNREAD,
            Bump.PATCH,
            Strength.WEAK,
            f"{dotted} {exc}; its API was not compared",
            new.path,
            exc.line,
        )
        return found.items
    is_init = PurePosixPath(new.path).stem == "__init__"
    new_public = public_names(new_mod, is_init=is_init)
    if old_mod is None:
        if public_module and any(not isinstance(m, griffe.Alias) for m in new_public.values()):
            found.add(
                EvidenceKind.API_ADDED,
                Bump.MINOR,
                Strength.STRONG,
                f"new public module {dotted}",
                new.path,
                None,
            )
        return found.items
    assert old is not None
    old_is_init = PurePosixPath(old.path).stem == "__init__"
    old_public = public_names(old_mod, is_init=old_is_init)
    if old_public.keys() != new_public.keys():
        # Only names that come or go can be incidental ones; parse again only then.
        # The texts griffe read: pruned bodies do not matter here, main blocks are kept whole.
        top = dotted.split(".")[0]
        incidental = incidental_names(old_text, top) | incidental_names(new_text, top)
        for name in incidental | lazy_import_slots(old.code):
            old_public.pop(name, None)
            new_public.pop(name, None)

    def visible(name: str) -> bool:
        if public_module:
            return True
        for target in exposed:
            module, _, last = target.rpartition(".")
            # Re-exported from this module, or from a package above it that imports it.
            if (last == name or last == "*") and (
                dotted == module or dotted.startswith(module + ".")
            ):
                return True
        return False

    # A module that became a package: names its ``__init__`` imports from its submodules
    # (even inside functions) moved there.
    moved = submodule_imports(dotted, new.code) if is_init and not old_is_init else {}
    # ``from x import *`` is not expanded in a one-module reading: the names it brings are not
    # among the members.
    starred = sorted(
        {m.wildcard for m in new_mod.members.values() if isinstance(m, griffe.Alias) and m.wildcard}
    )
    # Removed public names, re-exports included (griffe skips imported names).
    new_exports = exported(new_mod)
    for name, member in old_public.items():
        if name in new_mod.members or not visible(name):
            continue
        served = still_served(name, new_mod, new.code)
        if served is True:
            continue  # moved behind a deprecation shim: still importable
        if _is_type_variable(member):
            continue  # typing plumbing: annotations use it, callers do not import it
        if starred and name in (new_exports or ()):
            continue  # still in __all__, brought by a star import
        if starred and any(t.rpartition(".")[2] == name for t in head_stars if t[-2:] != ".*"):
            continue  # a star import of the head brings it
        read = all(f"{star}.*" in head_stars for star in starred)
        if starred and not new_mod.exports and not read:
            found.add(
                EvidenceKind.API_REMOVED,
                Bump.PATCH,
                Strength.WEAK,
                f"{dotted}.{name} is no longer imported by name; it may come from "
                f"`from {starred[0]} import *` now (review)",
                old.path,
                lineno(member),
                review=True,
            )
            continue
        if not public_module:
            elsewhere = _reexported_elsewhere(exposed, dotted, name)
            if elsewhere:
                # The package's face still offers it, imported from another private module.
                found.add(
                    EvidenceKind.API_REMOVED,
                    Bump.PATCH,
                    Strength.WEAK,
                    f"{dotted}.{name} moved to {elsewhere}, from where the package re-exports "
                    "it (review: its signature there was not compared)",
                    old.path,
                    lineno(member),
                )
                continue
        if name in moved:
            found.add(
                EvidenceKind.API_REMOVED,
                Bump.PATCH,
                Strength.WEAK,
                f"{dotted}.{name} moved to {moved[name]} when {dotted} became a package "
                "(review: importers of the old path break)",
                old.path,
                lineno(member),
            )
            continue
        found.add(
            EvidenceKind.API_REMOVED,
            Bump.MAJOR,
            Strength.PROOF if served is False else Strength.STRONG,
            f"removed public {kind_of(member)} {dotted}.{name}",
            old.path,
            lineno(member),
        )

    grouped: dict[str, list[griffe.Breakage]] = {}
    for breakage, top_name in _breakages(old_mod, new_mod):
        if not visible(top_name) or top_name not in old_public:
            continue
        obj = breakage.obj
        if breakage.kind is griffe.BreakageKind.OBJECT_REMOVED:
            member_name = obj.path.rsplit(".", 1)[-1]
            if obj.path.count(".") == dotted.count(".") + 1:
                continue  # top-level removals are reported above
            if member_name.startswith("__") and member_name.endswith("__"):
                continue  # protocol methods come and go with refactorings (__init__ -> __new__)
            owner_path = obj.path.rsplit(".", 1)[0]
            owner = _member(new_mod, owner_path)
            if isinstance(owner, griffe.Class):
                inherited = inherited_members(owner).get(member_name)
                if inherited is not None:
                    # Moved up into a base class of this module, or an override removed: still
                    # there, but callers now get the base's version.
                    change = inherited_change(obj, inherited)
                    if change:
                        found.add(
                            EvidenceKind.API_CHANGED,
                            Bump.MAJOR,
                            Strength.PROOF,
                            f"incompatible {obj.path}, now inherited as {inherited.path}: {change}",
                            new.path,
                            lineno(inherited),
                        )
                    continue
                gained = gained_foreign_bases(_member(old_mod, owner_path), owner, member_name)
                if gained:
                    # Defined elsewhere now, perhaps: a base read from another module may hold it.
                    found.add(
                        EvidenceKind.API_REMOVED,
                        Bump.PATCH,
                        Strength.WEAK,
                        f"{obj.path} is no longer defined in {owner.name} itself; it may be "
                        f"inherited from its new base {', '.join(gained)} (review)",
                        old.path,
                        lineno(obj),
                        review=True,
                    )
                    continue
                method = isinstance(obj, griffe.Function) and "property" not in obj.labels
                data = isinstance(obj, griffe.Attribute) or (
                    isinstance(obj, griffe.Function) and "property" in obj.labels
                )
                provider = (
                    standard_provider(owner, member_name, data=data) if method or data else None
                )
                if provider is not None:
                    # An override removed: the standard base's member answers callers now.
                    found.add(
                        EvidenceKind.API_CHANGED,
                        Bump.PATCH,
                        Strength.WEAK,
                        f"{obj.path} no longer overrides {provider}.{member_name}; the "
                        "inherited one answers (review)",
                        old.path,
                        lineno(obj),
                        review=True,
                    )
                    continue
            found.add(
                EvidenceKind.API_REMOVED,
                Bump.MAJOR,
                Strength.PROOF,
                f"removed public {kind_of(obj)} {obj.path}",
                old.path,
                lineno(obj),
            )
        elif breakage.kind is griffe.BreakageKind.CLASS_REMOVED_BASE:
            lost = lost_bases(list(breakage.old_value), list(breakage.new_value))
            if lost:
                found.add(
                    EvidenceKind.API_CHANGED,
                    Bump.MAJOR,
                    Strength.STRONG,
                    f"{obj.path} lost its base class {', '.join(lost)}",
                    new.path,
                    lineno(obj),
                )
        elif breakage.kind in BREAKING_KINDS:
            grouped.setdefault(obj.path, []).append(breakage)
        # Kind changes (property <-> attribute, NamedTuple() <-> class), new defaults, values
        # and return annotations keep callers working: not breaking.
    for obj_path, breakages in grouped.items():
        texts = signature_texts(breakages, _member(old_mod, obj_path))
        if texts:
            found.add(
                EvidenceKind.API_CHANGED,
                Bump.MAJOR,
                Strength.PROOF,
                f"incompatible signature of {obj_path}: {'; '.join(texts)}",
                new.path,
                lineno(breakages[0].obj),
            )

    for name, line in started_returning(old.code, new.code):
        if name.split(".")[0] in new_public and visible(name.split(".")[0]):
            found.add(
                EvidenceKind.API_CHANGED,
                Bump.MINOR,
                Strength.STRONG,
                f"{dotted}.{name} now returns a value (it returned None)",
                new.path,
                line,
            )
    declared = frozenset(e for e in (new_mod.exports or ()) if isinstance(e, str))
    if public_module and exposed:
        # A public module's ``exposed`` holds what its base's star imports brought: a name
        # imported one by one from there now was public already.
        new_public = {
            k: v
            for k, v in new_public.items()
            if k in old_public
            or not (isinstance(v, griffe.Alias) and not v.wildcard and v.target_path in exposed)
        }
    if public_module:
        added_members(old_public, new_public, dotted, new.path, found, declared=declared)
    elif exposed:
        added_members(
            {k: v for k, v in old_public.items() if visible(k)},
            {k: v for k, v in new_public.items() if visible(k) and k in old_public},
            dotted,
            new.path,
            found,
            declared=declared,
        )
    return found.items
