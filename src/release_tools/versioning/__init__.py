"""Versions and where they live: bumps, semver / PEP 440, release tags, projects, manifests.

The ground floor of the application: everything else builds on it, it imports nothing above.
"""

from __future__ import annotations

from release_tools.versioning.bump import Bump
from release_tools.versioning.projectlookup import find_project
from release_tools.versioning.projects import Project, discover_projects
from release_tools.versioning.semver import ReleaseType, Version, bump_version, increment
from release_tools.versioning.tags import ReleaseTag, find_release_tags, latest_release_tag

__all__ = [
    "Bump",
    "Project",
    "ReleaseTag",
    "ReleaseType",
    "Version",
    "bump_version",
    "discover_projects",
    "find_project",
    "find_release_tags",
    "increment",
    "latest_release_tag",
]
