"""Check that evidence carries its typed review mark exactly when its message asks for review."""

from __future__ import annotations

from collections.abc import Sequence

from release_tools.analysis.models import Evidence


def checked(items: Sequence[Evidence]) -> Sequence[Evidence]:
    """``items``, once each finding whose message ends in ``(review)`` is seen to carry
    :attr:`Evidence.review` and no other finding does: the decision reads only the mark (a
    message cut to its length limit may have lost the words, never the mark)."""
    for item in items:
        asks = item.message.endswith("(review)")
        assert item.review == asks or (item.review and item.message.endswith("...")), item
    return items
