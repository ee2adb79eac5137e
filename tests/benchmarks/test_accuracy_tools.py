"""The decision-quality benchmark's own helpers: labels, the data file, the pair rules on git
history, work-repository preparation and masking, baselines, metrics and the reading of
analyze's output. No network and no mirror directory: tiny repositories are built here."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The benchmark lives outside src/; make the repository root importable whatever the runner.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import cli  # noqa: E402
from benchmarks.accuracy.baselines import always_patch, conventional_commits  # noqa: E402
from benchmarks.accuracy.cli import _provenance, main, work_dir  # noqa: E402
from benchmarks.accuracy.dataset import (  # noqa: E402
    DATASET,
    LABELS,
    LANGUAGES,
    DatasetError,
    Pair,
    dump_pairs,
    label_for,
    load_pairs,
    parse_release,
    version_of_tag,
)
from benchmarks.accuracy.history import (  # noqa: E402
    Source,
    assign_splits,
    build_dataset,
    candidate_pairs,
    is_release_commit,
    keep_tags_for,
    release_head,
    release_tags,
    select_pairs,
)
from benchmarks.accuracy.metrics import (  # noqa: E402
    format_ratio,
    markdown_confusion,
    markdown_summary,
    score,
    text_confusion,
)
from benchmarks.accuracy.report import (  # noqa: E402
    PairOutcome,
    changes_since,
    group_table,
    render_report,
    summarise,
)
from benchmarks.accuracy.repos import (  # noqa: E402
    MirrorMissing,
    find_mirror,
    git_env,
    is_changelog,
    is_complete,
    mask_text,
    prepare_work_repo,
    range_messages,
)
from benchmarks.accuracy.runner import (  # noqa: E402
    AnalyzeResult,
    analyze_command,
    analyze_env,
    byte_compile,
    error_line,
    parse_decision,
    run_analyze,
)

SHA = "0123456789abcdef0123456789abcdef01234567"

# --- labels and the data file ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2.0", (2, 0, 0)), ("1.26.20", (1, 26, 20)), (" 10.0.1 ", (10, 0, 1)), ("0.4.2", (0, 4, 2))],
)
def test_parse_release_pads_missing_numbers(text: str, expected: tuple[int, int, int]) -> None:
    assert parse_release(text) == expected


@pytest.mark.parametrize("text", ["7", "1.0.0rc1", "2.0.0-rc.1", "1.0.post1", "1.2.3.4", "01.2"])
def test_parse_release_refuses_non_final_versions(text: str) -> None:
    with pytest.raises(DatasetError):
        parse_release(text)


@pytest.mark.parametrize(
    ("tag", "version"), [("v1.2.3", "1.2.3"), ("1.2", "1.2"), ("release-2.0.1", "2.0.1")]
)
def test_version_of_tag(tag: str, version: str) -> None:
    assert version_of_tag(tag) == version


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        ("1.9.9", "2.0.0", "major"),
        ("1.2.3", "1.3.0", "minor"),
        ("1.2.3", "1.2.4", "patch"),
        ("2.0", "2.0.1", "patch"),
        ("0.4.2", "0.5.0", "minor"),  # 0.x is labelled by what was shipped
    ],
)
def test_label_is_the_first_component_that_changed(old: str, new: str, label: str) -> None:
    assert label_for(old, new) == label


@pytest.mark.parametrize(("old", "new"), [("2.0.0", "2.0.0"), ("2.0.1", "2.0.0"), ("2.0", "2.0.0")])
def test_label_refuses_pairs_that_do_not_go_up(old: str, new: str) -> None:
    with pytest.raises(DatasetError, match="is not above"):
        label_for(old, new)


def _pair(**changes: str) -> Pair:
    values = {
        "repo": "acme/lib",
        "language": "python",
        "old": "v1.0.0",
        "new": "v1.1.0",
        "label": "minor",
        "split": "train",
        "old_commit": SHA,
        "new_commit": SHA,
        "head": SHA,
    }
    values.update(changes)
    return Pair(**values)  # type: ignore[arg-type]


def test_committed_dataset_is_large_varied_and_split_by_repository() -> None:
    pairs = load_pairs(DATASET)
    assert len(pairs) >= 300
    repos = {p.repo for p in pairs}
    assert len(repos) >= 16
    for language in LANGUAGES:
        assert len({p.repo for p in pairs if p.language == language}) >= 3, language
    assert all(sum(p.label == lab for p in pairs) >= 30 for lab in LABELS)
    train = {p.repo for p in pairs if p.split == "train"}
    holdout = {p.repo for p in pairs if p.split == "holdout"}
    assert train and holdout and not train & holdout
    assert len(load_pairs(DATASET, split="holdout")) + len(load_pairs(DATASET, split="train")) == (
        len(pairs)
    )


def test_data_file_round_trips_and_states_its_rules(tmp_path: Path) -> None:
    pairs = [_pair(), _pair(old="v1.1.0", new="v2.0.0", label="major", split="holdout")]
    path = tmp_path / "d.toml"
    path.write_text(dump_pairs(pairs, "rules here\nsecond line"), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("# rules here\n# second line\n")
    assert load_pairs(path) == pairs
    assert load_pairs(path, split="holdout") == pairs[1:]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": "major"}, "is a minor"),
        ({"language": "cobol"}, "unknown language"),
        ({"split": "test"}, "unknown split"),
        ({"head": "abc"}, "full commit id"),
        ({"repo": "no-owner"}, "bad repository name"),
    ],
)
def test_load_pairs_refuses_bad_entries(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    path = tmp_path / "d.toml"
    path.write_text(dump_pairs([_pair(**change)], "x"), encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_pairs(path)


def test_load_pairs_refuses_duplicates_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(dump_pairs([_pair(), _pair()], "x"), encoding="utf-8")
    with pytest.raises(DatasetError, match="listed twice"):
        load_pairs(path)
    path.write_text(dump_pairs([_pair()], "x") + 'extra = "1"\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="unknown key 'extra'"):
        load_pairs(path)


def test_pair_keys_are_file_system_safe() -> None:
    pair = _pair(repo="acme/lib", old="pkg/v1.0.0", new="pkg/v1.1.0")
    assert "/" not in pair.key and pair.key.startswith("acme+lib--")


# --- tiny git histories ----------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=git_env(), capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


class History:
    """A throw-away repository with helpers to commit files and tag releases."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        _git(path, "init", "-q", "-b", "main")
        _git(path, "config", "user.name", "t")
        _git(path, "config", "user.email", "t@example.invalid")

    def commit(self, message: str, files: dict[str, str]) -> str:
        for name, text in files.items():
            file = self.path / name
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
        _git(self.path, "add", "-A")
        _git(self.path, "commit", "-q", "--allow-empty", "-m", message)
        return _git(self.path, "rev-parse", "HEAD")

    def tag(self, name: str, annotated: bool = False) -> None:
        if annotated:
            _git(self.path, "tag", "-a", "-m", name, name)
        else:
            _git(self.path, "tag", name)

    def release(self, version: str, *, extra: dict[str, str] | None = None) -> str:
        """A pure release commit: manifest, __version__ and changelog, then the tag."""
        log = self.path / "CHANGELOG.md"
        previous = log.read_text(encoding="utf-8") if log.exists() else ""
        files = {
            "pyproject.toml": f'[project]\nname = "lib"\nversion = "{version}"\n',
            "lib/__init__.py": f'__version__ = "{version}"\n',
            "CHANGELOG.md": f"## {version}\n\n- things\n\n{previous}",
            **(extra or {}),
        }
        sha = self.commit(f"Release {version}", files)
        self.tag(f"v{version}", annotated=True)
        return sha


