"""release-tools: decide the next semantic version from git changes, and release it."""

from __future__ import annotations

from release_tools.errors import ReleaseToolsError

__all__ = ["ReleaseToolsError", "__version__"]

__version__ = "0.1.0"
