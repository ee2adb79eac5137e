"""Change analysis: collect the range, gather evidence, decide the bump.

The library entry point is :func:`analyze`, the same work as ``release-tools analyze``::

    from release_tools.analysis import analyze

    decision = analyze("path/to/repo", base="v1.4.0")
    print(decision.version_type, decision.next_version, decision.needs_review)

It returns a :class:`Decision` (the command's JSON output as a pydantic model, its evidence a
list of :class:`Evidence`) and raises subclasses of
:class:`~release_tools.errors.ReleaseToolsError`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from release_tools.analysis.models import Decision, Evidence, Strength
from release_tools.analysis.service import run_analysis
from release_tools.config import Settings, load_settings
from release_tools.versioning.bump import Bump

__all__ = ["Bump", "Decision", "Evidence", "Settings", "Strength", "analyze", "run_analysis"]


def analyze(repo: str | os.PathLike[str] = ".", **options: Any) -> Decision:
    """Decide the bump of the changes in ``repo`` since its last release.

    ``options`` take the names of the settings and of the command's options (``base``,
    ``head``, ``project``, ``provider``, ``include``, ``exclude``, ``major_on_zero``, ...).
    As for the command, the repository's configuration file and the ``RELEASE_TOOLS_*``
    environment variables fill in what ``options`` leave out; an unknown or invalid option
    raises :class:`~release_tools.errors.ConfigError`.
    """
    return run_analysis(load_settings(options, repo=Path(repo)))
