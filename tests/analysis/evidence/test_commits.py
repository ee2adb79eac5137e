"""Conventional-commit evidence read from real repositories."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.commits import (
    commit_evidence,
    declared,
    gather,
    parse_commit,
)
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
        "* fix(deps): bump x from 1.0.0 to 1.0.1\n\nBumps x.\n\nfeat: a pasted header\n\n"
        "Signed-off-by: dependabot[bot] <support@github.com>",
    )
    # The squashed bot commit's own subject counts, as a bot commit's subject does; its body
    # does not.
    assert [e.header for e in parse_commit(trailer).entries] == [
        "chore: update lockfile",
        "fix(deps): bump x from 1.0.0 to 1.0.1",
    ]
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


def test_squash_merged_revert_subject_names_the_reverted_header() -> None:
    body = "This reverts commit c71811b00f2fcff558e4382ba913bdac4ad7200e."
    parsed = parse_commit(
        Commit("e" * 40, 'Revert "fix(types): export CJS types from ESM (#6218)" (#6729)', body)
    )
    assert parsed.reverts_header == "fix(types): export CJS types from ESM (#6218)"
    assert parsed.reverts_sha == "c71811b00f2fcff558e4382ba913bdac4ad7200e"
    assert parsed.entries == []


@pytest.mark.parametrize(
    ("subject", "body", "header", "sha"),
    [
        (
            'Revert "allow body for HTTPBodyContains" PR #938',
            "",
            "allow body for HTTPBodyContains",
            None,
        ),
        (
            "This reverts commit 0a813b5898c0ee8d00b4f13fae21ea5df8b35e74.",
            "",
            None,
            "0a813b5898c0ee8d00b4f13fae21ea5df8b35e74",
        ),
        ("fix: This reverts commit 0a813b5 in spirit", "", None, None),
    ],
)
def test_revert_subjects_as_people_and_forges_write_them(
    subject: str, body: str, header: str | None, sha: str | None
) -> None:
    parsed = parse_commit(Commit("f" * 40, subject, body))
    assert (parsed.reverts_header, parsed.reverts_sha) == (header, sha)


def test_revert_named_only_by_sha_is_a_patch(repo: Any) -> None:
    repo.write("src/feature.py", "y = 1\n")
    feat = repo.commit("feat: feature")
    repo.tag("v1.1.0")
    repo.write("src/feature.py", "")
    repo.commit(f"This reverts commit {feat}.")
    items = gather(build_context(repo.path, "v1.1.0"))
    assert [(e.bump, e.message) for e in items] == [
        ("patch", f"reverts commit {feat[:10]} from an earlier release")
    ]


def test_a_feature_commit_that_changes_only_tests_declares_a_patch(repo: Any) -> None:
    base = _history(repo)
    repo.write("tests/test_regression.py", "def test_x():\n    pass\n")
    repo.write(".github/workflows/ci.yml", "on: push\n")
    repo.commit("feat(regression): add a regression test")
    repo.write("src/feature.py", "y = 2\n")
    repo.commit("fix: real fix")
    items = gather(build_context(repo.path, base))
    assert [(e.bump, e.message) for e in items] == [
        ("patch", "fix commit: fix: real fix"),
        (
            "patch",
            "feat commit changing only tests or CI: feat(regression): add a regression test",
        ),
    ]


def test_a_squashed_feature_scoped_to_tests_declares_a_patch() -> None:
    squash = Commit(
        "c" * 40,
        "fix(sec): disregard protocol-relative URLs (#6539)",
        "* fix(sec): disregard protocol-relative URLs\n\n"
        "* feat(test/unit/regression): add a regression test for the advisory\n\n"
        "* feat(docs): a page on proxies\n\n* feat(testbed): new runner harness\n",
        files=("lib/helpers/isAbsoluteURL.js", "test/unit/regression/advisory.js"),
    )
    parsed = parse_commit(squash)
    assert [(e.header, e.bump) for e in parsed.entries] == [
        ("fix(sec): disregard protocol-relative URLs (#6539)", Bump.PATCH),
        ("fix(sec): disregard protocol-relative URLs", Bump.PATCH),
        ("feat(test/unit/regression): add a regression test for the advisory", Bump.PATCH),
        # The docs ship in many packages: a docs feature stays a feature.
        ("feat(docs): a page on proxies", Bump.MINOR),
        # A scope that only starts like one names something else.
        ("feat(testbed): new runner harness", Bump.MINOR),
    ]
    assert (
        not parse_commit(Commit("d" * 40, "feat(ci)!: drop the old runners", "")).entries[0].bump
        < Bump.MAJOR
    )


def test_a_feature_commit_that_touches_shipped_code_stays_a_feature(repo: Any) -> None:
    base = _history(repo)
    repo.write("tests/test_x.py", "def test_x():\n    pass\n")
    repo.write("src/feature.py", "y = 2\n")
    repo.commit("feat: warn about misspelled options")
    repo.write("tests/test_y.py", "def test_y():\n    pass\n")
    repo.commit("feat(ci)!: drop the old runners")
    items = gather(build_context(repo.path, base))
    assert [(e.bump, e.message) for e in items] == [
        ("major", "breaking change declared: feat(ci)!: drop the old runners"),
        ("minor", "feat commit: feat: warn about misspelled options"),
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


def _read(body: str, subject: str = "Big PR (#12)") -> tuple[list[str], list[str], str | None]:
    parsed = parse_commit(Commit("f" * 40, subject, body))
    return [e.header for e in parsed.entries], parsed.breaking_notes, parsed.release_as


def test_footers_after_a_quoted_block_count(repo: Any) -> None:
    # The block hides only what is inside it, up to its matching close tag.
    base = _history(
        repo,
        "feat: new config loader (#12)\n\nReplaces the loader.\n\n<details>\n"
        "<summary>Screenshots</summary>\n\n![x](https://example.com/x.png)\n</details>\n\n"
        "BREAKING CHANGE: the old config.yml format is no longer read",
    )
    items = gather(build_context(repo.path, base))
    assert [(e.bump, e.message) for e in items] == [
        ("major", "BREAKING CHANGE footer: the old config.yml format is no longer read")
    ]
    one_line = "<details><summary>log</summary>\nfeat: in the log\n</details>\n\nRelease-As: 2.0.0"
    assert _read(one_line, "chore: prep (#2)") == (["chore: prep (#2)"], [], "2.0.0")
    nested = (
        "<details>\n<summary>notes</summary>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n\n"
        "BREAKING CHANGE: still inside the details\n* feat: inside too\n</details>\n\n"
        "<blockquote>\nfeat: quoted\n</blockquote>\n"
        "* fix: after both\n\nBREAKING-CHANGE: after both blocks\n"
    )
    assert _read(nested) == (["fix: after both"], ["after both blocks"], None)


_SQUASHED_WITH_DEPENDABOT = """* build(deps): bump lodash from 4.17.20 to 4.17.21

