"""Which signature changes griffe reports break callers, and how they are worded; pure.

Griffe's :func:`griffe.find_breaking_changes` is thorough; callers are more forgiving:

* renaming or ``/``-marking positional-only parameters (``/``, ``__x``, ``self``) breaks nobody,
  and ``def f(__self, __cmd)`` -> ``def f(self, cmd, /)`` (which griffe sees as two new required
  parameters, the old ones not reported) neither;
* renaming ``*args`` or ``**kwargs`` (``**attrs`` -> ``**kwargs``) changes nothing for callers;
* an optional parameter removed where the function now takes ``**kwargs`` is still accepted by
  keyword, the way callers pass options (``decode(jwt, key, audience=None)`` ->
  ``decode(jwt, key, **kwargs)``);
* the last positional parameter turned into ``*args`` in its place (``map(f, seq)`` ->
  ``map(f, *seqs)``) still takes every positional call;
* an optional parameter named with one underscore (``_cache=None``) is not the callers' to
  pass: removing, moving or re-kinding it breaks nobody (making it required does);
* a required positional parameter renamed in place breaks nobody when callers do not name
  it: one named with one underscore (``_key`` -> ``key``), a method's bound first parameter
  (``__new__(cls, ...)`` -> ``__new__(mcs, ...)``), or any of an operator's special method
  (``__contains__(self, item)`` -> ``(self, etag)``; not ``__init__`` or ``__call__``);
* an optional parameter shifted by a new optional one before it is not reported as moved;
* a method that changes how it is bound (``@staticmethod`` to ``@classmethod``) but takes the
  same arguments from callers is unchanged;
* a function that took only ``*args`` and ``**kwargs`` given explicit parameters: a
  pass-through (``def use_kwargs(self, *args, **kwargs): return self.use_args(*args,
  **kwargs)``) whose calls reached a function with those parameters anyway, or one that picked
  its options out of ``**kwargs`` (``kwds.get('repeat', 1)`` -> ``repeat=1``); only a call
  passing what it never used (an option it ignored) fails now.

The other way round, a parameter whose annotated union admits more types than before
(:func:`widened_parameters`) breaks nobody: callers may pass something new, or the annotation
now states what the code already accepted.
"""

from __future__ import annotations

import griffe

__all__ = [
    "BREAKING_KINDS",
    "VARIADIC",
    "is_forwarder",
    "signature_texts",
    "union_members",
    "widened_parameters",
]

#: The breakage kinds of a signature, with their wording.
BREAKING_KINDS = {
    griffe.BreakageKind.PARAMETER_REMOVED: "parameter {old} removed",
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: "required parameter {new} added",
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: "parameter {old} became required",
    griffe.BreakageKind.PARAMETER_MOVED: "parameter {old} moved",
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: "parameter {old} changed kind",
}


VARIADIC = (griffe.ParameterKind.var_positional, griffe.ParameterKind.var_keyword)


def _positional_only(param: object) -> bool:
    """Parameters callers cannot name: ``/``-marked, ``__x`` by the old convention, self/cls.

    Renaming them, or marking them ``/``, breaks nobody.
    """
    if not isinstance(param, griffe.Parameter):
        return False
    name = param.name
    return (
        param.kind is griffe.ParameterKind.positional_only
        or (name.startswith("__") and not name.endswith("__"))
        or name in ("self", "cls")
    )


def _takes_place_of_positional(
    new: object, breakage: griffe.Breakage, old_function: object
) -> bool:
    """Whether ``new`` (a required positional-only parameter) sits where ``old_function`` had a
    required positional parameter: callers passed a value there already, only the name changed.

    Griffe does not report ``__self`` / ``__cmd`` (positional-only by the old convention) as
    removed, so ``def f(__self, __cmd)`` -> ``def f(self, cmd, /)`` shows only additions.
    """
    if not (
        isinstance(new, griffe.Parameter)
        and new.kind is griffe.ParameterKind.positional_only
        and isinstance(breakage.obj, griffe.Function)
        and isinstance(old_function, griffe.Function)
    ):
        return False
    names = [p.name for p in breakage.obj.parameters]
    if new.name not in names:
        return False
    index = names.index(new.name)
    old_params = list(old_function.parameters)
    if index >= len(old_params):
        return False
    old = old_params[index]
    return old.required and old.kind in (
        griffe.ParameterKind.positional_only,
        griffe.ParameterKind.positional_or_keyword,
    )


def _variadic_kept(old: object, function: object) -> bool:
    """Whether ``old`` is ``*args`` / ``**kwargs`` and ``function`` still has one of that kind:
    renaming ``**attrs`` to ``**kwargs`` changes nothing for callers."""
    if not isinstance(old, griffe.Parameter) or not isinstance(function, griffe.Function):
        return False
    return old.kind in VARIADIC and any(p.kind is old.kind for p in function.parameters)


