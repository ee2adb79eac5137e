"""Remove secrets from diff text before it leaves the machine; pure, no I/O.

:func:`redact_secrets` takes the rendered diff of a chunk and returns ``(text, count)``: the text
with every secret it recognised replaced by ``[REDACTED:<kind>]``, and how many it replaced. It
works line by line and knows which file each line belongs to (from the ``---``/``+++`` headers),
so it can treat ``.env`` files specially. Header lines (``diff --git``, ``---``/``+++``, rename and
copy lines, the text after a hunk's ``@@`` range) are redacted too, since paths and the context
git copies into a hunk header can hold anything; only the path or text is rewritten, never the
markers around it, so the result still reads as the same diff. What it recognises, in order:

1. Private keys: PEM blocks (``-----BEGIN ... PRIVATE KEY-----`` up to the matching END, across
   lines, or inline with ``\\n`` escapes) and the ``private_key`` of GCP service-account JSON.
2. Known token shapes: AWS access key ids (``AKIA...``), Azure storage ``AccountKey=`` /
   ``SharedAccessKey=`` / SAS ``sig=``, GitHub (``ghp_``, ``gho_``, ``ghu_``, ``ghs_``,
   ``ghr_``, ``github_pat_``), Slack (``xox?-``, ``xapp-``, webhook URLs), OpenAI (``sk-...``),
   Stripe (``sk_live_``/``rk_live_``, test keys too, ``whsec_``), Hugging Face (``hf_...``), npm
   (``npm_...``), PyPI (``pypi-AgE...``), age (``AGE-SECRET-KEY-1...``), Google OAuth client
   secrets (``GOCSPX-``), Vault (``hvs.``, ``hvb.``, ``hvr.``), DigitalOcean (``dop_v1_``...),
   Grafana (``glsa_``, ``glc_``), Linear (``lin_api_``), Postman (``PMAK-``), Discord webhook
   URLs, JWTs, bearer tokens, a token alone as an HTTP URL's user
   (``https://<token>@github.com``; at a Git host a shorter one too, letters with a digit
   inside them, ``https://hunter2secret@github.com``), HTTP basic credentials and a registry's
   ``"auth"`` in Docker's ``config.json`` (base64 that decodes to ``user:password``), the
   credential of any ``Authorization`` header (``Authorization: token ...``,
   ``{"Authorization": "Bearer ..."}``, ``Header.Set("Authorization", "...")``), passwords in URLs
   (``https://user:password@host``, whatever the host; its slashes escaped as JSON writes
   them, ``https:\\/\\/...``, or the whole URL percent-encoded, ``https%3A%2F%2F...``) and in a
   ``user:password@host`` without a scheme: a protocol-relative URL
   (``//user:password@host``), a connection string in a string literal (``"app:pw@db/app"``,
   Go's ``"app:pw@tcp(db:3306)/app"``), a setting's whole bare value (``dsn: guest:guest@rabbit``,
   ``BROKER=guest:guest@rabbit:5672``), and elsewhere (a comment, prose) one whose password has
   letters and digits; not a URI scheme that names an address (``mailto:me@host``), a package
   specifier (``npm:pkg@1.0``), an image's digest or an icon's scale (``logo:dark@2x.png``).
3. Values given to a name that says secret (``password``, ``api_key``, ``DB_PASS``, ``smtpPass``;
   not a name that only points at one: ``API_TOKEN_FILE``, ``TOKEN_URL``, ``token_type``,
   ``token_ttl``, ``secretName``): assignments (``password = "..."``,
   ``SECRET_KEY=...``, ``api_key: ...``, ``"token": "..."``) and typed declarations
   (``db_password: str = "..."``, ``static API_TOKEN: &str = "..."``, ``var apiToken string =
   "..."``), where the value goes and the type stays. Quoted values are always redacted; bare
   values only when they do not look like a variable or type name (``password = user_password``
   and ``password: str`` are code, ``password: hunter2`` is not), except in ``NAME=value`` lines
   with an upper-case name and in configuration files (YAML, TOML, INI, properties, JSON,
   ``.npmrc``, ``.pypirc``, ``.netrc``, AWS's ``credentials`` and ``.aws/config``), where a
   bare value is a value and runs to the end of a ``name: value`` line (or ``name value`` in a
   Java ``.properties`` file), after any YAML tag or anchor (``password: !!str ...``);
   triple-quoted values (``password = '''...'''``) and the items of flow sequences
   (``tokens: [...]``).
   Also literal defaults of environment lookups (``os.getenv('DB_PASSWORD', '...')``,
   ``ENV.fetch ("PASSWORD", "...")``, ``process.env.TOKEN || '...'``, ``${DB_PASSWORD:-...}``;
   space may come before a call's parenthesis), of any lookup whose result goes
   under a secret's name (``token = os.environ.get("T", "...")``, ``password = os.getenv("P")
   or "..."``), literals in a constructor (``String::from("...")``, ``Some("...")``,
   ``SecretStr("...")``), C's ``#define API_KEY "..."`` and ``char password[] = "..."``, and
   of templates (``{{
   .Values.db.password | default "..." }}``), values put into the environment, setters
   (``SetPassword("...")``, ``set_token("...")``, ``.password("...")``, ``SetBasicAuth("user",
   "...")``), a request header named as a secret (``req.Header.Set("X-Api-Key", "...")``,
   ``setRequestHeader``, ``"X-Auth-Token: ..."`` in a string), command-line flags (``--token
   ...``, ``--requirepass ...``, ``mysql -p...``, ``curl -u user:...``, ``sshpass -p ...``,
   ``mongosh -p ...``, ``smbclient -U user%...``, ``htpasswd -b file user ...``,
   ``echo user:... | chpasswd``), Oracle's ``user/...`` (``sqlplus scott/...@db``,
   ``userid=``, ``CONNECT sys/...@db``, ``jdbc:oracle:thin:scott/...@``, cx_Oracle's connect
   string), a string literal given as the password by its position to a well-known client
   (``cx_Oracle.connect("scott", "...", dsn)``, ``MySQLdb.connect(host, user, "...")``,
   ``ftplib.FTP(host, user, "...")``, ``smtp.login(user, "...")``, ``simple_bind_s(dn,
   "...")``, ``auth=(user, "...")``, ``HTTPDigestAuth(user, "...")``,
   ``DriverManager.getConnection(url, user, "...")``, ``new PDO($dsn, user, "...")``,
   ``smtp.PlainAuth("", user, "...", host)``, ``redis.Redis(host, port, db, "...")``,
   ``Net::SMTP.start(...)``), the password of a
   keyword/value connection string in a string literal, whatever its characters (libpq's
   ``"host=db password=..."``, ADO.NET's and ODBC's ``"Server=db;Pwd=...;"``, ``PWD={...}``, a
   JDBC URL's ``;password=...`` or ``&password=...``), a ``.pgpass`` line echoed by a script,
   ``.npmrc`` settings (``:_authToken=...``), Yarn's ``npmAuthIdent``, subscripts
   (``settings["password"] = "..."``), a Dockerfile's ``ENV NAME value``, SQL's ``IDENTIFIED BY
   '...'`` (or ``"..."``) and ``PASSWORD '...'`` in a CREATE/ALTER USER or ROLE, PHP's
   ``define('DB_PASSWORD', '...')``, XML elements (``<password>...</password>``, in CDATA too,
   and ``<entry key="apiKey">...</entry>``), a value attribute beside a key or name attribute
   that names a secret (.NET's ``<add key="ApiKey" value="..."/>``, Spring's ``<property
   name="password" value="..."/>``) and ``.netrc``
   ``password ...`` entries (outside a netrc file only as a whole ``machine ... login ...
   password ...`` line), the value of a name/value entry named as a secret (a Kubernetes
   env entry, ``- name: DB_PASSWORD`` then ``value: ...``, the value first, or ``{name: ...,
   value: ...}``: see :mod:`release_tools.analysis.engines.model.secrets_entries`) and the
   value of a YAML complex key named as a secret (``? password`` then ``: ...``, or ``? |``
   and the key's text on the lines below).
   A string's prefix (``b"..."``, ``r#"..."#``) stays with its quotes; help text's name for a
   flag's value (``--token TOKEN``), a type (``api_key: Option<String>``, ``TokenKind::Ident``,
   ``type TokenKind = 'a' | 'b'``), a value made of format fields (``"{password}"``), a
   count of tokens (``max_tokens: 128000``, ``token_limit``), a tokenizer and what a
   CloudFormation function refers to (``!Ref DbPassword``, ``!Sub '${...}'``) stay.
   A value that runs over several lines (a YAML block scalar or a value on the lines under its
   key, a triple-quoted string, an XML element; the string literals of a value in parentheses
   or continued with a backslash, ``password = (`` or ``API_KEY = \\``) goes whole: see
   :mod:`release_tools.analysis.engines.model.secrets_blocks`; the patterns of this step and the
   last are in :mod:`release_tools.analysis.engines.model.secrets_forms`.
4. Every value of a ``.env`` file (``.env``, ``.env.local``, ``prod.env``...), and every
   password of a PostgreSQL password file (``.pgpass``: ``host:port:db:user:password``).
5. High-entropy strings: long hex (32+) or base64-like (20+, mixed case and digits) tokens whose
   Shannon entropy per character is above a threshold that grows with the length; not a
   commit's id where a revision is expected (``actions/checkout@<sha>``, ``git checkout
   <sha>``, ``rev = "<sha>"``) nor any 40- or 64-digit hex run of a lock or manifest file.

Redaction errs on the side of removing too much: a false positive costs the model a little
context, a false negative leaks a credential. A pattern is not run on a line that lacks all of
its hints (:mod:`release_tools.analysis.engines.model.secrets_hints`), which it cannot match;
the secrets' names of a line are found by one scan, and a pattern built on a name is tried only
at them, or where one is followed by what it needs after it
(:mod:`release_tools.analysis.engines.model.secrets_names`).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from release_tools.analysis.engines.model.entropy import CANDIDATE, looks_random, shannon_entropy
from release_tools.analysis.engines.model.secrets_blocks import Blocks
from release_tools.analysis.engines.model.secrets_entries import Entries
from release_tools.analysis.engines.model.secrets_forms import (
    ASSIGNMENT,
    COMMAND_FLAGS,
    CONFIG_LINE,
    COUNT_NAME,
    FLOW_AFTER,
    FLOW_SEQUENCE,
    GENERIC_TYPE,
    IDENTIFIER,
    INTRINSIC,
    LOCK_FILE,
    METAVAR,
    NAMED_VALUES,
    NETRC_ENTRY,
    NETRC_FIELD,
    NO_SECRET,
    PEM_BEGIN,
    PEM_END,
    PLACEHOLDERS,
    PROPERTIES_LINE,
    REVISION,
    REVISION_CONTEXT,
    TEMPLATE,
    TOKEN_CHECKS,
    TOKENS,
    TYPE_ALIAS,
    TYPE_REF,
    USERINFO,
    USERINFO_NEED,
    YAML_ALIAS,
)
from release_tools.analysis.engines.model.secrets_hints import (
    PREFIXED_KINDS,
    SECRET_HINTS,
    TOKEN_HINTS,
    gate,
    lowered,
    may_name_secret,
)
from release_tools.analysis.engines.model.secrets_names import (
    Span,
    find_names,
    followed_by,
    sub_at_names,
    sub_form,
)

__all__ = ["RedactionResult", "redact_secrets", "shannon_entropy"]

_MARK = "[REDACTED:{}]"
_MARKS = re.compile(r"\[REDACTED:([\w-]+)\]")


@dataclass(slots=True)
class RedactionResult:
    """The redacted text, the number of secrets removed, and how many of each kind."""

    text: str
    count: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


# --- .env files ----------------------------------------------------------------------------

_ENV_FILE = re.compile(r"(?:^|/)(?:\.env(?:\.[^/]*)?|[^/]+\.env)$")
_ENV_LINE = re.compile(r"^(?P<head>\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=\s*)(?P<value>.+)$")

# --- PostgreSQL password files ------------------------------------------------------------

# host:port:database:user:password, one entry a line; a field's ":" and "\" are escaped with
# "\"; the password is the rest of the line.
_PGPASS_FILE = re.compile(r"(?:^|/)(?:\.pgpass|pgpass\.conf)$")
_PGPASS_LINE = re.compile(r"^(?P<head>[-+ ]?(?:(?:[^:\\]|\\.)*+:){4})(?P<value>.+)$")

# --- configuration files ---------------------------------------------------------------------

# Files of settings rather than code: a bare word after a secret's name is its value there
# ("password: letmein" in YAML), not a variable. AWS's shared credentials and config files are
# INI files without an extension.
_CONFIG_FILE = re.compile(
    r"(?i)(?:\.(?:ya?ml|toml|ini|cfg|conf|properties|json)"
    r"|(?:^|/)[._]?(?:npmrc|pypirc|netrc)|(?:^|/)\.aws/config|(?:^|/)credentials)$"
)
_NETRC_FILE = re.compile(r"(?i)(?:^|/)[._]?netrc$")
_YAML_FILE = re.compile(r"(?i)\.ya?ml$")

# --- header lines ----------------------------------------------------------------------------

# The fixed part of a header line that names a path; the rest of the line is the path (a
# "diff --git" line holds two). "---"/"+++" keep their "a/"/"b/" so the path stays one.
_PATH_HEADER = re.compile(
    r"^(?P<lead>(?:---|\+\+\+) (?:[ab]/)?|diff --git |(?:rename|copy) (?:from|to) )(?P<rest>.*)$"
)
# git's other extended header lines: no path, but redacted like any text all the same.
_GIT_HEADER = re.compile(
    r"^(?:index |(?:dis)?similarity index |(?:old|new|deleted file|new file) mode |Binary files )"
)
# A hunk header: the ranges, then the context line git copies from the file (a .env line, say).
_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
_RENAMED = " (renamed)"

# --- prefilters ------------------------------------------------------------------------------


# Each pattern's hints as one pattern of their own, searched in the lowered line (a few
# literal scans cost less than a value pattern's scan from every position). Most lines hold no
# hint of any known shape, named place or command: each group's hints in one pattern skip the
# whole group for them. The forms that need no secret's name, in order, are all that can match
# a line that names none. The forms built on a name are further tried only at the line's names,
# or skipped when none is followed by what they need after it (see secrets_names).
#
# A scheme-less user:password@host has an "@" for its only literal, which many lines hold (a
# decorator, an address, a package's scope) with nothing else: it is looked for by what its
# matches need around the "@" (USERINFO_NEED), and left out of the gate that sends a line
# through every rule, so that such a line goes only through its forms and the entropy rule.
# The shapes of one kind share their hints: searched once for the kind's shapes, which
# TOKENS lists one after the other; so do the vendors' prefixed tokens (PREFIXED_KINDS), as one
# group.
def _group(kind: str) -> str:
    return "prefixed" if kind in PREFIXED_KINDS else kind


_TOKENS = tuple(
    (
        USERINFO_NEED
        if group == USERINFO
        else gate(TOKEN_HINTS[kind] for kind in dict.fromkeys(kind for kind, *_ in shapes)),
        tuple(shapes),
    )
    for group, shapes in (
        (group, list(shapes))
        for group, shapes in itertools.groupby(TOKENS, key=lambda shape: _group(shape[0]))
    )
)
_TOKEN_GATE = gate(TOKEN_HINTS[kind] for kind, *_ in TOKENS)
_USERINFO = tuple(group for group in _TOKENS if group[1][0][0] == USERINFO)
_NAMED = tuple((form, gate([form.hints])) for form in NAMED_VALUES)
_UNNAMED = tuple(entry for entry in _NAMED if not entry[0].named)
_UNNAMED_GATE = gate(form.hints for form in NAMED_VALUES if not form.named)


# The known shapes of one kind as _TOKENS holds them: the prefilter searched in the lowered
# line, and each shape's kind, pattern and groups kept before and after the secret.
_Shapes = tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str], int, int], ...]]


@dataclass(slots=True)
class _Line:
    """A line under redaction and its prefilters' forms of it, kept current: recomputed only
    when a rule replaced something in it, which few lines have.

    ``low`` is the line lowered (:func:`lowered`), ``named`` whether it may name a secret (worked
    out once, after the known shapes), ``names`` the spans of the secrets' names in it.
    """

    text: str
    low: str | None
    named: bool = False
    names: list[Span] = field(default_factory=list)

    def update(self, text: str, count: int) -> None:
        """Take ``text``, the line after a rule replaced ``count`` matches in it."""
        if count:
            self.text = text
            self.low = lowered(text)
            if self.named:
                self.names = find_names(text, self.low)

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> None:
        self.update(*pattern.subn(replace, self.text))


_FLAGS = tuple((command, flag, gate([hints])) for command, flag, hints in COMMAND_FLAGS)
_FLAG_GATE = gate(hints for *_, hints in COMMAND_FLAGS)
# Every hint of every rule of an ordinary line but the high-entropy one, and the netrc entry's
# keyword: most lines hold none of them, and one scan for all sends them straight to that rule.
_ANY_GATE = gate(
    [
        *(TOKEN_HINTS[kind] for kind, *_ in TOKENS if kind != USERINFO),
        SECRET_HINTS,
        *(form.hints for form in NAMED_VALUES if not form.named),
        *(hints for *_, hints in COMMAND_FLAGS),
        ("machine",),
    ]
)
# The shortest text the high-entropy rule can find (see CANDIDATE).
_SHORTEST_RANDOM = 20


class _Redactor:
    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        # What the current file's name says: a lock or manifest file, whose hex runs are
        # commits and checksums; a Java .properties file, whose names and values a space may
        # separate.
        self.lock_file = False
        self.properties = False
        # A PostgreSQL password file (.pgpass), each line's last field a password.
        self.pgpass = False

    def mark(self, kind: str) -> str:
        self.kinds[kind] += 1
        return _MARK.format(kind)

    def forget(self, text: str) -> None:
        """Uncount the marks in ``text``, which a later rule replaces whole."""
        for kind in _MARKS.findall(text):
            self.kinds[kind] -= 1
            if self.kinds[kind] <= 0:
                del self.kinds[kind]

    def tokens(self, line: str) -> str:
        current = _Line(line, lowered(line))
        self._tokens(current)
        return current.text

    def _tokens(self, line: _Line) -> None:
        if line.low is not None and _TOKEN_GATE.search(line.low) is None:
            return
        self._shapes(line, _TOKENS)

    def _shapes(self, line: _Line, groups: tuple[_Shapes, ...]) -> None:
        for hint, shapes in groups:
            if line.low is None or hint.search(line.low) is not None:
                for kind, pattern, keep_before, keep_after in shapes:
                    line.sub(pattern, self._replacer(kind, keep_before, keep_after))

    def userinfo(self, line: str, low: str | None) -> str:
        """``line`` (lowered to ``low``) with the passwords of scheme-less ``user:pw@host``
        redacted: for a line that holds no other rule's hint."""
        if "@" not in line:
            return line
        current = _Line(line, low)
        self._shapes(current, _USERINFO)
        return current.text

    def _replacer(
        self, kind: str, keep_before: int, keep_after: int
    ) -> Callable[[re.Match[str]], str]:
        check = TOKEN_CHECKS.get(kind)

        def replace(match: re.Match[str]) -> str:
            before = match.group(keep_before) if keep_before else ""
            after = match.group(keep_after) if keep_after else ""
            secret = match.group(0)[len(before) : len(match.group(0)) - len(after)]
            if secret.startswith("[REDACTED"):
                return match.group(0)  # already removed by an earlier, more specific rule
            if check is not None and not check(secret):
                return match.group(0)
            return before + self.mark(kind) + after

        return replace

    def assignments(self, line: _Line, *, config: bool = False) -> None:
        """The values assigned to the line's secrets' names redacted: every match of
        :data:`ASSIGNMENT` starts with one, so it is tried there only."""

        def replace(match: re.Match[str]) -> str:
            return self._assignment(match, config=config)

        line.update(*sub_at_names(ASSIGNMENT, replace, line.text, line.names))

    def _assignment(self, match: re.Match[str], *, config: bool) -> str:
        head, key = match.group("head"), match.group("key")
        sep: str | None = match.group("sep")  # None after a declared type: code, not settings
        if not config and TYPE_ALIAS.search(
            match.string, max(0, match.start() - 16), match.start()
        ):
            return match.group(0)  # a type's definition: type TokenKind = 'ident' | 'number'
        quote = match.group("quote")
        if quote is not None:
            value = match.group("qval")
            if not value or TEMPLATE.match(value) or NO_SECRET.fullmatch(value):
                return match.group(0)
            if _no_secret(key, value, match.group("props")):
                return match.group(0)
            prefix = match.group("sprefix") or ""
            return f"{head}{prefix}{quote}{self.mark('assignment')}{quote}"
        value = match.group("bare")
        if value.lower() in PLACEHOLDERS or TEMPLATE.match(value) or value.startswith("="):
            return match.group(0)
        if NO_SECRET.fullmatch(value) or _no_secret(key, value, match.group("props")):
            return match.group(0)
        if (
            not config
            and sep is not None
            and sep.strip() == ":"
            and (TYPE_REF.fullmatch(value) or GENERIC_TYPE.fullmatch(value))
        ):
            # A parameter's or field's type: password: &str, token: *T, api_key: Option<String>.
            return match.group(0)
        if config and YAML_ALIAS.fullmatch(value):
            return match.group(0)
        end = match.end()
        followed_by_call = match.string[end : end + 1] in ("(", "[")
        # NAME=value with an upper-case name is configuration (shell, Dockerfile, CI env), and
        # so is every line of a configuration file and a value after YAML's tag or anchor; a
        # declared type makes it code.
        config_style = sep is not None and (
            config or bool(match.group("props")) or (key.isupper() and sep == "=")
        )
        if not config_style and (IDENTIFIER.fullmatch(value) or followed_by_call):
            return match.group(0)
        if not config_style and "." in value and IDENTIFIER.fullmatch(value.replace(".", "_")):
            return match.group(0)  # attribute access: settings.password, os.environ
        return head + self.mark("assignment")

    def named_values(self, line: _Line, *, config: bool = False, netrc: bool = False) -> None:
        """``line`` with the values of defines, XML elements, command-line flags, flow
        sequences, netrc entries and the other named places redacted.

        When the line holds no secret's name (``line.named``), the patterns built on a name
        are skipped, since they cannot match; when it does, each is tried only at its names or
        where one is followed by what it needs after the name.
        """
        if line.named or line.low is None or _UNNAMED_GATE.search(line.low) is not None:
            for form, hint in _NAMED if line.named else _UNNAMED:
                if line.low is None or hint.search(line.low) is not None:
                    line.update(*sub_form(form, self._named_value, line.text, line.names))
        if line.low is None or _FLAG_GATE.search(line.low) is not None:
            for command, flag, hint in _FLAGS:
                if (line.low is None or hint.search(line.low) is not None) and (
                    command is None or command.search(line.text) is not None
                ):
                    line.sub(flag, self._flag_value)
        if (
            line.named
            and (line.low is None or "[" in line.low)
            and followed_by(line.text, line.names, FLOW_AFTER)
        ):
            line.sub(FLOW_SEQUENCE, lambda match: self._flow_sequence(match, config=config))
        # Both netrc patterns hold their lower-case keyword literally.
        if netrc and (line.low is None or "password" in line.low):
            line.sub(NETRC_FIELD, self._named_value)
        elif not netrc and (line.low is None or "machine" in line.low):
            line.sub(NETRC_ENTRY, self._named_value)

    def _flow_sequence(self, match: re.Match[str], *, config: bool) -> str:
        """A flow sequence's quoted items redacted, and in a configuration file its bare ones."""
        if match.group("key").lower() == "secrets":
            return match.group(0)  # a CI job's or Compose service's list of secrets' names
        items = []
        for item in match.group("items").split(","):
            core = item.strip()
            quoted = len(core) >= 2 and core[0] in "\"'" and core[-1] == core[0]
            value = core[1:-1] if quoted else core
            if (
                not value
                or not (quoted or config)
                or value.lower() in PLACEHOLDERS
                or TEMPLATE.match(value)
                or NO_SECRET.fullmatch(value)
            ):
                items.append(item)
                continue
            lead = item[: len(item) - len(item.lstrip())]
            trail = item[len(item.rstrip()) :]
            mark = self.mark("assignment")
            items.append(lead + (core[0] + mark + core[0] if quoted else mark) + trail)
        return match.group("head") + ",".join(items) + match.group("tail")

    def config_line(self, line: str) -> str:
        """A configuration file's ``line`` with a secret's whole value redacted."""
        line = CONFIG_LINE.sub(self._config_value, line)
        if self.properties:
            line = PROPERTIES_LINE.sub(self._named_value, line)
        return line

    def _config_value(self, match: re.Match[str]) -> str:
        if _no_secret(match.group("head"), match.group("value"), match.group("head")):
            return match.group(0)
        return self._named_value(match)

    def _named_value(self, match: re.Match[str]) -> str:
        value = match.group("value").strip()
        # Trailing punctuation is the sentence's: "--token ...," in prose holds no value.
        core = value.rstrip(",.;:")
        if not core or core.lower() in PLACEHOLDERS or TEMPLATE.match(value):
            return match.group(0)
        return match.group("head") + self.mark("assignment") + match.group("tail")

    def _flag_value(self, match: re.Match[str]) -> str:
        """A command-line flag's value redacted, unless it is help text's name for it."""
        if METAVAR.fullmatch(match.group("value").rstrip(",.;:")):
            return match.group(0)  # --token TOKEN, --api-key API_KEY
        return self._named_value(match)

    def entropy(self, line: str) -> str:
        if len(line) < _SHORTEST_RANDOM:
            return line

        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            if not looks_random(token) or self._revision(match):
                return token
            return self.mark("high-entropy")

        return CANDIDATE.sub(replace, line)

    def _revision(self, match: re.Match[str]) -> bool:
        """Whether the hex run ``match`` found is a commit's id (or a lock file's checksum)."""
        if REVISION.fullmatch(match.group(0)) is None:
            return False
        start = match.start()
        context = REVISION_CONTEXT.search(match.string, max(0, start - 240), start)
        return self.lock_file or context is not None

    def text(self, line: str, *, config: bool = False, netrc: bool = False) -> str:
        """``line`` through the rules for ordinary lines (known shapes, assignments, entropy).

        ``config`` says the line is from a configuration file, ``netrc`` from a netrc file.
        """
        low = lowered(line)
        return self.lowered_text(line, low, hinted=_hinted(low), config=config, netrc=netrc)

    def lowered_text(
        self,
        line: str,
        low: str | None,
        *,
        hinted: bool,
        config: bool = False,
        netrc: bool = False,
    ) -> str:
        """:meth:`text` of ``line`` lowered to ``low`` (:func:`lowered`) already, and found to
        hold a hint of some rule (``hinted``, see :func:`_hinted`) or none."""
        if not hinted:
            return self.entropy(self.userinfo(line, low))  # no other rule can match
        current = _Line(line, low)
        self._tokens(current)
        # The rules after the known shapes put in only "[REDACTED:assignment]" and
        # "[REDACTED:high-entropy]", which hold no secret word and, in brackets, make none with
        # the text around them: a line that names no secret now names none after any of them,
        # so the patterns built on a name (most of the cost) are skipped for it. The names of
        # one that does are found once, for all of them.
        current.named = may_name_secret(current.low)
        if current.named:
            current.names = find_names(current.text, current.low)
        self.named_values(current, config=config, netrc=netrc)
        if current.named:
            if config:
                text = self.config_line(current.text)
                current.update(text, int(text != current.text))
            self.assignments(current, config=config)
        return self.entropy(current.text)

    def header(self, line: str) -> str:
        """A file header line with the paths in it redacted and its markers kept."""
        match = _PATH_HEADER.match(line)
        if match is None:
            return self.text(line)
        lead, rest = match.group("lead"), match.group("rest")
        if lead == "diff --git ":
            return lead + " ".join(self._path(part) for part in _git_paths(rest))
        path, tab, stamp = rest.partition("\t")
        renamed = path.endswith(_RENAMED)
        path = path.removesuffix(_RENAMED) if renamed else path
        return lead + self._path(path) + (_RENAMED if renamed else "") + tab + stamp

    def _path(self, path: str) -> str:
        prefix = path[:2] if path[:2] in ("a/", "b/") else ""
        return prefix + self.text(path[len(prefix) :])

    def hunk_header(self, line: str, ranges_end: int, env_file: bool) -> str:
        """A hunk header with the context line after its ranges redacted as file content."""
        ranges, context = line[:ranges_end], line[ranges_end:]
        if not context:
            return line
        if env_file:
            return ranges + self.env_value(context)
        if self.pgpass:
            return ranges + self.pgpass_value(context)
        return ranges + self.text(context)

    def pgpass_value(self, line: str) -> str:
        """A line of a PostgreSQL password file with its password (the fifth field) redacted."""
        match = _PGPASS_LINE.match(line)
        if match is None or line[1:].lstrip().startswith("#"):
            return self.text(line)
        return match.group("head") + self.mark("pgpass-password")

    def env_value(self, line: str) -> str:
        prefix, content = (line[:1], line[1:]) if line[:1] in "+- " else ("", line)
        match = _ENV_LINE.match(content)
        if match is None or content.lstrip().startswith("#"):
            return self.entropy(self.tokens(line))
        value = match.group("value").strip()
        if not value or value in ('""', "''") or value.startswith("[REDACTED"):
            return line
        return prefix + match.group("head") + self.mark("env-value")


