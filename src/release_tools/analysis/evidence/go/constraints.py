"""Whether a Go file's build constraint leaves it out of every default build; pure.

A file guarded by ``//go:build gofuzz`` (or ``// +build ignore``, ``integration``, ``tools``)
is compiled only when someone asks for that tag, so its identifiers are no part of the
package's API. Platform tags (``linux``, ``arm64``, ``unix``), ``cgo``, compilers and Go
versions are satisfied by some default build; any other tag is taken as unset. A file is left
out when no choice of the platform tags satisfies its constraint.
"""

from __future__ import annotations

import itertools
import re
from typing import TypeAlias

__all__ = ["excluded_by_default"]

_GOOS = frozenset(
    [
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "wasip1",
        "windows",
        "zos",
    ]
)
_GOARCH = frozenset(
    [
        "386",
        "amd64",
        "amd64p32",
        "arm",
        "armbe",
        "arm64",
        "arm64be",
        "loong64",
        "mips",
        "mipsle",
        "mips64",
        "mips64le",
        "mips64p32",
        "mips64p32le",
        "ppc",
        "ppc64",
        "ppc64le",
        "riscv",
        "riscv64",
        "s390",
        "s390x",
        "sparc",
        "sparc64",
        "wasm",
    ]
)
_OTHER = frozenset({"unix", "cgo", "gc", "gccgo"})
_GO_VERSION = re.compile(r"go1\.\d+")
_TOKEN = re.compile(r"\s*(\|\||&&|!|\(|\)|[\w.]+)")
#: Beyond this many distinct platform tags the constraint is not searched (kept as built).
_MAX_TAGS = 12

#: A tag, or ``("!", e)``, ``("&&", a, b)``, ``("||", a, b)``.
_Expr: TypeAlias = "str | tuple[str, _Expr] | tuple[str, _Expr, _Expr]"


def _known(tag: str) -> bool:
    return tag in _GOOS or tag in _GOARCH or tag in _OTHER or bool(_GO_VERSION.fullmatch(tag))


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _TOKEN.findall(text)
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ValueError("unexpected end")
        self.at += 1
        return token

    def expression(self) -> _Expr:
        left = self.conjunction()
        while self.peek() == "||":
            self.take()
            left = ("||", left, self.conjunction())
        return left

    def conjunction(self) -> _Expr:
        left = self.unary()
        while self.peek() == "&&":
            self.take()
            left = ("&&", left, self.unary())
        return left

    def unary(self) -> _Expr:
        token = self.take()
        if token == "!":
            return ("!", self.unary())
        if token == "(":
            inner = self.expression()
            if self.take() != ")":
                raise ValueError("unbalanced parentheses")
            return inner
        if token in ("||", "&&", ")"):
            raise ValueError(f"unexpected {token}")
        return token


def _plus_build(lines: list[str]) -> _Expr | None:
    """The old ``// +build`` lines as one expression: lines AND, spaces OR, commas AND."""
    clauses: list[_Expr] = []
    for line in lines:
        options: list[_Expr] = []
        for option in line.split():
            terms: list[_Expr] = [
                ("!", term[1:]) if term.startswith("!") else term for term in option.split(",")
            ]
            options.append(_join("&&", terms))
        if options:
            clauses.append(_join("||", options))
    return _join("&&", clauses) if clauses else None


def _join(operator: str, parts: list[_Expr]) -> _Expr:
    out = parts[0]
    for part in parts[1:]:
        out = (operator, out, part)
    return out


def _value(expr: _Expr, chosen: dict[str, bool]) -> bool:
    if isinstance(expr, str):
        return chosen.get(expr, False)
    if len(expr) == 2:
        return not _value(expr[1], chosen)
    if expr[0] == "&&":
        return _value(expr[1], chosen) and _value(expr[2], chosen)
    return _value(expr[1], chosen) or _value(expr[2], chosen)


def _tags(expr: _Expr) -> set[str]:
    if isinstance(expr, str):
        return {expr}
    return set().union(*(_tags(part) for part in expr[1:]))


def _constraint(code: str) -> _Expr | None:
    """The build constraint of the file's header (the comments before ``package``)."""
    go_build: str | None = None
    plus: list[str] = []
    for raw in code.splitlines():
        line = raw.strip()
        if line.startswith("package ") or line == "package":
            break
        if line.startswith("//go:build "):
            go_build = line.removeprefix("//go:build ")
        elif line.startswith("// +build "):
            plus.append(line.removeprefix("// +build "))
        elif line and not line.startswith(("//", "/*", "*")):
            break
    if go_build is not None:
        parser = _Parser(go_build)
        expr = parser.expression()
        if parser.peek() is not None:
            raise ValueError("trailing tokens")
        return expr
    return _plus_build(plus)


def excluded_by_default(code: str) -> bool:
    """Whether no default build compiles ``code`` (its constraint needs a custom tag)."""
    if "+build" not in code and "go:build" not in code:
        return False
    try:
        expr = _constraint(code)
    except ValueError:
        return False  # a constraint we cannot read: keep the file
    if expr is None:
        return False
    known = sorted(tag for tag in _tags(expr) if _known(tag))
    if len(known) > _MAX_TAGS:
        return False
    for values in itertools.product((False, True), repeat=len(known)):
        if _value(expr, dict(zip(known, values, strict=True))):
            return False
    return True