def _absorbed_option(old: object, function: object) -> bool:
    """Whether ``old`` is an optional parameter callers may name that ``function`` (the new
    version) still accepts by keyword through its ``**kwargs``."""
    if not isinstance(old, griffe.Parameter) or not isinstance(function, griffe.Function):
        return False
    keyword = (griffe.ParameterKind.positional_or_keyword, griffe.ParameterKind.keyword_only)
    return (
        old.kind in keyword
        and old.default is not None
        and any(p.kind is griffe.ParameterKind.var_keyword for p in function.parameters)
    )


def _became_variadic(old: object, function: object, old_function: object) -> bool:
    """Whether ``old``, the last positional parameter of ``old_function``, gave its place to
    ``function``'s ``*args``: ``map(f, seq)`` -> ``map(f, *seqs)`` takes every positional call
    it took (and more); only a caller naming ``seq=`` breaks, which nobody does with the
    data argument of such a function."""
    if not (
        isinstance(old, griffe.Parameter)
        and isinstance(function, griffe.Function)
        and isinstance(old_function, griffe.Function)
    ):
        return False
    positional = (griffe.ParameterKind.positional_only, griffe.ParameterKind.positional_or_keyword)
    old_params = list(old_function.parameters)
    names = [p.name for p in old_params]
    if old.kind not in positional or old.name not in names:
        return False
    index = names.index(old.name)
    if any(p.kind in positional for p in old_params[index + 1 :]):
        return False
    new_params = list(function.parameters)
    if (
        index >= len(new_params)
        or new_params[index].kind is not griffe.ParameterKind.var_positional
    ):
        return False
    # The parameters before it are unchanged, so calls line up the same way.
    return [(p.name, p.kind) for p in old_params[:index]] == [
        (p.name, p.kind) for p in new_params[:index]
    ]


#: What may happen to a private option without breaking callers (not: becoming required).
_OPTION_MOVES = frozenset(
    {
        griffe.BreakageKind.PARAMETER_REMOVED,
        griffe.BreakageKind.PARAMETER_MOVED,
        griffe.BreakageKind.PARAMETER_CHANGED_KIND,
    }
)


def _private_option(param: object) -> bool:
    """``_cache=None``: an optional parameter whose underscore says callers leave it alone
    (an injected helper, a cache); changing it breaks nobody."""
    return (
        isinstance(param, griffe.Parameter)
        and param.name.startswith("_")
        and not param.name.startswith("__")
        and param.default is not None
    )


#: Special methods that callers call by name, with keywords: their parameter names matter.
_CALLED_BY_NAME = frozenset({"__init__", "__new__", "__call__", "__init_subclass__"})


def _operator(function: object) -> bool:
    """A special method that Python calls for an operator or protocol (``__getitem__``,
    ``__contains__``): arguments go by position, so parameter names are nobody's concern."""
    if not isinstance(function, griffe.Function):
        return False
    name = function.name
    return name.startswith("__") and name.endswith("__") and name not in _CALLED_BY_NAME


def _bound(function: griffe.Function) -> bool:
    """Whether ``function`` is a method whose first parameter Python binds (the instance, or
    the class of a classmethod or ``__new__``): callers never pass it by name."""
    return isinstance(function.parent, griffe.Class) and "staticmethod" not in function.labels


def _unnamed_renames(breakages: list[griffe.Breakage], old_function: object) -> set[str]:
    """Names (old and new) of required positional parameters renamed in place where callers do
    not name them: in an operator's special method, or one named with an underscore
    (``_key`` -> ``key``): every call still passes the same value in the same place."""
    if not isinstance(old_function, griffe.Function):
        return set()
    removed = {
        b.old_value.name
        for b in breakages
        if b.kind is griffe.BreakageKind.PARAMETER_REMOVED
        and isinstance(b.old_value, griffe.Parameter)
    }
    positional = (griffe.ParameterKind.positional_only, griffe.ParameterKind.positional_or_keyword)
    old_params = list(old_function.parameters)
    out: set[str] = set()
    for breakage in breakages:
        new, function = breakage.new_value, breakage.obj
        if breakage.kind is not griffe.BreakageKind.PARAMETER_ADDED_REQUIRED:
            continue
        if not isinstance(new, griffe.Parameter) or not isinstance(function, griffe.Function):
            continue
        index = [p.name for p in function.parameters].index(new.name)
        if index >= len(old_params) or new.kind not in positional:
            continue
        old = old_params[index]
        private = old.name.startswith("_") and not old.name.startswith("__")
        implicit = index == 0 and _bound(function)
        if (
            old.name in removed
            and old.required
            and old.kind in positional
            and (private or implicit or _operator(function))
        ):
            out |= {old.name, new.name}
    return out


def _call_parameters(function: griffe.Function) -> list[tuple[str, object, bool]]:
    """The parameters callers pass: name, kind and whether it is required; a method's bound
    first parameter (``self``, ``cls``) left out."""
    params = list(function.parameters)
    if params and _bound(function):
        params = params[1:]
    return [(p.name, p.kind, p.required) for p in params]