@pytest.fixture
def history(tmp_path: Path) -> History:
    """Mainline v1.0.0, v1.0.1, v1.1.0rc1 (pre-release), v1.1.0 (tagged on a code commit),
    v2.0.0, a backport v1.0.2 on a maintenance branch, and a late v1.1.1 made on the mainline
    after v2.0.0 (non-monotonic)."""
    h = History(tmp_path / "upstream")
    h.commit("start", {"lib/core.py": "def f():\n    return 1\n"})
    h.release("1.0.0")
    h.commit("fix: f returns 2", {"lib/core.py": "def f():\n    return 2\n"})
    h.release("1.0.1")
    _git(h.path, "checkout", "-q", "-b", "maint")
    h.commit("fix: backport", {"lib/core.py": "def f():\n    return 3\n"})
    h.release("1.0.2")
    _git(h.path, "checkout", "-q", "main")
    h.commit("feat: add g", {"lib/core.py": "def f():\n    return 2\n\ndef g():\n    pass\n"})
    h.tag("v1.1.0rc1")
    # The 1.1.0 tag is on a commit that also changes code: no step back, versions masked.
    h.commit(
        "feat: add h; release 1.1.0",
        {
            "lib/extra.py": "def h():\n    pass\n",
            "pyproject.toml": '[project]\nname = "lib"\nversion = "1.1.0"\n',
            "lib/__init__.py": '__version__ = "1.1.0"\n',
            "CHANGELOG.md": "## 1.1.0\r\n\r\n- h\r\n\r\n## 1.0.1\r\n",
            "package.json": '{\n  "name": "lib",\n  "version": "1.1.0",\n  "dep": "1.1.0"\n}\n',
        },
    )
    h.tag("v1.1.0")
    h.commit("feat!: drop f", {"lib/core.py": "def g():\n    pass\n"})
    h.release("2.0.0")
    h.commit("fix: late 1.1 fix on main", {"lib/extra.py": "def h():\n    return 1\n"})
    h.release("1.1.1")
    h.commit("fix: after", {"lib/extra.py": "def h():\n    return 2\n"})
    h.release("2.0.1")
    return h


