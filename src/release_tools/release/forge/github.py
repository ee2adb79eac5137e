"""GitHub releases through the REST API: create or update, then attach the assets.

* ``POST /repos/{owner}/{repo}/releases`` creates the release of an existing tag. A 422 whose
  errors carry the code ``already_exists`` means the tag has a release already: it is fetched
  (``GET .../releases/tags/{tag}``) and updated (``PATCH .../releases/{id}``), never doubled.
* Assets go to the release's ``upload_url``, a URI template whose ``{?name,label}`` part is
  replaced by a ``name`` query parameter. An asset of the same name is deleted first
  (``DELETE .../releases/assets/{id}``): GitHub refuses to hold two.
* GitHub stores a name with other characters than letters, digits, ``.``, ``-`` and ``_``
  with each of them turned into a ``.`` (``demo 1.0.whl`` becomes ``demo.1.0.whl``): the
  assets already there are matched on that stored name, and the release reports the name
  the upload's answer gives.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from release_tools.release.forge.assets import Asset, github_stored_name
from release_tools.release.forge.errors import ForgeError, ForgeErrorKind
from release_tools.release.forge.http import ForgeHttp, response_message
from release_tools.release.forge.models import PublishedRelease, ReleaseSpec
from release_tools.release.forge.remote import Forge

__all__ = ["GitHubReleases"]

log = logging.getLogger(__name__)


def _same_asset(stored: str, local: str) -> bool:
    return stored in (local, github_stored_name(local))


class _Asset(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    name: str
    browser_download_url: str = ""


class _Release(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    html_url: str
    upload_url: str
    assets: list[_Asset] = []


def _already_exists(response: httpx.Response) -> bool:
    try:
        data: Any = response.json()
    except ValueError:
        return False
    errors = data.get("errors") if isinstance(data, dict) else None
    return isinstance(errors, list) and any(
        isinstance(e, dict) and e.get("code") == "already_exists" for e in errors
    )


class GitHubReleases:
    """Releases of one repository (``owner/name``) through ``http``."""

    def __init__(self, http: ForgeHttp, repository: str) -> None:
        self.http = http
        self.repository = repository
        self._base = f"/repos/{repository}"

    def _parse(self, model: type[_Release] | type[_Asset], response: httpx.Response) -> Any:
        try:
            return model.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            raise ForgeError(
                f"GitHub answered {response.request.method} {response.request.url.path} with "
                f"an unexpected body ({response.status_code})",
                ForgeErrorKind.REFUSED,
                response.status_code,
            ) from exc

    def publish(self, spec: ReleaseSpec) -> PublishedRelease:
        """Create the release of ``spec.tag`` (or update the existing one), then its assets."""
        payload = {
            "tag_name": spec.tag,
            "name": spec.name,
            "body": spec.notes,
            "prerelease": spec.prerelease,
            "draft": False,
        }
        response = self.http.request("POST", f"{self._base}/releases", json=payload, allow=(422,))
        created = response.status_code != 422
        if not created:
            if not _already_exists(response):
                raise ForgeError(
                    f"GitHub refused POST {self._base}/releases (422 {response_message(response)})",
                    ForgeErrorKind.REFUSED,
                    422,
                )
            log.info("a GitHub release of %s exists: updating it", spec.tag)
            found = self.http.request(
                "GET", f"{self._base}/releases/tags/{quote(spec.tag, safe='')}"
            )
            existing: _Release = self._parse(_Release, found)
            response = self.http.request(
                "PATCH", f"{self._base}/releases/{existing.id}", json=payload
            )
        release: _Release = self._parse(_Release, response)
        uploaded = tuple(self._upload(release, asset) for asset in spec.assets)
        return PublishedRelease(
            forge=Forge.GITHUB,
            repository=self.repository,
            tag=spec.tag,
            url=release.html_url,
            created=created,
            prerelease=spec.prerelease,
            assets=uploaded,
        )

    def _upload(self, release: _Release, asset: Asset) -> tuple[str, str]:
        for old in release.assets:
            if _same_asset(old.name, asset.name):
                log.info("replacing the asset %s of the GitHub release", asset.name)
                self.http.request("DELETE", f"{self._base}/releases/assets/{old.id}")
        try:
            data = asset.read()
        except OSError as exc:
            raise ForgeError(
                f"cannot read the release asset {asset.relative}: {exc.strerror}",
                ForgeErrorKind.ASSET,
            ) from exc
        target = release.upload_url.split("{", 1)[0]
        self._check_upload_url(target)
        for last in (False, True):
            response = self.http.request(
                "POST",
                target,
                params={"name": asset.name},
                content=data,
                headers={"Content-Type": asset.content_type},
                allow=() if last else (422,),
            )
            if response.status_code != 422:
                break
            # An upload retried after a lost answer finds its own first copy: replace it.
            if not _already_exists(response):
                raise ForgeError(
                    f"GitHub refused the asset {asset.name} (422 {response_message(response)})",
                    ForgeErrorKind.REFUSED,
                    422,
                )
            listed = self.http.request("GET", f"{self._base}/releases/{release.id}/assets")
            for old in self._parse_list(listed):
                if _same_asset(old.name, asset.name):
                    self.http.request("DELETE", f"{self._base}/releases/assets/{old.id}")
        uploaded: _Asset = self._parse(_Asset, response)
        return uploaded.name, uploaded.browser_download_url

    def _check_upload_url(self, target: str) -> None:
        """Refuse to send the token to an upload URL off the API's site.

        github.com answers with ``uploads.github.com`` for ``api.github.com``; GitHub
        Enterprise Server with its own host. Anything else would receive the credential.
        """
        api = urlsplit(self.http.base_url)
        upload = urlsplit(target)
        api_host = (api.hostname or "").lower()
        host = (upload.hostname or "").lower()
        site = api_host.removeprefix("api.")
        same_site = host in (api_host, site) or host.endswith("." + site)
        if not same_site or upload.scheme != api.scheme:
            raise ForgeError(
                f"GitHub gave an upload URL on another site ({upload.scheme}://{host}); "
                "refusing to send the token there",
                ForgeErrorKind.REFUSED,
            )

    def _parse_list(self, response: httpx.Response) -> list[_Asset]:
        try:
            data = response.json()
            return [_Asset.model_validate(item) for item in data]
        except (ValueError, TypeError, ValidationError) as exc:
            raise ForgeError(
                f"GitHub answered {response.request.url.path} with an unexpected body",
                ForgeErrorKind.REFUSED,
                response.status_code,
            ) from exc
