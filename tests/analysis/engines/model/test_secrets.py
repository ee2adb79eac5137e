"""Secret redaction of diff text: every kind of secret goes, ordinary code stays."""

from __future__ import annotations

import random
import secrets
import string

import pytest

from release_tools.analysis.engines.model.chunking import render_change
from release_tools.analysis.engines.model.secrets import (
    redact_details,
    redact_secrets,
    shannon_entropy,
)
from release_tools.analysis.models import ChangeKind, FileChange

# Assembled at run time so that no scanner mistakes this test file for a leak.
GITHUB = "ghp_" + "A1b2C3d4E5f6" * 3
GITHUB_PAT = "github_pat_" + "11ABCDEFG0" * 3 + "_xyz"
OPENAI = "sk-proj-" + "Zx9" * 10
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
SLACK = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOp"
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"
# Low entropy on purpose: the shape alone must catch it.
GOOGLE = "AIzaSyA-" + "1234567890abcdefghijklmnopqrstu"
GITLAB = "glpat-" + "AbCdEfGhIjKlMnOpQrSt"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9."
    + "eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
AZURE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq" + "/K1SZFPTOtr/KBHBeksoGMGw=="
)


def _diff(path: str, *lines: str) -> str:
    body = "\n".join(f"+{line}" for line in lines)
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}\n"


@pytest.mark.parametrize(
    ("line", "secret", "kind"),
    [
        (f'token = "{GITHUB}"', GITHUB, "github-token"),
        (f"GH={GITHUB_PAT}", GITHUB_PAT, "github-token"),
        (f"client = OpenAI(api_key='{OPENAI}')", OPENAI, "openai-key"),
        (f"stripe.api_key = {STRIPE}", STRIPE, "stripe-key"),
        (f"slack: {SLACK}", SLACK, "slack-token"),
        (f"aws_access_key_id = {AWS_ID}", AWS_ID, "aws-access-key-id"),
        (f"maps.init('{GOOGLE}')", GOOGLE, "google-api-key"),
        (f"gitlab = {GITLAB}", GITLAB, "gitlab-token"),
        (f"Authorization: Bearer {JWT}", JWT, "jwt"),
        (f"conn = 'AccountName=x;AccountKey={AZURE_KEY};'", AZURE_KEY, "azure-key"),
        ('db = "postgres://admin:s3cr3t-pw@db.local/app"', "s3cr3t-pw", "url-password"),
        (
            "hook = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'",
            "T00000000/B00000000",
            "slack-webhook",
        ),
    ],
)
def test_known_token_shapes(line: str, secret: str, kind: str) -> None:
    result = redact_details(_diff("src/app/settings.py", line))
    assert secret not in result.text
    assert f"[REDACTED:{kind}]" in result.text
    assert result.count >= 1 and result.kinds[kind] == 1


@pytest.mark.parametrize(
    "line",
    [
        'password = "hunter2"',
        "PASSWORD = 'correct horse battery staple'",
        '"db_password": "p@ss w0rd!"',
        "SECRET_KEY=django-insecure-abcdef",
        "api_key: abc123def456",
        "client_secret => 'shh-its-secret'",
        "AUTH_TOKEN=opensesame",
        "  private_key := `value-here`",
    ],
)
def test_secret_assignments(line: str) -> None:
    text, count = redact_secrets(_diff("config/app.py", line))
    assert count == 1
    assert "[REDACTED:assignment]" in text
    value = line.split("=")[-1].split(":")[-1].strip(" >'\"`")
    assert value not in text


@pytest.mark.parametrize(
    "line",
    [
        "def login(user, password: str = None):",
        "    if password == expected:",
        "    self.password = password",
        "    password=settings.db_password,",
        "token = get_token()",
        'password = ""',
        "api_key = os.environ['OPENAI_API_KEY']",
        'url = f"{base}/tokens/{token_id}"',
        "from release_tools.analysis.engines.model import RealtimeAnalyzer",
        "class AbstractSingletonProxyFactoryBean2Impl:",
        "    return compute_checksum(path, algorithm='sha256')",
        "see https://example.com/docs/getting-started/installation",
    ],
)
def test_ordinary_code_is_left_alone(line: str) -> None:
    diff = _diff("src/app/auth.py", line)
    text, count = redact_secrets(diff)
    assert count == 0, text
    assert text == diff