def _mirror(history: History, root: Path, repo: str = "acme/lib") -> Path:
    dest = root / repo.replace("/", "+")
    subprocess.run(
        ["git", "clone", "-q", "--mirror", str(history.path), str(dest)],
        env=git_env(),
        check=True,
        capture_output=True,
    )
    return dest


def test_release_tags_skip_prereleases_and_backports(history: History) -> None:
    tags = release_tags(history.path, Source("acme/lib", "python"))
    names = [t.name for t in tags]
    # v1.1.0rc1: pre-release; v1.0.2: on a branch the default branch never merged.
    assert names == ["v1.0.0", "v1.0.1", "v1.1.0", "v1.1.1", "v2.0.0", "v2.0.1"]
    # Annotated tags are peeled to their commits.
    assert tags[0].commit == _git(history.path, "rev-parse", "v1.0.0^{commit}")


def test_candidate_pairs_skip_non_monotonic_tags(history: History) -> None:
    source = Source("acme/lib", "python")
    pairs = candidate_pairs(history.path, source, release_tags(history.path, source))
    # 1.1.0 -> 1.1.1 would hold 2.0.0's changes, 1.1.1 -> 2.0.0 goes back in time, and
    # 2.0.0 -> 2.0.1 holds the late 1.1.1 (a lower release: that is allowed).
    assert [(c.old.name, c.new.name, c.label) for c in pairs] == [
        ("v1.0.0", "v1.0.1", "patch"),
        ("v1.0.1", "v1.1.0", "minor"),
        ("v2.0.0", "v2.0.1", "patch"),
    ]


def test_zero_releases_only_when_asked(tmp_path: Path) -> None:
    h = History(tmp_path / "zero")
    h.commit("a", {"a.py": "x = 1\n"})
    h.release("0.1.0")
    h.commit("b", {"a.py": "x = 2\n"})
    h.release("0.2.0")
    h.commit("c", {"a.py": "x = 3\n"})
    h.release("1.0.0")
    plain = Source("acme/zero", "python")
    # Every pair starting below 1.0.0 is left out, the jump to 1.0.0 included.
    assert candidate_pairs(h.path, plain, release_tags(h.path, plain)) == []
    zero = Source("acme/zero", "python", zero=True)
    assert len(candidate_pairs(h.path, zero, release_tags(h.path, zero))) == 2


def test_release_head_steps_back_over_pure_release_commits(history: History) -> None:
    source = Source("acme/lib", "python")
    pairs = candidate_pairs(history.path, source, release_tags(history.path, source))
    first, second, _ = pairs
    # v1.0.1's commit only bumps versions and the changelog: analyze the commit before it.
    assert is_release_commit(history.path, first.new.commit, ("1.0.0", "1.0.1"))
    assert release_head(history.path, first) == _git(history.path, "rev-parse", "v1.0.1^")
    # v1.1.0's commit also adds code: it is analyzed itself.
    assert not is_release_commit(history.path, second.new.commit, ("1.0.1", "1.1.0"))
    assert release_head(history.path, second) == second.new.commit


def test_release_head_stops_at_the_old_tag(tmp_path: Path) -> None:
    h = History(tmp_path / "r")
    h.commit("a", {"a.py": "x = 1\n"})
    h.release("1.0.0")
    h.release("1.0.1")
    source = Source("acme/r", "python")
    (pair,) = candidate_pairs(h.path, source, release_tags(h.path, source))
    assert release_head(h.path, pair) == pair.old.commit


def test_select_pairs_takes_the_classes_in_turn_newest_first(history: History) -> None:
    source = Source("acme/lib", "python")
    pairs = candidate_pairs(history.path, source, release_tags(history.path, source))
    chosen = select_pairs(pairs, cap=2)
    # One minor, then the newest patch; returned oldest first.
    assert [str(c) for c in chosen] == ["v1.0.1 -> v1.1.0", "v2.0.0 -> v2.0.1"]
    assert select_pairs(pairs, cap=10) == pairs


def test_assign_splits_alternates_repositories_per_language() -> None:
    sources = [
        Source("b/two", "go"),
        Source("a/one", "go"),
        Source("c/three", "go"),
        Source("z/py", "python"),
    ]
    assert assign_splits(sources) == {
        "a/one": "train",
        "b/two": "holdout",
        "c/three": "train",
        "z/py": "train",
    }


