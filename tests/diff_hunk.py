"""A one-file diff hunk for the redaction tests: what the redactor reads before a model call."""

from __future__ import annotations


def modified_hunk(path: str, *lines: str) -> str:
    """A modification hunk of ``path``; ``lines`` carry their own diff markers."""
    header = f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,3 +1,3 @@\n"
    return header + "\n".join(lines) + "\n"
