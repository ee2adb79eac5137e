"""What a class offers besides its own body: members inherited from bases the comparison can
read (those defined in the same module), and bases it cannot (imported or dotted names).

The comparison reads one module at a time, so a base imported from elsewhere is opaque: a member
that moved there cannot be told from one that was removed. Standard-library bases are the
exception: the running interpreter knows which attributes ``object``, ``ABC``, ``Generic`` or
``Exception`` give their subclasses, so a marker base that gives none hides no removal.

When an override is removed, the member a base of the module defines answers in its place:
callers of the override see its kind and signature now (:func:`inherited_change`).

Bases are read as written, type arguments dropped: ``class C(Base[int])`` extends ``Base``, and
through plain assignments of the module: after ``Base = _Base``, ``class C(Base)`` extends
``_Base``.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import logging

import griffe

from release_tools.analysis.evidence.python.parsing import overload_only
from release_tools.analysis.evidence.python.signatures import BREAKING_KINDS, signature_texts

__all__ = [
    "class_public",
    "foreign_bases",
    "gained_foreign_bases",
    "inherited_change",
    "inherited_members",
    "inherited_names",
    "lost_bases",
    "standard_provider",
]

log = logging.getLogger(__name__)

Member = griffe.Object | griffe.Alias
BaseExpr = griffe.Expr | str

# Standard-library modules whose classes are asked at run time which attributes they give their
# subclasses; importing them runs no project code.
_STANDARD = frozenset({"builtins", "abc", "collections.abc", "enum", "typing", "typing_extensions"})
# Spelled as functions in the typing modules, they make classes deriving from these types.
_MADE_FROM: dict[str, type] = {"NamedTuple": tuple, "TypedDict": dict}


def _written(base: BaseExpr) -> str:
    """A base as written, without its type arguments: ``Base[int]`` -> ``Base``."""
    return str(base).partition("[")[0].strip()


def _local_base(base: BaseExpr, cls: griffe.Class) -> griffe.Class | None:
    """The class of this module that ``base`` names in the statement defining ``cls``."""
    name = _written(base)
    if "." in name:
        return None
    # Bases are evaluated where the class statement stands: a nested class sees the body of
    # the class around it first, then the module.
    parent = cls.parent
    scopes = [parent, cls.module] if isinstance(parent, griffe.Class) else [cls.module]
    for scope in scopes:
        found = scope.members.get(name)
        if found is not None:
            found = _through_aliases(found, scope)
            # ``class C(C)`` extends an earlier binding of the name, unknown here.
            return found if isinstance(found, griffe.Class) and found is not cls else None
    return None


#: Assignments followed from a base's name to its class (``Base = _Base``): a few, so that a
#: cycle of names ends.
_ALIAS_HOPS = 3


def _through_aliases(found: Member, scope: griffe.Object) -> Member | None:
    """``found`` itself, or the class of ``scope`` that a plain assignment of another name
    (``Base = _Base``) binds it to; None when the assigned value is anything else."""
    for _ in range(_ALIAS_HOPS):
        if not isinstance(found, griffe.Attribute):
            return found
        value = str(found.value) if found.value is not None else ""
        target = scope.members.get(value) if value.isidentifier() else None
        if target is None or target is found:
            return None
        found = target
    return None


def _mro(
    cls: griffe.Class,
    visiting: frozenset[str] = frozenset(),
    known: dict[str, list[griffe.Class]] | None = None,
) -> list[griffe.Class]:
    """``cls`` and its ancestors defined in this module, in method resolution order (C3).

    Bases from elsewhere are left out: their own ancestors are unknown here. ``known`` keeps
    the orders already computed, which diamonds of mixins would otherwise repeat.
    """
    known = {} if known is None else known
    if cls.path in known:
        return known[cls.path]
    visiting = visiting | {cls.path}
    bases = [
        found
        for found in (_local_base(base, cls) for base in cls.bases)
        if found is not None and found.path not in visiting  # Python refuses cycles anyway
    ]
    sequences = [_mro(base, visiting, known) for base in bases] + [bases]
    order = [cls]
    while sequences := [seq for seq in sequences if seq]:
        tails = {klass.path for seq in sequences for klass in seq[1:]}
        # An inconsistent order (Python refuses the class) falls back to the first head.
        head = next((seq[0] for seq in sequences if seq[0].path not in tails), sequences[0][0])
        order.append(head)
        sequences = [[klass for klass in seq if klass.path != head.path] for seq in sequences]
    known[cls.path] = order
    return order


def inherited_members(cls: griffe.Class) -> dict[str, Member]:
    """The members ``cls`` inherits from base classes defined in its own module, each the one
    the method resolution order finds first.

    Bases imported from elsewhere are not followed: the comparison reads one module at a time.
    """
    found: dict[str, Member] = {}
    for base in _mro(cls)[1:]:
        for name, member in base.members.items():
            found.setdefault(name, member)
    return found


def inherited_names(cls: griffe.Class) -> frozenset[str]:
    """Member names that ``cls`` inherits from base classes defined in its own module."""
    return frozenset(inherited_members(cls))


def foreign_bases(cls: griffe.Class) -> dict[str, BaseExpr]:
    """The bases of ``cls`` and of its ancestors in this module that are defined elsewhere,
    by the path they resolve to (``abc.ABC`` for ``ABC`` imported from ``abc``)."""
    out: dict[str, BaseExpr] = {}
    for klass in _mro(cls):
        for base in klass.bases:
            if _local_base(base, klass) is None:
                out.setdefault(_base_path(base), base)
    return out


def _may_define(path: str, name: str) -> bool:
    """Whether the class at ``path`` (from another module) may give its subclasses ``name``."""
    known = _standard_defines(path, name)
    return known is None or known


def _standard_defines(path: str, name: str) -> bool | None:
    """Whether the standard-library class at ``path`` gives its subclasses ``name``; None when
    that is unknown (a class of another library, a special form)."""
    found = _standard_class(path)
    return None if found is None else _defines(found, name)


def _standard_class(path: str) -> type | None:
    """The standard-library class at ``path``; None for a class of another library or a name
    that is no class at run time (a special form, a star import).

    A name unbound in the module (``object``, ``Exception``) is a builtin when the builtins
    have it.
    """
    module_name, _, attr = path.rpartition(".")
    module_name = module_name or "builtins"
    if module_name not in _STANDARD:
        return None
    if module_name in ("typing", "typing_extensions") and attr in _MADE_FROM:
        return _MADE_FROM[attr]
    try:
        module = importlib.import_module(module_name)
    except ImportError:  # typing_extensions absent: its classes mirror typing's
        module = importlib.import_module("typing")
    found = getattr(module, attr, None)
    # ``typing.Mapping`` and its kind stand for a class of collections.abc or the builtins.
    found = getattr(found, "__origin__", found)
    return found if isinstance(found, type) else None


def _defines(cls: type, name: str) -> bool:
    """Whether ``cls`` gives its subclasses or their instances ``name``: a descriptor that
    refuses class access (``Enum.name``) counts, and so do its metaclass's (``ABC.register``)."""
    return any(name in vars(klass) for klass in cls.__mro__) or hasattr(cls, name)