def test_keep_tags_are_the_old_one_and_earlier_releases(history: History) -> None:
    old_commit = _git(history.path, "rev-parse", "v1.1.0^{commit}")
    tags = keep_tags_for(history.path, "v1.1.0", old_commit)
    # Not the pre-release, not the backport, nothing later.
    assert sorted(tags) == ["v1.0.0", "v1.0.1", "v1.1.0"]
    assert tags["v1.0.0"] == _git(history.path, "rev-parse", "v1.0.0^{commit}")


def test_keep_tags_include_other_projects_earlier_release_tags(history: History) -> None:
    # A workspace member released apart: its tags up to the old release are in a user's clone.
    _git(history.path, "tag", "tools-v0.1.0", "v1.0.0^{commit}")
    _git(history.path, "tag", "tools/v0.2.0", "v1.0.1^{commit}")
    _git(history.path, "tag", "tools-v0.3.0", "main")
    _git(history.path, "tag", "nightly", "v1.0.0^{commit}")
    old_commit = _git(history.path, "rev-parse", "v1.1.0^{commit}")
    tags = keep_tags_for(history.path, "v1.1.0", old_commit)
    assert sorted(tags) == ["tools-v0.1.0", "tools/v0.2.0", "v1.0.0", "v1.0.1", "v1.1.0"]


# --- mirrors and work repositories -----------------------------------------------------------


def test_find_mirror_accepts_both_layouts_and_says_how_to_get_a_missing_one(
    history: History, tmp_path: Path
) -> None:
    root = tmp_path / "mirror"
    plain = _mirror(history, root)
    assert find_mirror(root, "acme/lib") == plain
    nested = root / "other+lib" / "repo"
    nested.parent.mkdir()
    plain.rename(nested)
    assert find_mirror(root, "other/lib") == nested
    with pytest.raises(MirrorMissing, match=r"git clone --mirror https://github\.com/no/where"):
        find_mirror(root, "no/where")


def test_changelog_names() -> None:
    assert is_changelog("CHANGELOG.md") and is_changelog("docs/history.rst")
    assert is_changelog("NEWS") and is_changelog("CHANGES.txt") and is_changelog("release-notes.md")
    assert not is_changelog("src/changer.py") and not is_changelog("README.md")


@pytest.mark.parametrize(
    ("path", "before", "after"),
    [
        ("pyproject.toml", 'version = "2.0.0"\n', 'version = "1.9.3"\n'),
        (
            "Cargo.toml",
            'version = "2.0.0"\nserde = "2.0.0"\n',
            'version = "1.9.3"\nserde = "2.0.0"\n',
        ),
        ("package.json", '"version": "2.0.0",\n', '"version": "1.9.3",\n'),
        ("pkg/__init__.py", '__version__ = "2.0"\n', '__version__ = "1.9.3"\n'),
        ("VERSION", "2.0.0\n", "1.9.3\n"),
        # Longer numbers are other versions; pre-releases of the new one announce it.
        (
            "setup.cfg",
            "version = 12.0.0\nversion = 2.0.0.1\n",
            "version = 12.0.0\nversion = 2.0.0.1\n",
        ),
        ("package.json", '"version": "2.0.0-rc.6",\n', '"version": "1.9.3",\n'),
        ("pkg/__version__.py", "__version__ = '2.0.0.dev0'\n", "__version__ = '1.9.3'\n"),
        ("version.go", 'Version = "2.0.0-alpha"\n', 'Version = "1.9.3"\n'),
        ("docs/versions.rst", "2.0.0\n-----\n", "Unreleased\n-----\n"),
        ("version.go", 'Version = "v2.0.0"\r\n', 'Version = "v1.9.3"\r\n'),
        (
            "CHANGELOG.md",
            "## [2.0.0](x/compare/v1.9.3...v2.0.0)\r\n",
            "## [Unreleased](x/compare/v1.9.3...Unreleased)\r\n",
        ),
        ("CHANGELOG.md", "## [2.0.0] - 2020\n## 1.9.3\n", "## [Unreleased] - 2020\n## 1.9.3\n"),
        ("src/code.py", 'VERSION = "2.0.0"\n', 'VERSION = "1.9.3"\n'),
        (
            "lib/meta.js",
            "module.exports = { version: '2.0.0' }\n",
            "module.exports = { version: '1.9.3' }\n",
        ),
        ("docs/conf.py", "release = '2.0.0'\n", "release = '1.9.3'\n"),
        (".circleci/config.yml", "version: 2.0\n", "version: 2.0\n"),
        ("dist/esm/lib.js", 'const VERSION$1 = "2.0.0";\n', 'const VERSION$1 = "1.9.3";\n'),
        # Prose and the versions of dependencies are left alone.
        ("src/code.py", "# deprecated as of 2.0.0\n", "# deprecated as of 2.0.0\n"),
        ("yarn.lock", 'dep@^2.0.0:\n  version "2.0.0"\n', 'dep@^2.0.0:\n  version "2.0.0"\n'),
    ],
)
def test_mask_text(path: str, before: str, after: str) -> None:
    assert mask_text(path, before, "1.9.3", "2.0.0") == after


