"""Conventional-commit evidence read from real repositories."""

from __future__ import annotations

from typing import Any

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.commits import commit_evidence, gather, parse_commit
from release_tools.analysis.models import Bump, EvidenceKind, Strength
from release_tools.git import Commit
from repo_context import build_context


def _history(repo: Any, *messages: str) -> str:
    repo.write("README.md", "start\n")
    base = repo.commit("initial")
    for index, message in enumerate(messages):
        repo.write(f"src/file{index}.py", f"x = {index}\n")
        repo.commit(message)
    return base


def test_types_scopes_and_bang(repo: Any) -> None:
    base = _history(repo, "fix(parser): handle tabs", "feat(api): add thing", "refactor!: drop py2")
    items = gather(build_context(repo.path, base))
    by_bump = {e.message: e.bump for e in items}
    assert by_bump == {
        "breaking change declared: refactor!: drop py2": "major",
        "feat commit: feat(api): add thing": "minor",
        "fix commit: fix(parser): handle tabs": "patch",
    }
    assert all(e.strength is Strength.STRONG and len(e.commit or "") == 40 for e in items)
    assert decide(items, has_changes=True).bump is Bump.MAJOR


def test_breaking_change_footers_both_spellings(repo: Any) -> None:
    base = _history(
        repo,
        "feat: new parser\n\nBREAKING CHANGE: the old parser is gone",
        "fix: thing\n\nBREAKING-CHANGE: config key renamed",
    )
    items = gather(build_context(repo.path, base))
    majors = sorted(e.message for e in items if e.bump == "major")
    assert majors == [
        "BREAKING CHANGE footer: config key renamed",
        "BREAKING CHANGE footer: the old parser is gone",
    ]


def test_squash_merge_body_with_bullets(repo: Any) -> None:
    base = _history(
        repo,
        "Big PR (#12)\n\n* feat(cli): add --dry-run\n\n* fix: crash on empty input\n"
        "- docs: explain\nNote: not a type",
    )
    items = gather(build_context(repo.path, base))
    assert [(e.bump, e.message) for e in items] == [
        ("minor", "feat commit: feat(cli): add --dry-run"),
        ("patch", "fix commit: fix: crash on empty input"),
        ("none", "docs commit: docs: explain"),
    ]


_DEPENDABOT_BODY = """Bumps the actions group with 2 updates:
[org/setup-tool](https://github.com/org/setup-tool).

Updates `org/setup-tool` from 2.0.2 to 2.1.0
<details>
<summary>Release notes</summary>
<ul>
<li>feat: support for multiple registries by <a
href="https://github.com/someone">someone</a></li>
<li><a href="https://github.com/org/setup-tool/commit/1dbab06"><code>1dbab06</code></a>
feat: check for an existing tool before downloading (<a
href="https://github.com/org/setup-tool/issues/138">#138</a>)</li>
</ul>
BREAKING CHANGE: the upstream action dropped node16
</details>
"""


def test_a_dependency_bot_body_counts_for_nothing() -> None:
    # The pasted release notes of the updated package are another project's changes.
    bot = Commit(
        "a" * 40, "ci(deps): bump the actions group with 2 updates (#6335)", _DEPENDABOT_BODY
    )
    parsed = parse_commit(bot)
    assert [e.header for e in parsed.entries] == [
        "ci(deps): bump the actions group with 2 updates (#6335)"
    ]
    assert parsed.breaking_notes == []
    trailer = Commit(
        "b" * 40,
        "chore: update lockfile",
        "* feat: looks like a header\n\nSigned-off-by: dependabot[bot] <support@github.com>",
    )
    assert [e.type for e in parse_commit(trailer).entries] == ["chore"]
    # A person's squash merge that credits a bot as co-author is the person's own message.
    credited = Commit(
        "e" * 40,
        "test: simplify setup (#2479)",
        "* feat!: update to lerna v4\n\nBREAKING CHANGE: upgrade to lerna v4\n\n"
        "Co-authored-by: renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>",
    )
    parsed = parse_commit(credited)
    assert [e.header for e in parsed.entries][1:] == ["feat!: update to lerna v4"]
    assert parsed.breaking_notes == ["upgrade to lerna v4"]


