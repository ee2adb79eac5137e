"""Edit values inside JSON text without re-serialising it.

``json.loads`` + ``json.dumps`` would reflow arrays, change indentation and escapes and drop
the trailing newline; ``npm version`` users expect a one-line diff. :func:`value_spans` maps the
key path of every value inside objects to its character span, so a caller can splice a new
value in and leave every other byte alone. The text must be valid JSON (check with
``json.loads`` first); arrays are spanned as a whole but not entered.
"""

from __future__ import annotations

import json
from typing import Any

from release_tools.errors import VersionError

__all__ = ["JsonPath", "load_json", "value_spans"]

JsonPath = tuple[str, ...]
_WS = " \t\r\n"


#: The UTF-8 byte order mark as decoded text.
_BOM = "\ufeff"


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _string_end(text: str, i: int) -> int:
    """Index just past the string literal starting at ``text[i] == '"'``."""
    j = i + 1
    while text[j] != '"':
        j += 2 if text[j] == "\\" else 1
    return j + 1


def _scalar_end(text: str, i: int) -> int:
    while i < len(text) and text[i] not in ",}]" + _WS:
        i += 1
    return i


def _container_end(text: str, i: int) -> int:
    """Index just past the array/object starting at ``i`` (strings may contain brackets)."""
    depth = 0
    while True:
        ch = text[i]
        if ch == '"':
            i = _string_end(text, i)
            continue
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def _object(text: str, i: int, path: JsonPath, spans: dict[JsonPath, tuple[int, int]]) -> int:
    """Record the spans of the object starting at ``text[i] == '{'``; return its end."""
    i = _skip_ws(text, i + 1)
    if text[i] == "}":
        return i + 1
    while True:
        key_end = _string_end(text, i)
        key = json.loads(text[i:key_end])
        i = _skip_ws(text, key_end)
        i = _skip_ws(text, i + 1)  # past ':'
        start = i
        if text[i] == "{":
            end = _object(text, i, (*path, key), spans)
        elif text[i] == "[":
            end = _container_end(text, i)
        elif text[i] == '"':
            end = _string_end(text, i)
        else:
            end = _scalar_end(text, i)
        spans[(*path, key)] = (start, end)
        i = _skip_ws(text, end)
        if text[i] == "}":
            return i + 1
        i = _skip_ws(text, i + 1)  # past ','


def load_json(text: str, source: str) -> Any:
    """``json.loads(text)``; a one-line :class:`VersionError` naming ``source`` when it fails.

    Nesting deeper than Python's recursion limit is refused the same way: the decoder (and
    :func:`value_spans`) recurse once per level, so a hostile file must not surface as a
    RecursionError.
    """
    try:
        # A UTF-8 byte order mark, which npm and Node.js accept, is no part of the value.
        return json.loads(text.removeprefix(_BOM))
    except json.JSONDecodeError as exc:
        raise VersionError(f"{source}: broken JSON: {exc}") from exc
    except RecursionError as exc:
        raise _too_deep(source) from exc


def _too_deep(source: str) -> VersionError:
    return VersionError(f"{source}: JSON nested too deeply to be read (thousands of levels)")


def value_spans(text: str, source: str = "JSON") -> dict[JsonPath, tuple[int, int]]:
    """``{("a", "b"): (start, end)}`` for every value inside (nested) objects of ``text``."""
    spans: dict[JsonPath, tuple[int, int]] = {}
    # Offsets stay those of ``text``: an edit spliced into it keeps a byte order mark.
    i = _skip_ws(text, 1 if text.startswith(_BOM) else 0)
    if i < len(text) and text[i] == "{":
        try:
            _object(text, i, (), spans)
        except RecursionError as exc:
            raise _too_deep(source) from exc
    return spans