def _prepare(history: History, tmp_path: Path, old: str, new: str) -> tuple[Path, Path]:
    mirror = _mirror(history, tmp_path / "mirror")
    source = Source("acme/lib", "python")
    pair = next(
        c
        for c in candidate_pairs(mirror, source, release_tags(mirror, source))
        if c.old.name == old and c.new.name == new
    )
    head = release_head(mirror, pair)
    work = prepare_work_repo(
        mirror,
        tmp_path / "cache" / "work",
        head=head,
        keep_tags=keep_tags_for(mirror, old, pair.old.commit),
        old_version=pair.old.text,
        new_version=pair.new.text,
    )
    return mirror, work


def test_work_repo_has_earlier_tags_only_and_the_head_before_the_release(
    history: History, tmp_path: Path
) -> None:
    mirror, work = _prepare(history, tmp_path, "v1.0.0", "v1.0.1")
    assert _git(work, "tag").split() == ["v1.0.0"]
    assert _git(work, "rev-parse", "HEAD") == _git(mirror, "rev-parse", "v1.0.1^")
    assert _git(work, "branch", "--format=%(refname:short)") == "main"
    assert _git(work, "remote") == ""
    assert _git(work, "for-each-ref", "--format=%(refname)").split() == [
        "refs/heads/main",
        "refs/tags/v1.0.0",
    ]
    assert "1.0.1" not in (work / "pyproject.toml").read_text(encoding="utf-8")
    assert range_messages(work, "v1.0.0") == ["fix: f returns 2"]


def test_work_repo_masks_the_new_version_when_the_tag_holds_code(
    history: History, tmp_path: Path
) -> None:
    mirror, work = _prepare(history, tmp_path, "v1.0.1", "v1.1.0")
    assert sorted(_git(work, "tag").split()) == ["v1.0.0", "v1.0.1"]
    assert 'version = "1.0.1"' in (work / "pyproject.toml").read_text(encoding="utf-8")
    assert (work / "lib/__init__.py").read_text(encoding="utf-8") == '__version__ = "1.0.1"\n'
    package = json.loads((work / "package.json").read_text(encoding="utf-8"))
    assert package == {"name": "lib", "version": "1.0.1", "dep": "1.1.0"}
    # Line endings are kept (CRLF here).
    assert (work / "CHANGELOG.md").read_bytes() == b"## Unreleased\r\n\r\n- h\r\n\r\n## 1.0.1\r\n"
    assert (work / "lib/extra.py").exists()
    # The head commit is the tagged one with a masked tree: same message and parent.
    assert _git(work, "log", "-1", "--format=%s") == "feat: add h; release 1.1.0"
    assert _git(work, "rev-parse", "HEAD^") == _git(mirror, "rev-parse", "v1.1.0^")
    assert _git(work, "status", "--porcelain") == ""
    assert range_messages(work, "v1.0.1") == ["feat: add g", "feat: add h; release 1.1.0"]


def test_work_repo_is_reused_until_the_recipe_or_pair_changes(
    history: History, tmp_path: Path
) -> None:
    mirror, work = _prepare(history, tmp_path, "v1.0.0", "v1.0.1")
    marker = work / ".git" / "benchmark-work-repo"
    stamp = marker.read_text(encoding="utf-8")
    assert is_complete(work, stamp)
    (work / "scratch").write_text("x", encoding="utf-8")
    head = _git(work, "rev-parse", "HEAD")
    again = prepare_work_repo(
        mirror, work, head=head, keep_tags={"v1.0.0": _git(mirror, "rev-parse", "v1.0.0^{}")},
        old_version="1.0.0", new_version="1.0.1",
    )  # fmt: skip
    assert (again / "scratch").exists()  # reused
    other = _git(mirror, "rev-parse", "v1.0.0^{}")
    prepare_work_repo(
        mirror, work, head=other, keep_tags={"v1.0.0": other},
        old_version="1.0.0", new_version="1.0.1",
    )  # fmt: skip
    assert not (work / "scratch").exists()  # another pair: rebuilt


