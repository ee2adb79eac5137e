"""Where a line names a secret: the one scan that the patterns built on a name share; pure.

Most of the patterns of :mod:`release_tools.analysis.engines.model.secrets_forms` start from a
secret's name (``password``, ``DB_PASS``, ``apiToken``): run over a line one after the other,
each looked for that name again from every position, and the line's names cost as many scans as
there are patterns. :func:`find_names` finds, once per line, the spans of :data:`SECRET_NAME`,
the very pattern they embed: exactly the places where any of them can find its name, since

- a name is a whole run of name characters (``[A-Za-z0-9_.-]``) that holds a secret word and
  does not end in a pointer word (``_FILE``, ``_URL``); every pattern takes the run whole, so
  the run's end is where the text after the name starts in every match, and a pattern whose
  match starts with the name can only match at a run's start;
- the patterns that embed the name behind a fixed prefix (``--token``, ``process.env.TOKEN``)
  or as a method's name (``setPassword(``) end it where the whole run ends too, since what
  must follow it (``=``, a space, ``(``) is no name character.

A pattern is then tried only where it can match (:func:`sub_at_names`), or skipped when no name
of the line is followed by the text every one of its matches has after the name
(:func:`followed_by`). Both only ever save time: the result is what the plain scan gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from release_tools.analysis.engines.model.secrets_forms import SECRET_NAME
from release_tools.analysis.engines.model.secrets_hints import SECRET_HINTS, Form

__all__ = ["Span", "find_names", "followed_by", "sub_at_names", "sub_form"]

# The characters of a name, as the patterns' run of them ([A-Za-z0-9_.-]) spells them.
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")

#: Where a name starts and ends in its line.
Span = tuple[int, int]

# The same flags as every pattern that embeds the name: under IGNORECASE a name character class
# also takes a few letters outside ASCII, and the scan must take the same ones.
_NAME = re.compile(r"(?i)" + SECRET_NAME)
# Every secret word holds one of these hints, lower-cased (see secrets_hints).
_HINT = re.compile("|".join(re.escape(hint) for hint in SECRET_HINTS))
# An ASCII line mapped to its runs of name characters ("a") and the rest (" "), so that a run's
# ends are found by str.rfind and str.find.
_RUNS = str.maketrans(
    {chr(code): ("a" if chr(code) in _NAME_CHARS else " ") for code in range(128)}
)


def find_names(line: str, low: str | None) -> list[Span]:
    """The spans of the secrets' names in ``line`` (lowered to ``low``, see
    :func:`~release_tools.analysis.engines.model.secrets_hints.lowered`), left to right.

    The pattern is tried only at the start of each run of name characters that holds a hint of
    a secret word, which every name does (a line that holds none is not scanned at all): the
    spans are those a scan of the whole line finds, for the cost of a few literal searches. A
    line outside ASCII, whose letters the prefilters do not fold, is scanned whole.
    """
    if low is None:
        return [match.span() for match in _NAME.finditer(line)]
    names: list[Span] = []
    runs = ""
    done = 0  # the end of the last run looked at: a hint before it is in that run
    for hint in _HINT.finditer(low):
        if hint.start() < done:
            continue
        if not runs:
            runs = low.translate(_RUNS)
        start = runs.rfind(" ", 0, hint.start()) + 1
        end = runs.find(" ", hint.end())
        done = len(runs) if end < 0 else end
        match = _NAME.match(line, start)
        if match is not None:
            names.append(match.span())
    return names


def followed_by(line: str, names: Sequence[Span], after: re.Pattern[str]) -> bool:
    """Whether ``after`` matches right after one of the ``names`` of ``line``."""
    return any(after.match(line, end) is not None for _, end in names)


def sub_at_names(
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str],
    line: str,
    names: Sequence[Span],
) -> tuple[str, int]:
    """``pattern.subn(replace, line)`` for a pattern whose every match starts with a name.

    ``pattern`` is tried at each name's start, left to right, skipping the names inside an
    earlier match, which is what ``subn`` would find trying every position: it can match
    nowhere else. Its look-behinds still see the text before the name.
    """
    pieces: list[str] = []
    done = 0
    for start, _ in names:
        if start < done:
            continue
        match = pattern.match(line, start)
        if match is None:
            continue
        pieces.append(line[done:start])
        pieces.append(replace(match))
        done = match.end()
    if not pieces:
        return line, 0
    pieces.append(line[done:])
    return "".join(pieces), len(pieces) // 2


def sub_form(
    form: Form,
    replace: Callable[[re.Match[str]], str],
    line: str,
    names: Sequence[Span],
) -> tuple[str, int]:
    """``form.pattern.subn(replace, line)``, tried only where the form can match when it is
    built on a secret's name: at the ``names`` of ``line`` (``at_name``), or only if one of them
    is followed by what it needs (``after``)."""
    if form.named and form.at_name:
        return sub_at_names(form.pattern, replace, line, names)
    if form.named and form.after is not None and not followed_by(line, names, form.after):
        return line, 0
    return form.pattern.subn(replace, line)
