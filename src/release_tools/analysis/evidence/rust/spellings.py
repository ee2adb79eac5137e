"""Whether two spellings of a Rust type or signature name the same thing to callers.

Texts are compared in a canonical form: read through the file's imports, without ``dyn``
markers, ``self::`` heads, spelled-out elided lifetimes or trait qualifications of associated
types, with a function's own generic parameters named by position and every bound moved to
one ``where`` clause kept as a set, and laid out one way. Two further tests recognise
signatures that differ only by ``where`` bounds taken away, and ones that differ only where a
macro call spells a type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from release_tools.analysis.evidence._layout import compact

__all__ = ["Same", "fewer_bounds", "macro_spelling", "spellings"]

#: Whether two spellings of a type or signature (before, after) name the same thing.
Same = Callable[[str, str], bool]

#: A name that heads a path or stands alone (``io`` of ``io::Error``, ``Command``), not one
#: after ``::`` nor a lifetime.
_HEAD_NAME = re.compile(r"(?<![\w'])(?<!::)([A-Za-z_]\w*)(?!\w)")


#: ``dyn`` before a trait object: ``Box<Fn()>`` (the 2015 edition's spelling) and
#: ``Box<dyn Fn()>`` are one type.
_DYN = re.compile(r"(?<![\w:])dyn\s+")


#: Layout that rustfmt changes between versions: spaces (``Item=J``, ``Item = J``) and a
#: trailing comma before a closing bracket or at the end of a ``where`` clause.
_TRAILING_COMMA = re.compile(r",(?=[>)\]}]|$)")
_WHERE = re.compile(r"(?<!\w)where(?!\w)")


def _step(text: str, index: int) -> int:
    """How the bracket depth changes at ``text[index]`` (``->`` closes nothing)."""
    char = text[index]
    if char in "(<[{":
        return 1
    if char in ")]}" or (char == ">" and text[index - 1 : index] != "-"):
        return -1
    return 0


def _top_level(text: str, separator: str) -> list[str]:
    """``text`` split at each ``separator`` outside brackets."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        step = _step(text, index)
        depth += step
        if not step and char == separator and depth == 0:
            if separator == ":" and "::" in text[index - 1 : index + 2]:
                continue  # a path, not a bound
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _where_set(text: str) -> str:
    """A compact ``text`` with its ``where`` clause as a sorted set of single bounds:
    ``where T: A + B`` and ``where T: B, T: A`` say the same, and so do an associated type's
    bound written inside the trait's arguments and on its own (``I: Tr<Iter: X>`` and
    ``I: Tr, I::Iter: X``)."""
    found = [m for m in _WHERE.finditer(text) if not sum(_step(text, i) for i in range(m.start()))]
    if not found:
        return text
    head, clause = text[: found[-1].start()], text[found[-1].end() :]
    bounds: set[str] = set()
    for predicate in _top_level(clause, ","):
        target, *rest = (part.strip() for part in _top_level(predicate, ":"))
        if not rest:
            bounds.add(target)
            continue
        for bound in _top_level(":".join(rest), "+"):
            bound, inner = _associated_bounds(bound.strip())
            bounds.add(f"{target}:{bound}")
            bounds.update(f"{target}::{name}:{b.strip()}" for name, b in inner)
    return f"{head.rstrip()} where {','.join(sorted(b for b in bounds if b))}"


#: ``Name: Bound`` among a trait's generic arguments (not ``Name = Type``, not a path).
_ASSOCIATED_BOUND = re.compile(r"^([A-Za-z_]\w*)\s*:(?!:)(.+)$", re.S)


def _associated_bounds(bound: str) -> tuple[str, list[tuple[str, str]]]:
    """``bound`` without the associated type bounds among its generic arguments, and those
    bounds, each split at ``+``: ``Tr<Item=T,Iter:X+Y>`` -> ``Tr<Item=T>`` with
    ``[(Iter, X), (Iter, Y)]``."""
    open_at = bound.find("<")
    if open_at <= 0 or not bound.endswith(">") or "(" in bound[:open_at]:
        return bound, []
    arguments = _top_level(bound[open_at + 1 : -1], ",")
    kept: list[str] = []
    inner: list[tuple[str, str]] = []
    for argument in arguments:
        match = _ASSOCIATED_BOUND.match(argument.strip())
        if match is None:
            kept.append(argument.strip())
            continue
        inner.extend((match[1], b) for b in _top_level(match[2], "+"))
    if not inner:
        return bound, []
    shown = f"{bound[:open_at]}<{','.join(kept)}>" if kept else bound[:open_at]
    return shown, inner


