"""Version commands: ``projects``, ``create-version-plan``, ``plan-check``, ``release``."""

from __future__ import annotations

import click

__all__ = ["COMMANDS"]

COMMANDS: list[click.Command] = []
