"""The shapes of secrets in text: known token formats and the places a secret's name sits beside
its value; pure patterns, applied by :mod:`release_tools.analysis.engines.model.secrets`.

Every pattern here matches in time linear in the line: runs of name characters are taken whole
and never given back (possessive quantifiers), a backslash only ever starts an escape inside a
quoted value, and a pattern that can start anywhere in a run of name characters is anchored to
the start of the run by a look-behind, so a hostile line cannot make the matcher backtrack.

A value pattern names the text it keeps before the secret ``head`` and after it ``tail``, and
the secret ``value``.

The command-line flags and the other named places carry their prefilters here, the hints:
text that every line a pattern matches holds (see
:mod:`release_tools.analysis.engines.model.secrets_hints`, which has the known shapes' and the
secret words' own).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from release_tools.analysis.engines.model.secrets_hints import Form

__all__ = [
    "ASSIGNMENT",
    "COMMAND_FLAGS",
    "CONFIG_LINE",
    "COUNT_NAME",
    "FLOW_AFTER",
    "FLOW_SEQUENCE",
    "GENERIC_TYPE",
    "IDENTIFIER",
    "INTRINSIC",
    "LOCK_FILE",
    "METAVAR",
    "NAMED_VALUES",
    "NETRC_ENTRY",
    "NETRC_FIELD",
    "NO_SECRET",
    "PEM_BEGIN",
    "PEM_END",
    "PLACEHOLDERS",
    "PROPERTIES_LINE",
    "REVISION",
    "REVISION_CONTEXT",
    "SECRET_NAME",
    "TEMPLATE",
    "TOKENS",
    "TOKEN_CHECKS",
    "TYPE_ALIAS",
    "TYPE_REF",
    "USERINFO",
    "USERINFO_NEED",
    "YAML_ALIAS",
    "decodes_to_credentials",
]

# --- known shapes ------------------------------------------------------------------------------

# A Git host, after a URL's "@": a public forge (and its subdomains) or a host named for one
# (git.example.com, gitlab.example.com).
_FORGE = (
    r"(?:(?:[A-Za-z0-9-]++\.)*?(?:github\.com|gitlab\.com|bitbucket\.org|dev\.azure\.com"
    r"|visualstudio\.com|codeberg\.org|gitea\.com|sr\.ht|huggingface\.co)(?![\w.-])"
    r"|(?:git|gitlab|gitea|github|forgejo|bitbucket)\.[A-Za-z0-9])"
)

# URI schemes and package specifiers whose text before an "@" is a name, not a user and a
# password: mailto:me@host, sip:alice@host, cid:part1@host (a MIME part), npm:pkg@1.0.
_NAMED_SCHEMES = (
    *("mailto", "sips?", "xmpp", "acct", "im", "pres", "tel", "sms", "news", "nntp", "urn"),
    *("tag", "data", "cid", "mid", "javascript", "https?", "file", "docker", "oci", "pkg"),
    *("npm", "jsr", "workspace", "link", "portal", "patch", "catalog", "git", "gist"),
    *("github", "gitlab", "bitbucket"),
)

# A mail header whose value is addresses: "To: group:a@x" names a group, not a user.
_MAIL_HEADER = r"(?i:(?:from|to|cc|bcc|reply-to|sender|return-path|delivered-to|resent-\w+)\s*:\s)"
# Not a host after an "@": the scale of an image drawn for dense screens (icon@2x.png).
_RETINA = r"(?!\d(?:\.\d+)?x\b)"
# A host after an "@", with its port and path: a name, or an IPv6 address in brackets.
_HOST = (
    r"(?:\[[0-9A-Fa-f:.]++\]|[A-Za-z0-9_-]++(?:\.[A-Za-z0-9_-]++)*+)"
    r"(?::\d{1,5}+)?+(?:[/?][^\s\"'`]*+)?+"
)

#: The kind of a password in a user:password@host without a scheme.
USERINFO = "userinfo-password"

# (kind, pattern, group to keep before the secret, group to keep after it); groups 0 = none.
TOKENS: tuple[tuple[str, re.Pattern[str], int, int], ...] = (
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
    # Slack's bot, user and other tokens (xoxb-...), and its app-level tokens (xapp-1-...).
    (
        "slack-token",
        re.compile(r"\b(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})"),
        0,
        0,
    ),
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
    # Package registries: npm access tokens ("npm_" and 36 letters and digits) and PyPI API
    # tokens (a macaroon whose base64 always starts the same way).
    ("npm-token", re.compile(r"\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])"), 0, 0),
    ("pypi-token", re.compile(r"\bpypi-AgE[A-Za-z0-9_-]{50,}"), 0, 0),
    # Stripe's secret and restricted keys, and the signing secrets of its webhooks.
    (
        "stripe-key",
        re.compile(r"\b(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/]{24,})"),
        0,
        0,
    ),
    # Prefixed tokens of other services, matched whatever their randomness: an age identity
    # (upper-case bech32, which the high-entropy rule never takes), a Google OAuth client
    # secret, HashiCorp Vault's service, batch and recovery tokens, DigitalOcean's personal,
    # OAuth and refresh tokens, Grafana's service-account and Cloud tokens, Linear's and
    # Postman's API keys, and a Discord webhook's URL (its last part is the secret).
    ("age-secret-key", re.compile(r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}(?![0-9A-Za-z])"), 0, 0),
    ("google-oauth-secret", re.compile(r"\bGOCSPX-[A-Za-z0-9_-]{28}(?![A-Za-z0-9_-])"), 0, 0),
    ("vault-token", re.compile(r"\bhv[sbr]\.[A-Za-z0-9_-]{24,}"), 0, 0),
    ("digitalocean-token", re.compile(r"\bdo[opr]_v1_[a-f0-9]{64}(?![A-Za-z0-9])"), 0, 0),
    (
        "grafana-token",
        re.compile(r"\b(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})"),
        0,
        0,
    ),
    ("linear-api-key", re.compile(r"\blin_api_[A-Za-z0-9]{40}(?![A-Za-z0-9])"), 0, 0),
    ("postman-api-key", re.compile(r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![A-Za-z0-9])"), 0, 0),
    (
        "discord-webhook",
        re.compile(
            r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{60,}"
        ),
        0,
        0,
    ),
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
    # Any other credential of an Authorization header, after its scheme (token, Bearer,
    # Digest...) or without one: "Authorization: token ...", {"Authorization": "..."},
    # Header.Set("Authorization", "..."). The scheme is taken whole and never given back, so a
    # scheme with nothing after it (a value an earlier rule removed, "Bearer " + token) is no
    # credential; an unquoted value with neither scheme nor digit is a variable or a call
    # ({"Authorization": self.token}, format!(...)), and a value that starts with "$", "{" or
    # "<" is a template or a placeholder.
    (
        "authorization",
        re.compile(
            r"(?i)(\bauthorization(?:[\"'`]\]?\s*[:=,]|\]?\s*[:=])\s*"
            r"(?:[rbfu]{0,2}(?P<aq>[\"'`]))?(?P<scheme>[a-z][\w.-]{0,31}\s+)?+)"
            r"((?(aq)|(?(scheme)|(?=[^\d\s\"'`,;(){}\[\]<>]*+\d)))"
            r"[^\s\"'`,;(){}\[\]<>$=][^\s\"'`,;(){}\[\]<>]*+)"
        ),
        1,
        0,
    ),
    (
        "url-password",
        # A scheme is short: scanned to the end of the run from every word boundary of a long
        # dotted name (a.b.c...), an unbounded one cost time quadratic in the name's length.
        # Its slashes may be escaped, as JSON encoders write them (https:\/\/user:pw@host).
        # The user may be empty: redis://:password@host; it holds no "[" (a token an earlier
        # rule removed, https://[REDACTED:github-token]@host, is no user). The password runs
        # to the last "@" before the path, whatever the host, as URL parsers read it: one with
        # an "@" of its own (p@ss) goes whole. Each "@" looks ahead to the next one only, so a
        # run of them costs linear time.
        re.compile(
            r"(\b[a-zA-Z][a-zA-Z0-9+.-]{0,31}+:(?://|\\/\\/)[^/\s:@\[]*+:)"
            r"((?:[^/\s@]|@(?=[^/\s@]*+@))++)(@)"
        ),
        1,
        3,
    ),
    # A URL percent-encoded as a value of another (a redirect, a proxy in a query string):
    # https%3A%2F%2Fuser%3Apassword%40host, its password up to the encoded "@".
    (
        "url-password",
        re.compile(
            r"(?i)(\b[a-z][a-z0-9+.-]{0,31}+%3A%2F%2F(?:[^%/\s:@&?#]|%(?!3A|40|2F)[0-9a-f]{2})*+%3A)"
            r"((?:[^%/\s:@&?#]|%(?!40|2F)[0-9a-f]{2})++)(%40)"
        ),
        1,
        3,
    ),
    # A token given alone as the user of an HTTP URL (https://TOKEN@github.com/...), which Git
    # hosts accept: a user of 16 or more characters with a digit is taken for one (a user's
    # name is seldom that long and numbered). At a Git host (_FORGE) a shorter one too: 12 or
    # more letters and digits, with a letter after a digit (hunter2secret); a user's name has
    # its digits at the end (jsmith1987) or none, or words apart (x-access-token). The slashes
    # may be escaped, as in JSON (https:\/\/TOKEN@github.com).
    (
        "url-token",
        re.compile(
            r"(\b(?:git\+)?https?:(?://|\\/\\/))((?=[A-Za-z_.~-]*+\d)[A-Za-z0-9_.~-]{16,256}+"
            r"|(?=[A-Za-z]*+\d++[A-Za-z])[A-Za-z0-9]{12,15}+(?=@" + _FORGE + r"))(@)"
        ),
        1,
        3,
    ),
    # The password of a URL without a scheme, //user:password@host (protocol-relative, as in
    # HTML and CSS): a "//" that ends no scheme and follows no name or path ("a//b") and has
    # no space after it (a "// comment", "a // b") starts an authority, read as a URL's is.
    (
        USERINFO,
        re.compile(r"((?<![\w:/\\])//[^/\s:@\[]*+:)((?:[^/\s@]|@(?=[^/\s@]*+@))++)(@)"),
        1,
        3,
    ),
    # The password of a connection string without a scheme, user:password@host: a database
    # DSN (Go's "app:pw@tcp(db:3306)/app", "app:pw@db.internal/app"), a broker's or a proxy's
    # address. The user starts a word, a quoted string or a value (after "=", "(", ","); it
    # ends at the first ":", and the password has no ":" or "/" (a Gradle coordinate
    # group:name:1.0@aar, a path a:b/c@d are no credentials). In a string literal (quoted
    # with " or '), any password is taken; elsewhere (a comment, prose, a shell line, code
    # quoted with backticks in documentation) only one that looks like a password: six or more
    # characters with a letter and a digit ("user:pass@example", `user:password@host` are how
    # documentation writes the form). Never a URI scheme or a package specifier that puts a
    # name before the "@" (mailto:me@host, sip:, cid:, npm:pkg@1.0, workspace:), nor an
    # image's digest (node:20-alpine@sha256:...), nor a template's field ("%s", "{pw}") or a
    # password masked already ("user:****@host").
    (
        USERINFO,
        re.compile(
            r"((?:(?P<dq>[\"'])|(?<=^[-+ ])|(?<![^\s\"'`(=,<>\[{]))"
            r"(?!(?i:" + "|".join(_NAMED_SCHEMES) + r"):)"
            r"[A-Za-z0-9._~%][A-Za-z0-9._~%+-]*+:)"
            r"((?![$%{<\[]|\*++@)(?(dq)|(?=[^\s\"'`:@/\\]{6})(?=[^\s\"'`:@/\\]*?\d)"
            r"(?=[^\s\"'`:@/\\]*?[A-Za-z]))"
            r"(?:[^\s\"'`:@/\\]|@(?=[^\s\"'`:@/\\]*+@))++)"
            r"(@(?=[\w\[(/])(?!(?i:sha\d+|blake\d*|md5):)" + _RETINA + r")"
        ),
        1,
        4,
    ),
    # The same given bare as a setting's whole value, whatever the password's characters
    # (dsn: guest:guest@rabbit, BROKER=guest:guest@rabbit:5672, --broker=...): a name, then
    # "=" or ": ", then user:password@host with an optional port and path, and nothing after
    # it on the line but a space, a quote or a closing bracket. Prose, a list of addresses
    # ("To: group:a@x, b@y;", or any value of a mail header that names addresses) and a time
    # (at: 10:30@room, an all-digit user) are not that.
    (
        USERINFO,
        re.compile(
            r"((?<![^\s\"'`{(,+-])(?!" + _MAIL_HEADER + r")-*+[A-Za-z_][\w.-]*+[\"']?"
            r"(?:\s*+=|\s*+:(?=\s))\s*+"
            r"(?!(?i:" + "|".join(_NAMED_SCHEMES) + r"):|\d++:)"
            r"[A-Za-z0-9._~%][A-Za-z0-9._~%+-]*+:)"
            r"((?![$%{<\[]|\*++@)(?:[^\s\"'`:@/\\]|@(?=[^\s\"'`:@/\\]*+@))++)"
            r"(@(?!(?i:sha\d+|blake\d*|md5):)" + _RETINA + _HOST + r")(?=[\s\"'`)\]}]|$)"
        ),
        1,
        3,
    ),
    # A registry's "auth" in Docker's config.json (and podman's auth.json): base64 of
    # user:password, taken only when it decodes to one (see decodes_to_credentials): "auth"
    # names a scheme or a switch in other JSON.
    ("registry-auth", re.compile(r'("(?i:auth)"\s*:\s*")([A-Za-z0-9+/]{8,}={0,2})(")'), 1, 3),
)


def decodes_to_credentials(text: str) -> bool:
    """Whether ``text`` is the base64 of ``user:password``: printable text with a colon
    between a user and a password (what HTTP basic credentials and registries' auth hold)."""
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):  # not base64, or not UTF-8 text once decoded
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and user.strip() and password) and decoded.isprintable()


