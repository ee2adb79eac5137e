"""Members of exported classes, interfaces and declared namespaces, by a linear scan; pure.

Part of :mod:`~release_tools.analysis.evidence.javascript.linear`: the scan lists a member as
``Class.member``, with its offset and, for methods, what a caller must and may pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from release_tools.analysis.evidence.javascript.textparams import signature_of
from release_tools.analysis.evidence.javascript.textscan import balanced, depth_zero

__all__ = ["ExportRow", "container_members", "containers"]

# Searched without a leading ``\b``, which would keep the engine from skipping ahead to the
# keywords; :func:`containers` checks the word boundary itself.
_CLASS = re.compile(
    r"(?P<kind>class|interface|namespace|module)[ \t]+(?P<name>[A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_WORD_CHAR = re.compile(r"\w")
_NS_MEMBER = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?:declare[ \t]+)?(?:abstract[ \t]+)?"
    r"(?P<kind>type|interface|class|function|const|let|var|enum|namespace)[ \t]+"
    r"(?P<name>[A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_MEMBER = re.compile(
    r"^\s*(?P<mods>(?:(?:public|protected|private|static|readonly|async|abstract|declare|"
    r"override|get|set|accessor)\s+)*)\*?(?P<name>#?[A-Za-z_$][\w$]*)\s*[?!]?\s*"
    r"(?P<tail>[(:<=]|$)"
)
_NOT_MEMBERS = frozenset({"constructor", "return", "if", "for", "while", "const", "let", "var"})


_Member = tuple[str, int, int | None, frozenset[str] | None]

#: An export as :func:`~release_tools.analysis.evidence.javascript.linear.scan_exports` finds
#: it: ``(kind, offset, required, parameter names)``.
ExportRow = tuple[str, int, int | None, frozenset[str] | None]


def containers(blank: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
    """Class, interface, namespace and module declarations in ``blank[start:end]``, in order.

    The same matches as ``\\b`` + :data:`_CLASS` with ``finditer``: a match inside a word
    (``subclass X``) is skipped and the search goes on from its next character.
    """
    stop = len(blank) if end is None else end
    position = start
    while (match := _CLASS.search(blank, position, stop)) is not None:
        at = match.start()
        if at > 0 and _WORD_CHAR.match(blank, at - 1):
            position = at + 1
            continue
        yield match
        position = match.end()


def _members(blank: str, body_start: int, body: str, signatures: bool = True) -> list[_Member]:
    """Public members of a class or interface body: ``(name, offset, required, names)``.

    Without ``signatures`` the parameters are not read (``required`` and ``names`` are None).
    """
    flat = depth_zero(body)
    found: list[_Member] = []
    offset = 0
    for line in flat.split("\n"):
        for statement in re.finditer(r"[^;]+", line):
            match = _MEMBER.match(statement.group(0))
            if match and "private" not in (match["mods"] or "").split():
                name = match["name"]
                if not name.startswith(("_", "#")) and name not in _NOT_MEMBERS:
                    at = body_start + offset + statement.start() + match.start("name")
                    required, names = None, None
                    tail = match["tail"]
                    if signatures and (tail == "(" or (tail == "<" and "(" in statement.group(0))):
                        paren = blank.find("(", at)
                        params = balanced(blank, paren, "([{") if paren != -1 else None
                        required, names = signature_of(params)
                    found.append((name, at, required, names))
        offset += len(line) + 1
    return found


def _body_open(blank: str, position: int) -> int | None:
    """Where the ``{`` of a declaration's body is, skipping generics and heritage clauses.

    ``class C<K extends {}> extends Base<{ a: 1 }> {`` has braces before its body; only a brace
    outside angle brackets and parentheses opens it. None when the declaration has no body.
    """
    angle = paren = 0
    for index in range(position, min(len(blank), position + 4000)):
        char = blank[index]
        if char == "<":
            angle += 1
        elif char == ">" and blank[index - 1] != "=":
            angle = max(0, angle - 1)
        elif char == "(":
            paren += 1
        elif char == ")":
            paren = max(0, paren - 1)
        elif angle == 0 and paren == 0:
            if char == "{":
                return index
            if char in ";=":
                return None
    return None


def container_members(
    blank: str,
    decl: re.Match[str],
    owner: str,
    out: dict[str, ExportRow],
    depth: int,
    signatures: bool = True,
) -> None:
    """Add the members of the class, interface or namespace ``decl`` as ``owner.member``."""
    opening = _body_open(blank, decl.end())
    if opening is None or depth > 2:
        return
    body = balanced(blank, opening, "([{")
    if body is None:
        return
    start = opening + 1
    if decl["kind"] in ("namespace", "module"):
        # Everything declared in a `declare namespace` is part of it.
        flat = depth_zero(body)
        for inner in _NS_MEMBER.finditer(flat):
            key = f"{owner}.{inner['name']}"
            out.setdefault(key, (inner["kind"], start + inner.start("name"), None, None))
        for nested in containers(blank, start, start + len(body)):
            if f"{owner}.{nested['name']}" in out and flat[nested.start() - start] != " ":
                container_members(
                    blank, nested, f"{owner}.{nested['name']}", out, depth + 1, signatures
                )
        return
    for member, offset, required, names in _members(blank, start, body, signatures):
        key = f"{owner}.{member}"
        previous = out.get(key)
        if previous is None:
            out[key] = ("member", offset, required, names)
        elif previous[2] is not None and required is not None:
            # Overloads: the least demanding one is what callers can rely on, and any of them
            # may be called with its names.
            least = min(required, previous[2])
            either = (previous[3] or frozenset()) | (names or frozenset())
            out[key] = ("member", previous[1], least, either)
