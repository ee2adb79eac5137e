"""The benchmark's dataset: release pairs read from ``pairs.toml``, and their labels.

A pair is two consecutive published releases of one package. Its label is the actual version
change, computed from the two version strings alone: the first of major, minor, patch that
differs. Only pairs whose old release is at least 1.0.0 are accepted: on 0.x, projects use the
minor number for breaking changes and the patch number for features, so the version change
does not say what kind of change it was, and any relabelling would be a guess.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = [
    "DEFAULT_MANIFEST",
    "HOLDOUT_MANIFEST",
    "LABELS",
    "DatasetError",
    "Ecosystem",
    "Label",
    "Pair",
    "label_for",
    "load_pairs",
    "parse_release",
]

Label = Literal["major", "minor", "patch"]
Ecosystem = Literal["pypi", "npm"]

#: The classes, strongest first; every table of the benchmark uses this order.
LABELS: tuple[Label, ...] = ("major", "minor", "patch")

DEFAULT_MANIFEST = Path(__file__).with_name("pairs.toml")
#: Pairs of other packages, kept out of tuning (see the file's header).
HOLDOUT_MANIFEST = Path(__file__).with_name("holdout.toml")

# A final release: 1, 1.2 or 1.2.3. Pre-releases, post-releases, dev releases and build metadata
# are refused: they are not steps of the release line a user upgrades along.
_RELEASE = re.compile(r"^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?$")
_NAME = re.compile(r"^(?:@[a-z0-9][a-z0-9._-]*/)?[A-Za-z0-9][A-Za-z0-9._-]*$")


class DatasetError(ValueError):
    """The manifest is unreadable or holds a pair that breaks the dataset's rules."""


def parse_release(text: str) -> tuple[int, int, int]:
    """``"2.0"`` -> ``(2, 0, 0)``; refuses anything but a final release of 1 to 3 numbers."""
    match = _RELEASE.match(text.strip())
    if match is None:
        raise DatasetError(f"not a final release version: {text!r}")
    major, minor, patch = (int(part) if part is not None else 0 for part in match.groups())
    return major, minor, patch


def label_for(old: str, new: str) -> Label:
    """The kind of the version change from ``old`` to ``new``.

    Refuses pairs that go backwards or stay put, and pairs whose old release is below 1.0.0
    (see the module docstring for why).
    """
    before, after = parse_release(old), parse_release(new)
    if after <= before:
        raise DatasetError(f"{new} is not above {old}")
    if before[0] == 0:
        raise DatasetError(f"{old} -> {new}: pairs below 1.0.0 are not labelled")
    for index, label in enumerate(LABELS):
        if after[index] != before[index]:
            return label
    raise AssertionError("unreachable: the versions differ")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Pair:
    """Two consecutive releases of one package and the kind of change between them."""

    ecosystem: Ecosystem
    package: str
    old: str
    new: str
    label: Label

    @property
    def key(self) -> str:
        """A file-system-safe identifier, unique within the dataset."""
        name = self.package.replace("@", "").replace("/", "__")
        return f"{self.ecosystem}-{name}-{self.old}-{self.new}"

    @property
    def base_tag(self) -> str:
        """The tag put on the old release's commit; analyze gets it as ``--base``."""
        return f"v{self.old}"

    def __str__(self) -> str:
        return f"{self.ecosystem}:{self.package} {self.old} -> {self.new}"


def _pair_from(raw: object, index: int) -> Pair:
    where = f"pair #{index + 1}"
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: must be a table")
    missing = {"ecosystem", "package", "old", "new", "label"} - raw.keys()
    if missing:
        raise DatasetError(f"{where}: missing {', '.join(sorted(missing))}")
    unknown = raw.keys() - {"ecosystem", "package", "old", "new", "label"}
    if unknown:
        raise DatasetError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    ecosystem, package = raw["ecosystem"], raw["package"]
    old, new, label = raw["old"], raw["new"], raw["label"]
    if ecosystem not in ("pypi", "npm"):
        raise DatasetError(f"{where}: unknown ecosystem {ecosystem!r}")
    if not isinstance(package, str) or not _NAME.match(package):
        raise DatasetError(f"{where}: bad package name {package!r}")
    if not isinstance(old, str) or not isinstance(new, str):
        raise DatasetError(f"{where}: versions must be strings")
    actual = label_for(old, new)
    # The manifest states the label so that a reader sees the classes; it must agree with
    # the versions, or the dataset would silently measure against a wrong answer.
    if label != actual:
        raise DatasetError(f"{where}: {package} {old} -> {new} is a {actual}, not {label!r}")
    return Pair(ecosystem=ecosystem, package=package, old=old, new=new, label=actual)


def load_pairs(path: Path = DEFAULT_MANIFEST) -> list[Pair]:
    """Read and validate the manifest: every pair labelled correctly, none twice."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DatasetError(f"{path}: cannot be read: {exc}") from exc
    raw_pairs = data.get("pair", [])
    if not isinstance(raw_pairs, list) or not raw_pairs:
        raise DatasetError(f"{path}: no [[pair]] entries")
    pairs = [_pair_from(raw, index) for index, raw in enumerate(raw_pairs)]
    seen: set[str] = set()
    for pair in pairs:
        if pair.key in seen:
            raise DatasetError(f"{path}: {pair} is listed twice")
        seen.add(pair.key)
    return pairs
