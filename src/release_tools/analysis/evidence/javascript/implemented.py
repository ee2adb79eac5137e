"""Which members that hand-written typings declared the JavaScript of a commit defines.

Hand-written typings can declare a method the code never had (commander 12.1 dropped
``Option.fullDescription`` from its typings: no JS file ever defined it); dropping such a
declaration corrects the typings and breaks no caller at run time.

A member counts as defined where the code uses or defines it as a member: a property access
(``this.name``, ``obj.name``), a class member or object key at the start of a line (``name(``,
``get name()``, ``name = ...``, ``name: ...``), an inline object key (``{ name: 1 }``,
``{ name }``, ``, name: 1``) or a quoted name (``defineProperty(o, "name")``, ``o["name"]``).
A local variable of that name (``const optionFlags = ...``), a template literal's placeholder
(``${optionFlags}``), a function argument, a comment and a type test (``index.test-d.ts``,
which only checks the typings against themselves) define nothing.
"""

from __future__ import annotations

import re

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence.javascript.entrypoints import SUFFIXES

__all__ = ["defined_members", "is_typings"]

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
# Characters that end an identifier (POSIX bracket expression for git grep's ERE).
_END = r"([^[:alnum:]_$]|$)"
_KEYWORDS = "static|async|get|set|readonly|public|private|protected|override|declare"
_MODIFIERS = rf"(({_KEYWORDS})[[:space:]]+|\*[[:space:]]*)*"


def is_typings(path: str | None) -> bool:
    """Whether ``path`` is a TypeScript declaration file."""
    return path is not None and path.endswith((".d.ts", ".d.mts", ".d.cts"))


def _patterns(names: list[str]) -> list[str]:
    """git grep ERE patterns that find any of ``names`` used or defined as a member."""
    group = "(" + "|".join(re.escape(name).replace(r"\$", "[$]") for name in names) + ")"
    return [
        rf"\.{group}{_END}",
        rf"^[[:space:]]*{_MODIFIERS}{group}[[:space:]]*[(=:;?!]",
        rf"(^|[^$])[{{][[:space:]]*{group}[[:space:]]*[:(,}}]",
        rf",[[:space:]]*{group}[[:space:]]*[:}}]",
        rf"['\"`]{group}['\"`]",
    ]


def defined_members(ctx: AnalysisContext, names: set[str]) -> set[str]:
    """Which of the member ``names`` the JavaScript of the base commit uses or defines as
    members; all of them when the repository holds no code to check typings against (a
    types-only package)."""
    if not names:
        return set()
    ordered = sorted(names)
    patterns = [arg for pattern in _patterns(ordered) for arg in ("-e", pattern)]
    sources = [f"*{suffix}" for suffix in SUFFIXES]
    found = ctx.git.run(
        "grep", "-o", "-h", "-E", *patterns, ctx.base_sha, "--",
        *sources, ":!*.d.ts", ":!*.d.mts", ":!*.d.cts", ":!**/node_modules/**",
        ":!*.test-d.ts", ":!*.test-d.tsx", ":!**/test-d/**",
        check=False,
    )  # fmt: skip
    defined = set(_IDENTIFIER.findall(found)) & names
    if not defined and not any(
        path.endswith(SUFFIXES) and not is_typings(path) and "node_modules/" not in path
        for path in ctx.git.ls_files(ctx.base_sha)
    ):
        return set(names)
    return defined
