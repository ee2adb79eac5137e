"""The forge HTTP client against the fake forge: retries with an injected clock and sleep,
typed one-line errors, and no credential in any log record."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
from forge_server import FakeForge, Reply

from fake_clock import FakeClock
from release_tools.release.forge.errors import ForgeError, ForgeErrorKind
from release_tools.release.forge.http import ForgeHttp
from release_tools.release.forge.retry import RetryPolicy


@pytest.fixture
def forge() -> Iterator[FakeForge]:
    with FakeForge() as server:
        yield server


def client(
    forge: FakeForge, clock: FakeClock, token: str | None = None, **policy: float
) -> ForgeHttp:
    return ForgeHttp(
        base_url=forge.url,
        headers={"Authorization": f"Bearer {token or forge.github_token}"},
        forge="GitHub",
        target="acme/demo",
        token_variable="GITHUB_TOKEN",
        policy=RetryPolicy(rng=lambda: 0.0, **policy),  # type: ignore[arg-type]
        sleep=clock.sleep_sync,
        clock=clock.time,
    )


def test_primary_rate_limit_waits_until_the_reset(forge: FakeForge) -> None:
    clock = FakeClock()
    forge.script(
        "GET",
        "/repos/acme/demo/releases/tags/",
        Reply(
            403,
            {"message": "API rate limit exceeded"},
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(clock.wall) + 45)},
        ),
    )
    forge.github_releases["v1"] = {"id": 1, "tag_name": "v1", "assets": {}}
    with client(forge, clock) as http:
        response = http.request("GET", "/repos/acme/demo/releases/tags/v1")
    assert response.status_code == 200
    assert clock.sleeps == [46.0]


def test_secondary_rate_limit_without_retry_after_waits_a_minute(forge: FakeForge) -> None:
    clock = FakeClock()
    forge.script(
        "GET", "/repos/", Reply(403, {"message": "You have exceeded a secondary rate limit."})
    )
    with client(forge, clock) as http:
        response = http.request("GET", "/repos/acme/demo/releases/tags/v1", allow=(404,))
    assert response.status_code == 404
    assert clock.sleeps == [60.0]


def test_total_wait_is_bounded(forge: FakeForge) -> None:
    clock = FakeClock()
    forge.script("GET", "/repos/", *[Reply(503, {"message": "busy"})] * 20)
    http = client(forge, clock, max_retries=20, max_total_wait=10.0)
    with http, pytest.raises(ForgeError) as caught:
        http.request("GET", "/repos/acme/demo/releases/tags/v1")
    assert caught.value.kind is ForgeErrorKind.SERVER and caught.value.status == 503
    assert sum(clock.sleeps) <= 10.0 and clock.sleeps == [1.0, 2.0, 4.0]
    assert "GitHub failed with 503 after 4 attempts" in str(caught.value)


@pytest.mark.parametrize(
    ("token", "path", "kind", "text"),
    [
        (
            "wrong-token-0123456789",
            "/repos/acme/demo/releases/tags/v1",
            ForgeErrorKind.UNAUTHORIZED,
            "GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN",
        ),
        (
            None,
            "/repos/acme/other/releases/tags/v1",
            ForgeErrorKind.NOT_FOUND,
            "GitHub repository acme/demo not found or not visible to the token",
        ),
    ],
)
def test_final_failures_are_typed(
    forge: FakeForge, token: str | None, path: str, kind: ForgeErrorKind, text: str
) -> None:
    clock = FakeClock()
    with client(forge, clock, token) as http, pytest.raises(ForgeError) as caught:
        http.request("GET", path)
    assert caught.value.kind is kind
    assert text in str(caught.value)
    assert "\n" not in str(caught.value)
    assert clock.sleeps == []


def test_a_refusal_carries_the_server_message(forge: FakeForge) -> None:
    forge.script(
        "POST",
        "/repos/acme/demo/releases",
        Reply(
            422,
            {"message": "Validation Failed", "errors": [{"code": "invalid", "message": "bad tag"}]},
        ),
    )
    with client(forge, FakeClock()) as http, pytest.raises(ForgeError) as caught:
        http.request("POST", "/repos/acme/demo/releases", json={})
    assert caught.value.kind is ForgeErrorKind.REFUSED
    assert "refused POST /repos/acme/demo/releases (422 Validation Failed; bad tag)" in str(
        caught.value
    )


def test_unreachable_forge_is_retried_then_a_network_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clock = FakeClock()
    http = ForgeHttp(
        base_url=f"http://127.0.0.1:{port}",
        headers={},
        forge="GitLab",
        target="g/p",
        token_variable="GITLAB_TOKEN",
        policy=RetryPolicy(max_retries=2, rng=lambda: 0.0),
        sleep=clock.sleep_sync,
        clock=clock.time,
    )
    with http, pytest.raises(ForgeError) as caught:
        http.request("GET", "/projects/1")
    assert caught.value.kind is ForgeErrorKind.NETWORK
    assert clock.sleeps == [1.0, 2.0]
    assert f"cannot reach GitLab at http://127.0.0.1:{port}" in str(caught.value)


def test_no_log_record_carries_the_token(
    forge: FakeForge, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    forge.script("GET", "/repos/", Reply(502, b""))
    with client(forge, FakeClock()) as http:
        http.request("GET", "/repos/acme/demo/releases/tags/v1", allow=(404,))
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert any(r.name == "httpx" for r in caplog.records)
    assert forge.github_token not in caplog.text
    assert forge.requests[0].headers["authorization"] == f"Bearer {forge.github_token}"