def test_quoted_material_in_a_squash_body_is_not_read() -> None:
    body = (
        "* fix: crash on empty input\n"
        "> feat: a quoted line from elsewhere\n"
        "```\nfeat: inside a code fence\nBREAKING CHANGE: in the fence\n```\n"
        "<li>feat: an HTML list item</li>\n"
        "* feat(cli): add --dry-run\n"
        "<details>\n<summary>notes</summary>\n\nfeat: after the details block\n"
    )
    parsed = parse_commit(Commit("c" * 40, "Big PR (#12)", body))
    assert [e.header for e in parsed.entries] == [
        "fix: crash on empty input",
        "feat(cli): add --dry-run",
    ]
    assert parsed.breaking_notes == []
    # A subject with angle brackets is still read: only body lines are filtered.
    generic = parse_commit(Commit("d" * 40, "feat: accept Mapping<K> values", ""))
    assert [e.header for e in generic.entries] == ["feat: accept Mapping<K> values"]


def test_revert_within_range_cancels_both(repo: Any) -> None:
    base = _history(repo, "fix: small")
    repo.write("src/feature.py", "y = 1\n")
    feat = repo.commit("feat: risky feature")
    repo.git("revert", "--no-edit", feat)
    items = gather(build_context(repo.path, base))
    assert [e.message for e in items] == ["fix commit: fix: small"]


def test_revert_of_revert_restores_the_original(repo: Any) -> None:
    base = _history(repo)
    repo.write("src/feature.py", "y = 1\n")
    feat = repo.commit("feat: feature")
    repo.git("revert", "--no-edit", feat)
    repo.git("revert", "--no-edit", "HEAD")
    items = gather(build_context(repo.path, base))
    assert [e.message for e in items] == ["feat commit: feat: feature"]


def test_revert_of_released_commit_is_a_patch(repo: Any) -> None:
    repo.write("src/feature.py", "y = 1\n")
    repo.commit("feat: feature")
    repo.tag("v1.1.0")
    repo.git("revert", "--no-edit", "HEAD")
    items = gather(build_context(repo.path, "v1.1.0"))
    assert [(e.bump, e.message) for e in items] == [
        ("patch", 'reverts "feat: feature" from an earlier release')
    ]


def test_release_as_footer(repo: Any) -> None:
    base = _history(repo, "chore: prepare\n\nRelease-As: v2.0.0")
    items = gather(build_context(repo.path, base))
    release = [e for e in items if e.source == "release-as"]
    assert len(release) == 1
    assert (release[0].kind, release[0].release_as) == (EvidenceKind.RELEASE_AS, "2.0.0")
    verdict = decide(items, has_changes=True)
    assert verdict.release_as == "2.0.0"


def test_a_reworded_release_as_message_still_sets_the_version() -> None:
    [item] = commit_evidence([Commit("a" * 40, "Prepare two", "Release-As: 2.0.0")])
    reworded = item.model_copy(update={"message": "the maintainers want two-point-oh"})
    assert decide([reworded], has_changes=True).release_as == "2.0.0"


def test_kinds_follow_the_commit_type_table() -> None:
    items = commit_evidence(
        [
            Commit("a" * 40, "hotfix: crash", ""),
            Commit("b" * 40, "deps: bump x", ""),
            Commit("c" * 40, "feature!: new api", ""),
            Commit("d" * 40, "docs: typo", ""),
            Commit("e" * 40, "deprecate: old()", ""),
        ]
    )
    assert [(e.kind, e.bump) for e in items] == [
        (EvidenceKind.COMMIT_TYPE, "patch"),
        (EvidenceKind.COMMIT_TYPE, "patch"),
        (EvidenceKind.BREAKING_COMMIT, "major"),
        (EvidenceKind.COMMIT_TYPE, "none"),
    ]


def test_non_conventional_and_merge_messages_give_no_evidence(repo: Any) -> None:
    base = _history(
        repo, "Update stuff", "WIP: trying", "Merge branch 'dev'", "fixed: past tense is no type"
    )
    assert gather(build_context(repo.path, base)) == []


def test_invalid_release_as_value_is_kept_for_the_version_step_to_refuse() -> None:
    # Dropping it silently would hide the maintainer's mistake; next_version warns by name.
    parsed = parse_commit(Commit("a" * 40, "chore: x", "Release-As: soon"))
    assert parsed.release_as == "soon"
    assert parse_commit(Commit("b" * 40, "fix: x", "Release-As: v2.0.0")).release_as == "2.0.0"


def test_breaking_note_suppresses_duplicate_header() -> None:
    items = commit_evidence([Commit("b" * 40, "feat!: x", "BREAKING CHANGE: y")])
    assert [e.message for e in items] == [
        "BREAKING CHANGE footer: y",
        "breaking change declared: feat!: x",
    ]
