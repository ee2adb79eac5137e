"""``create_version_plan`` and ``check_plans`` on real repositories."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from release_tools.config import load_settings
from release_tools.errors import PlanError, UsageError
from release_tools.plans import load_plan
from release_tools.release.plancheck import check_plans
from release_tools.release.planning import PlanRequest, create_version_plan
from release_tools.release.service import ReleaseOptions, run_release

NOW = 1_767_225_600_000


def plan(
    repo: Any, project: str, version_type: str, flags: dict[str, Any] | None = None, **kw: Any
) -> Any:
    settings = load_settings(flags or {}, repo=repo.path)
    return create_version_plan(
        settings, PlanRequest(project=project, version_type=version_type, now_ms=NOW, **kw)
    )


def check(repo: Any, flags: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Any:
    return check_plans(load_settings(flags or {}, repo=repo.path), environ=env or {})


def test_explicit_plan_with_default_message(python_repo: Any) -> None:
    result = plan(python_repo, "demo", "major")
    assert result.path == f".nx/version-plans/version-plan-{NOW}.md"
    assert (python_repo.path / result.path).read_text() == (
        "---\ndemo: major\n---\n\nfeat!: breaking changes in demo\n"
    )
    assert result.commit is None
    assert python_repo.git("status", "--porcelain") == f"?? {result.path}"


def test_message_and_changesets_format(npm_workspace: Any) -> None:
    result = plan(
        npm_workspace, "@acme/a", "patch", {"plan_format": "changesets"}, message="Fix b."
    )
    assert result.path is not None and result.path.startswith(".changeset/")
    parsed = load_plan(result.path, (npm_workspace.path / result.path).read_text())
    assert [(e.name, e.type) for e in parsed.entries] == [("@acme/a", "patch")]
    assert parsed.body == "Fix b."


@pytest.mark.parametrize(
    ("project", "version_type", "flags", "message"),
    [
        ("ghost", "minor", {}, r"unknown project 'ghost' \(known projects: demo\)"),
        ("demo", "huge", {}, r"invalid version type 'huge' \(expected one of major"),
        ("demo", "prepatch", {"plan_format": "changesets"}, "support major, minor and patch"),
    ],
)
def test_refusals_write_nothing(
    python_repo: Any,
    state: Any,
    project: str,
    version_type: str,
    flags: dict[str, Any],
    message: str,
) -> None:
    before = state(python_repo)
    with pytest.raises(UsageError, match=message):
        plan(python_repo, project, version_type, flags)
    assert state(python_repo) == before


def test_only_touched(npm_workspace: Any, state: Any) -> None:
    run_release(load_settings({}, repo=npm_workspace.path), ReleaseOptions())
    npm_workspace.write("packages/a/index.js", "module.exports = 3;\n")
    npm_workspace.commit("fix: a")
    before = state(npm_workspace)
    skipped = plan(npm_workspace, "b", "patch", only_touched=True)
    assert skipped.path is None and "b has no changes since b@0.1.1" in skipped.message
    assert state(npm_workspace) == before
    written = plan(npm_workspace, "@acme/a", "patch", only_touched=True)
    assert written.path is not None and (npm_workspace.path / written.path).is_file()


def test_commit_and_push(python_repo: Any, bare_remote: Callable[[Any], Path]) -> None:
    remote = bare_remote(python_repo)
    result = plan(python_repo, "demo", "patch", push=True, message="fix: typo")
    assert result.commit == python_repo.head() and result.pushed
    assert python_repo.git("log", "-1", "--format=%s") == "chore: version plan for demo (patch)"
    assert python_repo.git("--git-dir", str(remote), "rev-parse", "main") == result.commit
    assert python_repo.git("status", "--porcelain") == ""


def test_push_refused_on_detached_head_before_writing(python_repo: Any, state: Any) -> None:
    python_repo.git("checkout", "-q", "--detach")
    before = state(python_repo)
    with pytest.raises(UsageError, match="HEAD is detached"):
        plan(python_repo, "demo", "patch", push=True)
    assert state(python_repo) == before


def test_auto_uses_analyze_decision_and_the_commit_subjects(python_repo: Any) -> None:
    result = plan(python_repo, "demo", "auto")
    assert result.decision is not None and result.version_type == "minor"
    # The changelog reader's words, grouped by section; analyze's evidence stays in its report.
    assert result.body == "### Added\n\n- add extra()"
    assert "signal" not in result.body
    text = (python_repo.path / str(result.path)).read_text()
    assert text.startswith("---\ndemo: minor\n---\n\n")


def test_auto_with_nothing_to_release_writes_nothing(python_repo: Any, state: Any) -> None:
    python_repo.tag("v1.4.0")
    before = state(python_repo)
    result = plan(python_repo, "demo", "auto")
    assert result.path is None and "nothing to release" in result.message
    assert state(python_repo) == before


def test_auto_breaking_on_zero_is_recorded_as_minor(make_repo: Callable[[str], Any]) -> None:
    repo = make_repo("zero")
    repo.write("pyproject.toml", '[project]\nname = "z"\nversion = "0.4.0"\n')
    repo.write("z/__init__.py", "def old() -> int:\n    return 1\n")
    repo.commit("chore: initial")
    repo.tag("v0.4.0")
    repo.write("z/__init__.py", "def new() -> int:\n    return 1\n")
    repo.commit("feat!: rename old() to new()")
    result = plan(repo, "z", "auto")
    assert result.decision is not None and result.decision.next_version == "0.5.0"
    assert result.version_type == "minor"
    with_major = plan(repo, "z", "auto", {"major_on_zero": True})
    assert with_major.version_type == "major"


def test_plan_check_names_touched_projects_without_plan(npm_workspace: Any) -> None:
    run_release(load_settings({}, repo=npm_workspace.path), ReleaseOptions())
    base = npm_workspace.head()
    npm_workspace.write("packages/a/index.js", "module.exports = 3;\n")
    npm_workspace.write("packages/b/CHANGELOG.md", "# edited by hand\n")  # bookkeeping only
    npm_workspace.commit("fix: a")
    result = check(npm_workspace, {"base": base})
    assert result.touched == ["@acme/a"] and result.missing == ["@acme/a"] and not result.ok
    plan(npm_workspace, "@acme/a", "patch", commit=True)
    result = check(npm_workspace, {"base": base})
    assert result.ok and result.planned == ["@acme/a"]


def test_plan_check_uses_the_pull_request_base(
    npm_workspace: Any, bare_remote: Callable[[Any], Path]
) -> None:
    bare_remote(npm_workspace)
    npm_workspace.git("checkout", "-q", "-b", "feature")
    npm_workspace.write("packages/b/index.js", "module.exports = 5;\n")
    npm_workspace.commit("fix: b")
    result = check(npm_workspace, env={"GITHUB_BASE_REF": "main"})
    assert result.base == "origin/main" and result.touched == ["b"]
    assert result.ok  # the fixture's pending plans already name b


def test_plan_check_rejects_plans_naming_unknown_projects(npm_workspace: Any) -> None:
    npm_workspace.write(".changeset/ghost.md", '---\n"ghost": patch\n---\nx\n')
    npm_workspace.commit("chore: bad plan")
    with pytest.raises(PlanError, match="unknown project 'ghost'"):
        check(npm_workspace)


def test_plan_check_counts_a_plan_written_but_not_committed(npm_workspace: Any) -> None:
    run_release(load_settings({}, repo=npm_workspace.path), ReleaseOptions())
    base = npm_workspace.head()
    npm_workspace.write("packages/a/index.js", "module.exports = 3;\n")
    npm_workspace.commit("fix: a")
    written = plan(npm_workspace, "@acme/a", "patch")
    assert written.commit is None
    result = check(npm_workspace, {"base": base})
    assert result.ok and result.planned == ["@acme/a"]
    assert result.uncommitted == [written.path]
    # An explicit head other than the checkout is judged by its commits only.
    npm_workspace.git("branch", "older", "HEAD~1")
    assert check(npm_workspace, {"base": base, "head": "older"}).uncommitted == []
