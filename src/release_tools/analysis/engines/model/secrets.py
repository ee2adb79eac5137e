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
   ``ghr_``, ``github_pat_``), Slack (``xox?-``, webhook URLs), OpenAI (``sk-...``), Stripe
   (``sk_live_``/``rk_live_``, test keys too), Hugging Face (``hf_...``), JWTs, bearer tokens,
   HTTP basic credentials,
   passwords in URLs.
3. Values given to a name that says secret: assignments (``password = "..."``,
   ``SECRET_KEY=...``, ``api_key: ...``, ``"token": "..."``) and typed declarations
   (``db_password: str = "..."``, ``static API_TOKEN: &str = "..."``, ``var apiToken string =
   "..."``), where the value goes and the type stays. Quoted values are always redacted; bare
   values only when they do not look like a variable or type name (``password = user_password``
   and ``password: str`` are code, ``password: hunter2`` is not), except in ``NAME=value`` lines
   with an upper-case name and in configuration files (YAML, TOML, INI, properties, JSON,
   ``.npmrc``, ``.pypirc``, ``.netrc``), where a bare value is a value and runs to the end of a
   ``name: value`` line. Also literal defaults of environment lookups (``os.getenv('DB_PASSWORD',
   '...')``, ``process.env.TOKEN || '...'``, ``${DB_PASSWORD:-...}``), subscripts
   (``settings["password"] = "..."``), a Dockerfile's ``ENV NAME value``, SQL's ``IDENTIFIED BY
   '...'`` and ``WITH PASSWORD '...'``, PHP's ``define('DB_PASSWORD', '...')``, XML elements
   (``<password>...</password>``), .NET's ``<add key="ApiKey" value="..."/>`` and ``.netrc``
   ``password ...`` entries (outside a netrc file only as a whole ``machine ... login ...
   password ...`` line).
4. Every value of a ``.env`` file (``.env``, ``.env.local``, ``prod.env``...).
5. High-entropy strings: long hex (32+) or base64-like (20+, mixed case and digits) tokens whose
   Shannon entropy per character is above a threshold that grows with the length.

Redaction errs on the side of removing too much: a false positive costs the model a little
context, a false negative leaks a credential.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from release_tools.analysis.engines.model.entropy import CANDIDATE, looks_random, shannon_entropy

__all__ = ["RedactionResult", "redact_secrets", "shannon_entropy"]

_MARK = "[REDACTED:{}]"


@dataclass(slots=True)
class RedactionResult:
    """The redacted text, the number of secrets removed, and how many of each kind."""

    text: str
    count: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


# --- 1 and 2: known shapes --------------------------------------------------------------------

# (kind, pattern, group to keep before the secret, group to keep after it); groups 0 = none.
_TOKENS: tuple[tuple[str, re.Pattern[str], int, int], ...] = (
    ("gcp-private-key", re.compile(r'("private_key"\s*:\s*")((?:[^"\\]|\\.)+)(")'), 1, 3),
    (
        "private-key",
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?"
            r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
        ),
        0,
        0,
    ),
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"), 0, 0),
    (
        "azure-key",
        re.compile(
            r"(?i)(\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=)"
            r"([A-Za-z0-9+/%=]{16,})"
        ),
        1,
        0,
    ),
    (
        "github-token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})"),
        0,
        0,
    ),
    (
        "gitlab-token",
        re.compile(r"\bgl(?:pat|dt|ptt|rt|cbt|soat|ft|imt|oas|agent)-[A-Za-z0-9_-]{20,}"),
        0,
        0,
    ),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"), 0, 0),
    ("slack-token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}"), 0, 0),
    (
        "slack-webhook",
        re.compile(r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]{20,}"),
        0,
        0,
    ),
    # Hugging Face access tokens: "hf_" and 34 or more letters and digits, no underscore (which
    # names such as hf_hub_download have).
    (
        "huggingface-token",
        re.compile(r"\bhf_[A-Za-z0-9]{34,}(?![A-Za-z0-9_])"),
        0,
        0,
    ),
    ("stripe-key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"), 0, 0),
    ("openai-key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"), 0, 0),
    (
        "jwt",
        re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"),
        0,
        0,
    ),
    ("bearer-token", re.compile(r"(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]{16,})"), 1, 0),
    # HTTP basic credentials: base64 of "user:password", whatever its length.
    (
        "basic-auth",
        re.compile(r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?basic\s+)([A-Za-z0-9+/]{4,}={0,2})"),
        1,
        0,
    ),
    (
        "url-password",
        re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)([^/\s@]+)(@)"),
        1,
        3,
    ),
)

