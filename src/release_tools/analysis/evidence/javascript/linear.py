"""Read the exports of one JavaScript / TypeScript module by a linear scan; pure, no I/O.

The fallback for modules too big to parse with tree-sitter (see
:mod:`~release_tools.analysis.evidence.javascript.exports`): its cost grows linearly with the
text, and it holds no tree. Comments and string contents are blanked first, keeping offsets,
so that commented-out code never counts and line numbers stay exact. It finds ``export
function/class/const/let/var/interface/type/enum/namespace/default``, ``export { a, b as c }``,
``export * from``, ``export * as ns from``, ``export =``, ``module.exports = {...}``,
``module.exports.x =`` and ``exports.x =``, the members of exported classes, interfaces and
declared namespaces (``Class.member``), and for functions the number of parameters a caller
must pass and the names it may pass (parameters, and the keys of a destructured options
object: ``{ windowsPathsNoEscape, magicalBraces }``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from release_tools.analysis.evidence.javascript.reexports import ReExport

__all__ = [
    "Export",
    "ExportRow",
    "blank_code",
    "line_finder",
    "param_names",
    "parse_exports",
    "re_exports",
    "required_params",
    "scan_exports",
    "star_sources",
]

_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`",
    re.DOTALL,
)
_DECL = re.compile(
    r"^[ \t]*export[ \t]+(?:declare[ \t]+)?(?P<default>default[ \t]+)?"
    r"(?:abstract[ \t]+)?(?:async[ \t]+)?"
    r"(?P<kind>function\*?|class|const|let|var|interface|type|enum|namespace|module)"
    r"[ \t]*(?P<name>[A-Za-z_$][\w$]*)?",
    re.MULTILINE,
)
_DEFAULT_EXPR = re.compile(
    r"^[ \t]*export[ \t]+default[ \t]+(?!function|class|abstract|async)", re.M
)
_BRACES = re.compile(r"^[ \t]*export[ \t]+(?:type[ \t]+)?\{(?P<names>[^}]*)\}", re.MULTILINE)
_STAR_AS = re.compile(r"^[ \t]*export[ \t]+\*[ \t]+as[ \t]+(?P<name>[\w$]+)", re.MULTILINE)
_FROM = re.compile(
    r"^[ \t]*export[ \t]+(?:type[ \t]+)?"
    r"(?:\*|\*[ \t]+as[ \t]+(?P<ns>[\w$]+)|\{(?P<names>[^}]*)\})[ \t]*from[ \t]*"
    r"(?P<q>['\"])(?P<spec>[^'\"]+)(?P=q)",
    re.MULTILINE,
)
_MODULE_EXPORTS_OBJ = re.compile(r"module\.exports[ \t]*=[ \t]*\{")
_MODULE_EXPORTS_ANY = re.compile(r"module\.exports[ \t]*=(?![ \t]*\{)(?!=)")
# Starts with a literal so that the scan skips ahead (``module.`` before it is on the same line).
_EXPORTS_DOT = re.compile(r"exports\.(?P<name>[A-Za-z_$][\w$]*)[ \t]*=(?!=)")
_EXPORT_ASSIGN = re.compile(r"^[ \t]*export[ \t]*=[ \t]*[\w$]", re.MULTILINE)
# Searched without a leading ``\b``, which would keep the engine from skipping ahead to the
# keywords; :func:`_containers` checks the word boundary itself.
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
# ``export declare const escape: (s: string, opts?: O) => string`` (a function-typed constant).
_TYPED_ARROW = re.compile(
    r"^[ \t]*export[ \t]+(?:declare[ \t]+)?(?:const|let|var)[ \t]+(?P<name>[\w$]+)[ \t]*:"
    r"[ \t]*\(",
    re.MULTILINE,
)
_ARROW = re.compile(
    r"^[ \t]*export[ \t]+(?:const|let|var)[ \t]+(?P<name>[\w$]+)[ \t]*(?::[^=]+)?=[ \t]*"
    r"(?:async[ \t]+)?(?:function[ \t]*\*?[ \t]*[\w$]*[ \t]*)?\(",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Export:
    """One exported name, its line, and for functions the count of required parameters and
    the names a caller may pass (see :func:`param_names`)."""

    name: str
    kind: str
    line: int
    required: int | None = None
    params: frozenset[str] | None = None


def _spaces(text: str) -> str:
    """Spaces in place of every character of ``text`` but its newlines."""
    return "\n".join(" " * len(part) for part in text.split("\n"))


#: :data:`_COMMENT_OR_STRING` as one group: ``split`` then gives text and tokens in turn.
_TOKEN_SPLIT = re.compile(f"({_COMMENT_OR_STRING.pattern})", _COMMENT_OR_STRING.flags)


def _blank_token(text: str) -> str:
    first = text[0]
    if first in "'\"`":
        return first + _spaces(text[1:-1]) + text[-1]
    return _spaces(text)


def _blank(code: str) -> str:
    """Replace comments and string contents by spaces, keeping offsets and line numbers.

    String delimiters stay so that ``from './x'`` can still be read from the original text.
    """
    if "/" not in code and "'" not in code and '"' not in code and "`" not in code:
        return code  # no comment or string can start: nothing to blank
    parts = _TOKEN_SPLIT.split(code)
    # Most tokens are one line long (generated modules have one comment per line): their blanks
    # depend on the length alone. One comprehension over the tokens costs less than a call back
    # from ``re.sub`` for each.
    parts[1::2] = [
        (" " * len(token) if token[0] == "/" else token[0] + " " * (len(token) - 2) + token[-1])
        if "\n" not in token
        else _blank_token(token)
        for token in parts[1::2]
    ]
    return "".join(parts)


def blank_code(code: str) -> str:
    """``code`` with comments and string contents blanked (offsets and lines kept)."""
    return _blank(code)


def _after_newline(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (which begins with ``^``) with a newline in place of the ``^``.

    A literal first character lets the engine skip ahead to the next newline in C, where
    ``^`` in MULTILINE mode makes it try every offset of the text, and trying the pattern at
    each line start from Python cost one call per line and pattern (millions on generated
    modules).
    """
    assert pattern.pattern.startswith("^"), pattern.pattern
    return re.compile("\n" + pattern.pattern[1:], pattern.flags)


