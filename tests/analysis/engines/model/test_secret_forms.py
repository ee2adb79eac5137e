"""Secrets in YAML node properties, collections and blocks, TOML multi-line strings, template
defaults, command lines, setter calls and registry settings are redacted; names that only point
at a secret (its file, URL, type, lifetime or name) are not.
"""

from __future__ import annotations

import threading

import pytest

from release_tools.analysis.engines.model.secrets import redact_details, redact_secrets

SECRET = "hunter2secret"
# Assembled at run time so that no scanner mistakes this test file for a leak.
NPM = "npm_" + "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"
PYPI = "pypi-AgEIcHlwaS5vcmc" + "CJGM2ZjY0ZTQ3LWE5ZGMtNDE3OS1iNzY3LTZhNGM1YmZlMzE4OQ"


def _diff(path: str, *lines: str) -> str:
    body = "\n".join(f"+{line}" for line in lines)
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}\n"


def _redacted(path: str, *lines: str) -> tuple[str, int]:
    text, count = redact_secrets(_diff(path, *lines))
    return text, count


@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("deploy/app.yaml", f"password: !!str {SECRET}", "password: !!str "),
        ("deploy/app.yaml", f"password: &pw {SECRET}", "password: &pw "),
        ("deploy/app.yaml", f'password: !!str "{SECRET}"', 'password: !!str "'),
        ("deploy/app.yaml", f"password: &pw !!str {SECRET} two", "password: &pw !!str "),
        ("docs/setup.md", f"    password: &pw {SECRET}", "password: &pw "),
    ],
)
def test_yaml_tags_and_anchors_before_a_value(path: str, line: str, kept: str) -> None:
    text, count = _redacted(path, line)
    assert SECRET not in text and "two" not in text, text
    assert count == 1 and kept + "[REDACTED:assignment]" in text


def test_a_yaml_alias_is_a_reference_and_stays() -> None:
    diff = _diff("deploy/app.yaml", "password: *pw")
    assert redact_secrets(diff) == (diff, 0)


@pytest.mark.parametrize(
    ("path", "line", "count"),
    [
        ("deploy/app.yaml", f"db: {{user: a, password: {SECRET}}}", 1),
        ("deploy/app.yaml", f"- {{name: x, password: !!str {SECRET}}}", 1),
        ("deploy/app.yaml", f"tokens: [{SECRET}, other2value]", 2),
        ("deploy/app.yaml", f"  api_keys: ['{SECRET}', \"other2value\"]", 2),
        ("config/app.toml", f'tokens = ["{SECRET}", "other2value"]', 2),
        ("config/app.json", f'  "tokens": ["{SECRET}", "other2value"],', 2),
        ("src/app/keys.py", f'API_KEYS = ["{SECRET}", "other2value"]', 2),
    ],
)
def test_flow_collections_under_a_secret_key(path: str, line: str, count: int) -> None:
    text, found = _redacted(path, line)
    assert SECRET not in text and "other2value" not in text, text
    assert found == count


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("src/app/auth.py", "tokens: list[str] = []"),
        ("src/app/auth.py", "tokens = [t.strip() for t in raw]"),
        ("src/app/auth.py", "tokens = [first, second]"),
        ("docker-compose.yml", "    secrets: [db_password, api_key]"),
        ("deploy/app.yaml", "tokens: []"),
        ("deploy/app.yaml", "tokens: [${A}, ${B}]"),
        (
            "schema.json",
            '"pattern": "^arn:aws:secretsmanager:[a-z0-9-]{1,20}:secret:[a-z/_+=.@-]+$"',
        ),
    ],
)
def test_collections_of_names_and_code_are_left_alone(path: str, line: str) -> None:
    diff = _diff(path, line)
    assert redact_secrets(diff) == (diff, 0)


@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("config/app.toml", f"password = '''{SECRET}'''", "password = '''"),
        ("config/app.toml", f'password = """{SECRET}"""', 'password = """'),
        ("src/app/settings.py", f'PASSWORD = """{SECRET}"""', 'PASSWORD = """'),
    ],
)
def test_triple_quoted_values_on_one_line(path: str, line: str, kept: str) -> None:
    text, count = _redacted(path, line)
    assert SECRET not in text and count == 1
    assert kept + "[REDACTED:assignment]" + kept[-3:] in text, text


