"""One Rust module file read with tree-sitter: its public items, modules and re-exports.

An item is public when its visibility is exactly ``pub``: ``pub(crate)``, ``pub(super)``,
``pub(in path)`` and ``pub(self)`` are not visible outside the crate. ``#[doc(hidden)]`` items
are not part of the documented API (crates hide macro internals and semver-exempt helpers
that way), and ``#[cfg(test)]`` items exist only in the crate's own test build; both are left
out. Items under other ``cfg`` attributes (features, platforms) are public API when their
configuration is on, so they count; an item defined once per configuration keeps every
signature it has.

Besides the name, each item keeps what callers depend on: a function's generics, parameter
types, return type and ``unsafe``/``async``/``extern`` qualifiers (parameter names do not
matter); the public fields of a struct and whether every field is public (then the struct can
be built with a literal, so a new field breaks that literal); an enum's variants; a trait's
methods, required or provided; the type of a const, static or alias. Signatures are read
in one spelling: ``mut`` bindings (``mut self``, ``mut x: T``) are left out, a receiver reads
``&'a mut self`` whichever form declares it, a lifetime the elision rules would supply is
elided, and inside an impl block the impl's own type reads ``Self``. Inherent ``impl`` blocks
contribute their ``pub`` methods and consts as ``Type::name``; trait impls add nothing to
name (the trait's own items are what callers use). Inline ``pub mod m { ... }`` items are
keyed ``m::name``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache

import tree_sitter
import tree_sitter_rust

from release_tools.analysis.evidence._tree import spliced
from release_tools.analysis.evidence.rust.lifetimes import elide
from release_tools.analysis.evidence.rust.macros import (
    MAX_DEPTH,
    Budget,
    Rule,
    definitions,
    expand,
    name_of,
)

__all__ = [
    "RustItem",
    "RustModule",
    "UseName",
    "macro_rules",
    "node_count",
    "parse_module",
    "parse_rust",
]


@dataclass(frozen=True, slots=True)
class RustItem:
    """One public item: its key, kind, line and what callers depend on.

    ``signature`` is a function's normalised signature or a const's, static's or alias'
    type. ``members`` are a struct's public fields (name, type), an enum's variants (name,
    shape) or a trait's methods and associated types (name, ``required ...``/``provided ...``).
    ``closed`` is true for a struct whose fields are all public (a struct literal can build
    it), ``non_exhaustive`` for a struct or enum marked ``#[non_exhaustive]`` (or an enum with a
    ``#[doc(hidden)]`` variant, which others cannot match exhaustively either), and for a sealed
    trait (a supertrait named ``Sealed``: no crate but its own can implement it).
    """

    name: str
    kind: str
    line: int
    signature: str | None = None
    members: tuple[tuple[str, str], ...] = ()
    closed: bool = False
    non_exhaustive: bool = False


@dataclass(frozen=True, slots=True)
class UseName:
    """One name a ``pub use`` brings in: the source path (``a::b``), the exported name and line.

    A glob has ``name`` ``*`` and the module's path as ``path``.
    """

    path: str
    name: str
    line: int


@dataclass(slots=True)
class RustModule:
    """What one module file declares: public items, child modules, ``pub use`` names."""

    items: dict[str, RustItem] = field(default_factory=dict)
    #: Child modules declared here (inline or as files), by name: True when public.
    modules: dict[str, bool] = field(default_factory=dict)
    uses: list[UseName] = field(default_factory=list)
    #: Every name a top-level ``use`` brings in, public or not, with the path it names
    #: (``Command`` -> ``clap::Command``); globs are not listed, nor names the file also uses
    #: otherwise (a generic parameter ``T``, a name bound inside an inline module).
    imports: dict[str, str] = field(default_factory=dict)
    #: Names of ``pub`` items marked ``#[doc(hidden)]`` (or methods of such an ``impl``):
    #: callable, but no public API; True for one also marked ``#[deprecated]``.
    hidden: dict[str, bool] = field(default_factory=dict)


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_rust.language()))


def _squash(text: str) -> str:
    return " ".join(text.split())


#: Type nodes that can spell an impl's own type.
_TYPE_NAMES = frozenset({"type_identifier", "generic_type", "scoped_type_identifier"})
#: ``self: &'a mut Self`` and the like: the long form of a receiver.
_SELF_TYPED = re.compile(r"^(&(?:'\w+ )?(?:mut )?)?Self$")
#: The name a generic parameter declares: ``T: Clone``, ``const N: usize`` (not a lifetime).
_GENERIC_NAME = re.compile(r"^(?:const\s+)?([A-Za-z_]\w*)")


#: A supertrait that seals a trait (``private::Sealed``, ``sealed::Sealed``).
_SEALED = re.compile(r"(?<![\w])Sealed(?![\w])")
#: A comma closing a list and the spaces inside brackets: ``( usize, u8, )`` and ``(usize,
#: u8)`` are one shape.
_TRAILING_COMMA = re.compile(r"\s*,?\s*([)}])")
_OPENING_SPACE = re.compile(r"([({])\s+")
_BRACE_OPEN = re.compile(r"\{(?!\})")
_BRACE_CLOSE = re.compile(r"(?<!\{)\}")


def _deprecated(attributes: list[str]) -> bool:
    """Whether the attributes (spaces removed) mark an item ``#[deprecated]``."""
    return any(a == "deprecated" or a.startswith("deprecated(") for a in attributes)


