"""URL passwords are hidden in every log line and error text, registered or not."""

from __future__ import annotations

import pytest

from release_tools.logs import redact


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "git push https://deploy:hunter2@git.example.com/o/r.git failed",
            "https://deploy:[REDACTED]@git.example.com/o/r.git",
        ),
        ("proxy http://u:p%40ss@proxy:3128 refused", "http://u:[REDACTED]@proxy:3128"),
        ("remote https://deploy:p@ss@host.example/x", "https://deploy:[REDACTED]@host.example/x"),
        ("ssh+git://bot:Xk93hTq2@forge.internal:2222/r", "ssh+git://bot:[REDACTED]@forge.internal"),
    ],
)
def test_a_url_password_is_hidden(text: str, kept: str) -> None:
    out = redact(text)
    assert kept in out
    assert "hunter2" not in out and "p%40ss" not in out and "Xk93hTq2" not in out
    assert "p@ss" not in out


@pytest.mark.parametrize(
    "text",
    [
        "https://git.example.com:8443/o/r.git",
        "ssh://git@github.com:22/o/r.git",
        "https://user@host.example/path",
        "see https://host.example/a:b@c for the format",
        "mailto:someone@example.com",
    ],
)
def test_urls_without_a_password_stay(text: str) -> None:
    assert redact(text) == text
