"""Parameter lists of JavaScript / TypeScript functions, read from their tree-sitter nodes.

Both grammars are read: JavaScript gives a parameter as a bare pattern (``a``, ``a = 1``,
``{ a, b }``, ``...rest``); TypeScript wraps each in a ``required_parameter`` or
``optional_parameter`` that carries its pattern, type and default value.

A parameter is *required* when a caller must pass it: not optional (``a?``), without a default
(``a = 1``) and not a rest parameter. Its *names* are what a caller may pass by name: the
parameter itself, or the keys of a destructured options object (``{ depth, mode } = {}``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import tree_sitter

from release_tools.analysis.evidence.javascript.parser import Grammar, parse

__all__ = [
    "Param",
    "ParamKind",
    "Signature",
    "annotation_text",
    "merge_overloads",
    "param_names",
    "required_params",
    "signature",
]


class ParamKind(enum.Enum):
    REQUIRED = "required"
    OPTIONAL = "optional"  # TypeScript ``a?``
    DEFAULT = "default"  # ``a = 1``
    REST = "rest"  # ``...rest``


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its name (None for a destructuring pattern), kind and declared type."""

    name: str | None
    kind: ParamKind
    type: str | None
    #: The names a caller may pass through it (see the module docstring).
    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class Signature:
    """What a caller of one function or method can rely on.

    ``params`` is None for overloaded functions: their overloads are merged into the least
    demanding ``required`` and every name any of them takes.
    """

    required: int
    names: frozenset[str]
    params: tuple[Param, ...] | None


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _pattern_names(pattern: tree_sitter.Node) -> frozenset[str]:
    """The names a caller may pass through one parameter pattern."""
    kind = pattern.type
    if kind == "identifier":
        return frozenset({_text(pattern)})
    if kind == "rest_pattern" or kind == "assignment_pattern":
        inner = pattern.child_by_field_name("left") or next(iter(pattern.named_children), None)
        return _pattern_names(inner) if inner is not None else frozenset()
    if kind != "object_pattern":
        return frozenset()  # array patterns take positions, not names
    names: set[str] = set()
    for item in pattern.named_children:
        if item.type == "shorthand_property_identifier_pattern":
            names.add(_text(item))
        elif item.type == "pair_pattern":
            key = item.child_by_field_name("key")
            if key is not None and key.type in ("property_identifier", "identifier"):
                names.add(_text(key))
            elif key is not None and key.type == "string":
                names.add(_text(key)[1:-1])
        elif item.type == "object_assignment_pattern":
            left = item.child_by_field_name("left")
            if left is not None:
                names.add(_text(left))
        elif item.type == "rest_pattern":
            names |= _pattern_names(item)
    return frozenset(names)


def _without_comments(node: tree_sitter.Node) -> str:
    """``node``'s text with the comments inside it left out."""
    own = node.text or b""
    if b"//" not in own and b"/*" not in own:
        return own.decode("utf-8", "replace")
    if node.type == "comment":
        return ""
    base = cursor = node.start_byte
    pieces: list[str] = []
    for child in node.children:
        pieces.append(own[cursor - base : child.start_byte - base].decode("utf-8", "replace"))
        pieces.append(_without_comments(child))
        cursor = child.end_byte
    pieces.append(own[cursor - base :].decode("utf-8", "replace"))
    return "".join(pieces)


def annotation_text(node: tree_sitter.Node) -> str | None:
    """The type annotation of ``node`` (``x: T``) as written, comments left out, whitespace
    runs as single spaces; None without one."""
    annotation = node.child_by_field_name("type")
    if annotation is None:
        return None
    inner = annotation.named_children
    return " ".join(_without_comments(inner[0] if inner else annotation).split())


def _param(node: tree_sitter.Node) -> Param | None:
    """One parameter node of either grammar; None for TypeScript's ``this`` parameter."""
    if node.type in ("required_parameter", "optional_parameter"):
        pattern = node.child_by_field_name("pattern")
        if pattern is None or pattern.type == "this":
            return None
        if pattern.type == "rest_pattern":
            kind = ParamKind.REST
        elif node.type == "optional_parameter":
            kind = ParamKind.OPTIONAL
        elif node.child_by_field_name("value") is not None:
            kind = ParamKind.DEFAULT
        else:
            kind = ParamKind.REQUIRED
        type_ = annotation_text(node)
    else:
        pattern = node
        if node.type == "rest_pattern":
            kind = ParamKind.REST
        elif node.type == "assignment_pattern":
            kind = ParamKind.DEFAULT
        elif node.type in ("identifier", "object_pattern", "array_pattern"):
            kind = ParamKind.REQUIRED
        else:
            return None  # a comment, or an error node tree-sitter recovered from
        type_ = None
    names = _pattern_names(pattern)
    plain = pattern.type == "identifier" or (
        pattern.type in ("rest_pattern", "assignment_pattern") and len(names) == 1
    )
    name = next(iter(names)) if plain and names else None
    return Param(name, kind, type_, names)


def signature(parameters: tree_sitter.Node) -> Signature:
    """The signature of a ``formal_parameters`` node."""
    params = tuple(p for child in parameters.named_children if (p := _param(child)) is not None)
    required = sum(1 for p in params if p.kind is ParamKind.REQUIRED)
    names = frozenset(name for p in params for name in p.names)
    return Signature(required, names, params)


def merge_overloads(signatures: list[Signature]) -> Signature:
    """One signature for a function declared several times: the least demanding overload's
    required count, and every name some overload takes."""
    if len(signatures) == 1:
        return signatures[0]
    required = min(s.required for s in signatures)
    names = frozenset().union(*(s.names for s in signatures))
    return Signature(required, names, None)


def _parameter_list(params: str) -> Signature | None:
    root = parse(f"function f({params}) {{}}".encode(), Grammar.TYPESCRIPT)
    if root is None or not root.named_children:
        return None
    parameters = root.named_children[0].child_by_field_name("parameters")
    return signature(parameters) if parameters is not None else None


def required_params(params: str) -> int:
    """How many parameters of a JS/TS parameter list (the text between the parentheses) a
    caller must pass."""
    found = _parameter_list(params)
    return found.required if found is not None else 0


def param_names(params: str) -> frozenset[str]:
    """The names a caller may pass through a JS/TS parameter list.

    Plain parameters by name, and the keys of a destructured object parameter (the options a
    function reads): ``(s, { a, b = 1, c: alias } = {})`` gives ``s, a, b, c``.
    """
    found = _parameter_list(params)
    return found.names if found is not None else frozenset()