_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")

# --- 3: assignments ---------------------------------------------------------------------------

# A whole run of name characters that holds a secret word. The run is taken whole and never
# given back (a possessive quantifier): backtracking into it made a long name that is not
# followed by a value cost time cubic in its length.
_SECRET_RUN = (
    r"(?=[A-Za-z0-9_.-]*?"
    r"(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|auth[_-]?key|credentials?|conn(?:ection)?[_-]?string"
    # DB_PASS, SMTP_PW, RAILS_MASTER_KEY, .npmrc's _auth: whole words of the name only.
    r"|(?<![a-z])(?:pass|pw)(?![a-z])|(?:encryption|signing|master|jwt)[_-]?key"
    r"|(?<![a-z0-9])_auth(?![a-z0-9_])))"
    r"[A-Za-z0-9_.-]++"
)
_SECRET_NAME = r"(?<![A-Za-z0-9_.-])" + _SECRET_RUN
# A quoted value, linear to match (a backslash only ever starts an escape).
_QUOTED = r"(?P<quote>[\"'`]))(?P<value>(?:\\.|(?!(?P=quote))[^\\])++)(?P<tail>(?P=quote))"
# A declared type between the name and "=": ": str", ": &'static str", ": Option<String>",
# ": str | None" (Python, Rust, TypeScript, Kotlin, Swift), or Go's "name string =". Generic
# arguments may nest once; no quote or "=" may occur inside, so the value is never taken for it.
_TYPE = (
    r"[&*]*(?:'[A-Za-z_]\w*\s+)?(?:mut\s+)?[A-Za-z_][\w.]*(?:::[A-Za-z_]\w*)*"
    r"(?:<[^<>=\"`;]*(?:<[^<>=\"`;]*>[^<>=\"`;]*)*>"
    r"|\[[^\[\]=\"`;]*(?:\[[^\[\]=\"`;]*\][^\[\]=\"`;]*)*\])?\??"
)
_GO_TYPE = r"(?:\[\]|\*)*[A-Za-z_][\w.]*(?:\[[\w.*]+\][\w.*]+)?"
_ASSIGNMENT = re.compile(
    r"(?i)(?P<head>(?P<key>" + _SECRET_NAME + r")"
    # A declaration names its variable unquoted; a quoted name is a key ("token": ...).
    # After a type: "=" then a quoted value, or " = " with spaces ("token: a=b" stays a YAML
    # value). Go's form always has the spaces (gofmt), which an XML attribute (a="1") lacks.
    r"(?:\s*:\s*" + _TYPE + r"(?:\s*\|\s*" + _TYPE + r")*"
    r"(?:\s*=(?![=>~])\s*(?=[\"'`])|\s+=(?![=>~])\s+)"
    r"|\s+" + _GO_TYPE + r"\s+=(?![=>~])\s+"
    r"|[\"']?(?P<sep>\s*(?::=|=>|=|:)\s*)))"
    # A backslash only ever starts an escape: the two branches never overlap, and the run is
    # never given back, so an unclosed quote full of backslashes costs linear time.
    r"(?:(?P<quote>[\"'`])(?P<qval>(?:\\.|(?!(?P=quote))[^\\])*+)(?P=quote)"
    r"|(?P<bare>[^\s\"'`,;()\[\]{}]+))"
)
# Other places a secret's name sits beside its value: PHP's define('DB_PASSWORD', '...'), an
# XML element (<password>...</password>, the content on the same line) and .NET's
# <add key="ApiKey" value="..."/>. The kept head and tail go in groups "head" and "tail".
_NAMED_VALUES: tuple[re.Pattern[str], ...] = (
    # A literal default of an environment lookup: os.getenv('DB_PASSWORD', '...'),
    # os.environ.get(...), process.env.TOKEN || '...', ${DB_PASSWORD:-...}; and a value put
    # under a secret's name by subscript: settings["password"] = "...".
    re.compile(
        r"(?i)(?P<head>\b(?:getenv|environ\.get|env\.get)\s*\(\s*(?P<nq>[\"'])"
        + _SECRET_NAME
        + r"(?P=nq)\s*,\s*"
        + _QUOTED
    ),
    re.compile(r"(?i)(?P<head>\bprocess\.env\." + _SECRET_RUN + r"\s*(?:\|\||\?\?)\s*" + _QUOTED),
    re.compile(r"(?i)(?P<head>\$\{" + _SECRET_RUN + r":?-)(?P<value>[^}\s]+)(?P<tail>\})"),
    re.compile(
        r"(?i)(?P<head>\[\s*(?P<nq>[\"'])" + _SECRET_NAME + r"(?P=nq)\s*\]\s*=\s*" + _QUOTED
    ),
    # SQL: CREATE USER ... IDENTIFIED BY '...', WITH [ENCRYPTED] PASSWORD '...'; a Dockerfile's
    # ENV NAME value (the older form without "=").
    re.compile(
        r"(?i)(?P<head>\b(?:identified\s+by|with\s+(?:encrypted\s+)?password)\s+(?P<quote>'))"
        r"(?P<value>[^']+)(?P<tail>')"
    ),
    re.compile(
        r"(?P<head>^[-+ ]?\s*ENV\s+(?i:"
        + _SECRET_NAME
        + r")\s+)(?P<value>[^\s=][^=]*?)(?P<tail>\s*)$"
    ),
    re.compile(
        r"(?i)(?P<head>\bdefine\s*\(\s*(?P<nq>[\"'])" + _SECRET_NAME + r"(?P=nq)\s*,\s*"
        r"(?P<quote>[\"']))(?P<value>(?:\\.|(?!(?P=quote))[^\\])++)(?P<tail>(?P=quote))"
    ),
    re.compile(
        r"(?i)(?P<head><(?P<tag>(?:[A-Za-z_][\w.-]*:)?" + _SECRET_NAME + r")(?:\s[^<>]*)?>)"
        r"(?P<value>[^<>]+)(?P<tail></(?P=tag)\s*>)"
    ),
    re.compile(
        r"(?i)(?P<head>\bkey\s*=\s*(?P<kq>[\"'])" + _SECRET_NAME + r"(?P=kq)\s+value\s*=\s*"
        r"(?P<quote>[\"']))(?P<value>(?:(?!(?P=quote)).)+)(?P<tail>(?P=quote))"
    ),
)
# A .netrc entry: "password VALUE" among whitespace-separated tokens. Outside a netrc file only
# the whole entry on one line ("machine HOST login USER password VALUE") is trusted, since
# "password" followed by a word is ordinary prose too.
_NETRC_FIELD = re.compile(r"(?P<head>(?<![\w.-])password\s+)(?P<value>[^\s\"'`]+)(?P<tail>)")
_NETRC_ENTRY = re.compile(
    r"(?P<head>\bmachine\s+\S+\s+login\s+\S+\s+password\s+)(?P<value>[^\s\"'`]+)(?P<tail>)"
)
# Values that stand for no secret; "~" is YAML's null, and read/write/inherit are what GitHub
# workflows give "id-token:" and "secrets:".
_PLACEHOLDERS = frozenset(
    {"none", "null", "nil", "true", "false", "undefined", "optional", "required", "str", "string"}
    | {"~", "read", "write", "inherit"}
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_]*(?:\[[^\]]*\])?")
_TYPE_REF = re.compile(r"[&*]+(?:mut)?(?:[A-Za-z_][\w:<>]*)?")
_TEMPLATE = re.compile(r"^(?:\$|\{\{|%\(|<[a-z_-]+>$|\[REDACTED)")
# A small number (max_tokens = 4096, token_ttl: 3600) or a version requirement ("^9.0.0",
# ">=0.15": a package named jsonwebtoken or tiktoken in a manifest) is no credential.
_NO_SECRET = re.compile(r"\d{1,5}|[\^~<>=!]*\s*v?\d+(?:\.\d+)+(?:[-+.][\w.]+)?|[\^~<>=!]+\s*\d+")