#: What a known shape's secret must also be, by kind: a match whose secret fails it stays.
TOKEN_CHECKS: dict[str, Callable[[str], bool]] = {"registry-auth": decodes_to_credentials}

# Text every match of the USERINFO forms holds: a colon, then the password, then its "@". Few
# lines with an "@" (a decorator, an address, a package's scope) hold it.
USERINFO_NEED = re.compile(r":[^/\s@]++@")

PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
PEM_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")

# --- names ------------------------------------------------------------------------------------

# The words that make a name a secret's ("token", but not in tokenizer or tokenise). DB_PASS,
# SMTP_PW, RAILS_MASTER_KEY and .npmrc's _auth count as whole words of the name only (Yarn's
# npmAuthIdent, user:password or its base64, as a part too); smtpPass
# and userPw as the last word of a camelCase name (case-sensitive: "compass" and "bypass" are no
# such names). Each word holds one of the prefilter's SECRET_HINTS, which a word added here may
# need to grow.
_SECRET_WORD = (
    r"(?:password|passwd|passphrase|pwd|secret|token(?!i[sz])|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|auth[_-]?key|credentials?|conn(?:ection)?[_-]?string"
    r"|(?<![a-z])(?:pass|pw)(?![a-z])|(?-i:(?<=[a-z0-9])P(?:ass|w)(?![a-z]))"
    r"|(?:encryption|signing|master|jwt)[_-]?key"
    r"|(?<![a-z0-9])_auth(?![a-z0-9_])|authident)"
)
# A name that ends in one of these words points at a secret without holding it: its file or
# path (API_TOKEN_FILE, --password-stdin), where to get one (TOKEN_URL), its kind or lifetime
# (token_type, token_ttl), the name it is stored under (secretName) or its text around it.
_POINTER_END = "".join(
    rf"(?<!{word})"
    for word in (
        "file",
        "files",
        "path",
        "dir",
        "url",
        "uri",
        "endpoint",
        "type",
        "ttl",
        "name",
        "prefix",
        "stdin",
        "length",
        "format",
        "limit",
        "limits",
        "count",
        "size",
        "budget",
    )
)
# A whole run of name characters that holds a secret word. The run is taken whole and never
# given back (a possessive quantifier): backtracking into it made a long name that is not
# followed by a value cost time cubic in its length.
SECRET_RUN = r"(?=[A-Za-z0-9_.-]*?" + _SECRET_WORD + r")[A-Za-z0-9_.-]++" + _POINTER_END
# The same without dots and dashes: a function's or method's name.
_SECRET_WORD_RUN = r"(?=[A-Za-z0-9_]*?" + _SECRET_WORD + r")[A-Za-z0-9_]++" + _POINTER_END
SECRET_NAME = r"(?<![A-Za-z0-9_.-])" + SECRET_RUN
# A quoted value, linear to match (a backslash only ever starts an escape). It closes the
# "head" group the pattern that uses it has opened.
_QUOTED = r"(?P<quote>[\"'`]))(?P<value>(?:\\.|(?!(?P=quote))[^\\])++)(?P<tail>(?P=quote))"
# YAML node properties before a value: a tag (!!str, !secret) and an anchor (&pw).
_PROPERTY = r"(?:!!?[\w./:-]*|&[\w.-]+)"

