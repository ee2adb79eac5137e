"""Secret values that run over several lines of a diff; pure, no I/O.

A line-by-line redactor sees ``password: |`` and then, on the lines below it, the password
itself with nothing that names it. :class:`Blocks` remembers such an opening and redacts the
lines that belong to it:

- YAML block scalars (``password: |``, ``key: >-``, after a tag or anchor too): every line
  indented deeper than the key;
- in YAML files, a value on the lines under a key with none on its own line (``password:``,
  then an indented plain value, or ``tokens:`` then ``- item`` lines), up to the first nested
  ``name: value`` entry, which makes it a mapping whose entries the line rules see;
- in YAML files, the value of a complex key (``? password``) given on the next line after a
  colon at the key's column (``: |``, or ``:`` and the lines below; a value on the colon's own
  line is redacted there); the key may be a block scalar itself (``? |`` or ``? >``, or ``?``
  alone, then the key's text on the lines below), which names a secret when any of its lines
  holds a secret's name;
- triple-quoted strings (``password = '''``, or three double quotes; TOML and Python): up to
  the closing quotes;
- an XML element whose content starts on a later line (``<password>``): up to its closing tag,
  unless another element opens inside it first, which makes it a container and not a value;
- in a configuration file (JSON, TOML...), an array opened at the end of a secret's line
  (``"api_keys": [``): its lines of one quoted string each, up to the first other line (the
  closing bracket, or an object: then the line rules see the entries' names).
- code whose value starts on the line after a secret's name, in parentheses (``password = (``)
  or after a line continuation (``API_KEY = \\``): the string literals of its lines, up to the
  line that closes the parentheses or does not end in a backslash.

The first line of a value gets the redaction mark, and the following lines ``[...]``, so a value
counts once however many lines it has. The diff's own marker (``+``, ``-``, `` ``) and each
line's indentation are kept. The old file's and the new file's values are followed apart: a
removed line that ends the one leaves the added lines after it inside the other. A hunk or file
header ends the value, since the next hunk is elsewhere; but a hunk whose header names a YAML
key with a multi-line value (git copies the last line above the hunk that starts with a name)
starts inside that value, and its lines indented deeper than the key belong to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from release_tools.analysis.engines.model.secrets_forms import (
    INTRINSIC,
    PLACEHOLDERS,
    SECRET_NAME,
    TEMPLATE,
)
from release_tools.analysis.engines.model.secrets_hints import lowered, may_name_secret

__all__ = ["Blocks"]

_REST = "[...]"
_PROPERTY = r"(?:!!?[\w./:-]*|&[\w.-]+)"
_YAML_KEY = r"(?P<lead>\s*(?:-\s+)?)(?P<nq>[\"']?)(?P<key>" + SECRET_NAME + r")(?P=nq)\s*:"
_BLOCK_SCALAR = re.compile(
    r"(?i)^" + _YAML_KEY + r"(?:\s+" + _PROPERTY + r")*+\s+[|>][-+1-9]{0,2}\s*(?:#.*)?$"
)
_EMPTY_VALUE = re.compile(r"(?i)^" + _YAML_KEY + r"(?:\s+" + _PROPERTY + r")*+\s*(?:#.*)?$")
# A "name: value" entry (after an optional "- "): a mapping, not a plain value. The name stops
# at the first colon, so a URL ("https://...") is a value.
_MAPPING_ENTRY = re.compile(r"^\s*(?:-\s+)?[^\s:#][^:#]*+:(?:\s|$)")
_ITEM = re.compile(r"^(?P<lead>\s*-\s+)(?P<value>.*)$")
_TRIPLE = re.compile(
    r"(?i)^(?P<head>\s*(?P<nq>[\"']?)" + SECRET_NAME + r"(?P=nq)\s*[:=]\s*[rbfu]{0,2}"
    r"(?P<delim>'''|\"\"\"))(?P<rest>.*)$"
)
_ELEMENT = re.compile(
    r"(?i)^(?P<head>\s*<(?P<tag>(?:[A-Za-z_][\w.-]*:)?" + SECRET_NAME + r")(?:\s[^<>]*+)?>"
    r"(?:<!\[CDATA\[)?)(?P<rest>[^<>]*)$"
)
# An element's text in CDATA on a line of its own: the markers stay, the text goes.
_CDATA = re.compile(r"^(?P<lead>\s*<!\[CDATA\[)(?P<body>[^<\]]*+)(?P<tail>(?:\]\]>)?\s*)$")
_ARRAY = re.compile(r"(?i)^\s*(?P<nq>[\"']?)(?P<key>" + SECRET_NAME + r")(?P=nq)\s*[:=]\s*\[\s*$")
_ARRAY_ITEM = re.compile(
    r"^(?P<lead>\s*(?P<quote>[\"']))(?P<value>(?:\\.|(?!(?P=quote))[^\\])*+)"
    r"(?P<tail>(?P=quote)\s*,?\s*)$"
)
# A value that starts on the line after its name: in parentheses ("password = (", up to the
# closing one) or after a line continuation ("API_KEY = \", up to the first line that does not
# end in one). A few words may come before the name (export, const, static final String).
_OPEN_VALUE = re.compile(
    r"(?i)^\s*(?:[A-Za-z]+\s+){0,3}" + SECRET_NAME + r"(?:\s*:\s*[^=()\n]{1,60}?)?"
    r"\s*(?::=|=)\s*(?P<open>\(|\\)\s*(?:#.*)?$"
)
# A string literal inside such a value; its prefix (b"", f'') and quotes stay.
_STRING = re.compile(
    r"(?P<lead>[rRbBuUfF]{0,2}(?P<quote>\"\"\"|'''|[\"'`]))"
    r"(?P<body>(?:\\.|(?!(?P=quote))[^\\])*+)(?P<tail>(?P=quote))"
)
_COMMENT = ("#", "//")
# Under "secrets:" a CI job or a Compose service lists the names of secrets, not their values.
_NAMES_KEY = "secrets"
# A YAML complex key that names a secret ("? password" on a line of its own) and the value
# that the next line gives it, after a colon at the same column (": hunter2", ": |").
_COMPLEX_KEY = re.compile(
    r"(?i)^(?P<lead>\s*(?:-\s+)?)\?\s+(?P<nq>[\"']?)" + SECRET_NAME + r"(?P=nq)\s*(?:#.*)?$"
)
# A complex key whose text is on the lines below, deeper than the "?": a block scalar
# ("? |", "? >-") or a plain key that starts on the next line ("?" alone).
_KEY_BELOW = re.compile(r"^(?P<lead>\s*(?:-\s+)?)\?(?:\s+[|>][-+1-9]{0,2})?\s*(?:#.*)?$")
_NAME = re.compile(r"(?i)" + SECRET_NAME)
_COMPLEX_VALUE = re.compile(
    r"^(?P<head>(?P<lead>\s*):(?:\s+" + _PROPERTY + r"(?=\s|$))*+\s*)"
    r"(?P<value>(?:[^\s#].*?)?)(?P<tail>\s*)$"
)
_INDICATOR = re.compile(r"[|>][-+1-9]{0,2}(?:\s+#.*)?")
# The files a line of a diff belongs to, by its marker: the old one, the new one, or both.
_SIDES = {"-": ("-",), "+": ("+",), " ": ("-", "+")}


class _Kind(Enum):
    INDENTED = "indented"  # a YAML block scalar: every deeper line
    NESTED = "nested"  # a YAML value under its key: plain or "- item" lines, not "name: value"
    QUOTED = "quoted"  # a triple-quoted string, up to the closing quotes
    ELEMENT = "element"  # an XML element's text, up to the closing tag
    ARRAY = "array"  # a configuration file's array: lines of one quoted string each
    PARENTHESISED = "parenthesised"  # code up to the closing parenthesis: its strings
    CONTINUED = "continued"  # code up to a line that does not end in a backslash: its strings


@dataclass(slots=True)
class _KeyText:
    """A complex key whose text is on the lines below its "?": the "?"'s column, and whether a
    line of the text has named a secret yet."""

    column: int
    named: bool = False


@dataclass(slots=True)
class _Block:
    kind: _Kind
    indent: int = 0  # the key's column: deeper lines belong to the value
    end: str = ""  # the closing quotes or tag
    marked: bool = False  # whether the value's first line has had the mark
    closed: bool = False  # whether the line just seen ended the value (its closing quotes)
    depth: int = 0  # the parentheses open in a parenthesised value


class Blocks:
    """The multi-line secret value open at the current line of a diff, if any.

    ``mark`` returns the redaction mark and counts one secret; ``rest`` redacts the text after a
    value's closing quotes or tag on its last line, which may hold anything.
    """

    def __init__(self, mark: Callable[[], str], rest: Callable[[str], str]) -> None:
        self._mark = mark
        self._rest = rest
        # The value open in the old file ("-") and in the new one ("+"): a removed line can end
        # the old file's value while the added lines after it are still inside the new one's.
        self._open: dict[str, _Block] = {}
        # The column of the YAML complex key named as a secret ("? password") just seen in
        # each file, whose value the next line gives.
        self._keys: dict[str, int] = {}
        # The complex key whose text the next lines of each file give ("? |" just seen).
        self._key_text: dict[str, _KeyText] = {}

    def reset(self) -> None:
        """Forget any open value (at a hunk or file header)."""
        self._open.clear()
        self._keys.clear()
        self._key_text.clear()

    def resume(self, context: str, *, yaml: bool) -> None:
        """Open the YAML value that ``context``, the line after a hunk's ranges, opens.

        That line is the last one above the hunk that starts with a name; every line between
        it and the hunk is indented deeper, so a hunk whose lines are deeper still is inside
        the value, which no line of the hunk names.
        """
        content = context.removeprefix(" ")
        if not may_name_secret(lowered(content)):
            return  # every value below opens with a secret's name
        if (match := _BLOCK_SCALAR.match(content)) is not None:
            kind = _Kind.INDENTED
        elif yaml and (match := _EMPTY_VALUE.match(content)) is not None:
            if match.group("key").lower() == _NAMES_KEY:
                return
            kind = _Kind.NESTED
        else:
            return
        block = _Block(kind, indent=len(match.group("lead")))
        self._open = dict.fromkeys(_SIDES[" "], block)

    def inside(self, line: str) -> str | None:
        """``line`` redacted if it belongs to the open value; None if it does not.

        A line that ends the value (a closing quote or tag) belongs to it; a line that is not
        part of it (shallower, or a nested entry) closes the value and is left to the caller.
        A context line is in both files: it is checked against the value open in each.
        """
        if not self._open:
            return None  # the common case: no value is open
        sides = _SIDES.get(line[:1], ())  # none: a "\ No newline" note inside a value
        held: str | None = None
        blocks = {id(block): block for side in sides if (block := self._open.get(side))}
        for block in blocks.values():
            result = self._inside(block, line)
            if result is None or block.closed:
                for side in sides:
                    if self._open.get(side) is block:
                        del self._open[side]
            if held is None:
                held = result
        return held

    def _open_on(self, prefix: str, block: _Block) -> None:
        """Open ``block`` in the files the line with diff marker ``prefix`` belongs to."""
        for side in _SIDES.get(prefix, ()):
            self._open[side] = block

    def _inside(self, block: _Block, line: str) -> str | None:
        """``line`` redacted if it belongs to ``block``; None if it ends it before the line."""
        prefix, content = line[:1], line[1:]
        if block.kind is _Kind.QUOTED or block.kind is _Kind.ELEMENT:
            text = self._until_end(block, content)
            return None if text is None else prefix + text
        if block.kind is _Kind.PARENTHESISED or block.kind is _Kind.CONTINUED:
            return prefix + self._code(block, content)
        if not content.strip():
            return line  # a blank line inside a YAML value, or just after it
        if block.kind is _Kind.ARRAY:
            return self._array_item(block, prefix, content)
        indent = len(content) - len(content.lstrip())
        if block.kind is _Kind.INDENTED:
            return None if indent <= block.indent else prefix + self._hide(block, content)
        return self._nested(block, prefix, content, indent)

    def opening(
        self, line: str, *, yaml: bool, config: bool, named: bool | None = None
    ) -> str | None:
        """``line`` redacted if it opens a multi-line value (which is then open); else None.

        ``yaml`` says the line is from a YAML file, where a key with no value on its line
        takes the lines below; ``config`` that it is from a configuration file, where an array
        holds values rather than code. ``named`` is what
        :func:`~release_tools.analysis.engines.model.secrets_hints.may_name_secret` says of
        the line, when the caller knows it already (a diff marker holds no hint of a name).
        """
        prefix, content = (line[:1], line[1:]) if line[:1] in ("+", "-", " ") else ("", line)
        if self._key_text and self._in_key_text(prefix, content):
            return None  # a line of a complex key's text: no value, the line rules see it
        if self._keys and (given := self._complex_value(prefix, content)) is not None:
            return given
        if yaml and "?" in content and (match := _KEY_BELOW.match(content)) is not None:
            key = _KeyText(len(match.group("lead")))
            for side in _SIDES.get(prefix, ()):
                self._key_text[side] = key
            return None
        if named is None:
            named = may_name_secret(lowered(content))
        if not named:
            return None  # every value below opens with a secret's name
        if yaml and (match := _COMPLEX_KEY.match(content)) is not None:
            for side in _SIDES.get(prefix, ()):
                self._keys[side] = len(match.group("lead"))
            return None  # the key's line holds no value: the line rules leave it
        if config and (match := _ARRAY.match(content)) is not None:
            if match.group("key").lower() == _NAMES_KEY:
                return None
            self._open_on(prefix, _Block(_Kind.ARRAY))
            return line
        if (match := _BLOCK_SCALAR.match(content)) is not None:
            self._open_on(prefix, _Block(_Kind.INDENTED, indent=len(match.group("lead"))))
            return line
        if yaml and (match := _EMPTY_VALUE.match(content)) is not None:
            if match.group("key").lower() == _NAMES_KEY:
                return None
            self._open_on(prefix, _Block(_Kind.NESTED, indent=len(match.group("lead"))))
            return line
        if (match := _TRIPLE.match(content)) is not None:
            delim = match.group("delim")
            if delim in match.group("rest"):
                return None  # closed on the same line: the line rules see it
            block = _Block(_Kind.QUOTED, end=delim)
        elif (match := _ELEMENT.match(content)) is not None and not content.rstrip().endswith("/>"):
            block = _Block(_Kind.ELEMENT, end="</" + match.group("tag"))
        elif ("(" in content or "\\" in content) and (match := _OPEN_VALUE.match(content)):
            continued = match.group("open") == "\\"
            block = _Block(_Kind.CONTINUED if continued else _Kind.PARENTHESISED, depth=1)
            self._open_on(prefix, block)
            return line
        else:
            return None
        self._open_on(prefix, block)
        return prefix + match.group("head") + self._hide(block, match.group("rest"))

    def _in_key_text(self, prefix: str, content: str) -> bool:
        """Whether ``content`` is a line of the complex key whose text is awaited in its files;
        a line that ends the text (at the "?"'s column or shallower) makes a key that has named
        a secret wait for its value (see :meth:`_complex_value`)."""
        blank = not content.strip()
        indent = len(content) - len(content.lstrip())
        inside = False
        for side in _SIDES.get(prefix, ()):
            key = self._key_text.get(side)
            if key is None:
                continue
            if blank or indent > key.column:
                inside = True
                if not key.named and not blank and _NAME.search(content) is not None:
                    key.named = True
                continue
            del self._key_text[side]
            if key.named:
                self._keys[side] = key.column
        return inside

    def _complex_value(self, prefix: str, content: str) -> str | None:
        """The value line after a complex key named as a secret, redacted (and its value opened
        when it is on the lines below); None for any other line, which ends the wait for it
        unless it is blank or a comment."""
        if not content.strip() or content.lstrip().startswith("#"):
            return None
        sides = _SIDES.get(prefix, ())
        columns = {self._keys.pop(side) for side in sides if side in self._keys}
        match = _COMPLEX_VALUE.match(content)
        if match is None or len(match.group("lead")) not in columns:
            return None
        value = match.group("value")
        column = len(match.group("lead"))
        if not value:
            self._open_on(prefix, _Block(_Kind.NESTED, indent=column))
            return prefix + content
        if _INDICATOR.fullmatch(value):
            self._open_on(prefix, _Block(_Kind.INDENTED, indent=column))
            return prefix + content
        quote = value[0] if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0] else ""
        core = value[1:-1] if quote else value
        if (
            not core
            or core.lower() in PLACEHOLDERS
            or TEMPLATE.match(core)
            or core[0] == "*"
            or INTRINSIC.search(match.group("head"))
        ):
            # A placeholder, a template, an alias (*pw) or what a CloudFormation function
            # refers to (: !Ref DbPassword): no secret, and the line rules see it.
            return None
        mark = quote + self._mark() + quote
        return prefix + match.group("head") + mark + match.group("tail")

    def _until_end(self, block: _Block, content: str) -> str | None:
        end = content.find(block.end)
        if end >= 0:
            block.closed = True
            after = end + len(block.end)
            return self._hide(block, content[:end]) + block.end + self._rest(content[after:])
        if block.kind is _Kind.ELEMENT and "<" in content:
            cdata = _CDATA.match(content)
            if cdata is None:
                # Another element inside: a container, whose lines the line rules see.
                return None
            return cdata.group("lead") + self._hide(block, cdata.group("body")) + cdata["tail"]
        return self._hide(block, content)

    def _code(self, block: _Block, content: str) -> str:
        """A line of code inside a value with its string literals hidden; the last line (the
        one that closes the parentheses, or does not end in a backslash) closes the value."""
        if block.kind is _Kind.CONTINUED:
            block.closed = not content.rstrip().endswith("\\")
        else:
            code = _STRING.sub("", content)
            block.depth += code.count("(") - code.count(")")
            block.closed = block.depth <= 0
        return _STRING.sub(lambda match: self._string(block, match), content)

    def _string(self, block: _Block, match: re.Match[str]) -> str:
        body = match.group("body")
        if not body.strip() or TEMPLATE.match(body) or body.lower() in PLACEHOLDERS:
            return match.group(0)
        return match.group("lead") + self._hide(block, body) + match.group("tail")

    def _nested(self, block: _Block, prefix: str, content: str, indent: int) -> str | None:
        item = _ITEM.match(content)
        # A sequence may sit at its key's own column ("tokens:" then "- a" below it).
        deeper = indent > block.indent or (item is not None and indent == block.indent)
        if not deeper or _MAPPING_ENTRY.match(content):
            return None
        if content.lstrip().startswith("#"):
            return prefix + content
        if item is not None:
            return prefix + item.group("lead") + self._hide(block, item.group("value"))
        return prefix + self._hide(block, content)

    def _array_item(self, block: _Block, prefix: str, content: str) -> str | None:
        if content.lstrip().startswith(_COMMENT):
            return prefix + content
        item = _ARRAY_ITEM.match(content)
        if item is None:
            return None
        return prefix + item.group("lead") + self._hide(block, item.group("value")) + item["tail"]

    def _hide(self, block: _Block, text: str) -> str:
        """``text`` with its words replaced by the mark (first time) or ``[...]``."""
        core = text.strip()
        if not core:
            return text
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        if block.marked:
            return lead + _REST + trail
        block.marked = True
        return lead + self._mark() + trail
