"""Commit subjects that open with an emoji, read as the Conventional Commits header they stand for.

Two habits put an emoji first. Some projects write a Conventional Commit behind one
(``🐛 fix(run): discover entry points``): the emoji decorates, the header after it counts.
Others follow gitmoji alone (``✨ Add a fence rule factory``, or ``:sparkles: Add ...``), where
the emoji is the type: ✨ a feature, 🐛 a fix, 💥 a breaking change, 📝 documentation and so
on. Only the gitmoji whose meaning maps onto a commit type are read; any other emoji leaves the
subject unconventional, as a plain sentence is. Pure.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["GITMOJI_TYPES", "conventional_form", "conventional_forms", "header_behind_emoji"]

#: Gitmoji (by shortcode) and the commit type each stands for; ``!`` marks a breaking one.
GITMOJI_TYPES: dict[str, str] = {
    "sparkles": "feat",
    "boom": "feat!",
    "bug": "fix",
    "ambulance": "hotfix",
    "adhesive_bandage": "fix",
    "lock": "security",
    "zap": "perf",
    "rewind": "revert",
    "memo": "docs",
    "books": "docs",
    "bulb": "docs",
    "recycle": "refactor",
    "art": "style",
    "rotating_light": "style",
    "white_check_mark": "test",
    "test_tube": "test",
    "wrench": "chore",
    "hammer": "chore",
    "bookmark": "chore",
    "rocket": "chore",
    "see_no_evil": "chore",
    "construction_worker": "ci",
    "green_heart": "ci",
    "arrow_up": "deps",
    "arrow_down": "deps",
    "pushpin": "deps",
    "heavy_plus_sign": "deps",
    "heavy_minus_sign": "deps",
}

#: The same gitmoji by their characters (without the variation selector some are typed with).
_BY_CHARACTER: dict[str, str] = {
    "\u2728": "sparkles",
    "\U0001f4a5": "boom",
    "\U0001f41b": "bug",
    "\U0001f691": "ambulance",
    "\U0001fa79": "adhesive_bandage",
    "\U0001f512": "lock",
    "\u26a1": "zap",
    "\u23ea": "rewind",
    "\U0001f4dd": "memo",
    "\U0001f4da": "books",
    "\U0001f4a1": "bulb",
    "\u267b": "recycle",
    "\U0001f3a8": "art",
    "\U0001f6a8": "rotating_light",
    "\u2705": "white_check_mark",
    "\U0001f9ea": "test_tube",
    "\U0001f527": "wrench",
    "\U0001f528": "hammer",
    "\U0001f516": "bookmark",
    "\U0001f680": "rocket",
    "\U0001f648": "see_no_evil",
    "\U0001f477": "construction_worker",
    "\U0001f49a": "green_heart",
    "\u2b06": "arrow_up",
    "\u2b07": "arrow_down",
    "\U0001f4cc": "pushpin",
    "\u2795": "heavy_plus_sign",
    "\u2796": "heavy_minus_sign",
}

_SHORTCODE = re.compile(r"^:(?P<name>[a-z0-9_+-]+):[ \t]*")
#: Characters that join or style an emoji rather than being one of their own: variation
#: selectors, the zero-width joiner, the keycap, skin tones and the gender signs of a
#: joined sequence (``👷‍♂️`` is ``👷``).
_JOINERS = frozenset(
    "\ufe0f\ufe0e\u200d\u20e3\u2640\u2642\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"
)
_HEADER = re.compile(r"^[A-Za-z]+(?:\([^()\r\n]*\))?!?:[ \t]+\S")


def _leading_emoji(subject: str) -> tuple[str, str] | None:
    """The emoji a subject opens with (its shortcode, or its characters without joiners) and
    the text after it; None when it opens with none."""
    shortcode = _SHORTCODE.match(subject)
    if shortcode is not None:
        return shortcode["name"], subject[shortcode.end() :]
    end = 0
    while end < len(subject) and (
        subject[end] in _JOINERS or unicodedata.category(subject[end]) == "So"
    ):
        end += 1
    if end == 0:
        return None
    emoji = "".join(c for c in subject[:end] if c not in _JOINERS)
    return _BY_CHARACTER.get(emoji, emoji), subject[end:].lstrip(" \t")


def conventional_forms(subject: str) -> list[str]:
    """The Conventional Commits headers ``subject`` may stand for when it opens with an emoji,
    the likelier first: the header after the emoji (``🐛 fix: x`` -> ``fix: x``, marked
    breaking after 💥), then the gitmoji's type before the text (``✨ Add x`` -> ``feat: Add
    x``; ``✨ NEW: x`` -> ``feat: NEW: x`` for a reader to whom ``NEW`` is no type); none
    when the subject opens with no emoji, or with one that names no type and no header
    follows it."""
    found = _leading_emoji(subject.strip())
    if found is None or not found[1]:
        return []
    name, rest = found
    meaning = GITMOJI_TYPES.get(name)
    forms: list[str] = []
    if _HEADER.match(rest):
        kind, _, text = rest.partition(":")
        forms.append(f"{kind}!:{text}" if meaning == "feat!" and not kind.endswith("!") else rest)
    if meaning is not None:
        forms.append(f"{meaning}: {rest}")
    return forms


def header_behind_emoji(line: str) -> str | None:
    """The Conventional Commits header after the emoji ``line`` opens with (``* 🐛 fix: x``
    in a squash body), None when no header follows one."""
    found = _leading_emoji(line.strip())
    if found is None or not _HEADER.match(found[1]):
        return None
    forms = conventional_forms(line)
    return forms[0] if forms else None


def conventional_form(subject: str) -> str | None:
    """The likeliest of :func:`conventional_forms`, None without any."""
    forms = conventional_forms(subject)
    return forms[0] if forms else None
