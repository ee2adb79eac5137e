"""A Rust module file read in one linear pass, for files too big to parse.

A generated file of hundreds of thousands of items is not walked node by node; its ``pub``
items, ``pub mod`` declarations and ``pub use`` names can still be listed by regular
expressions over the text with comments and strings cut out. This reader does not see
attributes (``#[doc(hidden)]``, ``cfg``), signatures, fields or variants, so what it finds is
strong evidence, not proof. Every step is linear in the file's size: line numbers are counted
as the matches come, impl owners found by a bisection over the impl blocks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from release_tools.analysis.evidence.rust.items import RustItem, RustModule, UseName

__all__ = ["scan_module"]

_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|r#*\"[^\"]*\"#*|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\\n])'", re.DOTALL
)
# The patterns below start with their keyword, not with ``\b``: a leading literal lets the
# engine skip ahead to the keyword in C, where ``\b`` first makes it try every offset of the
# text (several times slower on generated files). :func:`_words` checks the word boundary.
_ITEM = re.compile(
    r"pub[ \t]+(?:(?:const|async|unsafe|extern(?:[ \t]+\"[^\"]*\")?)[ \t]+)*"
    r"(?P<kind>fn|struct|enum|trait|mod|const|static|type|union|macro)[ \t]+(?:mut[ \t]+)?"
    r"(?P<name>[A-Za-z_]\w*)"
)
_BRACE = re.compile(r"[{}]")
_ANY_MOD = re.compile(r"mod[ \t]+(?P<name>[A-Za-z_]\w*)")
_USE = re.compile(r"pub[ \t]+use[ \t]+(?P<tree>[^;{]*(?:\{[^;]*\})?);")
_IMPL = re.compile(r"impl\b(?:[ \t]*<[^{;]*?>)?[ \t]+(?P<target>[^{;]+?)[ \t]*(?:where[^{]*)?\{")
_WORD_CHAR = re.compile(r"\w")


def _words(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches ``\\b`` + ``pattern`` would give with ``finditer``, for a pattern that
    starts with a word character: a match inside a word is skipped and the search goes on
    from its next character."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        at = match.start()
        if at > 0 and _WORD_CHAR.match(text, at - 1):
            position = at + 1
            continue
        yield match
        position = match.end()


#: :data:`_COMMENT_OR_STRING` as one group: ``split`` then gives text and tokens in turn.
_TOKEN_SPLIT = re.compile(f"({_COMMENT_OR_STRING.pattern})", _COMMENT_OR_STRING.flags)


def _blank(code: str) -> str:
    """``code`` with comments and literals cut down to their newlines (line numbers stay)."""
    parts = _TOKEN_SPLIT.split(code)
    # One comprehension over the tokens costs less than a call back from ``re.sub`` for each
    # (a generated file has a comment or a string on every line).
    parts[1::2] = ["\n" * token.count("\n") for token in parts[1::2]]
    return "".join(parts)


def _block_end(text: str, start: int) -> int:
    """Index after the brace block opening at ``start``; the text's end if unbalanced."""
    depth = 0
    for match in _BRACE.finditer(text, start):
        depth += 1 if match.group(0) == "{" else -1
        if depth == 0:
            return match.end()
    return len(text)


def _use_names(tree: str, line: int) -> list[UseName]:
    """The names of a ``pub use`` tree: ``a::{b, c as d, e::*}`` -> b, d, e::*."""
    tree = " ".join(tree.split())
    brace = tree.find("{")
    if brace == -1:
        path, _, alias = tree.partition(" as ")
        path = path.strip()
        if path.endswith("*"):
            return [UseName(path.removesuffix("*").removesuffix("::"), "*", line)]
        return [UseName(path, alias.strip() or path.rsplit("::", 1)[-1], line)]
    prefix = tree[:brace]
    out: list[UseName] = []
    depth, start, inner = 0, 0, tree[brace + 1 : tree.rfind("}")]
    for index, char in enumerate(inner + ","):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            part = inner[start:index].strip()
            start = index + 1
            if part == "self":
                path = prefix.removesuffix("::")
                out.append(UseName(path, path.rsplit("::", 1)[-1], line))
            elif part:
                out.extend(_use_names(prefix + part, line))
    return out


def scan_module(code: str) -> RustModule:
    """The public items, child modules and ``pub use`` names of one module file, by scan."""
    blank = _blank(code)
    module = RustModule()
    counted = [0, 1]  # offset and line reached: each pass asks in increasing offsets

    def line_of(offset: int) -> int:
        if offset < counted[0]:
            counted[:] = [0, 1]
        counted[1] += blank.count("\n", counted[0], offset)
        counted[0] = offset
        return counted[1]

    impls: list[tuple[int, int, str]] = []
    resume = 0
    for match in _words(_IMPL, blank):
        if match.start() < resume or re.search(r"\bfor\b", match["target"]):
            continue
        words = re.findall(r"[A-Za-z_]\w*", re.sub(r"<.*", "", match["target"]))
        if words:
            end = _block_end(blank, match.end() - 1)
            impls.append((match.end(), end, words[-1]))
            resume = end  # impl blocks do not nest: the next one starts after this one
    starts = [start for start, _end, _owner in impls]
    for match in _words(_ITEM, blank):
        kind, name = match["kind"], match["name"]
        found = bisect_right(starts, match.start()) - 1
        owner = impls[found][2] if found >= 0 and match.start() < impls[found][1] else None
        key = f"{owner}::{name}" if owner else name
        module.items.setdefault(key, RustItem(key, kind, line_of(match.start())))
        if kind == "mod" and owner is None:
            module.modules[name] = True
    for match in _words(_ANY_MOD, blank):
        # After the pub ones: a module not declared `pub mod` is private.
        module.modules.setdefault(match["name"], False)
    for match in _words(_USE, blank):
        for use in _use_names(match["tree"], line_of(match.start())):
            key = use.name if use.name != "*" else f"{use.path}::*"
            module.uses.append(use)
            module.items.setdefault(key, RustItem(key, "use", use.line))
    return module
