"""Progress: a rich bar on a terminal, log lines in CI and pipes."""

from __future__ import annotations

import io
import logging

import pytest

from release_tools.analysis.engines.model.progress import (
    LogProgress,
    RichProgress,
    open_progress,
    use_bar,
)


class Terminal(io.StringIO):
    """A text stream that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


def test_bar_only_on_a_terminal_outside_ci() -> None:
    assert use_bar(Terminal(), environ={})
    assert not use_bar(Terminal(), environ={"CI": "true"})
    assert not use_bar(io.StringIO(), environ={})


def test_log_lines_when_not_a_terminal(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="release_tools.analysis.engines.model.progress")
    with open_progress(2, "chunks", stream=io.StringIO(), environ={}) as progress:
        assert isinstance(progress, LogProgress)
        progress.advance("chunk 0")
        progress.advance()
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["chunks: 2 steps", "chunks: 1/2 done (chunk 0)", "chunks: 2/2 done"]


def test_rich_bar_on_a_terminal_is_transient() -> None:
    stream = Terminal()
    with open_progress(3, "chunks", stream=stream, environ={}) as progress:
        assert isinstance(progress, RichProgress)
        for _ in range(3):
            progress.advance()
    assert progress.done == 3
    assert "chunks" in stream.getvalue()  # drawn on the given stream, not on stdout