def test_build_dataset_and_list_from_a_mirror(
    history: History, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "mirror"
    _mirror(history, root)
    out = tmp_path / "dataset.toml"
    pairs = build_dataset(root, [Source("acme/lib", "python")], out, say=lambda _: None)
    assert load_pairs(out) == pairs
    assert [(p.old, p.new, p.label, p.split) for p in pairs] == [
        ("v1.0.0", "v1.0.1", "patch", "train"),
        ("v1.0.1", "v1.1.0", "minor", "train"),
        ("v2.0.0", "v2.0.1", "patch", "train"),
    ]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Release pairs") and "Split:" in text
    assert main(["--dataset", str(out), "--mirror", str(root), "--list"]) == 0
    assert "3 pairs of 1 repositories" in capsys.readouterr().out
    cache = tmp_path / "cache"
    args = ["--dataset", str(out), "--mirror", str(root), "--cache", str(cache)]
    assert main([*args, "--prepare-only", "-j", "1"]) == 0
    assert all((work_dir(cache, p) / ".git").is_dir() for p in pairs)
    assert (
        main(["--dataset", str(out), "--mirror", str(tmp_path / "none"), "--cache", str(cache)])
        == 1
    )
    assert "git clone --mirror https://github.com/acme/lib" in capsys.readouterr().err


# --- baselines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["feat: add x"], "minor"),
        (["fix(core): y"], "patch"),
        (["perf: faster"], "patch"),
        (["feat!: drop x"], "major"),
        (["refactor(api)!: rename"], "major"),
        (["feat: x\n\nBREAKING CHANGE: gone"], "major"),
        (["fix: x\n\nBREAKING-CHANGE: gone"], "major"),
        (["fix: a", "feat: b", "docs: c"], "minor"),
        (["docs: only docs"], "patch"),
        (["Merge pull request #3 from x/y"], "patch"),
        ([], "patch"),
    ],
)
def test_conventional_commit_rules(messages: list[str], expected: str) -> None:
    assert conventional_commits(messages) == expected


def test_conventional_commits_without_fallback_releases_nothing() -> None:
    assert conventional_commits(["update sources"], fallback="unknown") == "unknown"
    assert conventional_commits(["feat: x"], fallback="unknown") == "minor"


def test_breaking_change_must_be_a_footer_not_prose() -> None:
    assert conventional_commits(["fix: mention a BREAKING CHANGE: in passing"]) == "patch"


def test_always_patch_ignores_the_messages() -> None:
    assert always_patch(["feat!: everything changed"]) == "patch"


def test_conventional_baseline_on_a_work_repo_range(history: History, tmp_path: Path) -> None:
    _, work = _prepare(history, tmp_path, "v1.0.1", "v1.1.0")
    assert conventional_commits(range_messages(work, "v1.0.1")) == "minor"


# --- metrics ---------------------------------------------------------------------------------


def test_score_counts_the_confusion_and_the_ratios() -> None:
    expected = ["major", "major", "major", "minor", "minor", "patch", "patch", "patch"]
    predicted = ["major", "minor", "error", "minor", "patch", "patch", "unknown", "patch"]
    scores = score("demo", expected, predicted)
    counts = scores.confusion.counts
    assert counts["major"] == {"major": 1, "minor": 1, "patch": 0, "unknown": 0, "error": 1}
    assert counts["patch"]["unknown"] == 1
    assert scores.accuracy == pytest.approx(4 / 8)
    assert scores.recall == pytest.approx({"major": 1 / 3, "minor": 1 / 2, "patch": 2 / 3})
    assert scores.precision == pytest.approx({"major": 1.0, "minor": 1 / 2, "patch": 2 / 3})


def test_precision_is_missing_when_a_class_is_never_predicted() -> None:
    scores = score("always-patch", ["major", "minor", "patch"], ["patch"] * 3)
    assert scores.precision["major"] is None
    assert scores.recall["major"] == 0.0
    assert format_ratio(scores.precision["major"]) == "-"
    assert format_ratio(scores.accuracy) == "33%"


def test_unexpected_predictions_count_as_errors_and_lengths_must_match() -> None:
    assert score("x", ["patch"], ["banana"]).confusion.counts["patch"]["error"] == 1
    with pytest.raises(ValueError, match="2 labels but 1 predictions"):
        score("x", ["patch", "minor"], ["patch"])


def test_markdown_tables() -> None:
    scores = score("demo", ["major", "minor", "patch"], ["major", "patch", "unknown"])
    summary = markdown_summary([scores]).splitlines()
    assert summary[0].startswith("| predictor | accuracy | major recall")
    assert summary[2] == "| demo | 33% | 100% | 0% | 0% | 100% | - | 0% |"
    confusion = markdown_confusion(scores.confusion).splitlines()
    assert confusion[0] == "| expected \\ predicted | major | minor | patch | unknown |"
    assert confusion[4] == "| patch | 0 | 0 | 0 | 1 |"
    assert "error" not in text_confusion(scores.confusion)


# --- running analyze and reading its output --------------------------------------------------


