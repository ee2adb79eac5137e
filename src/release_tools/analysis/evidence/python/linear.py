"""Top-level names of a Python module read line by line, for modules too big to parse.

A generated module of a million assignments would take griffe minutes and gigabytes; its
public names can still be listed in one pass: ``def``, ``async def`` and ``class`` statements
and simple assignments (annotated ones too) that start at column 0. Conditional definitions
(inside ``if``/``try``) are indented and so not seen, and names defined by other means
(``globals()`` updates, star imports) neither: the comparison made from these names is strong
evidence, not proof.

Such a module can bind millions of names, and a set of them as ``str`` objects costs about a
hundred bytes each (an 80 MB module: over 300 MB for both sides). :func:`compare_public_names`
compares the two sides through 8-byte hashes instead and builds as strings only the few names
a report lists. Nor does the text have to be held whole: a module can be given as pieces of
whole lines (:data:`Text`), which is how one too big to hold is read as git streams it.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

__all__ = ["NameChanges", "Text", "compare_public_names", "public_names", "top_level_names"]

#: A module's text: whole, or a function giving it afresh in pieces of whole lines (a module
#: too big to hold is streamed from git, once per pass that reads it).
Text = str | Callable[[], Iterable[str]]

_DEFINITION = re.compile(
    r"^(?:async[ \t]+def|def|class)[ \t]+([A-Za-z_]\w*)|^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)",
    re.MULTILINE,
)
# Hash sets are split by the hash's low bits: each bucket is sorted and deduplicated on its
# own, so the temporary lists and sets that sorting needs stay a few hundred kB.
_BUCKETS = 256


def top_level_names(code: str) -> set[str]:
    """The names ``code`` binds at module level by definition or simple assignment."""
    return {m.group(1) or m.group(2) for m in _DEFINITION.finditer(code)}


def public_names(code: Text) -> Iterator[str]:
    """The public (not ``_``-prefixed) top-level names of ``code`` in order, repeats included.

    Every match lies within one line, so pieces that end at line ends give the same names as
    the whole text.
    """
    for piece in (code,) if isinstance(code, str) else code():
        for match in _DEFINITION.finditer(piece):
            name = match.group(1) or match.group(2)
            if not name.startswith("_"):
                yield name


class _HashSet:
    """The distinct 64-bit hashes of some names, in sorted arrays (8 bytes a name).

    Python's string hash is stable within one process, which is all one comparison needs. Two
    different names sharing a 64-bit hash would count as one: with millions of names the
    odds are below one in a million.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        buckets = [array("q") for _ in range(_BUCKETS)]
        for name in names:
            value = hash(name)
            buckets[value % _BUCKETS].append(value)
        for index, bucket in enumerate(buckets):
            buckets[index] = array("q", sorted(set(bucket)))
        self._buckets = buckets

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._buckets)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        bucket = self._buckets[value % _BUCKETS]
        index = bisect_left(bucket, value)
        return index < len(bucket) and bucket[index] == value

    def count_missing_from(self, other: _HashSet) -> int:
        """How many of these hashes ``other`` lacks (bucket by bucket, in C)."""
        return sum(
            len(set(mine).difference(theirs))
            for mine, theirs in zip(self._buckets, other._buckets, strict=True)
        )


def _first_missing(names: Iterable[str], other: _HashSet, limit: int) -> list[str]:
    """The ``limit`` smallest distinct names whose hash ``other`` lacks, sorted.

    The same as ``sorted(set(names) - other_names)[:limit]`` without a set of all the names.
    """
    first: list[str] = []
    for name in names:
        _offer(first, name, other, limit)
    return first


@dataclass(frozen=True, slots=True)
class NameChanges:
    """Public top-level names removed and added between two versions of a module.

    ``removed`` and ``added`` count every distinct name; ``first_removed`` and ``first_added``
    are the smallest of them (sorted), at most the ``limit`` asked for.
    """

    removed: int
    added: int
    first_removed: list[str]
    first_added: list[str]


def compare_public_names(old: Text | None, new: Text | None, limit: int) -> NameChanges:
    """Compare the public top-level names of ``old`` and ``new`` (None: the module is absent).

    Each side's names are held as hashes only; a one-sided module (added or deleted) is read
    once, a two-sided one three times (old, new, then old again for the removed names).
    """
    empty = _HashSet()
    if old is None or new is None:
        code = new if old is None else old
        if code is None:
            return NameChanges(0, 0, [], [])
        # One side: every distinct name is a change; the first few are listed in the same pass.
        first: list[str] = []
        names = _HashSet(_tee_first(public_names(code), empty, limit, first))
        if old is None:
            return NameChanges(0, len(names), [], first)
        return NameChanges(len(names), 0, first, [])
    old_names = _HashSet(public_names(old))
    first_added: list[str] = []
    new_names = _HashSet(_tee_first(public_names(new), old_names, limit, first_added))
    first_removed = _first_missing(public_names(old), new_names, limit)
    return NameChanges(
        removed=old_names.count_missing_from(new_names),
        added=new_names.count_missing_from(old_names),
        first_removed=first_removed,
        first_added=first_added,
    )


def _tee_first(
    names: Iterable[str], other: _HashSet, limit: int, first: list[str]
) -> Iterator[str]:
    """Pass ``names`` through, collecting into ``first`` what :func:`_first_missing` would."""
    for name in names:
        _offer(first, name, other, limit)
        yield name


def _offer(first: list[str], name: str, other: _HashSet, limit: int) -> None:
    """Add ``name`` to the sorted ``first`` when it is among the ``limit`` smallest missing."""
    if len(first) >= limit and name >= first[-1]:
        return
    if hash(name) in other:
        return
    index = bisect_left(first, name)
    if index < len(first) and first[index] == name:
        return
    first.insert(index, name)
    del first[limit:]