def test_pem_block_across_lines_keeps_the_diff_shape() -> None:
    key_body = ["MIIEpAIBAAKCAQEA7bq4", "c3VwZXJzZWNyZXRrZXlib2R5", "Zm9vYmFy"]
    diff = _diff(
        "deploy/key.pem",
        "-----BEGIN RSA PRIVATE KEY-----",
        *key_body,
        "-----END RSA PRIVATE KEY-----",
        "after = 1",
    )
    result = redact_details(diff)
    for part in key_body:
        assert part not in result.text
    assert result.kinds["private-key"] == 1 and result.count == 1
    assert result.text.count("\n") == diff.count("\n")
    assert "+after = 1" in result.text


def test_pem_block_without_its_end_drops_the_rest_of_the_chunk() -> None:
    diff = _diff("key.pem", "-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAA")
    text, count = redact_secrets(diff)
    assert "b3BlbnNzaC1rZXktdjEAAAAA" not in text and count == 1


def test_gcp_service_account_json() -> None:
    pem = (
        "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n"
        "-----END PRIVATE KEY-----\\n"
    )
    diff = _diff(
        "sa.json",
        "{",
        '  "type": "service_account",',
        f'  "private_key": "{pem}",',
        '  "client_email": "bot@project.iam.gserviceaccount.com"',
        "}",
    )
    result = redact_details(diff)
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in result.text
    assert result.count == 1 and result.kinds["gcp-private-key"] == 1
    assert "service_account" in result.text


@pytest.mark.parametrize("name", [".env", "config/.env.production", "prod.env", ".env.local"])
def test_every_value_of_env_files(name: str) -> None:
    diff = _diff(name, "DB_HOST=db.internal", "# a comment", "export DEBUG=1", "EMPTY=")
    result = redact_details(diff)
    assert "db.internal" not in result.text
    assert "DEBUG=[REDACTED:env-value]" in result.text
    assert "+# a comment" in result.text and "+EMPTY=" in result.text
    assert result.count == 2


def test_env_rules_apply_only_to_env_files() -> None:
    text, count = redact_secrets(_diff("src/app/config.py", "DB_HOST = 'db.internal'"))
    assert count == 0 and "db.internal" in text


def test_file_of_a_deleted_env_file_is_known_from_the_old_path() -> None:
    diff = "--- a/.env\n+++ /dev/null\n@@ -1 +0,0 @@\n-DB_HOST=db.internal\n"
    text, count = redact_secrets(diff)
    assert "db.internal" not in text and count == 1


def test_added_line_starting_with_plus_plus_is_not_a_header() -> None:
    diff = _diff(".env", "A=1") + "@@ -5 +5 @@\n+++counter\n+B=2\n"
    text, count = redact_secrets(diff)
    assert "+B=[REDACTED:env-value]" in text and count == 2


def test_high_entropy_strings() -> None:
    rng = random.Random(4)
    alphabet = string.ascii_letters + string.digits
    token = "".join(rng.choice(alphabet) for _ in range(40))
    hex_key = "".join(rng.choice("0123456789abcdef") for _ in range(64))
    diff = _diff("src/app/x.py", f'X = "{token}"', f"checksum = {hex_key}")
    result = redact_details(diff)
    assert token not in result.text and hex_key not in result.text
    assert result.kinds["high-entropy"] + result.kinds["assignment"] == 2


def test_random_tokens_are_mostly_caught() -> None:
    tokens = [secrets.token_urlsafe(24) for _ in range(200)]
    caught = sum(redact_secrets(f"+value({t})")[1] for t in tokens)
    # A random 32-character token lacks a digit or an upper-case letter ~1% of the time.
    assert caught >= 190


def test_counts_each_secret_once_even_when_rules_overlap() -> None:
    text, count = redact_secrets(_diff("a.py", f'api_key = "{OPENAI}"', f'token = "{GITHUB}"'))
    assert count == 2
    assert OPENAI not in text and GITHUB not in text


