"""What the declarations of one module carry: a row for each name they declare, the
signatures of functions and methods, and the members of classes, interfaces, object types,
enums and namespaces.

Members a class or interface inherits from another type of the same module are listed as its
own; overloads and ambient declarations, when a function has any, stand for its signature.
:class:`~release_tools.analysis.evidence.javascript.reader.Reader` decides which declarations
are exported and under which names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import tree_sitter

from release_tools.analysis.evidence.javascript.nodes import (
    FUNCTION_VALUES,
    bound_names,
    function_signature,
    is_accessor,
    is_private,
    name_of,
    text,
    value_signature,
)
from release_tools.analysis.evidence.javascript.signatures import (
    Signature,
    annotation_text,
    merge_overloads,
)
from release_tools.analysis.evidence.javascript.statements import namespace_members

__all__ = ["KINDS", "Declarations", "Row", "Shape"]

#: ``(kind, offset, required, parameter names)``: see ``exports.ExportRow``.
Row = tuple[str, int, int | None, frozenset[str] | None]
Node = tree_sitter.Node


@dataclass(frozen=True, slots=True)
class Shape:
    """What the parse knows of one export beyond its row, to compare two versions of it."""

    signature: Signature | None = None
    #: For a property: declared with ``?``.
    optional: bool | None = None
    #: For a property: its declared type.
    type: str | None = None
    #: A property of an interface or object type. Callers build such objects themselves (an
    #: options object), so one that becomes required breaks them; a class field is only read.
    in_type: bool = False
    #: A type alias of other types (``type T = A | B``, ``Pick<A, "x">``, ``Base``): its
    #: members are theirs, which are not read here.
    opaque: bool = False


#: Types every JavaScript runtime defines: what they give a subclass is no package's API.
_GLOBAL_TYPES = frozenset(
    {
        "Error", "TypeError", "RangeError", "SyntaxError", "Object", "Array", "Map", "Set",
        "WeakMap", "WeakSet", "Promise", "Function", "EventTarget", "Event", "ReadonlyArray",
        "Iterable", "AsyncIterable", "Uint8Array",
    }
)  # fmt: skip

#: The row kind of each declaration node that names what it declares.
KINDS = {
    "function_declaration": "function",
    "generator_function_declaration": "function",
    "function_signature": "function",
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "interface_declaration": "interface",
    "type_alias_declaration": "type",
    "enum_declaration": "enum",
    "internal_module": "namespace",
    "module": "module",
}
_VARIABLES = ("lexical_declaration", "variable_declaration")
#: Type alias values whose members (none, or an object type's) are read here; any other value
#: (a reference, a union, a generic, a mapped or conditional type) has members of other types.
_OWN_MEMBERS = frozenset(
    {
        "object_type",
        "predefined_type",
        "literal_type",
        "tuple_type",
        "array_type",
        "function_type",
        "constructor_type",
        "template_literal_type",
    }
)
#: Declarations without a body: overloads and ambient declarations. When a function has any,
#: they are what callers see, and the implementation's own parameter list is hidden.
_DECLARED_ONLY = frozenset({"function_signature", "method_signature", "abstract_method_signature"})
_METHODS = frozenset({"method_definition", *_DECLARED_ONLY})
_FIELDS = frozenset({"public_field_definition", "field_definition"})
#: Namespaces nest; deeper levels than this are not listed.
_MAX_DEPTH = 2
#: Declarations whose members a class or interface of the module may inherit.
_INHERITABLE = frozenset(
    {"interface_declaration", "class_declaration", "abstract_class_declaration"}
)
#: Member rows one module may gain by inheritance (typings of DOM-like hierarchies repeat
#: thousands of members down long chains).
_MAX_INHERITED = 20_000


class Declarations:
    """The rows and shapes of the declarations described so far, by key."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.shapes: dict[str, Shape] = {}
        self._locals: dict[str, list[Node]] = {}
        #: ``(type, base)`` pairs whose inheritance was read, and the rows it added.
        self._inheriting: set[tuple[str, str]] = set()
        self._inherited = 0
        self._declared: dict[str, list[Signature]] = {}
        self._implemented: dict[str, list[Signature]] = {}

    # -- bookkeeping ---------------------------------------------------------------------

    def _add(self, key: str, kind: str, offset: int) -> bool:
        """Add a row; True when the declaration at hand is this name's (first, or another
        overload of the same kind), so that its signature and members belong to it."""
        row = self.rows.get(key)
        if row is None:
            self.rows[key] = (kind, offset, None, None)
            return True
        return row[0] == kind and kind in ("function", "member")

    def _signature(self, key: str, sig: Signature, declared_only: bool) -> None:
        target = self._declared if declared_only else self._implemented
        target.setdefault(key, []).append(sig)

    def _finish(self) -> None:
        for key in self._declared.keys() | self._implemented.keys():
            row = self.rows.get(key)
            if row is None:
                continue
            sig = merge_overloads(self._declared.get(key) or self._implemented[key])
            self.rows[key] = (row[0], row[1], sig.required, sig.names)
            self.shapes[key] = replace(self.shapes.get(key, Shape()), signature=sig)

    def _collect_local(self, statement: Node) -> None:
        """Remember top-level declarations by name: ``export { name }`` refers to them."""
        node = statement
        if node.type == "export_statement":
            found = node.child_by_field_name("declaration")
            if found is None:
                return
            node = found
        if node.type == "ambient_declaration":
            node = next(iter(node.named_children), node)
        if node.type in _VARIABLES:
            for declarator in node.named_children:
                name = declarator.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    self._locals.setdefault(text(name), []).append(declarator)
        elif node.type in KINDS:
            name = node.child_by_field_name("name")
            if name is not None:
                self._locals.setdefault(text(name), []).append(node)

    # -- declarations --------------------------------------------------------------------

    def _attach_local(self, key: str, local: str, members: bool) -> None:
        for node in self._locals.get(local, ()):
            self._describe(node, key, 0, members)

    def _declaration(self, node: Node, prefix: str, at: int, depth: int) -> None:
        """List the names ``node`` declares, as ``prefix + name``."""
        if node.type == "ambient_declaration":
            for child in node.named_children:
                self._declaration(child, prefix, at, depth)
            return
        if node.type in _VARIABLES:
            kind = text(node.children[0]) if node.children else "const"
            for declarator in node.named_children:
                name = declarator.child_by_field_name("name")
                if name is None:
                    continue
                if name.type != "identifier":
                    for bound in bound_names(name):
                        self._add(prefix + bound, kind, at)
                    continue
                key = prefix + text(name)
                sig = value_signature(declarator)
                if self._add(key, "function" if sig else kind, at) and sig is not None:
                    self._signature(key, sig[0], sig[1])
            return
        declared = KINDS.get(node.type)
        name = node.child_by_field_name("name")
        if declared is None or name is None:
            return
        key = prefix + (name_of(name) or text(name))
        if self._add(key, declared, at):
            self._describe(node, key, depth, members=True)
        elif node.type == "interface_declaration" and self.rows[key][0] in ("class", "interface"):
            # Declaration merging: a second interface of a class's or interface's name adds
            # its members (and what it extends) to the same type.
            self._describe(node, key, depth, members=True)

    def _describe(self, node: Node, key: str, depth: int, members: bool) -> None:
        """Attach the signature and (with ``members``) the members of declaration ``node``."""
        kind = node.type
        if kind == "variable_declarator":
            sig = value_signature(node)
            if sig is not None:
                self._signature(key, sig[0], sig[1])
        elif kind in FUNCTION_VALUES or KINDS.get(kind) == "function":
            self._function(node, key)
        elif kind in ("class_declaration", "abstract_class_declaration", "class"):
            body = node.child_by_field_name("body")
            if body is not None:
                self._class_members(body, key, members)
            if members:
                self._inherit(node, key, depth, "extends_clause")
        elif not members:
            return
        elif kind == "interface_declaration":
            body = node.child_by_field_name("body")
            if body is not None:
                self._type_members(body, key)
            self._inherit(node, key, depth, "extends_type_clause")
        elif kind == "type_alias_declaration":
            value = node.child_by_field_name("value")
            if value is not None and value.type not in _OWN_MEMBERS:
                self.shapes[key] = replace(self.shapes.get(key, Shape()), opaque=True)
            if value is not None and value.type == "object_type":
                self._type_members(value, key)
            elif value is not None and value.type == "intersection_type":
                # ``{ text?: string } & Options``: the literal parts' members are the alias's
                # own; the named parts' are theirs (so the alias stays opaque).
                for part in _intersected(value):
                    self._type_members(part, key)
        elif kind == "enum_declaration":
            body = node.child_by_field_name("body")
            for item in body.named_children if body is not None else ():
                target = (
                    item.child_by_field_name("name") if item.type == "enum_assignment" else item
                )
                name = name_of(target) if target is not None else None
                if name is not None:
                    self._add(f"{key}.{name}", "member", item.start_byte)
        elif kind in ("internal_module", "module") and depth < _MAX_DEPTH:
            for statement in namespace_members(node):
                self._declaration(statement, key + ".", statement.start_byte, depth + 1)

    def _inherit(self, node: Node, key: str, depth: int, clause: str) -> None:
        """Give ``key`` the members of the types of this module that ``node`` extends
        (``interface FetchError extends IFetchError<T>``, ``class A extends B``): users
        reach them on it. Types of other modules are not read here; a type inherited twice
        or in a cycle is read once, and a module's inherited rows are capped."""
        found = [n for n in _heritage(node) if n.type == clause]
        for part in found:
            for base in part.named_children:
                target = base.child_by_field_name("name") if base.type == "generic_type" else base
                local = text(target) if target is not None else ""
                if not local or (key, local) in self._inheriting:
                    continue
                if self._inherited > _MAX_INHERITED:
                    return
                self._inheriting.add((key, local))
                before = len(self.rows)
                bases = [n for n in self._locals.get(local, ()) if n.type in _INHERITABLE]
                for base_node in bases:
                    self._describe(base_node, key, depth, members=True)
                self._inherited += len(self.rows) - before
                if not bases and local.split(".")[0] not in _GLOBAL_TYPES:
                    # A type of another module: what it gives ``key`` is not read, so a
                    # member that left ``key`` may live on there.
                    self.shapes[key] = replace(self.shapes.get(key, Shape()), opaque=True)

    def _function(self, node: Node, key: str) -> None:
        sig = function_signature(node)
        if sig is not None:
            self._signature(key, sig, node.type in _DECLARED_ONLY)

    # -- members -------------------------------------------------------------------------

    def _class_members(self, body: Node, owner: str, members: bool) -> None:
        for item in body.named_children:
            if item.type not in _METHODS and item.type not in _FIELDS:
                continue
            name_node = item.child_by_field_name("name") or item.child_by_field_name("property")
            name = name_of(name_node) if name_node is not None else None
            if name is None:
                continue  # computed or #private
            if name == "constructor" and item.type in _METHODS:
                self._function(item, owner)  # ``new Owner(...)`` calls it
                continue
            if not members or name.startswith("_") or is_private(item):
                continue
            key = f"{owner}.{name}"
            if not self._add(key, "member", name_node.start_byte if name_node else 0):
                continue
            if item.type in _FIELDS or is_accessor(item):
                optional = any(child.type == "?" for child in item.children)
                self.shapes.setdefault(key, Shape(optional=optional, type=annotation_text(item)))
            else:
                self._function(item, key)

    def _type_members(self, body: Node, owner: str, kind: str = "member") -> None:
        """The named properties and methods of an interface or object type, as
        ``owner.name`` rows of ``kind`` (just ``name`` without an owner)."""
        for item in body.named_children:
            if item.type not in ("property_signature", "method_signature"):
                continue  # call, construct and index signatures have no name
            name_node = item.child_by_field_name("name")
            name = name_of(name_node) if name_node is not None else None
            if name is None or name_node is None:
                continue
            key = f"{owner}.{name}" if owner else name
            if not self._add(key, kind, name_node.start_byte):
                continue
            if item.type == "method_signature":
                self._function(item, key)
            else:
                optional = any(child.type == "?" for child in item.children)
                shape = Shape(optional=optional, type=annotation_text(item), in_type=True)
                self.shapes.setdefault(key, shape)


def _heritage(node: Node) -> list[Node]:
    """The ``extends`` / ``implements`` clauses of a class or an interface declaration."""
    out: list[Node] = []
    for child in node.named_children:
        if child.type == "class_heritage":
            out.extend(child.named_children)
        elif child.type == "extends_type_clause":
            out.append(child)
    return out


def _intersected(node: Node) -> list[Node]:
    """The object-type literals an intersection type joins, nested intersections and
    parentheses followed."""
    out: list[Node] = []
    for child in node.named_children:
        if child.type == "parenthesized_type" and child.named_children:
            child = child.named_children[0]
        if child.type == "object_type":
            out.append(child)
        elif child.type == "intersection_type":
            out.extend(_intersected(child))
    return out
