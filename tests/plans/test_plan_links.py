"""A pending plan that is a symbolic link leading out of the repository is refused, unread."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_tools.errors import PlanError
from release_tools.plans.store import read_plans

SECRET = "---\nNPM_TOKEN: npm_abcdef123456\n---\nx\n"


@pytest.mark.parametrize("directory", [".changeset", ".nx/version-plans"])
def test_a_plan_linked_outside_is_refused_without_quoting_it(
    tmp_path: Path, directory: str
) -> None:
    elsewhere = tmp_path / "secret.md"
    elsewhere.write_text(SECRET)
    root = tmp_path / "repo"
    (root / directory).mkdir(parents=True)
    (root / directory / "leak.md").symlink_to(elsewhere)

    with pytest.raises(PlanError) as caught:
        read_plans(root)

    assert str(caught.value) == (
        f"{directory}/leak.md: a symbolic link leading outside the repository"
    )


def test_a_plan_linked_inside_is_read(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".changeset").mkdir(parents=True)
    (root / "notes").mkdir()
    (root / "notes/real.md").write_text('---\n"pkg": minor\n---\nfeat\n')
    (root / ".changeset/linked.md").symlink_to("../notes/real.md")

    [plan] = read_plans(root)

    assert [(e.name, e.type) for e in plan.entries] == [("pkg", "minor")]