def _no_secret(name: str, value: str, props: str | None) -> bool:
    """Whether ``value`` under ``name`` is no secret: a count of tokens (max_tokens: 128000),
    or what a CloudFormation function (``props``, the tags before it) refers to."""
    if props and INTRINSIC.search(props):
        return True
    return value.isdigit() and COUNT_NAME.search(name.strip(" \t:=\"'+-")) is not None


def _git_paths(rest: str) -> list[str]:
    """The ``a/...`` and ``b/...`` paths of a ``diff --git`` line (``rest`` after the command).

    A path may itself contain " b/"; the split that gives two paths of equal length (the same
    file) is preferred, then the first one.
    """
    cuts = [i for i in range(len(rest)) if rest.startswith(" b/", i)]
    if not cuts:
        return [rest]
    cut = next((i for i in cuts if i == len(rest) - i - 1), cuts[0])
    return [rest[:cut], rest[cut + 1 :]]


def _diff_path(header: str) -> str | None:
    path = header[4:].split("\t", 1)[0].removesuffix(" (renamed)").strip()
    if path == "/dev/null":
        return None
    return path[2:] if path[:2] in ("a/", "b/") else path


def _hinted(low: str | None) -> bool:
    """Whether the line lowered to ``low`` holds a hint of any rule but the high-entropy one."""
    return low is None or _ANY_GATE.search(low) is not None


