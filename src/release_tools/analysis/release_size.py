"""How many commits a project's patch and minor releases hold, and what a range's size says; pure.

Many projects gather features into minor releases of many commits and cut small patch releases
between them, and such a small release may well add a helper or an option without being called
a feature release. Where the earlier releases of the era tell the two sizes apart, a range whose
code shows only additions, whose commits declare no feature, and whose size is that of the
project's patch releases is calibrated to a patch, with review: the additions are still listed.

Sizes are compared on a log scale (3 commits are as far from 6 as 30 from 60), against the median
size of each kind of release.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from release_tools.analysis.calibration import HistoryVerdict
from release_tools.analysis.history import PastRelease
from release_tools.versioning.bump import Bump

__all__ = ["MIN_RELEASES", "MIN_SEPARATION", "ReleaseSizes", "follow_size", "release_sizes"]

#: Patch and minor releases of the era each needed before their sizes are compared.
MIN_RELEASES = 3
#: Distance of the two medians on the natural log scale below which sizes say nothing:
#: minor releases must hold at least about 1.65 times the commits of patch releases.
MIN_SEPARATION = 0.5


def _median(sizes: Sequence[int]) -> float:
    # An empty range (a tag moved onto its predecessor's commit) counts as one commit.
    return float(statistics.median(max(size, 1) for size in sizes))


@dataclass(frozen=True, slots=True)
class ReleaseSizes:
    """The commit counts of the era's earlier patch and minor releases, oldest first."""

    patch: tuple[int, ...]
    minor: tuple[int, ...]
    zero: bool

    @property
    def separated(self) -> bool:
        """Whether there are enough releases of each kind, and their sizes differ enough."""
        if len(self.patch) < MIN_RELEASES or len(self.minor) < MIN_RELEASES:
            return False
        return math.log(_median(self.minor)) - math.log(_median(self.patch)) >= MIN_SEPARATION

    def sized_like_patch(self, commits: int) -> bool:
        """Whether a range of ``commits`` commits is nearer the patch median than the minor one."""
        if not self.separated:
            return False
        size = math.log(max(commits, 1))
        to_patch = abs(size - math.log(_median(self.patch)))
        return to_patch < abs(size - math.log(_median(self.minor)))

    def rule(self, commits: int) -> str:
        """The learned habit and where this range stands, for the reasoning."""
        era = "0.x " if self.zero else ""
        return (
            f"the last {len(self.patch)} {era}patch releases held a median of "
            f"{_median(self.patch):g} commits and the {len(self.minor)} minor ones "
            f"{_median(self.minor):g}; this range holds {commits}, the size of a patch release"
        )

    def as_json(self) -> dict[str, object]:
        return {
            "patch_releases": len(self.patch),
            "minor_releases": len(self.minor),
            "patch_median_commits": _median(self.patch) if self.patch else None,
            "minor_median_commits": _median(self.minor) if self.minor else None,
            "separated": self.separated,
        }


def release_sizes(releases: Sequence[PastRelease], *, zero: bool) -> ReleaseSizes:
    """The sizes of the patch and minor ``releases`` of the era ``zero``."""
    era = [r for r in releases if r.zero == zero]
    return ReleaseSizes(
        patch=tuple(r.commits for r in era if r.shipped is Bump.PATCH),
        minor=tuple(r.commits for r in era if r.shipped is Bump.MINOR),
        zero=zero,
    )


def follow_size(
    sizes: ReleaseSizes,
    *,
    bump: Bump,
    declared: Bump | None,
    commits: int,
    breaking: bool,
) -> HistoryVerdict | None:
    """A minor verdict calibrated to a patch by the range's size, or None to keep ``bump``.

    Only a minor that rests on the code: ``declared`` (what the range's conventional commits
    declare, None without any) must not be a feature or more, and ``breaking`` (any major-level
    finding, even one the 0.x policy turned into a minor) rules the calibration out. The
    additions disagree with the calibrated patch, so the verdict always needs review.
    """
    if bump is not Bump.MINOR or breaking:
        return None
    if declared is not None and declared > Bump.PATCH:
        return None
    if not sizes.sized_like_patch(commits):
        return None
    notes = (
        f"{sizes.rule(commits)}: calibrated to patch",
        "the code adds to the public API: flagged for review",
    )
    return HistoryVerdict(Bump.PATCH, True, notes)
