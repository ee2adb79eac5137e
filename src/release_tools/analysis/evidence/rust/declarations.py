"""The declarations of one Rust item read in one spelling: signatures, types, fields,
variants, trait members and ``use`` trees.

A signature keeps what callers depend on and nothing else: parameter names and ``mut``
bindings are dropped, a receiver reads ``&'a mut self`` whichever form declares it, a lifetime
the elision rules would supply is elided, and inside an impl block the impl's own type reads
``Self``. Layout is no part of a shape: comments and trailing commas are left out. The
generic parameters each declaration names are remembered, since such a name means something
else there than the file's imports say.
"""

from __future__ import annotations

import re

import tree_sitter

from release_tools.analysis.evidence._tree import spliced
from release_tools.analysis.evidence.rust.items import UseName
from release_tools.analysis.evidence.rust.lifetimes import elide

__all__ = ["DeclarationReader", "visibility"]


def _squash(text: str) -> str:
    return " ".join(text.split())


#: Type nodes that can spell an impl's own type.
_TYPE_NAMES = frozenset({"type_identifier", "generic_type", "scoped_type_identifier"})
#: ``self: &'a mut Self`` and the like: the long form of a receiver.
_SELF_TYPED = re.compile(r"^(&(?:'\w+ )?(?:mut )?)?Self$")
#: The name a generic parameter declares: ``T: Clone``, ``const N: usize`` (not a lifetime).
_GENERIC_NAME = re.compile(r"^(?:const\s+)?([A-Za-z_]\w*)")
#: A comma closing a list and the spaces inside brackets: ``( usize, u8, )`` and ``(usize,
#: u8)`` are one shape.
_TRAILING_COMMA = re.compile(r"\s*,?\s*([)}])")
_OPENING_SPACE = re.compile(r"([({])\s+")
_BRACE_OPEN = re.compile(r"\{(?!\})")
_BRACE_CLOSE = re.compile(r"(?<!\{)\}")


class DeclarationReader:
    """Reads declarations of one parsed file; ``source`` is its UTF-8 bytes (node offsets are
    byte offsets)."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        #: Names that may mean something else somewhere in the file than its top-level ``use``
        #: says: generic parameters, items declared inside inline modules.
        self.shadowed: set[str] = {"_", "self", "super", "crate"}

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
                if visibility(self, child) == "pub":
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


def visibility(reader: DeclarationReader, node: tree_sitter.Node) -> str:
    """The visibility ``node`` declares with its spaces removed (``pub``, ``pub(crate)``), ""
    for none."""
    modifier = next((c for c in node.named_children if c.type == "visibility_modifier"), None)
    return reader.text(modifier).replace(" ", "") if modifier is not None else ""
