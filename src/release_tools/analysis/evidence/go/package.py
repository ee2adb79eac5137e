"""One Go package's identifiers, as the files of :mod:`.syntax` gave them, made comparable.

:func:`finish_package` settles each name a dot import may provide (the package's own type of
that name, else the imported package's) and expands interfaces by the interfaces they embed
(:func:`expand_interfaces`). :func:`spell_aliases` then writes each exported alias of an
unexported type (``type Options = options``) as that type, alike at the base and the head, and
drops the unexported types. :func:`respelled` rewrites every type text of an identifier.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from release_tools.analysis.evidence.go.syntax import (
    DOT,
    DOTTED,
    HIDDEN_METHOD,
    HIDDEN_TYPE,
    PART,
    GoIdent,
    split_list,
)

__all__ = ["expand_interfaces", "finish_package", "respelled", "spell_aliases"]


def _settle(text: str, local: frozenset[str]) -> str:
    if DOT not in text:
        return text
    return DOTTED.sub(lambda m: m[2] if m[2] in local else f"{m[1]}.{m[2]}", text)


def _settled(ident: GoIdent, local: frozenset[str]) -> GoIdent:
    texts = (ident.signature or "", ident.results, *ident.params, *(t for _, t in ident.members))
    if not any(DOT in text for text in texts):
        return ident
    return replace(
        ident,
        signature=_settle(ident.signature, local) if ident.signature is not None else None,
        params=tuple(_settle(p, local) for p in ident.params),
        results=_settle(ident.results, local),
        members=tuple((name, _settle(t, local)) for name, t in ident.members),
    )


def finish_package(idents: dict[str, GoIdent]) -> dict[str, GoIdent]:
    """One package's exported identifiers, read from all its files, ready to compare.

    A name a dot-imported package may provide is settled: the package's own type when it
    declares one of that name, the imported package's otherwise. Interfaces are then expanded
    (:func:`expand_interfaces`). Unexported types and their methods stay for
    :func:`spell_aliases`, which every reader of a package's API applies.
    """
    local = frozenset(key for key, ident in idents.items() if ident.kind in ("type", PART))
    settled = {key: _settled(ident, local) for key, ident in idents.items()}
    return expand_interfaces(settled)


def respelled(ident: GoIdent, respell: Callable[[str], str]) -> GoIdent:
    """``ident`` with every type text it holds passed through ``respell``."""
    return replace(
        ident,
        signature=None if ident.signature is None else respell(ident.signature),
        params=tuple(respell(p) for p in ident.params),
        results=respell(ident.results),
        members=tuple((name, respell(text)) for name, text in ident.members),
    )


#: Links followed in a chain of unexported aliases (``type a = b``, ``type b = c`` ...).
_CHAIN = 8


def _resolved(idents: dict[str, GoIdent]) -> dict[str, GoIdent]:
    """``idents`` with every unexported alias (``type options = inner``) written as what it
    finally names, through chains of them: an alias is another spelling of its target, so
    the API reads alike whichever spelling it uses. An exported alias of one takes its target
    too (an alias of another package's identifier is then compared as that identifier)."""
    aliases = {
        key: ident
        for key, ident in idents.items()
        if ident.kind == HIDDEN_TYPE and (ident.signature or "").startswith("= ")
    }
    if not aliases:
        return idents
    final: dict[str, GoIdent] = {}
    for key, ident in aliases.items():
        for _ in range(_CHAIN):
            text = (ident.signature or "").removeprefix("= ")
            following = aliases.get(text)
            if following is None or following is aliases[key]:
                break
            ident = following
        final[key] = ident
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, final)) + r")\b(?!\.)")

    def respell(text: str) -> str:
        # One pass: the end of a chain is no alias of the package (but in a cycle, or past
        # :data:`_CHAIN` links, where the alias is left as its last link spells it).
        return pattern.sub(lambda m: (final[m[1]].signature or "").removeprefix("= "), text)

    out: dict[str, GoIdent] = {}
    for key, ident in idents.items():
        if key in aliases:
            continue
        written = (ident.signature or "").removeprefix("= ")
        if ident.kind == "type" and not ident.target and written in final:
            ident = replace(ident, target=final[written].target)
        out[key] = respelled(ident, respell)
    return out


#: A generic alias: ``[T any, K comparable] = list[T, K]``.
_GENERIC_ALIAS = re.compile(r"^\[(?P<params>.*)\] = (?P<name>\w+)\[(?P<args>.*)\]$")


