"""The one HTTP client of forge releases: an ``httpx.Client`` with timeouts, retries and errors.

Every request goes through :meth:`ForgeHttp.request`, which

* sends the forge's fixed headers (the credential among them) and never logs a header;
* gives each attempt an overall deadline (:data:`ATTEMPT_DEADLINE`, wall clock, covering the
  connection, the upload and the whole answer): httpx's own timeouts apply to each socket
  operation, so a server that trickles a byte now and then would never trip them;
* retries what :class:`~.retry.RetryPolicy` calls retryable (5xx, rate limits, transport
  failures, a missed deadline), sleeping with the injected ``sleep`` so tests never wait; the
  time of the attempts counts against the policy's bound as the waits do, so one request
  never takes longer than ``max_total_wait`` in all;
* turns a final failure into a one-line :class:`~.errors.ForgeError` whose kind says what
  happened (401, 404, another refusal, server error, rate limit, network).

This module is the only importer of ``httpx``, which is an optional dependency (the
``forge`` extra): import it only when a forge release is wanted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from release_tools.logs import redact
from release_tools.realtime.credentials import redact_url, redacting_logger
from release_tools.release.forge.errors import ForgeError, ForgeErrorKind
from release_tools.release.forge.retry import (
    Retry,
    RetryKind,
    RetryPolicy,
    classify,
    server_wait,
)

__all__ = ["ForgeHttp", "default_sleep", "response_message"]

log = logging.getLogger(__name__)

#: How the client waits between attempts; tests replace it to record waits instead.
default_sleep: Callable[[float], None] = time.sleep

# httpx and httpcore log requests on their own loggers, outside the release_tools tree that
# the application's handler filters. Their records carry no headers today; the filters make
# sure a credential could not pass through them whoever configures logging.
for _name in (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
):
    redacting_logger(_name)

_TIMEOUT = httpx.Timeout(connect=15.0, read=60.0, write=300.0, pool=15.0)

#: The longest one attempt may take, from connecting to the last byte of the answer.
ATTEMPT_DEADLINE = 120.0
_MESSAGE_LIMIT = 300


def response_message(response: httpx.Response) -> str:
    """The server's own explanation of a response, on one line (GitHub and GitLab shapes)."""
    try:
        data: Any = response.json()
    except ValueError:
        data = None
    parts: list[str] = []
    if isinstance(data, dict):
        for key in ("message", "error", "error_description"):
            value = data.get(key)
            if isinstance(value, str):
                parts.append(value)
            elif isinstance(value, dict | list):
                parts.append(_flatten(value))
        errors = data.get("errors")
        if isinstance(errors, list):
            details = [
                e.get("message") or e.get("code") if isinstance(e, dict) else str(e) for e in errors
            ]
            parts += [str(d) for d in details if d]
    elif response.text.strip() and not response.text.lstrip().startswith("<"):
        parts.append(response.text)
    text = " ".join("; ".join(dict.fromkeys(parts)).split()) or response.reason_phrase
    return redact(text[:_MESSAGE_LIMIT])


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k} {_flatten(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_flatten(v) for v in value)
    return str(value)


class ForgeHttp:
    """Requests to one forge's API on behalf of one repository.

    ``forge`` names the forge in messages ("GitHub"), ``target`` the repository or project
    (``target_kind`` says which),
    ``token_variable`` where the token came from (to say what to check after a 401).
    ``sleep`` and ``clock`` (wall-clock Unix time) are injectable; ``transport`` too.
    """

    def __init__(
        self,
        *,
        base_url: str,
        headers: Mapping[str, str],
        forge: str,
        target: str,
        token_variable: str,
        target_kind: str = "repository",
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.forge = forge
        self.target = target
        self.token_variable = token_variable
        self.target_kind = target_kind
        self.policy = policy or RetryPolicy()
        self._sleep = sleep if sleep is not None else default_sleep
        self._clock = clock
        self._base = base_url.rstrip("/")
        try:
            self._client = httpx.Client(
                base_url=self._base,
                headers=dict(headers),
                timeout=_TIMEOUT,
                transport=transport,
                follow_redirects=False,
                trust_env=True,
            )
        except UnicodeEncodeError:
            raise self._unsendable("requests") from None

    @property
    def base_url(self) -> str:
        """The API's base URL, without a trailing slash."""
        return self._base

    def __enter__(self) -> ForgeHttp:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections; safe to call twice."""
        self._client.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        allow: Sequence[int] = (),
    ) -> httpx.Response:
        """Send one request, with retries; return a 2xx response or one whose status is in
        ``allow`` (for the caller to act on, such as "already exists"). Raise ForgeError."""
        # The time spent on this request so far: attempts and waits alike.
        waited = 0.0
        attempt = 0
        shown = redact_url(url if "://" in url else self._base + url)
        while True:
            left = self.policy.max_total_wait - waited
            # A policy that allows no time at all still gets its one attempt.
            limit = min(ATTEMPT_DEADLINE, left) if left > 0 else ATTEMPT_DEADLINE
            started = time.monotonic()
            try:
                request = self._client.build_request(
                    method,
                    url,
                    json=json,
                    content=content,
                    headers=headers,
                    params=params,
                    timeout=_attempt_timeout(limit),
                )
                response = _send_within(self._client, request, limit)
            except UnicodeEncodeError:
                raise self._unsendable(f"{method} {urlsplit(shown).path}") from None
            except (httpx.TransportError, _DeadlineExceeded) as exc:
                if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
                    # Connected, then no answer: the socket's timeout and the attempt's
                    # deadline are the same limit, and whichever fires first says the same.
                    exc = _DeadlineExceeded(limit)
                waited += time.monotonic() - started
                decision = self._retry(RetryKind.TRANSPORT, attempt, waited, None)
                log.debug("%s %s: %s", method, shown, type(exc).__name__)
                if decision is None:
                    raise self._unreachable(method, url, exc, attempt) from exc
            else:
                waited += time.monotonic() - started
                status = response.status_code
                log.debug("%s %s -> %d", method, shown, status)
                if response.is_success or status in allow:
                    return response
                message = response_message(response)
                kind = classify(status, response.headers, message)
                asked = server_wait(response.headers, self._clock()) if kind else None
                decision = self._retry(kind, attempt, waited, asked)
                if decision is None:
                    raise self._failure(method, url, status, message, kind, attempt, asked)
            log.info(
                "%s %s: %s, retrying in %.1fs",
                method,
                shown,
                decision.kind.value,
                decision.delay,
                extra={"attempt": attempt + 1},
            )
            self._sleep(decision.delay)
            waited += decision.delay
            attempt += 1

    def _retry(
        self, kind: RetryKind | None, attempt: int, waited: float, asked: float | None
    ) -> Retry | None:
        """The policy's verdict, except a wait that would leave no time for the attempt."""
        decision = self.policy.decide(kind, attempt=attempt, waited=waited, wait_asked=asked)
        if decision is not None and waited + decision.delay >= self.policy.max_total_wait:
            return None
        return decision

    def _unsendable(self, what: str) -> ForgeError:
        # A header value (the token) or URL with a character HTTP cannot carry: no attempt
        # can succeed, and the message must not quote the value.
        return ForgeError(
            f"cannot send {what} to {self.forge}: a header or the URL holds a character "
            f"HTTP cannot carry (check {self.token_variable})",
            ForgeErrorKind.NETWORK,
        )

    def _unreachable(self, method: str, url: str, exc: Exception, attempt: int) -> ForgeError:
        if isinstance(exc, _DeadlineExceeded):
            path = urlsplit(url if "://" in url else self._base + url).path
            tries = f"after {attempt + 1} attempts" if attempt else "on the first attempt"
            return ForgeError(
                f"{self.forge} did not answer {method} {path} within {exc.limit:.3g}s {tries}",
                ForgeErrorKind.NETWORK,
            )
        return ForgeError(
            f"cannot reach {self.forge} at {redact_url(self._base)}: "
            f"{redact(str(exc)) or type(exc).__name__}",
            ForgeErrorKind.NETWORK,
        )

    def _failure(
        self,
        method: str,
        url: str,
        status: int,
        message: str,
        kind: RetryKind | None,
        attempt: int,
        asked: float | None,
    ) -> ForgeError:
        where = f"{method} {urlsplit(url if '://' in url else self._base + url).path}"
        tries = f"after {attempt + 1} attempts" if attempt else "on the first attempt"
        if kind in (RetryKind.RATE_LIMIT, RetryKind.SECONDARY_RATE_LIMIT):
            until = f" (the server asks to wait {asked:.0f}s)" if asked is not None else ""
            return ForgeError(
                f"{self.forge} rate limit hit {tries}{until}: {message}",
                ForgeErrorKind.RATE_LIMITED,
                status,
            )
        if kind is RetryKind.SERVER_ERROR:
            return ForgeError(
                f"{self.forge} failed with {status} {tries} ({where}): {message}",
                ForgeErrorKind.SERVER,
                status,
            )
        if status == 401:
            return ForgeError(
                f"{self.forge} rejected the token (401 {message}): check {self.token_variable}",
                ForgeErrorKind.UNAUTHORIZED,
                status,
            )
        if status == 404:
            return ForgeError(
                f"{self.forge} {self.target_kind} {self.target} not found or not visible to "
                f"the token (404 on {where})",
                ForgeErrorKind.NOT_FOUND,
                status,
            )
        return ForgeError(
            f"{self.forge} refused {where} ({status} {message})", ForgeErrorKind.REFUSED, status
        )


class _DeadlineExceeded(Exception):
    """An attempt outlasted its deadline of ``limit`` seconds."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"no complete answer within {limit:.1f}s")
        self.limit = limit


def _attempt_timeout(limit: float) -> httpx.Timeout:
    """httpx's per-operation timeouts, none longer than the attempt's deadline."""
    return httpx.Timeout(
        connect=min(_TIMEOUT.connect or limit, limit),
        read=min(_TIMEOUT.read or limit, limit),
        write=min(_TIMEOUT.write or limit, limit),
        pool=min(_TIMEOUT.pool or limit, limit),
    )


def _send_within(client: httpx.Client, request: httpx.Request, limit: float) -> httpx.Response:
    """Send ``request`` and read its whole answer, or raise _DeadlineExceeded after ``limit``.

    The exchange runs on a daemon thread that the caller stops waiting for at the deadline:
    no socket timeout can bound a whole exchange, and a blocked socket call cannot be
    interrupted from outside. An abandoned exchange stops at its next chunk of the answer
    or at its own (shortened) socket timeout, and its outcome is dropped.
    """
    outcome: list[httpx.Response | BaseException] = []
    done = threading.Event()
    abandoned = threading.Event()

    def exchange() -> None:
        try:
            response = client.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                for chunk in response.iter_raw():
                    if abandoned.is_set():
                        return
                    chunks.append(chunk)
            finally:
                response.close()
            # A complete response, its body decoded from the raw bytes as httpx would.
            outcome.append(
                httpx.Response(
                    response.status_code,
                    headers=response.headers,
                    content=b"".join(chunks),
                    request=request,
                    extensions=response.extensions,
                )
            )
        except BaseException as exc:  # handed to the caller's thread, which re-raises it
            outcome.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=exchange, name="forge-request", daemon=True)
    worker.start()
    try:
        finished = done.wait(limit)
    finally:
        if not done.is_set():
            abandoned.set()
    if not finished or not outcome:
        raise _DeadlineExceeded(limit)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result
