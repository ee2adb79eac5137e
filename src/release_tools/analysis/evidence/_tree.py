"""Text of a tree-sitter node rebuilt from its children, for readers that respell parts of it."""

from __future__ import annotations

from collections.abc import Callable

import tree_sitter

__all__ = ["spliced"]


def spliced(
    source: bytes, node: tree_sitter.Node, render: Callable[[tree_sitter.Node], str]
) -> str:
    """``node``'s text with each child replaced by ``render(child)``; a leaf's own text.

    The bytes between children (punctuation, spaces) are kept as written, so a reader can
    respell some children (parameter names dropped, ``Self`` for a type) and keep the rest.
    """
    if not node.children:
        return source[node.start_byte : node.end_byte].decode("utf-8", "replace")
    pieces: list[str] = []
    cursor = node.start_byte
    for child in node.children:
        pieces.append(source[cursor : child.start_byte].decode("utf-8", "replace"))
        pieces.append(render(child))
        cursor = child.end_byte
    pieces.append(source[cursor : node.end_byte].decode("utf-8", "replace"))
    return "".join(pieces)