def test_nothing_to_redact_returns_the_text_unchanged() -> None:
    diff = _diff("src/a.py", "def run():", "    return 1")
    assert redact_secrets(diff) == (diff, 0)
    assert redact_secrets("") == ("", 0)


def test_shannon_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)


def test_secrets_in_file_header_paths_are_redacted() -> None:
    diff = (
        f"--- a/keys/{GITHUB}.txt\n+++ b/keys/{GITHUB}.txt\n@@ -1 +1 @@\n-a\n+b\n"
        f"--- a/old.py\n+++ b/cfg/{OPENAI}.py (renamed)\n@@ -1 +1 @@\n-a\n+b\n"
    )
    result = redact_details(diff)
    assert GITHUB not in result.text and OPENAI not in result.text
    assert result.kinds["github-token"] == 2 and result.kinds["openai-key"] == 1
    lines = result.text.split("\n")
    assert lines[0] == "--- a/keys/[REDACTED:github-token].txt"
    assert lines[1] == "+++ b/keys/[REDACTED:github-token].txt"
    assert lines[6] == "+++ b/cfg/[REDACTED:openai-key].py (renamed)"
    assert len(lines) == len(diff.split("\n"))


def test_rendered_rename_header_is_redacted() -> None:
    change = FileChange(
        path=f"deploy/{STRIPE}.yaml", kind=ChangeKind.RENAMED, old_path=f"deploy/{AWS_ID}.yaml"
    )
    text, count = redact_secrets(render_change(change))
    assert STRIPE not in text and AWS_ID not in text and count == 2
    assert text.startswith("--- a/deploy/[REDACTED:aws-access-key-id].yaml\n")
    assert "+++ b/deploy/[REDACTED:stripe-key].yaml (renamed)\n" in text


def test_git_extended_header_lines_are_redacted_and_keep_their_shape() -> None:
    diff = (
        f"diff --git a/{GITHUB} b/{GITHUB}\n"
        f"similarity index 90%\n"
        f"rename from dir/api_key=hunter2\n"
        f"rename to {SLACK}\n"
        f"copy from {AWS_ID}\n"
        f"copy to {AWS_ID}.bak\n"
    )
    text, count = redact_secrets(diff)
    for secret in (GITHUB, "hunter2", SLACK, AWS_ID):
        assert secret not in text
    assert count == 6
    assert text.split("\n") == [
        "diff --git a/[REDACTED:github-token] b/[REDACTED:github-token]",
        "similarity index 90%",
        "rename from dir/api_key=[REDACTED:assignment]",
        "rename to [REDACTED:slack-token]",
        "copy from [REDACTED:aws-access-key-id]",
        "copy to [REDACTED:aws-access-key-id].bak",
        "",
    ]


def test_header_lines_after_an_env_file_get_every_rule() -> None:
    # The .env rules only know NAME=value lines; the next file's headers still need the others.
    diff = _diff(".env", "A=1") + (
        "diff --git a/x b/x\nrename from token=open-sesame\n--- a/x\n+++ b/password=hunter2\n"
    )
    text, count = redact_secrets(diff)
    assert "open-sesame" not in text and "hunter2" not in text
    assert "+++ b/password=[REDACTED:assignment]" in text and count == 3


def test_context_in_a_hunk_header_is_redacted_like_file_content() -> None:
    env = "--- a/.env\n+++ b/.env\n@@ -4,2 +4,2 @@ DB_PASSWORD=hunter2\n-F=6\n+F=7\n"
    text, count = redact_secrets(env)
    assert "hunter2" not in text and count == 3
    assert "@@ -4,2 +4,2 @@ DB_PASSWORD=[REDACTED:env-value]" in text
    code = f'--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@ def f(token="{GITHUB}"):\n-a\n+b\n'
    text, count = redact_secrets(code)
    assert GITHUB not in text and count == 1
    assert '@@ -1 +1 @@ def f(token="[REDACTED:github-token]"):' in text