# --- assignments ------------------------------------------------------------------------------

# A declared type between the name and "=": ": str", ": &'static str", ": Option<String>",
# ": str | None" (Python, Rust, TypeScript, Kotlin, Swift), or Go's "name string =". Generic
# arguments may nest once; no quote or "=" may occur inside, so the value is never taken for it.
_TYPE = (
    r"[&*]*(?:'[A-Za-z_]\w*\s+)?(?:mut\s+)?[A-Za-z_][\w.]*(?:::[A-Za-z_]\w*)*"
    r"(?:<[^<>=\"`;]*(?:<[^<>=\"`;]*>[^<>=\"`;]*)*>"
    r"|\[[^\[\]=\"`;]*(?:\[[^\[\]=\"`;]*\][^\[\]=\"`;]*)*\])?\??"
)
_GO_TYPE = r"(?:\[\]|\*)*[A-Za-z_][\w.]*(?:\[[\w.*]+\][\w.*]+)?"
ASSIGNMENT = re.compile(
    r"(?i)(?P<head>(?P<key>" + SECRET_NAME + r")"
    # A declaration names its variable unquoted; a quoted name is a key ("token": ...).
    # After a type: "=" then a quoted value, or " = " with spaces ("token: a=b" stays a YAML
    # value). Go's form always has the spaces (gofmt), which an XML attribute (a="1") lacks.
    r"(?:\s*:\s*" + _TYPE + r"(?:\s*\|\s*" + _TYPE + r")*"
    r"(?:\s*=(?![=>~])\s*(?=[\"'`])|\s+=(?![=>~])\s+)"
    r"|\s+" + _GO_TYPE + r"\s+=(?![=>~])\s+"
    # YAML properties after the colon belong to the separator: the value follows them.
    # A colon that is half of a path separator (TokenKind::Ident) separates nothing, nor does
    # the one of a shell default (${TOKEN:-...}, which has its own rule).
    r"|[\"']?(?P<sep>\s*(?::=|=>|=|:(?![:-])(?P<props>(?:\s+" + _PROPERTY + r"(?=\s))*+))\s*))"
    # A quoted value in parentheses (Python's password = ("...")) is that value.
    r"(?:\((?=\s*(?:[rRbBuUfF]{1,2})?[\"'`])\s*)?)"
    # A backslash only ever starts an escape: the two branches never overlap, and the run is
    # never given back, so an unclosed quote full of backslashes costs linear time. Triple
    # quotes (TOML, Python) come first, so that their value is not read as an empty string.
    # A string prefix (Python's b"", r'', Rust's r#""#) is kept with the quote; two single
    # quotes inside a value are one escaped quote (YAML, SQL) or two strings glued (Python).
    r"(?:(?P<sprefix>(?:[rRbBuUfF]{1,2}|b?r\#+)(?=[\"']))?"
    r"(?P<quote>'''|\"\"\"|[\"'`])(?P<qval>(?:\\.|''(?!')|(?!(?P=quote))[^\\])*+)(?P=quote)"
    r"|(?P<bare>[^\s\"'`,;()\[\]{}]+))"
)
# A flow sequence under a secret's name: tokens: [a, b], "api_keys": ["a", "b"]; not the mark
# an earlier rule put in place of a value. The name starts a line or an entry: inside a string
# (":secretsmanager:[a-z]" in a pattern) it is no key.
FLOW_SEQUENCE = re.compile(
    r"(?i)(?P<head>(?<![^\s{,+-])(?P<nq>[\"']?)(?P<key>"
    + SECRET_NAME
    + r")(?P=nq)\s*[:=]\s*\[(?!REDACTED))"
    r"(?P<items>[^\[\]\n]*+)(?P<tail>\])"
)
# What follows the name in every match of FLOW_SEQUENCE: a line where no secret's name is
# followed by it is not searched (see secrets_names).
FLOW_AFTER = re.compile(r"[\"']?\s*[:=]\s*\[")
# A command-line argument after its flag: quoted (the quotes are kept; the other quote and
# escaped ones may occur inside) or a bare shell word that is not the next flag, a variable or
# a placeholder. A quoted value does not start with a space: that quote closes a string
# ("--token " + token), it opens no argument.
_IN_QUOTES = r"(?!\s)(?:\\.|(?!(?P=quote))[^\\\n])++"
_ARGUMENT = (
    r"(?P<quote>[\"'])?)"
    r"(?P<value>(?(quote)" + _IN_QUOTES + r"|[^\s\"'`;|&<>(){}$-][^\s\"'`;|&<>()]*+))"
    r"(?P<tail>(?(quote)(?P=quote)))"
)
# The constructors that wrap a string literal in a binding's value: owned strings and the
# secret-holding types of Rust (secrecy, zeroize), Python and .NET.
_WRAPPER = (
    r"(?:(?:String|Secret\w{0,8}|Zeroizing|Sensitive|Password|SecureString)"
    r"(?:::(?:from|new|from_static|Borrowed|Owned))?|str::to_owned|new\s+String)"
)
# Flags that take a password, and the commands whose flags they are: (the command, or None for
# any; the flag and its argument; the command's or flag's hints, text one of which the
# lower-cased line holds wherever the command, or the flag of any command, matches).
COMMAND_FLAGS: tuple[tuple[re.Pattern[str] | None, re.Pattern[str], tuple[str, ...]], ...] = (
    # --token VALUE, --api-key=VALUE, redis-server --requirepass VALUE.
    (
        None,
        re.compile(
            r"(?i)(?P<head>(?<![\w.-])--(?:"
            + SECRET_RUN
            + r"|requirepass|masterauth)(?:=|\s+)"
            + _ARGUMENT
        ),
        ("--",),
    ),
    # mysql -pVALUE: the password is glued to the flag (with a space, "-p" asks for it).
    (
        re.compile(r"\b(?:mysql\w*|mariadb[\w-]*)\b"),
        re.compile(r"(?P<head>(?<![\w-])-p" + _ARGUMENT),
        ("mysql", "mariadb"),
    ),
    # curl -u user:VALUE, --user "user:VALUE".
    (
        re.compile(r"\bcurl\b"),
        re.compile(
            r"(?P<head>(?<![\w-])(?:-u\s*|--user(?:=|\s+))(?P<quote>[\"'])?[^\s\"':]++:)"
            r"(?P<value>(?(quote)" + _IN_QUOTES + r"|[^\s\"'`;|&<>(){}$][^\s\"'`;|&<>()]*+))"
            r"(?P<tail>(?(quote)(?P=quote)))"
        ),
        ("curl",),
    ),
    (
        re.compile(r"\bsshpass\b"),
        re.compile(r"(?P<head>(?<![\w-])-p\s*" + _ARGUMENT),
        ("sshpass",),
    ),
    (
        re.compile(r"\bredis-cli\b"),
        re.compile(r"(?P<head>(?<![\w-])-a\s+" + _ARGUMENT),
        ("redis-cli",),
    ),
    # docker login -p VALUE (and podman's, helm registry's...).
    (re.compile(r"\blogin\b"), re.compile(r"(?P<head>(?<![\w-])-p\s+" + _ARGUMENT), ("login",)),
    # MongoDB's shells and tools and rabbitmqadmin: -p is the password (the port is --port).
    # Only after the command's name: docker run -p 27017:27017 mongo publishes a port.
    (
        re.compile(r"\b(?:mongo|rabbitmqadmin)"),
        re.compile(
            r"(?P<head>\b(?:mongo(?:sh|dump|restore|export|import|stat|top|files)?|rabbitmqadmin)"
            r"(?:\s++(?!-p\s)[^\s|;&]++)*+\s++-p\s+" + _ARGUMENT
        ),
        ("mongo", "rabbitmqadmin"),
    ),
    # Oracle's tools take user/password[@connect] as their first argument or as userid=
    # (sqlplus scott/tiger@db, sqlldr userid=scott/tiger), and SQL*Plus scripts as CONNECT's
    # (CONNECT sys/pw@db AS SYSDBA, or CONNECT scott/tiger alone on its line, the keyword in
    # one case, as scripts write it: "Connect client/server" is prose); help text's
    # USER/PASSWORD stays, as a flag's metavariable does.
    (
        re.compile(r"(?i)\b(?:sqlplus|sqlldr|expdp|impdp)\b"),
        re.compile(
            r"(?i)(?P<head>(?:\b(?:sqlplus|sqlldr|expdp|impdp)(?:\s+-\w+)*\s+"
            r"|(?<![\w-])userid\s*=\s*)[\"']?[\w$#.]+/)"
            r"(?P<value>[^\s/@\"'`;|&<>()]+)(?P<tail>)"
        ),
        # "pdp" is in both Data Pump tools' names.
        ("sqlplus", "sqlldr", "pdp"),
    ),
    (
        None,
        re.compile(
            r"(?P<head>^[-+ ]?\s*(?:CONN(?:ECT)?|conn(?:ect)?)\s+[\"']?[\w$#.]+/)"
            r"(?P<value>[^\s/@\"'`;]+)(?P<tail>)(?=@|\s+(?i:as\s+sys)|[\"']?\s*;?\s*$)"
        ),
        ("conn",),
    ),
    # Samba's clients: -U user%password (--user too).
    (
        re.compile(r"\b(?:smbclient|smbcacls|smbget|smbmap)\b"),
        re.compile(
            r"(?P<head>(?<![\w-])(?:-U\s*|--user(?:=|\s+))(?P<quote>[\"'])?[^\s\"'%]++%)"
            r"(?P<value>(?(quote)" + _IN_QUOTES + r"|[^\s\"'`;|&<>(){}$][^\s\"'`;|&<>()]*+))"
            r"(?P<tail>(?(quote)(?P=quote)))"
        ),
        ("smb",),
    ),
    # A .pgpass line written by a script (echo 'host:port:db:user:password' > ~/.pgpass):
    # the fifth field.
    (
        re.compile(r"(?i)pgpass"),
        re.compile(
            r"(?P<head>(?<![\w\\:.*\[\]-])(?:(?:[^\s:\\\"'`]|\\.)++:){4})"
            r"(?P<value>(?:[^\s:\\\"'`]|\\.)++)(?P<tail>)"
        ),
        ("pgpass",),
    ),
    # htpasswd -b takes the password as its last argument, after the file and the user (or
    # the user alone with -n): htpasswd -bc users bob VALUE, htpasswd -nb bob VALUE.
    (
        re.compile(r"\bhtpasswd\b"),
        re.compile(
            r"(?P<head>\bhtpasswd(?=(?:\s+-[A-Za-z]+(?:\s+\d+)?)*?\s+-[A-Za-z]*b)"
            r"(?:\s+-[A-Za-z]+(?:\s+\d+)?)*+\s+(?:[^\s\-\"'$][^\s\"']*+\s+)?"
            r"[^\s\-\"'$][^\s\"']*+\s+" + _ARGUMENT + r"(?=\s*(?:$|[;|&)>]))"
        ),
        ("htpasswd",),
    ),
    # A user:VALUE line echoed into chpasswd.
    (
        re.compile(r"\bchpasswd\b"),
        re.compile(
            r"(?P<head>\becho\s+(?:-[neE]+\s+)?(?P<quote>[\"'])?[\w.-]++:)"
            r"(?P<value>(?(quote)(?:(?!(?P=quote))[^\\\n$])++|[^\s\"'`:|;&$]++))"
            r"(?P<tail>(?(quote)(?P=quote)))(?=\s*\|\s*(?:sudo\s+)?chpasswd\b)"
        ),
        ("chpasswd",),
    ),
    # npm config set //host/:_authToken VALUE.
    (
        re.compile(r"\b(?:npm|pnpm|yarn)\s+(?:config\s+)?set\b"),
        re.compile(r"(?P<head>:_(?:authToken|auth|password)\s+" + _ARGUMENT),
        ("npm", "yarn"),
    ),
)

