"""Subjects that open with an emoji: a header behind it, or a gitmoji standing for a type."""

from __future__ import annotations

import pytest

from release_tools.versioning.commit_types import COMMIT_TYPES
from release_tools.versioning.gitmoji import GITMOJI_TYPES, conventional_form


@pytest.mark.parametrize(
    ("subject", "header"),
    [
        (
            "🐛 fix(standalone): retry the index fetch (#2001)",
            "fix(standalone): retry the index fetch (#2001)",
        ),
        ("📄 docs: publish llms.txt", "docs: publish llms.txt"),
        ("✨ Add a fence rule factory", "feat: Add a fence rule factory"),
        ("✨Allow plugins to register terminators", "feat: Allow plugins to register terminators"),
        (":sparkles: add a preset", "feat: add a preset"),
        (":bug: fix: off by one", "fix: off by one"),
        ("💥 Drop the v1 API", "feat!: Drop the v1 API"),
        ("💥 feat(api): drop the v1 API", "feat(api)!: drop the v1 API"),
        ("💥 feat(api)!: drop the v1 API", "feat(api)!: drop the v1 API"),
        ("♻️ Split the parser", "refactor: Split the parser"),
        ("⬆️ Bump lxml to 5.2", "deps: Bump lxml to 5.2"),
        ("🚑️ Stop crashing on empty input", "hotfix: Stop crashing on empty input"),
        ("👷\u200d\u2642\ufe0f Add a CI job", "ci: Add a CI job"),
        ("💥 API: remove the client", "API!: remove the client"),
    ],
)
def test_emoji_subjects_read_as_their_header(subject: str, header: str) -> None:
    assert conventional_form(subject) == header


@pytest.mark.parametrize(
    "subject",
    [
        "🎉 Initial commit",
        "👌 fix quadratic complexity",
        "Release 1.0",
        "fix: plain",
        "✨",
        ":tada:",
    ],
)
def test_subjects_without_a_typed_emoji_are_left_alone(subject: str) -> None:
    # An emoji that names no type, no emoji, or an emoji and nothing after it.
    assert conventional_form(subject) is None


def test_every_gitmoji_names_a_known_commit_type() -> None:
    assert {kind.rstrip("!") for kind in GITMOJI_TYPES.values()} <= COMMIT_TYPES.keys()
