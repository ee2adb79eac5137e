"""Which files of ``.changeset/`` are changesets, as changesets 3 reads the folder, and the
``pre/`` folder it keeps pre mode's released changesets in."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_tools.errors import PlanError
from release_tools.plans.store import is_plan_path, is_pre_changeset, read_plans


@pytest.mark.parametrize(
    "path",
    [
        ".changeset/AGENTS.md",
        ".changeset/CLAUDE.md",
        ".changeset/GEMINI.md",
        ".changeset/README.md",
        ".changeset/Readme.md",
        ".changeset/pre/README.md",
        ".changeset/pre/AGENTS.md",
        ".changeset/.draft.md",
        ".changeset/pre.json",
        ".changeset/pre/one.txt",
        ".changeset/pre/deeper/one.md",
    ],
)
def test_not_a_changeset(path: str) -> None:
    assert not is_plan_path(path)


@pytest.mark.parametrize(
    "path",
    # changesets matches the agents' notes by their exact spelling; README.md in any case.
    [".changeset/agents.md", ".changeset/Claude.md", ".changeset/one.md", ".changeset/pre/one.md"],
)
def test_a_changeset(path: str) -> None:
    assert is_plan_path(path)


def test_pre_changesets_are_those_under_pre() -> None:
    assert is_pre_changeset(".changeset/pre/one.md")
    assert not is_pre_changeset(".changeset/one.md")
    assert not is_pre_changeset(".changeset/pre/README.md")


def test_read_plans_reads_the_pre_folder_and_passes_over_agents_notes(tmp_path: Path) -> None:
    folder = tmp_path / ".changeset"
    (folder / "pre").mkdir(parents=True)
    (folder / "AGENTS.md").write_text("# How to write changesets\n")
    (folder / "one.md").write_text('---\n"a": minor\n---\n\nOne.\n')
    (folder / "pre" / "two.md").write_text('---\n"a": patch\n---\n\nTwo.\n')

    plans = read_plans(tmp_path)

    assert [(p.path, p.format) for p in plans] == [
        (".changeset/one.md", "changesets"),
        (".changeset/pre/two.md", "changesets"),
    ]


def test_a_lower_case_agents_file_is_read_as_a_changeset(tmp_path: Path) -> None:
    (tmp_path / ".changeset").mkdir()
    (tmp_path / ".changeset/agents.md").write_text("# How to write changesets\n")
    # changesets 3 reads it too, and fails on its missing front matter.
    with pytest.raises(PlanError, match=r"^\.changeset/agents\.md"):
        read_plans(tmp_path)
