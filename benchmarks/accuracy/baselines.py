"""The two baselines analyze is compared with, computed on the same pairs.

* **always-patch**: what a release pipeline does when nobody decides: bump the patch.
* **Conventional Commits rules**, as release tools built on that convention apply them to the
  commit messages of the range (``git log OLDTAG..HEAD`` of the work repository): a ``!``
  after the type or a ``BREAKING CHANGE:`` /
  ``BREAKING-CHANGE:`` footer is a major, ``feat`` a minor, ``fix`` and ``perf`` a patch, other
  types nothing. When no message is conventional those tools make no release at all; the
  benchmark counts that as a patch (``fallback``), which is the kinder reading: a pipeline that
  ships every merged change would still cut a patch release.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

__all__ = ["BASELINES", "Prediction", "always_patch", "conventional_commits"]

Prediction = Literal["major", "minor", "patch", "unknown"]

_HEADER = re.compile(r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?: \S")
_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE: ", re.MULTILINE)
_RANK: dict[Prediction, int] = {"unknown": 0, "patch": 1, "minor": 2, "major": 3}


def always_patch(messages: Sequence[str]) -> Prediction:
    """Every release is a patch, whatever the commits say."""
    del messages  # the point of this baseline is to ignore them
    return "patch"


def _one_message(message: str) -> Prediction:
    header, _, body = message.strip().partition("\n")
    match = _HEADER.match(header)
    if match is None:
        return "unknown"
    if match.group("bang") or _BREAKING_FOOTER.search(body):
        return "major"
    kind = match.group("type").lower()
    if kind == "feat":
        return "minor"
    if kind in ("fix", "perf"):
        return "patch"
    return "unknown"


def conventional_commits(messages: Sequence[str], *, fallback: Prediction = "patch") -> Prediction:
    """The strongest bump any message asks for; ``fallback`` when none asks for one."""
    best: Prediction = "unknown"
    for message in messages:
        found = _one_message(message)
        if _RANK[found] > _RANK[best]:
            best = found
    return fallback if best == "unknown" else best


#: Name shown in tables -> function of the range's commit messages.
BASELINES = {
    "always-patch": always_patch,
    "conventional-commits": conventional_commits,
}
