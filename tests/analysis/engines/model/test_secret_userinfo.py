"""The password of a ``user:password@host`` without a scheme is redacted: a protocol-relative
URL (``//user:pw@host``), a connection string in a string literal (``"app:pw@db/app"``, Go's
``"app:pw@tcp(db:3306)/app"``) and, in a comment or prose, one whose password looks like one
(letters and digits). A URL whose slashes JSON escaped (``https:\\/\\/user:pw@host``) is read
as a URL. Comments, division, URI schemes that name an address (``mailto:``, ``sip:``), package
specifiers (``npm:pkg@1.0``), image digests and templates stay; a password is redacted once.
"""

from __future__ import annotations

import pytest

from diff_hunk import modified_hunk
from release_tools.analysis.engines.model.secrets import redact_details

PASSWORD = "Xk93hTq2"
KIND = "userinfo-password"
MARK = f"[REDACTED:{KIND}]"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # Protocol-relative URLs: in code, markup, styles, configuration; an empty user.
        ("app.js", 'const cdn = "//deploy:<pw>@cdn.example.internal/lib.js";'),
        ("index.html", '<script src="//deploy:<pw>@cdn.example.internal/lib.js"></script>'),
        ("site.css", "body { background: url(//deploy:<pw>@img.example.internal/a.png); }"),
        ("app.yaml", "mirror: //deploy:<pw>@mirror.example.internal/repo"),
        ("app.py", "CACHE = '//:<pw>@cache.internal:6379'"),
        ("notes.txt", "//deploy:<pw>@example.internal/"),
        # Connection strings in string literals, any password.
        ("app.py", 'DSN = "app:<pw>@db.internal:5432/app"'),
        ("app.py", "engine = connect('app:<pw>@db.internal/app')"),
        ("main.go", 'dsn := "app:<pw>@tcp(db.internal:3306)/app?parseTime=true"'),
        ("main.go", 'db, err := sql.Open("mysql", "root:<pw>@/app")'),
        ("main.rs", 'let dsn = "app:<pw>@[::1]:5432/app";'),
        ("App.java", 'String broker = "guest:<pw>@rabbit:5672";'),
        ("app.py", 'proxies = {"http": "proxy:<pw>@10.0.0.1:3128"}'),
        # Outside a string, a password that looks like one: a comment, a shell line, prose.
        ("main.go", "// connect with deploy:<pw>@db.internal"),
        ("main.rs", "/* staging: app:<pw>@db.staging.internal:5432 */"),
        ("run.sh", "export DSN=app:<pw>@db/app"),
        ("run.sh", "psql --dsn=app:<pw>@db.internal"),
        ("README.md", "The staging database is `app:<pw>@db.staging.internal`."),
        ("notes.txt", "deploy:<pw>@example.internal"),
    ],
)
def test_a_scheme_less_password_is_redacted(path: str, line: str) -> None:
    result = redact_details(modified_hunk(path, "+" + line.replace("<pw>", PASSWORD)))
    assert PASSWORD not in result.text
    assert "+" + line.replace("<pw>", MARK) + "\n" in result.text
    assert result.kinds == {KIND: 1}


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        ('DSN = "app:hunter2@db"', f'DSN = "app:{MARK}@db"'),
        # In a string, a password made of letters only is taken too.
        ('DSN = "guest:guest@localhost"', f'DSN = "guest:{MARK}@localhost"'),
        # An "@" of the password's own: the password runs to the host's.
        ('DSN = "app:p@ss1word@db.internal"', f'DSN = "app:{MARK}@db.internal"'),
        ("user:hunter2@example.internal", f"user:{MARK}@example.internal"),
        ("see //me:p@ss9word@example.internal/x", f"see //me:{MARK}@example.internal/x"),
    ],
)
def test_what_is_kept_around_the_password(line: str, redacted: str) -> None:
    result = redact_details(modified_hunk("app.py", "+" + line))
    assert f"+{redacted}\n" in result.text
    assert result.count == 1


@pytest.mark.parametrize(
    ("line", "redacted", "kind"),
    [
        (
            '{"remote": "https:\\/\\/deploy:hunter2@example.internal\\/repo.git"}',
            '{"remote": "https:\\/\\/deploy:[REDACTED:url-password]@example.internal\\/repo.git"}',
            "url-password",
        ),
        (
            '{"remote": "https:\\/\\/A1b2C3d4E5f6G7h8J9k0@github.com\\/org\\/repo"}',
            '{"remote": "https:\\/\\/[REDACTED:url-token]@github.com\\/org\\/repo"}',
            "url-token",
        ),
    ],
)
def test_a_url_with_json_escaped_slashes(line: str, redacted: str, kind: str) -> None:
    result = redact_details(modified_hunk("composer.lock.json", "+" + line))
    assert f"+{redacted}\n" in result.text
    assert result.kinds == {kind: 1}


