"""CI outputs of the release commands, appended to the file ``GITHUB_OUTPUT`` names.

Values go through the heredoc-safe writer ``analyze`` uses, so a multi-line value (a plan
body, a JSON list) can never inject another output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from release_tools.analysis.report import github_output_lines
from release_tools.errors import ReleaseToolsError
from release_tools.logs import redact
from release_tools.release.plancheck import PlanCheckResult
from release_tools.release.planning import PlanResult
from release_tools.release.service import ReleaseResult

__all__ = ["append_github_output", "plan_check_outputs", "plan_outputs", "release_outputs"]


def release_outputs(result: ReleaseResult) -> dict[str, str]:
    """``released``, ``version``, ``tag``, ``previous_version`` (of the first release), a
    ``releases`` JSON list with every project, for workspaces, and ``release_url``: the forge
    release of the first tag (``--forge-release``), else empty."""
    first = result.releases[0] if result.releases else None
    done = result.released and not result.dry_run
    made = result.forge_releases[0] if result.forge_releases and done else None
    return {
        "released": "true" if done else "false",
        "version": first.version if first and done else "",
        "tag": first.tag if first and done and first.tag in result.tags else "",
        "previous_version": (first.previous or "") if first and done else "",
        "releases": json.dumps(
            [
                {
                    "name": r.project.name,
                    "version": r.version,
                    "previous_version": r.previous,
                    "tag": r.tag if r.tag in result.tags else None,
                }
                for r in (result.releases if done else [])
            ]
        ),
        "release_url": (made.url or "") if made is not None else "",
    }


def plan_outputs(result: PlanResult) -> dict[str, str]:
    """``plan_path``, ``version_type`` and the plan ``body`` of ``create-version-plan``."""
    return {
        "plan_path": result.path or "",
        "version_type": result.version_type or "",
        "body": result.body,
    }


def plan_check_outputs(result: PlanCheckResult) -> dict[str, str]:
    """``touched`` and ``missing`` project names of ``plan-check`` as JSON lists."""
    return {"touched": json.dumps(result.touched), "missing": json.dumps(result.missing)}


def append_github_output(path: str | Path, values: Mapping[str, str]) -> None:
    """Append ``values`` to the GITHUB_OUTPUT file at ``path``."""
    try:
        with open(path, "a", encoding="utf-8", newline="") as handle:
            handle.write(github_output_lines({k: redact(v) for k, v in values.items()}))
    except OSError as exc:
        raise ReleaseToolsError(f"cannot append to GITHUB_OUTPUT {path}: {exc.strerror}") from exc
