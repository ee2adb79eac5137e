"""tree-sitter parsing of JavaScript and TypeScript modules, with bounds on the work done.

The grammar follows the file name: JavaScript for ``.js``/``.mjs``/``.cjs``/``.jsx``, TSX for
``.tsx`` and TypeScript for everything else (``.ts``/``.mts``/``.cts``/``.d.ts``, and text with
no name, which TypeScript reads as well as plain JavaScript without JSX).

tree-sitter parses a few megabytes a second and builds a node for every token, so a module is
only parsed when it is at most :data:`MAX_PARSE_BYTES` long (checked before parsing) and its
tree has at most :data:`MAX_NODES` nodes (checked right after, before anything walks it). A
:class:`ParseBudget` bounds the bytes parsed in one run. Callers scan what is not parsed with
the linear scanner instead (:mod:`~release_tools.analysis.evidence.javascript.linear`).
"""

from __future__ import annotations

import enum
from functools import cache

import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

__all__ = [
    "MAX_NODES",
    "MAX_PARSE_BYTES",
    "Grammar",
    "ParseBudget",
    "grammar_for",
    "language",
    "parse",
]

#: Modules longer than this (in bytes) are not parsed: at about 3 MB/s a bigger module costs
#: more than the rest of a typical analysis.
MAX_PARSE_BYTES = 1_000_000
#: Trees with more nodes than this are dropped unwalked (minified or tabular code packs many
#: tokens into few bytes).
MAX_NODES = 600_000


class Grammar(enum.Enum):
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    TSX = "tsx"


_JAVASCRIPT_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx")


def grammar_for(path: str | None) -> Grammar:
    """The grammar that reads the module at ``path`` (TypeScript when unknown)."""
    if path is not None:
        if path.endswith(_JAVASCRIPT_SUFFIXES):
            return Grammar.JAVASCRIPT
        if path.endswith(".tsx"):
            return Grammar.TSX
    return Grammar.TYPESCRIPT


@cache
def language(grammar: Grammar) -> tree_sitter.Language:
    """The tree-sitter language of ``grammar``."""
    if grammar is Grammar.JAVASCRIPT:
        return tree_sitter.Language(tree_sitter_javascript.language())
    if grammar is Grammar.TSX:
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    return tree_sitter.Language(tree_sitter_typescript.language_typescript())


@cache
def _parser(grammar: Grammar) -> tree_sitter.Parser:
    return tree_sitter.Parser(language(grammar))


class ParseBudget:
    """The bytes one run may still parse; what is over budget goes to the linear scan.

    Shared by every module of a run, so that a range adding hundreds of mid-sized generated
    modules costs a bounded parse time however many there are.
    """

    def __init__(self, total: int) -> None:
        self.left = total
        #: Modules that were over budget (scanned linearly instead).
        self.refused = 0

    def take(self, size: int) -> bool:
        """Spend ``size`` bytes if that many are left; False (and counted) otherwise."""
        if size > self.left:
            self.refused += 1
            return False
        self.left -= size
        return True


def parse(source: bytes, grammar: Grammar) -> tree_sitter.Node | None:
    """The root of ``source``'s tree, or None when the module is too big to parse or walk.

    Syntax errors do not fail a parse: tree-sitter recovers and the rest of the module is read.
    """
    if len(source) > MAX_PARSE_BYTES:
        return None
    root = _parser(grammar).parse(source).root_node
    if root.descendant_count > MAX_NODES:
        return None
    return root
