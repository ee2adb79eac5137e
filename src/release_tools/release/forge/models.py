"""What a forge release is made of, and what was made: plain data shared by the forge modules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from release_tools.release.forge.assets import Asset
from release_tools.release.forge.remote import Forge

__all__ = ["PublishedRelease", "ReleaseSpec"]


@dataclass(frozen=True, slots=True)
class ReleaseSpec:
    """One release to create (or update) on a forge, for one tag."""

    tag: str
    name: str
    notes: str
    prerelease: bool
    #: The released version, and the project it belongs to (GitLab's package name).
    version: str
    project: str
    assets: tuple[Asset, ...] = ()


@dataclass(frozen=True, slots=True)
class PublishedRelease:
    """A release as the forge holds it after the request, or, when ``planned``, as a dry run
    would ask for it (nothing sent, so no URL and nothing created)."""

    forge: Forge
    #: None only in a plan whose repository could not be told (the dry run is refused).
    repository: str | None
    tag: str
    #: None only when ``planned``.
    url: str | None
    #: False when a release of that tag existed and was updated instead (or when ``planned``).
    created: bool
    prerelease: bool
    #: The names of the attached files and where each can be downloaded (None when planned).
    assets: tuple[tuple[str, str | None], ...] = ()
    #: True in a dry run: the release that would be made, not one the forge holds.
    planned: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON reports' shape."""
        return {
            "forge": self.forge.value,
            "repository": self.repository,
            "tag": self.tag,
            "url": self.url,
            "created": self.created,
            "prerelease": self.prerelease,
            "assets": [{"name": name, "url": url} for name, url in self.assets],
            "planned": self.planned,
        }
