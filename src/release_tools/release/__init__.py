"""Carry a release out: plans -> versions -> manifests -> changelog -> commit -> tag -> publish.

The commands are plain functions over :class:`~release_tools.config.Settings`:
:func:`run_release`, :func:`create_version_plan` and :func:`check_plans`.
"""

from __future__ import annotations

from release_tools.release.plancheck import PlanCheckResult, check_plans
from release_tools.release.planning import PlanRequest, PlanResult, create_version_plan
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release
from release_tools.release.versions import ProjectRelease

__all__ = [
    "PlanCheckResult",
    "PlanRequest",
    "PlanResult",
    "ProjectRelease",
    "ReleaseOptions",
    "ReleaseResult",
    "check_plans",
    "create_version_plan",
    "run_release",
]
