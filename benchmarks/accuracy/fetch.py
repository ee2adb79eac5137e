"""Download published source archives with the registries' own clients, and unpack them.

PyPI source distributions come from ``pip download --no-deps --no-binary :all:`` and npm tarballs
from ``npm pack``. Both land in a cache directory (``benchmarks/.cache/`` by default, gitignored)
and are reused on later runs. Unpacking is defensive: archives are untrusted input, so members
that would escape the target directory are refused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from benchmarks.accuracy.dataset import Ecosystem

__all__ = [
    "ARCHIVE_SUFFIXES",
    "FetchError",
    "download",
    "find_archive",
    "strip_packaging_artefacts",
    "tree_for",
    "unpack",
]

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".zip")


class FetchError(RuntimeError):
    """A download or an unpack failed; the message names the package and the cause."""


def find_archive(directory: Path) -> Path | None:
    """The single source archive in ``directory``, or None when there is none yet."""
    if not directory.is_dir():
        return None
    found = sorted(p for p in directory.iterdir() if p.name.endswith(ARCHIVE_SUFFIXES))
    if len(found) > 1:
        raise FetchError(f"{directory}: several archives: {', '.join(p.name for p in found)}")
    return found[0] if found else None


def _download_command(ecosystem: Ecosystem, package: str, version: str, dest: Path) -> list[str]:
    if ecosystem == "pypi":
        # --no-binary for this package only: the source distribution is what we want, while
        # its build backend (which pip runs to read the metadata) may come as a wheel.
        # ":all:" would also build every backend from source, several times slower.
        return [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            package,
            f"{package}=={version}",
            "-d",
            str(dest),
        ]
    return ["npm", "pack", "--silent", f"{package}@{version}", "--pack-destination", str(dest)]


def download(
    ecosystem: Ecosystem, package: str, version: str, cache: Path, *, timeout: float = 600
) -> Path:
    """The source archive of one release, downloaded into ``cache`` unless already there."""
    dest = cache / "downloads" / ecosystem / f"{package.replace('/', '__')}-{version}"
    existing = find_archive(dest)
    if existing is not None:
        return existing
    # Download into a scratch directory first, so that an interrupted run never leaves a
    # partial archive that a later run would take for a complete one.
    dest.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=dest.parent, prefix=".partial-"))
    try:
        command = _download_command(ecosystem, package, version, scratch)
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, cwd=scratch, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise FetchError(f"{ecosystem}:{package}=={version}: {exc}") from exc
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no error text"])[-1]
            raise FetchError(f"{ecosystem}:{package}=={version}: download failed: {last}")
        if find_archive(scratch) is None:
            raise FetchError(f"{ecosystem}:{package}=={version}: no source archive was downloaded")
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(scratch, dest)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch)
    found = find_archive(dest)
    assert found is not None
    return found


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise FetchError(f"archive member escapes the target directory: {name!r}")
    return path


def _top_level_prefix(names: list[str]) -> str | None:
    """The single directory that wraps every member (``pkg-1.0/``, npm's ``package/``)."""
    parts = [PurePosixPath(n).parts for n in names]
    tops = {p[0] for p in parts if p}
    # It wraps only if it is a directory: some member lies below it.
    if len(tops) == 1 and any(len(p) > 1 for p in parts):
        return tops.pop()
    return None


def unpack(archive: Path, target: Path) -> Path:
    """Unpack ``archive`` into ``target`` (created empty), without its wrapping directory."""
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpack-"))
    try:
        if archive.name.endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                names = zf.namelist()
                for name in names:
                    _safe_member(name)
                zf.extractall(staging)
        else:
            try:
                with tarfile.open(archive) as tf:
                    names = tf.getnames()
                    for name in names:
                        _safe_member(name)
                    # The "data" filter also refuses links that point outside, device files
                    # and setuid bits.
                    tf.extractall(staging, filter="data")
            except tarfile.TarError as exc:
                raise FetchError(f"{archive.name}: broken archive: {exc}") from exc
        prefix = _top_level_prefix(names)
        root = staging / prefix if prefix and (staging / prefix).is_dir() else staging
        os.replace(root, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return target


def strip_packaging_artefacts(tree: Path) -> list[str]:
    """Remove what a source distribution adds but a source repository does not hold.

    ``PKG-INFO`` at the root and ``*.egg-info`` directories are written by the build backend:
    they are not sources, and they state the version, which the analyzer must not be given.
    Returns the removed paths, relative to ``tree``.
    """
    removed: list[str] = []
    pkg_info = tree / "PKG-INFO"
    if pkg_info.is_file():
        pkg_info.unlink()
        removed.append("PKG-INFO")
    for egg in sorted(tree.rglob("*.egg-info")):
        if egg.is_dir() and not egg.is_symlink():
            shutil.rmtree(egg)
            removed.append(egg.relative_to(tree).as_posix())
    return removed


def tree_for(ecosystem: Ecosystem, package: str, version: str, cache: Path) -> Path:
    """The unpacked, cleaned source tree of one release, downloading it if needed."""
    target = cache / "trees" / ecosystem / f"{package.replace('/', '__')}-{version}"
    marker = target.with_name(target.name + ".ok")
    if marker.is_file() and target.is_dir():
        return target
    archive = download(ecosystem, package, version, cache)
    unpack(archive, target)
    if ecosystem == "pypi":
        strip_packaging_artefacts(target)
    marker.write_text(archive.name + "\n", encoding="utf-8")
    return target