def _param_names(text: str) -> list[str]:
    """The names of a type parameter list as the reader writes it (``T any, K comparable``)."""
    return [part.split()[0] for part in split_list(text)]


def _target(ident: GoIdent, idents: dict[str, GoIdent]) -> str | None:
    """The unexported type of the package that the exported alias ``ident`` names, if any: a
    plain alias (``= options``), or a generic one that passes its own parameters on, in order,
    to a generic type of as many (``[T any] = list[T]``)."""
    if ident.kind != "type" or ident.target:
        return None
    signature = ident.signature or ""
    found = _GENERIC_ALIAS.match(signature)
    if found is None:
        name = signature.removeprefix("= ")
        hidden = idents.get(name)
        plain = signature.startswith("= ") and hidden is not None
        return name if plain and hidden is not None and hidden.kind == HIDDEN_TYPE else None
    hidden = idents.get(found["name"])
    if hidden is None or hidden.kind != HIDDEN_TYPE or not (hidden.signature or "").startswith("["):
        return None
    names = _param_names(found["params"])
    own = _param_names((hidden.signature or "")[1:].split("]", 1)[0])
    return found["name"] if split_list(found["args"]) == names and len(own) == len(names) else None


def _aliases_of_hidden(idents: dict[str, GoIdent]) -> dict[str, list[str]]:
    """The exported aliases of each unexported type of one package (``type Options =
    options``, ``type List[T any] = list[T]``), by the unexported type's name."""
    named: dict[str, list[str]] = {}
    for key, ident in idents.items():
        target = _target(ident, idents)
        if target is not None:
            named.setdefault(target, []).append(key)
    return named


def _as_alias(definition: GoIdent, alias: GoIdent) -> Callable[[GoIdent], GoIdent]:
    """What writes an identifier of the unexported type ``definition`` (the type itself, or
    one of its methods) with the type parameters named as the generic ``alias`` names them:
    ``[E any] struct`` under ``type List[T any] = list[T]`` reads ``[T any] struct``, as
    ``type List[T any] struct`` would."""
    found = _GENERIC_ALIAS.match(alias.signature or "")
    signature = definition.signature or ""
    if found is None or not signature.startswith("["):
        return lambda ident: ident
    own = _param_names(signature[1:].split("]", 1)[0])
    names = {
        old: new for old, new in zip(own, _param_names(found["params"]), strict=False) if old != new
    }
    if not names:
        return lambda ident: ident
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")\b")
    return lambda ident: respelled(ident, lambda text: pattern.sub(lambda m: names[m[1]], text))


def _speaker(candidates: list[str], others: list[dict[str, GoIdent]]) -> str:
    """Which of several aliases of one unexported type speaks for it, alike at both sides:
    one the other side defines as a type of its own, else one that is an alias at every other
    side too, else the first by name."""

    def defined(key: str, side: dict[str, GoIdent]) -> bool:
        ident = side.get(key)
        return (
            ident is not None
            and ident.kind == "type"
            and not ident.local
            and (not (ident.signature or "").startswith("= "))
        )

    def aliased(key: str, side: dict[str, GoIdent]) -> bool:
        ident = side.get(key)
        return ident is not None and bool(ident.local)

    for chosen in (
        sorted(key for key in candidates if any(defined(key, side) for side in others)),
        sorted(key for key in candidates if all(aliased(key, side) for side in others)),
        sorted(candidates),
    ):
        if chosen:
            return chosen[0]
    return candidates[0]


