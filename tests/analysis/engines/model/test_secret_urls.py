"""The password of a URL's ``user:password@host`` is redacted whatever the host (not only at a
known forge), however short, in code, configuration and prose; an SCP-style Git path
(``git@github.com:org/repo.git``), a user without a password (``deploy@host``) and an "@" in a
URL's path stay.
"""

from __future__ import annotations

import time

import pytest

from diff_hunk import modified_hunk as _hunk
from release_tools.analysis.engines.model.secrets import redact_details

MARK = "[REDACTED:url-password]"


@pytest.mark.parametrize("path", ["deploy.sh", "config/app.yaml", "README.md"])
@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        (
            "https://deploy:hunter2@example.internal/",
            f"https://deploy:{MARK}@example.internal/",
        ),
        ("https://deploy:pw@example.internal", f"https://deploy:{MARK}@example.internal"),
        ("http://ci:x@10.0.0.7:8080/hook", f"http://ci:{MARK}@10.0.0.7:8080/hook"),
        ("https://deploy:hunter2@[::1]:8443/", f"https://deploy:{MARK}@[::1]:8443/"),
        ("postgres://app:s3cr3t@db.internal/app", f"postgres://app:{MARK}@db.internal/app"),
        ("ftp://me:letmein@files.example/", f"ftp://me:{MARK}@files.example/"),
        ("HTTPS://DEPLOY:HUNTER2@EXAMPLE.INTERNAL/", f"HTTPS://DEPLOY:{MARK}@EXAMPLE.INTERNAL/"),
        # An empty user, an encoded "@" and a literal one: the password runs to the host's "@".
        ("redis://:hunter2@cache.internal:6379", f"redis://:{MARK}@cache.internal:6379"),
        ("https://deploy:hun%40ter2@example.internal/", f"https://deploy:{MARK}@example.internal/"),
        ("https://deploy:p@ss@example.internal/", f"https://deploy:{MARK}@example.internal/"),
        ("https://deploy:a:b@example.internal/", f"https://deploy:{MARK}@example.internal/"),
    ],
)
def test_a_urls_password_is_redacted_at_any_host(path: str, url: str, redacted: str) -> None:
    result = redact_details(_hunk(path, f"+git remote add origin {url}"))
    assert f"+git remote add origin {redacted}\n" in result.text
    assert result.kinds["url-password"] == 1


def test_two_urls_on_a_line() -> None:
    line = "+see https://a:one1@x.internal/ and https://b:two2@y.internal/"
    result = redact_details(_hunk("notes.txt", line))
    assert "one1" not in result.text and "two2" not in result.text
    assert result.kinds["url-password"] == 2


@pytest.mark.parametrize(
    "line",
    [
        # SCP-style Git paths and URLs with a user alone.
        "git clone git@github.com:org/repo.git",
        "git clone deploy@example.internal:srv/repo.git",
        "ssh://git@github.com:22/org/repo.git",
        "https://deploy@example.internal/repo.git",
        "ssh deploy@example.internal",
        # An "@" and a colon in a path or a query, not in the authority.
        "https://example.com/a:b@c",
        "https://example.com/path?x=a:b@c",
        "https://registry.example/@scope/pkg:1.0@latest",
        # No password, and no URL; a scheme-less one with a password that does not look
        # like one outside a string literal.
        "https://deploy:@example.internal/",
        "mailto:a:b@c.com",
        "user:hunter@example.internal",
    ],
)
def test_other_at_signs_stay(line: str) -> None:
    diff = _hunk("deploy.sh", "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_many_at_signs_are_quick() -> None:
    line = "+https://u:" + "@" * 50000 + " " + "https://u:p" * 20000
    start = time.perf_counter()
    redact_details(_hunk("notes.txt", line))
    assert time.perf_counter() - start < 2.0