@pytest.mark.parametrize(
    ("path", "line", "kind"),
    [
        # Forms other rules redact: one mark each, none added by the scheme-less forms.
        ("app.py", 'URL = "https://deploy:hunter2@example.internal/"', "url-password"),
        ("app.js", 'fetch("postgres://app:Xk93hTq2@db.internal/app")', "url-password"),
        (".npmrc", "//registry.npmjs.org/:_authToken=abcd1234efgh5678", "assignment"),
        (".npmrc", "//registry.example.internal/:_password=aHVudGVyMg==", "assignment"),
        (
            "run.sh",
            "echo '//registry.npmjs.org/:_authToken=abcd1234efgh5678' > .npmrc",
            "assignment",
        ),
        ("run.sh", "curl -u admin:Xk93hTq2@ https://x.internal", "assignment"),
    ],
)
def test_a_password_is_redacted_once(path: str, line: str, kind: str) -> None:
    result = redact_details(modified_hunk(path, "+" + line))
    assert result.kinds == {kind: 1}
    assert "[REDACTED:" + kind + "]" in result.text


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # Comments and division: "//" with a space after it, or after a name.
        ("main.go", "// see user:pass@example for format"),
        ("main.go", "// user:password@host, as the driver documents it"),
        ("main.rs", "let x = a // b;"),
        ("app.js", "const r = a // b: c@d"),
        ("app.py", "half = total//2 if n:k2x9@w else 0"),
        ("app.py", "total //= 2"),
        ("main.go", "//go:generate stringer -type=Kind"),
        ("app.ts", "//@ts-ignore"),
        # A scheme-less password that does not look like one, outside a string.
        ("README.md", "Give the address as `user:password@host:port`."),
        ("notes.txt", "user:hunter@example.internal"),
        ("notes.txt", "meet at 10:30@room5"),
        ("app.log", "2024-01-01T10:00:00Z@host1 started"),
        # Addresses and names before an "@".
        ("deploy.sh", "git clone git@github.com:org/repo.git"),
        ("deploy.sh", "git clone ssh://git@github.com:22/org/repo.git"),
        ("deploy.sh", "scp build.tar deploy@example.internal:srv/"),
        ("app.py", 'CONTACT = "mailto:bob2@example.com"'),
        ("app.py", 'PHONE = "sip:alice2@example.com"'),
        ("mail.html", '<img src="cid:image001.png@01D5A2B3.C4D5E6F0">'),
        ("app.py", 'AUTHOR = "Contact: bob2@example.com"'),
        # Package specifiers, coordinates and digests.
        ("package.json", '"lodash": "npm:lodash4@^4.17.21",'),
        ("deno.json", '"path": "jsr:@std/path@1.0.8",'),
        ("sbom.json", '"purl": "pkg:npm/lodash@4.17.21",'),
        ("build.gradle", "implementation 'com.android.support:appcompat-v7:28.0.0@aar'"),
        ("Dockerfile", "FROM node:20-alpine@sha256:0123abcd"),
        ("compose.yaml", 'image: "python:3.12-slim@sha256:0123abcd"'),
        # Templates and placeholders.
        ("app.py", 'url = f"{user}:{password}@{host}"'),
        ("app.py", 'url = "%s:%s@%s" % (user, password, host)'),
        ("run.sh", 'DSN="${DB_USER}:${DB_PASS}@db"'),
        ("app.py", 'LOGGED = "user:****@example.com"'),
        ("app.js", "const dsn = `${user}:${pw}@${host}`;"),
        # A decorator and a scoped package.
        ("app.py", "@pytest.mark.parametrize('a', [1])"),
        ("app.ts", "import x from '@scope/pkg';"),
    ],
)
def test_ordinary_text_stays(path: str, line: str) -> None:
    diff = modified_hunk(path, "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_a_line_with_other_hints_is_redacted_as_well() -> None:
    # A line that another rule looks at (a secret's name is in it) goes through every rule,
    # the scheme-less forms included.
    line = f'+log.info("token refreshed for app:{PASSWORD}@db.internal")'
    result = redact_details(modified_hunk("app.py", line))
    assert PASSWORD not in result.text
    assert result.kinds[KIND] == 1


def test_outside_ascii_too() -> None:
    line = f'+DSN = "app:{PASSWORD}@db.internal"  # \u00e9t\u00e9'
    result = redact_details(modified_hunk("app.py", line))
    assert PASSWORD not in result.text
