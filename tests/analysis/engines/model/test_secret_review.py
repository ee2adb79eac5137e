"""Secret redaction across the two sides of a diff and its hunk boundaries, credentials in
Kubernetes env entries, prefixed string literals and URLs without a user; and the code, help
text and types that must stay readable.
"""

from __future__ import annotations

import pytest

from release_tools.analysis.engines.model.secrets import redact_secrets

SECRET = "hunter2secret"
PEM_BEGIN = "-----BEGIN " + "RSA PRIVATE KEY-----"


def _diff(path: str, *lines: str) -> str:
    body = "\n".join(f"+{line}" for line in lines)
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}\n"


def _hunk(path: str, *lines: str, context: str = "") -> str:
    """A modification hunk of ``path``; ``lines`` carry their own diff markers."""
    return f"--- a/{path}\n+++ b/{path}\n@@ -1,3 +1,3 @@{context}\n" + "\n".join(lines) + "\n"


# --- the two sides of a diff ------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        # A key removed after a block scalar, whose last line changed: the removed line ends
        # the value in the old file only; the added line is still inside it in the new one.
        (" password: |", "   line1", "-debug: true", f"+  {SECRET}"),
        (" tokens:", "   - first", "-debug: true", f"+  - {SECRET}"),
        (" db:", "   password: >-", "     line1", "-  host: a", f"+    {SECRET}"),
    ],
)
def test_a_removed_line_does_not_end_the_new_files_value(lines: tuple[str, ...]) -> None:
    text, count = redact_secrets(_hunk("deploy/app.yaml", *lines))
    assert SECRET not in text, text
    assert count >= 1


def test_an_added_line_does_not_end_the_old_files_value() -> None:
    diff = _hunk(
        "config/app.json", '   "api_keys": [', '     "first",', "+  ],", f'-    "{SECRET}"'
    )
    text, _ = redact_secrets(diff)
    assert SECRET not in text, text


def test_each_side_keeps_what_is_outside_its_value() -> None:
    diff = _hunk("deploy/app.yaml", "-password: |", f"-  {SECRET}", "+version: 1.2.3")
    text, count = redact_secrets(diff)
    assert SECRET not in text and "+version: 1.2.3" in text and count == 1, text


# --- hunk boundaries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "lines"),
    [
        (" password: |", (f"-  {SECRET}", "+  other2value")),
        (" private_key: >-", (f"   {SECRET}", "+  other2value")),
        (" tokens:", (f"-  - {SECRET}", "+  - other2value")),
    ],
)
def test_a_hunk_inside_a_yaml_value_named_by_its_header(
    context: str, lines: tuple[str, ...]
) -> None:
    text, count = redact_secrets(_hunk("deploy/app.yaml", *lines, context=context))
    assert SECRET not in text and "other2value" not in text, text
    assert count >= 1


def test_a_hunk_after_a_yaml_value_named_by_its_header_is_kept() -> None:
    diff = _hunk("deploy/app.yaml", "-version: 1.2.3", "+version: 1.3.0", context=" password: |")
    text, _ = redact_secrets(diff)
    assert "-version: 1.2.3\n+version: 1.3.0" in text


def test_a_key_block_cut_by_the_hunks_end_leaves_the_next_hunk_and_file() -> None:
    diff = (
        "--- a/tests/keys.py\n+++ b/tests/keys.py\n@@ -1,4 +1,4 @@\n"
        f" KEY = '''{PEM_BEGIN}\n MIIEowIBAAKCAQEA\n-old\n+new\n"
        "@@ -40,2 +40,2 @@ def version():\n-    return '1.2.3'\n+    return '2.0.0'\n"
        "diff --git a/src/app.py b/src/app.py\n--- a/src/app.py\n+++ b/src/app.py\n"
        "@@ -1 +1 @@\n+def renamed_api(): pass\n"
    )
    text, count = redact_secrets(diff)
    assert "MIIEowIBAAKCAQEA" not in text and count == 1, text
    assert "+    return '2.0.0'" in text and "+def renamed_api(): pass" in text, text
    assert "diff --git a/src/app.py b/src/app.py" in text


