"""Keeping credentials of the realtime client out of logs, reprs and error text.

One registry of secret values (:func:`register_secret`) and one :func:`redact`, which replaces
the registered values, the fragments of 8 or more characters that shortening can leave of
them, and well-known credential shapes (bearer tokens, OpenAI-style keys, ``api-key`` pairs)
with ``[REDACTED]``. :class:`RedactionFilter` applies it to a whole log record. An application
may attach that filter to its own handlers and register its own secrets here, so that one
registry serves both. Values too short or too common to be a credential (``null``, ``test``)
are not registered: they would be cut out of ordinary words and of JSON syntax.

Realtime code also runs where nobody configured logging (a test with ``caplog`` at DEBUG, an
application's ``basicConfig``), and ``websockets`` dumps every handshake header at DEBUG. So the
realtime loggers redact their own records, before any handler sees them, and the header dumps
lose the values of credential headers whatever their shape (a ``Basic`` token from URL user
info, a custom ``X-Foo-Token``).

No ``websockets`` import here: the filters only look at the record's format string and args.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = [
    "MIN_SECRET",
    "PLACEHOLDERS",
    "REDACTED",
    "STANDARD_RECORD_ATTRS",
    "HeaderRedactionFilter",
    "RedactionFilter",
    "is_secret_header",
    "is_secret_value",
    "mask_headers",
    "redact",
    "redact_url",
    "redacting_logger",
    "register_secret",
    "register_url_secrets",
]

REDACTED = "[REDACTED]"

# Credentials that may show up in messages even when nobody registered them: bearer tokens,
# OpenAI-style keys, Azure api-key headers, key=value pairs naming a secret, and the tokens of
# the forges and package registries.
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\b(sk-(?:proj-|svcacct-|admin-)?)[A-Za-z0-9_-]{16,}"),
    re.compile(
        r"(?i)((?:api[-_]?key|authorization|x-api-key)[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]{6,}"
    ),
    re.compile(r"\b(ek_)[A-Za-z0-9_-]{16,}"),
    re.compile(r"\b(gh[pousr]_)[A-Za-z0-9]{20,}"),
    re.compile(r"\b(github_pat_)[A-Za-z0-9_]{20,}"),
    re.compile(r"\b(gl(?:pat|dt|ptt|rt|cbt|soat|ft|imt|oas|agent)-)[A-Za-z0-9_-]{20,}"),
    # npm access tokens (36 characters after the prefix) and PyPI API tokens (a macaroon).
    re.compile(r"\b(npm_)[A-Za-z0-9]{36}\b"),
    re.compile(r"\b(pypi-)AgE[A-Za-z0-9_-]{40,}"),
    # The password of a URL's user information (a remote in a git error, a proxy URL): up to
    # the last "@" before a "/" or a space, so a password holding "@" (or a "#" or "?" a URL
    # would not allow there) is hidden whole. A port followed by a query or a fragment
    # (host:8443?user=bob@example.com) is no password.
    re.compile(
        r"(\b[A-Za-z][A-Za-z0-9+.-]{0,31}://[^/\s:@\[\]]*:)(?![0-9]+[?#])[^/\s]+(?=@[^/\s@]+)"
    ),
)

#: The shortest piece of a registered secret that :func:`redact` removes on its own.
FRAGMENT = 8

# How shortened text marks its cuts: websockets' frame logs use "...", others "…".
_CUT_MARKS = ("...", "\u2026")

_lock = threading.Lock()
_secrets: set[str] = set()


class _Registry:
    """An immutable snapshot of the registered secrets, prepared for :func:`redact`."""

    __slots__ = ("long", "secrets")

    def __init__(self, secrets: set[str]) -> None:
        #: Longest first, so that a secret containing another is replaced whole.
        self.secrets = tuple(sorted(secrets, key=len, reverse=True))
        #: The secrets long enough to have fragments worth redacting.
        self.long = tuple(secret for secret in self.secrets if len(secret) > FRAGMENT)


_registry = _Registry(set())

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
STANDARD_RECORD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


#: The shortest value :func:`register_secret` accepts. No credential these tools are given (API
#: keys, forge tokens) is shorter; shorter values are what a variable holds when it is not a
#: credential at all (``null`` from ``jq -r`` on a missing field, ``test``, ``EMPTY``), and
#: replacing them wherever they occur would mangle ordinary words of every output.
MIN_SECRET = 8

#: Values that stand in for a key where a server needs none (local OpenAI-compatible servers
#: and SDK examples), compared case-insensitively. They are not secret, and they are words or
#: names that ordinary output may hold.
PLACEHOLDERS = frozenset(
    {
        "changeme",
        "lm-studio",
        "no-key-required",
        "not-needed",
        "placeholder",
        "sk-no-key-required",
        "undefined",
        "your-api-key",
    }
)


def is_secret_value(value: str | None) -> bool:
    """Whether :func:`register_secret` treats ``value`` as a secret: at least
    :data:`MIN_SECRET` characters once surrounding whitespace is removed, and not one of the
    :data:`PLACEHOLDERS`."""
    if not value:
        return False
    value = value.strip()
    return len(value) >= MIN_SECRET and value.lower() not in PLACEHOLDERS


def register_secret(value: str | None) -> None:
    """Make ``value`` (an API key, a token) be replaced by ``[REDACTED]`` in all output.

    Its fragments of :data:`FRAGMENT` or more characters are replaced too (see :func:`redact`).
    Surrounding whitespace is not part of the secret (a header or a variable loses it). A value
    that is no credential (see :func:`is_secret_value`) is not registered: replacing every
    ``null`` or ``test`` of an output would damage it while protecting nothing.
    """
    global _registry
    if value is not None and is_secret_value(value):
        value = value.strip()
        with _lock:
            if value not in _secrets:
                _secrets.add(value)
                _registry = _Registry(_secrets)


def _cut_points(text: str) -> list[tuple[int, bool]]:
    """Where ``text`` may have been cut: ``(position, text_follows)`` pairs.

    The start of the text (the text follows it), its end (the text precedes it), and both sides
    of every cut mark.
    """
    points = [(0, True), (len(text), False)]
    for mark in _CUT_MARKS:
        at = text.find(mark)
        while at != -1:
            points += ((at, False), (at + len(mark), True))
            at = text.find(mark, at + len(mark))
    return points


def _fragment_spans(text: str, secrets: tuple[str, ...]) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans of ``text`` that are fragments of a secret (see ``redact``)."""
    spans: list[tuple[int, int]] = []
    size = len(text)
    for secret in secrets:
        # Prefixes: every one starts with the secret's first FRAGMENT characters.
        head = secret[:FRAGMENT]
        at = text.find(head)
        while at != -1:
            end, limit = at + FRAGMENT, min(size, at + len(secret))
            while end < limit and text[end] == secret[end - at]:
                end += 1
            spans.append((at, end))
            at = text.find(head, at + 1)
        # Suffixes: every one ends with the secret's last FRAGMENT characters.
        tail = secret[-FRAGMENT:]
        at = text.find(tail)
        while at != -1:
            start, inside = at, len(secret) - FRAGMENT
            while start > 0 and inside > 0 and text[start - 1] == secret[inside - 1]:
                start, inside = start - 1, inside - 1
            spans.append((start, at + FRAGMENT))
            at = text.find(tail, at + 1)
        # Any other piece, where the text was cut: the longest piece of the secret that
        # starts right after (or ends right before) the cut.
        for point, follows in _cut_points(text):
            if follows:
                length = FRAGMENT
                if point + length > size or text[point : point + length] not in secret:
                    continue
                while point + length < size and text[point : point + length + 1] in secret:
                    length += 1
                spans.append((point, point + length))
            else:
                length = FRAGMENT
                if point < length or text[point - length : point] not in secret:
                    continue
                while point > length and text[point - length - 1 : point] in secret:
                    length += 1
                spans.append((point - length, point))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact(text: str) -> str:
    """Return ``text`` with registered secrets, their fragments and credential shapes removed.

    Three passes:

    1. every registered secret, whole;
    2. the fragments of 8 (:data:`FRAGMENT`) or more characters that shortening can leave of a
       registered secret. Cutting text once leaves the head of a secret before the cut or its
       tail after it; where the cut sits and how it is marked varies (``websockets`` keeps the
       head and the tail of a long frame around ``...``, other code cuts at a length with
       ``…`` or with no mark at all, and more text may follow: a quote, a brace, a context
       field). So a piece is removed when it is a **prefix or a suffix** of a secret, wherever
       it stands (found from the secret's first or last 8 characters with ``str.find`` and
       extended, linear in the text), or **any piece** touching a possible cut: the start or
       the end of the text or a cut mark (``...``, ``…``), where cutting twice can leave a
       middle piece. Eight characters of a random key are about 48 bits: long enough that
       ordinary text never matches by chance, short enough that what is left of a cut key is
       useless. A middle piece away from any cut is left alone: nothing cuts text that way,
       and words inside a key (test keys are often made of words) would otherwise vanish from
       unrelated text. Secrets of 8 characters or fewer are only replaced whole;
    3. credential shapes nobody registered (bearer tokens, ``sk-`` keys, ``api-key=...``).
    """
    if not text:
        return text
    registry = _registry
    for secret in registry.secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if registry.long and len(text) >= FRAGMENT:
        spans = _fragment_spans(text, registry.long)
        if spans:
            pieces: list[str] = []
            previous = 0
            for start, end in spans:
                pieces += (text[previous:start], REDACTED)
                previous = end
            pieces.append(text[previous:])
            text = "".join(pieces)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