#: A function's own generic parameters (``<B, F>`` before its parameter list), renamed by
#: position: ``fn f<B>(B)`` and ``fn f<K>(K)`` are one signature to every caller.
_PARAM_NAME = re.compile(r"^(?:const\s+)?('?[A-Za-z_]\w*)")


def _generics_span(text: str) -> tuple[int, int] | None:
    """Where the leading ``<...>`` of a compact signature opens, and where its parameter
    list's ``(`` is; None without generics."""
    paren, depth = -1, 0
    for index, char in enumerate(text):
        if char == "(" and not depth:
            paren = index
            break
        depth += _step(text, index)
    if paren <= 0 or text[paren - 1] != ">":
        return None
    depth = 0
    for index in range(paren - 1, -1, -1):
        depth -= _step(text, index)
        if depth == 0:
            return index, paren
    return None


def _generic_names(text: str) -> list[str]:
    """The names the leading ``<...>`` of a compact signature declares, in order."""
    span = _generics_span(text)
    if span is None:
        return []
    start, paren = span
    names: list[str] = []
    for declared in _top_level(text[start + 1 : paren - 1], ","):
        match = _PARAM_NAME.match(declared.strip())
        if match:
            names.append(match[1])
    return names


def _inline_bounds_moved(text: str) -> str:
    """A compact signature with the bounds declared inside its generics moved to its ``where``
    clause: ``<S: Serializer>(S)`` and ``<S>(S) where S: Serializer`` are one signature."""
    span = _generics_span(text)
    if span is None:
        return text
    start, paren = span
    kept: list[str] = []
    moved: list[str] = []
    for declared in _top_level(text[start + 1 : paren - 1], ","):
        declared = declared.strip()
        parts = _top_level(declared, ":")
        if declared.startswith("const ") or len(parts) < 2 or len(_top_level(declared, "=")) > 1:
            kept.append(declared)
            continue
        kept.append(parts[0].strip())
        moved.append(f"{parts[0].strip()}:{':'.join(parts[1:]).strip()}")
    if not moved:
        return text
    rest = f"{text[:start]}<{','.join(kept)}>{text[paren:]}"
    has_where = any(
        not sum(_step(rest, i) for i in range(m.start())) for m in _WHERE.finditer(rest)
    )
    return f"{rest},{','.join(moved)}" if has_where else f"{rest} where {','.join(moved)}"


def _renamed_generics(text: str) -> str:
    """``text`` with the function's own generic parameters named by position (``_G0``...)."""
    names = _generic_names(text)
    for position, name in enumerate(names):
        if name.startswith("'"):
            pattern = re.compile(re.escape(name) + r"(?!\w)")
            text = pattern.sub(f"'_G{position}", text)
        else:
            pattern = re.compile(r"(?<![\w'])(?<!::)" + re.escape(name) + r"(?!\w)")
            text = pattern.sub(f"_G{position}", text)
    return text


#: ``self::x::Y`` names what ``x::Y`` names wherever both compile.
_SELF_PATH = re.compile(r"(?<![\w:])self::(?=[A-Za-z_])")
#: An elided lifetime spelled out (``Key<'_>``, ``Cow<'_, str>``) is the elided one.
_ANONYMOUS_LIFETIME = re.compile(r"<'_>|(?<=<)'_,|,'_(?=[,>])")


#: A qualified path to an associated type, ``<T as Trait>::Item``, read as ``T::Item``: the
#: trait is the one bound on ``T`` that has the item, which is how both spellings resolve
#: when the signature compiles.
_QUALIFIED = re.compile(r"<([A-Za-z_][\w:]*) as [A-Za-z_][\w:]*>::")


#: The standard library's roots: ``std`` re-exports ``core`` and ``alloc``, so
#: ``core::hash::Hasher``, ``::std::hash::Hasher`` and ``std::hash::Hasher`` are one trait.
_STD_ROOT = re.compile(r"(?:(?<!\w)::|(?<!::)(?<!\w))(?:std|core|alloc)::(?=[A-Za-z_])")

#: A path from inside the crate (``crate::future::Handle``, ``super::Handle``) up to its last
#: segment. Within one crate a type keeps its name when it moves between modules, and the
#: file that used to define it then imports it from its new home: both spellings are one
#: type. A genuinely different type of the same name would leave the old one removed, which
#: is reported on its own.
_CRATE_PATH = re.compile(r"(?<!::)(?<![\w$])(?:crate|super|self)::(?:[A-Za-z_]\w*::)*(?=[A-Za-z_])")


