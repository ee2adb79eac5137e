"""A connection string without a scheme given bare as a setting's whole value
(``dsn: guest:guest@rabbit``, ``BROKER=guest:guest@rabbit:5672``) has its password redacted,
whatever its characters: a name, ``=`` or ``: ``, then ``user:password@host`` and nothing else is
a connection's address. A URL with a scheme already had any password redacted. Text that only
looks like it (an SSH remote, an image's digest, a package's version, a retina image's name,
prose) stays.
"""

from __future__ import annotations

import pytest

from diff_hunk import modified_hunk
from release_tools.analysis.engines.model.secrets import redact_details

KIND = "userinfo-password"
MARK = f"[REDACTED:{KIND}]"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("config.yml", "dsn: guest:<pw>@rabbit"),
        ("config.yml", "  broker_url:   guest:<pw>@rabbit.internal:5672/vhost"),
        ("settings.ini", "dsn = guest:<pw>@rabbit"),
        ("settings.cfg", "cache=default:<pw>@cache:6379/0"),
        ("run.sh", "export BROKER_URL=guest:<pw>@rabbit:5672"),
        ("docker-compose.yml", "      - BROKER=guest:<pw>@rabbit:5672"),
        ("docker-compose.yml", "      BROKER: guest:<pw>@rabbit:5672  # local only"),
        ("Dockerfile", "ENV PROXY=proxy:<pw>@10.0.0.1:3128"),
        ("run.sh", "celery worker --broker=guest:<pw>@rabbit"),
        ("app.yaml", '"dsn": app:<pw>@[::1]:5432/app'),
        ("app.yaml", "{dsn: app:<pw>@db.internal}"),
    ],
)
@pytest.mark.parametrize("password", ["guest", "hunter", "Tiger"])
def test_a_letters_only_password_in_a_bare_value_is_redacted(
    path: str, line: str, password: str
) -> None:
    result = redact_details(modified_hunk(path, "+" + line.replace("<pw>", password)))
    assert "+" + line.replace("<pw>", MARK) + "\n" in result.text
    assert result.kinds == {KIND: 1}


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        # A URL with a scheme: any password, whatever the host.
        (
            "amqp_url = amqp://guest:guest@localhost:5672/",
            "amqp_url = amqp://guest:[REDACTED:url-password]@localhost:5672/",
        ),
        (
            "BROKER=redis://default:hunter@cache:6379",
            "BROKER=redis://default:[REDACTED:url-password]@cache:6379",
        ),
    ],
)
def test_a_url_with_a_scheme_is_redacted_whatever_its_password(line: str, redacted: str) -> None:
    result = redact_details(modified_hunk("run.sh", "+" + line))
    assert f"+{redacted}\n" in result.text
    assert result.count == 1


def test_a_password_that_looks_like_one_is_redacted_once() -> None:
    result = redact_details(modified_hunk("config.yml", "+dsn: app:Xk93hTq2@db.internal"))
    assert f"+dsn: app:{MARK}@db.internal\n" in result.text
    assert result.kinds == {KIND: 1}


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # SSH remotes and addresses: no password before the "@".
        ("config.yml", "remote: git@github.com:org/repo.git"),
        ("settings.ini", "origin = git@github.com:org/repo.git"),
        ("config.yml", "contact: bob@example.com"),
        # Images, packages, icons.
        ("compose.yaml", "image: node:20@sha256:0123abcd"),
        ("run.sh", "IMAGE=python:3.12-slim@sha256:0123abcd"),
        ("config.yml", "dependency: pkg@1.2.3"),
        ("config.yml", "alias: npm:pkg@1.2.3"),
        ("config.yml", "icon: foo:bar@2x.png"),
        ("app.py", 'icon = "foo:bar@2x.png"'),
        ("app.js", "const icon = 'logo:dark@3x.webp';"),
        # Not the whole value: prose, a list of addresses, a time.
        ("config.yml", "note: ask guest:guest@rabbit about it"),
        ("config.yml", "description: see guest:guest@rabbit for details"),
        ("mail.txt", "To: friends:alice@example.com, bob@example.com;"),
        ("mail.eml", "Reply-To: list:owner@example.com"),
        ("mail.eml", "From: team:bob@example.com"),
        ("config.yml", "at: 10:30@room"),
        ("notes.txt", "contact a:b@c"),
        ("notes.txt", "user:hunter@example.internal"),
        # Decorators, matrix products, templates and masked passwords.
        ("app.py", "@app.route('/x')"),
        ("app.py", "x = a @ b"),
        ("config.yml", "dsn: ${USER}:${PASS}@db"),
        ("config.yml", "dsn: app:****@db"),
        ("config.yml", "dsn: app:%s@db"),
    ],
)
def test_what_only_looks_like_it_stays(path: str, line: str) -> None:
    diff = modified_hunk(path, "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)