# Context fields (or header names) whose value is a credential whatever it looks like.
_SECRET_KEY = re.compile(r"(?i)(api[-_]?key|authorization|token|secret|password|passwd)")


def _redact_value(value: Any, key: str = "") -> Any:
    if key and _SECRET_KEY.search(key) and isinstance(value, str | bytes) and value:
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, bytes | bytearray):
        return redact(bytes(value).decode("utf-8", "replace"))
    # Anything else is rendered with str() by the formatters (JSON's default=str included):
    # render it here, once, and redact the text.
    return redact(str(value))


class RedactionFilter(logging.Filter):
    """Rewrite each record so that no secret survives in its message, args, extras or traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not kill logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in STANDARD_RECORD_ATTRS:
                setattr(record, key, _redact_value(value, key))
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# Header (and query parameter) names whose values are credentials (Azure's api-key, tokens, ...).
_SECRET_HINTS = ("auth", "key", "token", "secret", "password", "cookie", "signature")

# Browsers cannot set headers on a WebSocket upgrade, so they put the key in a subprotocol:
# "openai-insecure-api-key.<key>" inside Sec-WebSocket-Protocol.
_KEY_SUBPROTOCOL = "openai-insecure-api-key."


def is_secret_header(name: str) -> bool:
    """Whether a header's (or query parameter's) value must be treated as a credential."""
    lowered = name.lower()
    return any(hint in lowered for hint in _SECRET_HINTS)


def _mask_value(name: str, value: str) -> str:
    if is_secret_header(name):
        return REDACTED
    if name.lower() == "sec-websocket-protocol" and _KEY_SUBPROTOCOL in value:
        return ", ".join(
            _KEY_SUBPROTOCOL + REDACTED if part.strip().startswith(_KEY_SUBPROTOCOL) else part
            for part in value.split(",")
        )
    return redact(value)


def mask_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``headers`` with every credential value replaced by ``[REDACTED]`` (for display)."""
    return [(name, _mask_value(name, value)) for name, value in headers]


