"""Server text that the client puts into its own log records is one line without terminal
controls, whatever handler prints the records: here an application's plain ``%(message)s``
handler, which escapes nothing itself."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest

from release_tools.realtime.config import ResponseRequest, SessionConfig
from release_tools.realtime.logtext import Escaped, escape
from release_tools.realtime.protocol import RealtimeProtocol, ResponseResult

FORGED = "bad\n::error::forged\r\x1b[2J\u2028end"
ESCAPED = "bad\\n::error::forged\\r\\x1b[2J\\u2028end"


class Lines(logging.Handler):
    """Another application's handler: the formatted records, as they would be printed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def handler() -> Iterator[Lines]:
    logger = logging.getLogger("release_tools.realtime")
    lines = Lines()
    level = logger.level
    logger.addHandler(lines)
    logger.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)


def send(proto: RealtimeProtocol, **event: Any) -> None:
    proto.feed(json.dumps(event))


def open_protocol() -> RealtimeProtocol:
    proto = RealtimeProtocol(SessionConfig(instructions="be brief"))
    created: Future[str] = Future()
    proto.begin_connect(created)
    send(proto, type="session.created", session={"id": "sess_1", "model": "gpt-realtime"})
    updated: Future[str] = Future()
    proto.session_update_frame(updated)
    send(proto, type="session.updated", session={"id": "sess_1"})
    proto.mark_open()
    return proto


def server_lines(handler: Lines) -> list[str]:
    return [line for line in handler.lines if "forged" in line]


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("some_code", "server error for request: "),
        ("session_expired", "server ended the session: "),
    ],
)
def test_a_servers_error_message_is_logged_on_one_line(
    handler: Lines, code: str, says: str
) -> None:
    proto = open_protocol()
    waiter: Future[ResponseResult] = Future()
    proto.start_response(ResponseRequest(input_text="hi"), waiter)
    error = {"type": "invalid_request_error", "code": f"{code}", "message": FORGED}
    send(proto, type="error", error=error)
    assert waiter.done()
    (line,) = server_lines(handler)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert says + ESCAPED in line


def test_the_error_fields_of_a_record_are_escaped_too(handler: Lines) -> None:
    proto = open_protocol()
    waiter: Future[ResponseResult] = Future()
    proto.start_response(ResponseRequest(input_text="hi"), waiter)
    error = {"type": "invalid\nkind", "code": "a\x1bb", "message": "m", "event_id": "e\r1"}
    send(proto, type="error", error=error)
    (record,) = [r for r in handler.records if "server error" in r.getMessage()]
    assert vars(record)["error_type"] == "invalid\\nkind"
    assert vars(record)["error_code"] == "a\\x1bb"


def test_escape_keeps_text_that_needs_none() -> None:
    assert escape("plain text, ünïcode and C:\\path") == "plain text, ünïcode and C:\\path"
    assert escape(None) is None
    assert str(Escaped(ValueError(FORGED))) == ESCAPED