# --- 4: .env files ----------------------------------------------------------------------------

_ENV_FILE = re.compile(r"(?:^|/)(?:\.env(?:\.[^/]*)?|[^/]+\.env)$")
_ENV_LINE = re.compile(r"^(?P<head>\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=\s*)(?P<value>.+)$")

# --- configuration files ---------------------------------------------------------------------

# Files of settings rather than code: a bare word after a secret's name is its value there
# ("password: letmein" in YAML), not a variable.
_CONFIG_FILE = re.compile(
    r"(?i)(?:\.(?:ya?ml|toml|ini|cfg|conf|properties|json)"
    r"|(?:^|/)[._]?(?:npmrc|pypirc|netrc))$"
)
# A whole "name: value" / "name = value" line of such a file: the value runs to the end of the
# line ("password: correct horse" is one value), unless it is quoted, a YAML block or flow
# value, anchor, alias or tag, which the other rules or none apply to.
_CONFIG_LINE = re.compile(
    r"(?i)^(?P<head>[ +-]?\s*(?:-\s+)?(?P<nq>[\"']?)" + _SECRET_NAME + r"(?P=nq)\s*[:=]\s*)"
    r"(?P<value>[^\s\"'`\[{|>&*!](?:.*[^\s,])?)(?P<tail>\s*,?\s*)$"
)
_NETRC_FILE = re.compile(r"(?i)(?:^|/)[._]?netrc$")

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


