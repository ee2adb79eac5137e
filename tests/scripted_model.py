"""A fake language model for the scripted Realtime server (``from scripted_model import ...``).

:class:`ScriptedModel` is a reply source for :class:`ScriptedRealtimeServer`: it reads each
``response.create`` (the forced tool and the prompt), and answers with a function call built the
way a careful model would, from the diff it was shown: removed ``def`` lines are breaking
changes, added ones are features, anything else is a fix. Tests override the chunk or final
answers, or put fault replies in front of it with the server's ``replies`` queue.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from release_tools.realtime.testing import Reply

if TYPE_CHECKING:
    from release_tools.analysis.models import Decision

CHUNK_TOOL_NAME = "report_chunk_summary"
VERSION_TOOL_NAME = "report_version_analysis"

_REMOVED_DEF = re.compile(r"^-\s*def (\w+)", re.MULTILINE)
_ADDED_DEF = re.compile(r"^\+\s*def (\w+)", re.MULTILINE)


def prompt_of(event: dict[str, Any]) -> str:
    """The text the client sent in a ``response.create`` (out-of-band input)."""
    parts = []
    for item in event["response"].get("input", []):
        for content in item.get("content", []):
            if content.get("type") == "input_text":
                parts.append(content["text"])
    return "\n".join(parts)


def tool_of(event: dict[str, Any]) -> str:
    """The function the request forces."""
    choice = event["response"].get("tool_choice")
    return str(choice["name"]) if isinstance(choice, dict) else ""


def read_chunk(prompt: str) -> dict[str, Any]:
    """A plausible chunk summary for the diff inside ``prompt``."""
    removed = _REMOVED_DEF.findall(prompt)
    added = [name for name in _ADDED_DEF.findall(prompt) if name not in removed]
    removed = [name for name in removed if name not in _ADDED_DEF.findall(prompt)]
    if removed:
        bump = "major"
    elif added:
        bump = "minor"
    else:
        bump = "patch"
    return {
        "summary": f"removed {removed}, added {added}",
        "breaking_changes": len(removed),
        "features": len(added),
        "fixes": 0 if removed or added else 1,
        "other_changes": 0,
        "breaking_items": [f"{name} removed" for name in removed],
        "suggested_bump": bump,
        "reasoning": "read from the diff",
    }


def judge(prompt: str) -> dict[str, Any]:
    """A final verdict: the highest bump the chunk summaries in ``prompt`` suggest."""
    order = ["none", "patch", "minor", "major"]
    best = "none"
    for line in prompt.splitlines():
        if line.startswith("{") and '"suggested_bump"' in line:
            bump = json.loads(line)["suggested_bump"]
            best = max(best, bump, key=order.index)
    return {
        "version_type": "unknown" if best == "none" else best,
        "needs_review": False,
        "reasoning": f"the chunks suggest {best}",
    }


@dataclass
class ScriptedModel:
    """Answers chunk and final requests; records the prompts it saw."""

    chunk: Callable[[str], dict[str, Any] | str | Reply] = read_chunk
    final: Callable[[str], dict[str, Any] | str | Reply] = judge
    #: Seconds before the first delta of every answer (model latency).
    latency: float = 0.0
    chunk_prompts: list[str] = field(default_factory=list)
    final_prompts: list[str] = field(default_factory=list)

    def __call__(self, event: dict[str, Any]) -> Reply:
        tool = tool_of(event)
        prompt = prompt_of(event)
        if tool == VERSION_TOOL_NAME:
            self.final_prompts.append(prompt)
            answer = self.final(prompt)
        else:
            self.chunk_prompts.append(prompt)
            answer = self.chunk(prompt)
        if isinstance(answer, Reply):
            return answer
        arguments = answer if isinstance(answer, str) else json.dumps(answer)
        return Reply.function_call(tool, arguments, chunk_size=64, first_delta_delay=self.latency)


async def analyze_scripted(repo: Path, model: ScriptedModel, key: str, **settings: Any) -> Decision:
    """``analyze --provider realtime`` of ``repo`` against a scripted server answering as
    ``model`` (no cache, a 10 s response timeout unless ``settings`` say otherwise)."""
    from release_tools.analysis.engines.model import RealtimeAnalyzer
    from release_tools.analysis.service import collect
    from release_tools.config import Settings
    from release_tools.realtime.testing import ScriptedRealtimeServer

    settings.setdefault("cache", False)
    settings.setdefault("response_timeout", 10.0)
    async with ScriptedRealtimeServer(default=model) as server:
        config = Settings(repo=repo, provider="realtime", realtime_url=server.url, **settings)
        analyzer = RealtimeAnalyzer(config, environ={"OPENAI_API_KEY": key})
        return await asyncio.to_thread(lambda: analyzer.analyze(collect(config).context))
