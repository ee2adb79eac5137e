"""ConversationHistory: bounded record of the in-band conversation, plain function calls."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from release_tools.realtime.history import ConversationHistory


def user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def call(call_id: str) -> dict[str, Any]:
    return {"type": "function_call", "call_id": call_id, "name": "f", "arguments": "{}"}


def output(call_id: str) -> dict[str, Any]:
    return {"type": "function_call_output", "call_id": call_id, "output": "{}"}


def texts(history: ConversationHistory) -> list[str]:
    found = []
    for item in history.items():
        if item["type"] == "message":
            found.append(item["content"][0]["text"])
        else:
            found.append(f"{item['type']}:{item['call_id']}")
    return found


def test_records_in_order_and_snapshots_the_items() -> None:
    history = ConversationHistory()
    item = user("one")
    assert history.record([item, user("two")])
    item["content"][0]["text"] = "changed afterwards"
    assert texts(history) == ["one", "two"]
    assert len(history) == 2
    assert history.chars > 0
    assert history.dropped == 0


def test_item_bound_drops_the_oldest_and_logs_once_as_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="release_tools.realtime")
    history = ConversationHistory(max_items=3)
    history.record([user("a"), user("b"), user("c")])
    assert not [r for r in caplog.records if "history" in r.getMessage()]
    assert history.record([user("d")])
    assert texts(history) == ["b", "c", "d"]
    history.record([user("e")])
    assert texts(history) == ["c", "d", "e"]
    assert history.dropped == 2
    records = [r for r in caplog.records if "history over its bound" in r.getMessage()]
    assert [r.levelno for r in records] == [logging.WARNING, logging.DEBUG]
    assert records[-1].history_dropped == 2  # type: ignore[attr-defined]


def test_size_bound_counts_json_characters() -> None:
    history = ConversationHistory(max_items=100, max_chars=300)
    history.record([user("x" * 60)])
    history.record([user("y" * 60)])
    assert texts(history) == ["x" * 60, "y" * 60]
    history.record([user("z" * 60)])
    assert texts(history) == ["y" * 60, "z" * 60]
    assert history.chars <= 300


def test_an_item_larger_than_the_bound_is_not_kept_and_record_says_so() -> None:
    history = ConversationHistory(max_items=100, max_chars=100)
    history.record([user("small")])
    assert not history.record([user("w" * 500)])
    assert len(history) == 0
    assert history.chars == 0


def test_outputs_of_dropped_calls_go_with_them() -> None:
    history = ConversationHistory(max_items=4)
    history.record([user("q"), call("c1"), output("c1"), call("c2")])
    history.record([output("c2")])
    # "q" went first (bound 4); the c1 pair and the c2 pair are intact.
    assert texts(history) == [
        "function_call:c1",
        "function_call_output:c1",
        "function_call:c2",
        "function_call_output:c2",
    ]
    history.record([user("r")])
    # call c1 went, so its output cannot stay (the server would reject an unknown call_id).
    assert texts(history) == ["function_call:c2", "function_call_output:c2", "r"]
    assert history.dropped == 3


def test_zero_items_disables_recording() -> None:
    history = ConversationHistory(max_items=0)
    assert not history.enabled
    assert not history.record([user("a")])
    assert len(history) == 0


def test_negative_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="history bounds"):
        ConversationHistory(max_items=-1)


def test_clear_forgets_everything() -> None:
    history = ConversationHistory()
    history.record([user("a")])
    history.clear()
    assert history.items() == []
    assert history.chars == 0
