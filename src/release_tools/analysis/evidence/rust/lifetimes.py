"""Lifetimes a Rust signature spells out where the elision rules would supply them; pure.

``fn f<'a>(x: &'a str)`` and ``fn f(x: &str)`` are the same function to callers, and so are
``fn get<'a>(&'a self) -> &'a T`` and ``fn get(&self) -> &T``. :func:`elide` rewrites a
signature's parameter types, result and generic parameters to the elided form, so that adding
or dropping such a lifetime reads as no change.
"""

from __future__ import annotations

import re

__all__ = ["elide"]

#: A bare lifetime parameter: ``'a`` with no bounds.
_LIFETIME = re.compile(r"^'\w+$")
#: The anonymous lifetime ``'_`` as a token.
_ANONYMOUS = re.compile(r"'_(?![\w'])")


def _elide_single_uses(
    types: list[str], returns: str, generics: list[str], where: str
) -> tuple[list[str], str, list[str]]:
    """The signature with each of the function's own lifetimes that only one parameter type
    names, once, elided: ``<'a>(&'a str, Foo<'a>)`` keeps ``'a``, but ``<'a>(&'a str)`` is
    ``(&str)`` and ``<'h, 'b>(Req<'h, 'b>, &'b [u8])`` is ``<'b>(Req<'_, 'b>, &'b [u8])``:
    a lifetime tied to nothing else is the one elision gives that position."""
    for name in [g for g in generics if _LIFETIME.match(g)]:
        token = re.compile(re.escape(name) + r"(?![\w'])")
        others = [returns, where, *(g for g in generics if g != name)]
        if any(token.search(text) for text in others):
            continue
        uses = [len(token.findall(kind)) for kind in types]
        if sum(uses) != 1:
            continue
        index = uses.index(1)
        types = list(types)
        types[index] = token.sub("'_", types[index].replace(f"&{name} ", "&", 1))
        generics = [g for g in generics if g != name]
    return _elide_sole_input(types, returns, generics, where)


#: A lifetime token (``'a``, ``'static``), not the ``'_`` placeholder.
_NAMED_LIFETIME = re.compile(r"'(?!_(?![\w']))\w+(?![\w'])")


def _elide_sole_input(
    types: list[str], returns: str, generics: list[str], where: str
) -> tuple[list[str], str, list[str]]:
    """The signature with the function's own lifetime elided when it names the only lifetime
    position of the parameters and the result reuses it: with exactly one input lifetime,
    elided output lifetimes are that one, so ``<'a, B>(&'a B) -> &'a Self`` is
    ``<B>(&B) -> &Self``. Methods with a ``&self`` receiver follow the receiver rule instead."""
    if any(kind.startswith("&") and kind.endswith("self") for kind in types[:1]):
        return types, returns, generics
    positions = sum(
        kind.count("&") + len(_NAMED_LIFETIME.findall(kind.replace("&'", "&"))) for kind in types
    )
    own = [g for g in generics if _LIFETIME.match(g)]
    if positions != 1 or len(own) != 1:
        return types, returns, generics
    name = own[0]
    token = re.compile(re.escape(name) + r"(?![\w'])")
    if token.search(where) or any(token.search(g) for g in generics if g != name):
        return types, returns, generics
    if sum(len(token.findall(kind)) for kind in types) != 1:
        return types, returns, generics
    types = [token.sub("'_", kind.replace(f"&{name} ", "&")) for kind in types]
    returns = token.sub("'_", returns.replace(f"&{name} ", "&"))
    return types, returns, [g for g in generics if g != name]


def elide(
    types: list[str], returns: str, generics: list[str], where: str
) -> tuple[list[str], str, list[str]]:
    """The signature with a lifetime the elision rules would supply left out.

    With a ``&'a self`` or ``&'a mut self`` receiver, every elided lifetime of the result is
    the receiver's: so when ``'a`` is the function's own, unbounded, and appears in no other
    parameter, bound or ``where`` clause, ``<'a>(&'a self) -> &'a T`` is ``(&self) -> &T``.
    """
    types, returns, generics = _elide_single_uses(types, returns, generics, where)
    if not types or not types[0].startswith("&'") or not types[0].endswith(" self"):
        return types, returns, generics
    name = types[0].split(" ", 1)[0][1:]
    # An elided lifetime of the result is the receiver's: `+ '_` there is `+ 'a`.
    returns = _ANONYMOUS.sub(name, returns)
    if name not in generics or not _LIFETIME.match(name):
        return types, returns, generics
    token = re.compile(re.escape(name) + r"(?![\w'])")
    others = [*types[1:], where, *(g for g in generics if g != name)]
    if any(token.search(text) for text in others):
        return types, returns, generics
    receiver = types[0].replace(f"{name} ", "", 1)
    returns = token.sub("'_", returns.replace(f"&{name} ", "&"))
    return [receiver, *types[1:]], returns, [g for g in generics if g != name]
