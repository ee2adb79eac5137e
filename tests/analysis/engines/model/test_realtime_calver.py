"""The realtime provider's decision under calendar versioning: its fallback (the local
verdict) gives the calendar's next version and reports the scheme, as the local engine does."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.realtime.testing import Reply, ScriptedRealtimeServer

KEY = "sk-calver-" + "k3y" * 8


def _dated(repo: GitRepo, message: str, day: str) -> None:
    stamp = f"{day}T12:00:00+00:00"
    repo.git("add", "-A")
    repo.git(
        "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )  # fmt: skip


async def test_the_fallback_follows_the_calendar(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("src/pkg/core.py", "def run():\n    return 1\n")
    for version, day in [
        ("24.1.0", "2024-01-08"),
        ("24.2.0", "2024-05-27"),
        ("25.1.0", "2025-01-16"),
        ("26.1.0", "2026-06-06"),
    ]:
        repo.write("VERSION", version)
        _dated(repo, f"chore: release {version}", day)
        repo.tag(version)
    repo.write("src/pkg/core.py", "def stop():\n    return 0\n")
    _dated(repo, "feat!: stop replaces run", "2026-07-01")
    failing = Reply.failed(type="invalid_request_error", code="invalid_value", message="nope")
    async with ScriptedRealtimeServer(default=failing) as server:
        argv = ["analyze", "-C", str(repo.path), "--provider", "realtime", "--format", "json"]
        argv += ["--realtime-url", server.url, "--max-retries", "0"]
        environ = {"RELEASE_TOOLS_CACHE_DIR": str(tmp_path / "cache"), "OPENAI_API_KEY": KEY}
        before = datetime.now(UTC).date()
        result = await asyncio.to_thread(CliRunner().invoke, cli, argv, env=environ)
        after = datetime.now(UTC).date()
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["provider"] == "local" and data["version_type"] == "major"
    assert "the version does not signal breaking changes" in data["reasoning"]
    assert data["conventions"]["version_scheme"]["format"] == "YY.N.PATCH"
    expected = {"26.2.0" if d.year == 2026 else f"{d.year % 100}.1.0" for d in (before, after)}
    assert data["next_version"] in expected