def spell_aliases(*sides: dict[str, GoIdent]) -> list[dict[str, GoIdent]]:
    """``sides`` (one package, as :func:`finish_package` read it at the base and the head, or
    once) with each exported alias of an unexported type of the package (``type Options =
    options``) written as that type: its definition, its fields and its exported methods
    under the alias's name. Several aliases of one type: one speaks for it (:func:`_speaker`),
    the others read as aliases of that one. The unexported name is spelled as its alias
    wherever the API writes it, at both sides, so that they read alike whether or not the
    alias exists yet. The unexported types and their methods are dropped."""
    sides = tuple(_resolved(side) for side in sides)
    marked = [
        {
            **side,
            **{
                key: replace(side[key], local=hidden)
                for hidden, keys in _aliases_of_hidden(side).items()
                for key in keys
            },
        }
        for side in sides
    ]
    spoken: list[dict[str, str]] = []
    for index, side in enumerate(marked):
        others = marked[:index] + marked[index + 1 :]
        named = _aliases_of_hidden(side)
        spoken.append({hidden: _speaker(keys, others) for hidden, keys in named.items()})
    out: list[dict[str, GoIdent]] = []
    for index, side in enumerate(marked):
        kept = {
            key: ident
            for key, ident in side.items()
            if ident.kind not in (HIDDEN_TYPE, HIDDEN_METHOD)
        }
        own = spoken[index]
        renamed: dict[str, Callable[[GoIdent], GoIdent]] = {}
        for hidden, alias in own.items():
            for key, ident in kept.items():
                if ident.local == hidden:
                    kept[key] = replace(ident, signature=f"= {alias}")
            renamed[hidden] = _as_alias(side[hidden], side[alias])
            definition = renamed[hidden](side[hidden])
            kept[alias] = replace(
                kept[alias], signature=definition.signature, members=definition.members
            )
        for key, ident in side.items():
            owner, _, method = key.partition(".")
            if ident.kind == HIDDEN_METHOD and owner in own:
                name = f"{own[owner]}.{method}"
                kept.setdefault(name, renamed[owner](replace(ident, name=name, kind="method")))
        # A side's own aliases first; the other sides' for names this side has none for.
        names: dict[str, str] = {}
        for mapping in [own, *(m for i, m in enumerate(spoken) if i != index)]:
            for hidden, alias in mapping.items():
                names.setdefault(hidden, alias)
        out.append(_spelled(kept, names))
    return out


def _spelled(idents: dict[str, GoIdent], names: dict[str, str]) -> dict[str, GoIdent]:
    """``idents`` with each unexported type name of ``names`` written as its alias."""
    if not names:
        return idents
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")\b(?!\.)")

    def respell(text: str) -> str:
        return pattern.sub(lambda m: names[m[1]], text)

    return {key: respelled(ident, respell) for key, ident in idents.items()}


def _interface(ident: GoIdent) -> bool:
    shape = (ident.signature or "").rsplit(" ", 1)[-1]  # after any type parameters
    return ident.kind == PART or (ident.kind == "type" and shape == "interface")


def _instantiated(
    members: tuple[tuple[str, str], ...], part: GoIdent, arguments: str
) -> tuple[tuple[str, str], ...]:
    """``members`` of the generic interface ``part`` with its type parameters replaced by
    ``arguments`` (``T, []byte`` of ``Chain[T, []byte]``); as they are without arguments."""
    params = (part.signature or "").rpartition(" interface")[0]
    names = [p.strip().split(" ", 1)[0] for p in split_list(params.strip()[1:-1])] if params else []
    values = split_list(arguments)
    if not names or len(names) != len(values):
        return members
    table = dict(zip(names, values, strict=True))
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    return tuple((name, pattern.sub(lambda m: table[m[1]], text)) for name, text in members)


def expand_interfaces(idents: dict[str, GoIdent]) -> dict[str, GoIdent]:
    """The exported identifiers of ``idents`` (one package's), each interface's embedded
    interfaces of the same package, exported or not, replaced by their methods: a method
    moved into an embedded interface stays in the method set, and one added there is added to
    every interface embedding it. The unexported interfaces are dropped."""
    parts = {name: ident for name, ident in idents.items() if _interface(ident)}
    # Each interface's method set once (diamonds of embeddings would repeat the work); a name
    # being expanded is left as written when it comes round again (Go refuses such cycles).
    done: dict[str, tuple[tuple[tuple[str, str], ...], bool]] = {}
    expanding: set[str] = set()

    def method_set(name: str) -> tuple[tuple[tuple[str, str], ...], bool]:
        if name in done:
            return done[name]
        ident = parts[name]
        expanding.add(name)
        members: list[tuple[str, str]] = []
        sealed = ident.sealed
        for member, signature in ident.members:
            # ``Chain[T]`` embeds the generic ``Chain`` instantiated with ``T``.
            embedded, _, arguments = member.partition("[")
            if signature != "embedded" or embedded not in parts or embedded in expanding:
                members.append((member, signature))
                continue
            inner, inner_sealed = method_set(embedded)
            if arguments:
                inner = _instantiated(inner, parts[embedded], arguments.removesuffix("]"))
            members.extend(inner)
            sealed = sealed or inner_sealed
        expanding.discard(name)
        done[name] = (tuple(dict(members).items()), sealed)
        return done[name]

    out: dict[str, GoIdent] = {}
    for key, ident in idents.items():
        if ident.kind == PART:
            continue
        if _interface(ident) and any(
            signature == "embedded" and name.partition("[")[0] in parts
            for name, signature in ident.members
        ):
            members, sealed = method_set(key)
            ident = replace(ident, members=members, sealed=sealed)
        out[key] = ident
    return out
