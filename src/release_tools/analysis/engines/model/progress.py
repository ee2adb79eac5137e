"""Progress of the model analysis: a rich progress bar on a terminal, log lines elsewhere.

On an interactive terminal (standard error is a TTY and no ``CI`` variable is set) a transient
rich bar on standard error shows the chunks done; it disappears when the analysis ends, so the
report on standard output stays clean. In CI, in pipes and in tests, each step is an ``INFO``
log line instead (a redrawn bar would fill CI logs with control characters).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from types import TracebackType
from typing import Protocol, Self, TextIO

__all__ = ["LogProgress", "ProgressReporter", "RichProgress", "open_progress", "use_bar"]

log = logging.getLogger(__name__)


class ProgressReporter(Protocol):
    """Counts steps of a known total; a context manager that cleans up after itself."""

    def advance(self, note: str = "") -> None:
        """One more step is done; ``note`` says which."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class LogProgress:
    """Progress as log lines: ``chunk 3/8 done`` at INFO."""

    def __init__(self, total: int, description: str) -> None:
        self.total = total
        self.description = description
        self.done = 0

    def __enter__(self) -> Self:
        log.info("%s: %d steps", self.description, self.total, extra={"total": self.total})
        return self

    def advance(self, note: str = "") -> None:
        self.done += 1
        suffix = f" ({note})" if note else ""
        log.info(
            "%s: %d/%d done%s",
            self.description,
            self.done,
            self.total,
            suffix,
            extra={"done": self.done, "total": self.total},
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None


class RichProgress:
    """A transient rich progress bar on ``stream`` (standard error by default)."""

    def __init__(self, total: int, description: str, stream: TextIO | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.total = total
        self.done = 0
        console = Console(file=stream if stream is not None else sys.stderr)
        self._progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task(description, total=total)

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def advance(self, note: str = "") -> None:
        self.done += 1
        self._progress.advance(self._task)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()


def use_bar(stream: TextIO | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether a bar fits: ``stream`` (standard error) is a terminal and this is not CI."""
    env = os.environ if environ is None else environ
    if env.get("CI"):
        return False
    target = stream if stream is not None else sys.stderr
    isatty = getattr(target, "isatty", None)
    return bool(isatty and isatty())


def open_progress(
    total: int,
    description: str = "analysing chunks",
    *,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> ProgressReporter:
    """A bar on a terminal, log lines otherwise (see :func:`use_bar`)."""
    if use_bar(stream, environ):
        return RichProgress(total, description, stream)
    return LogProgress(total, description)
