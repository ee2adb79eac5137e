"""A lookup's literal default written with space before the call's parenthesis
(``os.getenv ("API_TOKEN", "...")``, ``ENV.fetch ("PASSWORD", "...")``), under a secret's name
or looking one up, is redacted as the same call without the space is; the lookups of names that
are no secret's, and a secret's pointer, keep their defaults.
"""

from __future__ import annotations

import pytest

from diff_hunk import modified_hunk as _hunk
from release_tools.analysis.engines.model.secrets import redact_details

SECRET = "s3cr3t-value-123"
MARK = "[REDACTED:assignment]"


@pytest.mark.parametrize("space", ["", " ", "  ", "\t"])
@pytest.mark.parametrize(
    ("path", "line"),
    [
        # The secret's name is the one looked up.
        ("app.py", 'x = os.getenv{s}("API_TOKEN", "{v}")'),
        ("app.py", 'x = os.environ.get{s}("DB_PASSWORD", "{v}")'),
        ("app.py", 'os.environ.setdefault{s}("SECRET_KEY", "{v}")'),
        ("main.go", 'os.Setenv{s}("API_KEY", "{v}")'),
        ("app.rb", 'x = ENV.fetch{s}("PASSWORD", "{v}")'),
        ("app.rb", "x = ENV.fetch{s}('PASSWORD', '{v}')"),
        # The result goes under a secret's name, whatever name is looked up.
        ("app.py", 'token = os.getenv{s}("T", "{v}")'),
        ("app.py", 'api_key = os.environ.get{s}("K", "{v}")'),
        ("app.rb", 'password = ENV.fetch{s}("X", "{v}")'),
        ("app.py", 'password = os.getenv{s}("P") or "{v}"'),
    ],
)
def test_a_default_after_a_spaced_call_is_redacted(path: str, line: str, space: str) -> None:
    text = line.format(s=space, v=SECRET)
    result = redact_details(_hunk(path, "+" + text))
    assert SECRET not in result.text
    assert result.count == 1
    assert "+" + text.replace(SECRET, MARK) in result.text


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # Names that are no secret's, or that point at one (its file, its type).
        ("app.py", 'home = os.getenv ("HOME", "/root")'),
        ("app.py", 'level = os.environ.get ("LOG_LEVEL", "info")'),
        ("app.rb", 'region = ENV.fetch ("REGION", "eu-west-1")'),
        ("app.py", 'x = os.getenv ("API_TOKEN_FILE", "/run/secrets/token")'),
        ("app.py", 'token_type = os.getenv ("T", "bearer")'),
        # A call that looks nothing up, and a default that is a variable or a template.
        ("app.py", 'print ("token", "expired")'),
        ("app.py", "token = os.getenv ('T', default_token)"),
        ("app.py", 'password = os.getenv ("P", "{password}")'),
    ],
)
def test_other_spaced_lookups_keep_their_defaults(path: str, line: str) -> None:
    diff = _hunk(path, "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)
