"""Build an :class:`AnalysisContext` for a real repository's range, as ``analyze`` does.

Gatherer tests take the context straight from the production collector (range resolution,
the streamed diff with its exclusion rule, the commits), so they see exactly what a gatherer
sees in a real run. Settings may be overridden by keyword; the release history is not read
unless asked for, since gatherers do not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.service import collect
from release_tools.config import Settings

ContextFactory = Callable[..., AnalysisContext]


def build_context(path: Path, base: str, head: str = "HEAD", **settings: object) -> AnalysisContext:
    values: dict[str, object] = {"history": False, **settings}
    config = Settings(repo=path, base=base, head=head, **values)  # type: ignore[arg-type]
    return collect(config).context
