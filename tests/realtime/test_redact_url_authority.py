"""A URL's password ends with its authority: a query or a fragment holding "@" is no password."""

from __future__ import annotations

import pytest

from release_tools.logs import redact


@pytest.mark.parametrize(
    "text",
    [
        "GET https://api.example.com:8443?user=bob@example.com failed",
        "open https://registry.example:443?as=bob@example.com",
        "see http://docs.example:8080#contact@example",
        "fetch https://mirror.example?x=1:2@3",
    ],
)
def test_a_port_before_a_query_or_fragment_with_an_at_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "kept", "secret"),
    [
        (
            "remote https://bot:s3cr3t-Pw@git.example.com?ref=a@b",
            "https://bot:[REDACTED]@git.example.com?ref=a@b",
            "s3cr3t-Pw",
        ),
        (
            "push https://bot:p@ss@host.example#frag",
            "https://bot:[REDACTED]@host.example#frag",
            "p@ss",
        ),
    ],
)
def test_a_password_before_a_query_or_fragment_is_hidden(text: str, kept: str, secret: str) -> None:
    out = redact(text)
    assert kept in out
    assert secret not in out
