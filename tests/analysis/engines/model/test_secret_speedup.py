"""The redactor's prefilters skip only lines no pattern can match.

Every form built on a secret's name still redacts a value under a name spelt in any case and
made of any one secret word (``PassWord``, ``DB_PWD``, ``apiKey``, ``DB_CONN_STRING``,
``_auth``...); every alternative of every known token shape, the command-line flags and the
forms that need no secret's name are still found; a line outside ASCII is never skipped.
"""

from __future__ import annotations

import pytest

from release_tools.analysis.engines.model.secrets import redact_details
from release_tools.analysis.engines.model.secrets_forms import TOKENS
from release_tools.analysis.engines.model.secrets_hints import (
    SECRET_HINTS,
    TOKEN_HINTS,
    lowered,
    may_name_secret,
)

VALUE = "hunter22"
# Each name holds one secret word only, in the case it is written in, so that a prefilter that
# misses that word lets its value through.
NAMES = (
    "PassWord",
    "DB_PWD",
    "userPw",
    "smtpPass",
    "ClientSecret",
    "AccessToken",
    "apiKey",
    "Credentials",
    "DB_CONN_STRING",
    "_auth",
    "MASTER_KEY",
    "npmAuthIdent",
)
# The forms built on a secret's name: the file the lines are in, and the lines (added).
FORMS = {
    "assignment": ("app.py", ['{name} = "{value}"']),
    "config-line": ("config.yaml", ["{name}: {value} two"]),
    "flow-sequence": ("app.py", ['{name}: ["{value}", "other1"]']),
    "getenv": ("app.py", ['x = os.getenv("{name}", "{value}")']),
    "process-env": ("app.js", ['const x = process.env.{name} || "{value}";']),
    "shell-default": ("run.sh", ["echo ${{{name}:-{value}}}"]),
    "subscript": ("app.py", ['settings["{name}"] = "{value}"']),
    "template-default": ("deploy.tpl", ['x: {{{{ .Values.{name} | default "{value}" }}}}']),
    "template-prefix": ("deploy.tpl", ['x: {{{{ default "{value}" .Values.{name} }}}}']),
    "setter": ("main.go", ['client.Set{name}("{value}")']),
    "dockerfile-env": ("Dockerfile", ["ENV {name} {value}"]),
    "name-value": ("deploy.tpl", ["env: [{{name: {name}, value: {value}}}]"]),
    "define": ("wp-config.php", ["define('{name}', '{value}');"]),
    "xml-element": ("app.xml", ["<{name}>{value}</{name}>"]),
    "dotnet-add": ("web.xml", ['<add key="{name}" value="{value}"/>']),
    "lookup-default": ("app.py", ['{name} = os.environ.get("T", "{value}")']),
    "lookup-fallback": ("app.py", ['{name} = os.getenv("T") or "{value}"']),
    "constructor": ("main.rs", ['let {name} = String::from("{value}");']),
    "c-define": ("config.h", ['#define {name} "{value}"']),
    "c-array": ("main.c", ['char {name}[] = "{value}";']),
    "parenthesised": ("app.py", ["{name} = (", '    "{value}"', ")"]),
    "continued": ("app.py", ["{name} = \\", '    "{value}"']),
    "xml-property": ("beans.xml", ['<property name="{name}" value="{value}"/>']),
    "xml-value-first": ("beans.xml", ['<property value="{value}" name="{name}"/>']),
    "xml-entry": ("app.xml", ['<entry key="{name}">{value}</entry>']),
    "xml-cdata": ("app.xml", ["<{name}><![CDATA[{value}]]></{name}>"]),
    "properties-space": ("app.properties", ["db.{name} {value}"]),
    "header-setter": ("main.go", ['req.Header.Set("{name}", "{value}")']),
    "header-line": ("run.sh", ['curl -H "{name}: {value}" https://x']),
    "flag": ("run.sh", ["deploy --{name} {value}"]),
    "block-scalar": ("config.yaml", ["{name}: |", "  {value}"]),
    "yaml-nested": ("config.yaml", ["{name}:", "  {value}"]),
    "triple-quoted": ("app.py", ["{name} = '''", "{value}", "'''"]),
    "xml-multiline": ("app.xml", ["<{name}>", "{value}", "</{name}>"]),
    "json-array": ("app.json", ['"{name}": [', '  "{value}",', "]"]),
    "entry": ("deploy.yaml", ["- name: {name}", "  value: {value}"]),
    "entry-value-first": ("deploy.yaml", ["- value: {value}", "  name: {name}"]),
    "entry-block": ("deploy.yaml", ["- name: {name}", "  value: |", "    {value}"]),
    "complex-key": ("config.yaml", ["? {name}", ": {value}"]),
    "complex-key-block": ("config.yaml", ["? {name}", ": |", "  {value}"]),
}
# "set_auth" names no secret: "_auth" is a secret word only after a character that is not a
# letter or digit.
_NOT_A_SETTER = {"_auth"}