def test_analyze_command_passes_extra_arguments(tmp_path: Path) -> None:
    command = analyze_command(tmp_path, "v1.0.0", ["--some-flag"])
    assert command[1:] == [
        "-m", "release_tools", "analyze", "--repo", str(tmp_path), "--base", "v1.0.0",
        "--format", "json", "--some-flag",
    ]  # fmt: skip


def test_error_line_prefers_the_error_message() -> None:
    assert error_line("Usage: x\nTry -h\n\nError: No such option '--x'.\n") == (
        "Error: No such option '--x'."
    )
    assert error_line("Traceback ...\n  File x\nKeyError: 'a'\n") == "KeyError: 'a'"
    assert error_line("") == ""


def test_run_analyze_uses_the_given_sources(tmp_path: Path) -> None:
    fake = tmp_path / "src" / "release_tools"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("", encoding="utf-8")
    (fake / "__main__.py").write_text(
        'import json\nprint(json.dumps({"version_type": "minor", "needs_review": False}))\n',
        encoding="utf-8",
    )
    result = run_analyze(tmp_path, "v1.0.0", src=tmp_path / "src", extra_args=["--x"])
    assert (result.predicted, result.needs_review, result.error) == ("minor", False, None)


def test_byte_compile_writes_what_the_interpreter_reads(tmp_path: Path) -> None:
    package = tmp_path / "src" / "release_tools"
    package.mkdir(parents=True)
    module = package / "mod.py"
    module.write_text("X = 1\n", encoding="utf-8")
    assert byte_compile(tmp_path / "src")
    assert Path(importlib.util.cache_from_source(str(module))).is_file()
    module.write_text("X = (\n", encoding="utf-8")
    later = module.stat().st_mtime + 10  # compileall trusts a cache of the same second
    os.utime(module, (later, later))
    assert not byte_compile(tmp_path / "src")


def test_parse_decision_reads_the_json_report() -> None:
    report = {
        "version_type": "major",
        "needs_review": True,
        "reasoning": "the API lost f",
        "evidence": [{"source": "python-api", "bump": "major"}, "junk"],
    }
    result = parse_decision(json.dumps(report))
    assert result == AnalyzeResult(
        "major", True, "the API lost f", [{"source": "python-api", "bump": "major"}]
    )


@pytest.mark.parametrize(
    ("stdout", "error"),
    [
        ("not json", "not JSON"),
        ("[1]", "not a JSON object"),
        ('{"version_type": "huge"}', "bad version_type 'huge'"),
    ],
)
def test_parse_decision_turns_bad_output_into_errors(stdout: str, error: str) -> None:
    result = parse_decision(stdout)
    assert result.predicted == "error"
    assert result.error is not None and error in result.error


def test_analyze_env_drops_settings_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEASE_TOOLS_MAJOR_ON_ZERO", "true")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("GITHUB_OUTPUT", "/tmp/out")
    env = analyze_env()
    assert not any(k.startswith("RELEASE_TOOLS_") for k in env)
    assert "OPENAI_API_KEY" not in env and "GITHUB_OUTPUT" not in env
    assert env["GIT_CONFIG_NOSYSTEM"] == "1"


# --- the report ------------------------------------------------------------------------------


def _outcome(label: str, predicted: str, *, review: bool = False, repo: str = "") -> PairOutcome:
    new = {"major": "v2.0.0", "minor": "v1.1.0", "patch": "v1.0.1"}[label]
    language = "go" if label == "major" else "python"
    pair = _pair(repo=repo or f"acme/{label}", language=language, new=new, label=label)
    evidence = [
        {"source": "file-kind", "bump": "patch", "strength": "weak", "message": "m", "path": "a"},
        {
            "source": "python-api",
            "bump": "major",
            "strength": "proof",
            "message": "gone",
            "path": "pkg/x.py",
            "line": 3,
        },
    ]
    result = AnalyzeResult(predicted, review, "because", evidence, seconds=1.5)
    return PairOutcome(pair, result, {"always-patch": "patch", "conventional-commits": "major"})


def test_summarise_scores_analyze_and_each_baseline() -> None:
    rows = summarise([_outcome("major", "major"), _outcome("patch", "minor")])
    assert [r.name for r in rows] == [
        "release-tools analyze",
        "always-patch",
        "conventional-commits",
    ]
    assert rows[0].recall["major"] == 1.0 and rows[0].recall["patch"] == 0.0
    assert rows[1].accuracy == 0.5 and rows[2].accuracy == 0.5