def _same_call(old: object, new: object) -> bool:
    """Whether two versions of a function take the same arguments from callers, however the
    binding changed (``@staticmethod def load(path)`` -> ``@classmethod def load(cls,
    path)``)."""
    if not isinstance(old, griffe.Function) or not isinstance(new, griffe.Function):
        return False
    # Static and class methods are called on the class too; an instance method only on an
    # instance (``Cls.f(x)`` would bind ``x`` to ``self``).
    if _on_class(old) != _on_class(new):
        return False
    return _call_parameters(old) == _call_parameters(new)


def is_forwarder(function: object) -> bool:
    """Whether callers pass ``function`` nothing but ``*args`` / ``**kwargs``: it forwards
    whatever it is given, and what that accepts is not written in its own signature."""
    if not isinstance(function, griffe.Function):
        return False
    params = _call_parameters(function)
    return bool(params) and all(kind in VARIADIC for _name, kind, _required in params)


def _on_class(function: griffe.Function) -> bool:
    return bool({"staticmethod", "classmethod"} & set(function.labels))


def signature_texts(breakages: list[griffe.Breakage], old_function: object = None) -> list[str]:
    """One function's signature breakages as short texts, harmless ones dropped."""
    if breakages and (_same_call(old_function, breakages[0].obj) or is_forwarder(old_function)):
        return []
    renamed_positional = any(
        b.kind is griffe.BreakageKind.PARAMETER_REMOVED and _positional_only(b.old_value)
        for b in breakages
    )
    unnamed = _unnamed_renames(breakages, old_function)
    texts: list[str] = []
    for breakage in breakages:
        kind, old, new = breakage.kind, breakage.old_value, breakage.new_value
        if {getattr(old, "name", None), getattr(new, "name", None)} & unnamed and kind in (
            griffe.BreakageKind.PARAMETER_REMOVED,
            griffe.BreakageKind.PARAMETER_ADDED_REQUIRED,
        ):
            continue
        if kind in (
            griffe.BreakageKind.PARAMETER_REMOVED,
            griffe.BreakageKind.PARAMETER_CHANGED_KIND,
            griffe.BreakageKind.PARAMETER_MOVED,
        ) and _positional_only(old):
            continue
        if kind is griffe.BreakageKind.PARAMETER_REMOVED and (
            _variadic_kept(old, breakage.obj)
            or _absorbed_option(old, breakage.obj)
            or _became_variadic(old, breakage.obj, old_function)
        ):
            continue
        if kind in _OPTION_MOVES and _private_option(old):
            continue
        if (
            kind is griffe.BreakageKind.PARAMETER_MOVED
            and isinstance(old, griffe.Parameter)
            and old.default is not None
        ):
            # An optional parameter shifted by a new optional one before it: callers pass
            # options by keyword in practice (griffe counts it; we do not).
            continue
        if kind is griffe.BreakageKind.PARAMETER_ADDED_REQUIRED and (
            (
                renamed_positional
                and isinstance(new, griffe.Parameter)
                and new.kind is griffe.ParameterKind.positional_only
            )
            or _takes_place_of_positional(new, breakage, old_function)
        ):
            continue
        text = BREAKING_KINDS[kind].format(
            old=getattr(old, "name", ""), new=getattr(new, "name", "")
        )
        if text not in texts:
            texts.append(text)
    return texts


def _split_top(text: str, separator: str) -> list[str]:
    """``text`` split on ``separator`` outside brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            start = index + len(separator)
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def union_members(annotation: str) -> frozenset[str]:
    """The types a (string) annotation admits: ``Optional[A]`` and ``A | None`` alike; pure."""
    out: set[str] = set()
    for part in _split_top(annotation, "|"):
        name = part.removeprefix("typing.").removeprefix("t.")
        for wrapper, extra in (("Optional[", {"None"}), ("Union[", set())):
            if name.startswith(wrapper) and name.endswith("]"):
                out |= extra
                for inner in _split_top(name[len(wrapper) : -1], ","):
                    out |= union_members(inner)
                break
        else:
            out.add(name)
    return frozenset(out)


def widened_parameters(old: griffe.Function, new: griffe.Function) -> list[str]:
    """Public parameters of ``new`` whose annotated union admits more types than in ``old``.

    ``parser: Parser | None`` -> ``parser: Style | Parser | None``: callers may pass something
    new. Only unions that keep every old member count (a changed type is not a
    widening), and unannotated sides say nothing.
    """
    before = {p.name: p for p in old.parameters}
    out: list[str] = []
    for param in new.parameters:
        previous = before.get(param.name)
        if previous is None or param.name.startswith("_") or param.kind in VARIADIC:
            continue
        if previous.annotation is None or param.annotation is None:
            continue
        old_types = union_members(str(previous.annotation))
        new_types = union_members(str(param.annotation))
        if old_types < new_types:
            out.append(param.name)
    return out
