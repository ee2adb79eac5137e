"""Secret redaction of diff text: every kind of secret goes, ordinary code stays."""

from __future__ import annotations

import random
import secrets
import string

import pytest

from release_tools.analysis.engines.model.secrets import (
    redact_details,
    redact_secrets,
    shannon_entropy,
)

# Assembled at run time so that no scanner mistakes this test file for a leak.
GITHUB = "ghp_" + "A1b2C3d4E5f6" * 3
GITHUB_PAT = "github_pat_" + "11ABCDEFG0" * 3 + "_xyz"
OPENAI = "sk-proj-" + "Zx9" * 10
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
SLACK = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOp"
AWS_ID = "AKIA" + "IOSFODNN7EXAMPLE"
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
