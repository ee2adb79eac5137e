"""Secrets in typed declarations, configuration files and other named places are redacted.

The unit tests run :func:`redact_secrets` on diff text; the last test sends a real repository's
change through the realtime provider to the in-process scripted server and checks what the
server received.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.engines.model.secrets import redact_details, redact_secrets
from scripted_model import ScriptedModel, analyze_scripted

KEY = "sk-test-" + "d3cl" * 10
# Assembled at run time so that no scanner mistakes this test file for a leak.
HF_TOKEN = "hf_" + "AbCdEfGhIjKlMnOpQr" + "StUvWxYz01234567"


def _diff(path: str, *lines: str) -> str:
    body = "\n".join(f"+{line}" for line in lines)
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}\n"


@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("src/app/config.py", 'db_password: str = "Tr0ub4dor&3xyz"', "db_password: str = "),
        ("src/app/config.py", 'api_token: Optional[str] = "plain-value"', ": Optional[str] = "),
        ("src/app/config.py", 'api_token: str | None = "plain-value"', ": str | None = "),
        ("src/app/config.py", 'API_TOKEN: Final = "plain-value"', "API_TOKEN: Final = "),
        ("src/keys.rs", 'static API_TOKEN: &str = "plain-value";', "static API_TOKEN: &str = "),
        ("src/keys.rs", 'const API_TOKEN: &\'static str = "plain-value";', ": &'static str = "),
        ("src/keys.rs", 'let secret: Option<String> = "plain-value";', ": Option<String> = "),
        ("src/keys.rs", "const API_KEY: u64 = 0x5eed1234abcd;", "const API_KEY: u64 = "),
        ("src/client.ts", 'export const apiKey: string = "plain-value";', "apiKey: string = "),
        ("src/client.ts", "private readonly apiKey: string = 'plain-value';", ": string = "),
        ("main.go", 'var apiToken string = "plain-value"', "var apiToken string = "),
        ("main.go", 'var apiTokens []string = "plain-value"', "apiTokens []string = "),
        ("App.kt", 'val apiKey: String = "plain-value"', "val apiKey: String = "),
        ("App.kt", 'val apiKey: String? = "plain-value"', "val apiKey: String? = "),
        ("App.swift", 'let apiKey: String = "plain-value"', "let apiKey: String = "),
    ],
)
def test_typed_declarations_lose_the_value_and_keep_the_type(
    path: str, line: str, kept: str
) -> None:
    result = redact_details(_diff(path, line))
    value = line.rsplit("=", 1)[1].strip(" ;\"'")
    assert value not in result.text
    assert kept in result.text, result.text
    assert result.count == 1 and result.kinds["assignment"] == 1


@pytest.mark.parametrize(
    ("path", "line", "secret"),
    [
        ("deploy/app.yaml", "password: letmein", "letmein"),
        ("deploy/app.yaml", "  - api_key: correct horse battery", "horse"),
        ("deploy/app.yaml", "db: {user: bob, password: letmein}", "letmein"),
        ("config/app.toml", 'password = "letmein"', "letmein"),
        ("setup.cfg", "password = letmein", "letmein"),
        ("config/app.ini", "secret_key = a b c", "a b c"),
        ("src/main/resources/app.properties", "db.password=letmein", "letmein"),
        ("config/app.json", '  "token": 12345,', "12345"),
        (".npmrc", "//registry.npmjs.org/:_authToken=letmein", "letmein"),
        (".netrc", "  password letmein", "letmein"),
        ("scripts/ci.sh", "echo 'machine h.io login bob password letmein' > ~/.netrc", "letmein"),
        ("config.php", "define('DB_PASSWORD', 'letmein');", "letmein"),
        ("config.php", 'define("API_KEY", "letmein");', "letmein"),
        ("settings.xml", "<password>letmein</password>", "letmein"),
        ("settings.xml", '<ns:apiToken id="x">letmein</ns:apiToken>', "letmein"),
        ("web.config", '<add key="ApiKey" value="letmein"/>', "letmein"),
    ],
)
def test_values_in_configuration_shapes(path: str, line: str, secret: str) -> None:
    text, count = redact_secrets(_diff(path, line))
    assert secret not in text, text
    assert count == 1 and "[REDACTED:assignment]" in text


def test_hugging_face_tokens_go_by_shape() -> None:
    result = redact_details(_diff("src/app/hub.py", f'HF = "{HF_TOKEN}"', f"login({HF_TOKEN})"))
    assert HF_TOKEN not in result.text
    assert result.kinds["huggingface-token"] == 2 and result.count == 2


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("src/app/auth.py", "def login(user, password: str = None):"),
        ("src/app/auth.py", "def login(user, password: str):"),
        ("src/app/auth.py", "    password: str"),
        ("src/app/auth.py", 'password: str = ""'),
        ("src/app/auth.py", "password: str = settings.password"),
        ("src/app/auth.py", "token: Token = make_token()"),
        ("src/app/auth.py", "password_hash: Mapped[str] = mapped_column(String(128))"),
        ("src/app/auth.py", "tokens: list[str] = []"),
        ("src/app/auth.py", 'if token == "":'),
        ("src/app/auth.py", 'path = hf_hub_download(repo_id="org/model")'),
        ("src/auth.rs", "fn check(password: &str) -> bool {"),
        ("src/auth.rs", "fn check(password: &mut String, token: *const u8) {"),
        ("src/auth.rs", "let token: &str = &args[1];"),
        ("src/auth.rs", 'static API_TOKEN: &str = env!("API_TOKEN");'),
        ("src/auth.ts", "function f(apiKey: string): void {"),
        ("src/auth.ts", 'const apiKey: string = process.env.API_KEY ?? "";'),
        ("auth.go", "func Login(password string) error {"),
        ("auth.go", "var token string"),
        ("auth.go", "token, err := getToken()"),
        ("Auth.kt", "fun login(password: String): Boolean {"),
        ("templates/login.html", '<input name="password" type="text">'),
        ("templates/login.html", '<password-field label="x"></password-field>'),
        ("docs/usage.md", "Enter your password and login with your machine name."),
        ("settings.xml", "<password>${env.DB_PASSWORD}</password>"),
        ("deploy/app.yaml", "password: ${DB_PASSWORD}"),
        ("deploy/app.yaml", "password: ~"),
        (".github/workflows/ci.yml", "  id-token: write"),
        (".github/workflows/ci.yml", "    secrets: inherit"),
        (".github/workflows/ci.yml", "      token: ${{ secrets.GITHUB_TOKEN }}"),
        ("scripts/ci.sh", 'echo "machine h.io login bob password $TOKEN" > ~/.netrc'),
    ],
)
def test_ordinary_code_and_references_are_left_alone(path: str, line: str) -> None:
    diff = _diff(path, line)
    text, count = redact_secrets(diff)
    assert count == 0, text
    assert text == diff


def test_a_long_name_without_a_value_is_quick() -> None:
    # Backtracking through a long run of name characters once took seconds per line.
    diff = _diff("deploy/app.yaml", "password" * 400 + ": [x]", "token" * 400 + " " * 400)
    text, _ = redact_secrets(diff)
    assert text.count("\n") == diff.count("\n")


async def test_typed_secrets_never_reach_the_server(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "1.0.0"\n')
    repo.write("src/app/__init__.py", "def run():\n    return 1\n")
    repo.commit("feat: init")
    repo.tag("v1.0.0")
    secrets = {
        "src/app/config.py": ('    db_password: str = "{}"\n', "Tr0ub4dor&3xyz"),
        "src/app/keys.rs": ('static API_TOKEN: &str = "{}";\n', "plain-token-value-2"),
        "src/app/client.ts": ('export const apiKey: string = "{}";\n', "plain-token-value-3"),
        "src/app/main.go": ('var apiToken string = "{}"\n', "plain-token-value-4"),
        "src/app/Main.kt": ('val apiKey: String = "{}"\n', "plain-token-value-5"),
    }
    for path, (template, value) in secrets.items():
        repo.write(path, template.format(value))
    repo.commit("feat: configuration")
    model = ScriptedModel()
    decision = await analyze_scripted(repo.path, model, KEY)
    sent = "\n".join(model.chunk_prompts + model.final_prompts)
    assert model.chunk_prompts
    for _, value in secrets.values():
        assert value not in sent
    assert "static API_TOKEN: &str = " in sent
    assert decision.redactions == len(secrets)


def test_an_unclosed_quote_full_of_backslashes_costs_linear_time() -> None:
    # Exponential backtracking took 3 s at 48 characters and doubled every two more.
    done: list[int] = []

    def run() -> None:
        for line in ('password = "' + "\\\\" * 5000, "define('API_TOKEN', '" + "\\\\" * 5000):
            diff = f"diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -0,0 +1 @@\n+{line}\n"
            done.append(redact_secrets(diff)[1])

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a hang guard: linear matching takes milliseconds
    assert len(done) == 2


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ('client = Client(sid, "SKdbae003aa0e8c5c8e11739b1b7d314e4")', 'client = Client(sid, "'),
        ('k = "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"', 'k = "'),
        ("      DB_PASS: Winter2024", "      DB_PASS: "),
        ("ENV SMTP_PW=Winter2024", "ENV SMTP_PW="),
        ("      RAILS_MASTER_KEY: Winter2024", "      RAILS_MASTER_KEY: "),
        ("_auth=dXNlcjpwYXNz", "_auth="),
        ("Authorization: Basic dXNlcjpodW50ZXIyMg==", "Authorization: Basic "),
        ('headers = {"Authorization": "Basic dXNlcjpodW50ZXIyMg=="}', '{"Authorization": "Basic '),
    ],
)
def test_prefixed_hex_short_names_and_basic_credentials_are_redacted(line: str, kept: str) -> None:
    diff = f"diff --git a/x.yml b/x.yml\n--- a/x.yml\n+++ b/x.yml\n@@ -0,0 +1 @@\n+{line}\n"
    text, count = redact_secrets(diff)
    assert count >= 1 and "[REDACTED" in text and kept in text
    assert "Winter2024" not in text and "hunter" not in text and "dbae003a" not in text


@pytest.mark.parametrize(
    "line",
    [
        '    "jsonwebtoken": "^9.0.0",',
        'tiktoken = ">=0.15"',
        "max_tokens = 4096",
        "    max_tokens: int = 4096",
        "PASSWORD_MIN_LENGTH = 12",
        "bypass = compute()",
        "passenger_count = 3",
        "oauth_url = 'https://example.com/authorize'",
    ],
)
def test_numbers_versions_and_other_words_are_left_alone(line: str) -> None:
    diff = f"diff --git a/p.py b/p.py\n--- a/p.py\n+++ b/p.py\n@@ -0,0 +1 @@\n+{line}\n"
    assert redact_secrets(diff) == (diff, 0)


@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        (
            "settings.py",
            "password = os.getenv('DB_PASSWORD', 'Winter2024')",
            "getenv('DB_PASSWORD', '",
        ),
        (
            "settings.py",
            "K = os.environ.get('SECRET_KEY', 'insecure-Winter2024')",
            "'SECRET_KEY', '",
        ),
        ("src/config.js", "const token = process.env.TOKEN || 'Winter2024';", "TOKEN || '"),
        ("run.sh", 'export DB_PASSWORD="${DB_PASSWORD:-Winter2024}"', "${DB_PASSWORD:-"),
        ("src/app.py", 'settings["password"] = "Winter2024"', 'settings["password"] = "'),
        ("src/app.py", "os.environ['API_TOKEN'] = 'Winter2024'", "os.environ['API_TOKEN'] = '"),
        ("Dockerfile", "ENV DB_PASSWORD Winter2024", "ENV DB_PASSWORD "),
        ("001.sql", "CREATE USER app WITH PASSWORD 'Winter2024';", "WITH PASSWORD '"),
        ("001.sql", "ALTER USER app IDENTIFIED BY 'Winter2024';", "IDENTIFIED BY '"),
    ],
)
def test_fallbacks_subscripts_and_forms_without_a_separator_are_redacted(
    path: str, line: str, kept: str
) -> None:
    diff = f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -0,0 +1 @@\n+{line}\n"
    text, count = redact_secrets(diff)
    assert count >= 1 and kept in text and "Winter2024" not in text


@pytest.mark.parametrize(
    "line",
    ["ENV PATH /usr/local/bin", 'v = os.getenv("DB_PASSWORD", "")', "x = process.env.TOKEN || ''"],
)
def test_lookups_without_a_literal_default_are_left_alone(line: str) -> None:
    head = "diff --git a/Dockerfile b/Dockerfile\n--- a/Dockerfile\n+++ b/Dockerfile\n"
    diff = f"{head}@@ -0,0 +1 @@\n+{line}\n"
    assert redact_secrets(diff) == (diff, 0)
