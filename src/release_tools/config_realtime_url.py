"""The ``realtime_url`` setting's lowest layer and its check; pure.

Under the config file, ``realtime_url`` may come from ``OPENAI_BASE_URL``, read the way the
openai SDK reads it (``https://host/v1`` becomes ``wss://host/v1/realtime``). A value of it that
is no URL is an error only with the realtime provider; the local engine leaves it out. Whatever
layer it comes from, the URL must be a ``ws://`` or ``wss://`` WebSocket URL with a host, and
never ``ws://`` to another machine when an API key would be sent over it.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from release_tools.errors import ConfigError
from release_tools.realtime.credentials import redact_url
from release_tools.realtime.hosts import is_loopback_host

__all__ = [
    "BASE_URL_VARIABLE",
    "check_realtime_url",
    "realtime_url_from_base",
    "sdk_realtime_url",
]

#: The openai SDK's variable for its base URL, which the realtime provider honours.
BASE_URL_VARIABLE = "OPENAI_BASE_URL"


def realtime_url_from_base(base_url: str) -> str:
    """The realtime endpoint under an openai SDK base URL: ``https://h/v1`` -> ``wss://h/v1/realtime``.

    As the SDK does: the base's path gets ``/realtime`` appended; ``https`` becomes ``wss`` and
    ``http`` becomes ``ws``. Other schemes are left for the URL validator to refuse.
    """
    try:
        parts = urlsplit(base_url.strip())
    except ValueError:
        return base_url
    scheme = {"https": "wss", "http": "ws"}.get(parts.scheme.lower(), parts.scheme)
    path = parts.path.rstrip("/") + "/realtime"
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


def _base_url_problem(base_url: str) -> str | None:
    """What makes ``base_url`` unusable as the openai SDK's base URL, None when nothing does."""
    try:
        parts = urlsplit(base_url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in ("http", "https", "ws", "wss") or not host:
        return "not an http:// or https:// URL with a host, such as https://api.openai.com/v1"
    return None


def sdk_realtime_url(base_url: str, *, used: bool) -> str | None:
    """The realtime URL that ``OPENAI_BASE_URL`` (``base_url``) gives, for the lowest layer of
    ``realtime_url``; None when it gives none.

    The variable belongs to the openai SDK and to whatever else reads it (a local server's
    ``localhost:11434/v1``, say), not to this tool. Only the realtime provider (``used``)
    connects anywhere, so only then is a value that is no URL an error; for the local engine
    such a value is left out, and the default URL stays.
    """
    problem = _base_url_problem(base_url)
    if problem is None:
        return realtime_url_from_base(base_url)
    if used:
        raise ConfigError(f"{BASE_URL_VARIABLE}: invalid value {redact_url(base_url)!r}: {problem}")
    return None


def check_realtime_url(value: str, *, key_sent: bool) -> str:
    """``value`` if it is a ``ws://`` or ``wss://`` URL with a host, else ValueError; also
    ValueError for ``ws://`` to a host other than this machine when ``key_sent`` (the realtime
    provider connects with an API key set)."""
    # Checked with the settings, not at connect time: a bad URL is the user's mistake, and the
    # model failure path would otherwise hide it behind a silent fallback to the local engine.
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ValueError(f"not a URL ({exc}); expected ws://host/... or wss://host/...") from exc
    if parts.scheme.lower() not in ("ws", "wss") or not host:
        raise ValueError(f"{value!r} is not a ws://host/... or wss://host/... WebSocket URL")
    # The key would travel in clear text. The client refuses such a connection too, but only
    # here is it a usage error, not a fallback.
    if key_sent and parts.scheme.lower() == "ws" and not is_loopback_host(host):
        raise ValueError(
            f"refusing to send the API key over unencrypted ws:// to {host}; use wss://"
        )
    return value