def redact_secrets(text: str) -> tuple[str, int]:
    """``text`` with secrets replaced by ``[REDACTED:<kind>]``, and how many were replaced."""
    result = redact_details(text)
    return result.text, result.count


def redact_details(text: str) -> RedactionResult:
    """Like :func:`redact_secrets`, with a count per kind of secret."""
    redactor = _Redactor()
    blocks = Blocks(lambda: redactor.mark("assignment"), redactor.text)
    entries = Entries(lambda: redactor.mark("assignment"), redactor.forget)
    out: list[str] = []
    path: str | None = None
    old_path: str | None = None
    previous = ""
    in_pem = False
    # What the current file's name says about its lines, worked out once per file.
    kind_of: str | None = None
    env_file = yaml = config = netrc = False
    for line in text.split("\n"):
        # A "+++" line is a file header only right after a "---" line; elsewhere it is an added
        # line that starts with "++".
        file_header = False
        if line.startswith("--- ") and not in_pem:
            old_path = _diff_path(line)
            file_header = True
        elif line.startswith("+++ ") and previous.startswith("--- "):
            path = _diff_path(line) or old_path
            file_header = True
        previous = line
        # A removed "-- " or added "++ " line may also open a key block: the PEM rules see it.
        if file_header and PEM_BEGIN.search(line) is None:
            blocks.reset()
            entries.reset()
            out.append(redactor.header(line))
            continue
        if in_pem and (_HUNK_HEADER.match(line) or line.startswith("diff --git ")):
            # A key cut off by the end of its hunk: the next hunk or file is no part of it.
            in_pem = False
        if in_pem:
            end = PEM_END.search(line)
            if end is not None:
                in_pem = False
                out.append(line[:1] + end.group(0) + line[end.end() :])
            else:
                out.append(line[:1] + "[...]" if line[:1] in "+- " else "[...]")
            continue
        held = blocks.inside(line)
        if held is not None:
            out.append(held)  # a line of a multi-line value, a key block in it too
            continue
        begin = PEM_BEGIN.search(line)
        if begin is not None and not PEM_END.search(line, begin.end()):
            # A multi-line key: everything up to END is the secret (the END may be in a later
            # chunk, or missing: then the rest of this hunk is dropped).
            in_pem = True
            out.append(line[: begin.start()] + redactor.mark("private-key"))
            continue
        if path != kind_of:
            kind_of = path
            env_file = path is not None and _ENV_FILE.search(path) is not None
            yaml = path is not None and bool(_YAML_FILE.search(path))
            config = path is not None and bool(_CONFIG_FILE.search(path))
            netrc = path is not None and _NETRC_FILE.search(path) is not None
            redactor.lock_file = path is not None and LOCK_FILE.search(path) is not None
            redactor.properties = path is not None and path.endswith(".properties")
            redactor.pgpass = path is not None and _PGPASS_FILE.search(path) is not None
        hunk = _HUNK_HEADER.match(line)
        if hunk is not None:
            blocks.reset()  # the next lines are elsewhere in the file
            entries.reset()
            blocks.resume(line[hunk.end() :], yaml=yaml)  # unless in the value it names
            out.append(redactor.hunk_header(line, hunk.end(), env_file))
        elif _PATH_HEADER.match(line) or _GIT_HEADER.match(line):
            blocks.reset()
            entries.reset()
            out.append(redactor.header(line))
        elif env_file:
            out.append(redactor.env_value(line))
        elif redactor.pgpass:
            out.append(redactor.pgpass_value(line))
        elif config:
            low = lowered(line)
            hinted = _hinted(low)
            named = hinted and may_name_secret(low)
            if (given := entries.entry(line)) is None:
                given = blocks.opening(line, yaml=yaml, config=True, named=named)
            if given is None:
                given = redactor.lowered_text(line, low, hinted=hinted, config=True, netrc=netrc)
            out.append(given)
            # A name/value entry's name after its value: the value's lines are rewritten.
            for index, rewritten in entries.follow(line, len(out) - 1, given):
                out[index] = rewritten
        else:
            # The line is lowered and looked at for hints once, for the prefilters of both the
            # multi-line values and the line rules (a line with no hint names no secret).
            low = lowered(line)
            hinted = _hinted(low)
            named = hinted and may_name_secret(low)
            opened = blocks.opening(line, yaml=yaml, config=False, named=named)
            out.append(
                redactor.lowered_text(line, low, hinted=hinted) if opened is None else opened
            )
    kinds = redactor.kinds
    return RedactionResult("\n".join(out), sum(kinds.values()), kinds)