class _Reader:
    """Walks one parsed file; ``source`` is its UTF-8 bytes (node offsets are byte offsets)."""

    def __init__(
        self,
        source: bytes,
        rules: Mapping[str, list[Rule]] | None = None,
        budget: Budget | None = None,
        depth: int = 0,
    ) -> None:
        self.source = source
        self.module = RustModule()
        #: The ``macro_rules!`` macros an item-position invocation is expanded with.
        self.rules = rules or {}
        self.budget = budget or Budget()
        self.depth = depth
        #: Names that may mean something else somewhere in the file than its top-level ``use``
        #: says: generic parameters, items declared inside inline modules.
        self.shadowed: set[str] = {"_", "self", "super", "crate"}
        #: The paths ``use`` lines inside inline modules bind each name to.
        self.inner_uses: dict[str, set[str]] = {}
        #: Names the file's top level imports from two paths (``#[cfg]`` alternatives such as
        #: ``std::error::Error`` and ``core::error::Error``): which one a type means depends on
        #: the build, so neither resolves it.
        self.ambiguous: set[str] = set()

    def note_generics(self, node: tree_sitter.Node) -> None:
        """Remember the generic parameter names ``node`` declares (``<T: Clone, const N>``)."""
        params = node.child_by_field_name("type_parameters")
        for child in params.named_children if params is not None else ():
            found = _GENERIC_NAME.match(self.text(child))
            if found:
                self.shadowed.add(found.group(1))

    def text(self, node: tree_sitter.Node | None) -> str:
        if node is None:
            return ""
        return _squash(self.source[node.start_byte : node.end_byte].decode("utf-8", "replace"))

    def add(self, item: RustItem) -> None:
        old = self.module.items.get(item.name)
        if old is None:
            self.module.items[item.name] = item
        elif old.signature and item.signature and item.signature not in old.signature.split(" | "):
            # The same name once per cfg: callers see whichever is configured, so keep all.
            merged = " | ".join(sorted({*old.signature.split(" | "), item.signature}))
            self.module.items[item.name] = RustItem(
                old.name, old.kind, old.line, merged, old.members, old.closed, old.non_exhaustive
            )

    def block(self, node: tree_sitter.Node, prefix: str) -> None:
        """The items of a file or an inline module body, attributes attached to each."""
        attributes: list[str] = []
        for child in node.named_children:
            if child.type == "attribute_item":
                attributes.append(self.text(child).replace(" ", "")[2:-1])
                continue
            if child.type in ("line_comment", "block_comment"):
                continue
            self.item(child, prefix, attributes)
            attributes = []

    def item(self, node: tree_sitter.Node, prefix: str, attributes: list[str]) -> None:
        if any(_test_only(a) for a in attributes):
            return
        procedural = _proc_macro(attributes) if node.type == "function_item" else None
        if procedural is not None:
            # A procedural macro: its users name the macro, never call the function, whose
            # signature the compiler fixes; hidden from the docs, it still expands.
            name, kind = procedural
            if _visibility(self, node) == "pub":
                name = name or self.text(node.child_by_field_name("name"))
                self.add(RustItem(prefix + name, kind, _line(node)))
            return
        if "doc(hidden)" in attributes:
            self.hide(node, prefix, _deprecated(attributes))
            return
        kind = node.type
        if kind == "expression_statement" and node.named_child_count == 1:
            node = node.named_children[0]
            kind = node.type
        if kind == "macro_invocation":
            self.expand(node, prefix)
            return
        if kind == "macro_definition":
            macro = node.child_by_field_name("name")
            if "macro_export" in attributes and macro is not None:
                self.add(RustItem(self.text(macro), "macro", _line(node)))
            return
        if kind == "impl_item":
            self.impl(node)
            return
        public = _visibility(self, node) == "pub"
        if kind == "mod_item":
            name = self.text(node.child_by_field_name("name"))
            if not prefix:
                self.module.modules[name] = public
            body = node.child_by_field_name("body")
            if public:
                self.add(RustItem(prefix + name, "mod", _line(node)))
                if body is not None:
                    self.block(body, f"{prefix}{name}::")
            return
        if kind == "use_declaration":
            for use in self.use_names(node.child_by_field_name("argument"), "", _line(node)):
                if use.name == "*":
                    continue
                if prefix:
                    self.inner_uses.setdefault(use.name, set()).add(use.path)
                elif self.module.imports.setdefault(use.name, use.path) != use.path:
                    self.ambiguous.add(use.name)
        elif prefix and (bound := node.child_by_field_name("name")) is not None:
            self.shadowed.add(self.text(bound))
        self.note_generics(node)
        if not public:
            return
        if kind == "use_declaration":
            for use in self.use_names(node.child_by_field_name("argument"), "", _line(node)):
                if not prefix:
                    self.module.uses.append(use)
                key = use.name if use.name != "*" else f"{use.path}::*"
                self.add(RustItem(prefix + key, "use", use.line))
            return
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        key = prefix + self.text(name_node)
        line = _line(node)
        non_exhaustive = "non_exhaustive" in attributes
        if kind == "function_item":
            self.add(RustItem(key, "fn", line, self.signature(node)))
        elif kind == "struct_item":
            fields, closed = self.fields(node.child_by_field_name("body"))
            self.add(RustItem(key, "struct", line, None, fields, closed, non_exhaustive))
        elif kind == "union_item":
            fields, _closed = self.fields(node.child_by_field_name("body"))
            self.add(RustItem(key, "union", line, None, fields))
        elif kind == "enum_item":
            variants, hidden = self.variants(node.child_by_field_name("body"))
            open_ = non_exhaustive or hidden
            self.add(RustItem(key, "enum", line, None, variants, False, open_))
        elif kind == "trait_item":
            bounds = node.child_by_field_name("bounds")
            sealed = bounds is not None and _SEALED.search(self.text(bounds)) is not None
            self.add(RustItem(key, "trait", line, None, self.trait_members(node), False, sealed))
        elif kind in ("const_item", "static_item", "type_item"):
            short = {"const_item": "const", "static_item": "static", "type_item": "type"}[kind]
            self.add(RustItem(key, short, line, self.text(node.child_by_field_name("type"))))

    def expand(self, node: tree_sitter.Node, prefix: str) -> None:
        """Read the items an invocation of one of the crate's macros expands to, as if they
        stood where it stands (see :mod:`~release_tools.analysis.evidence.rust.macros`)."""
        rules = self.rules.get(name_of(node, self.source))
        if not rules or self.depth >= MAX_DEPTH:
            return
        text = expand(rules, node, self.source, self.budget)
        if not text:
            return
        source = text.encode("utf-8")
        inner = _Reader(source, self.rules, self.budget, self.depth + 1)
        inner.shadowed, inner.inner_uses, inner.ambiguous = (
            self.shadowed,
            self.inner_uses,
            self.ambiguous,
        )
        inner.block(_parser().parse(source).root_node, prefix)
        # The expansion has no lines of its own: its items are where the invocation is.
        line = _line(node)
        found = inner.module
        for item in found.items.values():
            self.add(replace(item, line=line))
        for name, public in found.modules.items():
            self.module.modules[name] = self.module.modules.get(name, False) or public
        self.module.uses.extend(replace(use, line=line) for use in found.uses)
        for name, path in found.imports.items():
            if self.module.imports.setdefault(name, path) != path:
                self.ambiguous.add(name)
        self.module.hidden.update(found.hidden)

    def hide(self, node: tree_sitter.Node, prefix: str, deprecated: bool) -> None:
        """Note the names a ``#[doc(hidden)]`` item declares (see :attr:`RustModule.hidden`):
        a ``pub`` item's, or the ``pub`` methods and consts of an inherent impl."""
        if node.type != "impl_item":
            name = node.child_by_field_name("name")
            if name is not None and _visibility(self, node) == "pub":
                self.module.hidden[prefix + self.text(name)] = deprecated
            return
        owner = self.impl_owner(node)
        body = node.child_by_field_name("body")
        attributes: list[str] = []
        for child in body.named_children if owner and body is not None else ():
            if child.type == "attribute_item":
                attributes.append(self.text(child).replace(" ", "")[2:-1])
                continue
            if child.type in ("function_item", "const_item") and _visibility(self, child) == "pub":
                key = f"{owner}::{self.text(child.child_by_field_name('name'))}"
                self.module.hidden[key] = deprecated or _deprecated(attributes)
            attributes = []

    def impl_owner(self, node: tree_sitter.Node) -> str:
        """The last name of an inherent impl's type (``Foo`` of ``impl<T> a::Foo<T>``); "" for a
        trait impl."""
        if node.child_by_field_name("trait") is not None:
            return ""
        target = node.child_by_field_name("type")
        if target is not None and target.type == "generic_type":
            target = target.child_by_field_name("type")
        if target is not None and target.type == "scoped_type_identifier":
            target = target.child_by_field_name("name")
        return self.text(target)

    def impl(self, node: tree_sitter.Node) -> None:
        """``pub`` methods and consts of an inherent impl, keyed by the type's last name."""
        if node.child_by_field_name("trait") is not None:
            return
        owner = self.impl_owner(node)
        self.note_generics(node)
        self_type = self.text(node.child_by_field_name("type"))
        body = node.child_by_field_name("body")
        if not owner or body is None:
            return
        attributes: list[str] = []
        for child in body.named_children:
            if child.type == "attribute_item":
                attributes.append(self.text(child).replace(" ", "")[2:-1])
                continue
            hidden = any(a == "doc(hidden)" or _test_only(a) for a in attributes)
            marks, attributes = attributes, []
            if hidden or _visibility(self, child) != "pub":
                if (
                    "doc(hidden)" in marks
                    and not any(_test_only(a) for a in marks)
                    and _visibility(self, child) == "pub"
                    and child.type in ("function_item", "const_item")
                ):
                    key = f"{owner}::{self.text(child.child_by_field_name('name'))}"
                    self.module.hidden[key] = _deprecated(marks)
                continue
            name = self.text(child.child_by_field_name("name"))
            if child.type == "function_item" and name:
                signature = self.signature(child, self_type)
                self.add(RustItem(f"{owner}::{name}", "fn", _line(child), signature))
            elif child.type == "const_item" and name:
                signature = self.type_text(child.child_by_field_name("type"), self_type)
                self.add(RustItem(f"{owner}::{name}", "const", _line(child), signature))

    def type_text(self, node: tree_sitter.Node | None, self_type: str = "") -> str:
        """A type's text; the impl's own type (``self_type``, generics included) reads ``Self``.

        Inside ``impl<T> Foo<T>``, ``Foo<T>`` and ``Self`` name the same type, so a method
        that switches between the two spellings changes nothing for callers.
        """
        if node is None:
            return ""
        return _squash(self._render(node, self_type.replace(" ", "")))

    def _render(self, node: tree_sitter.Node, self_type: str) -> str:
        if self_type and node.type in _TYPE_NAMES:
            parent = node.parent
            # ``Foo`` heading ``Foo<u16>`` or ending ``other::Foo`` is not the impl's type.
            head = parent is not None and parent.type in ("generic_type", "scoped_type_identifier")
            spelled = self.text(node).replace(" ", "")
            if not (node.type == "type_identifier" and head) and spelled == self_type:
                return "Self"
        return spliced(self.source, node, lambda child: self._render(child, self_type))

    def receiver(self, node: tree_sitter.Node) -> str:
        """``self``, ``&self``, ``&'a mut self``: a ``mut`` binding of ``self`` is no part of it."""
        if not any(c.type == "&" for c in node.children):
            return "self"
        lifetime = next((self.text(c) for c in node.named_children if c.type == "lifetime"), "")
        mutable = any(c.type == "mutable_specifier" for c in node.named_children)
        return "&" + (f"{lifetime} " if lifetime else "") + ("mut " if mutable else "") + "self"

    def signature(self, node: tree_sitter.Node, self_type: str = "") -> str:
        """``<generics>(types) -> ret where ...``; parameter names and ``mut`` bindings dropped.

        ``self: &Self`` reads ``&self``, and a lifetime the signature could elide (declared by
        the function, used by the ``&self`` receiver and the result only) is elided.
        """
        types: list[str] = []
        params = node.child_by_field_name("parameters")
        for param in params.named_children if params is not None else ():
            if param.type == "self_parameter":
                types.append(self.receiver(param))
            elif param.type == "parameter":
                kind = self.type_text(param.child_by_field_name("type"), self_type)
                if self.text(param.child_by_field_name("pattern")) == "self":
                    kind = _SELF_TYPED.sub(r"\1self", kind)
                types.append(kind)
            elif param.type not in ("attribute_item", "line_comment", "block_comment"):
                types.append(self.text(param))  # variadic `...` of extern fns
        returns = self.type_text(node.child_by_field_name("return_type"), self_type) or "()"
        generic_nodes = node.child_by_field_name("type_parameters")
        generics = [self.text(c) for c in generic_nodes.named_children] if generic_nodes else []
        self.note_generics(node)
        where = next((self.text(c) for c in node.named_children if c.type == "where_clause"), "")
        types, returns, generics = elide(types, returns, generics, where)
        qualifiers = next(
            (self.text(c) for c in node.named_children if c.type == "function_modifiers"), ""
        )
        qualifiers = " ".join(w for w in qualifiers.split() if w != "const")
        shown = f"<{', '.join(generics)}>" if generics else ""
        text = f"{shown}({', '.join(types)}) -> {returns}"
        return " ".join(part for part in (qualifiers, text, where) if part)

    def fields(self, body: tree_sitter.Node | None) -> tuple[tuple[tuple[str, str], ...], bool]:
        """The public fields (name, type) and whether every field is public."""
        if body is None:
            return (), True  # a unit struct: built by its name alone
        fields: list[tuple[str, str]] = []
        closed = True
        public = False
        index = 0
        for child in body.named_children:
            if child.type == "field_declaration":
                if _visibility(self, child) == "pub":
                    name = self.text(child.child_by_field_name("name"))
                    fields.append((name, self.text(child.child_by_field_name("type"))))
                else:
                    closed = False
            elif child.type == "visibility_modifier":
                public = self.text(child) == "pub"
            elif child.type not in ("attribute_item", "line_comment", "block_comment"):
                # A tuple struct's field: the visibility read just before belongs to it.
                if public:
                    fields.append((str(index), self.text(child)))
                else:
                    closed = False
                index += 1
                public = False
        return tuple(fields), closed

    def variants(self, body: tree_sitter.Node | None) -> tuple[tuple[tuple[str, str], ...], bool]:
        """The public variants (name, shape) and whether a ``#[doc(hidden)]`` one exists.

        A hidden variant (``__NonExhaustive``, the idiom before ``#[non_exhaustive]``) is no
        API, and it makes the enum non-exhaustive for everyone else: their matches need a
        wildcard arm already.
        """
        out: list[tuple[str, str]] = []
        attributes: list[str] = []
        hidden = False
        for child in body.named_children if body is not None else ():
            if child.type == "attribute_item":
                attributes.append(self.text(child).replace(" ", "")[2:-1])
                continue
            if child.type == "enum_variant":
                if "doc(hidden)" in attributes:
                    hidden = True
                else:
                    shape = self.shape(child.child_by_field_name("body"))
                    out.append((self.text(child.child_by_field_name("name")), shape))
            attributes = []
        return tuple(out), hidden

    def shape(self, node: tree_sitter.Node | None) -> str:
        """A variant's fields as written, without comments (doc comments included) and
        without a trailing comma: the layout rustfmt chooses is no change of shape."""
        if node is None:
            return ""

        def render(child: tree_sitter.Node) -> str:
            if child.type in ("line_comment", "block_comment"):
                return ""
            return spliced(self.source, child, render)

        text = _squash(spliced(self.source, node, render))
        text = _OPENING_SPACE.sub(r"\1", _TRAILING_COMMA.sub(r"\1", text))
        return _BRACE_CLOSE.sub(" }", _BRACE_OPEN.sub("{ ", text))  # ``{ x: u8 }``

    def trait_members(self, node: tree_sitter.Node) -> tuple[tuple[str, str], ...]:
        body = node.child_by_field_name("body")
        out: list[tuple[str, str]] = []
        hidden = False
        for child in body.named_children if body is not None else ():
            if child.type == "attribute_item":
                hidden = hidden or self.text(child).replace(" ", "") == "#[doc(hidden)]"
                continue
            if child.type in ("line_comment", "block_comment"):
                continue
            if hidden:
                hidden = False
                continue  # a helper of the crate's own impls, not callers' API
            name = self.text(child.child_by_field_name("name"))
            if child.type == "function_signature_item":
                out.append((name, f"required fn {self.signature(child)}"))
            elif child.type == "function_item":
                out.append((name, f"provided fn {self.signature(child)}"))
            elif child.type == "associated_type":
                provided = child.child_by_field_name("default_type") is not None
                out.append((f"type {name}", "provided type" if provided else "required type"))
        return tuple(out)

    def use_names(self, node: tree_sitter.Node | None, prefix: str, line: int) -> list[UseName]:
        """The names a ``pub use`` tree brings in: ``a::{b, c as d, e::*}`` -> b, d, e::*."""
        if node is None:
            return []
        kind = node.type
        if kind == "use_as_clause":
            source = self.text(node.child_by_field_name("path"))
            path = prefix.removesuffix("::") if source == "self" else prefix + source
            return [UseName(path, self.text(node.child_by_field_name("alias")), line)]
        if kind == "use_wildcard":
            inner = self.text(node).removesuffix("*").removesuffix("::")
            return [UseName((prefix + inner).removesuffix("::"), "*", line)]
        if kind == "scoped_use_list":
            path = self.text(node.child_by_field_name("path"))
            inner = f"{prefix}{path}::" if path else prefix
            return self.use_names(node.child_by_field_name("list"), inner, line)
        if kind == "use_list":
            return [u for child in node.named_children for u in self.use_names(child, prefix, line)]
        if kind == "self":
            path = prefix.removesuffix("::")
            return [UseName(path, path.rsplit("::", 1)[-1], line)] if path else []
        if kind in ("identifier", "scoped_identifier", "crate", "super"):
            path = prefix + self.text(node)
            return [UseName(path, path.rsplit("::", 1)[-1], line)]
        return []