def _roots(text: str) -> str:
    """``text`` with standard-library paths on one root and paths inside the crate cut to
    their last segment."""
    return _CRATE_PATH.sub("", _STD_ROOT.sub("std::", text))


def _canonical(text: str, imports: Mapping[str, str]) -> str:
    """``text`` without ``dyn`` markers, ``self::`` path heads, spelled-out elided lifetimes
    and trait qualifications of associated types (``<T as Tr>::Item``), each name a ``use``
    of the file brought in spelled as its path, the function's own generic parameters named
    by position and their bounds in the ``where`` clause, standard-library paths on one root
    and the crate's own paths cut to their last segment, laid out one way: a space only
    between two words, no trailing commas, the bounds of a ``where`` clause as a set."""
    text = _SELF_PATH.sub("", _DYN.sub("", text))
    text = _renamed_generics(_TRAILING_COMMA.sub("", compact(text, "_'")))
    text = _inline_bounds_moved(_QUALIFIED.sub(r"\1::", text))
    text = _where_set(_ANONYMOUS_LIFETIME.sub("", text))
    if imports:
        text = _HEAD_NAME.sub(lambda m: imports.get(m.group(1), m.group(1)), text)
    return _roots(text)


def spellings(before: Mapping[str, str], after: Mapping[str, str]) -> Same:
    """Equality of texts of the two sides up to spelling: read through each side's imports
    (``clap::Command`` and ``Command`` after ``use clap::Command;`` are one type), with or
    without ``dyn``, and whatever the layout. Only differences are checked this way, so an
    import never makes two equal texts differ."""

    def same(old: str, new: str) -> bool:
        return old == new or _canonical(old, before) == _canonical(new, after)

    return same


def _split_where(text: str) -> tuple[str, frozenset[str]]:
    """A canonical signature's part before its ``where`` clause, and the clause's bounds."""
    text = _where_set(_inline_bounds_moved(_TRAILING_COMMA.sub("", compact(text, "_'"))))
    found = [m for m in _WHERE.finditer(text) if not sum(_step(text, i) for i in range(m.start()))]
    if not found:
        return text, frozenset()
    head, clause = text[: found[-1].start()], text[found[-1].end() :]
    return head, frozenset(bound for bound in _top_level(clause, ",") if bound)


def fewer_bounds(old: str, new: str, same: Same) -> bool:
    """Whether ``new`` is ``old`` with some of its ``where`` bounds taken away: every call
    that compiled still does (``where K: Ord, F: FnMut(..)`` -> ``where F: FnMut(..)``)."""
    old_head, old_bounds = _split_where(old)
    new_head, new_bounds = _split_where(new)
    return new_bounds < old_bounds and same(old_head, new_head)


#: A macro invocation in type position with flat arguments: ``impl_backtrace!()``, ``ty![T]``.
_MACRO_TYPE = re.compile(r"[A-Za-z_][\w:]*!\s*(?:\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\})")


def macro_spelling(old: str, new: str, same: Same) -> bool:
    """Whether two signatures differ at most where either spells a type by a macro call: each
    macro call and each whole type that replaces one read alike (``&bt!()`` and ``&Backtrace``)."""
    if not (_MACRO_TYPE.search(old) or _MACRO_TYPE.search(new)):
        return False
    # Tokens around the calls must match; a macro call stands for any one type there.
    pieces = [_MACRO_TYPE.split(old), _MACRO_TYPE.split(new)]
    if len(pieces[0]) == len(pieces[1]):
        return all(same(a, b) for a, b in zip(pieces[0], pieces[1], strict=True))
    macro, plain = (old, new) if len(pieces[0]) > len(pieces[1]) else (new, old)
    pattern = "".join(
        re.escape(part) if i % 2 == 0 else r"[\w:<>&' ]+?"
        for i, part in enumerate(_interleave(_MACRO_TYPE.split(macro)))
    )
    return re.fullmatch(pattern, plain) is not None


def _interleave(parts: list[str]) -> list[str]:
    """``[a, b, c]`` -> ``[a, "", b, "", c]``: the text between macro calls, a slot for each."""
    out: list[str] = []
    for index, part in enumerate(parts):
        if index:
            out.append("")
        out.append(part)
    return out
