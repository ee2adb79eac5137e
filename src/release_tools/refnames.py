"""Whether a text can be a git tag name, by the rules of ``git check-ref-format``; pure.

The settings check a tag template when they are read, before any repository is opened, so
these rules are written out here rather than asked of git; ``Git.check_tag_name`` asks git
too. Beyond git's syntax, a name is refused that a command line would read as an option
(``-x1.0``), that already means the current commit (``HEAD``, ``@``), or that spells a full
ref (``refs/heads/1.0`` would make the tag ``refs/tags/refs/heads/1.0``, which commands that
take a ref name then resolve ambiguously).

This module imports nothing from the application, so any layer may use it.
"""

from __future__ import annotations

import re

__all__ = ["tag_name_problem"]

# Characters git refuses anywhere in a ref name: controls, space, DEL and ~ ^ : ? * [ \.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def tag_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a tag name (None when it can)."""
    if not name or name.startswith("-"):
        return "a tag name cannot be empty or start with '-'"
    if name in ("HEAD", "@"):
        return f"{name!r} already means the current commit"
    if name.startswith("refs/"):
        return "a tag name cannot start with 'refs/' (it would read as a full ref name)"
    if _FORBIDDEN.search(name):
        return "a tag name cannot hold spaces, control characters or any of ~ ^ : ? * [ \\"
    if ".." in name or "@{" in name or "//" in name:
        return "a tag name cannot hold '..', '@{' or '//'"
    if name.endswith(("/", ".")) or name.startswith("/"):
        return "a tag name cannot start with '/' or end with '/' or '.'"
    for part in name.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            return "no part of a tag name between slashes may start with '.' or end with '.lock'"
    return None