def gained_foreign_bases(before: Member | None, cls: griffe.Class, member: str) -> list[str]:
    """The bases (direct, or of its ancestors in this module) that ``cls`` has now and did not
    have in ``before``, among those this module-at-a-time comparison cannot read, that may
    define ``member``: standard-library classes that do not (``object``, ``ABC``,
    ``Generic[T]``) are left out."""
    old = foreign_bases(before) if isinstance(before, griffe.Class) else {}
    return [
        str(base)
        for path, base in foreign_bases(cls).items()
        if path not in old and _may_define(path, member)
    ]


#: Bases that give a class nothing: dropping ``(object)`` (Python 2's new-style spelling)
#: changes no behaviour.
_NOTHING_BASES = frozenset({"object", "builtins.object"})


def _base_path(base: BaseExpr) -> str:
    return base.canonical_path if isinstance(base, griffe.Expr) else _written(base)


def _real_bases(bases: list[BaseExpr]) -> list[BaseExpr]:
    """``bases`` with six's ``with_metaclass(Meta, *bases)`` read as the bases it stands for:
    the metaclass moving to ``metaclass=Meta`` changes no base."""
    out: list[BaseExpr] = []
    for base in bases:
        if isinstance(base, griffe.ExprCall) and str(base.function).endswith("with_metaclass"):
            out.extend(a for a in base.arguments[1:] if isinstance(a, griffe.Expr | str))
        else:
            out.append(base)
    return out


