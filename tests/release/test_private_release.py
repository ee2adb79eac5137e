"""Private packages in a release: versioned, tagged as changesets' ``privatePackages`` says,
never published."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from gitrepo import GitRepo
from release_tools.config import load_settings
from release_tools.release.journal import Journal, JournalRelease
from release_tools.release.service import ReleaseOptions, run_release

TODAY = date(2026, 1, 2)

PLAN = '---\n"app": minor\n"lib": minor\n---\n\nfeat: a flag\n'


def _workspace(repo: GitRepo, changesets: dict[str, Any] | None) -> GitRepo:
    """An npm workspace: ``app`` is private (1.0.0), ``lib`` is public (2.0.0); one plan for
    both. ``changesets`` is the ``.changeset/config.json`` (None: no such file)."""
    # The root requires changesets 2.x, whose privatePackages defaults these tests follow.
    repo.write(
        "package.json",
        '{\n  "name": "root",\n  "private": true,\n  "workspaces": ["packages/*"],\n'
        '  "devDependencies": {"@changesets/cli": "^2.27.0"}\n}\n',
    )
    repo.write(
        "packages/app/package.json",
        '{\n  "name": "app",\n  "version": "1.0.0",\n  "private": true\n}\n',
    )
    repo.write("packages/lib/package.json", '{\n  "name": "lib",\n  "version": "2.0.0"\n}\n')
    if changesets is not None:
        repo.write(".changeset/config.json", json.dumps(changesets) + "\n")
    repo.commit("chore: initial")
    repo.write(".changeset/flag.md", PLAN)
    repo.commit("chore: plan")
    return repo


def _release(repo: GitRepo, flags: dict[str, Any] | None = None, **options: Any) -> Any:
    settings = load_settings(flags or {}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def _version(repo: GitRepo, name: str) -> str:
    data = json.loads((repo.path / f"packages/{name}/package.json").read_text())
    return str(data["version"])


def _marker_command(out: Path) -> str:
    """A publish command that appends ``name=version`` to ``out`` for each project it runs for."""
    return f'echo {{name}}={{version}} >> "{out}"'


def test_changesets_versions_a_private_package_without_tagging_it(repo: GitRepo) -> None:
    _workspace(repo, {})
    preview = _release(repo, dry_run=True)
    assert "tag lib@2.1.0" in preview.actions
    assert "tag app@1.1.0" not in preview.actions
    assert preview.planned_tags == ["lib@2.1.0"]

    result = _release(repo)
    assert [(r.project.name, r.version) for r in result.releases] == [
        ("app", "1.1.0"),
        ("lib", "2.1.0"),
    ]
    assert _version(repo, "app") == "1.1.0" and _version(repo, "lib") == "2.1.0"
    assert "## [1.1.0] - 2026-01-02" in (repo.path / "packages/app/CHANGELOG.md").read_text()
    assert result.plans_consumed == [".changeset/flag.md"]
    assert not (repo.path / ".changeset/flag.md").exists()
    assert result.tags == ["lib@2.1.0"]
    assert repo.git("tag", "-l").split() == ["lib@2.1.0"]
    assert any(s.startswith("no tag app@1.1.0 for app (private") for s in result.skipped)
    assert "app@1.1.0" not in repo.git("log", "-1", "--format=%B")


def test_changesets_tag_true_tags_a_private_package_but_never_publishes_it(
    repo: GitRepo, tmp_path: Path
) -> None:
    _workspace(repo, {"privatePackages": {"version": True, "tag": True}})
    out = tmp_path / "published.txt"
    result = _release(repo, flags={"publish_command": _marker_command(out)})
    assert result.tags == ["app@1.1.0", "lib@2.1.0"]
    assert sorted(repo.git("tag", "-l").split()) == ["app@1.1.0", "lib@2.1.0"]
    assert out.read_text().split() == ["lib=2.1.0"]
    assert [o.project for o in result.published] == ["lib"]
    assert "no publish of app (private package: never published)" in result.skipped


def test_changesets_version_false_skips_a_private_package(repo: GitRepo) -> None:
    _workspace(repo, {"privatePackages": {"version": False, "tag": False}})
    # changesets refuses a changeset naming a package it never releases with one it releases.
    (repo.path / ".changeset/flag.md").write_text('---\n"lib": minor\n---\n\nfeat: a flag\n')
    repo.write(".changeset/app.md", '---\n"app": minor\n---\n\nfeat: an app flag\n')
    repo.commit("chore: one changeset per package")
    result = _release(repo)
    assert [(r.project.name, r.version) for r in result.releases] == [("lib", "2.1.0")]
    assert _version(repo, "app") == "1.0.0"
    assert not (repo.path / "packages/app/CHANGELOG.md").exists()
    assert result.tags == ["lib@2.1.0"]
    # The changeset of the package not released stays as it was.
    assert (repo.path / ".changeset/app.md").read_text().startswith('---\n"app": minor\n---')
    assert not (repo.path / ".changeset/flag.md").exists()
    assert any(
        s.startswith("no release of app (private, and .changeset/config.json says")
        for s in result.skipped
    )


def test_changesets_version_false_alone_says_why_nothing_is_released(repo: GitRepo) -> None:
    _workspace(repo, {"privatePackages": False})
    (repo.path / ".changeset/flag.md").write_text('---\n"app": minor\n---\n\nfeat: x\n')
    repo.commit("chore: only the private package")
    result = _release(repo)
    assert not result.released and result.releases == []
    assert [s.split(" (")[0] for s in result.skipped] == ["no release of app"]
    assert repo.git("tag", "-l") == ""


def test_private_package_is_never_published(repo: GitRepo, tmp_path: Path) -> None:
    _workspace(repo, {})
    out = tmp_path / "published.txt"
    preview = _release(repo, flags={"publish_command": _marker_command(out)}, dry_run=True)
    assert [a for a in preview.actions if a.startswith("publish ")] == [
        f"publish lib 2.1.0: {_marker_command(out)}"
    ]
    result = _release(repo, flags={"publish_command": _marker_command(out)})
    assert out.read_text().split() == ["lib=2.1.0"]
    assert "no publish of app (private package: never published)" in result.skipped


def test_without_changesets_a_private_package_is_tagged_but_not_published(
    repo: GitRepo, tmp_path: Path
) -> None:
    _workspace(repo, None)
    out = tmp_path / "published.txt"
    result = _release(repo, flags={"publish_command": _marker_command(out)})
    assert [r.project.private for r in result.releases] == [True, False]
    assert result.tags == ["app@1.1.0", "lib@2.1.0"]
    assert sorted(repo.git("tag", "-l").split()) == ["app@1.1.0", "lib@2.1.0"]
    assert out.read_text().split() == ["lib=2.1.0"]


def test_only_private_releases_need_no_publish_command_check(repo: GitRepo) -> None:
    _workspace(repo, {"privatePackages": {"tag": True}})
    (repo.path / ".changeset/flag.md").write_text('---\n"app": patch\n---\n\nfix: x\n')
    repo.commit("chore: only the private package")
    # A placeholder inside quotes is refused, but nothing here would ever be published.
    result = _release(repo, flags={"publish_command": "echo '{name}'"})
    assert result.tags == ["app@1.0.1"] and result.published == []


def test_journal_leaves_out_steps_a_private_release_does_not_take(tmp_path: Path) -> None:
    journal = Journal(
        path=tmp_path / "journal.json",
        phase="committed",
        base=None,
        message="release",
        files=[],
        releases=[
            JournalRelease("app", "minor", "1.0.0", "1.1.0", "app@1.1.0", make_tag=False),
            JournalRelease("tool", "minor", "1.0.0", "1.1.0", "tool@1.1.0", publishable=False),
            JournalRelease("lib", "minor", "2.0.0", "2.1.0", "lib@2.1.0"),
        ],
        commit="0" * 40,
        publish_command="npm publish",
    )
    journal.save()
    loaded = Journal.load(journal.path)
    assert loaded is not None
    assert loaded.remaining() == ["tag tool@1.1.0", "tag lib@2.1.0", "publish lib 2.1.0"]


def test_an_untagged_private_release_leaves_the_changelog_links_alone(repo: GitRepo) -> None:
    links = (
        "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- pending fix\n\n"
        "## [1.0.0] - 2025-01-01\n\n- first\n\n"
        "[Unreleased]: https://github.com/o/r/compare/app@1.0.0...HEAD\n"
        "[1.0.0]: https://github.com/o/r/releases/tag/app@1.0.0\n"
    )
    repo.write("packages/app/CHANGELOG.md", links)
    _workspace(repo, {})
    result = _release(repo)
    text = (repo.path / "packages/app/CHANGELOG.md").read_text()
    # The entries are released; no link may point at the tag that is never created.
    assert "## [Unreleased]\n\n## [1.1.0] - 2026-01-02" in text and "- pending fix" in text
    assert "app@1.1.0" not in text
    assert "[Unreleased]: https://github.com/o/r/compare/app@1.0.0...HEAD\n" in text
    assert not any("changelog links" in w for w in result.warnings)