def _diff(path: str, lines: list[str], context: str = "") -> str:
    body = "".join(f"+{line}\n" for line in lines)
    header = f"@@ -1,1 +1,{len(lines)} @@" + (f" {context}" if context else "")
    return f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n{header}\n{body}"


def _cases() -> list[tuple[str, str]]:
    return [
        (form, name)
        for form in FORMS
        for name in NAMES
        if not (form == "setter" and name in _NOT_A_SETTER)
    ]


@pytest.mark.parametrize(("form", "name"), _cases())
def test_every_named_form_redacts_under_every_secret_word(form: str, name: str) -> None:
    path, lines = FORMS[form]
    text = _diff(path, [line.format(name=name, value=VALUE) for line in lines])
    result = redact_details(text)
    assert VALUE not in result.text
    assert result.kinds["assignment"] >= 1


# Dashes join the words of a flag's, a YAML key's or an XML element's name.
@pytest.mark.parametrize("name", ["x-auth-token", "X-API-KEY", "db-Pwd", "client-secret"])
@pytest.mark.parametrize("form", ["config-line", "flag", "xml-element", "block-scalar"])
def test_dashed_names(form: str, name: str) -> None:
    path, lines = FORMS[form]
    result = redact_details(_diff(path, [line.format(name=name, value=VALUE) for line in lines]))
    assert VALUE not in result.text
    assert result.kinds["assignment"] >= 1


@pytest.mark.parametrize("name", NAMES)
def test_a_hunk_inside_a_named_block_scalar_stays_redacted(name: str) -> None:
    # The hunk header names the key; no line of the hunk does.
    result = redact_details(_diff("config.yaml", [f"    {VALUE}"], context=f"{name}: |"))
    assert VALUE not in result.text
    assert "\n+    [REDACTED:assignment]\n" in result.text


def test_every_secret_word_has_a_name_of_its_own() -> None:
    # Otherwise a prefilter missing that word would go unnoticed by the tests above.
    for hint in SECRET_HINTS:
        alone = [name for name in NAMES if [h for h in SECRET_HINTS if h in name.lower()] == [hint]]
        assert alone, hint


def test_a_line_outside_ascii_is_never_skipped() -> None:
    # Under IGNORECASE the long s (U+017F) matches "s", but lower() keeps it: spelt with it,
    # "password" still names a secret; U+0130 matches "i" but lowers to two characters.
    assert may_name_secret(lowered("pa\u017f\u017fword = 1"))
    result = redact_details(_diff("app.py", [f'pa\u017f\u017fword = "{VALUE}"']))
    assert VALUE not in result.text
    result = redact_details(_diff("app.py", [f'credent\u0130al = "{VALUE}"']))
    assert VALUE not in result.text


def test_the_marks_put_in_after_the_known_shapes_name_no_secret() -> None:
    # A line found to name no secret after the known shapes is not looked at again.
    for kind in ("assignment", "high-entropy"):
        assert not may_name_secret(lowered(f"[REDACTED:{kind}]"))


