"""``macro_rules!`` macros of a crate, expanded where an invocation stands for items; pure.

Crates declare public items through their own macros: a table of constants
(``status_codes! { (200, OK, "OK"); ... }``), a struct wrapped for feature gating
(``ast_struct! { pub struct ItemFn { ... } }``), items under a ``cfg`` helper
(``cfg_rt! { pub fn spawn() {} }``). The reader expands such an invocation at item position
with the crate's own rules, as the compiler would, and reads the items it gives.

The matcher follows ``macro_rules!``: the first rule whose pattern matches the whole input
wins; ``$x:frag`` binds a fragment and ``$( ... ) sep op`` repeats. Single-token fragments
(``ident``, ``lifetime``, ``literal``, ``tt``, ``block``, ``vis``) are matched exactly; the
others (``expr``, ``ty``, ``path``, ``pat``, ``meta``, ``stmt``, ``item``) take the tokens up
to what the pattern expects next, which is how the compiler's follow-set rules keep them
apart. Expansion is bounded (:data:`MAX_DEPTH` nested invocations, :data:`MAX_TOKENS` tokens
out and :data:`MAX_STEPS` matching steps per file): an invocation that cannot be matched or
expanded within that gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import tree_sitter

__all__ = [
    "MAX_DEPTH",
    "MAX_STEPS",
    "MAX_TOKENS",
    "Budget",
    "Rule",
    "definitions",
    "expand",
    "name_of",
]

#: Invocations expanded inside an expansion before the reader gives up on it.
MAX_DEPTH = 8
#: Tokens all expansions of one file may produce.
MAX_TOKENS = 200_000
#: Matching steps all invocations of one file may take (a pattern of nested repetitions
#: can try many ways to split its input).
MAX_STEPS = 500_000

_OPEN = {"(": ")", "[": "]", "{": "}"}
_GROUPS = frozenset({"token_tree", "token_tree_pattern"})
_REPEATS = frozenset({"token_repetition", "token_repetition_pattern"})
_SKIPPED = frozenset({"line_comment", "block_comment"})
_LEAVES = frozenset(
    {"string_literal", "raw_string_literal", "char_literal", "lifetime", "metavariable"}
)
_IDENT = re.compile(r"^(r#)?[A-Za-z_][A-Za-z0-9_]*$")
_LITERAL = re.compile(r"""^(-?[0-9][\w.]*|b?'.*'|[bc]?r?#*".*|true|false)$""", re.DOTALL)
_SINGLE = frozenset({"ident", "lifetime", "literal", "tt", "block", "vis"})


class _Leaf(str):
    """One token's text; ``space`` says whether the source put a space before it, so that an
    expansion is written as the crate wrote its parts (``Vec<T>``, not ``Vec < T >``)."""

    space: bool

    def __new__(cls, text: str, space: bool) -> _Leaf:
        leaf = super().__new__(cls, text)
        leaf.space = space
        return leaf


@dataclass(frozen=True, slots=True)
class _Tree:
    """A delimited group of tokens: ``( ... )``, ``[ ... ]`` or ``{ ... }``."""

    open: str
    items: tuple[_Token, ...]
    space: bool = False
    close_space: bool = False


_Token = _Leaf | _Tree


@dataclass(frozen=True, slots=True)
class _Bind:
    name: str
    fragment: str
    space: bool = False


@dataclass(frozen=True, slots=True)
class _Group:
    open: str
    items: tuple[_Element, ...]
    space: bool = False
    close_space: bool = False


@dataclass(frozen=True, slots=True)
class _Repeat:
    items: tuple[_Element, ...]
    separator: _Leaf | None
    op: str


_Element = _Leaf | _Bind | _Group | _Repeat


@dataclass(frozen=True, slots=True)
class Rule:
    """One ``pattern => body`` arm of a macro."""

    pattern: tuple[_Element, ...]
    body: tuple[_Element, ...]


@dataclass(slots=True)
class Budget:
    """Tokens the expansions of one file may still produce."""

    tokens: int = MAX_TOKENS
    steps: int = MAX_STEPS


def _text(node: tree_sitter.Node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _spaced(node: tree_sitter.Node, source: bytes) -> bool:
    return node.start_byte > 0 and source[node.start_byte - 1 : node.start_byte].isspace()


def _leaf(node: tree_sitter.Node, source: bytes, text: str | None = None) -> _Leaf:
    return _Leaf(_text(node, source) if text is None else text, _spaced(node, source))


def _delimited(node: tree_sitter.Node, source: bytes) -> tuple[bool, bool]:
    """Whether a space comes before the group ``node`` and before its closing delimiter."""
    return _spaced(node, source), _spaced(node.children[-1], source)


def _tokens(node: tree_sitter.Node, source: bytes) -> Iterator[_Token]:
    """The tokens inside the delimiters of the group ``node``."""
    for child in node.children[1:-1]:
        yield from _token(child, source)


def _token(node: tree_sitter.Node, source: bytes) -> Iterator[_Token]:
    if node.type in _SKIPPED:
        return
    if node.type in _GROUPS or node.type in _REPEATS:
        opener = node.children[0].type if node.children else ""
        if node.type in _GROUPS and opener in _OPEN:
            yield _Tree(opener, tuple(_tokens(node, source)), *_delimited(node, source))
            return
    if node.child_count == 0 or node.type in _LEAVES:
        yield _leaf(node, source)
        return
    for child in node.children:
        yield from _token(child, source)


def _elements(node: tree_sitter.Node, source: bytes) -> tuple[_Element, ...]:
    """The pattern or body elements inside the delimiters of the group ``node``."""
    out: list[_Element] = []
    for child in node.children[1:-1]:
        out.extend(_element(child, source))
    return tuple(out)


def _element(node: tree_sitter.Node, source: bytes) -> Iterator[_Element]:
    if node.type in _SKIPPED:
        return
    if node.type in _REPEATS:
        # ``$ ( items ) separator? op``
        children = node.children
        close = next((i for i in range(len(children) - 1, 0, -1) if children[i].type == ")"), None)
        if close is None or len(children) < 4:
            return
        inner: list[_Element] = []
        for child in children[2:close]:
            inner.extend(_element(child, source))
        tail = children[close + 1 :]
        op = _text(tail[-1], source) if tail else "*"
        # The grammar keeps the separator (``,`` of ``$(...),*``) out of the children: it is
        # the text between the closing parenthesis and the operator.
        end = tail[-1].start_byte if tail else node.end_byte
        between = source[children[close].end_byte : end].decode("utf-8", "replace").strip()
        separator = _Leaf(between, False) if between else None
        yield _Repeat(tuple(inner), separator, op)
        return
    if node.type == "token_binding_pattern":
        name = node.child_by_field_name("name") or node.children[0]
        fragment = node.child_by_field_name("type") or node.children[-1]
        yield _Bind(_text(name, source).removeprefix("$"), _text(fragment, source))
        return
    if node.type in _GROUPS and node.children and node.children[0].type in _OPEN:
        opener = node.children[0].type
        yield _Group(opener, _elements(node, source), *_delimited(node, source))
        return
    if node.type == "metavariable":
        text = _text(node, source)
        if text == "$crate":
            yield _leaf(node, source, "crate")
        else:
            yield _Bind(text.removeprefix("$"), "", _spaced(node, source))
        return
    if node.child_count == 0 or node.type in _LEAVES:
        yield _leaf(node, source)
        return
    for child in node.children:
        yield from _element(child, source)


def definitions(root: tree_sitter.Node, source: bytes) -> dict[str, list[Rule]]:
    """The ``macro_rules!`` macros declared anywhere in one parsed file, by name (the last
    declaration of a name wins, as a later one shadows an earlier)."""
    found: dict[str, list[Rule]] = {}
    pending = [root]
    while pending:
        node = pending.pop()
        for child in node.named_children:
            if child.type == "macro_definition":
                name = child.child_by_field_name("name")
                if name is None:
                    continue
                rules = [
                    Rule(_elements(left, source), _elements(right, source))
                    for rule in child.named_children
                    if rule.type == "macro_rule"
                    and (left := rule.child_by_field_name("left")) is not None
                    and (right := rule.child_by_field_name("right")) is not None
                ]
                found[_text(name, source)] = rules
            elif child.type in ("mod_item", "declaration_list", "source_file"):
                pending.append(child)
    return found


def name_of(node: tree_sitter.Node, source: bytes) -> str:
    """The macro a ``macro_invocation`` names, its last path segment (``crate::m`` -> ``m``)."""
    macro = node.child_by_field_name("macro")
    return _text(macro, source).rsplit("::", 1)[-1].strip() if macro is not None else ""


# Matching: bindings map a name to its tokens (a fragment) or, inside a repetition, to the
# bindings of each round.
_Bindings = dict[str, "tuple[_Token, ...] | list[_Bindings]"]


def _first(items: Sequence[_Element], after: frozenset[str]) -> frozenset[str]:
    """The literal tokens that may come first in ``items`` (``after`` when it may be empty)."""
    out: set[str] = set()
    for item in items:
        if isinstance(item, str):
            return frozenset(out | {item})
        if isinstance(item, _Group):
            return frozenset(out | {item.open})
        if isinstance(item, _Repeat):
            out |= _first(item.items, frozenset({item.separator} if item.separator else ()))
            if item.op == "+":
                return frozenset(out)
            continue
        if item.fragment != "vis":
            return frozenset(out)
    return frozenset(out | after)


def _same(token: _Token, text: str) -> bool:
    return isinstance(token, str) and token == text


def _fragment(bind: _Bind, tokens: Sequence[_Token], at: int, follow: frozenset[str]) -> int | None:
    """Where the fragment ``bind`` that starts at ``at`` ends, or None when none starts."""
    here = tokens[at] if at < len(tokens) else None
    kind = bind.fragment
    if kind == "vis":
        if isinstance(here, str) and here == "pub":
            following = tokens[at + 1] if at + 1 < len(tokens) else None
            return at + 2 if isinstance(following, _Tree) and following.open == "(" else at + 1
        return at
    if here is None:
        return None
    if kind == "tt":
        return at + 1
    if kind == "block":
        return at + 1 if isinstance(here, _Tree) and here.open == "{" else None
    if kind == "ident":
        return at + 1 if isinstance(here, str) and _IDENT.match(here) else None
    if kind == "lifetime":
        return at + 1 if isinstance(here, str) and here.startswith("'") else None
    if kind == "literal":
        if _same(here, "-") and at + 1 < len(tokens):
            at += 1
            here = tokens[at]
        return at + 1 if isinstance(here, str) and _LITERAL.match(here) else None
    end = at
    while end < len(tokens):
        token = tokens[end]
        # A delimited group the pattern expects next ends the fragment too (``$T:ty { ... }``);
        # the compiler allows such a group after the fragments that may stand before it.
        delimiter = token.open if isinstance(token, _Tree) else token
        if delimiter in follow and end > at:
            break
        end += 1
        if kind == "item" and (
            _same(token, ";") or (isinstance(token, _Tree) and token.open == "{")
        ):
            break
    return end if end > at else None


def _match(
    items: Sequence[_Element],
    tokens: Sequence[_Token],
    at: int,
    follow: frozenset[str],
    out: _Bindings,
    budget: Budget,
) -> int | None:
    """Match ``items`` against ``tokens`` from ``at``; where the match ends, or None."""
    budget.steps -= 1
    if budget.steps < 0:
        return None
    if not items:
        return at
    item, rest = items[0], items[1:]
    if isinstance(item, str):
        if at < len(tokens) and _same(tokens[at], item):
            return _match(rest, tokens, at + 1, follow, out, budget)
        return None
    if isinstance(item, _Group):
        here = tokens[at] if at < len(tokens) else None
        if not isinstance(here, _Tree) or here.open != item.open:
            return None
        inner: _Bindings = {}
        if _match(item.items, here.items, 0, frozenset(), inner, budget) != len(here.items):
            return None
        out.update(inner)
        return _match(rest, tokens, at + 1, follow, out, budget)
    if isinstance(item, _Bind):
        end = _fragment(item, tokens, at, _first(rest, follow))
        if end is None:
            return None
        out[item.name] = tuple(tokens[at:end])
        return _match(rest, tokens, end, follow, out, budget)
    return _repeat(item, rest, tokens, at, follow, out, budget)


def _repeat(
    item: _Repeat,
    rest: Sequence[_Element],
    tokens: Sequence[_Token],
    at: int,
    follow: frozenset[str],
    out: _Bindings,
    budget: Budget,
) -> int | None:
    """Match a repetition greedily, then ``rest``; fewer rounds when ``rest`` does not match."""
    after = _first(rest, follow)
    inner_follow = after | ({item.separator} if item.separator else _first(item.items, after))
    rounds: list[tuple[int, _Bindings]] = []
    position = at
    limit = 1 if item.op == "?" else len(tokens) + 1
    while len(rounds) < limit:
        start = position
        if rounds and item.separator:
            if not (start < len(tokens) and _same(tokens[start], item.separator)):
                break
            start += 1
        found: _Bindings = {}
        end = _match(item.items, tokens, start, inner_follow, found, budget)
        if end is None or end == position:
            break
        rounds.append((end, found))
        position = end
    least = 1 if item.op == "+" else 0
    for count in range(len(rounds), least - 1, -1):
        end = rounds[count - 1][0] if count else at
        tail: _Bindings = {}
        finish = _match(rest, tokens, end, follow, tail, budget)
        if finish is None:
            continue
        names = _names(item.items)
        for name in names:
            out[name] = [bindings for _, bindings in rounds[:count]]
        out.update(tail)
        return finish
    return None


def _names(items: Sequence[_Element]) -> set[str]:
    out: set[str] = set()
    for item in items:
        if isinstance(item, _Bind):
            out.add(item.name)
        elif isinstance(item, (_Group, _Repeat)):
            out |= _names(item.items)
    return out


def _put(out: list[str], text: str, space: bool) -> None:
    # Two word tokens are never glued into one (``pub`` ``fn`` from a ``$($t:tt)*`` whose
    # metavariable stands unspaced): the token boundary is the expansion's, not the layout's.
    glued = bool(out) and _wordy(out[-1][-1:]) and _wordy(text[:1])
    out.append(f" {text}" if (space or glued) and out else text)


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_"


def _transcribe(items: Sequence[_Element], bindings: _Bindings, out: list[str]) -> bool:
    """Write ``items`` with ``bindings`` substituted into ``out``, spaced as the crate spaced
    them; False when a repetition cannot tell how many rounds it makes."""
    for item in items:
        if isinstance(item, _Leaf):
            _put(out, item, item.space)
        elif isinstance(item, _Bind):
            bound = bindings.get(item.name)
            if bound is None:
                _put(out, f"${item.name}", item.space)
            elif isinstance(bound, tuple):
                # The first token is spaced as the metavariable, the rest as written.
                for index, token in enumerate(bound):
                    _render(token, out, item.space if index == 0 else None)
            else:
                return False
        elif isinstance(item, _Group):
            _put(out, item.open, item.space)
            if not _transcribe(item.items, bindings, out):
                return False
            _put(out, _OPEN[item.open], item.close_space)
        else:
            # Each repeated name binds one round's bindings per round; the shortest sets the
            # count (rustc refuses names repeated a different number of times).
            repeated = [
                bound
                for name in sorted(_names(item.items))
                if isinstance(bound := bindings.get(name), list)
            ]
            if not repeated:
                return False
            for index in range(min(len(bound) for bound in repeated)):
                if index and item.separator:
                    _put(out, item.separator, item.separator.space)
                scope = dict(bindings)
                for bound in repeated:
                    scope.update(bound[index])
                if not _transcribe(item.items, scope, out):
                    return False
    return True


def _render(token: _Token, out: list[str], space: bool | None = None) -> None:
    """Write ``token`` into ``out``; ``space`` overrides whether a space comes before it."""
    if isinstance(token, _Leaf):
        _put(out, token, token.space if space is None else space)
        return
    _put(out, token.open, token.space if space is None else space)
    for inner in token.items:
        _render(inner, out)
    _put(out, _OPEN[token.open], token.close_space)


def expand(
    rules: Sequence[Rule], node: tree_sitter.Node, source: bytes, budget: Budget
) -> str | None:
    """The text the ``macro_invocation`` ``node`` expands to with ``rules``, or None when no
    rule matches or the file's :class:`Budget` is spent."""
    argument = next((c for c in node.named_children if c.type == "token_tree"), None)
    if argument is None:
        return None
    try:
        tokens = tuple(_tokens(argument, source))
        for rule in rules:
            bindings: _Bindings = {}
            if _match(rule.pattern, tokens, 0, frozenset(), bindings, budget) != len(tokens):
                continue
            out: list[str] = []
            if not _transcribe(rule.body, bindings, out):
                return None
            budget.tokens -= len(out)
            return "".join(out) if budget.tokens >= 0 else None
    except RecursionError:
        # A pattern nested deeper than the interpreter's stack: not expanded.
        budget.steps = 0
    return None