@pytest.mark.parametrize("quote", ["'''", '"""'])
def test_triple_quoted_values_across_lines(quote: str) -> None:
    lines = (
        f"password = {quote}first2line",
        SECRET,
        f"  last2line{quote}; token = 'other2value'",
        "port = 5432",
    )
    text, count = _redacted("config/app.toml", *lines)
    for part in ("first2line", SECRET, "last2line", "other2value"):
        assert part not in text, text
    assert count == 2
    body = text.split("\n")[3:-1]
    assert body == [
        f"+password = {quote}[REDACTED:assignment]",
        "+[...]",
        f"+  [...]{quote}; token = '[REDACTED:assignment]'",
        "+port = 5432",
    ]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (
            f'  pw: {{{{ .Values.db.password | default "{SECRET}" }}}}',
            '.Values.db.password | default "',
        ),
        (
            f'  pw: {{{{ .Values.db.password | default "{SECRET}" | b64enc | quote }}}}',
            '| default "',
        ),
        (f"  pw: {{{{ default '{SECRET}' .Values.auth.apiToken }}}}", "{{ default '"),
        (f"  pw: \"{{{{ db_password | default('{SECRET}') }}}}\"", "db_password | default('"),
    ],
)
def test_template_defaults_of_a_secret(line: str, kept: str) -> None:
    text, count = _redacted("charts/app/templates/secret.yaml", line)
    assert SECRET not in text and count == 1 and kept in text, text


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (f"redis-server --requirepass {SECRET}", "--requirepass "),
        (f"redis-server --masterauth {SECRET} --port 6380", "--masterauth "),
        (f"redis-cli -h cache -a {SECRET} ping", "-a "),
        (f"mysql -u root -p{SECRET} app", "mysql -u root -p"),
        (f"mysqldump -uroot -p'{SECRET}' app > dump.sql", "-p'"),
        (f"mysql --password={SECRET} app", "--password="),
        (f"curl -u user:{SECRET} https://example.com", "curl -u user:"),
        (f'curl --user "user:{SECRET}" https://example.com', '--user "user:'),
        (f"app --token {SECRET} --verbose", "--token "),
        (f'app --client-secret "{SECRET}"', '--client-secret "'),
        (f"app --api-key={SECRET}", "--api-key="),
        (f"sshpass -p {SECRET} ssh host", "sshpass -p "),
        (f"docker login -u bot -p {SECRET} registry.example.com", "-p "),
        (f'app --password "it\'s-{SECRET}"', '--password "'),
        (f'curl -u "bob:it\'s-{SECRET}" https://example.com', '-u "bob:'),
        (f'app --token "a\\"{SECRET}"', '--token "'),
    ],
)
def test_secrets_on_command_lines(line: str, kept: str) -> None:
    text, count = _redacted("scripts/deploy.sh", line)
    assert SECRET not in text and count == 1 and kept in text, text


@pytest.mark.parametrize(
    "line",
    [
        'app --token "$TOKEN"',
        "app --token ${{ secrets.TOKEN }}",
        "docker login -u bot --password-stdin ghcr.io",
        "app --token-file /run/secrets/token",
        "mysql -u root -p app",
        "psql --no-password -h db",
        "docker run -u 1000:1000 image",
        'parser.add_argument("--token", help="API token")',
        'cmd = f"app --token {token}"',
        "gcloud auth print-access-token --token-format=full",
        "# set //registry/:_authToken or //registry/:authToken in .npmrc",
    ],
)
def test_command_lines_without_a_literal_secret_are_left_alone(line: str) -> None:
    diff = _diff("scripts/deploy.sh", line)
    assert redact_secrets(diff) == (diff, 0)


def test_yaml_block_scalars_lose_every_line() -> None:
    lines = ("password: |", f"  {SECRET}", "", "  more2secret", "user: bob")
    text, count = _redacted("deploy/app.yaml", *lines)
    assert SECRET not in text and "more2secret" not in text and count == 1
    assert text.split("\n")[3:-1] == [
        "+password: |",
        "+  [REDACTED:assignment]",
        "+",
        "+  [...]",
        "+user: bob",
    ]


@pytest.mark.parametrize(
    "opening",
    ["  - private_key: >-", "  api_token: !!binary |", "  token: |2+  # kept", '  "secret": >'],
)
def test_yaml_block_scalar_indicators_and_properties(opening: str) -> None:
    text, count = _redacted("deploy/app.yaml", opening, f"      {SECRET}", "  next: 1")
    assert SECRET not in text and count == 1
    assert f"+{opening}\n" in text and "+  next: 1" in text


def test_a_block_scalar_changed_in_a_diff_is_redacted_on_both_sides() -> None:
    diff = (
        "--- a/app.yaml\n+++ b/app.yaml\n@@ -1,3 +1,3 @@\n"
        f" password: |\n-  old2secret\n+  {SECRET}\n user: bob\n"
        "@@ -9 +9 @@\n-  hello: 1\n+  hello: 2\n"
    )
    text, count = redact_secrets(diff)
    assert SECRET not in text and "old2secret" not in text and count == 1
    assert "-  [REDACTED:assignment]\n+  [...]\n user: bob" in text
    assert "+  hello: 2" in text  # a new hunk ends the value