_SHIFTED: dict[re.Pattern[str], re.Pattern[str]] = {}


def _at_lines(pattern: re.Pattern[str], blank: str) -> Iterator[tuple[int, re.Match[str]]]:
    """``pattern.finditer(blank)`` for a pattern that begins with ``^[ \t]*export``, as
    ``(line start, match)``.

    The first line is matched as is; the others through :func:`_after_newline`, whose matches
    begin at the newline before the line (one character early: the line start is given apart)
    and have the same groups. None of these patterns can end with a newline, so searching on
    from a match's end skips the same line starts as ``finditer`` with ``^`` does.
    """
    shifted = _SHIFTED.get(pattern)
    if shifted is None:
        shifted = _SHIFTED[pattern] = _after_newline(pattern)
    end = 0
    first = pattern.match(blank, 0)
    if first is not None:
        yield 0, first
        end = first.end()
    for match in shifted.finditer(blank, end):
        yield match.start() + 1, match


def _containers(blank: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
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


def _balanced(code: str, open_at: int, brackets: str = "([{<") -> str | None:
    """The text between the bracket at ``open_at`` and its match (``None`` if unbalanced)."""
    closers = {"(": ")", "[": "]", "{": "}", "<": ">"}
    openers = set(brackets)
    ends = {closers[b] for b in brackets}
    depth = 0
    for index in range(open_at, len(code)):
        char = code[index]
        if char in openers:
            depth += 1
        elif char in ends and not (char == ">" and code[index - 1] == "="):
            depth -= 1
            if depth == 0:
                return code[open_at + 1 : index]
    return None


def _split_top(text: str) -> list[str]:
    """Split at commas that are not nested in brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in "([{<":
            depth += 1
        elif char in ")]}" or (char == ">" and text[index - 1 : index] != "="):
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _has_default(part: str) -> bool:
    depth = 0
    for index, char in enumerate(part):
        if char in "([{<":
            depth += 1
        elif char in ")]}" or (char == ">" and part[index - 1 : index] != "="):
            depth = max(0, depth - 1)
        elif char == "=" and depth == 0:
            after = part[index + 1 : index + 2]
            before = part[index - 1 : index]
            if after not in (">", "=") and before not in ("=", "!", "<", ">"):
                return True
    return False


def required_params(params: str) -> int:
    """How many parameters of a JS/TS parameter list a caller must pass."""
    count = 0
    for part in _split_top(params):
        if part.startswith("...") or part == "this" or part.startswith("this:"):
            continue
        if re.match(r"^[\w$]+\s*\?", part) or _has_default(part):
            continue
        count += 1
    return count


_LEADING_NAME = re.compile(r"(?:\.\.\.)?\s*(?P<name>[A-Za-z_$][\w$]*)")


def param_names(params: str) -> frozenset[str]:
    """The names a caller may pass through a JS/TS parameter list.

    Plain parameters by name, and the keys of a destructured object parameter (the options a
    function reads): ``(s, { a, b = 1, c: alias } = {})`` gives ``s, a, b, c``.
    """
    names: set[str] = set()
    for part in _split_top(params):
        if part.startswith("{"):
            inner = _balanced(part, 0, "([{")
            for key in _split_top(inner or ""):
                match = _LEADING_NAME.match(key)
                if match:
                    names.add(match["name"])
            continue
        match = _LEADING_NAME.match(part)
        if match and match["name"] != "this":
            names.add(match["name"])
    return frozenset(names)


def _signature(params: str | None) -> tuple[int | None, frozenset[str] | None]:
    if params is None:
        return None, None
    return required_params(params), param_names(params)


def _depth_zero(body: str) -> str:
    """``body`` with everything nested in brackets blanked (the brackets themselves stay)."""
    out = []
    depth = 0
    for char in body:
        if char in "([{":
            out.append(char if depth == 0 else " ")
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
            out.append(char if depth == 0 else " ")
        else:
            out.append(char if depth == 0 or char == "\n" else " ")
    return "".join(out)


_Member = tuple[str, int, int | None, frozenset[str] | None]

#: An export as :func:`scan_exports` finds it: ``(kind, offset, required, parameter names)``.
ExportRow = tuple[str, int, int | None, frozenset[str] | None]


def _members(blank: str, body_start: int, body: str, signatures: bool = True) -> list[_Member]:
    """Public members of a class or interface body: ``(name, offset, required, names)``.

    Without ``signatures`` the parameters are not read (``required`` and ``names`` are None).
    """
    flat = _depth_zero(body)
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
                        params = _balanced(blank, paren, "([{") if paren != -1 else None
                        required, names = _signature(params)
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


def _container_members(
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
    body = _balanced(blank, opening, "([{")
    if body is None:
        return
    start = opening + 1
    if decl["kind"] in ("namespace", "module"):
        # Everything declared in a `declare namespace` is part of it.
        flat = _depth_zero(body)
        for inner in _NS_MEMBER.finditer(flat):
            key = f"{owner}.{inner['name']}"
            out.setdefault(key, (inner["kind"], start + inner.start("name"), None, None))
        for nested in _containers(blank, start, start + len(body)):
            if f"{owner}.{nested['name']}" in out and flat[nested.start() - start] != " ":
                _container_members(
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


def line_finder(text: str) -> Callable[[int], int]:
    """A function giving the 1-based line of an offset in ``text``.

    The newline offsets are found once and searched by bisection: counting newlines from the
    start for every export made files with tens of thousands of exports quadratic.
    """
    newlines: list[int] = []
    found = False

    def line_of(offset: int) -> int:
        nonlocal found
        if not found:
            # Found at the first question: most scanned modules report no line at all.
            newlines.extend(match.start() for match in re.finditer("\n", text))
            found = True
        # Newlines strictly before the offset, plus one.
        return bisect_left(newlines, offset) + 1

    return line_of


def parse_exports(code: str) -> dict[str, Export]:
    """The exported names of one JS/TS module; pure and tolerant of any input.

    Members of exported classes and interfaces are listed too, as ``Class.member``.
    """
    rows, line_of = scan_exports(code)
    return {
        name: Export(name, kind, line_of(offset), required, params)
        for name, (kind, offset, required, params) in rows.items()
    }


def scan_exports(
    code: str, signatures: bool = True
) -> tuple[dict[str, ExportRow], Callable[[int], int]]:
    """What :func:`parse_exports` finds, as plain rows, and the offset-to-line function.

    A generated module can export hundreds of thousands of names, nearly all of which are only
    counted: rows are cheap tuples, and lines are computed only for what gets reported.
    Without ``signatures`` (an added or deleted module: no name to compare with) parameter
    lists are not read: every ``required`` and ``names`` is None, kinds and lines are the same.
    """
    blank = _blank(code)
    out: dict[str, ExportRow] = {}

    def add(
        name: str,
        kind: str,
        offset: int,
        required: int | None = None,
        names: frozenset[str] | None = None,
    ) -> None:
        out.setdefault(name, (kind, offset, required, names))

    for at, match in _at_lines(_DECL, blank):
        kind, default, name = match.group("kind", "default", "name")
        if default:
            name = "default"
        if not name or name in out:
            continue  # the first declaration of a name is the one kept
        required, names = None, None
        if signatures and kind.startswith("function"):
            paren = blank.find("(", match.end())
            required, names = _signature(_balanced(blank, paren, "([{") if paren != -1 else None)
        out[name] = (kind.rstrip("*"), at, required, names)
    # Each pattern needs a literal that many modules lack (a generated table has no ``(``):
    # checking for it is one fast scan, where trying the pattern costs one attempt per line.
    arrows = (_ARROW, _TYPED_ARROW) if "(" in blank else ()
    for pattern in arrows:
        for _at, match in _at_lines(pattern, blank):
            params = _balanced(blank, match.end() - 1, "([{")
            if params is None:
                continue
            after = match.end() + len(params) + 1
            if pattern is _TYPED_ARROW and not re.match(r"\s*=>", blank[after : after + 40]):
                continue  # a parenthesised type, not a function type
            row = out.get(match["name"])
            if row is not None and row[2] is None:
                required, names = _signature(params) if signatures else (None, None)
                out[match["name"]] = ("function", row[1], required, names)
    for at, _match in _at_lines(_DEFAULT_EXPR, blank) if "default" in blank else ():
        add("default", "default", at)
    for at, match in _at_lines(_BRACES, blank) if "{" in blank else ():
        for item in match["names"].split(","):
            words = item.replace("type ", " ").split()
            if not words:
                continue
            name = words[-1] if len(words) >= 3 and words[-2] == "as" else words[0]
            if re.fullmatch(r"[\w$]+", name):
                add(name, "name", at)
    for at, match in _at_lines(_FROM, blank) if "from" in blank else ():
        if re.search(r"export[ \t]+\*[ \t]*from", blank[at : match.start("q")]):
            spec = code[match.start("spec") : match.end("spec")]
            add(f"* from {spec}", "re-export", at)
    for at, match in _at_lines(_STAR_AS, blank) if "*" in blank else ():
        add(match["name"], "namespace", at)
    for match in _MODULE_EXPORTS_OBJ.finditer(blank):
        body = _balanced(blank, match.end() - 1, "([{") or ""
        for item in _split_top(body):
            key = re.match(r"(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)", item)
            if key:
                add(key.group(1), "name", match.start())
    for match in _MODULE_EXPORTS_ANY.finditer(blank):
        add("default", "default", match.start())
    for match in _EXPORTS_DOT.finditer(blank):
        add(match["name"], "name", match.start())
    for at, _match in _at_lines(_EXPORT_ASSIGN, blank):
        add("default", "default", at)
    has_containers = any(word in blank for word in ("class", "interface", "namespace", "module"))
    for cls in _containers(blank) if has_containers else ():
        if cls["name"] in out:
            _container_members(blank, cls, cls["name"], out, 0, signatures)
    return out, line_finder(blank)


def star_sources(code: str) -> list[str]:
    """Relative specifiers this module re-exports from (``export ... from './x'``)."""
    if "from" not in code:
        return []  # blanking only turns characters into spaces: it cannot make the word
    blank = _blank(code)
    specs: list[str] = []
    for _at, match in _at_lines(_FROM, blank):
        # The blanked text kept the quotes; read the specifier from the original at that span.
        original = code[match.start("spec") : match.end("spec")]
        if original.startswith("."):
            specs.append(original)
    return specs


# One item of an ``export { ... } from`` list in blanked text: quoted names keep their quotes.
_CLAUSE_ITEM = re.compile(
    r"\s*(?:type\s+)?(?P<name>[\w$]+|'[^']*'|\"[^\"]*\")"
    r"(?:\s+as\s+(?P<alias>[\w$]+|'[^']*'|\"[^\"]*\"))?\s*"
)


def _clause_names(code: str, blank: str, start: int, end: int) -> tuple[tuple[str, str], ...]:
    """``(exported, original)`` of each item of the braces at ``blank[start:end]``; names in
    quotes are read from ``code`` (the blanked text holds only spaces between the quotes)."""
    pairs: list[tuple[str, str]] = []
    at = start
    for item in blank[start:end].split(","):
        found = _CLAUSE_ITEM.fullmatch(item)
        if found is not None:
            spans = [found.span("name"), found.span("alias") if found["alias"] else None]
            name, alias = (
                code[at + span[0] : at + span[1]].strip("'\"") if span else None for span in spans
            )
            if name is not None:
                pairs.append((alias or name, name))
        at += len(item) + 1
    return tuple(pairs)


def re_exports(code: str) -> list[ReExport]:
    """The ``export ... from`` statements of this module, with the names each passes on."""
    if "from" not in code:
        return []
    blank = _blank(code)
    found: list[ReExport] = []
    for _at, match in _at_lines(_FROM, blank):
        spec = code[match.start("spec") : match.end("spec")]
        if match["ns"] is not None:
            found.append(ReExport(spec, namespace=match["ns"]))
        elif match["names"] is not None:
            names = _clause_names(code, blank, *match.span("names"))
            found.append(ReExport(spec, names=names))
        else:
            found.append(ReExport(spec))
    return found
