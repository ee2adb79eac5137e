"""One Go file read with tree-sitter: its package name and exported identifiers.

An identifier is exported when it starts with an upper-case letter. Functions and methods
keep what callers depend on: type parameters, parameter types (names do not matter to
callers) and result types, and for a method whether its receiver is a pointer (a method on
``*T`` is not in the method set of ``T`` values). A type keeps its definition's shape
(``struct``, ``interface``, an alias target or the underlying type), the exported fields of a
struct (embedded ones by their type's name) and every method of an interface (an unexported
one means no other package can implement it). Exported variables and constants keep their
declared type when they have one. A type alias of, or a variable bound to, another package's
exported identifier (``type Options = testr.Options``, ``var New = testr.New``, in
parentheses or not, several names at once or not) keeps the identifier's import path as its
``target``, for the gatherer to look up.

Type texts are compared across versions, so a type is spelled the same way however the file
imports its package: a renamed import (``g "github.com/gin-gonic/gin"``) is written with the
package's usual name (``gin.Context``), and a name a dot import brings into the file
(``import . "github.com/gin-gonic/gin"``, then ``Context``) is written qualified as well, unless
the package declares a type of that name itself (settled once the whole package is read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_go

from release_tools.analysis.evidence._tree import spliced

__all__ = [
    "DOT",
    "DOTTED",
    "HIDDEN_METHOD",
    "HIDDEN_TYPE",
    "PART",
    "GoIdent",
    "import_name",
    "parse_file",
    "signature_key",
    "split_list",
]


@dataclass(frozen=True, slots=True)
class GoIdent:
    """One exported identifier: ``Name`` or ``Type.Method``, its kind, file, line, signature.

    ``params``/``results`` are a function's parameter types and result list, ``pointer`` tells
    a method on ``*T``. ``members`` are a struct's exported fields (name, type) or an
    interface's methods (name, signature); ``sealed`` marks an interface with an unexported
    method. ``target`` is ``import/path.Name`` when the identifier is an alias of, or a variable
    bound to, another package's identifier, and ``origin`` where its target is declared.
    """

    name: str
    kind: str
    path: str
    line: int
    signature: str | None = None
    params: tuple[str, ...] = ()
    results: str = ""
    type_params: str = ""
    pointer: bool = False
    members: tuple[tuple[str, str], ...] = ()
    sealed: bool = False
    target: str = ""
    #: For an exported alias of an unexported type of the same package, that type's name.
    local: str = ""
    #: Where the declaration read under this name sits (``path:line``) when an alias of
    #: another package's identifier reached it; ``path`` and ``line`` are then the alias's.
    origin: str = ""


_EMPTY_INTERFACE = re.compile(r"\binterface ?\{ ?\}")
#: Marks a name a dot import may provide: ``\x00pkg.Name``, settled once the package is read.
DOT = "\x00"
DOTTED = re.compile(DOT + r"(\w+)\.(\w+)")
_VERSION_ELEMENT = re.compile(r"v\d+")
_GOPKG_VERSION = re.compile(r"\.v\d+$")
_STATES = re.compile(r"(?!go$)[a-z][a-z0-9]*").fullmatch
#: The kind of an unexported interface, read only for the exported ones that embed it.
PART = "interface-part"
#: The kinds of an unexported type of another shape and of the exported methods of an
#: unexported type, read only for an exported alias of that type (``type Options = options``).
HIDDEN_TYPE = "hidden-type"
HIDDEN_METHOD = "hidden-method"


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_go.language()))


def _exported(name: str) -> bool:
    return bool(name) and name[0].isupper()


def split_list(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [" ".join(p.split()) for p in parts if p.strip()]


def signature_key(params: str) -> str:
    """The types of a Go parameter list without names: ``a, b int`` -> ``int,int``."""
    parts = split_list(params)
    named = any(
        len(p.split(" ", 1)) == 2 and p.split(" ", 1)[0].replace("_", "a").isalnum() for p in parts
    )
    if not named:
        return ",".join(parts)
    types: list[str] = []
    pending = 0
    for part in parts:
        pieces = part.split(" ", 1)
        if len(pieces) == 1:
            pending += 1  # a name sharing the next type
            continue
        types.extend([pieces[1]] * (pending + 1))
        pending = 0
    return ",".join(types)


def import_name(path: str) -> str:
    """The name a package imported from ``path`` usually has: its last path element without
    a ``/vN`` major element, a ``.vN`` suffix (gopkg.in) or a ``go-`` / ``-go`` affix."""
    parts = [p for p in path.split("/") if p]
    if len(parts) > 1 and _VERSION_ELEMENT.fullmatch(parts[-1]):
        parts.pop()
    name = _GOPKG_VERSION.sub("", parts[-1]) if parts else path
    name = name.removeprefix("go-").removesuffix("-go")
    return re.sub(r"\W", "_", name) or path


def _normal(text: str) -> str:
    """``text`` with its whitespace runs as single spaces and ``interface{}`` as ``any``."""
    text = " ".join(text.split())
    # ``any`` is an alias of the empty interface: spelling one as the other changes nothing.
    return _EMPTY_INTERFACE.sub("any", text) if "interface" in text else text


class _Reader:
    def __init__(self, source: bytes, path: str) -> None:
        self.source = source
        self.path = path
        self.out: dict[str, GoIdent] = {}
        #: Renamed imports: the name written in this file -> the package's usual name.
        self.renamed: dict[str, str] = {}
        #: The usual name of the one package this file dot-imports (None: none, or several).
        self.dot: str | None = None
        #: Type parameters in scope: names a dot import does not provide.
        self.scope: frozenset[str] = frozenset()
        #: The import path of each package name written in this file.
        self.paths: dict[str, str] = {}

    def imports(self, node: tree_sitter.Node) -> list[tuple[str | None, str]]:
        """``(written name or None, path)`` of each import of one import declaration."""
        out: list[tuple[str | None, str]] = []
        for spec in node.named_children:
            if spec.type == "import_spec_list":
                out += self.imports(spec)
            elif spec.type == "import_spec":
                path = self.text(spec.child_by_field_name("path")).strip('"`')
                name = spec.child_by_field_name("name")
                out.append((self.text(name) if name is not None else None, path))
        return out

    def use_imports(self, imports: list[tuple[str | None, str]]) -> None:
        dots = [path for name, path in imports if name == "."]
        self.dot = import_name(dots[0]) if len(dots) == 1 else None
        for name, path in imports:
            usual = import_name(path)
            if name not in (".", "_"):
                self.paths[name or usual] = path
            # Only a path that states its package's name (``.../zap``, not ``.../slog-shim``
            # or ``json-iterator/go``) tells that an import under another name is a rename.
            if name is not None and name not in (".", "_") and name != usual and _STATES(usual):
                self.renamed[name] = usual

    def target(self, node: tree_sitter.Node | None) -> str:
        """``import/path.Name`` when ``node`` names an exported identifier of an imported
        package (``testr.Options``, as a type or a value), in parentheses or not; "" otherwise."""
        while node is not None and node.type in ("parenthesized_type", "parenthesized_expression"):
            node = next((c for c in node.named_children if c.type != "comment"), None)
        if node is None or node.type not in ("qualified_type", "selector_expression"):
            return ""
        fields = ("package", "name") if node.type == "qualified_type" else ("operand", "field")
        package, name = (self.text(node.child_by_field_name(f)) for f in fields)
        path = self.paths.get(package)
        return f"{path}.{name}" if path and _exported(name) else ""

    def type_params(self, node: tree_sitter.Node | None) -> frozenset[str]:
        """The names a type parameter list (or a generic receiver's arguments) declares."""
        names: set[str] = set()
        for child in node.named_children if node is not None else ():
            if child.type == "type_parameter_declaration":
                names.update(self.text(n) for n in child.children_by_field_name("name"))
            elif child.type == "type_identifier":  # a generic receiver's ``List[T]``
                names.add(self.text(child))
        return frozenset(names)

    def type_param_text(self, node: tree_sitter.Node | None) -> str:
        """A type parameter list with one constraint per name: ``[A, B any]`` and ``[A any, B
        any]`` declare the same parameters and read the same."""
        if node is None:
            return ""
        out: list[str] = []
        for child in node.named_children:
            if child.type != "type_parameter_declaration":
                return self.text(node)
            constraint = self.text(child.child_by_field_name("type"))
            out += [f"{self.text(n)} {constraint}" for n in child.children_by_field_name("name")]
        return f"[{', '.join(out)}]"

    def text(self, node: tree_sitter.Node | None) -> str:
        if node is None:
            return ""
        return _normal(self.source[node.start_byte : node.end_byte].decode("utf-8", "replace"))

    def type_text(self, node: tree_sitter.Node | None) -> str:
        """A type as callers see it: the parameter names of function types inside it dropped.

        ``func(args Arguments)`` and ``func(Arguments)`` are the same type, at any depth (a
        parameter, a result, a field, an interface method of a type literal).
        """
        return _normal(self._render(node)) if node is not None else ""

    def _render(self, node: tree_sitter.Node) -> str:
        if node.type == "function_type":
            return "func" + self._signature(node)
        if node.type == "method_elem":
            return self.text(node.child_by_field_name("name")) + self._signature(node)
        if node.type == "qualified_type":
            package = self.text(node.child_by_field_name("package"))
            name = self.text(node.child_by_field_name("name"))
            return f"{self.renamed.get(package, package)}.{name}"
        if node.type == "type_identifier" and self.dot is not None:
            name = self.text(node)
            if _exported(name) and name not in self.scope:
                return f"{DOT}{self.dot}.{name}"
            return name
        # The node's own text with each child rendered in its place; comments are left out.
        return spliced(
            self.source, node, lambda child: "" if child.type == "comment" else self._render(child)
        )

    def _signature(self, node: tree_sitter.Node) -> str:
        """``(types) results`` of a function type or interface method, names dropped."""
        params = self.params(node.child_by_field_name("parameters"))
        results = self.results(node.child_by_field_name("result"))
        return f"({','.join(params)}) {results}".rstrip()

    def params(self, node: tree_sitter.Node | None) -> tuple[str, ...]:
        """Parameter types, one per parameter (``a, b int`` is two), names dropped."""
        types: list[str] = []
        for child in node.named_children if node is not None else ():
            if child.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            text = self.type_text(child.child_by_field_name("type"))
            if child.type == "variadic_parameter_declaration":
                text = f"...{text}"
            types.extend([text] * max(1, len(child.children_by_field_name("name"))))
        return tuple(types)

    def results(self, node: tree_sitter.Node | None) -> str:
        if node is None:
            return ""
        if node.type == "parameter_list":
            types = self.params(node)
            # ``(error)`` and ``error`` are the same single result.
            return types[0] if len(types) == 1 else "(" + ",".join(types) + ")"
        return self.type_text(node)

    def function(self, node: tree_sitter.Node) -> None:
        name = self.text(node.child_by_field_name("name"))
        if not _exported(name):
            return
        owner, pointer = "", False
        scope: frozenset[str] = frozenset()
        if node.type == "method_declaration":
            receiver = node.child_by_field_name("receiver")
            declared = (
                next(
                    (c for c in receiver.named_children if c.type == "parameter_declaration"), None
                )
                if receiver is not None
                else None
            )
            kind = declared.child_by_field_name("type") if declared is not None else None
            if kind is not None and kind.type == "pointer_type":
                pointer = True
                kind = kind.named_children[0] if kind.named_children else None
            if kind is not None and kind.type == "generic_type":
                scope = self.type_params(kind.child_by_field_name("type_arguments"))
                kind = kind.child_by_field_name("type")
            owner = self.text(kind)
        self.scope = scope | self.type_params(node.child_by_field_name("type_parameters"))
        params = self.params(node.child_by_field_name("parameters"))
        results = self.results(node.child_by_field_name("result"))
        type_params = self.type_param_text(node.child_by_field_name("type_parameters"))
        signature = f"{type_params}({','.join(params)}) {results}".strip()
        key = f"{owner}.{name}" if owner else name
        self.out[key] = GoIdent(
            key,
            ("method" if _exported(owner) else HIDDEN_METHOD) if owner else "func",
            self.path,
            node.start_point[0] + 1,
            signature,
            params,
            results,
            type_params,
            pointer,
        )

    def values(self, node: tree_sitter.Node, kind: str) -> None:
        for spec in node.named_children:
            if spec.type == "var_spec_list":
                self.values(spec, kind)
                continue
            if spec.type == "ERROR":
                self.misread_value(spec, kind)
                continue
            if spec.type not in ("var_spec", "const_spec"):
                continue
            self.scope = frozenset()
            declared = self.type_text(spec.child_by_field_name("type")) or None
            values = spec.child_by_field_name("value")
            literals = [
                c
                for c in (values.named_children if values is not None else ())
                if c.type != "comment"
            ]
            if declared is None and len(literals) == 1 and literals[0].type == "func_literal":
                # ``var F = func(...) {...}``: its type is the literal's function type.
                declared = "func" + self._signature(literals[0])
            names = spec.children_by_field_name("name")
            # ``var New, Get = impl.New, impl.Get`` binds each name to its own value.
            bound = [self.target(v) for v in literals] if len(literals) == len(names) else []
            for index, name_node in enumerate(names):
                name = self.text(name_node)
                if _exported(name):
                    line = spec.start_point[0] + 1
                    target = bound[index] if bound else ""
                    ident = GoIdent(name, kind, self.path, line, declared, target=target)
                    self.out.setdefault(name, ident)

    def misread_value(self, node: tree_sitter.Node, kind: str) -> None:
        """The last spec of a one-line group, ``var (A = 1; New = impl.New)``, which
        tree-sitter-go reads as an error of a name and a qualified type when its value names
        another package's identifier: read as that binding."""
        parts = [c for c in node.named_children if c.type != "comment"]
        if len(parts) != 2 or (parts[0].type, parts[1].type) != ("identifier", "qualified_type"):
            return
        name = self.text(parts[0])
        if _exported(name):
            line = node.start_point[0] + 1
            ident = GoIdent(name, kind, self.path, line, None, target=self.target(parts[1]))
            self.out.setdefault(name, ident)

    def types(self, node: tree_sitter.Node) -> None:
        for spec in node.named_children:
            if spec.type not in ("type_spec", "type_alias"):
                continue
            name = self.text(spec.child_by_field_name("name"))
            body = spec.child_by_field_name("type")
            if not _exported(name):
                # Kept for the exported interfaces that embed it (its methods are theirs).
                if spec.type == "type_spec" and body is not None and body.type == "interface_type":
                    self.scope = self.type_params(spec.child_by_field_name("type_parameters"))
                    methods, closed = self.methods(body)
                    line = spec.start_point[0] + 1
                    params = self.type_param_text(spec.child_by_field_name("type_parameters"))
                    shape = f"{params} interface".strip()
                    part = GoIdent(
                        name, PART, self.path, line, shape, members=methods, sealed=closed
                    )
                    self.out.setdefault(name, part)
                elif spec.type == "type_spec" and body is not None:
                    # Kept for an exported alias of it (its fields and methods are the alias's).
                    self.scope = self.type_params(spec.child_by_field_name("type_parameters"))
                    line = spec.start_point[0] + 1
                    # A generic one keeps its parameters (``[T any] struct``): an alias
                    # passes them on (``type List[T any] = list[T]``).
                    params = self.type_param_text(spec.child_by_field_name("type_parameters"))
                    shape, fields = self.shape(body)
                    shape = f"{params} {shape}".strip()
                    hidden = GoIdent(name, HIDDEN_TYPE, self.path, line, shape, members=fields)
                    self.out.setdefault(name, hidden)
                elif spec.child_by_field_name("type_parameters") is None and body is not None:
                    # An unexported alias (``type options = inner``): another spelling of its
                    # target, which an exported alias of it reaches through it.
                    self.scope = frozenset()
                    line = spec.start_point[0] + 1
                    shape = f"= {self.type_text(body)}"
                    hidden = GoIdent(
                        name, HIDDEN_TYPE, self.path, line, shape, target=self.target(body)
                    )
                    self.out.setdefault(name, hidden)
                continue
            type_params = self.type_param_text(spec.child_by_field_name("type_parameters"))
            self.scope = self.type_params(spec.child_by_field_name("type_parameters"))
            members: tuple[tuple[str, str], ...] = ()
            sealed = False
            target = ""
            if spec.type == "type_alias":
                shape = f"= {self.type_text(body)}"
                target = "" if type_params else self.target(body)
            elif body is not None and body.type == "interface_type":
                shape, members, sealed = "interface", *self.methods(body)
            else:
                shape, members = self.shape(body)
            signature = f"{type_params} {shape}".strip()
            line = spec.start_point[0] + 1
            self.out.setdefault(
                name,
                GoIdent(
                    name,
                    "type",
                    self.path,
                    line,
                    signature,
                    members=members,
                    sealed=sealed,
                    target=target,
                ),
            )

    def shape(self, body: tree_sitter.Node | None) -> tuple[str, tuple[tuple[str, str], ...]]:
        """A defined type's shape other than an interface: ``struct`` with its exported
        fields, or the underlying type's text."""
        if body is not None and body.type == "struct_type":
            return "struct", self.fields(body)
        return self.type_text(body), ()

    def fields(self, body: tree_sitter.Node) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        fields = next((c for c in body.named_children if c.type == "field_declaration_list"), None)
        for field in fields.named_children if fields is not None else ():
            if field.type != "field_declaration":
                continue
            kind = self.type_text(field.child_by_field_name("type"))
            names = [self.text(n) for n in field.children_by_field_name("name")]
            if not names:  # embedded: named by its type, without pointer or package
                tag = self.text(field.child_by_field_name("tag"))
                kind = self.text(field).removesuffix(tag).strip()  # `*T`: the star is no field
                names = [kind.lstrip("*").rsplit(".", 1)[-1].split("[", 1)[0]]
                kind = f"embedded {kind}"
            out.extend((name, kind) for name in names if _exported(name))
        return tuple(out)

    def methods(self, body: tree_sitter.Node) -> tuple[tuple[tuple[str, str], ...], bool]:
        out: list[tuple[str, str]] = []
        sealed = False
        for child in body.named_children:
            if child.type == "method_elem":
                name = self.text(child.child_by_field_name("name"))
                out.append((name, self._signature(child)))
                sealed = sealed or not _exported(name)
            elif child.type == "type_elem":
                out.append((self.text(child), "embedded"))
        return tuple(out), sealed


def parse_file(
    code: str, path: str, *, max_nodes: int | None = None
) -> tuple[str | None, dict[str, GoIdent]] | None:
    """The package name and exported identifiers of one Go file; pure and tolerant.

    None when the file has more than ``max_nodes`` syntax nodes (the caller scans it instead).
    """
    source = code.encode("utf-8")
    tree = _parser().parse(source)
    root = tree.root_node
    if max_nodes is not None and root.descendant_count > max_nodes:
        return None
    reader = _Reader(source, path)
    declarations = [n for n in root.named_children if n.type == "import_declaration"]
    reader.use_imports([i for n in declarations for i in reader.imports(n)])
    package = None
    for node in root.named_children:
        if node.type == "package_clause":
            package = reader.text(node.named_children[0]) if node.named_children else None
        elif node.type in ("function_declaration", "method_declaration"):
            reader.function(node)
        elif node.type == "type_declaration":
            reader.types(node)
        elif node.type in ("var_declaration", "const_declaration"):
            reader.values(node, "var" if node.type == "var_declaration" else "const")
    return package, reader.out
