"""The ``--format json`` reports of ``create-version-plan``, ``plan-check`` and ``release``.

Plain dicts for ``json.dumps`` (which escapes control characters, so a plan body or a commit
subject cannot forge structure). Each report says what was written, or in a dry run what would
be, so CI can act on it without parsing the text output.
"""

from __future__ import annotations

from typing import Any

from release_tools.release.plancheck import PlanCheckResult
from release_tools.release.planning import PlanResult
from release_tools.release.results import ReleaseResult

__all__ = ["plan_check_report", "plan_report", "release_report"]


def plan_report(result: PlanResult) -> dict[str, Any]:
    """The plan written (``plan_path`` None when none was, and ``message`` says why)."""
    decision = result.decision
    return {
        "written": result.path is not None,
        "plan_path": result.path,
        "plan_format": result.plan_format,
        "project": result.project,
        "projects": dict(result.projects),
        "group_members": list(result.members),
        "version_type": result.version_type,
        "body": result.body,
        "commit": result.commit,
        "pushed": result.pushed,
        "needs_review": bool(decision is not None and decision.needs_review),
        "message": result.message,
    }


def plan_check_report(result: PlanCheckResult) -> dict[str, Any]:
    """Touched projects, those without a plan, and the base the range was measured from."""
    return {
        "ok": result.ok,
        "base": result.base,
        "head": result.head,
        "touched": list(result.touched),
        "planned": list(result.planned),
        "missing": list(result.missing),
        "uncommitted_plans": list(result.uncommitted),
        "warnings": list(result.warnings),
    }


def release_report(result: ReleaseResult) -> dict[str, Any]:
    """Versions, tags, files and plans of the release (what would happen, in a dry run)."""
    return {
        "released": result.released and not result.dry_run,
        "dry_run": result.dry_run,
        "message": result.message,
        "releases": [
            {
                "name": r.project.name,
                "path": r.project.path,
                "release_type": r.release_type,
                "old_version": r.previous,
                "new_version": r.version,
                "tag": r.tag if r.tag in result.planned_tags else None,
                "plans": sorted({p.path for p in r.plans if p.path and p.type_for(r.project.name)}),
                "analyzed": any(not p.path for p in r.plans),
                "dependency_only": list(r.dependency_only),
                "group": list(r.group),
            }
            for r in result.releases
        ],
        "tags": list(result.tags) if not result.dry_run else list(result.planned_tags),
        "files_written": list(result.files_written),
        "files_deleted": list(result.files_deleted),
        "plans_consumed": list(result.plans_consumed),
        "commit": result.commit,
        "pushed": result.pushed,
        "actions": list(result.actions),
        "skipped": list(result.skipped),
        "published": [
            {"project": o.project, "command": o.command, "output": o.output}
            for o in result.published
        ],
        "warnings": list(result.warnings),
        "refused": list(result.refused),
        "analyzed": [
            {
                "project": a.name,
                "version_type": a.decision.version_type,
                "release_type": a.plan.entries[0].type if a.plan is not None else None,
                "needs_review": a.decision.needs_review,
                "reasoning": a.decision.reasoning,
            }
            for a in result.analyzed
        ],
        "forge_releases": [
            r.to_dict()
            for r in (result.planned_forge_releases if result.dry_run else result.forge_releases)
        ],
    }
