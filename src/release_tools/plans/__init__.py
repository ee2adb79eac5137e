"""Version-plan files (Nx ``.nx/version-plans`` and changesets ``.changeset``)."""

from __future__ import annotations

from release_tools.plans.store import (
    CHANGESETS_DIR,
    DEFAULT_GROUP,
    NX_PLANS_DIR,
    PLAN_DIRS,
    PlanEntry,
    PlanFormat,
    VersionPlan,
    consume_plan,
    default_message,
    highest_type,
    is_plan_path,
    load_plan,
    read_plans,
    render_plan,
    validate_plans,
    with_project_names,
    write_plan,
)

__all__ = [
    "CHANGESETS_DIR",
    "DEFAULT_GROUP",
    "NX_PLANS_DIR",
    "PLAN_DIRS",
    "PlanEntry",
    "PlanFormat",
    "VersionPlan",
    "consume_plan",
    "default_message",
    "highest_type",
    "is_plan_path",
    "load_plan",
    "read_plans",
    "render_plan",
    "validate_plans",
    "with_project_names",
    "write_plan",
]
