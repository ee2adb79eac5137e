"""A Go file read in one linear pass, for files too big to parse.

A generated file of a million declarations is not walked node by node; its exported top-level
names can still be listed by regular expressions over the text with comments and strings
blanked: ``func``, methods (``Type.Name``), and the names declared by ``type``, ``var`` and
``const`` lines and by the one-tab-indented lines of their ``( ... )`` blocks (gofmt's
layout). No signatures, fields or interface methods are read, so what this finds is strong
evidence, not proof. Line numbers come from a bisection over the newline offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from release_tools.analysis.evidence.go.syntax import GoIdent

__all__ = ["scan_file"]

_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|`[^`]*`|'(?:\\.|[^'\\\n])+'", re.DOTALL
)
_PACKAGE = re.compile(r"^package[ \t]+(\w+)", re.MULTILINE)
_FUNC = re.compile(r"^func[ \t]*(?:\((?P<recv>[^)]*)\)[ \t]*)?(?P<name>[A-Z]\w*)", re.MULTILINE)
_DECL = re.compile(
    r"^(?P<kw>type|var|const)[ \t]+(?P<names>[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)",
    re.MULTILINE,
)
_BLOCK = re.compile(r"^(?P<kw>type|var|const)[ \t]*\((?P<body>.*?)^\)", re.MULTILINE | re.DOTALL)
_BLOCK_NAMES = re.compile(r"^\t(?P<names>[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)", re.MULTILINE)
_IDENT = re.compile(r"[A-Za-z_]\w*")


def _blank(code: str) -> str:
    return _COMMENT_OR_STRING.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)


def scan_file(code: str, path: str) -> tuple[str | None, dict[str, GoIdent]]:
    """The package name and exported top-level identifiers of one file, by scan."""
    blank = _blank(code)
    newlines = [m.start() for m in re.finditer("\n", blank)]
    out: dict[str, GoIdent] = {}

    def line_of(offset: int) -> int:
        return bisect_right(newlines, offset - 1) + 1

    def add(name: str, kind: str, offset: int) -> None:
        if name[:1].isupper():
            out.setdefault(name, GoIdent(name, kind, path, line_of(offset)))

    for match in _FUNC.finditer(blank):
        if match["recv"] is None:
            add(match["name"], "func", match.start())
            continue
        words = _IDENT.findall(match["recv"].split("[", 1)[0])
        owner = words[-1] if words else ""
        if owner[:1].isupper():
            key = f"{owner}.{match['name']}"
            out.setdefault(key, GoIdent(key, "method", path, line_of(match.start())))
    for match in _DECL.finditer(blank):
        for name in match["names"].split(","):
            add(name.strip(), match["kw"], match.start())
    for block in _BLOCK.finditer(blank):
        base = block.start("body")
        for match in _BLOCK_NAMES.finditer(block["body"]):
            for name in match["names"].split(","):
                add(name.strip(), block["kw"], base + match.start())
    package = _PACKAGE.search(blank)
    return (package.group(1) if package else None), out