# --- leaks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ("        env:", "        - name: DB_PASSWORD", f"          value: {SECRET}"),
        ("        env:", "        - name: API_TOKEN", f'          value: "{SECRET}"'),
        ("  - name: API_TOKEN", "    # the key the deploy gave us", f"    value: {SECRET}"),
        ("  - name: DB_PASSWORD", "    description: the database's", f"    value: {SECRET}"),
        ("env:", f"- {{name: DB_PASSWORD, value: {SECRET}}}"),
        ("env:", f'  - {{ "name": "API_KEY", "value": "{SECRET}" }}'),
    ],
)
def test_a_kubernetes_env_entry_named_as_a_secret(lines: tuple[str, ...]) -> None:
    text, count = redact_secrets(_diff("k8s/deploy.yaml", *lines))
    assert SECRET not in text and count == 1, text


@pytest.mark.parametrize(
    "lines",
    [
        ("        - name: LOG_LEVEL", "          value: debug"),
        ("        - name: API_TOKEN", "          valueFrom:", "            secretKeyRef:"),
        ("        - name: API_TOKEN", "          value: ${API_TOKEN}"),
        ("        - name: API_TOKEN", "        - name: VERSION", "          value: 1.2.3"),
    ],
)
def test_other_kubernetes_env_entries_stay(lines: tuple[str, ...]) -> None:
    diff = _diff("k8s/deploy.yaml", *lines)
    assert redact_secrets(diff) == (diff, 0)


@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("src/app/db.py", f'connect(password=b"{SECRET}")', 'password=b"'),
        ("src/app/db.py", f"PASSWORD = rb'{SECRET}'", "PASSWORD = rb'"),
        ("src/db.rs", f'let token = r#"{SECRET}"#;', 'let token = r#"'),
        ("deploy/app.yaml", f"password: 'it''s-{SECRET}'", "password: '"),
        ("src/cache.py", f'REDIS_URL = "redis://:{SECRET}@cache:6379/0"', "redis://:"),
    ],
)
def test_prefixed_and_doubled_quotes_and_urls_without_a_user(
    path: str, line: str, kept: str
) -> None:
    text, count = redact_secrets(_diff(path, line))
    assert SECRET not in text and count == 1, text
    assert kept in text


# --- what must stay ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("README.md", "Run `release-tools publish --token TOKEN` to publish."),
        ("README.md", "  -p, --password PASSWORD  the password"),
        ("docs/cli.md", "  --api-key API_KEY   the key (or set API_KEY)"),
        ("docs/cli.md", "command-line flags (`--token ...`, `--password=...`)"),
        ("src/lib.rs", "    let hasher = PasswordHasher::new();"),
        ("src/lib.rs", "    let kind = TokenKind::Ident;"),
        ("src/lib.rs", "    pub api_key: Option<String>,"),
        ("src/lib.rs", "    tokens: Vec<Token>,"),
        ("src/lib.rs", "    passwords: HashMap<String, String>,"),
        ("src/index.ts", "  token?: Array<Token>;"),
        ("src/index.ts", "export type TokenKind = 'ident' | 'number';"),
        ("src/app/auth.py", 'password = f"{prefix}{secret}"'),
        ("src/app/auth.py", 'PASSWORD_PROMPT = "{user}"'),
        ("CHANGELOG.md", "- Password hashing uses argon2 (`PasswordHasher::new`)."),
    ],
)
def test_help_text_paths_and_types_stay(path: str, line: str) -> None:
    diff = _diff(path, line)
    assert redact_secrets(diff) == (diff, 0)


def test_the_credentials_beside_kept_forms_still_go() -> None:
    text, count = redact_secrets(
        _diff("scripts/deploy.sh", f"app --token {SECRET}", f"app --password 'X{SECRET}'")
    )
    assert SECRET not in text and count == 2, text
    text, count = redact_secrets(_diff("src/lib.rs", f'    password: "{SECRET}",'))
    assert SECRET not in text and count == 1, text


def test_an_unclosed_default_of_many_lookups_is_kept() -> None:
    # Each "${TOKEN:-" used to scan the rest of the line for its closing brace and then give
    # it back character by character; the result is the line as it was.
    line = "echo " + "${TOKEN:-" * 20000
    diff = _diff("scripts/run.sh", line)
    assert redact_secrets(diff) == (diff, 0)
