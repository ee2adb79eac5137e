"""Where the statements that can export sit in a module's tree-sitter tree.

A namespace's (or declared module's) body, the declarations it makes visible from outside,
its local ``export { ... }`` lists, and the body of a ``declare module 'name'`` that typings
write for a whole package. Pure functions over nodes.
"""

from __future__ import annotations

import tree_sitter

from release_tools.analysis.evidence.javascript.nodes import text

__all__ = [
    "body_statements",
    "declared_package",
    "export_clauses",
    "namespace_members",
    "unwrapped",
]

Node = tree_sitter.Node


def declared_package(root: Node) -> Node | None:
    """The body of the first top-level ``declare module 'name' { ... }`` naming a bare package
    (no ``/``, not relative), or None."""
    for statement in root.named_children:
        if statement.type != "ambient_declaration":
            continue
        module = next(iter(statement.named_children), None)
        if module is None or module.type != "module":
            continue
        name = module.child_by_field_name("name")
        body = module.child_by_field_name("body")
        if name is None or body is None or name.type != "string":
            continue
        spec = text(name)[1:-1]
        if spec and "/" not in spec and not spec.startswith("."):
            return body
    return None


def unwrapped(statement: Node) -> Node:
    """A statement of a declared module's body as a top-level one: tree-sitter wraps a
    ``namespace x { ... }`` there in an expression statement."""
    if statement.type == "expression_statement":
        inner = next(iter(statement.named_children), None)
        if inner is not None and inner.type == "internal_module":
            return inner
    return statement


def body_statements(namespace: Node) -> list[Node]:
    """The statements of a namespace's (or declared module's) body."""
    body = namespace.child_by_field_name("body")
    return list(body.named_children) if body is not None else []


def export_clauses(statements: list[Node]) -> list[Node]:
    """The ``{ a, b as c }`` lists of the local ``export { ... }`` statements among
    ``statements`` (not re-exports ``from`` another module)."""
    return [
        clause
        for statement in statements
        if statement.type == "export_statement"
        and statement.child_by_field_name("declaration") is None
        and statement.child_by_field_name("source") is None
        for clause in statement.named_children
        if clause.type == "export_clause"
    ]


def namespace_members(namespace: Node) -> list[Node]:
    """The declarations a namespace makes visible from outside. A namespace that marks some
    with ``export`` shows only those (``namespace Util { const cache = ...; export function
    get() }``); one that marks none is an ambient one, as typings write them (``declare
    namespace execa { interface Options ... }``), where every declaration is visible."""
    statements = body_statements(namespace)
    exported = [
        inner
        for statement in statements
        if statement.type == "export_statement"
        and (inner := statement.child_by_field_name("declaration")) is not None
    ]
    # ``export { a, b }`` marks the declarations of those names.
    listed = {
        text(name)
        for clause in export_clauses(statements)
        for specifier in clause.named_children
        if specifier.type == "export_specifier"
        and specifier.child_by_field_name("alias") is None
        and (name := specifier.child_by_field_name("name")) is not None
    }
    for statement in statements:
        inner = unwrapped(statement)
        if inner.type == "ambient_declaration":
            inner = next(iter(inner.named_children), inner)
        name = inner.child_by_field_name("name")
        if listed and name is not None and text(name) in listed:
            exported.append(inner)
    if exported or any(statement.type == "export_statement" for statement in statements):
        return exported
    return list(statements)
