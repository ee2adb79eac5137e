"""A revert of an earlier release's change is recognised whatever the user's git configuration
says about how diffs look."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from release_tools.analysis.evidence import gather_evidence
from repo_context import build_context
from review_marks import checked

OLD = "def fetch(url):\n    return url\n"
NEW = "def fetch(url):\n    return url\n\n\ndef helper(x):\n    return x\n"

CONFIGS = {
    "no prefix": "[diff]\n\tnoprefix = true\n",
    "mnemonic prefix": "[diff]\n\tmnemonicPrefix = true\n",
    "relative": "[diff]\n\trelative = true\n",
    "textconv": '[diff "shout"]\n\ttextconv = tr a-z A-Z <\n',
}


@pytest.mark.parametrize("config", CONFIGS.values(), ids=list(CONFIGS))
def test_a_revert_of_a_released_addition_is_read_under_any_diff_config(
    repo: Any, config: str
) -> None:
    repo.write(".gitattributes", "*.py diff=shout\n")
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", OLD)
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("pkg/core.py", NEW)
    added = repo.commit("feat: add helper")
    repo.tag("v1.1.0")
    repo.git("revert", "--no-edit", added)
    Path(os.environ["GIT_CONFIG_GLOBAL"]).write_text(config, encoding="utf-8")

    items = checked(gather_evidence(build_context(repo.path, "v1.1.0")))

    removed = [e for e in items if e.source == "python-api"]
    assert [(str(e.bump), e.review) for e in removed] == [("patch", True)]
    assert removed[0].message.startswith("removed public function pkg.core.helper: ")