def _proc_macro(attributes: list[str]) -> tuple[str, str] | None:
    """``(name, kind)`` of the procedural macro a function's attributes define, the name ""
    when it is the function's own (``#[proc_macro]``, ``#[proc_macro_attribute]``); a derive
    is named by its attribute (``#[proc_macro_derive(EnumTable, attributes(strum))]``)."""
    for attribute in attributes:
        if attribute.startswith("proc_macro_derive("):
            name = attribute.removeprefix("proc_macro_derive(").split(",")[0].rstrip(")")
            return name.strip(), "derive macro"
        if attribute in ("proc_macro", "proc_macro_attribute"):
            return "", "macro" if attribute == "proc_macro" else "attribute macro"
    return None


def _visibility(reader: _Reader, node: tree_sitter.Node) -> str:
    modifier = next((c for c in node.named_children if c.type == "visibility_modifier"), None)
    return reader.text(modifier).replace(" ", "") if modifier is not None else ""


def _test_only(attribute: str) -> bool:
    return attribute == "cfg(test)" or attribute.startswith("cfg(all(test,")


def _line(node: tree_sitter.Node) -> int:
    return node.start_point[0] + 1


def node_count(code: str) -> int:
    """How many syntax nodes ``code`` parses into (for the gatherer's node cap)."""
    return _parser().parse(code.encode("utf-8")).root_node.descendant_count