def test_plain_and_sequence_values_on_the_lines_under_a_yaml_key() -> None:
    lines = ("password:", f"  {SECRET}", "tokens:", "  - first2token", "  - second2token", "a: 1")
    text, count = _redacted("deploy/app.yaml", *lines)
    for part in (SECRET, "first2token", "second2token"):
        assert part not in text, text
    assert count == 2 and "+a: 1" in text and "+  - [...]" in text


@pytest.mark.parametrize(
    "lines",
    [
        (
            "env:",
            "  - name: DB_PASSWORD",
            "    valueFrom:",
            "      secretKeyRef:",
            "        key: pw",
        ),
        ("credentials:", "  username: bob", "  region: eu"),
        ("secrets:", "  - db_password"),
    ],
)
def test_mappings_and_secret_names_under_a_yaml_key_are_left_alone(
    lines: tuple[str, ...],
) -> None:
    diff = _diff("deploy/app.yaml", *lines)
    assert redact_secrets(diff) == (diff, 0)


def test_multi_line_xml_elements() -> None:
    lines = ("<db>", "  <password>", f"    {SECRET}", "  </password>", "</db>")
    text, count = _redacted("settings.xml", *lines)
    assert SECRET not in text and count == 1
    assert "+  <password>\n+    [REDACTED:assignment]\n+  </password>\n+</db>" in text
    text, count = _redacted("settings.xml", f"<apiToken>{SECRET}", "more2secret</apiToken>")
    assert SECRET not in text and "more2secret" not in text and count == 1
    assert "+[...]</apiToken>" in text


def test_an_xml_element_with_children_is_not_a_value() -> None:
    lines = ('<password-field label="x">', '  <input type="text">', "</password-field>")
    diff = _diff("templates/login.html", *lines)
    assert redact_secrets(diff) == (diff, 0)


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("src/db.js", f"const dbPass = '{SECRET}';"),
        ("src/db.js", f"  smtpPass: '{SECRET}',"),
        ("deploy/app.yaml", f"  smtpPass: {SECRET}"),
        ("src/Db.kt", f'val userPw = "{SECRET}"'),
    ],
)
def test_short_pass_names_in_camel_case(path: str, line: str) -> None:
    text, count = _redacted(path, line)
    assert SECRET not in text and count == 1, text


@pytest.mark.parametrize(
    "line",
    ["const renderPass = new RenderPass(scene);", "let firstPass = true;", "compass = 'north'"],
)
def test_words_that_end_in_pass_are_left_alone(line: str) -> None:
    diff = _diff("src/render.js", line)
    assert redact_secrets(diff) == (diff, 0)


@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("main.go", f'client.SetPassword("{SECRET}")', 'SetPassword("'),
        ("src/client.js", f"client.setApiKey('{SECRET}');", "setApiKey('"),
        ("src/client.py", f'client.set_token("{SECRET}")', 'set_token("'),
        ("src/Client.java", f'builder.withClientSecret("{SECRET}")', 'withClientSecret("'),
        ("src/Db.java", f'DataSource.builder().password("{SECRET}").build()', '.password("'),
        ("main.go", f'req.SetBasicAuth("bob", "{SECRET}")', 'SetBasicAuth("bob", "'),
        ("main.go", f'os.Setenv("DB_PASSWORD", "{SECRET}")', 'Setenv("DB_PASSWORD", "'),
    ],
)
def test_setter_calls_with_a_literal(path: str, line: str, kept: str) -> None:
    text, count = _redacted(path, line)
    assert SECRET not in text and count == 1 and kept in text, text


@pytest.mark.parametrize(
    "line",
    [
        "client.SetPassword(password)",
        "setPasswordVisible(!visible)",
        'client.set_token(os.environ["TOKEN"])',
        "reset_password('alice')",
    ],
)
def test_setter_calls_without_a_literal_are_left_alone(line: str) -> None:
    diff = _diff("src/client.py", line)
    assert redact_secrets(diff) == (diff, 0)


@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("scripts/ci.sh", f"echo 'NPM={NPM}' >> .env.ci", "echo 'NPM="),
        ("src/publish.js", f"fs.writeFileSync('.npmrc', '//r.example/:_authToken={SECRET}')", "="),
        (".npmrc", f"//registry.example.com/:_password={SECRET}", ":_password="),
        (".yarnrc.yml", f'npmAuthToken: "{SECRET}"', 'npmAuthToken: "'),
        ("scripts/ci.sh", f"npm config set //r.example/:_authToken {SECRET}", ":_authToken "),
        ("docs/publish.md", f"https://user:{SECRET}@registry.example.com/", "https://user:"),
    ],
)
def test_registry_tokens(path: str, line: str, kept: str) -> None:
    text, count = _redacted(path, line)
    assert SECRET not in text and NPM not in text and count == 1 and kept in text, text


