"""The only package that runs git.

Every call goes through :class:`Git`, which runs ``git`` with a fixed, locale-neutral
environment, never reads or writes the user's global configuration on our behalf (identity for
commits is passed per command with ``-c``), and turns failures into :mod:`release_tools.errors`.
"""

from __future__ import annotations

from release_tools.git.process import summarize_stderr
from release_tools.git.repository import Commit, Git

__all__ = ["Commit", "Git", "summarize_stderr"]