def parse_module(
    code: str,
    *,
    max_nodes: int | None = None,
    rules: Mapping[str, list[Rule]] | None = None,
) -> RustModule | None:
    """What one Rust module file declares; pure and tolerant of any input.

    None when the file has more than ``max_nodes`` syntax nodes: the caller then falls back to
    a linear scan rather than walk a generated file node by node. An invocation of a
    ``macro_rules!`` macro at item position is expanded with the file's own macros and
    ``rules`` (the crate's, from other files; the file's own win).
    """
    source = code.encode("utf-8")
    tree = _parser().parse(source)
    if max_nodes is not None and tree.root_node.descendant_count > max_nodes:
        return None
    own = definitions(tree.root_node, source) if b"macro_rules" in source else {}
    reader = _Reader(source, {**(rules or {}), **own})
    reader.block(tree.root_node, "")
    module = reader.module
    # A name an inline module binds to another path means two things in this file.
    module.imports = {
        name: path
        for name, path in module.imports.items()
        if name not in reader.shadowed
        and name not in reader.ambiguous
        and reader.inner_uses.get(name, {path}) == {path}
    }
    return module


def macro_rules(code: str) -> dict[str, list[Rule]]:
    """The ``macro_rules!`` macros one Rust file declares, by name (see
    :mod:`~release_tools.analysis.evidence.rust.macros`)."""
    source = code.encode("utf-8")
    if b"macro_rules" not in source:
        return {}
    return definitions(_parser().parse(source).root_node, source)


def parse_rust(code: str) -> dict[str, RustItem]:
    """The public items of one Rust module file, by key (``name``, ``Type::method``)."""
    module = parse_module(code)
    return module.items if module is not None else {}