def lost_bases(old: list[BaseExpr], new: list[BaseExpr]) -> list[str]:
    """The bases in ``old`` (a class's direct bases before) that ``new`` no longer has, as
    written, by the path they resolve to (type arguments dropped); ``object`` is left out."""
    kept = {_base_path(base).partition("[")[0] for base in _real_bases(new)}
    return [
        _written(base)
        for base in _real_bases(old)
        if (path := _base_path(base).partition("[")[0]) not in kept and path not in _NOTHING_BASES
    ]


def standard_provider(cls: griffe.Class, member: str, *, data: bool = False) -> str | None:
    """The standard-library base of ``cls`` (direct, or of its ancestors in this module) whose
    method ``member`` its subclasses inherit (``collections.abc.MutableMapping`` has ``get``),
    as written; None when no such base is known to. Only methods count: a removed override
    of one leaves the base's in its place, while an attribute or enum member that shares a
    method's name (``center`` of a ``str`` enum) is simply gone.

    With ``data``, the member removed is an attribute, and the base must give instances a data
    attribute of that name instead (``BaseException.args``, a property): callers then read
    the base's. Never for an enum, whose attributes are its members.
    """
    standard = [
        (base, found)
        for path, base in foreign_bases(cls).items()
        if (found := _standard_class(path)) is not None
    ]
    if data and any(issubclass(found, enum.Enum) for _base, found in standard):
        return None
    for base, found in standard:
        if not _defines(found, member):
            continue
        value = inspect.getattr_static(found, member, None)
        routine = inspect.isroutine(value) or isinstance(value, (classmethod, staticmethod))
        if routine and not data:
            return _written(base)
        if data and not routine and inspect.isdatadescriptor(value):
            return _written(base)
    return None


_CALLABLE_VALUES = (griffe.ExprName, griffe.ExprAttribute, griffe.ExprCall)


def _shape(obj: griffe.Object) -> str | None:
    """What callers do with ``obj``: call it (a method, a class) or read it (an attribute, a
    property); None when an attribute may hold either (``run = _run``, ``f: Callable``)."""
    if "property" in obj.labels:
        return "property"
    if isinstance(obj, griffe.Function):
        return "method"
    if isinstance(obj, griffe.Class):
        return "class"
    if isinstance(obj, griffe.Attribute):
        if isinstance(obj.value, _CALLABLE_VALUES) or "Callable" in str(obj.annotation or ""):
            return None
        return "attribute"
    return None


_CALLED = frozenset({"method", "class"})


def _signature_breakages(old: griffe.Function, new: griffe.Function) -> list[griffe.Breakage]:
    """Griffe's signature breakages between ``old`` and ``new``, like-named functions of two
    classes or two modules.

    Griffe compares like-named members of two objects: the classes (or modules) holding the
    two functions are compared, and only what concerns ``new`` is kept.
    """
    holders = (griffe.Class, griffe.Module)
    if not isinstance(old.parent, holders) or type(old.parent) is not type(new.parent):
        return []
    try:
        found = list(griffe.find_breaking_changes(old.parent, new.parent))
    except Exception:  # griffe gives up on some odd constructs; keep the rest of the analysis
        log.debug("griffe could not compare %s with %s", old.path, new.path, exc_info=True)
        return []
    return [b for b in found if b.kind in BREAKING_KINDS and b.obj.path == new.path]


def inherited_change(old: Member, inherited: Member) -> str | None:
    """How ``inherited``, a base class's member that now answers for the override ``old`` that
    was removed, breaks callers of ``old``: a kind they cannot use the same way (a method
    became an attribute) or an incompatible signature. None when it keeps them working or
    cannot be told (aliases, overload stubs, attributes that may hold a function).
    """
    if isinstance(old, griffe.Alias) or isinstance(inherited, griffe.Alias):
        return None
    before, after = _shape(old), _shape(inherited)
    if before is None or after is None:
        return None
    if (before in _CALLED) != (after in _CALLED):
        return f"{before} became {after}"
    if not isinstance(old, griffe.Function) or not isinstance(inherited, griffe.Function):
        return None
    if overload_only(old) or overload_only(inherited):
        return None  # one variant of several says nothing about the calls the others accept
    texts = signature_texts(_signature_breakages(old, inherited), old)
    return "; ".join(texts) or None


def class_public(cls: griffe.Class) -> dict[str, Member]:
    # __init__ and __call__ are compared for their parameters; other dunders are plumbing.
    return {
        name: member
        for name, member in cls.members.items()
        if not name.startswith("_") or name in ("__init__", "__call__")
    }