class _Redactor:
    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()

    def mark(self, kind: str) -> str:
        self.kinds[kind] += 1
        return _MARK.format(kind)

    def tokens(self, line: str) -> str:
        for kind, pattern, keep_before, keep_after in _TOKENS:
            if kind == "private-key" and "PRIVATE KEY" not in line:
                continue
            line = pattern.sub(self._replacer(kind, keep_before, keep_after), line)
        return line

    def _replacer(
        self, kind: str, keep_before: int, keep_after: int
    ) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            before = match.group(keep_before) if keep_before else ""
            after = match.group(keep_after) if keep_after else ""
            secret = match.group(0)[len(before) : len(match.group(0)) - len(after)]
            if secret.startswith("[REDACTED"):
                return match.group(0)  # already removed by an earlier, more specific rule
            return before + self.mark(kind) + after

        return replace

    def assignments(self, line: str, *, config: bool = False) -> str:
        def replace(match: re.Match[str]) -> str:
            return self._assignment(match, config=config)

        return _ASSIGNMENT.sub(replace, line)

    def _assignment(self, match: re.Match[str], *, config: bool) -> str:
        head, key = match.group("head"), match.group("key")
        sep: str | None = match.group("sep")  # None after a declared type: code, not settings
        quote = match.group("quote")
        if quote is not None:
            value = match.group("qval")
            if not value or _TEMPLATE.match(value) or _NO_SECRET.fullmatch(value):
                return match.group(0)
            return f"{head}{quote}{self.mark('assignment')}{quote}"
        value = match.group("bare")
        if value.lower() in _PLACEHOLDERS or _TEMPLATE.match(value) or value.startswith("="):
            return match.group(0)
        if _NO_SECRET.fullmatch(value):
            return match.group(0)
        if not config and sep is not None and sep.strip() == ":" and _TYPE_REF.fullmatch(value):
            return match.group(0)  # a parameter's reference type: password: &str, token: *T
        end = match.end()
        followed_by_call = match.string[end : end + 1] in ("(", "[")
        # NAME=value with an upper-case name is configuration (shell, Dockerfile, CI env), and
        # so is every line of a configuration file; a declared type makes it code.
        config_style = sep is not None and (config or (key.isupper() and sep == "="))
        if not config_style and (_IDENTIFIER.fullmatch(value) or followed_by_call):
            return match.group(0)
        if not config_style and "." in value and _IDENTIFIER.fullmatch(value.replace(".", "_")):
            return match.group(0)  # attribute access: settings.password, os.environ
        return head + self.mark("assignment")

    def named_values(self, line: str, *, netrc: bool = False) -> str:
        """``line`` with the values of defines, XML elements and netrc entries redacted."""
        for pattern in _NAMED_VALUES:
            line = pattern.sub(self._named_value, line)
        return (_NETRC_FIELD if netrc else _NETRC_ENTRY).sub(self._named_value, line)

    def config_line(self, line: str) -> str:
        """A configuration file's ``line`` with a secret's whole value redacted."""
        return _CONFIG_LINE.sub(self._named_value, line)

    def _named_value(self, match: re.Match[str]) -> str:
        value = match.group("value").strip()
        if not value or value.lower() in _PLACEHOLDERS or _TEMPLATE.match(value):
            return match.group(0)
        return match.group("head") + self.mark("assignment") + match.group("tail")

    def entropy(self, line: str) -> str:
        def replace(match: re.Match[str]) -> str:
            token = match.group(0)
            return self.mark("high-entropy") if looks_random(token) else token

        return CANDIDATE.sub(replace, line)

    def text(self, line: str, *, config: bool = False, netrc: bool = False) -> str:
        """``line`` through the rules for ordinary lines (known shapes, assignments, entropy).

        ``config`` says the line is from a configuration file, ``netrc`` from a netrc file.
        """
        line = self.named_values(self.tokens(line), netrc=netrc)
        if config:
            line = self.config_line(line)
        return self.entropy(self.assignments(line, config=config))

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
        return ranges + self.text(context)

    def env_value(self, line: str) -> str:
        prefix, content = (line[:1], line[1:]) if line[:1] in "+- " else ("", line)
        match = _ENV_LINE.match(content)
        if match is None or content.lstrip().startswith("#"):
            return self.entropy(self.tokens(line))
        value = match.group("value").strip()
        if not value or value in ('""', "''") or value.startswith("[REDACTED"):
            return line
        return prefix + match.group("head") + self.mark("env-value")


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


