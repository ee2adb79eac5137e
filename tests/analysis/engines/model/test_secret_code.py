"""Secret literals in code that the assignment rule alone does not see: a Python value in
parentheses or on the line after a continuation, a lookup's literal default under a secret's
name whatever name it looks up, Rust's and others' constructors around a literal, and C's and
C++'s defines and character arrays; the code around them stays.
"""

from __future__ import annotations

import time

import pytest

from diff_hunk import modified_hunk as _hunk
from release_tools.analysis.engines.model.secrets import redact_details

SECRET = "hunter2secret"
MORE = "second2part"


def _side(marker: str, *lines: str) -> list[str]:
    return [marker + line for line in lines]


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ("DB_PASSWORD = (", f'    "{SECRET}"', ")", 'HOST = "db"'),
            ("DB_PASSWORD = (", '    "[REDACTED:assignment]"', ")", 'HOST = "db"'),
        ),
        (
            ("    password = (", f'        "{SECRET}"', f'        "{MORE}"  # two parts', "    )"),
            ("    password = (", '        "[REDACTED:assignment]"', '        "[...]"  # two parts'),
        ),
        (
            ("API_KEY = \\", f'    "{SECRET}"', 'HOST = "db"'),
            ("API_KEY = \\", '    "[REDACTED:assignment]"', 'HOST = "db"'),
        ),
        (
            ("API_KEY = \\", f'    "{SECRET}" \\', f'    "{MORE}"', "x = 1"),
            ("API_KEY = \\", '    "[REDACTED:assignment]" \\', '    "[...]"', "x = 1"),
        ),
        (
            (
                "token = (",
                '    os.environ.get("APP_TOKEN")',
                f'    or "{SECRET}"',
                ")",
                'y = "kept"',
            ),
            ("token = (", '    os.environ.get("[REDACTED:assignment]")', '    or "[...]"', ")"),
        ),
        ((f'password = ("{SECRET}")',), ('password = ("[REDACTED:assignment]")',)),
    ],
)
def test_a_python_value_in_parentheses_or_continued(
    lines: tuple[str, ...], expected: tuple[str, ...], marker: str
) -> None:
    result = redact_details(_hunk("settings.py", *_side(marker, *lines)))
    assert SECRET not in result.text and MORE not in result.text, result.text
    assert "\n".join(_side(marker, *expected)) in result.text
    assert result.count == 1


def test_a_parenthesised_value_changed_on_both_sides() -> None:
    lines = (" password = (", f'-    "{SECRET}"', f'+    "{MORE}"', " )", ' host = "db"')
    result = redact_details(_hunk("settings.py", *lines))
    assert SECRET not in result.text and MORE not in result.text, result.text
    assert ' host = "db"' in result.text


