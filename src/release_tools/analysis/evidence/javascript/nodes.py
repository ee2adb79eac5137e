"""Reading tree-sitter nodes of JavaScript and TypeScript: names, types, signatures.

Small pure functions over single nodes that the module reader
(:mod:`~release_tools.analysis.evidence.javascript.reader`) applies while it walks a tree.
"""

from __future__ import annotations

import re

import tree_sitter

from release_tools.analysis.evidence.javascript.signatures import (
    Param,
    ParamKind,
    Signature,
    signature,
)

__all__ = [
    "FUNCTION_VALUES",
    "IDENTIFIER",
    "assigned_name",
    "bound_names",
    "function_signature",
    "is_accessor",
    "is_private",
    "name_of",
    "text",
    "unquoted",
    "value_signature",
]

Node = tree_sitter.Node

#: Nodes whose value is a function.
FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)
#: An identifier as JavaScript spells one (ASCII).
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


def assigned_name(left: Node) -> str | None:
    """The property an assignment target names: ``x`` of ``exports.x`` and of
    ``exports["x"]`` (bundlers write ``exports["default"]``); None for a computed index."""
    if left.type == "member_expression":
        prop = left.child_by_field_name("property")
        return text(prop) if prop is not None else None
    index = left.child_by_field_name("index")
    if index is None or index.type != "string":
        return None
    # One plain fragment that spells an identifier: other keys (``"a.b"``, escapes) would not
    # read back as one export name.
    fragments = [c for c in index.named_children if c.type == "string_fragment"]
    if len(fragments) != 1 or index.named_child_count != 1:
        return None
    name = text(fragments[0])
    return name if IDENTIFIER.fullmatch(name) else None


def text(node: Node | None) -> str:
    if node is None:
        return ""
    return (node.text or b"").decode("utf-8", "replace")


def name_of(node: Node) -> str | None:
    """The name of a member or property key, None when computed (``[Symbol.iterator]``)."""
    if node.type in ("property_identifier", "identifier", "type_identifier"):
        return text(node)
    if node.type == "string":
        return text(node)[1:-1]
    return None


def unquoted(name: str) -> str:
    """An export name as written (``'a-b'`` names an export ``a-b``)."""
    return name[1:-1] if name.startswith(("'", '"')) else name


def is_private(item: Node) -> bool:
    return any(
        child.type == "accessibility_modifier" and text(child) == "private"
        for child in item.children
    )


def is_accessor(item: Node) -> bool:
    """A getter or setter: read and written as a property, never called."""
    return any(child.type in ("get", "set") for child in item.children)


def function_signature(node: Node) -> Signature | None:
    parameters = node.child_by_field_name("parameters")
    if parameters is not None:
        return signature(parameters)
    single = node.child_by_field_name("parameter")  # ``x => x``
    if single is not None:
        name = text(single)
        return Signature(
            1, frozenset({name}), (Param(name, ParamKind.REQUIRED, None, frozenset({name})),)
        )
    return None


def value_signature(declarator: Node) -> tuple[Signature, bool] | None:
    """The signature of a variable holding a function (a value, or a function type)."""
    value = declarator.child_by_field_name("value")
    if value is not None and value.type in FUNCTION_VALUES:
        sig = function_signature(value)
        return (sig, False) if sig is not None else None
    annotation = declarator.child_by_field_name("type")
    inner = annotation.named_children[0] if annotation and annotation.named_children else None
    if inner is not None and inner.type == "function_type":
        sig = function_signature(inner)
        return (sig, True) if sig is not None else None
    return None


def bound_names(pattern: Node) -> list[str]:
    """The names a destructuring declaration binds (``const { a, b: c } = x`` binds a, c)."""
    if pattern.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [text(pattern)]
    names: list[str] = []
    for child in pattern.named_children:
        if pattern.type == "pair_pattern" and child == pattern.child_by_field_name("key"):
            continue
        assigned = pattern.type in ("object_assignment_pattern", "assignment_pattern")
        if assigned and child != pattern.child_by_field_name("left"):
            continue
        names.extend(bound_names(child))
    return names