# An argument before a password given by its position: a string literal, a number, or a name
# or an attribute (user, cfg.user, $dsn, $this->host); a call or an expression may hold commas
# of its own, and stays.
_ARGUMENT_BEFORE = (
    r"(?:[rbuRBU]?(?:\"(?:\\.|[^\"\\\n])*+\"|'(?:\\.|[^'\\\n])*+')"
    r"|\$?[A-Za-z_][\w.]*+(?:(?:->|::)[A-Za-z_]\w*+)*+|\d++)\s*+,\s*+"
)


def _positional(calls: dict[int, str]) -> re.Pattern[str]:
    """The string literal given as an argument to one of ``calls`` (patterns that end at the
    call's name, by the number of arguments before the literal): the whole argument, nothing
    added to it, so the ``head`` runs to its quote. A password masked already ("****") stays."""
    heads = "|".join(
        r"(?:" + call + r")\(\s*+" + _ARGUMENT_BEFORE * before for before, call in calls.items()
    )
    return re.compile(
        r"(?P<head>(?:" + heads + r")(?P<quote>[\"']))(?!\*++(?P=quote))"
        r"(?P<value>(?:\\.|(?!(?P=quote))[^\\\n])++)(?P<tail>(?P=quote))(?=\s*[,)])"
    )


