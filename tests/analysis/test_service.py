"""run_analysis end to end on real repositories, and the version rules of the local provider."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.engines import Analyzer, get_provider, local
from release_tools.analysis.engines.local import LocalAnalyzer, NextVersion, next_version
from release_tools.analysis.models import Bump
from release_tools.analysis.service import collect, run_analysis
from release_tools.config import Settings
from release_tools.errors import NotAGitRepositoryError, UsageError


def _settings(repo: GitRepo, **kw: object) -> Settings:
    return Settings(repo=repo.path, **kw)  # type: ignore[arg-type]


def _released(repo: GitRepo, tag: str = "v1.2.3") -> None:
    repo.write("src/app/core.py", "def run():\n    return 1\n")
    repo.write("README.md", "# app\n")
    repo.commit("feat: first")
    repo.tag(tag)


def test_feature_after_a_release_is_minor(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 2\n")
    repo.commit("feat: run returns two")

    decision = run_analysis(_settings(repo))

    assert decision.version_type == "minor"
    assert (decision.current_version, decision.next_version) == ("1.2.3", "1.3.0")
    assert decision.base == "v1.2.3" and decision.head == "HEAD"
    assert decision.head_sha == repo.head()
    assert decision.provider == "local"
    assert any(e.source == "conventional-commit" and e.bump == "minor" for e in decision.evidence)
    assert decision.stats["files"] == 1 and decision.stats["commits"] == 1
    assert decision.stats["diff_bytes"] > 0


def test_docs_only_change_is_excluded_content_but_still_counts(repo: GitRepo) -> None:
    _released(repo)
    repo.write("README.md", "# app\n\nMore words.\n")
    repo.commit("update the readme")

    collection = collect(_settings(repo))
    decision = run_analysis(_settings(repo))

    [change] = collection.context.changes
    assert change.path == "README.md" and change.excluded and change.hunks == ()
    assert decision.stats["files_excluded"] == 1
    assert decision.version_type == "patch"


def test_empty_range_is_nothing_to_release(repo: GitRepo) -> None:
    _released(repo)

    decision = run_analysis(_settings(repo))

    assert decision.version_type == "unknown"
    assert decision.next_version is None and decision.current_version == "1.2.3"
    assert any("empty range" in w for w in decision.warnings)


def test_a_head_behind_its_base_is_refused_as_swapped_refs(repo: GitRepo) -> None:
    _released(repo, "v1.0.0")
    repo.write("src/app/core.py", "def run():\n    return 2\n")
    repo.commit("feat: two")
    repo.tag("v1.1.0")

    with pytest.raises(UsageError, match=r"head 'v1.0.0' is behind base 'v1.1.0'.*swapped"):
        run_analysis(_settings(repo, base="v1.1.0", head="v1.0.0"))
    # The same commit on both sides is a range without commits, not a mistake.
    same = run_analysis(_settings(repo, base="v1.1.0", head="v1.1.0"))
    assert same.version_type == "unknown"


def test_a_configured_tag_pattern_starts_the_range_at_its_own_tags(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "0.0.0"\n')
    repo.write("pkg/__init__.py", "def a():\n    return 1\n")
    repo.commit("feat: a")
    repo.tag("v0.5.0")
    repo.tag("rel1.0.0")
    repo.write("pkg/__init__.py", "def a():\n    return 2\n")
    repo.commit("fix: two")

    decision = run_analysis(_settings(repo, tag_pattern=r"^rel(?P<version>\d+\.\d+\.\d+)$"))

    assert (decision.current_version, decision.next_version) == ("1.0.0", "1.0.1")
    assert decision.base == "rel1.0.0"


def test_a_project_that_changed_its_tag_style_goes_on_from_its_highest_tag(
    repo: GitRepo,
) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "0.0.0"\n')
    for n, tag in enumerate(["pkg-1.0.0", "v1.1.0", "v1.2.0"]):
        repo.write("pkg/__init__.py", f"def f{n}():\n    return {n}\n")
        repo.commit(f"feat: {tag}")
        repo.tag(tag)
    repo.write("pkg/__init__.py", "def f2():\n    return 3\n")
    repo.commit("fix: three")

    decision = run_analysis(_settings(repo))

    assert (decision.base, decision.current_version, decision.next_version) == (
        "v1.2.0",
        "1.2.0",
        "1.2.1",
    )


def test_first_release_without_tag_or_manifest_is_0_1_0(repo: GitRepo) -> None:
    repo.write("lib.go", "package lib\n")
    repo.commit("fix: initial")

    decision = run_analysis(_settings(repo))

    assert decision.current_version is None
    assert decision.next_version == "0.1.0" and decision.release_type is None
    assert any("first release" in w for w in decision.warnings)


def test_manifest_version_without_tag_and_pep440_spelling(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "2.0.0rc1"\n')
    repo.write("src/demo/__init__.py", "X = 1\n")
    repo.commit("chore: start")
    repo.write("src/demo/__init__.py", "X = 2\n")
    repo.commit("fix: correct X")

    decision = run_analysis(_settings(repo))

    assert decision.current_version == "2.0.0rc1"
    assert decision.next_version == "2.0.0"


@pytest.mark.parametrize(
    ("manifest", "text", "problem"),
    [
        ("package.json", '{"name": "demo", "version": "1.0"}', "version '1.0' is not a valid"),
        ("Cargo.toml", '[package]\nname = "demo"\nversion = "01.2.0"\n', "'01.2.0' is not a"),
        ("pyproject.toml", '[project]\nname = "demo"\nversion = "1.0"\n', None),
    ],
)
def test_a_manifest_version_its_ecosystem_refuses_is_reported_and_needs_review(
    repo: GitRepo, manifest: str, text: str, problem: str | None
) -> None:
    repo.write(manifest, text)
    repo.write("src/lib.js", "export const a = 1;\n")
    repo.commit("chore: start")
    repo.tag("v0.9.0")
    repo.write("src/lib.js", "export const a = 2;\n")
    repo.commit("fix: correct a")

    decision = run_analysis(_settings(repo))

    found = [w for w in decision.warnings if manifest in w and "release refuses it" in w]
    if problem is None:  # "1.0" is a valid PEP 440 version
        assert found == [] and not decision.needs_review
    else:
        assert len(found) == 1 and problem in found[0]
        assert decision.needs_review


@pytest.mark.parametrize("version", ["x.y", "1.2.3.4"])
@pytest.mark.parametrize("base", [None, "v0.9.0"])
def test_an_unparseable_manifest_version_is_reported_even_when_a_tag_gives_the_number(
    repo: GitRepo, version: str, base: str | None
) -> None:
    # The number shown comes from the tag (or --base), yet release would refuse the manifest.
    repo.write("package.json", json.dumps({"name": "demo", "version": version}))
    repo.write("src/lib.js", "export const a = 1;\n")
    repo.commit("chore: start")
    repo.tag("v0.9.0")
    repo.write("src/lib.js", "export const a = 2;\n")
    repo.commit("fix: correct a")

    decision = run_analysis(_settings(repo, base=base))

    found = [w for w in decision.warnings if "package.json" in w and "release refuses it" in w]
    assert len(found) == 1 and f"version {version!r} is not a valid semantic version" in found[0]
    assert decision.needs_review


def test_major_on_zero_policy(repo: GitRepo) -> None:
    _released(repo, "v0.3.0")
    repo.write("src/app/core.py", "def run(x):\n    return x\n")
    repo.commit("feat!: run takes an argument")

    default = run_analysis(_settings(repo))
    strict = run_analysis(_settings(repo, major_on_zero=True))

    assert default.version_type == "major" and default.next_version == "0.4.0"
    # The component raised is named apart from the change's size: what version tools take.
    assert default.release_type == "minor"
    assert strict.next_version == "1.0.0" and strict.release_type == "major"


def test_release_as_footer_overrides_the_next_version(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 3\n")
    repo.commit("fix: tweak\n\nRelease-As: 3.0.0")

    decision = run_analysis(_settings(repo))

    assert decision.next_version == "3.0.0"
    # The version type names the jump actually made, not the commits' patch.
    assert decision.version_type == "major"


@pytest.mark.parametrize(
    ("footer", "warning"),
    [
        ("1.0.0", "ignored Release-As 1.0.0: not higher than the current version 1.2.0"),
        ("1.2.0", "ignored Release-As 1.2.0: not higher than the current version 1.2.0"),
        ("banana", "ignored Release-As 'banana': not a version"),
    ],
)
def test_a_release_as_that_cannot_be_honoured_warns_and_needs_review(
    repo: GitRepo, footer: str, warning: str
) -> None:
    repo.write("src/app/core.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag("v1.2.0")
    repo.write("src/app/core.py", "def run():\n    return 3\n")
    repo.commit(f"fix: tweak\n\nRelease-As: {footer}")

    decision = run_analysis(_settings(repo))

    assert (decision.version_type, decision.next_version) == ("patch", "1.2.1")
    assert decision.needs_review
    assert warning in decision.warnings


def test_an_unhonoured_release_as_needs_review_whatever_its_warning_says(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 2\n")
    repo.commit("feat: run returns two")
    assert run_analysis(_settings(repo)).needs_review is False

    def reworded(*args: object, **kw: object) -> NextVersion:
        return NextVersion("1.2.3", "1.3.0", Bump.MINOR, ["override skipped"], True)

    monkeypatch.setattr(local, "next_version", reworded)
    decision = run_analysis(_settings(repo))

    assert decision.needs_review is True
    assert decision.warnings == ["override skipped"]


def _monorepo(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    repo = make_repo("mono")
    repo.write(
        "package.json", json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]})
    )
    for name in ("alpha", "beta"):
        repo.write(f"packages/{name}/package.json", json.dumps({"name": name, "version": "1.0.0"}))
        repo.write(f"packages/{name}/index.js", "export const x = 1;\n")
    repo.commit("chore: init")
    repo.tag("alpha@1.0.0")
    repo.tag("beta@1.0.0")
    repo.write("packages/beta/index.js", "export const x = 2;\n")
    repo.commit("fix(beta): change x")
    return repo


def test_project_scopes_diff_commits_and_tags(make_repo: Callable[[str], GitRepo]) -> None:
    repo = _monorepo(make_repo)

    beta = run_analysis(_settings(repo, project="beta"))
    alpha = run_analysis(_settings(repo, project="alpha"))

    assert beta.project == "beta" and beta.base == "beta@1.0.0"
    assert beta.version_type == "patch" and beta.next_version == "1.0.1"
    assert beta.stats["files"] == 1 and beta.stats["commits"] == 1
    assert alpha.version_type == "unknown"
    assert alpha.stats["files"] == 0 and alpha.stats["commits"] == 0


def test_a_whole_workspace_reports_no_single_project_version(
    make_repo: Callable[[str], GitRepo],
) -> None:
    # The latest tag is beta's: without --project, alpha's or beta's version is not the answer.
    repo = _monorepo(make_repo)

    decision = run_analysis(_settings(repo))

    assert decision.version_type == "patch"
    assert (decision.current_version, decision.next_version) == (None, None)
    assert any("pass --project NAME" in w for w in decision.warnings)


def test_unknown_project_lists_the_known_ones(make_repo: Callable[[str], GitRepo]) -> None:
    repo = _monorepo(make_repo)
    with pytest.raises(UsageError, match=r"unknown project 'gamma'.*alpha, beta"):
        run_analysis(_settings(repo, project="gamma"))


def test_not_a_git_repository(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepositoryError):
        run_analysis(Settings(repo=tmp_path))
    with pytest.raises(NotAGitRepositoryError):
        run_analysis(Settings(repo=tmp_path / "missing"))


def test_realtime_without_api_key_is_a_usage_error(repo: GitRepo) -> None:
    _released(repo)
    with pytest.raises(UsageError, match="needs an API key: set OPENAI_API_KEY"):
        run_analysis(_settings(repo, provider="realtime"))


def test_local_provider_satisfies_the_protocol() -> None:
    provider = get_provider(Settings())
    assert isinstance(provider, LocalAnalyzer) and isinstance(provider, Analyzer)
    assert provider.name == "local"


@pytest.mark.parametrize(
    ("current", "bump", "kw", "expected"),
    [
        ("1.2.3", Bump.PATCH, {}, ("1.2.3", "1.2.4")),
        ("1.2.3", Bump.MINOR, {}, ("1.2.3", "1.3.0")),
        ("1.2.3", Bump.MAJOR, {}, ("1.2.3", "2.0.0")),
        ("1.2.3", Bump.NONE, {}, ("1.2.3", None)),
        ("0.4.1", Bump.MAJOR, {}, ("0.4.1", "0.5.0")),
        ("0.4.1", Bump.MAJOR, {"major_on_zero": True}, ("0.4.1", "1.0.0")),
        (None, Bump.PATCH, {}, (None, "0.1.0")),
        (None, Bump.MINOR, {}, (None, "0.1.0")),
        (None, Bump.MAJOR, {}, (None, "0.1.0")),
        (None, Bump.MAJOR, {"major_on_zero": True}, (None, "1.0.0")),
        (None, Bump.NONE, {}, (None, None)),
        ("1.2.3", Bump.PATCH, {"release_as": "4.0.0"}, ("1.2.3", "4.0.0")),
        ("v1.0.0-rc.2", Bump.MINOR, {"scheme": "pep440"}, ("1.0.0rc2", "1.0.0")),
        ("1.0.0", Bump.MINOR, {"scheme": "pep440"}, ("1.0.0", "1.1.0")),
    ],
)
def test_next_version_rules(
    current: str | None, bump: Bump, kw: dict[str, object], expected: tuple[str | None, str | None]
) -> None:
    got = next_version(current, bump, **kw)  # type: ignore[arg-type]
    assert (got.current, got.next) == expected
    assert got.warnings == []
    assert got.release_as_ignored is False


def test_release_as_without_a_bump_sets_the_level() -> None:
    got = next_version("1.2.3", Bump.NONE, release_as="1.3.0")
    assert (got.next, got.bump) == ("1.3.0", Bump.MINOR)


def test_unparsable_versions_are_warnings_not_errors() -> None:
    got = next_version("banana", Bump.PATCH, release_as="x.y")
    assert (got.current, got.next) == ("banana", None)
    assert len(got.warnings) == 2
    assert got.release_as_ignored is True


def test_running_from_a_subdirectory_with_diff_relative(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = _monorepo(make_repo)
    repo.git("config", "diff.relative", "true")

    decision = run_analysis(Settings(repo=repo.path / "packages" / "alpha", project="beta"))

    assert decision.project == "beta" and decision.stats["files"] == 1
    assert decision.version_type == "patch"


def test_a_feature_and_its_revert_leave_nothing_to_release(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/extra.py", "def mul(a, b):\n    return a * b\n")
    feature = repo.commit("feat: add mul")
    repo.git("revert", "--no-edit", feature)

    decision = run_analysis(_settings(repo))

    assert decision.version_type == "unknown" and decision.next_version is None


def test_an_empty_feat_commit_still_asks_for_a_release(repo: GitRepo) -> None:
    _released(repo)
    repo.git("commit", "--allow-empty", "-m", "feat: announce the new API")

    decision = run_analysis(_settings(repo))

    assert decision.version_type == "minor" and decision.needs_review


def test_a_commit_holding_only_a_version_plan_is_nothing_to_release(repo: GitRepo) -> None:
    _released(repo)
    repo.write(".nx/version-plans/version-plan-1.md", "---\napp: minor\n---\n\nfeat: x\n")
    repo.commit("chore: version plan")

    decision = run_analysis(_settings(repo))

    assert decision.version_type == "unknown" and decision.next_version is None
