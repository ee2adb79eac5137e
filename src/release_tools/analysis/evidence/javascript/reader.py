"""Walk one module's tree-sitter tree and list its exports, members and signatures.

Only the statements that can export are visited: the top-level statements (ES module
``export`` statements are only valid there) and, for CommonJS, the assignments to
``module.exports`` / ``exports.x`` that a query finds anywhere in the tree (bundles and UMD
wrappers assign them inside functions). What the rows mean is described in
:mod:`~release_tools.analysis.evidence.javascript.exports`.
"""

from __future__ import annotations

from functools import cache

import tree_sitter

from release_tools.analysis.evidence.javascript.declarations import KINDS, Declarations
from release_tools.analysis.evidence.javascript.nodes import (
    FUNCTION_VALUES,
    assigned_name,
    name_of,
    text,
    unquoted,
)
from release_tools.analysis.evidence.javascript.parser import Grammar, language
from release_tools.analysis.evidence.javascript.reexports import ReExport
from release_tools.analysis.evidence.javascript.statements import (
    body_statements,
    declared_package,
    export_clauses,
    namespace_members,
    unwrapped,
)

__all__ = ["Reader"]

Node = tree_sitter.Node


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


class Reader(Declarations):
    """Collects the rows, shapes and re-export sources of one module (see :meth:`read`)."""

    def __init__(self, data: bytes, grammar: Grammar) -> None:
        super().__init__()
        self.data = data
        self.grammar = grammar
        self.sources: list[str] = []
        #: The ``export ... from`` statements, with the names each passes on.
        self.reexports: list[ReExport] = []
        #: Keys of an ``options`` / ``opts`` object the module reads, with the first offset.
        self.option_reads: dict[str, int] = {}

    def read(self, root: Node) -> None:
        """Read the module whose tree is ``root``.

        A typings file that exports nothing at its top level but declares a package by name
        (``declare module 'kleur' { ... export = kleur; }``) is read as that package's module:
        the body of its first such declaration of a bare package name (not a subpath like
        ``'kleur/colors'``) stands for the file's statements.
        """
        self._read_statements(root.named_children)
        if not self.rows and b"declare" in self.data:
            body = declared_package(root)
            if body is not None:
                self._read_statements([unwrapped(statement) for statement in body.named_children])
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

    # -- ES modules ----------------------------------------------------------------------

    def _export(self, statement: Node) -> None:
        at = statement.start_byte
        default = any(child.type == "default" for child in statement.children)
        declaration = statement.child_by_field_name("declaration")
        if declaration is not None:
            if default:
                kind = KINDS.get(declaration.type, "default")
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
                for statement in namespace_members(node):
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
        statements = body_statements(namespace)
        clauses = export_clauses(statements)
        if not clauses:
            return
        for statement in statements:
            self._collect_local(unwrapped(statement))
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