# An XML attribute that names an element's or another attribute's value as a secret's.
_KEY_ATTRIBUTE = r"\b(?:key|name)\s*=\s*(?P<kq>[\"'])" + SECRET_NAME + r"(?P=kq)"
# An XML element's content on its line, in CDATA or not: it closes the "head" group. CDATA's
# text stops at the next "<" too: run to the end of the line from every unclosed element of a
# long line, it cost time quadratic in the line's length.
_XML_CONTENT = (
    r"(?P<cdata><!\[CDATA\[)?)"
    r"(?P<value>(?(cdata)(?:[^<\]]|\](?!\]>))++|[^<>]+))"
    r"(?P<tail>(?(cdata)\]\]>)</(?P=tag)\s*>)"
)
# Other places a secret's name sits beside its value. The kept head and tail go in groups
# "head" and "tail".
NAMED_VALUES: tuple[Form, ...] = (
    # A literal default of an environment lookup: os.getenv('DB_PASSWORD', '...'),
    # os.environ.get(...), Ruby's ENV.fetch(...), process.env.TOKEN || '...',
    # ${DB_PASSWORD:-...}; a value put into the environment (os.Setenv, putenv,
    # environ.setdefault); and a value put under a secret's name by subscript:
    # settings["password"] = "...". Space may come before a call's parenthesis.
    Form(
        re.compile(
            r"(?i)(?P<head>\b(?:[gs]etenv|putenv|environ\.(?:get|setdefault)|env\.(?:get|fetch))"
            r"\s*\(\s*"
            r"(?P<nq>[\"'])" + SECRET_NAME + r"(?P=nq)\s*,\s*" + _QUOTED
        ),
        ("env",),
        after=re.compile(r"[\"']\s*,"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>\bprocess\.env\." + SECRET_RUN + r"\s*(?:\|\||\?\?)\s*" + _QUOTED
        ),
        ("process.env.",),
        after=re.compile(r"\s*(?:\|\||\?\?)"),
    ),
    # The default stops at a brace: one that runs on to the next lookup's would make every
    # unclosed "${TOKEN:-" of a line scan the rest of it.
    Form(
        re.compile(r"(?i)(?P<head>\$\{" + SECRET_RUN + r":?-)(?P<value>[^{}\s]++)(?P<tail>\})"),
        ("${",),
        after=re.compile(r":?-"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>\[\s*(?P<nq>[\"'])" + SECRET_NAME + r"(?P=nq)\s*\]\s*=\s*" + _QUOTED
        ),
        ("[",),
        after=re.compile(r"[\"']\s*\]"),
    ),
    # A template's default: {{ .Values.db.password | default "..." }}, Jinja's
    # {{ db_password | default('...') }}, and the prefix form {{ default "..." .Values.token }}.
    Form(
        re.compile(r"(?i)(?P<head>" + SECRET_NAME + r"\s*\|\s*default\s*\(?\s*" + _QUOTED),
        ("default",),
        at_name=True,
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>\bdefault\s+(?P<quote>[\"'`]))(?P<value>(?:\\.|(?!(?P=quote))[^\\])++)"
            r"(?P<tail>(?P=quote))(?=\s+\$?" + SECRET_NAME + r")"
        ),
        ("default",),
    ),
    # Setters and builders: SetPassword("..."), setApiKey('...'), set_token("..."),
    # withClientSecret("..."), .password("..."); and basic credentials given as two arguments,
    # SetBasicAuth("user", "...") or HTTPBasicAuth("user", "...").
    Form(
        re.compile(
            r"(?i)(?P<head>(?<![A-Za-z0-9_$])(?:set|with)_?"
            + _SECRET_WORD_RUN
            + r"\s*\(\s*"
            + _QUOTED
        ),
        ("set", "with"),
        after=re.compile(r"\s*\(\s*[\"'`]"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>\.(?:password|passwd|(?:client_?|api_?)?secret|api_?key|apikey"
            r"|(?:access|auth)_?token|(?:secret|access)_?key)\s*\(\s*" + _QUOTED
        ),
        (".",),
        after=re.compile(r"\s*\(\s*[\"'`]"),
    ),
    # A literal default of a lookup whose result goes under a secret's name, whatever the
    # name looked up: token = os.environ.get("T", "..."), api_key = ENV.fetch ("K", "..."),
    # password = os.getenv("P") or "...", const token = process.env.T || "...".
    Form(
        re.compile(
            r"(?i)(?P<head>" + SECRET_NAME + r"\s*(?::=|=)\s*(?:\w+\.){0,4}+"
            r"(?:getenv|get|fetch|setdefault)\s*\(\s*(?P<nq>[\"'])"
            r"(?:\\.|(?!(?P=nq))[^\\]){1,200}+(?P=nq)\s*,\s*" + _QUOTED
        ),
        ("get", "fetch", "setdefault"),
        at_name=True,
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>" + SECRET_NAME + r"\s*(?::=|=)\s*[\w.$]++"
            r"(?:\s*\([^()\n]{0,200}\)|\[[^\[\]\n]{0,200}\])?"
            r"\s*(?:\bor |\|\||\?\?|\?:)\s*" + _QUOTED
        ),
        ("or ", "||", "??", "?:"),
        at_name=True,
    ),
    # A literal wrapped in a constructor under a secret's name: Rust's String::from("..."),
    # Some("...".to_string()), SecretString::new(...); Java's new String("..."); pydantic's
    # SecretStr("..."). A literal with a method after it ("...".to_string(), .into()) is an
    # assignment's quoted value already.
    Form(
        re.compile(
            r"(?P<head>(?i:" + SECRET_NAME + r")"
            r"(?:\s*:\s*[\w<>&'\[\], |.:]{1,60}?\s*=|\s*(?::=|=|:))\s*"
            r"(?:Some\s*\(\s*(?:"
            + _WRAPPER
            + r"\s*\(\s*&?\s*)?|"
            + _WRAPPER
            + r"\s*\(\s*&?\s*)"
            + _QUOTED
        ),
        ("string", "some", "secret", "zeroizing", "sensitive", "password", "str::"),
        at_name=True,
    ),
    # C and C++: #define API_KEY "...", char password[] = "...", wchar_t token[64] = L"...".
    Form(
        re.compile(r"(?i)(?P<head>#\s*define\s+" + SECRET_NAME + r"\s+(?:L|u8|u|U)?" + _QUOTED),
        ("define",),
        after=re.compile(r"\s"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>" + SECRET_NAME + r"\s*\[[^\[\]=\n]{0,20}\] ?=\s*(?:L|u8|u|U)?" + _QUOTED
        ),
        ("]=", "] ="),
        at_name=True,
    ),
    # A request header named as a secret, given by a setter with the header's name and value:
    # Go's req.Header.Set("X-Api-Key", "..."), setRequestHeader, addHeader, add_header,
    # putheader, .header(...), headers.append/set/put/insert, Headers.Add. The call's name ends
    # in one of these words, whatever comes before it.
    Form(
        re.compile(
            r"(?i)(?P<head>(?:header|headers|property|validation|set|add|append|put|insert)"
            r"\s*\(\s*(?P<nq>[\"'])" + SECRET_NAME + r"(?P=nq)\s*,\s*" + _QUOTED
        ),
        ("header", "property", "validation", "set", "add", "append", "put", "insert"),
        after=re.compile(r"[\"']\s*,"),
    ),
    # A whole header line in a string: curl -H "X-Api-Key: ...", header('X-Auth-Token: ...').
    Form(
        re.compile(
            r"(?i)(?P<head>(?P<quote>[\"'`])" + SECRET_NAME + r":(?!:)\s*)"
            r"(?P<value>[^\s\"'`$<{][^\"'`]*+)(?P<tail>(?P=quote))"
        ),
        (":",),
        after=re.compile(r":(?!:)"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>\b(?:set_?basic_?auth|(?:http)?basic_?auth|http(?:digest|proxy)auth)"
            r"\s*\(\s*(?P<uq>[\"'])(?:\\.|(?!(?P=uq))[^\\])*+(?P=uq)\s*,\s*" + _QUOTED
        ),
        ("basic", "httpdigestauth", "httpproxyauth"),
        named=False,
    ),
    # .npmrc settings written by a script: //host/:_authToken=..., :_password=...
    Form(
        re.compile(
            r"(?P<head>:_(?:authToken|auth|password)\s*=\s*)(?P<value>[^\s\"'`$]+)(?P<tail>)"
        ),
        (":_",),
        named=False,
    ),
    # SQL: CREATE USER ... IDENTIFIED BY '...' (or "..."), WITH [ENCRYPTED] PASSWORD '...',
    # and PASSWORD '...' anywhere in a CREATE/ALTER USER, ROLE or LOGIN statement, SET PASSWORD
    # ... = '...'; a Dockerfile's ENV NAME value (the older form without "=").
    Form(
        re.compile(
            r"(?i)(?P<head>\b(?:identified\s+by(?:\s+password)?"
            r"|with\s+(?:(?:un)?encrypted\s+)?password\s*=?)\s*(?P<quote>[\"']))"
            r"(?P<value>(?:(?!(?P=quote))[^\\])++)(?P<tail>(?P=quote))"
        ),
        ("identified", "password"),
        named=False,
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>\b(?:(?:create|alter)\s+(?:user|role|login)\b[^;'\"\n]{0,200}?\b"
            r"(?:(?:un)?encrypted\s+)?password\s*=?\s*"
            r"|\bset\s+password\b[^;\n]{0,100}?=\s*(?:password\s*\(\s*)?)"
            r"(?P<quote>[\"']))(?P<value>(?:(?!(?P=quote))[^\\])++)(?P<tail>(?P=quote))"
        ),
        ("password",),
    ),
    Form(
        re.compile(
            r"(?P<head>^[-+ ]?\s*ENV\s+(?i:"
            + SECRET_NAME
            + r")\s+)(?P<value>[^\s=][^=]*?)(?P<tail>\s*)$"
        ),
        ("env",),
        after=re.compile(r"\s"),
    ),
    # A name/value entry on one line: {name: DB_PASSWORD, value: ...} (a Kubernetes env entry
    # in flow style), {"name": "API_KEY", "value": "..."}.
    Form(
        re.compile(
            r"(?i)(?P<head>(?P<nk>[\"']?)\bname(?P=nk)\s*:\s*(?P<nq>[\"']?)"
            + SECRET_NAME
            + r"(?P=nq)"
            r"\s*,\s*(?P<vk>[\"']?)value(?P=vk)\s*:\s*(?P<quote>[\"'])?)"
            r"(?P<value>(?(quote)(?:\\.|(?!(?P=quote))[^\\])++|[^\s,{}\[\]\"']++))"
            r"(?P<tail>(?(quote)(?P=quote)))"
        ),
        ("value",),
        after=re.compile(r"[\"']?\s*,"),
    ),
    # PHP's define('DB_PASSWORD', '...'), an XML element (<password>...</password>, the
    # content on the same line, in CDATA too) or one whose key or name attribute names the
    # secret (<entry key="apiKey">...</entry>), and a value attribute beside such a key or name
    # attribute, after it or before it (.NET's <add key="ApiKey" value="..."/>, Spring's
    # <property name="password" value="..."/>).
    Form(
        re.compile(
            r"(?i)(?P<head>\bdefine\s*\(\s*(?P<nq>[\"'])" + SECRET_NAME + r"(?P=nq)\s*,\s*"
            r"(?P<quote>[\"']))(?P<value>(?:\\.|(?!(?P=quote))[^\\])++)(?P<tail>(?P=quote))"
        ),
        ("define",),
        after=re.compile(r"[\"']\s*,"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head><(?P<tag>(?:[A-Za-z_][\w.-]*:)?"
            + SECRET_NAME
            + r")(?:\s[^<>]*)?>"
            + _XML_CONTENT
        ),
        ("</",),
        after=re.compile(r"[\s>]"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head><(?P<tag>[A-Za-z_][\w:.-]*+)\s[^<>]{0,200}?"
            + _KEY_ATTRIBUTE
            + r"[^<>]{0,200}>"
            + _XML_CONTENT
        ),
        ("</",),
        after=re.compile(r"[\"']"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>" + _KEY_ATTRIBUTE + r"[^<>]{0,200}?\bvalue\s*=\s*"
            r"(?P<quote>[\"']))(?P<value>(?:(?!(?P=quote)).)+)(?P<tail>(?P=quote))"
        ),
        ("value",),
        after=re.compile(r"[\"']"),
    ),
    Form(
        re.compile(
            r"(?i)(?P<head>\bvalue\s*=\s*(?P<quote>[\"']))(?P<value>(?:(?!(?P=quote))[^<>])+)"
            r"(?P<tail>(?P=quote))(?=[^<>]{0,200}?" + _KEY_ATTRIBUTE + r")"
        ),
        ("value",),
        after=re.compile(r"[\"']"),
    ),
    # A password given to a well-known client by its position, as a string literal, by the
    # number of arguments before it. After one: cx_Oracle's connect(user, password, dsn) (and
    # python-oracledb's, where the old order is still written), the login(user, password) of
    # smtplib, ftplib and imaplib, python-ldap's simple_bind_s(who, cred) and the (user,
    # password) tuple requests and httpx take as auth. After two: MySQLdb's, PyMySQL's and
    # pymssql's connect(host, user, password, db), ftplib's FTP(host, user, passwd), JDBC's
    # DriverManager.getConnection(url, user, password), PHP's new PDO(dsn, user, password) and
    # mysqli, Go's smtp.PlainAuth(identity, user, password, host). After three: redis-py's
    # Redis(host, port, db, password). After four: Ruby's Net::SMTP.start(address, port, helo,
    # user, secret).
    Form(
        _positional(
            {
                1: r"\b(?:cx_Oracle|oracledb)\.(?:connect|Connection|SessionPool|create_pool)\s*"
                r"|\.(?:login|simple_bind(?:_s)?|bind_s)\s*|\bauth ?= ?",
                2: r"\b(?:MySQLdb|pymysql|pymssql|_mysql)(?:\.connections)?"
                r"\.(?:connect|Connect|Connection)\s*|(?<![\w.])(?:ftplib\.)?FTP(?:_TLS)?"
                r"|\bDriverManager\.getConnection\s*|\bnew\s+(?:PDO|mysqli) ?|\bmysqli_connect ?"
                r"|\bsmtp\.PlainAuth\s*",
                3: r"\bredis\.(?:Strict)?Redis",
                4: r"\bNet::SMTP\.start\s*",
            }
        ),
        # Each hint starts with a letter that other hints start with already ("tp(" for FTP(,
        # "login" for .login): a first character no hint had would stop every line's gate at
        # many more places.
        (
            *("racle", "login", "simple_bind", "bind_s"),
            *("auth=(", "auth =(", "auth= (", "auth = ("),
            *("mysql", "pymssql", "tp(", "tp_tls(", "rivermanager", "pdo(", "pdo ("),
            *("plainauth", "redis.redis(", "redis.strictredis(", "smtp.start"),
        ),
        named=False,
    ),
    # The password of a keyword/value connection string in a string literal, whatever its
    # characters: libpq's "host=db password=...", ADO.NET's and ODBC's "Server=db;Pwd=...;"
    # (or "PWD={...}", braces around a value with ";" in it), a JDBC URL's ";password=..." or
    # "&password=...". The key follows the string's quote or a separator inside the string,
    # and the value ends at a separator or the quote, before the string closes: after a
    # string's closing quote, in code (f("x", password=pw)), the value ends at "," or ")",
    # or at the quote of another string (f(user='me', password=b'...'), which ends no string
    # when a name follows it. A value that starts a key of its own ("password= user=app"), a
    # call (password=SecretStr(...)), a variable ("$PW"), a format field ("%s", "{0}",
    # "{password}") or a placeholder in capitals ("password=PASSWORD") is none.
    Form(
        re.compile(
            r"(?i)(?P<head>(?P<cq>[\"'`])(?:[^\"'`\n]*?[;&?\s])??(?:password|passwd|pwd)\s*=\s*"
            r"(?P<brace>\{(?![\w.]*+(?:![rsa])?(?::[^{}\n]*+)?\}))?)"
            r"(?P<value>(?(brace)[^{}\n]++|(?![\w.-]++=|[rbuf]{1,2}[\"'`]|(?-i:[A-Z][A-Z_-]*+)(?![^\s;&\"'`(),]))[^\s;&\"'`{}$%(),][^\s;&\"'`(),]*+))"
            r"(?P<tail>(?(brace)\}))(?=(?P=cq)(?!\w)|[;&\s][^\n]*?(?P=cq))"
        ),
        ("passw", "pwd"),
        after=re.compile(r"\s*="),
    ),
    # Oracle's user/password@connect in a JDBC URL (jdbc:oracle:thin:scott/tiger@//db/x) and
    # in the connect string given to cx_Oracle or python-oracledb (with its "@": host/service
    # alone names no user).
    Form(
        re.compile(
            r"(?i)(?P<head>(?:\bjdbc:oracle:(?:thin|oci\d*):"
            r"|\b(?:cx_Oracle|oracledb)\.(?:connect|Connection|SessionPool|create_pool)"
            r"\s*\(\s*(?:dsn\s*=\s*)?[\"'])[\w$#.]+/)"
            r"(?P<value>[^\s/@\"'`;]+)(?P<tail>)(?=@)"
        ),
        # "Oracle" without its first letter: a hint that starts with a letter as common as
        # "o" would make the gate that every line goes through stop at many more places.
        ("racle",),
        named=False,
    ),
)
# A .netrc entry: "password VALUE" among whitespace-separated tokens. Outside a netrc file only
# the whole entry on one line ("machine HOST login USER password VALUE") is trusted, since
# "password" followed by a word is ordinary prose too.
NETRC_FIELD = re.compile(r"(?P<head>(?<![\w.-])password\s+)(?P<value>[^\s\"'`]+)(?P<tail>)")
NETRC_ENTRY = re.compile(
    r"(?P<head>\bmachine\s+\S+\s+login\s+\S+\s+password\s+)(?P<value>[^\s\"'`]+)(?P<tail>)"
)
# A whole "name: value" / "name = value" line of a configuration file: the value runs to the
# end of the line ("password: correct horse" is one value), after any YAML tag or anchor,
# unless it is quoted, a YAML block or flow value or an alias, which the other rules or none
# apply to.
CONFIG_LINE = re.compile(
    r"(?i)^(?P<head>[ +-]?\s*(?:-\s+)?(?P<nq>[\"']?)" + SECRET_NAME + r"(?P=nq)\s*[:=]\s*"
    r"(?:" + _PROPERTY + r"\s+)*)"
    r"(?P<value>[^\s\"'`\[{|>&*!](?:.*[^\s,])?)(?P<tail>\s*,?\s*)$"
)

# A Java .properties line whose name and value a space separates (db.password secret): the
# value runs to the end of the line.
PROPERTIES_LINE = re.compile(
    r"(?i)^(?P<head>[ +-]?\s*" + SECRET_NAME + r"[ \t]++)(?P<value>[^\s:=](?:.*\S)?)(?P<tail>\s*)$"
)

# --- values that are no secret ----------------------------------------------------------------

# CloudFormation's intrinsic functions, as YAML tags: the value after one is a reference to a
# parameter, resource or secret store (!Ref DbPassword, !GetAtt Secret.Arn, !Sub '${Pw}'), not
# a secret.
INTRINSIC = re.compile(
    r"!(?:Ref|GetAtt|Sub|ImportValue|FindInMap|Join|Select|If|GetAZs|Split|Cidr|Condition"
    r"|Equals|Not|And|Or|Transform)(?![\w:])"
)
# A name that counts tokens rather than holding one (max_tokens, MAX_OUTPUT_TOKENS,
# numTokens): a number under it of any length is a count.
COUNT_NAME = re.compile(r"(?i)tokens$|(?:^|[._-])(?:max|min|num|total)|^(?-i:(?:max|min|num))")
# A commit's or an object's id (SHA-1 or SHA-256), and what says a hex run is one: after "@"
# or "#" (actions/checkout@..., git+https://...#...), a key that names a revision (rev =,
# "commit":, sha:), or a git command on the line (git checkout ...).
REVISION = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
REVISION_CONTEXT = re.compile(
    r"(?:[@#]|\bgit\s[^|;&\n]{0,200}|(?i:rev|revision|commit|sha1?|ref|oid|hash|checkout|head"
    r"|base|parent|tree)[\w-]{0,20}[\"']?\s*[:=]?\s*[\"']?)$"
)
# Lock and manifest files, whose hex runs are commits and checksums of dependencies.
LOCK_FILE = re.compile(
    r"(?:^|/)(?:[^/]+\.lock|package-lock\.json|npm-shrinkwrap\.json|go\.(?:sum|mod)"
    r"|Cargo\.toml|\.gitmodules|requirements[^/]*\.txt|pyproject\.toml|Pipfile|Gemfile"
    r"|[^/]*lock\.(?:json|ya?ml))$"
)

# Values that stand for no secret; "~" is YAML's null, and read/write/inherit are what GitHub
# workflows give "id-token:" and "secrets:".
PLACEHOLDERS = frozenset(
    {"none", "null", "nil", "true", "false", "undefined", "optional", "required", "str", "string"}
    | {"~", "read", "write", "inherit", "...", "\u2026"}
)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_]*(?:\[[^\]]*\])?")
TYPE_REF = re.compile(r"[&*]+(?:mut)?(?:[A-Za-z_][\w:<>]*)?")
# A generic type, cut where the value ends (at a comma or space): Option<String>, Vec<Token>,
# HashMap<String, Box<dyn; and the keyword of a type alias's definition just before its name.
GENERIC_TYPE = re.compile(r"[A-Za-z_][\w.:]*<[^=]*")
TYPE_ALIAS = re.compile(r"\btype\s+$")
# Help text's name for a flag's value: --token TOKEN, --api-key API_KEY, --password PASSWORD.
METAVAR = re.compile(r"[A-Z][A-Z_-]*")
# A YAML alias (*pw) refers to an anchored value elsewhere: it holds none itself.
YAML_ALIAS = re.compile(r"\*[\w.-]+")
# Also a value made only of format fields: "{password}", f"{prefix}{secret}", "%s".
TEMPLATE = re.compile(
    r"^(?:\$|\{\{|%\(|%[-#0 +]?\d*[sdr]$|<[a-z_-]+>$|\[REDACTED|(?:\{[^{}]*\})+$)"
)
# A small number (max_tokens = 4096, token_ttl: 3600) or a version requirement ("^9.0.0",
# ">=0.15": a package named jsonwebtoken or tiktoken in a manifest) is no credential.
NO_SECRET = re.compile(r"\d{1,5}|[\^~<>=!]*\s*v?\d+(?:\.\d+)+(?:[-+.][\w.]+)?|[\^~<>=!]+\s*\d+")
