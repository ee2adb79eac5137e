"""Forge servers that misbehave: answers that never come or trickle in, asset names the forge
rewrites, and tokens no HTTP header can carry. Against the in-process fake forge, with short
deadlines so that no test waits long."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from forge_server import FakeForge, Recorded, Reply, _Handler

from forge_cli import github_env, github_release, remote_tags, run
from release_tools.errors import UsageError
from release_tools.release.forge import http as forge_http
from release_tools.release.forge.assets import Asset, resolve_assets
from release_tools.release.forge.assets import github_stored_name as stored_name
from release_tools.release.forge.errors import ForgeError, ForgeErrorKind
from release_tools.release.forge.github import GitHubReleases, _Release
from release_tools.release.forge.http import ForgeHttp
from release_tools.release.forge.remote import Forge, resolve_target
from release_tools.release.forge.retry import RetryPolicy

_TOKEN_TAIL = "0123456789"


class _StallingHandler(_Handler):
    """Answers requests under the forge's ``stall_prefix`` badly: ``silent`` never answers,
    ``trickle`` sends the headers and then one byte of the body every 50 ms."""

    def _serve(self) -> None:
        forge: SlowForge = self.server.forge  # type: ignore[attr-defined]
        if forge.stall_prefix is None or not self.path.startswith(forge.stall_prefix):
            super()._serve()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        forge.handle(Recorded(self.command, self.path, {}, body))
        try:
            if forge.mode == "trickle":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                while not forge.stop.wait(0.05):
                    self.wfile.write(b" ")
                    self.wfile.flush()
            else:
                forge.stop.wait()
        except OSError:  # the client gave up and closed the connection
            pass
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class SlowForge(FakeForge):
    """The fake forge, with requests under ``stall_prefix`` answered as ``mode`` says."""

    def __init__(self) -> None:
        super().__init__()
        self.stall_prefix: str | None = None
        self.mode = "silent"
        self.stop = threading.Event()
        self._server.RequestHandlerClass = _StallingHandler

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        super().__exit__(*exc)


class RenamingForge(FakeForge):
    """The fake forge storing asset names as GitHub does: other characters than letters,
    digits, ``.``, ``-`` and ``_`` become ``.``."""

    def handle(self, request: Recorded) -> Reply:
        if request.route.startswith("/uploads/"):
            parts = urlsplit(request.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            query["name"] = "".join(
                c if c.isascii() and (c.isalnum() or c in "._-") else "." for c in query["name"]
            )
            request = Recorded(
                request.method, f"{parts.path}?{urlencode(query)}", request.headers, request.body
            )
        return super().handle(request)


@pytest.fixture
def slow() -> Iterator[SlowForge]:
    with SlowForge() as server:
        yield server


@pytest.fixture
def repo(python_repo: Any, bare_remote: Callable[[Any], Path]) -> Any:
    bare_remote(python_repo)
    return python_repo


def client(forge: FakeForge, policy: RetryPolicy, token: str | None = None) -> ForgeHttp:
    return ForgeHttp(
        base_url=forge.url,
        headers={"Authorization": f"Bearer {token or forge.github_token}"},
        forge="GitHub",
        target="acme/demo",
        token_variable="GITHUB_TOKEN",
        policy=policy,
        sleep=lambda _: None,
    )


# --- deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["silent", "trickle"])
def test_an_attempt_that_outlasts_its_deadline_is_given_up(
    slow: SlowForge, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forge_http, "ATTEMPT_DEADLINE", 0.3)
    slow.stall_prefix, slow.mode = "/repos/", mode
    started = time.monotonic()
    with (
        client(slow, RetryPolicy(max_retries=1, base=0.0, rng=lambda: 0.0)) as http,
        pytest.raises(ForgeError) as caught,
    ):
        http.request("GET", "/repos/acme/demo/releases/tags/v1")
    elapsed = time.monotonic() - started
    assert caught.value.kind is ForgeErrorKind.NETWORK
    assert str(caught.value) == (
        "GitHub did not answer GET /repos/acme/demo/releases/tags/v1 within 0.3s after 2 attempts"
    )
    assert len(slow.requests) == 2
    assert elapsed < 30  # ended by the deadline, not by the server (which never ends)


def test_attempts_and_waits_together_stay_within_the_request_bound(
    slow: SlowForge, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forge_http, "ATTEMPT_DEADLINE", 0.2)
    slow.stall_prefix, slow.mode = "/repos/", "trickle"
    policy = RetryPolicy(max_retries=5, base=0.05, cap=0.05, max_total_wait=0.7, rng=lambda: 0.0)
    started = time.monotonic()
    with client(slow, policy) as http, pytest.raises(ForgeError):
        http.request("GET", "/repos/acme/demo/releases/tags/v1")
    # Three attempts of 0.2 s and two waits of 0.05 s fit in 0.7 s; a third wait would not
    # (fewer attempts when a loaded machine makes each take longer than its deadline).
    assert 1 <= len(slow.requests) <= 3
    assert time.monotonic() - started < 30  # a hang guard: the bound is what ends it


def test_a_trickling_forge_fails_the_release_with_the_way_to_finish(
    repo: Any, slow: SlowForge, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forge_http, "ATTEMPT_DEADLINE", 0.2)
    slow.stall_prefix, slow.mode = "/repos/acme/demo/releases", "trickle"
    started = time.monotonic()
    result = github_release(repo, slow)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "GitHub did not answer POST /repos/acme/demo/releases within" in lines[0]
    assert "released and pushed v1.3.0" in lines[0]
    assert "release-tools forge-release --tag v1.3.0 --forge github" in lines[0]
    assert len(sleeps) == 5
    assert time.monotonic() - started < 5


# --- asset names GitHub rewrites ----------------------------------------------------------


def test_stored_name_follows_github() -> None:
    assert stored_name("demo 1.3.0.whl") == "demo.1.3.0.whl"
    assert stored_name("demo-1.3.0_x.tar.gz") == "demo-1.3.0_x.tar.gz"
    assert stored_name("démo(1).zip") == "d.mo.1..zip"


def test_a_rerun_replaces_an_asset_whose_name_github_rewrote(repo: Any) -> None:
    with RenamingForge() as forge:
        repo.write("dist/demo 1.3.0.whl", "wheel\n")
        first = github_release(repo, forge, "--release-asset", "dist/*", "--format", "json")
        assert first.exit_code == 0, first.output
        (published,) = json.loads(first.stdout)["forge_releases"]
        assert [a["name"] for a in published["assets"]] == ["demo.1.3.0.whl"]
        repo.write("dist/demo 1.3.0.whl", "rebuilt\n")
        again = run(
            repo,
            "forge-release",
            "--tag",
            "v1.3.0",
            "--forge",
            "github",
            "--release-asset",
            "dist/*",
            env=github_env(forge),
        )
        assert again.exit_code == 0, again.output + again.stderr
        assets = forge.github_releases["v1.3.0"]["assets"]
        assert list(assets) == ["demo.1.3.0.whl"]
        assert assets["demo.1.3.0.whl"]["data"] == "rebuilt\n"
        assert len(forge.of("DELETE")) == 1


def test_an_upload_refused_as_existing_replaces_the_renamed_asset() -> None:
    with RenamingForge() as forge:
        forge.github_releases["v1"] = {"id": 5, "tag_name": "v1", "assets": {}}
        # The release as read before an earlier attempt stored the asset: it lists none.
        upload_url = f"{forge.url}/uploads/repos/acme/demo/releases/5/assets{{?name,label}}"
        release = _Release(id=5, html_url="h", upload_url=upload_url)
        forge.github_releases["v1"]["assets"]["a.b.txt"] = {"id": 9, "name": "a.b.txt"}
        asset = Asset("a b.txt", Path(__file__), "a b.txt", "text/plain")
        with client(forge, RetryPolicy(rng=lambda: 0.0)) as http:
            name, _ = GitHubReleases(http, "acme/demo")._upload(release, asset)
        assert name == "a.b.txt"
        assert [r.route for r in forge.of("DELETE")] == ["/repos/acme/demo/releases/assets/9"]
        assert list(forge.github_releases["v1"]["assets"]) == ["a.b.txt"]


# --- tokens no header can carry -----------------------------------------------------------


@pytest.mark.parametrize(
    ("forge", "variable"), [(Forge.GITHUB, "GITHUB_TOKEN"), (Forge.GITLAB, "GITLAB_TOKEN")]
)
def test_a_token_with_an_invisible_character_is_a_problem(forge: Forge, variable: str) -> None:
    token = f"ghs_test-token-{_TOKEN_TAIL}\u200b"
    target = resolve_target(forge, {variable: token, "GITHUB_REPOSITORY": "o/r"}, None)
    assert len(target.problems) == 1 + (forge is Forge.GITLAB)
    problem = next(p for p in target.problems if variable in p)
    assert "cannot be sent in an HTTP header" in problem
    assert _TOKEN_TAIL not in problem


def test_a_release_with_such_a_token_stops_before_any_write(repo: Any) -> None:
    with FakeForge() as forge:
        head = repo.git("rev-parse", "HEAD")
        env = github_env(forge, GITHUB_TOKEN=f"{forge.github_token}\u200b")
        result = run(repo, "release", "--push", "--forge-release", "github", env=env)
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "GITHUB_TOKEN holds a character" in lines[0]
        assert _TOKEN_TAIL not in result.output + result.stderr
        assert repo.git("rev-parse", "HEAD") == head
        assert "v1.3.0" not in repo.git("ls-remote", "--tags", "origin")
        assert forge.requests == []


def test_a_header_that_cannot_be_encoded_is_a_forge_error() -> None:
    with FakeForge() as forge:
        token = f"{forge.github_token}\u200b"
        with pytest.raises(ForgeError) as caught:
            client(forge, RetryPolicy(rng=lambda: 0.0), token=token)
        with (
            client(forge, RetryPolicy(rng=lambda: 0.0)) as http,
            pytest.raises(ForgeError) as in_request,
        ):
            http.request("GET", "/repos/acme/demo/releases", headers={"X-Note": "\u200b"})
    assert caught.value.kind is in_request.value.kind is ForgeErrorKind.NETWORK
    assert str(caught.value) == (
        "cannot send requests to GitHub: a header or the URL holds a character HTTP cannot "
        "carry (check GITHUB_TOKEN)"
    )
    assert "cannot send GET /repos/acme/demo/releases to GitHub" in str(in_request.value)
    assert forge.requests == []


def test_two_assets_github_would_store_under_one_name_are_refused_before_any_write(
    repo: Any, tmp_path: Path
) -> None:
    repo.write("dist/demo 1.3.0.whl", "one\n")
    repo.write("dist/demo+1.3.0.whl", "two\n")
    head = repo.git("rev-parse", "HEAD")
    with RenamingForge() as forge:
        result = github_release(repo, forge, "--release-asset", "dist/*.whl")
        assert forge.requests == []
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert "two files would be the asset demo.1.3.0.whl (the forge renames both so)" in line
    assert "dist/demo 1.3.0.whl" in line and "dist/demo+1.3.0.whl" in line
    assert repo.git("rev-parse", "HEAD") == head
    assert "v1.3.0" not in remote_tags(repo)


def test_names_only_github_rewrites_may_share_a_stored_name_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "a b.whl").write_text("one\n")
    (tmp_path / "a+b.whl").write_text("two\n")
    kept = resolve_assets(tmp_path, ["*.whl"])
    assert sorted(a.name for a in kept) == ["a b.whl", "a+b.whl"]
    with pytest.raises(UsageError, match=r"the asset a\.b\.whl \(the forge renames both so\)"):
        resolve_assets(tmp_path, ["*.whl"], stored=stored_name)
