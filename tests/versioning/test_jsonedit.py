"""JSON value spans: nested objects, tricky strings, arrays skipped as a whole."""

from __future__ import annotations

import json

from release_tools.versioning.jsonedit import value_spans

TEXT = """{
  "name": "x",
  "tricky": "a } ] \\" , { [ b",
  "list": [1, {"version": "0"}, "]"],
  "nested": { "deep" : {"version":"1.0.0"}, "n": -1.5e3, "t": true, "z": null },
  "empty": {},
  "version": "1.0.0"
}
"""


def test_spans_cover_exact_values() -> None:
    spans = value_spans(TEXT)
    data = json.loads(TEXT)
    for path, (start, end) in spans.items():
        value: object = data
        for key in path:
            assert isinstance(value, dict)
            value = value[key]
        assert json.loads(TEXT[start:end]) == value, path
    assert ("list", "version") not in spans  # arrays are not entered
    assert set(spans) >= {("nested", "deep", "version"), ("nested", "z"), ("empty",)}


def test_non_object_documents_have_no_spans() -> None:
    assert value_spans("[1, 2]") == {} and value_spans("  {}  ") == {}
