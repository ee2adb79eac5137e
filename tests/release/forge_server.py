"""An in-process fake forge: the subset of GitHub's REST API and GitLab's API v4 that forge
releases use, on 127.0.0.1 with port 0 (``from forge_server import FakeForge``).

It keeps releases, assets, links and generic packages in memory, answers as the real APIs do
(422 ``already_exists``, 409, 401 for a wrong token, 404 for an unknown repository), records
every request (method, path, headers, body) and can be scripted: :meth:`FakeForge.script` makes
the next requests matching a method and a path prefix get the given replies first (a 502, a
secondary rate limit with ``Retry-After``, a 401...).
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Reply:
    """A scripted answer: status, a JSON (or raw bytes) body, headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Recorded:
    """One request as the server saw it (header names lower-cased)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def route(self) -> str:
        """The path without the query string."""
        return self.path.split("?", 1)[0]


@dataclass
class _Script:
    method: str
    prefix: str
    replies: list[Reply]


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up on a request (a test's signal, a deadline) resets its connection:
    not worth a traceback on the stderr a test's CLI run may be capturing at that moment."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeForge:
    """GitHub at ``/repos/...`` and ``/uploads/...``, GitLab under ``/api/v4``."""

    def __init__(
        self,
        *,
        github_token: str = "ghs_test-token-0123456789",
        gitlab_token: str = "glpat-test-token-0123456789",
        job_token: str = "job-token-0123456789abc",
        repository: str = "acme/demo",
        project: str = "group/demo",
    ) -> None:
        self.github_token = github_token
        self.gitlab_tokens = {"private-token": gitlab_token, "job-token": job_token}
        self.repository = repository
        self.project = project
        self.requests: list[Recorded] = []
        self.github_releases: dict[str, dict[str, Any]] = {}
        self.gitlab_releases: dict[str, dict[str, Any]] = {}
        self.packages: dict[str, bytes] = {}
        self._scripts: list[_Script] = []
        self._next_id = 100
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.forge = self  # type: ignore[attr-defined]
        # A short poll interval: shutdown() waits for the loop's next poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeForge:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def script(self, method: str, prefix: str, *replies: Reply) -> None:
        """The next requests matching ``method`` and ``prefix`` get ``replies``, in order."""
        with self._lock:
            self._scripts.append(_Script(method, prefix, list(replies)))

    def of(self, method: str, prefix: str = "") -> list[Recorded]:
        """The recorded requests with this method whose path starts with ``prefix``."""
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    # --- dispatch ----------------------------------------------------------------------

    def _scripted(self, method: str, path: str) -> Reply | None:
        with self._lock:
            for script in self._scripts:
                if script.method == method and path.startswith(script.prefix) and script.replies:
                    return script.replies.pop(0)
        return None

    def handle(self, request: Recorded) -> Reply:
        with self._lock:
            self.requests.append(request)
        scripted = self._scripted(request.method, request.path)
        if scripted is not None:
            return scripted
        if request.path.startswith("/api/v4/"):
            return self._gitlab(request)
        return self._github(request)

    def _id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id

    # --- GitHub ------------------------------------------------------------------------

    def _github_release_json(self, release: dict[str, Any]) -> dict[str, Any]:
        rid = release["id"]
        return {
            **release,
            "html_url": f"https://github.example/{self.repository}/releases/tag/{release['tag_name']}",
            "upload_url": f"{self.url}/uploads/repos/{self.repository}/releases/{rid}/assets"
            "{?name,label}",
            "assets": list(release["assets"].values()),
        }

    def _github(self, request: Recorded) -> Reply:
        if request.headers.get("authorization") != f"Bearer {self.github_token}":
            return Reply(401, {"message": "Bad credentials", "status": "401"})
        route = request.route
        uploads = f"/uploads/repos/{self.repository}/releases/"
        base = f"/repos/{self.repository}/releases"
        if not (route.startswith(base) or route.startswith(uploads)):
            return Reply(404, {"message": "Not Found", "status": "404"})
        method = request.method
        if method == "POST" and route == base:
            data = request.json()
            tag = data["tag_name"]
            if tag in self.github_releases:
                return Reply(
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {"resource": "Release", "code": "already_exists", "field": "tag_name"}
                        ],
                    },
                )
            release = {**data, "id": self._id(), "assets": {}}
            self.github_releases[tag] = release
            return Reply(201, self._github_release_json(release))
        if method == "GET" and route.startswith(f"{base}/tags/"):
            tag = unquote(route[len(f"{base}/tags/") :])
            found = self.github_releases.get(tag)
            if found is None:
                return Reply(404, {"message": "Not Found"})
            return Reply(200, self._github_release_json(found))
        match = re.fullmatch(rf"{re.escape(base)}/(\d+)/assets", route)
        if method == "GET" and match:
            release = self._github_by_id(int(match[1]))
            if release is None:
                return Reply(404, {"message": "Not Found"})
            return Reply(200, list(release["assets"].values()))
        match = re.fullmatch(rf"{re.escape(base)}/(\d+)", route)
        if method == "PATCH" and match:
            release = self._github_by_id(int(match[1]))
            if release is None:
                return Reply(404, {"message": "Not Found"})
            release.update(request.json())
            return Reply(200, self._github_release_json(release))
        match = re.fullmatch(rf"{re.escape(base)}/assets/(\d+)", route)
        if method == "DELETE" and match:
            for release in self.github_releases.values():
                for name, asset in list(release["assets"].items()):
                    if asset["id"] == int(match[1]):
                        del release["assets"][name]
                        return Reply(204)
            return Reply(404, {"message": "Not Found"})
        match = re.fullmatch(rf"{re.escape(uploads)}(\d+)/assets", route)
        if method == "POST" and match:
            release = self._github_by_id(int(match[1]))
            name = parse_qs(urlsplit(request.path).query).get("name", [""])[0]
            if release is None:
                return Reply(404, {"message": "Not Found"})
            if name in release["assets"]:
                return Reply(
                    422,
                    {"message": "Validation Failed", "errors": [{"code": "already_exists"}]},
                )
            asset = {
                "id": self._id(),
                "name": name,
                "size": len(request.body),
                "content_type": request.headers.get("content-type", ""),
                "browser_download_url": f"https://github.example/download/{name}",
                "data": request.body.decode("latin-1"),
            }
            release["assets"][name] = asset
            return Reply(201, asset)
        return Reply(404, {"message": "Not Found"})

    def _github_by_id(self, rid: int) -> dict[str, Any] | None:
        return next((r for r in self.github_releases.values() if r["id"] == rid), None)

    # --- GitLab ------------------------------------------------------------------------

    def _gitlab(self, request: Recorded) -> Reply:
        sent = {k: request.headers.get(k) for k in self.gitlab_tokens}
        if not any(sent[k] == v for k, v in self.gitlab_tokens.items()):
            return Reply(401, {"message": "401 Unauthorized"})
        route = request.route
        encoded = self.project.replace("/", "%2F")
        base = f"/api/v4/projects/{encoded}"
        if not route.startswith(base + "/"):
            return Reply(404, {"message": "404 Project Not Found"})
        rest = route[len(base) :]
        method = request.method
        if rest.startswith("/packages/generic/") and method == "PUT":
            self.packages[rest[len("/packages/generic/") :]] = request.body
            return Reply(201, {"message": "201 Created"})
        if rest == "/releases" and method == "POST":
            data = request.json()
            tag = data["tag_name"]
            if tag in self.gitlab_releases:
                return Reply(409, {"message": "Release already exists"})
            links = [{**link, "id": self._id()} for link in data.get("assets", {}).get("links", [])]
            self.gitlab_releases[tag] = {**data, "links": links}
            return Reply(201, self._gitlab_json(tag))
        match = re.fullmatch(r"/releases/([^/]+)(/assets/links(?:/(\d+))?)?", rest)
        if match is None:
            return Reply(404, {"message": "404 Not Found"})
        tag = unquote(match[1])
        release = self.gitlab_releases.get(tag)
        if release is None:
            return Reply(404, {"message": "404 Not found"})
        if match[2] is None and method == "PUT":
            release.update(request.json())
            return Reply(200, self._gitlab_json(tag))
        if match[2] and match[3] is None and method == "GET":
            return Reply(200, release["links"])
        if match[2] and match[3] is None and method == "POST":
            link = {**request.json(), "id": self._id()}
            release["links"].append(link)
            return Reply(201, link)
        if match[3] is not None and method == "DELETE":
            release["links"] = [lk for lk in release["links"] if lk["id"] != int(match[3])]
            return Reply(200, {})
        return Reply(404, {"message": "404 Not Found"})

    def _gitlab_json(self, tag: str) -> dict[str, Any]:
        release = self.gitlab_releases[tag]
        return {
            "tag_name": tag,
            "name": release.get("name"),
            "description": release.get("description"),
            "_links": {"self": f"https://gitlab.example/{self.project}/-/releases/{tag}"},
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        recorded = Recorded(
            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
        )
        reply = self.server.forge.handle(recorded)  # type: ignore[attr-defined]
        if isinstance(reply.body, bytes):
            payload = reply.body
        elif reply.body is None:
            payload = b""
        else:
            payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


def iter_tokens(forge: FakeForge) -> Iterator[str]:
    """Every credential the fake accepts (to prove none leaks into output)."""
    yield forge.github_token
    yield from forge.gitlab_tokens.values()