_BODY = "A1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5r6S7t8"
_TOKEN_LINES: list[tuple[str, str, str]] = [
    ("gcp-private-key", f'"private_key": "{_BODY}",', _BODY),
    (
        "private-key",
        f"-----BEGIN RSA PRIVATE KEY-----{_BODY}-----END RSA PRIVATE KEY-----",
        _BODY,
    ),
    *[
        ("aws-access-key-id", f"id {p}ABCDEFGHIJKL2345", "ABCDEFGHIJKL2345")
        for p in ("AKIA", "ASIA", "ABIA", "ACCA")
    ],
    *[
        ("azure-key", f"x;{name}={_BODY[:20]}", _BODY[:20])
        for name in ("ACCOUNTKEY", "SharedAccessKey", "sharedaccesssignature", "SIG")
    ],
    *[("github-token", f"t {p}_{_BODY}", _BODY) for p in ("ghp", "gho", "ghu", "ghs", "ghr")],
    ("github-token", f"t github_pat_{_BODY}", _BODY),
    *[
        ("gitlab-token", f"t gl{kind}-{_BODY[:24]}", _BODY[:24])
        for kind in ("pat", "dt", "ptt", "rt", "cbt", "soat", "ft", "imt", "oas", "agent")
    ],
    ("google-api-key", f"k AIza{_BODY[:35]}", _BODY[:35]),
    ("slack-token", f"t xoxb-{_BODY[:12]}", _BODY[:12]),
    ("slack-webhook", f"u https://hooks.slack.com/services/{_BODY[:24]}", _BODY[:24]),
    ("huggingface-token", f"t hf_{_BODY[:34]}", _BODY[:34]),
    ("npm-token", f"t npm_{_BODY[:36]}", _BODY[:36]),
    ("pypi-token", f"t pypi-AgE{_BODY}{_BODY}", _BODY),
    *[("stripe-key", f"k {p}_{_BODY[:24]}", _BODY[:24]) for p in ("sk_live", "rk_test", "whsec")],
    ("slack-token", f"t xapp-1-{_BODY[:12]}", _BODY[:12]),
    ("age-secret-key", f"k AGE-SECRET-KEY-1{_BODY.upper()}{_BODY.upper()[:22]}", _BODY.upper()),
    ("google-oauth-secret", f"k GOCSPX-{_BODY[:28]}", _BODY[:28]),
    *[("vault-token", f"t {p}.{_BODY[:24]}", _BODY[:24]) for p in ("hvs", "hvb", "hvr")],
    *[
        ("digitalocean-token", f"t {p}_v1_{'ab12' * 16}", "ab12" * 16)
        for p in ("dop", "doo", "dor")
    ],
    ("grafana-token", f"t glsa_{_BODY[:32]}_ab12cd34", _BODY[:32]),
    ("grafana-token", f"t glc_{_BODY[:32]}", _BODY[:32]),
    ("linear-api-key", f"k lin_api_{_BODY}{_BODY[:4]}", _BODY),
    ("postman-api-key", f"k PMAK-{'ab12' * 6}-{'cd34' * 8}ef", "cd34" * 8),
    (
        "discord-webhook",
        f"u https://discord.com/api/webhooks/12345/{_BODY}{_BODY}",
        _BODY,
    ),
    ("openai-key", f"k sk-proj-{_BODY[:24]}", _BODY[:24]),
    ("jwt", f"t eyJ{_BODY[:8]}.eyJ{_BODY[8:16]}.{_BODY[16:24]}", _BODY[8:16]),
    ("bearer-token", f"h BEARER {_BODY[:20]}", _BODY[:20]),
    ("basic-auth", "AUTHORIZATION: Basic dXNlcjpw", "dXNlcjpw"),
    ("authorization", f'h = {{"AUTHORIZATION": "token {_BODY[:12]}"}}', _BODY[:12]),
    ("url-password", "u redis://:pa55w0rd@db.example", "pa55w0rd"),
    ("url-password", '{"u": "HTTPS:\\/\\/me:pa55w0rd@db.example"}', "pa55w0rd"),
    ("url-token", f"u https://{_BODY[:20]}@git.example", _BODY[:20]),
    ("url-token", f'{{"u": "https:\\/\\/{_BODY[:20]}@git.example"}}', _BODY[:20]),
    ("userinfo-password", "u //me:pa55w0rd@db.example", "pa55w0rd"),
    ("userinfo-password", 'u = "me:pa55w0rd@db.example"', "pa55w0rd"),
    ("url-password", "u=HTTPS%3a%2F%2Fme%3Apa55w0rd%40db.example", "pa55w0rd"),
    ("registry-auth", '{"AUTH": "bWU6cGE1NXcwcmQ="}', "bWU6cGE1NXcwcmQ="),
]


def test_every_token_shape_has_hints_and_is_exercised() -> None:
    kinds = {kind for kind, *_ in TOKENS}
    assert kinds == set(TOKEN_HINTS) == {kind for kind, _, _ in _TOKEN_LINES}


@pytest.mark.parametrize(("kind", "line", "secret"), _TOKEN_LINES)
def test_every_token_shape_is_still_found(kind: str, line: str, secret: str) -> None:
    result = redact_details(_diff("notes.txt", [line]))
    assert secret not in result.text
    assert result.kinds[kind] >= 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("run.sh", f"mysql -uroot -p{VALUE} db"),
        ("run.sh", f"mariadb-dump -p{VALUE}"),
        ("run.sh", f"curl -u admin:{VALUE} https://x"),
        ("run.sh", f"sshpass -p {VALUE} ssh host"),
        ("run.sh", f"redis-cli -a {VALUE} ping"),
        ("run.sh", f"docker login -u me -p {VALUE}"),
        ("run.sh", f"yarn config set //r/:_authToken {VALUE}"),
        ("run.sh", f"htpasswd -bc users me {VALUE}"),
        ("run.sh", f"echo 'me:{VALUE}' | chpasswd"),
        ("run.sh", f"redis-server --REQUIREPASS {VALUE}"),
        ("run.sh", f"redis-server --MasterAuth {VALUE}"),
        ("main.go", f'req.SetBasicAuth("me", "{VALUE}")'),
        ("run.sh", f"echo //r/:_authToken={VALUE} > .npmrc"),
        ("init.sql", f"CREATE USER me IDENTIFIED BY '{VALUE}';"),
        ("init.sql", f"CREATE ROLE me WITH ENCRYPTED PASSWORD '{VALUE}';"),
        ("init.sql", f'CREATE USER me IDENTIFIED BY "{VALUE}";'),
        ("init.sql", f"ALTER ROLE me LOGIN PASSWORD '{VALUE}';"),
        ("init.sql", f"SET PASSWORD FOR 'me'@'%' = PASSWORD('{VALUE}');"),
        ("notes.txt", f"machine h login me password {VALUE}"),
        (".netrc", f"password {VALUE}"),
    ],
)
def test_commands_and_unnamed_places_are_still_found(path: str, line: str) -> None:
    result = redact_details(_diff(path, [line]))
    assert VALUE not in result.text
    assert result.count >= 1
