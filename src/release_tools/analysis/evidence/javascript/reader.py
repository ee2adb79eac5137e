"""Walk one module's tree-sitter tree and list its exports, members and signatures.

Only the statements that can export are visited: the top-level statements (ES module
``export`` statements are only valid there) and, for CommonJS, the assignments to
``module.exports`` / ``exports.x`` that a query finds anywhere in the tree (bundles and UMD
wrappers assign them inside functions). What the rows mean is described in
:mod:`~release_tools.analysis.evidence.javascript.exports`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

import tree_sitter

from release_tools.analysis.evidence.javascript.nodes import (
    FUNCTION_VALUES,
    assigned_name,
    bound_names,
    function_signature,
    is_accessor,
    is_private,
    name_of,
    text,
    unquoted,
    value_signature,
)
from release_tools.analysis.evidence.javascript.parser import Grammar, language
from release_tools.analysis.evidence.javascript.reexports import ReExport
from release_tools.analysis.evidence.javascript.signatures import (
    Signature,
    annotation_text,
    merge_overloads,
)

__all__ = ["Reader", "Row", "Shape"]

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


_KINDS = {
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


@cache
def _options_query(grammar: Grammar) -> tree_sitter.Query:
    return tree_sitter.Query(
        language(grammar),
        "(member_expression object: (identifier) @object property: (property_identifier) @key)"
        " @read",
    )


@cache
def _commonjs_query(grammar: Grammar) -> tree_sitter.Query:
    return tree_sitter.Query(
        language(grammar),
        "(assignment_expression left: [(member_expression) (subscript_expression)] @left"
        " right: (_) @right)",
    )


class Reader:
    """Collects the rows, shapes and re-export sources of one module (see :meth:`read`)."""

    def __init__(self, data: bytes, grammar: Grammar) -> None:
        self.data = data
        self.grammar = grammar
        self.rows: dict[str, Row] = {}
        self.shapes: dict[str, Shape] = {}
        self.sources: list[str] = []
        #: The ``export ... from`` statements, with the names each passes on.
        self.reexports: list[ReExport] = []
        #: Keys of an ``options`` / ``opts`` object the module reads, with the first offset.
        self.option_reads: dict[str, int] = {}
        self._locals: dict[str, list[Node]] = {}
        #: ``(type, base)`` pairs whose inheritance was read, and the rows it added.
        self._inheriting: set[tuple[str, str]] = set()
        self._inherited = 0
        self._declared: dict[str, list[Signature]] = {}
        self._implemented: dict[str, list[Signature]] = {}

    def read(self, root: Node) -> None:
        """Read the module whose tree is ``root``.

        A typings file that exports nothing at its top level but declares a package by name
        (``declare module 'kleur' { ... export = kleur; }``) is read as that package's module:
        the body of its first such declaration of a bare package name (not a subpath like
        ``'kleur/colors'``) stands for the file's statements.
        """
        self._read_statements(root.named_children)
        if not self.rows and b"declare" in self.data:
            body = _declared_package(root)
            if body is not None:
                self._read_statements([_unwrapped(statement) for statement in body.named_children])
        if b"exports" in self.data:
            self._commonjs(root)
        if b"options" in self.data or b"opts" in self.data:
            self._options(root)
        self._finish()

    def _read_statements(self, statements: list[Node]) -> None:
        for statement in statements:
            self._collect_local(statement)
        for statement in statements:
            if statement.type == "export_statement":
                self._export(statement)

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
        elif node.type in _KINDS:
            name = node.child_by_field_name("name")
            if name is not None:
                self._locals.setdefault(text(name), []).append(node)

    # -- ES modules ----------------------------------------------------------------------

    def _export(self, statement: Node) -> None:
        at = statement.start_byte
        default = any(child.type == "default" for child in statement.children)
        declaration = statement.child_by_field_name("declaration")
        if declaration is not None:
            if default:
                kind = _KINDS.get(declaration.type, "default")
                if self._add("default", kind, at):
                    self._describe(declaration, "default", 0, members=False)
            else:
                self._declaration(declaration, "", at, 0)
            return
        value = statement.child_by_field_name("value")
        if value is None and any(child.type == "=" for child in statement.children):
            value = statement.named_children[-1] if statement.named_children else None  # export =
        if value is not None:
            self._default_value(value, at)
            if value.type == "identifier" and statement.child_by_field_name("value") is None:
                self._export_assigned(text(value))
            return
        source = statement.child_by_field_name("source")
        spec = text(source)[1:-1] if source is not None else None
        if spec is not None:
            self.sources.append(spec)
        named = False
        for child in statement.named_children:
            if child.type == "export_clause":
                named = True
                passed = [self._specifier(s, at, local=spec is None) for s in child.named_children]
                if spec is not None:
                    pairs = tuple(pair for pair in passed if pair is not None)
                    self.reexports.append(ReExport(spec, names=pairs))
            elif child.type == "namespace_export":
                named = True
                name = next(iter(reversed(child.named_children)), None)
                if name is not None:
                    namespace = name_of(name) or text(name)
                    self._add(namespace, "namespace", at)
                    if spec is not None:
                        self.reexports.append(ReExport(spec, namespace=namespace))
        if spec is not None and not named:
            self._add(f"* from {spec}", "re-export", at)
            self.reexports.append(ReExport(spec))

    def _export_assigned(self, local: str) -> None:
        """``export = local``, TypeScript's spelling of ``module.exports = local``: what
        ``local`` carries becomes the module's named exports, as CommonJS properties of
        ``module.exports`` do. That is the declarations of a namespace of that name (typings
        in the ``declare namespace execa { interface Options ... }`` style, whose names users
        reach as ``execa.Options``) and the properties and methods of a constant's object type
        (``declare const execa: { sync(file: string): Result; }``)."""
        for node in self._locals.get(local, ()):
            if node.type in ("internal_module", "module"):
                for statement in _namespace_members(node):
                    self._declaration(statement, "", statement.start_byte, 1)
                self._namespace_clauses(node)
            elif node.type == "variable_declarator":
                annotation = node.child_by_field_name("type")
                typed = annotation.named_children if annotation is not None else []
                if typed and typed[0].type == "object_type":
                    self._type_members(typed[0], "", kind="name")

    def _namespace_clauses(self, namespace: Node) -> None:
        """``export { build, Options }`` inside an assigned namespace: each name is exported,
        described by the namespace's declaration of it or else by the module's own (``export
        { PinoPretty }`` naming the function the namespace merges with)."""
        statements = _body_statements(namespace)
        clauses = _export_clauses(statements)
        if not clauses:
            return
        for statement in statements:
            self._collect_local(_unwrapped(statement))
        for clause in clauses:
            for specifier in clause.named_children:
                self._specifier(specifier, clause.start_byte, local=True)

    def _specifier(self, specifier: Node, at: int, local: bool) -> tuple[str, str] | None:
        """Add the row of one ``export { name as alias }`` item; ``(alias, name)``."""
        if specifier.type != "export_specifier":
            return None
        name = specifier.child_by_field_name("name")
        alias = specifier.child_by_field_name("alias")
        if name is None:
            return None
        exported = unquoted(text(alias if alias is not None else name))
        if self._add(exported, "name", at) and local:
            self._attach_local(exported, text(name), members=exported != "default")
        return exported, unquoted(text(name))

    def _default_value(self, value: Node, at: int) -> None:
        kind = "function" if value.type in FUNCTION_VALUES else "default"
        if not self._add("default", kind, at):
            return
        if value.type in FUNCTION_VALUES:
            self._function(value, "default")
        elif value.type == "identifier":
            self._attach_local("default", text(value), members=False)

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
        declared = _KINDS.get(node.type)
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
        elif kind in FUNCTION_VALUES or _KINDS.get(kind) == "function":
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
            for statement in _namespace_members(node):
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
                for base_node in self._locals.get(local, ()):
                    if base_node.type in _INHERITABLE:
                        self._describe(base_node, key, depth, members=True)
                self._inherited += len(self.rows) - before

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

    # -- options -------------------------------------------------------------------------

    def _options(self, root: Node) -> None:
        """``options.key`` / ``opts?.key`` reads, not ``this.options.key`` (another object's
        state) nor assignments (``options.key = ...`` fills in a default)."""
        cursor = tree_sitter.QueryCursor(_options_query(self.grammar))
        for _pattern, captures in cursor.matches(root):
            if captures["object"][0].text not in (b"options", b"opts"):
                continue
            read = captures["read"][0]
            parent = read.parent
            if (
                parent is not None
                and parent.type == "assignment_expression"
                and parent.child_by_field_name("left") == read
            ):
                continue
            key = captures["key"][0]
            self.option_reads.setdefault(text(key), key.start_byte)

    # -- CommonJS ------------------------------------------------------------------------

    def _commonjs(self, root: Node) -> None:
        cursor = tree_sitter.QueryCursor(_commonjs_query(self.grammar))
        found = []
        for _pattern, captures in cursor.matches(root):
            left, right = captures["left"][0], captures["right"][0]
            found.append((left.start_byte, left, right))
        for _at, left, right in sorted(found, key=lambda item: item[0]):
            target = left.text or b""
            if target == b"module.exports":
                if right.type == "object":
                    self._object_exports(right)
                else:
                    self._default_value(right, left.start_byte)
                continue
            owner = left.child_by_field_name("object")
            name = assigned_name(left)
            if owner is None or name is None or owner.text not in (b"module.exports", b"exports"):
                continue
            # Compiled CommonJS declares every export first (``exports.X = void 0;``) and
            # assigns the value later (``exports.X = X;``): a later assignment describes it.
            if self._add(name, "name", left.start_byte) or self.rows[name][0] == "name":
                self._value(name, right)

    def _object_exports(self, obj: Node) -> None:
        for item in obj.named_children:
            if item.type == "shorthand_property_identifier":
                local = text(item)
                if self._add(local, "name", item.start_byte):
                    self._attach_local(local, local, members=True)
            elif item.type == "pair":
                key = item.child_by_field_name("key")
                name = name_of(key) if key is not None else None
                value = item.child_by_field_name("value")
                if name is None or not self._add(name, "name", item.start_byte):
                    continue
                if value is not None:
                    self._value(name, value)
            elif item.type == "method_definition":
                key = item.child_by_field_name("name")
                name = name_of(key) if key is not None else None
                if name is not None and self._add(name, "name", item.start_byte):
                    self._function(item, name)

    def _value(self, key: str, value: Node) -> None:
        """Attach what is known of an exported value: a function's signature, or the
        signature and members of the local declaration an identifier names."""
        if value.type in FUNCTION_VALUES:
            self._function(value, key)
        elif value.type == "identifier":
            self._attach_local(key, text(value), members=True)


def _declared_package(root: Node) -> Node | None:
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


def _unwrapped(statement: Node) -> Node:
    """A statement of a declared module's body as a top-level one: tree-sitter wraps a
    ``namespace x { ... }`` there in an expression statement."""
    if statement.type == "expression_statement":
        inner = next(iter(statement.named_children), None)
        if inner is not None and inner.type == "internal_module":
            return inner
    return statement


def _heritage(node: Node) -> list[Node]:
    """The ``extends`` / ``implements`` clauses of a class or an interface declaration."""
    out: list[Node] = []
    for child in node.named_children:
        if child.type == "class_heritage":
            out.extend(child.named_children)
        elif child.type == "extends_type_clause":
            out.append(child)
    return out


def _body_statements(namespace: Node) -> list[Node]:
    """The statements of a namespace's (or declared module's) body."""
    body = namespace.child_by_field_name("body")
    return list(body.named_children) if body is not None else []


def _export_clauses(statements: list[Node]) -> list[Node]:
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


def _namespace_members(namespace: Node) -> list[Node]:
    """The declarations a namespace makes visible from outside. A namespace that marks some
    with ``export`` shows only those (``namespace Util { const cache = ...; export function
    get() }``); one that marks none is an ambient one, as typings write them (``declare
    namespace execa { interface Options ... }``), where every declaration is visible."""
    statements = _body_statements(namespace)
    exported = [
        inner
        for statement in statements
        if statement.type == "export_statement"
        and (inner := statement.child_by_field_name("declaration")) is not None
    ]
    # ``export { a, b }`` marks the declarations of those names.
    listed = {
        text(name)
        for clause in _export_clauses(statements)
        for specifier in clause.named_children
        if specifier.type == "export_specifier"
        and specifier.child_by_field_name("alias") is None
        and (name := specifier.child_by_field_name("name")) is not None
    }
    for statement in statements:
        inner = _unwrapped(statement)
        if inner.type == "ambient_declaration":
            inner = next(iter(inner.named_children), inner)
        name = inner.child_by_field_name("name")
        if listed and name is not None and text(name) in listed:
            exported.append(inner)
    if exported or any(statement.type == "export_statement" for statement in statements):
        return exported
    return list(statements)
