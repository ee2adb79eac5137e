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
from dataclasses import replace
from functools import cache

import tree_sitter
import tree_sitter_rust

from release_tools.analysis.evidence.rust.declarations import DeclarationReader, visibility
from release_tools.analysis.evidence.rust.items import RustItem, RustModule
from release_tools.analysis.evidence.rust.knownmacros import KNOWN_MACROS
from release_tools.analysis.evidence.rust.macros import (
    MAX_DEPTH,
    Budget,
    Rule,
    definitions,
    expand,
    name_of,
)

__all__ = ["macro_rules", "node_count", "parse_module", "parse_rust"]


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_rust.language()))


#: A supertrait that seals a trait (``private::Sealed``, ``sealed::Sealed``).
_SEALED = re.compile(r"(?<![\w])Sealed(?![\w])")


def _deprecated(attributes: list[str]) -> bool:
    """Whether the attributes (spaces removed) mark an item ``#[deprecated]``."""
    return any(a == "deprecated" or a.startswith("deprecated(") for a in attributes)


class _Reader(DeclarationReader):
    """Walks one parsed file; ``source`` is its UTF-8 bytes (node offsets are byte offsets)."""

    def __init__(
        self,
        source: bytes,
        rules: Mapping[str, list[Rule]] | None = None,
        budget: Budget | None = None,
        depth: int = 0,
    ) -> None:
        super().__init__(source)
        self.module = RustModule()
        #: The ``macro_rules!`` macros an item-position invocation is expanded with.
        self.rules = rules or {}
        self.budget = budget or Budget()
        self.depth = depth
        #: The paths ``use`` lines inside inline modules bind each name to.
        self.inner_uses: dict[str, set[str]] = {}
        #: Names the file's top level imports from two paths (``#[cfg]`` alternatives such as
        #: ``std::error::Error`` and ``core::error::Error``): which one a type means depends on
        #: the build, so neither resolves it.
        self.ambiguous: set[str] = set()

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
            if visibility(self, node) == "pub":
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
        public = visibility(self, node) == "pub"
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
            if name is not None and visibility(self, node) == "pub":
                self.module.hidden[prefix + self.text(name)] = deprecated
            return
        owner = self.impl_owner(node)
        body = node.child_by_field_name("body")
        attributes: list[str] = []
        for child in body.named_children if owner and body is not None else ():
            if child.type == "attribute_item":
                attributes.append(self.text(child).replace(" ", "")[2:-1])
                continue
            if child.type in ("function_item", "const_item") and visibility(self, child) == "pub":
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
            if hidden or visibility(self, child) != "pub":
                if (
                    "doc(hidden)" in marks
                    and not any(_test_only(a) for a in marks)
                    and visibility(self, child) == "pub"
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
    known = _known_rules() if b"!" in source else {}
    reader = _Reader(source, {**known, **(rules or {}), **own})
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


@cache
def _known_rules() -> dict[str, list[Rule]]:
    """The rules of the item macros of other crates the reader knows (see
    :mod:`.knownmacros`), parsed once."""
    return macro_rules(KNOWN_MACROS)


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