Bumps [lodash](https://github.com/lodash/lodash) from 4.17.20 to 4.17.21.
- [Release notes](https://github.com/lodash/lodash/releases)
- [Commits](https://github.com/lodash/lodash/compare/4.17.20...4.17.21)

feat!: a header pasted by the bot

---
updated-dependencies:
- dependency-name: lodash
  dependency-type: direct:production
  update-type: version-update:semver-patch
...

Signed-off-by: dependabot[bot] <support@github.com>

* feat!: adapt to lodash 4.17.21, drop the old option

BREAKING CHANGE: --old is removed

* fix: a typo
"""


def test_a_bot_commit_squashed_with_a_persons_hides_only_its_own_section() -> None:
    assert _read(_SQUASHED_WITH_DEPENDABOT, "Upgrade lodash (#4)") == (
        [
            "build(deps): bump lodash from 4.17.20 to 4.17.21",
            "feat!: adapt to lodash 4.17.21, drop the old option",
            "fix: a typo",
        ],
        ["--old is removed"],
        None,
    )
    # A bot commit fixed up by a person before the squash: the person's commits still count.
    snyk = (
        "* fix: upgrade react-table from 7.2.2 to 7.3.0\n\n"
        "Snyk has created this PR to upgrade react-table from 7.2.2 to 7.3.0.\n\n"
        "See this package in npm:\nhttps://www.npmjs.com/package/react-table\n\n"
        "* feat: fixed tests and kept the old sort order\n\n* fix: snapshot failed on CI\n\n"
        "Co-authored-by: someone <someone@example.com>"
    )
    assert _read(snyk, "[Snyk] Upgrade react-table from 7.2.2 to 7.3.0 (#2319)")[0] == [
        "fix: upgrade react-table from 7.2.2 to 7.3.0",
        "feat: fixed tests and kept the old sort order",
        "fix: snapshot failed on CI",
    ]
    # A body the bot opens is the bot's whole pull-request description, "*" lines included.
    described = (
        "This PR contains the following updates:\n\n| Package | Change |\n|---|---|\n"
        "| x | `1.0.0` -> `2.0.0` |\n\n### Release Notes\n\n* feat!: upstream dropped node 16\n"
    )
    assert _read(described, "chore(deps): update x to v2 (#9)") == (
        ["chore(deps): update x to v2 (#9)"],
        [],
        None,
    )


def test_a_person_s_sentence_starting_with_bumps_is_read() -> None:
    body = "Bumps the retry count from 3 to 5 for flaky uploads.\n\nfeat: retry uploads on 503\n"
    assert _read(body, "Retry uploads (#3)")[0] == ["feat: retry uploads on 503"]
    node = "Bumps the minimum supported Node.js version to 18.\n\nBREAKING CHANGE: Node 16 is gone"
    assert _read(node, "build: require Node 18 (#3)")[1] == ["Node 16 is gone"]


_UPSTREAM = "\n\n- feat!: upstream dropped node 16\n\nBREAKING CHANGE: upstream api changed\n"


@pytest.mark.parametrize(
    "opening",
    [
        "Bumps [org/tool](https://github.com/org/tool) from 1.0.0 to 2.0.0.",
        "Bumps [a](https://github.com/o/a) and [b](https://github.com/o/b). These dependencies"
        " needed to be updated together.",
        "Bumps the actions group with 2 updates:"
        " [org/setup-tool](https://github.com/org/setup-tool).",
        "Bumps the pip group in /docs with 1 update: [sphinx](https://github.com/sphinx-doc).",
        "Updates the requirements on [tool](https://github.com/org/tool) to permit the latest"
        " version.",
        "[![Mend Renovate](https://app.renovatebot.com/images/banner.svg)](https://renovatebot.com)",
        "This PR contains the following updates:",
        "<h3>Snyk has created this PR to upgrade x from 1.0.0 to 2.0.0.</h3>",
        "### Snyk has created this PR to fix 4 vulnerabilities in the npm dependencies.",
        "## Version **2.0.0** of [x](https://github.com/org/x) just got published.",
        "This PR updates [pytest](https://pypi.org/project/pytest) from **6.1.2** to **7.0.0**.",
        "This PR pins [x](https://pypi.org/project/x) to **2.0.0**.",
    ],
)
def test_bot_openings_are_recognised_on_their_own(opening: str) -> None:
    # No sign-off, nothing quoted: the opening alone tells the bot's body from a person's.
    subject = "chore(deps): update x to v2"
    assert _read(opening + _UPSTREAM, subject) == ([subject], [], None)


@pytest.mark.parametrize(
    "closing",
    [
        "This PR was generated by [Mend Renovate](https://mend.io/renovate/).",
        "This PR has been generated by [Renovate Bot](https://github.com/renovatebot/renovate).",
        "<!--renovate-debug:eyJjcmVhdGVkSW5WZXIiOiIzNy4wIn0=-->",
        "Your [Greenkeeper](https://greenkeeper.io) Bot :palm_tree:",
        "There is a collection of [frequently asked questions](https://greenkeeper.io/faq.html).",
    ],
)
def test_bot_markers_after_the_notes_are_recognised(closing: str) -> None:
    subject = "chore(deps): update x to v2"
    assert _read("Release notes follow." + _UPSTREAM + "\n---\n\n" + closing, subject) == (
        [subject],
        [],
        None,
    )


def test_a_person_s_opening_leaves_the_same_body_read() -> None:
    # The control for the two tests above: only the bots' wording hides the body.
    assert _read("Updates the parser." + _UPSTREAM) == (
        ["feat!: upstream dropped node 16"],
        ["upstream api changed"],
        None,
    )
    assert _read("We now use renovate for updates." + _UPSTREAM)[0] == [
        "feat!: upstream dropped node 16"
    ]


def test_html_is_told_from_prose_that_mentions_tags() -> None:
    body = (
        "* feat: accept Vec<B> values\n"
        "* fix: crash when a<b\n"
        "* fix: escape `<p>` inside `<code>`\n"
        "* feat: render <details> blocks\n"
        "feat: check for an existing tool before downloading (<a\n"
        'href="https://example.com/issues/138">#138</a>)\n'
        '* feat: <a href="https://example.com">pasted link</a>\n'
        "<li>feat: an HTML list item</li>\n"
        "BREAKING CHANGE: `<br>` is no longer emitted\n"
    )
    assert _read(body) == (
        [
            "feat: accept Vec<B> values",
            "fix: crash when a<b",
            "fix: escape `<p>` inside `<code>`",
            "feat: render <details> blocks",
        ],
        ["`<br>` is no longer emitted"],
        None,
    )


def test_code_spans_may_hold_shorter_runs_of_backticks() -> None:
    # A long run of backticks once made the code-span pattern backtrack quadratically.
    assert _read("a" + "`" * 50_000 + " x\n\n* feat: add y\n")[0] == ["feat: add y"]
    # ``x`<p`` is one span holding a backtick: the cut tag inside it is not HTML.
    assert _read("* fix: quote ``x`(<p``\n")[0] == ["fix: quote ``x`(<p``"]


def test_code_fences_follow_commonmark() -> None:
    # Three backticks with more backticks on the line are inline code, not a fence.
    assert _read("```make``` is required now\n\n* feat: add y\n")[0] == ["feat: add y"]
    # A fence closes only on its own character, at least as many times.
    body = (
        "```\n~~~\nfeat: inside still\n```\n"
        "````\n```\nfeat: inside a longer fence\n```\n````\n"
        "~~~ text\n```\nBREAKING CHANGE: inside tildes\n~~~\n"
        "* fix: after the fences\n"
    )
    assert _read(body) == (["fix: after the fences"], [], None)


def test_html_comments_spanning_lines_are_not_read() -> None:
    body = (
        "<!--\nUse a conventional header, for example:\nfeat!: drop the old api\n-->\n"
        "* fix: the real change\n<!-- one line -->\n* feat: another\n"
    )
    assert _read(body) == (["fix: the real change", "feat: another"], [], None)


def test_gitmoji_and_emoji_prefixed_headers_are_declarations(repo: Any) -> None:
    base = _history(
        repo, "🐛 fix(run): find entry points", "✨ Add a preset", "📝 Document the preset"
    )
    items = gather(build_context(repo.path, base))
    assert {e.message: e.bump for e in items} == {
        "feat commit: feat: Add a preset": "minor",
        "fix commit: fix(run): find entry points": "patch",
        "docs commit: docs: Document the preset": "none",
    }
    assert parse_commit(Commit("a" * 40, "💥 Drop the v1 API", "")).entries[0].bump is Bump.MAJOR
    assert not parse_commit(Commit("b" * 40, "🎉 Initial commit", "")).is_conventional


def test_gitmoji_subjects_read_only_where_a_header_would_be(repo: Any) -> None:
    # A body's checklist is no header; `💥 API: ...` is breaking though `API` is no type.
    body = "Checklist:\n\n💥 Breaking changes: none\n🐛 Bug fix: no\n"
    assert not parse_commit(Commit("a" * 40, "Update the docs", body)).is_conventional
    scoped = parse_commit(Commit("b" * 40, "💥 API: remove the legacy client", ""))
    assert scoped.entries[0].bump is Bump.MAJOR


def test_a_revert_of_a_gitmoji_commit_cancels_it(repo: Any) -> None:
    base = _history(repo, "✨ Add foo")
    repo.write("src/file0.py", "x = 9\n")
    repo.commit('Revert "✨ Add foo" (#12)\n\nReverts o/r#11')
    assert gather(build_context(repo.path, base)) == []


@pytest.mark.parametrize(
    ("subject", "release"),
    [
        ("chore(release): 1.2.3", True),
        ("chore: release v1.2.3", True),
        ("🔖 Release 1.0.3", True),
        ("🔖 v1.2.0", True),
        ("chore(main): release 2.0.0", True),
        ("chore: version packages", True),
        ("build: bump version to 1.2.3", True),
        ("chore(deps): bump lodash from 4.17.20 to 4.17.21", False),
        ("feat(release): sign the tarballs", False),
        ("chore!: release 2.0.0 without the v1 API", False),
        ("Release 1.2.3", False),
        ("ci: release workflow uses OIDC", False),
        ("chore: publish docs site", False),
        ("chore(deps): bump version of lodash to 4.17.21", False),
        ("chore(main): release other 1.4.0", True),
        ("chore: release main", True),
        ("chore: bump version from 1.3.0 to 1.4.0", True),
    ],
)
def test_release_commits_declare_nothing(subject: str, release: bool) -> None:
    commits = [Commit("a" * 40, subject, ""), Commit("b" * 40, "Fix the parser", "")]
    conventional = parse_commit(commits[0]).is_conventional
    assert declared(commits)[0] == (0 if release or not conventional else 1)


def test_a_release_commit_with_a_breaking_footer_still_declares_it() -> None:
    commits = [Commit("a" * 40, "chore(release): prepare 2.0.0", "BREAKING CHANGE: v1 is gone")]
    assert declared(commits) == (1, Bump.MAJOR)


def test_a_header_behind_an_emoji_counts_in_a_squash_body(repo: Any) -> None:
    body = "* ✨ feat(export): add CSV export\n* 🐛 fix(export): quote commas\n"
    parsed = parse_commit(Commit("a" * 40, "Export (#12)", body))
    assert [e.header for e in parsed.entries] == [
        "feat(export): add CSV export",
        "fix(export): quote commas",
    ]


def test_a_body_line_opening_with_a_code_span_is_no_header() -> None:
    body = "`feat!: drop x` style headers were missing from the guide.\n"
    assert parse_commit(Commit("a" * 40, "fix: the guide", body)).entries[0].bump is Bump.PATCH
    assert len(parse_commit(Commit("a" * 40, "fix: the guide", body)).entries) == 1
