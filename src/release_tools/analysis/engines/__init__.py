"""Analyzers behind one protocol: ``local`` (static, offline) and ``realtime`` (a model).

An analyzer receives the collected :class:`~release_tools.analysis.context.AnalysisContext` and
returns the :class:`~release_tools.analysis.models.Decision`. :func:`get_provider` picks one by
the ``provider`` setting.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.models import Decision
from release_tools.config import Settings
from release_tools.errors import UsageError

__all__ = ["Analyzer", "get_provider"]


@runtime_checkable
class Analyzer(Protocol):
    """Decides the bump of one collected range."""

    #: The provider's name, as written in ``--provider`` and in the report.
    name: str

    def analyze(self, ctx: AnalysisContext) -> Decision:
        """Return the decision for ``ctx`` (version fields included)."""
        ...


def get_provider(settings: Settings) -> Analyzer:
    """The analyzer named by ``settings.provider``; UsageError for one that is unavailable."""
    if settings.provider == "local":
        from release_tools.analysis.engines.local import LocalAnalyzer
        from release_tools.versioning.calver import CalendarChoice

        return LocalAnalyzer(
            choice=CalendarChoice.of(settings.version_scheme, settings.calver_format)
        )
    if settings.provider == "realtime":
        from release_tools.analysis.engines.model import RealtimeAnalyzer

        return RealtimeAnalyzer(settings)
    raise UsageError(
        f"provider {settings.provider!r} is not available in this build; use --provider local"
    )
