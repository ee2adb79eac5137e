"""The prefilters of secret redaction: text a line must hold for a pattern to match it; pure.

Most lines of a diff hold no secret and match none of the patterns of
:mod:`release_tools.analysis.engines.model.secrets_forms`, yet each pattern costs a scan from
every position of every line. A pattern's hints are lower-case text one of which every line it
matches holds (a secret word for a pattern built on a secret's name, a literal such as ``://``
or ``default`` for the others); a few literal scans of the lower-cased line tell which patterns
can be skipped. A hint too narrow would let a secret through, so each must be part of every
text its pattern can match: the hints only ever save time, never change the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

__all__ = [
    "PREFIXED_KINDS",
    "SECRET_HINTS",
    "TOKEN_HINTS",
    "Form",
    "gate",
    "lowered",
    "may_name_secret",
]

# Text that every secret word of secrets_forms holds (password, passwd, pwd, api_key,
# credentials, connection_string, _auth...): a line without any of them, compared
# case-insensitively, holds no secret's name, so no pattern built on one can match it. A word
# added there needs its hint here.
SECRET_HINTS = ("pass", "pw", "secret", "token", "key", "credential", "conn", "_auth", "authident")

# The hints of each known token shape, by kind: its fixed prefix or keyword, or a part of it
# that starts with a character another hint starts with ("hsec_" of whsec_, "_v1_" of
# dop_v1_): the gate every line goes through stops at each occurrence of a hint's first
# character.
TOKEN_HINTS: dict[str, tuple[str, ...]] = {
    "gcp-private-key": ('"private_key"',),
    "private-key": ("private key",),
    "aws-access-key-id": ("akia", "asia", "abia", "acca"),
    "azure-key": ("key=", "sig=", "signature="),
    "github-token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    "gitlab-token": tuple(
        f"gl{kind}-"
        for kind in ("pat", "dt", "ptt", "rt", "cbt", "soat", "ft", "imt", "oas", "agent")
    ),
    "google-api-key": ("aiza",),
    "slack-token": ("xox", "xapp-"),
    "slack-webhook": ("hooks.slack.com",),
    "huggingface-token": ("hf_",),
    "npm-token": ("npm_",),
    "pypi-token": ("pypi-age",),
    "stripe-key": ("k_live_", "k_test_", "hsec_"),
    "age-secret-key": ("age-secret-key-1",),
    "google-oauth-secret": ("gocspx-",),
    "vault-token": ("hvs.", "hvb.", "hvr."),
    "digitalocean-token": ("_v1_",),
    "grafana-token": ("glsa_", "glc_"),
    "linear-api-key": ("lin_api_",),
    "postman-api-key": ("pmak-",),
    "discord-webhook": ("api/webhooks/",),
    "openai-key": ("sk-",),
    "jwt": ("eyj",),
    "bearer-token": ("bearer",),
    "basic-auth": ("authorization",),
    "authorization": ("authorization",),
    # ":\/" starts a scheme's slashes escaped as JSON writes them (https:\/\/...); a
    # percent-encoded URL holds "%3a%2f%2f", the hint without its first characters, which
    # would add a branch the gate of every line tries at each position.
    "url-password": ("://", ":\\/", "a%2f%2f"),
    "url-token": ("://", ":\\/"),
    "userinfo-password": ("@",),
    "registry-auth": ('"auth"',),
}


# Kinds of known shapes whose hints are searched as one group: tokens known by a rare vendor
# prefix, listed one after the other in TOKENS. A line that holds a hint of some known shape
# (a URL, an "@", "key=") is searched for each group's hints; one search for all of these
# costs less than one per kind, and a shape whose own prefix the line lacks finds nothing
# when its group's search sends the line to it (which these prefixes seldom do).
PREFIXED_KINDS = frozenset(
    {
        *("age-secret-key", "google-oauth-secret", "vault-token", "digitalocean-token"),
        *("grafana-token", "linear-api-key", "postman-api-key", "discord-webhook"),
    }
)


class Form(NamedTuple):
    """A value pattern and its prefilters: its hints (none: it runs on every line), whether it
    is built on a secret's name (then a line :func:`may_name_secret` rejects is skipped) and,
    for such a pattern, where the name sits in its matches.

    ``at_name`` says every match starts where a secret's name does: the pattern is then tried
    only at the names the line's one scan found (see
    :mod:`release_tools.analysis.engines.model.secrets_names`), not from every position.
    ``after`` is text that follows the secret's name in every match, matched where a found name
    ends: a line where no name is followed by it is skipped.
    """

    pattern: re.Pattern[str]
    hints: tuple[str, ...] = ()
    named: bool = True
    at_name: bool = False
    after: re.Pattern[str] | None = None


def lowered(line: str) -> str | None:
    """``line`` lower-cased for the prefilters, or None when it is not all ASCII.

    Under IGNORECASE a pattern's ASCII letter also matches a few letters that lower() does not
    turn into it (the long s U+017F matches "s"; U+0130 matches "i" but lowers to two
    characters), so a line outside ASCII is never skipped.
    """
    return line.lower() if line.isascii() else None


def gate(groups: Iterable[tuple[str, ...]]) -> re.Pattern[str]:
    """One pattern that finds whether a lowered line holds any hint of ``groups``: a line it
    finds none in is skipped by all their patterns at once, for the cost of one scan. Without
    hints it finds the empty string in every line, and no line is skipped.

    The hints are merged by their common starts (``gh``: ``o_``, ``p_``...), so that the scan
    rejects a position after a few character checks rather than one per hint. A hint that
    another starts with stands for both: the gate tells whether a hint is there, not which.
    """
    return re.compile(_merged(sorted({hint for hints in groups for hint in hints})))


def _merged(hints: list[str]) -> str:
    """A pattern that matches where any of ``hints`` starts, the hints with a first character
    in common under one alternative (the empty pattern when a hint is empty or there is none)."""
    if not hints or "" in hints:
        return ""
    rests: dict[str, list[str]] = {}
    for hint in hints:
        rests.setdefault(hint[0], []).append(hint[1:])
    branches = [re.escape(first) + _merged(rest) for first, rest in rests.items()]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


_NAME_GATE = gate([SECRET_HINTS])


def may_name_secret(low: str | None) -> bool:
    """Whether the line lowered to ``low`` may hold a secret's name (see :data:`SECRET_HINTS`)."""
    return low is None or _NAME_GATE.search(low) is not None
