"""Name/value entries of a configuration file's lists, named as a secret; pure, no I/O.

A Kubernetes container's env is a list of mappings, each an entry with a ``name`` and a
``value`` key; the value is a secret when the name says so, and the two keys come in either
order. :class:`Entries` follows such entries line by line, per side of the diff (the old file's
lines ``-``, the new file's ``+``, context lines in both):

- the name first (``- name: DB_PASSWORD``, then ``value: ...`` at the same column, other keys
  and nested lines may come between): the value is redacted as its line goes by, and so is a
  value over several lines (``value: |`` or ``value:`` and the lines under it);
- the value first (``- value: ...``, then ``name: DB_PASSWORD``): the value's lines are
  already out when the name shows it is a secret, so :meth:`Entries.follow` keeps what it gave
  them and returns them rewritten. The value's own lines are kept however many they are (a
  certificate or a JSON document under ``value: |`` may run to hundreds); the name must come
  at most :data:`HOLD_LINES` lines after the value, its own lines aside (an env entry has a
  few keys; past that many other lines the mapping is no such entry, and the value's lines
  stay as given).
  Each line is kept for at most one value per file and rewritten at most once, so time and
  memory stay linear in the diff: the bound is on how far a name may be, not on the cost.

A line shallower than the entry's keys (the next item) or another ``- `` at their column ends
the entry. A value made of a placeholder or a template (``${API_TOKEN}``) and ``valueFrom``
(a reference to a Secret) stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from release_tools.analysis.engines.model.secrets_forms import PLACEHOLDERS, SECRET_NAME, TEMPLATE
from release_tools.analysis.engines.model.secrets_hints import lowered, may_name_secret

__all__ = ["HOLD_LINES", "Entries"]

#: How far after a value a name may still show it to be a secret, in lines of the diff: the
#: name's line and those between (the item's other keys, what is nested under them, blank lines
#: and comments) count, the value's own lines do not.
HOLD_LINES = 20

_REST = "[...]"
# The name key of an entry named as a secret, and its value key (optionally quoted, as in JSON).
# "valueFrom:" is not the value key; an empty value or a block indicator ("|", ">-") opens a
# value on the lines below.
_ENTRY_NAME = re.compile(
    r"(?i)^(?P<lead>\s*(?:-\s+)?)(?P<kq>[\"']?)name(?P=kq)\s*:\s*(?P<nq>[\"']?)"
    + SECRET_NAME
    + r"(?P=nq)\s*,?\s*(?:#.*)?$"
)
# Any entry's name key: the item has a name, a secret's or not.
_ANY_NAME = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<kq>[\"']?)name(?P=kq)\s*:")
_ENTRY_VALUE = re.compile(
    r"^(?P<head>(?P<lead>\s*(?:-\s+)?)(?P<kq>[\"']?)value(?P=kq)\s*:(?:\s+|(?=\s*$)))"
    r"(?P<value>(?:[^\s,].*?)?)(?P<tail>\s*,?\s*)$"
)
_BLOCK_INDICATOR = re.compile(r"[|>][-+1-9]{0,2}(?:\s+#.*)?")
# The files a line of a diff belongs to, by its marker: the old one, the new one, or both.
_SIDES = {"-": ("-",), "+": ("+",), " ": ("-", "+")}


@dataclass(slots=True)
class _Named:
    """An entry whose name (a secret's) has been seen: its keys' column, and whether the lines
    deeper than it are its value's (after ``value: |`` or ``value:``)."""

    column: int
    in_value: bool = False
    marked: bool = False


@dataclass(slots=True)
class _Held:
    """A value seen before its entry's name: its lines as given out, by their index."""

    column: int
    start: int  # the index of the value's line
    lines: list[tuple[int, str]] = field(default_factory=list)
    between: int = 0  # the lines seen since the value that are not its own
    seen: int = -1  # the index of the last line counted (a context line is in both files)
    multi: bool = False  # the value runs on the lines under its key
    in_value: bool = False  # the lines now seen deeper than the keys are the value's
    done: bool = False  # rewritten already (through the other side of a context line)


class Entries:
    """The name/value entries open at the current line of a diff, by side.

    ``mark`` returns the redaction mark and counts one secret; ``forget`` uncounts the marks in
    a text that a rewrite replaces (an earlier rule's, inside a value now redacted whole).
    """

    def __init__(self, mark: Callable[[], str], forget: Callable[[str], None]) -> None:
        self._mark = mark
        self._forget = forget
        self._named: dict[str, _Named] = {}
        self._held: dict[str, _Held] = {}
        # Whether the last line given to entry() was the value key of an entry already named:
        # follow() then holds no value for it.
        self._taken = False

    def reset(self) -> None:
        """Forget every open entry (at a hunk or file header)."""
        self._named.clear()
        self._held.clear()

    def entry(self, line: str) -> str | None:
        """``line`` redacted if it is (a line of) the value of an entry named as a secret.

        ``- name: DB_PASSWORD`` opens such an entry; its ``value:`` key, at the same column
        (other keys and nested lines may come between), is redacted, and the lines under it
        when the value starts on them; a shallower line (the next item) closes it. Every other
        line gets None and is left to the caller.
        """
        self._taken = False
        prefix, content = line[:1], line[1:]
        sides = _SIDES.get(prefix, ())
        indent = len(content) - len(content.lstrip())
        blank = not content.strip()
        comment = content.lstrip().startswith("#")
        held: str | None = None
        for side in sides:
            entry = self._named.get(side)
            if entry is None or blank:
                continue
            if indent > entry.column:
                if entry.in_value and held is None:
                    held = prefix + self._hide(entry, content)  # a line of the value
                continue  # else a line nested in the entry
            if comment:
                continue
            entry.in_value = False
            # Another of the entry's keys (valueFrom:, description:) leaves it open.
            value = _ENTRY_VALUE.match(content) if indent == entry.column else None
            if value is not None:
                self._taken = True
                text = value.group("value")
                if not text or _BLOCK_INDICATOR.fullmatch(text):
                    entry.in_value = True  # the value is on the lines below
                    held = line if held is None else held
                    continue
            if indent < entry.column or value is not None:
                del self._named[side]  # a line after the entry (the next item), or its value
            if value is not None and held is None:
                held = self._inline(prefix, value)
        if may_name_secret(lowered(content)) and (name := _ENTRY_NAME.match(content)) is not None:
            for side in sides:
                self._named[side] = _Named(len(name.group("lead")))
        return held

    def follow(self, line: str, index: int, given: str) -> list[tuple[int, str]]:
        """The earlier lines to rewrite now that ``line`` (given out as ``given``, at
        ``index``) names the entry whose value they hold as a secret's; usually none.

        A ``value:`` key is held until its entry's name shows up at the same column; a name
        that says secret has the value's lines rewritten, any other name (or the end of the
        entry, or the bound) lets them go as given.
        """
        prefix, content = line[:1], line[1:]
        sides = _SIDES.get(prefix, ())
        if not sides or (not self._held and "value" not in content):
            return []
        rewrites: list[tuple[int, str]] = []
        blank = not content.strip()
        indent = len(content) - len(content.lstrip())
        for side in sides:
            held = self._held.get(side)
            if held is None or held.done:
                self._held.pop(side, None)
                continue
            if held.in_value and (blank or indent > held.column):
                # A line of the value, however many: held once, though a context line is in
                # both files' entries, which are one.
                if not blank and held.lines[-1][0] != index:
                    held.lines.append((index, given))
                continue
            if held.seen != index:
                held.seen = index
                held.between += 1
            if held.between > HOLD_LINES:
                del self._held[side]  # too far: the value's lines go as given
                continue
            if blank or indent > held.column:
                continue  # a line nested under another of the item's keys
            if content.lstrip().startswith("#"):
                continue
            held.in_value = False
            if indent < held.column:
                del self._held[side]  # the next item: this one has no name
                continue
            name = _ANY_NAME.match(content)
            if name is None or "-" in name.group("lead"):
                continue  # another of the entry's keys, or an item of a list under one
            del self._held[side]
            if may_name_secret(lowered(content)) and _ENTRY_NAME.match(content) is not None:
                held.done = True
                rewrites.extend(self._rewrite(held))
        if not self._taken and (value := _ENTRY_VALUE.match(content)) is not None:
            text = value.group("value")
            multi = not text or _BLOCK_INDICATOR.fullmatch(text) is not None
            if multi or _secret_like(text):
                held = _Held(len(value.group("lead")), index, [(index, given)], multi=multi)
                held.in_value = multi
                for side in sides:
                    self._held[side] = held
        self._taken = False
        return rewrites

    def _rewrite(self, held: _Held) -> list[tuple[int, str]]:
        """The held value's lines with the value redacted: the first line of it gets the mark,
        the next ones ``[...]``."""
        (index, first), *rest = held.lines
        if not held.multi:
            value = _ENTRY_VALUE.match(first[1:])
            if value is None:
                return []  # an earlier rule changed the line's shape
            self._forget(value.group("value"))
            return [(index, self._inline(first[:1], value) or first)]
        entry = _Named(held.column)
        rewrites = []
        for index, given in rest:
            self._forget(given[1:])
            rewrites.append((index, given[:1] + self._hide(entry, given[1:])))
        return rewrites

    def _inline(self, prefix: str, match: re.Match[str]) -> str | None:
        """The value's line with its value, inline, redacted; None for a placeholder."""
        value = match.group("value")
        if not _secret_like(value):
            return None
        quote = value[0] if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0] else ""
        return prefix + match.group("head") + quote + self._mark() + quote + match.group("tail")

    def _hide(self, entry: _Named, text: str) -> str:
        """``text`` with its words replaced by the mark (first time) or ``[...]``."""
        core = text.strip()
        if not core:
            return text
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        if entry.marked:
            return lead + _REST + trail
        entry.marked = True
        return lead + self._mark() + trail


def _secret_like(value: str) -> bool:
    """Whether ``value`` (quoted or not) may be a secret: not empty, a placeholder or a
    template."""
    core = value[1:-1] if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0] else value
    return bool(core) and core.lower() not in PLACEHOLDERS and not TEMPLATE.match(core)
