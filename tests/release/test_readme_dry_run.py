"""The manual's promises about ``release --dry-run`` agree with each other: what a real run
refuses, a dry run previews and then refuses (``refused`` in the JSON report), never merely
warns about."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    return README.split(heading + "\n", 1)[1].split("\n#", 1)[0]


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return re.split(r"(?<=[.;])\s+(?=[`A-Z])", flat)


def test_no_passage_says_a_dry_run_only_warns_about_a_forge_refusal() -> None:
    section = _section("#### Forge releases (GitHub, GitLab)")
    about_dry_runs = [s for s in _sentences(section) if "--dry-run" in s]
    assert about_dry_runs
    for sentence in about_dry_runs:
        if "token" in sentence:
            assert "refused" in sentence and "warning" not in sentence, sentence
