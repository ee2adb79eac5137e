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
    ],
)
def test_a_port_before_a_query_or_fragment_with_an_at_stays(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        # A query holding "@" after a password: hidden with the password (never the reverse).
        ("remote https://bot:s3cr3t-Pw@git.example.com?ref=a@b", "s3cr3t-Pw"),
        ("push https://bot:p@ss@host.example#frag", "p@ss"),
        # Characters a URL would not allow in a password are still part of it.
        ("proxy http://user:pa#ss@proxy.internal:3128", "pa#ss"),
        ("proxy http://user:why?not@proxy.internal:3128", "why?not"),
        ("proxy http://user:#1pw@proxy.internal:3128", "#1pw"),
        ("remote https://us#er:hunter22@git.example.com/r.git", "hunter22"),
    ],
)
def test_a_password_next_to_a_query_or_fragment_is_hidden(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out
    assert ":[REDACTED]@" in out