def redact_url(url: str) -> str:
    """``url`` without user info password and with credential query values redacted."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return redact(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{REDACTED}@{host}" if ":" in userinfo else f"{REDACTED}@{host}"
    masked = [(k, REDACTED if is_secret_header(k) else redact(v)) for k, v in query]
    # The brackets of [REDACTED] stay readable rather than percent-encoded.
    rebuilt = urlencode(masked, safe="[]") if masked != query else parts.query
    # Redacted part by part: a credential pattern run over the whole URL would swallow the
    # query parameters that follow a key.
    path = redact(parts.path)
    return urlunsplit(parts._replace(netloc=redact(netloc), path=path, query=rebuilt))


def register_url_secrets(url: str) -> None:
    """Register the password of ``url``'s user info and its credential query values."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return
    register_secret(parts.password)
    for name, value in query:
        if is_secret_header(name):
            register_secret(value)


class HeaderRedactionFilter(logging.Filter):
    """Blank credential values in ``websockets``' handshake dumps before anything formats them.

    ``websockets`` logs each header as ``("> %s: %s", name, value)`` (``<`` for received ones)
    and the request line as ``("> GET %s HTTP/1.1", path)``; the path carries the query string.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if type(args) is tuple and isinstance(record.msg, str):
            if len(args) == 2 and record.msg.endswith("%s: %s"):
                name, value = args
                if isinstance(name, str) and isinstance(value, str):
                    record.args = (name, _mask_value(name, value))
            elif len(args) == 1 and " GET %s" in record.msg and isinstance(args[0], str):
                record.args = (redact_url(args[0]),)
        return True


_header_filter = HeaderRedactionFilter()
_redaction_filter = RedactionFilter()


def redacting_logger(name: str, first: logging.Filter | None = None) -> logging.Logger:
    """The logger ``name`` with both filters attached (once), so its records leave it clean.

    A logger's filters see only records logged on that very logger, so each realtime module asks
    for its own. They run only for records that pass the level check: no cost when quiet.
    ``first``, if given, runs before them: for arguments whose ``str()`` shortens what it shows
    (a WebSocket frame), it redacts the full payload before any shortening happens.
    """
    logger = logging.getLogger(name)
    if first is not None and first not in logger.filters:
        logger.filters.insert(0, first)
    if _header_filter not in logger.filters:
        logger.addFilter(_header_filter)
    if _redaction_filter not in logger.filters:
        logger.addFilter(_redaction_filter)
    return logger
