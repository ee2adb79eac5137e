"""A real git repository on disk, for tests (import it as ``from gitrepo import GitRepo``).

It lives in its own uniquely named module because a ``conftest`` module name is shared by every
conftest.py in the tree, so ``from conftest import ...`` can pick up the wrong one.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class GitRepo:
    """A real repository on disk with small helpers for building histories."""

    path: Path

    def git(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(
            ["git", *args],
            cwd=self.path,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **env} if env else None,
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.strip()

    def write(self, rel: str, content: str | bytes) -> Path:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def remove(self, rel: str) -> None:
        self.git("rm", "-q", "-r", rel)

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def tag(self, name: str) -> None:
        self.git("tag", name)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def change(self, files: dict[str, str], changed: dict[str, str | None]) -> str:
        """Commit ``files``, then ``changed`` (None removes a file); return the first commit,
        the base of the range the second one makes."""
        for path, text in files.items():
            self.write(path, text)
        base = self.commit("initial")
        for path, new in changed.items():
            if new is None:
                self.remove(path)
            else:
                self.write(path, new)
        self.commit("change")
        return base
