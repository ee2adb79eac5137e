"""The public names of each public package are pinned: a change to them is a deliberate act.

Each listed package's ``__all__`` must equal the pinned list and every name must import; a
name added or removed by accident (a refactor moving a function) fails here first.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

import pytest

from gitrepo import GitRepo

PUBLIC: dict[str, list[str]] = {
    "release_tools": ["ReleaseToolsError", "__version__"],
    "release_tools.analysis": [
        "Bump",
        "Decision",
        "Evidence",
        "Settings",
        "Strength",
        "analyze",
        "run_analysis",
    ],
    "release_tools.versioning": [
        "Bump",
        "Project",
        "ReleaseTag",
        "ReleaseType",
        "Version",
        "bump_version",
        "discover_projects",
        "find_project",
        "find_release_tags",
        "increment",
        "latest_release_tag",
    ],
    "release_tools.release": [
        "PlanCheckResult",
        "PlanRequest",
        "PlanResult",
        "ProjectRelease",
        "ReleaseOptions",
        "ReleaseResult",
        "check_plans",
        "create_version_plan",
        "run_release",
    ],
    "release_tools.plans": [
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
    ],
    "release_tools.cli": ["cli", "guard", "main"],
    "release_tools.analysis.evidence": [
        "GATHERERS",
        "JAVASCRIPT_FILES",
        "MAX_PER_SOURCE",
        "PARALLEL_MIN_FILES",
        "PARALLEL_MIN_LINES",
        "LazyGatherer",
        "cap_evidence",
        "gather_evidence",
        "start_background",
    ],
    "release_tools.analysis.engines": ["Analyzer", "get_provider"],
    "release_tools.analysis.engines.model": [
        "API_KEY_VARIABLE",
        "ModelRun",
        "PreparedChunk",
        "RealtimeAnalyzer",
    ],
    "release_tools.realtime": [
        "AuthenticationError",
        "ClientConfig",
        "Clock",
        "ConnectionClosedError",
        "ConversationHistory",
        "FunctionCall",
        "FunctionTool",
        "HandshakeError",
        "HandshakeRateLimitError",
        "IncompleteResponseError",
        "InsecureTransportError",
        "RateLimitError",
        "RateLimitState",
        "RealtimeConnectionError",
        "RealtimeError",
        "RealtimeProtocolError",
        "RealtimeSession",
        "RealtimeStateError",
        "RealtimeTimeoutError",
        "ResponseRequest",
        "ResponseResult",
        "RetryExhaustedError",
        "RetryPolicy",
        "ServerError",
        "SessionConfig",
        "SessionPool",
        "SessionState",
        "SystemClock",
        "Timeouts",
        "Usage",
    ],
    "release_tools.realtime.testing": [
        "DEFAULT_RATE_LIMITS",
        "ConnectionScript",
        "RecordedConnection",
        "Rejection",
        "Reply",
        "ReplySource",
        "ScriptedFunctionCall",
        "ScriptedRealtimeServer",
    ],
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_exports_are_pinned(name: str) -> None:
    module = importlib.import_module(name)
    assert sorted(module.__all__) == sorted(PUBLIC[name])
    for export in module.__all__:
        assert hasattr(module, export), f"{name}.{export} does not import"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_functions_and_classes_are_documented(name: str) -> None:
    module = importlib.import_module(name)
    assert inspect.getdoc(module)
    undocumented = [
        export
        for export in module.__all__
        if (inspect.isfunction(obj := getattr(module, export)) or inspect.isclass(obj))
        and not inspect.getdoc(obj)
    ]
    assert undocumented == []


def test_analyze_is_the_command_as_a_function(make_repo: Callable[[str], GitRepo]) -> None:
    from release_tools.analysis import Bump, analyze

    repo = make_repo("lib")
    repo.write("lib.py", "def a():\n    pass\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("lib.py", "def a():\n    pass\n\n\ndef b():\n    pass\n")
    repo.commit("feat: add b")

    decision = analyze(repo.path)

    assert decision.bump is Bump.MINOR
    assert (decision.current_version, decision.next_version) == ("1.0.0", "1.1.0")
    assert analyze(repo.path, base="HEAD", head="HEAD").version_type == "unknown"
