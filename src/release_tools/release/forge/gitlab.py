"""GitLab releases through API v4: upload the assets, then create or update the release.

* Each asset goes to the project's generic package registry
  (``PUT /projects/:id/packages/generic/:package/:version/:file``), where it stays for as long
  as the project keeps it, and the release links to it.
* ``POST /projects/:id/releases`` creates the release with those links. A 409 means the tag
  has a release already: ``PUT /projects/:id/releases/:tag_name`` updates its name and
  description, and its links of the same names are replaced through
  ``/projects/:id/releases/:tag_name/assets/links``.

GitLab releases have no prerelease flag; a prerelease is published as a normal release.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from release_tools.release.forge.assets import Asset
from release_tools.release.forge.errors import ForgeError, ForgeErrorKind
from release_tools.release.forge.http import ForgeHttp
from release_tools.release.forge.models import PublishedRelease, ReleaseSpec
from release_tools.release.forge.remote import Forge

__all__ = ["GitLabReleases", "package_name"]

log = logging.getLogger(__name__)


class _Links(BaseModel):
    model_config = ConfigDict(extra="ignore")

    self: str = ""


class _Release(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    tag_name: str
    links: _Links = Field(default_factory=_Links, alias="_links")


class _Link(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    name: str


def package_name(project: str) -> str:
    """A generic package name for ``project`` (letters, digits, ``.``, ``_``, ``-``)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", project).strip("-.")
    return name or "release"


class GitLabReleases:
    """Releases of one project (``id`` or ``group/name``) through ``http``."""

    def __init__(self, http: ForgeHttp, project: str, api_url: str) -> None:
        self.http = http
        self.project = project
        self._base = f"/projects/{quote(project, safe='')}"
        self._api = api_url.rstrip("/")

    def _fail(self, response: httpx.Response, exc: Exception) -> ForgeError:
        return ForgeError(
            f"GitLab answered {response.request.method} {response.request.url.path} with an "
            f"unexpected body ({response.status_code})",
            ForgeErrorKind.REFUSED,
            response.status_code,
        )

    def publish(self, spec: ReleaseSpec) -> PublishedRelease:
        """Upload the assets, then create the release of ``spec.tag`` (or update it)."""
        if spec.prerelease:
            log.debug(
                "GitLab releases have no prerelease flag: %s is published as a normal release",
                spec.tag,
            )
        links = [self._upload(spec, asset) for asset in spec.assets]
        payload: dict[str, Any] = {
            "tag_name": spec.tag,
            "name": spec.name,
            "description": spec.notes,
            "assets": {
                "links": [{"name": name, "url": url, "link_type": "package"} for name, url in links]
            },
        }
        response = self.http.request("POST", f"{self._base}/releases", json=payload, allow=(409,))
        created = response.status_code != 409
        tag_path = f"{self._base}/releases/{quote(spec.tag, safe='')}"
        if not created:
            log.info("a GitLab release of %s exists: updating it", spec.tag)
            response = self.http.request(
                "PUT", tag_path, json={"name": spec.name, "description": spec.notes}
            )
            self._replace_links(tag_path, links)
        try:
            release = _Release.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise self._fail(response, exc) from exc
        url = release.links.self or f"{self._api}{tag_path}"
        return PublishedRelease(
            forge=Forge.GITLAB,
            repository=self.project,
            tag=spec.tag,
            url=url,
            created=created,
            prerelease=spec.prerelease,
            assets=tuple(links),
        )

    def _upload(self, spec: ReleaseSpec, asset: Asset) -> tuple[str, str]:
        try:
            data = asset.read()
        except OSError as exc:
            raise ForgeError(
                f"cannot read the release asset {asset.relative}: {exc.strerror}",
                ForgeErrorKind.ASSET,
            ) from exc
        path = (
            f"{self._base}/packages/generic/{quote(package_name(spec.project), safe='')}/"
            f"{quote(spec.version, safe='')}/{quote(asset.name, safe='')}"
        )
        self.http.request(
            "PUT", path, content=data, headers={"Content-Type": "application/octet-stream"}
        )
        return asset.name, f"{self._api}{path}"

    def _replace_links(self, tag_path: str, links: list[tuple[str, str]]) -> None:
        if not links:
            return
        response = self.http.request("GET", f"{tag_path}/assets/links")
        try:
            existing = [_Link.model_validate(item) for item in response.json()]
        except (ValueError, TypeError, ValidationError) as exc:
            raise self._fail(response, exc) from exc
        names = {name for name, _url in links}
        for link in existing:
            if link.name in names:
                self.http.request("DELETE", f"{tag_path}/assets/links/{link.id}")
        for name, url in links:
            self.http.request(
                "POST",
                f"{tag_path}/assets/links",
                json={"name": name, "url": url, "link_type": "package"},
            )
