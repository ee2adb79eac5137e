"""Naming rules of a Python package's public API, shared by the planner and the comparison."""

from __future__ import annotations

__all__ = ["is_public_module"]


def is_public_module(dotted: str) -> bool:
    """Whether no part of a dotted module name starts with an underscore."""
    return not any(part.startswith("_") for part in dotted.split("."))