def test_registry_tokens_go_by_shape() -> None:
    result = redact_details(_diff("src/a.py", f"publish({NPM})", f"upload({PYPI})"))
    assert NPM not in result.text and result.kinds["npm-token"] == 1
    assert PYPI not in result.text and result.kinds["pypi-token"] == 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("src/app/auth.py", 'token_type = "bearer"'),
        ("src/app/auth.py", 'TOKEN_URL = "https://auth.example.com/token"'),
        ("deploy/app.yaml", "token_ttl: 3600"),
        ("deploy/app.yaml", "  secretName: db-credentials"),
        ("Dockerfile", "ENV API_TOKEN_FILE /run/secrets/t"),
        ("docker-compose.yml", "      DB_PASSWORD_FILE: /run/secrets/db_password"),
        ("src/app/auth.py", 'OAUTH_TOKEN_ENDPOINT = "https://auth.example.com/oauth/token"'),
        ("src/app/auth.py", 'TOKEN_PREFIX = "Bearer "'),
    ],
)
def test_names_that_only_point_at_a_secret_are_left_alone(path: str, line: str) -> None:
    diff = _diff(path, line)
    assert redact_secrets(diff) == (diff, 0)


def _finishes(cases: list[tuple[str, ...]]) -> list[str]:
    """The redacted text of each ``(path, *lines)``; a hang guard for lines built to backtrack."""
    done: list[str] = []

    def run() -> None:
        for path, *lines in cases:
            done.append(redact_secrets(_diff(path, *lines))[0])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)  # linear matching takes milliseconds
    assert len(done) == len(cases)
    return done


def test_hostile_lines_for_every_new_form_finish() -> None:
    n = 10000
    cases: list[tuple[str, ...]] = [
        ("a.yaml", "password: " + "!a " * n + "&"),
        ("a.yaml", "tokens: [" + "a, " * n),
        ("a.yaml", "tokens: [" + "'a" * n),
        ("a.toml", "password = '''" + "'" * n),
        ("a.toml", 'password = """' + '\\"' * n),
        ("t.yaml", "{{ .Values.password | default " + '"\\' * n),
        ("t.yaml", "{{ default " + "'x' " * n),
        ("t.yaml", "{{ .Values." + "a." * n + " | default 'x' }}"),
        ("r.sh", "redis-cli -a " + "--token " * n),
        ("r.sh", "mysql " + "-p'" * n),
        ("r.sh", "curl -u " + "a:" * n),
        ("r.sh", "curl " + "-u 'a" * n),
        ("r.sh", "app " + "--" * n + "token"),
        ("a.yaml", "password: " + "|" * n),
        ("a.xml", "<password " + "a" * n),
        ("a.go", "c.set" + "Token" * n + "x"),
        ("a.go", "c." + "set" * n + "Token('x')"),
        ("a.go", "SetBasicAuth(" + '"a", ' * n),
        ("a.js", "dbPass" * n + " = 'x'"),
        ("a.sh", ":_authToken=" * n),
        ("a.py", "token_file" * n + " = 'x'"),
        ("a.yaml", "tokens:", "  - " + "a" * n + " " * n + "b"),
        ("a.yaml", "password:", "  " + "a " * n + ":x"),
        ("a.xml", "<password>", "  " + "<" * n),
        ("a.toml", "password = '''", "''" * n),
        ("a.json", '"tokens": [', '"' + "\\\\" * n),
    ]
    results = _finishes(cases)
    for (_, *lines), text in zip(cases, results, strict=True):
        assert text.count("\n") == 3 + len(lines), lines[0][:40]


@pytest.mark.parametrize(
    ("path", "opening", "closing"),
    [
        ("config/app.json", '  "api_keys": [', "  ],"),
        ("config/app.toml", "tokens = [", "]"),
    ],
)
def test_arrays_of_a_configuration_file_across_lines(path: str, opening: str, closing: str) -> None:
    lines = (opening, f'    "{SECRET}",', "    # a comment", "    'other2value'", closing, "a = 1")
    text, count = _redacted(path, *lines)
    assert SECRET not in text and "other2value" not in text and count == 1
    assert text.split("\n")[3:-1] == [
        f"+{opening}",
        '+    "[REDACTED:assignment]",',
        "+    # a comment",
        "+    '[...]'",
        f"+{closing}",
        "+a = 1",
    ]


@pytest.mark.parametrize(
    ("path", "lines"),
    [
        ("src/settings.py", ("AUTH_PASSWORD_VALIDATORS = [", '    "django.contrib.auth",', "]")),
        ("config/app.json", ('"tokens": [', '  {"name": "ci", "scope": "read"}', "]")),
    ],
)
def test_arrays_of_code_or_of_objects_are_left_alone(path: str, lines: tuple[str, ...]) -> None:
    diff = _diff(path, *lines)
    assert redact_secrets(diff) == (diff, 0)
