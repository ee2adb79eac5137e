"""The high-entropy rule's test of a token reads ASCII and other text alike: its quick counts of
an ASCII token's character classes and their switches give what counting character by
character gives.
"""

from __future__ import annotations

import itertools
import math
import random

from release_tools.analysis.engines.model.entropy import looks_random, shannon_entropy


def _class(char: str) -> int:
    if char.isupper():
        return 0
    if char.islower():
        return 1
    return 2 if char.isdigit() else 3


def _random_hex(run: str) -> bool:
    return (
        len(run) >= 32
        and any(c.isdigit() for c in run)
        and any(c.isalpha() for c in run)
        and shannon_entropy(run) >= 3.0
    )


def _reference(token: str) -> bool:
    """looks_random, character by character."""
    core = token.rstrip("=")
    if core and all(c in "0123456789abcdefABCDEF" for c in core):
        return _random_hex(core)
    runs = [
        "".join(group)
        for is_hex, group in itertools.groupby(core, lambda c: c in "0123456789abcdefABCDEF")
        if is_hex
    ]
    if any(_random_hex(run) for run in runs if len(run) >= 32):
        return True
    if not (any(c.isupper() for c in core) and any(c.islower() for c in core)):
        return False
    if not any(c.isdigit() for c in core):
        return False
    classes = [_class(c) for c in core]
    switches = sum(1 for a, b in itertools.pairwise(classes) if a != b)
    if switches < 0.4 * (len(core) - 1):
        return False
    return shannon_entropy(core) >= min(4.5, 0.8 * math.log2(len(core)))


def test_looks_random_counts_as_character_by_character() -> None:
    rnd = random.Random(11)
    alphabets = (
        "ABCDEFGHabcdefgh0123456789+/_-=",
        "HttpClientFactoryBuilder2_-",
        "0123456789abcdef",
        "Aa0\u00c9\u00e9\u017f\u0663-",
    )
    for _ in range(8000):
        alphabet = rnd.choice(alphabets)
        token = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 64)))
        assert looks_random(token) == _reference(token), token


def test_known_tokens() -> None:
    assert looks_random("A1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5r6S7t8")
    assert looks_random("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    assert not looks_random("HttpClient2FactoryBuilderImpl")
    assert not looks_random("src/release_tools/analysis/engines")