def test_group_table_per_language() -> None:
    outcomes = [_outcome("major", "major"), _outcome("minor", "patch"), _outcome("patch", "patch")]
    table = group_table(outcomes, lambda o: o.pair.language, "language").splitlines()
    assert table[0].startswith("| language | pairs (major/minor/patch) | analyze | always-patch")
    assert table[2] == "| go | 1 (1/0/0) | 100% (1/1) | 0% (0/1) | 100% (1/1) | 1/1 |"
    assert table[3] == "| python | 2 (0/1/1) | 50% (1/2) | 50% (1/2) | 0% (0/2) | - |"


def test_render_report_lists_figures_and_misses() -> None:
    outcomes = [_outcome("major", "major"), _outcome("minor", "patch", review=True)]
    text = render_report(outcomes, verbose=False, markdown=True, jobs=2)
    assert (
        "Decision quality on 2 release pairs of 2 repositories (1 major, 1 minor, 0 patch;" in text
    )
    assert "| release-tools analyze | 50% | 100% | 0% | - | 100% | - | 0% |" in text
    assert "needs_review: 1 of 2 pairs (right on 0 of those; right on 1 of the 1 others)" in text
    assert "median 1.50 s" in text
    assert "| repository |" in text and "| acme/minor | 1 (0/1/0) | 0% (0/1) |" in text
    miss_lines = [line for line in text.splitlines() if line.startswith("MISS")]
    assert len(miss_lines) == 1 and "acme/minor v1.0.0 -> v1.1.0" in miss_lines[0]
    assert "evidence: major/proof python-api pkg/x.py:3: gone" in text
    hidden = render_report(outcomes, verbose=True, markdown=True, jobs=2, pairs=False)
    assert "misses: 1" in hidden and "MISS" not in hidden


def test_changes_since_a_previous_run() -> None:
    outcomes = [_outcome("major", "major"), _outcome("minor", "patch"), _outcome("patch", "patch")]
    previous = [
        {
            "pair": {"repo": "acme/major", "old": "v1.0.0", "new": "v2.0.0"},
            "analyze": {"predicted": "patch"},
        },
        {
            "pair": {"repo": "acme/minor", "old": "v1.0.0", "new": "v1.1.0"},
            "analyze": {"predicted": "minor"},
        },
        {
            "pair": {"repo": "acme/patch", "old": "v1.0.0", "new": "v1.0.1"},
            "analyze": {"predicted": "patch"},
        },
    ]
    lines = changes_since(outcomes, previous)
    assert len(lines) == 2
    assert lines[0].startswith("fixed") and "acme/major" in lines[0]
    assert lines[1].startswith("broken") and "was minor   now patch" in lines[1]


@pytest.mark.parametrize(
    ("current", "following", "version_type", "expected"),
    [
        ("0.4.2", "0.5.0", "major", "minor"),  # a break on 0.x makes the next minor
        ("0.4.2", "0.4.3", "patch", "patch"),
        ("0.4.2", "1.0.0", "major", "major"),
        ("1.4.2", "2.0.0", "major", "major"),
        ("1.4.2", "1.5.0", "minor", "minor"),
        ("0.4.2", None, "unknown", "unknown"),
    ],
)
def test_parse_decision_scores_0x_by_the_release_made(
    current: str, following: str | None, version_type: str, expected: str
) -> None:
    report = {"version_type": version_type, "current_version": current, "next_version": following}
    assert parse_decision(json.dumps(report), zero=True).predicted == expected
    # A 1.x pair is scored by what analyze says, whatever version a stale manifest gave it.
    assert parse_decision(json.dumps(report)).predicted == version_type


def test_a_written_report_names_the_data_file_it_measured(tmp_path: Path) -> None:
    zero = DATASET.parent / "zero.toml"
    assert "Pairs: `benchmarks/accuracy/dataset.toml`." in _provenance([], None, None)
    assert "Pairs: `benchmarks/accuracy/zero.toml`." in _provenance([], None, None, zero)
    elsewhere = tmp_path / "mine.toml"
    assert f"Pairs: `{elsewhere}`." in _provenance([], None, None, elsewhere)


def test_measure_scores_a_pair_from_a_0x_release_by_the_release_made(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[bool] = []

    def fake_run(repo: Path, base: str, **kwargs: object) -> AnalyzeResult:
        seen.append(bool(kwargs.get("zero")))
        return AnalyzeResult("patch", False, "")  # what analyze said does not matter here

    monkeypatch.setattr(cli, "run_analyze", fake_run)
    monkeypatch.setattr(cli, "range_messages", lambda repo, base: [])
    for old, new in (("v0.4.2", "v0.5.0"), ("v1.4.2", "v1.5.0"), ("lib-0.1.9", "lib-0.2.0")):
        pair = Pair("acme/lib", "rust", old, new, "minor", "train", SHA, SHA, SHA)
        cli.measure(pair, tmp_path, 60.0, ())
    assert seen == [True, False, True]