@pytest.mark.parametrize(
    "lines",
    [
        ("token = (", '    f"{prefix}{suffix}"', ")"),
        ("def check_password(", '    user, mode="strict"', "):"),
        ("password = (", "    os.environ['DB_PASSWORD']", ")"),
    ],
)
def test_code_in_parentheses_without_a_literal_secret_stays(lines: tuple[str, ...]) -> None:
    diff = _hunk("settings.py", *_side("+", *lines))
    result = redact_details(diff)
    # The variable's name looked up may go; the code around it stays.
    assert result.text.count("\n") == diff.count("\n") and result.count <= 1
    assert "mode=" not in diff or result.count == 0


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("app.py", f'token = os.environ.get("T", "{SECRET}")', 'get("T", "'),
        ("app.py", f"api_key = os.getenv('SERVICE', '{SECRET}')", "getenv('SERVICE', '"),
        ("app.py", f'password = settings.get("db", "{SECRET}")', 'get("db", "'),
        ("config.rb", f'api_key = ENV.fetch("K", "{SECRET}")', 'fetch("K", "'),
        ("app.py", f'token = os.getenv("T") or "{SECRET}"', ') or "'),
        ("app.js", f'const token = process.env.T || "{SECRET}";', "process.env.T || "),
        ("app.ts", f"const apiKey = env['K'] ?? '{SECRET}';", "?? '"),
    ],
)
def test_a_lookups_literal_default_under_a_secrets_name(
    path: str, line: str, kept: str, marker: str
) -> None:
    result = redact_details(_hunk(path, marker + line))
    assert SECRET not in result.text, result.text
    assert kept in result.text and result.count == 1


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("src/main.rs", f'let api_key = String::from("{SECRET}");', 'String::from("'),
        ("src/main.rs", f'let token: String = String::from("{SECRET}");', 'String::from("'),
        ("src/main.rs", f'    password: String::from("{SECRET}"),', 'password: String::from("'),
        ("src/main.rs", f'let token = "{SECRET}".to_string();', 'let token = "'),
        ("src/main.rs", f'    password: "{SECRET}".into(),', 'password: "'),
        ("src/main.rs", f'    password: Some("{SECRET}".to_string()),', 'Some("'),
        ("src/main.rs", f'    password: Some(String::from("{SECRET}")),', 'Some(String::from("'),
        ("src/main.rs", f'let secret = SecretString::new("{SECRET}".into());', '::new("'),
        ("Main.java", f'String password = new String("{SECRET}");', 'new String("'),
        ("models.py", f'password: SecretStr = SecretStr("{SECRET}")', 'SecretStr("'),
    ],
)
def test_a_constructor_around_a_literal(path: str, line: str, kept: str, marker: str) -> None:
    result = redact_details(_hunk(path, marker + line))
    assert SECRET not in result.text, result.text
    assert kept + "[REDACTED:assignment]" in result.text and result.count == 1


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("src/config.h", f'#define API_KEY "{SECRET}"', '#define API_KEY "'),
        ("src/config.h", f'#  define DB_PASSWORD L"{SECRET}"', 'DB_PASSWORD L"'),
        ("src/main.c", f'char password[] = "{SECRET}";', 'password[] = "'),
        ("src/main.c", f'static wchar_t token[64] = L"{SECRET}";', 'token[64] = L"'),
        ("src/main.c", f'const char *token = "{SECRET}";', '*token = "'),
        ("src/main.cc", f'static const std::string kSecret = "{SECRET}";', 'kSecret = "'),
        ("src/main.cc", f'constexpr char kApiKey[] = "{SECRET}";', 'kApiKey[] = "'),
    ],
)
def test_c_and_cpp_literals(path: str, line: str, kept: str, marker: str) -> None:
    result = redact_details(_hunk(path, marker + line))
    assert SECRET not in result.text, result.text
    assert kept + "[REDACTED:assignment]" in result.text and result.count == 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("app.py", 'token = os.environ.get("T")'),
        ("app.py", 'token = os.environ.get("T", "")'),
        ("app.py", "token = get_token() or None"),
        ("app.js", 'const token = process.env.T || "";'),
        ("src/main.rs", "    password: String::new(),"),
        ("src/main.rs", 'let token = Token::new("ident");'),
        ("src/main.rs", "let api_key = String::from(key);"),
        ("src/config.h", "#define API_KEY_LEN 32"),
        ("src/config.h", "#define API_KEY get_api_key()"),
        ("src/main.c", "char password[64];"),
        ("src/main.c", "password[i] = c;"),
    ],
)
def test_code_without_a_literal_secret_stays(path: str, line: str) -> None:
    diff = _hunk(path, "+" + line, "-" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_long_hostile_lines_are_quick() -> None:
    lines = [
        "+token = " + "a." * 5000 + "get(",
        "+password = " + "x" * 10000 + " or ",
        "+password: " + "a " * 5000 + "= String::from(",
        "+" + "char password[" * 2000,
        "+" + "#define token " * 2000,
        "+" + "password = (" * 2000,
        "+" + "password = x or " * 2000,
    ]
    start = time.perf_counter()
    redact_details(_hunk("app.py", *lines))
    assert time.perf_counter() - start < 1.0