def redact_secrets(text: str) -> tuple[str, int]:
    """``text`` with secrets replaced by ``[REDACTED:<kind>]``, and how many were replaced."""
    result = redact_details(text)
    return result.text, result.count


def redact_details(text: str) -> RedactionResult:
    """Like :func:`redact_secrets`, with a count per kind of secret."""
    redactor = _Redactor()
    out: list[str] = []
    path: str | None = None
    old_path: str | None = None
    previous = ""
    in_pem = False
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
        if file_header and _PEM_BEGIN.search(line) is None:
            out.append(redactor.header(line))
            continue
        if in_pem:
            end = _PEM_END.search(line)
            if end is not None:
                in_pem = False
                out.append(line[:1] + end.group(0) + line[end.end() :])
            else:
                out.append(line[:1] + "[...]" if line[:1] in "+- " else "[...]")
            continue
        begin = _PEM_BEGIN.search(line)
        if begin is not None and not _PEM_END.search(line, begin.end()):
            # A multi-line key: everything up to END is the secret (the END may be in a later
            # chunk, or missing: then the rest of this chunk is dropped).
            in_pem = True
            out.append(line[: begin.start()] + redactor.mark("private-key"))
            continue
        env_file = path is not None and _ENV_FILE.search(path) is not None
        hunk = _HUNK_HEADER.match(line)
        if hunk is not None:
            out.append(redactor.hunk_header(line, hunk.end(), env_file))
        elif _PATH_HEADER.match(line) or _GIT_HEADER.match(line):
            out.append(redactor.header(line))
        elif env_file:
            out.append(redactor.env_value(line))
        elif path is not None and _CONFIG_FILE.search(path):
            out.append(redactor.text(line, config=True, netrc=_NETRC_FILE.search(path) is not None))
        else:
            out.append(redactor.text(line))
    kinds = redactor.kinds
    return RedactionResult("\n".join(out), sum(kinds.values()), kinds)
