"""The decision-quality benchmark's own helpers: labels, dataset, unpacking, repos, baselines,
metrics and the reading of analyze's output. No network: archives are built here."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

# The benchmark lives outside src/; make the repository root importable whatever the runner.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import fetch  # noqa: E402
from benchmarks.accuracy.baselines import always_patch, conventional_commits  # noqa: E402
from benchmarks.accuracy.dataset import (  # noqa: E402
    DEFAULT_MANIFEST,
    HOLDOUT_MANIFEST,
    LABELS,
    DatasetError,
    Pair,
    label_for,
    load_pairs,
    parse_release,
)
from benchmarks.accuracy.fetch import (  # noqa: E402
    FetchError,
    download,
    find_archive,
    strip_packaging_artefacts,
    unpack,
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
    render_report,
    summarise,
)
from benchmarks.accuracy.repos import (  # noqa: E402
    NEUTRAL_MESSAGE,
    build_pair_repo,
    is_complete,
    range_messages,
)
from benchmarks.accuracy.runner import (  # noqa: E402
    AnalyzeResult,
    analyze_env,
    ecosystem_env,
    parse_decision,
)

# --- labels and the dataset ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2.0", (2, 0, 0)), ("7", (7, 0, 0)), ("1.26.20", (1, 26, 20)), (" 10.0.1 ", (10, 0, 1))],
)
def test_parse_release_pads_missing_numbers(text: str, expected: tuple[int, int, int]) -> None:
    assert parse_release(text) == expected


@pytest.mark.parametrize("text", ["1.0.0rc1", "4.6.2.post1", "1.2.3.4", "1.0.0-beta.1", "01.2", ""])
def test_parse_release_refuses_non_final_versions(text: str) -> None:
    with pytest.raises(DatasetError):
        parse_release(text)


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        ("7.1.2", "8.0.0", "major"),
        ("1.26.20", "2.0.2", "major"),
        ("1.10.27", "2.0", "major"),
        ("2.31.0", "2.32.2", "minor"),
        ("3.1.4", "3.2.0", "minor"),
        ("5.6.0", "5.6.2", "patch"),
        ("1.0", "1.0.1", "patch"),
    ],
)
def test_label_is_the_first_component_that_changed(old: str, new: str, label: str) -> None:
    assert label_for(old, new) == label


@pytest.mark.parametrize(("old", "new"), [("0.13.1", "1.0.0"), ("0.4.0", "0.5.0")])
def test_label_refuses_pairs_below_one(old: str, new: str) -> None:
    with pytest.raises(DatasetError, match=r"below 1\.0\.0"):
        label_for(old, new)


@pytest.mark.parametrize(("old", "new"), [("2.0.0", "1.9.9"), ("1.2.0", "1.2")])
def test_label_refuses_pairs_that_do_not_go_up(old: str, new: str) -> None:
    with pytest.raises(DatasetError, match="not above"):
        label_for(old, new)


def test_committed_manifest_is_valid_and_balanced() -> None:
    pairs = load_pairs(DEFAULT_MANIFEST)
    counts = {label: sum(p.label == label for p in pairs) for label in LABELS}
    assert len(pairs) >= 40
    # Balanced-ish: no class is under a fifth of the dataset.
    assert min(counts.values()) >= len(pairs) / 5, counts
    assert len({p.package for p in pairs if p.ecosystem == "pypi"}) >= 15
    assert {p.ecosystem for p in pairs} == {"pypi", "npm"}
    assert all(parse_release(p.old)[0] >= 1 for p in pairs)


def test_holdout_manifest_is_valid_and_shares_no_package() -> None:
    holdout = load_pairs(HOLDOUT_MANIFEST)
    counts = {label: sum(p.label == label for p in holdout) for label in LABELS}
    assert min(counts.values()) >= len(holdout) / 5, counts
    # Held-out means other projects, not other releases of the same ones.
    tuned = {(p.ecosystem, p.package) for p in load_pairs(DEFAULT_MANIFEST)}
    assert not tuned & {(p.ecosystem, p.package) for p in holdout}


def _manifest(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pairs.toml"
    path.write_text(body, encoding="utf-8")
    return path


_ONE = '[[pair]]\necosystem = "pypi"\npackage = "demo"\nold = "1.2.3"\nnew = "1.3.0"\n'


def test_load_pairs_reads_a_manifest(tmp_path: Path) -> None:
    (pair,) = load_pairs(_manifest(tmp_path, _ONE + 'label = "minor"\n'))
    assert pair == Pair("pypi", "demo", "1.2.3", "1.3.0", "minor")
    assert pair.base_tag == "v1.2.3"
    assert pair.key == "pypi-demo-1.2.3-1.3.0"


def test_load_pairs_refuses_a_wrong_label(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="is a minor, not 'major'"):
        load_pairs(_manifest(tmp_path, _ONE + 'label = "major"\n'))


def test_load_pairs_refuses_duplicates_and_unknown_keys(tmp_path: Path) -> None:
    entry = _ONE + 'label = "minor"\n'
    with pytest.raises(DatasetError, match="listed twice"):
        load_pairs(_manifest(tmp_path, entry + "\n" + entry))
    with pytest.raises(DatasetError, match="unknown key 'url'"):
        load_pairs(_manifest(tmp_path, entry + 'url = "x"\n'))
    with pytest.raises(DatasetError, match="missing label"):
        load_pairs(_manifest(tmp_path, _ONE))
    with pytest.raises(DatasetError, match="no \\[\\[pair\\]\\]"):
        load_pairs(_manifest(tmp_path, "# empty\n"))


def test_scoped_npm_names_give_safe_keys() -> None:
    pair = Pair("npm", "@scope/pkg", "1.0.0", "2.0.0", "major")
    assert "/" not in pair.key and "@" not in pair.key


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
        ([NEUTRAL_MESSAGE], "patch"),
        ([], "patch"),
    ],
)
def test_conventional_commit_rules(messages: list[str], expected: str) -> None:
    assert conventional_commits(messages) == expected


def test_conventional_commits_without_fallback_releases_nothing() -> None:
    assert conventional_commits([NEUTRAL_MESSAGE], fallback="unknown") == "unknown"
    assert conventional_commits(["feat: x"], fallback="unknown") == "minor"


def test_breaking_change_must_be_a_footer_not_prose() -> None:
    # Only the token at the start of a body line counts, as the specification says.
    assert conventional_commits(["fix: mention a BREAKING CHANGE: in passing"]) == "patch"


def test_always_patch_ignores_the_messages() -> None:
    assert always_patch(["feat!: everything changed"]) == "patch"


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
    # The "unknown" column is shown because a pair landed there; "error" is not.
    assert confusion[0] == "| expected \\ predicted | major | minor | patch | unknown |"
    assert confusion[4] == "| patch | 0 | 0 | 0 | 1 |"
    assert "error" not in text_confusion(scores.confusion)


def test_summarise_scores_analyze_and_each_baseline() -> None:
    pairs = [
        Pair("pypi", "a", "1.0.0", "2.0.0", "major"),
        Pair("pypi", "b", "1.0.0", "1.0.1", "patch"),
    ]
    outcomes = [
        PairOutcome(p, AnalyzeResult("major", False, ""), {"always-patch": "patch", **cc})
        for p, cc in zip(
            pairs,
            [{"conventional-commits": "patch"}, {"conventional-commits": "patch"}],
            strict=True,
        )
    ]
    rows = summarise(outcomes)
    assert [r.name for r in rows] == [
        "release-tools analyze",
        "always-patch",
        "conventional-commits",
    ]
    assert rows[0].recall["major"] == 1.0 and rows[0].recall["patch"] == 0.0
    assert rows[1].accuracy == 0.5


# --- archives --------------------------------------------------------------------------------


def _tar(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def test_unpack_strips_the_wrapping_directory(tmp_path: Path) -> None:
    archive = _tar(
        tmp_path / "demo-1.0.tar.gz",
        {"demo-1.0/setup.py": b"x", "demo-1.0/demo/__init__.py": b"y"},
    )
    tree = unpack(archive, tmp_path / "tree")
    assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()) == [
        "demo/__init__.py",
        "setup.py",
    ]


def test_unpack_npm_tarball_and_replaces_old_content(tmp_path: Path) -> None:
    target = tmp_path / "tree"
    target.mkdir()
    (target / "stale.js").write_text("old", encoding="utf-8")
    archive = _tar(tmp_path / "pkg-1.0.0.tgz", {"package/index.js": b"export {}"})
    unpack(archive, target)
    assert [p.name for p in target.iterdir()] == ["index.js"]


def test_unpack_keeps_flat_archives_whole(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "flat.tar.gz", {"a.py": b"1", "b/c.py": b"2"})
    tree = unpack(archive, tmp_path / "tree")
    assert (tree / "a.py").is_file() and (tree / "b" / "c.py").is_file()


def test_unpack_zip_sdist(tmp_path: Path) -> None:
    archive = tmp_path / "demo-1.0.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("demo-1.0/demo.py", "print()")
    tree = unpack(archive, tmp_path / "tree")
    assert (tree / "demo.py").read_text(encoding="utf-8") == "print()"


@pytest.mark.parametrize("member", ["../evil.py", "/abs/evil.py", "pkg/../../evil.py"])
def test_unpack_refuses_members_that_escape(tmp_path: Path, member: str) -> None:
    archive = _tar(tmp_path / "evil.tar.gz", {"pkg/ok.py": b"", member: b"boom"})
    with pytest.raises(FetchError, match="escapes"):
        unpack(archive, tmp_path / "tree")
    assert not (tmp_path / "evil.py").exists()


def test_unpack_reports_a_broken_archive(tmp_path: Path) -> None:
    archive = tmp_path / "broken.tar.gz"
    archive.write_bytes(b"not a tarball at all")
    with pytest.raises(FetchError, match="broken archive"):
        unpack(archive, tmp_path / "tree")


def test_strip_packaging_artefacts(tmp_path: Path) -> None:
    (tmp_path / "src" / "demo.egg-info").mkdir(parents=True)
    (tmp_path / "src" / "demo.egg-info" / "PKG-INFO").write_text("Version: 1", encoding="utf-8")
    (tmp_path / "PKG-INFO").write_text("Version: 1", encoding="utf-8")
    (tmp_path / "src" / "demo.py").write_text("", encoding="utf-8")
    removed = strip_packaging_artefacts(tmp_path)
    assert removed == ["PKG-INFO", "src/demo.egg-info"]
    assert [p.name for p in tmp_path.rglob("*")] == ["src", "demo.py"]


def test_find_archive_and_cached_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_client(*args: object, **kwargs: object) -> None:
        raise AssertionError("a registry client was run")

    # Already in the cache: no registry client may run (tests never touch the network).
    monkeypatch.setattr(fetch.subprocess, "run", no_client)
    cached = tmp_path / "downloads" / "pypi" / "demo-1.0"
    cached.mkdir(parents=True)
    assert find_archive(cached) is None
    with pytest.raises(AssertionError, match="registry client"):
        download("pypi", "demo", "1.0", tmp_path)
    assert list(cached.parent.iterdir()) == [cached]  # no partial download left behind
    (cached / "demo-1.0.tar.gz").write_bytes(b"")
    assert download("pypi", "demo", "1.0", tmp_path) == cached / "demo-1.0.tar.gz"
    (cached / "demo-1.0.zip").write_bytes(b"")
    with pytest.raises(FetchError, match="several archives"):
        find_archive(cached)


# --- pair repositories -----------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_build_pair_repo_has_two_commits_and_only_the_old_tag(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    (old / "pkg").mkdir(parents=True)
    (old / "pkg" / "gone.py").write_text("def f(): pass\n", encoding="utf-8")
    (old / "pkg" / "kept.py").write_text("A = 1\n", encoding="utf-8")
    (old / ".gitignore").write_text("*.py\n", encoding="utf-8")
    (new / "pkg").mkdir(parents=True)
    (new / "pkg" / "kept.py").write_text("A = 2\n", encoding="utf-8")
    (new / ".git").mkdir()  # a stray .git in an archive must not replace the pair's history
    repo = build_pair_repo(old, new, tmp_path / "repo", "1.2.3")
    assert is_complete(repo)
    assert _git(repo, "rev-list", "--count", "HEAD") == "2"
    assert _git(repo, "tag", "--list") == "v1.2.3"
    assert _git(repo, "tag", "--points-at", "HEAD") == ""
    assert _git(repo, "rev-parse", "v1.2.3") == _git(repo, "rev-parse", "HEAD~1")
    # Files the archive's own .gitignore names are still part of the release.
    assert _git(repo, "ls-tree", "-r", "--name-only", "v1.2.3").splitlines() == [
        ".gitignore",
        "pkg/gone.py",
        "pkg/kept.py",
    ]
    assert _git(repo, "ls-tree", "-r", "--name-only", "HEAD") == "pkg/kept.py"
    assert (repo / "pkg" / "kept.py").read_text(encoding="utf-8") == "A = 2\n"
    assert range_messages(repo, "v1.2.3") == [NEUTRAL_MESSAGE]


def test_build_pair_repo_replaces_an_interrupted_build(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "a.txt").write_text("1", encoding="utf-8")
    (new / "a.txt").write_text("2", encoding="utf-8")
    dest = tmp_path / "repo"
    dest.mkdir()
    (dest / "leftover").write_text("x", encoding="utf-8")
    assert not is_complete(dest)
    build_pair_repo(old, new, dest, "1.0.0")
    assert not (dest / "leftover").exists()
    assert _git(dest, "rev-list", "--count", "HEAD") == "2"


# --- reading analyze's output ----------------------------------------------------------------


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


def test_npm_pairs_analyze_dist_like_sources() -> None:
    env = ecosystem_env("npm", ("*.md", "dist/", "build/", "tests/"))
    assert env == {"RELEASE_TOOLS_EXCLUDE": "*.md,tests/"}
    assert ecosystem_env("pypi", ("*.md", "dist/")) == {}


def _outcome(label: str, predicted: str, *, review: bool = False) -> PairOutcome:
    new = {"major": "2.0.0", "minor": "1.1.0", "patch": "1.0.1"}[label]
    pair = Pair("pypi", f"pkg-{label}", "1.0.0", new, label)  # type: ignore[arg-type]
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
    return PairOutcome(pair, result, {"always-patch": "patch", "conventional-commits": "patch"})


def test_render_report_lists_figures_and_misses() -> None:
    outcomes = [_outcome("major", "major"), _outcome("minor", "patch", review=True)]
    text = render_report(outcomes, verbose=False, markdown=True, jobs=2)
    assert "Decision quality on 2 release pairs (1 major, 1 minor, 0 patch; 2 pypi)" in text
    assert "| release-tools analyze | 50% | 100% | 0% | - | 100% | - | 0% |" in text
    assert "needs_review: 1 of 2 pairs (right on 0 of those; right on 1 of the 1 others)" in text
    assert "misses: 1" in text
    miss_lines = [line for line in text.splitlines() if line.startswith("MISS")]
    assert len(miss_lines) == 1 and "pkg-minor" in miss_lines[0]
    assert "expected minor got patch   needs_review" in miss_lines[0]
    # The strongest evidence comes first, with its location.
    assert "evidence: major/proof python-api pkg/x.py:3: gone" in text
    assert not any(line.startswith("ok") for line in text.splitlines())
    verbose = render_report(outcomes, verbose=True, markdown=False, jobs=2)
    assert any(line.startswith("ok   pypi:pkg-major") for line in verbose.splitlines())
    hidden = render_report(outcomes, verbose=True, markdown=True, jobs=2, pairs=False)
    assert "misses: 1" in hidden and "pkg-" not in hidden


def test_changes_since_a_previous_run() -> None:
    outcomes = [_outcome("major", "major"), _outcome("minor", "patch"), _outcome("patch", "patch")]
    previous = [
        {
            "pair": {"ecosystem": "pypi", "package": "pkg-major", "old": "1.0.0", "new": "2.0.0"},
            "analyze": {"predicted": "patch"},
        },
        {
            "pair": {"ecosystem": "pypi", "package": "pkg-minor", "old": "1.0.0", "new": "1.1.0"},
            "analyze": {"predicted": "minor"},
        },
        {
            "pair": {"ecosystem": "pypi", "package": "pkg-patch", "old": "1.0.0", "new": "1.0.1"},
            "analyze": {"predicted": "patch"},
        },
    ]
    lines = changes_since(outcomes, previous)
    assert len(lines) == 2
    assert lines[0].startswith("fixed") and "pkg-major" in lines[0]
    assert lines[1].startswith("broken") and "was minor   now patch" in lines[1]


def test_download_runs_the_registry_client_and_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []

    def fake_run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(command)
        dest = Path(command[command.index("--pack-destination") + 1])
        (dest / "left-pad-1.3.0.tgz").write_bytes(b"archive")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(fetch.subprocess, "run", fake_run)
    archive = download("npm", "left-pad", "1.3.0", tmp_path)
    assert archive == tmp_path / "downloads" / "npm" / "left-pad-1.3.0" / "left-pad-1.3.0.tgz"
    assert calls[0][:3] == ["npm", "pack", "--silent"] and "left-pad@1.3.0" in calls[0]
    assert download("npm", "left-pad", "1.3.0", tmp_path) == archive
    assert len(calls) == 1  # the second call was served from the cache


def test_download_failure_names_the_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        assert "--no-binary" in command and "demo==9.9.9" in command
        return subprocess.CompletedProcess(command, 1, "", "lots\nERROR: No matching distribution")

    monkeypatch.setattr(fetch.subprocess, "run", failing)
    with pytest.raises(FetchError, match=r"pypi:demo==9\.9\.9: download failed: ERROR: No match"):
        download("pypi", "demo", "9.9.9", tmp_path)
    assert list((tmp_path / "downloads" / "pypi").iterdir()) == []
