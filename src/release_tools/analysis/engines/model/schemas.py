"""The answers a model gives, as pydantic models, and the function tools generated from them.

One model is the single source of truth for both directions: its JSON schema becomes the
``parameters`` of the function tool the model must call, and the same model validates the
arguments that come back. A schema change therefore cannot leave the tool and the validator out
of step.

* :class:`ChunkSummary`: what one chunk of the diff changes (counts of breaking changes, features,
  fixes and other changes, the breaking items, a suggested bump, the reasoning).
* :class:`VersionAnalysis`: the final verdict over all chunk summaries and the static evidence.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from release_tools.realtime import FunctionTool
from release_tools.versioning.bump import BumpName, VersionType

__all__ = [
    "CHUNK_TOOL",
    "VERSION_TOOL",
    "BumpName",
    "ChunkSummary",
    "VersionAnalysis",
    "VersionType",
    "tool_parameters",
]


class ChunkSummary(BaseModel):
    """The model's reading of one chunk of the diff."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str = Field(
        min_length=1, max_length=2000, description="What this part of the diff changes."
    )
    breaking_changes: int = Field(
        ge=0, le=10_000, description="Changes that break existing users of the public API."
    )
    features: int = Field(ge=0, le=10_000, description="New user-visible capabilities.")
    fixes: int = Field(ge=0, le=10_000, description="Bug fixes with unchanged interfaces.")
    other_changes: int = Field(
        ge=0, le=10_000, description="Refactors, docs, tests, tooling: nothing user-visible."
    )
    breaking_items: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="One short line per breaking change: what broke and where.",
    )
    suggested_bump: BumpName = Field(
        description="The bump this chunk alone deserves: major, minor, patch or none."
    )
    reasoning: str = Field(min_length=1, max_length=4000, description="Why this bump.")

    @model_validator(mode="after")
    def _consistent(self) -> ChunkSummary:
        # A self-contradicting answer is worth one more question rather than silent trust.
        if self.breaking_changes > 0 and self.suggested_bump != "major":
            raise ValueError(
                f"breaking_changes is {self.breaking_changes} but suggested_bump is "
                f"{self.suggested_bump!r}; breaking changes require 'major'"
            )
        if len(self.breaking_items) > self.breaking_changes:
            raise ValueError("breaking_items lists more items than breaking_changes counts")
        return self


class VersionAnalysis(BaseModel):
    """The model's final verdict for the whole range."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version_type: VersionType = Field(
        description="major, minor, patch, or unknown when nothing needs a release."
    )
    needs_review: bool = Field(description="True when a human should check this verdict.")
    reasoning: str = Field(min_length=1, max_length=4000, description="Why this version type.")


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(copy.deepcopy(defs[ref.split("/")[-1]]), defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _strip_titles(node: Any) -> Any:
    # Titles are pydantic noise for a model reading the schema; descriptions carry the meaning.
    if isinstance(node, dict):
        return {
            k: _strip_titles(v)
            for k, v in node.items()
            if not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_strip_titles(v) for v in node]
    return node


def tool_parameters(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model`` as function-tool ``parameters``: self-contained, strict.

    References are inlined (tool schemas should not depend on ``$defs``), every property is
    listed as required and unknown properties are refused, like the validator does.
    """
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    inlined: dict[str, Any] = _strip_titles(_inline_refs(schema, defs))
    inlined["type"] = "object"
    inlined["additionalProperties"] = False
    inlined["required"] = list(inlined.get("properties", {}))
    inlined.pop("description", None)
    return inlined


CHUNK_TOOL = FunctionTool(
    name="report_chunk_summary",
    description="Report what one part of the diff changes and the bump it deserves.",
    parameters=tool_parameters(ChunkSummary),
)

VERSION_TOOL = FunctionTool(
    name="report_version_analysis",
    description="Report the semantic-version bump for the whole change set.",
    parameters=tool_parameters(VersionAnalysis),
)
