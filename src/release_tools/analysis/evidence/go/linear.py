"""A Go file read in one linear pass, for files too big to parse.

A generated file of a million declarations is not walked node by node; its exported top-level
names can still be listed by regular expressions over the text with comments and strings
cut out: ``func``, methods (``Type.Name``), and the names declared by ``type``, ``var`` and
``const`` lines and by the one-tab-indented lines of their ``( ... )`` blocks (gofmt's
layout). No signatures, fields or interface methods are read, so what this finds is strong
evidence, not proof. One regular expression walks the lines once; line numbers are counted
as it goes.
"""

from __future__ import annotations

import re

from release_tools.analysis.evidence.go.syntax import GoIdent

__all__ = ["scan_file"]

_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|`[^`]*`|'(?:\\.|[^'\\\n])+'", re.DOTALL
)
_PACKAGE = re.compile(r"^package[ \t]+(\w+)", re.MULTILINE)
_NAMES = r"[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*"
# One pass over the top-level lines: a func or method, a one-line declaration, the opening and
# closing lines of a ( ... ) block and the one-tab-indented lines inside it.
_LINE = re.compile(
    r"^(?:func[ \t]*(?:\((?P<recv>[^)\n]*)\)[ \t]*)?(?P<func>[A-Z]\w*)"
    r"|(?P<kw>type|var|const)[ \t]+(?:(?P<open>\()|(?P<names>" + _NAMES + r"))"
    r"|(?P<close>\))"
    r"|\t(?P<inner>" + _NAMES + r"))",
    re.MULTILINE,
)
_IDENT = re.compile(r"[A-Za-z_]\w*")


def _blank(code: str) -> str:
    """``code`` with comments and literals cut down to their newlines (line numbers stay)."""
    return _COMMENT_OR_STRING.sub(lambda m: "\n" * m.group(0).count("\n"), code)


def scan_file(code: str, path: str) -> tuple[str | None, dict[str, GoIdent]]:
    """The package name and exported top-level identifiers of one file, by scan."""
    blank = _blank(code)
    out: dict[str, GoIdent] = {}
    line, position, block = 1, 0, ""
    for match in _LINE.finditer(blank):
        start = match.start()
        line += blank.count("\n", position, start)  # matches come in order: count as we go
        position = start
        recv, func, kw, opening, names, closing, inner = match.groups()
        if closing is not None:
            block = ""
        elif func is not None:
            if recv is None:
                out.setdefault(func, GoIdent(func, "func", path, line))
                continue
            words = _IDENT.findall(recv.split("[", 1)[0])
            owner = words[-1] if words else ""
            if owner[:1].isupper():
                key = f"{owner}.{func}"
                out.setdefault(key, GoIdent(key, "method", path, line))
        elif opening is not None:
            block = kw
        elif names is not None or (inner is not None and block):
            kind = kw or block
            for name in (names or inner).split(","):
                name = name.strip()
                if name[:1].isupper() and name not in out:
                    out[name] = GoIdent(name, kind, path, line)
    package = _PACKAGE.search(blank)
    return (package.group(1) if package else None), out
