"""Credentials in HTTP headers are redacted wherever a diff holds them: an Authorization
header's credential after any scheme (``token``, ``Bearer``, ``Basic``) or without one, in a
header line or in code, and the value of a header named as a secret given by a setter
(``req.Header.Set("X-Api-Key", ...)``, ``setRequestHeader``) or written as a header line in a
string; the code that builds such a header from a variable stays.
"""

from __future__ import annotations

import time

import pytest

from diff_hunk import modified_hunk as _hunk
from release_tools.analysis.engines.model.secrets import redact_details

SECRET = "hunter2secret"
SHORT = "abc123xyz"


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("client.py", f'headers = {{"Authorization": "token {SECRET}"}}', '"token '),
        ("client.py", f'headers={{"Authorization": "token {SHORT}"}}', '"token '),
        ("client.py", f'session.headers["Authorization"] = "Bearer {SHORT}"', '"Bearer '),
        ("docs/api.md", f"Authorization: token {SHORT}", "Authorization: token "),
        ("docs/api.md", f"    Authorization: Bearer {SHORT}", "Authorization: Bearer "),
        ("Makefile", f'\tcurl -H "Authorization: token {SHORT}" https://api', ": token "),
        ("requests.http", f"Authorization: Digest {SHORT}", "Authorization: Digest "),
        ("client.go", f'req.Header.Set("Authorization", "{SHORT}")', '"Authorization", "'),
        ("client.go", f'req.Header.Add("Authorization", "token {SHORT}")', '"token '),
        ("app.js", f'xhr.setRequestHeader("Authorization", "Bearer {SHORT}");', '"Bearer '),
        ("app.ts", f"const h = {{ Authorization: `Bearer {SHORT}` }};", "`Bearer "),
        ("deploy/hook.yaml", f"  authorization: {SHORT}", "authorization: "),
    ],
)
def test_an_authorization_headers_credential(path: str, line: str, kept: str, marker: str) -> None:
    result = redact_details(_hunk(path, f"{marker}{line}"))
    assert SECRET not in result.text and SHORT not in result.text, result.text
    assert kept in result.text and result.count == 1


@pytest.mark.parametrize("marker", ["+", "-"])
def test_a_basic_credential_is_still_its_own_kind(marker: str) -> None:
    result = redact_details(_hunk("docs/api.md", f"{marker}Authorization: Basic dXNlcjpwYXNz"))
    assert "dXNlcjpwYXNz" not in result.text
    assert result.kinds == {"basic-auth": 1}


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("client.go", f'req.Header.Set("X-Api-Key", "{SECRET}")', '"X-Api-Key", "'),
        ("client.go", f'r.Header().Add("X-Auth-Token", "{SECRET}")', '"X-Auth-Token", "'),
        ("app.js", f'xhr.setRequestHeader("X-Auth-Token", "{SECRET}");', '"X-Auth-Token", "'),
        ("app.js", f"headers.append('x-api-key', '{SECRET}');", "'x-api-key', '"),
        ("Client.java", f'conn.setRequestProperty("X-API-KEY", "{SECRET}");', '"X-API-KEY", "'),
        ("Client.java", f'request.addHeader("Private-Token", "{SECRET}");', '"Private-Token", "'),
        ("client.py", f'req.add_header("X-Api-Key", "{SECRET}")', '"X-Api-Key", "'),
        ("client.py", f'headers["X-Auth-Token"] = "{SECRET}"', '["X-Auth-Token"] = "'),
        ("src/lib.rs", f'.header("x-api-key", "{SECRET}")', '"x-api-key", "'),
        ("Api.cs", f'client.DefaultRequestHeaders.Add("X-Api-Key", "{SECRET}");', '", "'),
        ("run.sh", f"curl -H 'X-Api-Key: {SECRET}' https://api", "'X-Api-Key: "),
        ("index.php", f'header("X-Auth-Token: {SECRET}");', '"X-Auth-Token: '),
    ],
)
def test_a_secret_named_header_given_by_a_setter(
    path: str, line: str, kept: str, marker: str
) -> None:
    result = redact_details(_hunk(path, f"{marker}{line}"))
    assert SECRET not in result.text, result.text
    assert kept + "[REDACTED:assignment]" in result.text and result.count == 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("api.py", "def get(authorization: str = Header(None)) -> str:"),
        ("api.py", "def get(authorization: Optional[str] = Header(None)) -> str:"),
        ("client.py", 'headers = {"Authorization": f"Bearer {token}"}'),
        ("client.py", 'headers["Authorization"] = "Bearer " + token'),
        ("client.py", 'headers = {"Authorization": self.token}'),
        ("client.py", 'auth = request.headers.get("Authorization", "")'),
        ("client.go", 'req.Header.Set("Authorization", "Bearer "+token)'),
        ("client.go", 'req.Header.Set("X-Api-Key", apiKey)'),
        ("app.ts", "const h = { Authorization: token, Accept: 'application/json' };"),
        ("app.ts", "const h = { Authorization: `Bearer ${token}` };"),
        ("src/lib.rs", '.header("Authorization", format!("token {}", token))'),
        (".github/workflows/ci.yml", "          Authorization: Bearer ${{ secrets.TOKEN }}"),
        ("README.md", 'curl -H "Authorization: token $GITHUB_TOKEN" https://api.github.com'),
        ("README.md", 'curl -H "Authorization: Bearer <token>" https://api.example.com'),
        ("README.md", "The Authorization header carries the token."),
    ],
)
def test_headers_built_from_variables_stay(path: str, line: str) -> None:
    diff = _hunk(path, f"+{line}", f"-{line}")
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_long_hostile_header_lines_are_quick() -> None:
    lines = [
        "+" + "Authorization: " * 3000,
        "+" + "Authorization: a " * 3000,
        "+" + 'set("X-Api-Key", ' * 3000,
        "+" + '"X-Api-Key: ' * 3000,
        "+" + "authorization" + "=" * 20000,
    ]
    start = time.perf_counter()
    redact_details(_hunk("docs/api.md", *lines))
    assert time.perf_counter() - start < 1.0
