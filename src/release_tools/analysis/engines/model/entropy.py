"""How random a token looks: the high-entropy rule of secret redaction; pure.

Long hex (32+ characters, or a run of them behind a vendor's prefix) and base64-like tokens
(20+ characters, mixed case and digits) count as secrets when their Shannon entropy per
character is above a threshold that grows with the length; identifiers glued from words stay
below it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

__all__ = ["CANDIDATE", "looks_random", "shannon_entropy"]


def shannon_entropy(text: str) -> float:
    """Shannon entropy of ``text`` in bits per character (0 for the empty string)."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


# A token that may be a secret: a run of base64/URL-safe characters, at least 20 long.
CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/_=-])")
_HEX = re.compile(r"[0-9a-fA-F]+")
_HEX_RUN = re.compile(r"[0-9a-fA-F]{32,}")
_DIGIT = re.compile(r"[0-9]")
# The runs of one character class (upper, lower, digit, other) of an ASCII token: one more than
# the switches between classes.
_CLASS_RUNS = re.compile(r"[A-Z]+|[a-z]+|[0-9]+|[^A-Za-z0-9]+")


def _random_hex(run: str) -> bool:
    """Hex secrets (API keys, HMACs): at least 128 bits, and both digits and letters."""
    # A run of hex holds a digit unless it is all letters, and a letter unless all digits.
    return (
        len(run) >= 32 and not run.isalpha() and not run.isdigit() and shannon_entropy(run) >= 3.0
    )


def looks_random(token: str) -> bool:
    """Whether ``token`` (a run of base64 or hex characters) reads as a random secret."""
    core = token.rstrip("=")
    if _HEX.fullmatch(core):
        return _random_hex(core)
    # Random hex behind a vendor's prefix (SK..., key-..., dop_v1_..., shpat_...).
    if any(_random_hex(run) for run in _HEX_RUN.findall(core)):
        return True
    if core.isascii():
        # The same counts as below, by the string's own methods and one scan: an ASCII
        # character is upper-case when lower() changes it, and so on.
        mixed = core.lower() != core and core.upper() != core and _DIGIT.search(core) is not None
    else:
        mixed = (
            any(c.isupper() for c in core)
            and any(c.islower() for c in core)
            and any(c.isdigit() for c in core)
        )
    if not mixed:
        # Paths, snake_case and kebab-case names lack one of the three.
        return False
    # Random base64 switches between upper, lower, digit and symbol on about 65% of its
    # characters; CamelCase names like "HttpClient2Factory" only at word boundaries (~30%).
    if core.isascii():
        switches = len(_CLASS_RUNS.findall(core)) - 1
    else:
        classes = [_char_class(c) for c in core]
        switches = sum(1 for a, b in itertools.pairwise(classes) if a != b)
    if switches < 0.4 * (len(core) - 1):
        return False
    # A random string over ~64 symbols reaches about log2(n) - 0.6 bits at length n; words
    # glued into identifiers stay well below. 0.8 * log2(n) separates the two from n = 20 up.
    threshold = min(4.5, 0.8 * math.log2(len(core)))
    return shannon_entropy(core) >= threshold


def _char_class(char: str) -> int:
    if char.isupper():
        return 0
    if char.islower():
        return 1
    return 2 if char.isdigit() else 3
