"""The history decides for projects that release by commit type: end to end through analyze()."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from gitrepo import GitRepo
from release_tools.analysis import analyze


def _release(repo: GitRepo, tag: str, message: str, *, n: int) -> None:
    repo.write(f"src/lib/m{n}.py", f"def f{n}():\n    return {n}\n")
    repo.commit(message)
    repo.tag(tag)


def _patch_habit(repo: GitRepo) -> None:
    """0.x releases where every feat shipped as a patch: the project's own habit."""
    repo.write("src/lib/__init__.py", "def keep():\n    return 0\n")
    repo.commit("feat: start")
    repo.tag("v0.1.0")
    versions = ["0.1.1", "0.1.2", "0.1.3", "0.1.4", "0.1.5", "0.1.6", "0.1.7", "0.1.8"]
    for n, version in enumerate(versions):
        kind = "feat" if n % 2 == 0 else "fix"
        _release(repo, f"v{version}", f"{kind}: change {n}", n=n)


def test_a_learned_habit_decides_and_is_explained(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    _patch_habit(repo)
    repo.write("src/lib/new.py", "def g():\n    return 1\n")
    repo.commit("feat: a new helper")

    decision = analyze(repo.path)

    assert decision.version_type == "patch"
    assert decision.next_version == "0.1.9"
    assert "the last 8 0.x releases followed their commit types 8 of 8 times" in decision.reasoning
    assert (
        "(feat shipped as patch)" in decision.reasoning and "commits decide" in decision.reasoning
    )
    assert decision.history is not None
    assert decision.history["decided"] and decision.history["mapping"]["feat"] == "patch"


def test_history_off_keeps_the_rules(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    _patch_habit(repo)
    repo.write("src/lib/new.py", "def g():\n    return 1\n")
    repo.commit("feat: a new helper")

    decision = analyze(repo.path, history=False)

    assert decision.version_type == "minor" and decision.history is None


def test_proof_against_the_habit_is_flagged(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    _patch_habit(repo)
    repo.write("src/lib/__init__.py", "")  # the public function keep() is gone
    repo.commit("fix: tidy up")

    decision = analyze(repo.path)

    assert decision.version_type == "patch" and decision.needs_review
    assert "removed public function lib.keep" in decision.reasoning
    assert "flagged for review" in decision.reasoning


def test_a_finding_the_reader_could_not_settle_is_flagged_when_the_history_decides(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("lib")
    _patch_habit(repo)
    repo.write("src/lib/alias.py", "from lib.m0 import *\n")
    repo.commit("fix: an alias module")
    repo.tag("v0.1.9")
    repo.remove("src/lib/alias.py")  # its importers must import from lib.m0 now
    repo.commit("fix: drop the alias")

    decision = analyze(repo.path)

    assert decision.version_type == "patch" and "commits decide" in decision.reasoning
    assert decision.needs_review
    assert decision.reasoning.endswith(
        "the code readers could not settle removed module lib.alias, an alias of lib.m0: "
        "its importers must import from there (src/lib/alias.py)."
    )
    assert [e.review for e in decision.evidence if e.source == "python-api"] == [True]


def test_thin_history_falls_back_and_says_why(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    repo.write("src/lib/__init__.py", "def keep():\n    return 0\n")
    repo.commit("feat: start")
    repo.tag("v1.0.0")
    _release(repo, "v1.0.1", "fix: one", n=1)
    repo.write("src/lib/new.py", "def g():\n    return 1\n")
    repo.commit("feat: a new helper")

    decision = analyze(repo.path)

    assert decision.version_type == "minor"
    assert decision.history is not None and not decision.history["decided"]
    assert "too little release history" in decision.history["reason"]
    assert "commits decide" not in decision.reasoning


def test_a_shallow_clone_warns_and_is_not_calibrated(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    origin = make_repo("origin")
    _patch_habit(origin)
    origin.write("src/lib/new.py", "def g():\n    return 1\n")
    origin.commit("feat: a new helper")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{origin.path}", str(clone)], check=True
    )
    subprocess.run(
        ["git", "-C", str(clone), "fetch", "-q", "--depth", "2", "origin", "tag", "v0.1.6"],
        check=True,
    )

    decision = analyze(clone)

    assert decision.history is None
    assert any("shallow clone" in w for w in decision.warnings)
    assert decision.version_type == "minor"


def test_the_go_module_ceiling_holds_over_the_commits(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("gomod")
    repo.write("go.mod", "module example.com/lib\n\ngo 1.22\n")
    repo.write("lib.go", "package lib\n\nfunc Old() int { return 1 }\n")
    repo.commit("feat: start")
    repo.tag("v1.0.0")
    for n in range(1, 7):
        repo.write(f"f{n}.go", f"package lib\n\nfunc f{n}() int {{ return {n} }}\n")
        repo.commit(f"fix: change {n}")
        repo.tag(f"v1.0.{n}")
    repo.write("lib.go", "package lib\n")
    repo.commit("feat!: drop Old")

    decision = analyze(repo.path)

    assert decision.version_type == "minor" and decision.needs_review
    assert decision.next_version == "1.1.0"
    assert "commits decide" in decision.reasoning
    assert "capped at minor: the Go module path example.com/lib is unchanged" in (
        decision.reasoning
    )


def test_configured_commit_types_are_read_by_the_analysis(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("docs")
    repo.write(
        "pyproject.toml", '[tool.release-tools]\ncommit-types = { docs = { bump = "minor" } }\n'
    )
    repo.write("src/lib/__init__.py", "def keep():\n    return 0\n")
    repo.commit("feat: start")
    repo.tag("v1.0.0")
    repo.write("guide/intro.md", "# Intro\n")
    repo.commit("docs: a new guide")

    decision = analyze(repo.path)
    assert decision.version_type == "minor"
    assert "docs commit: docs: a new guide" in decision.reasoning
    assert analyze(repo.path, commit_types={}).version_type != "minor"


def _lax_project(repo: GitRepo) -> None:
    """Eleven 1.x releases, none a major; two of them removed public functions, as minors."""
    names = ["keep", "old_a", "old_b"]
    repo.write("src/lib/__init__.py", "".join(f"def {n}():\n    return 0\n" for n in names))
    repo.commit("start")
    repo.tag("v1.0.0")
    minor = patch = 0
    for n in range(10):
        if n in (2, 6):
            names.pop()  # a public function goes, and the project ships a minor
            minor, patch = minor + 1, 0
        else:
            patch += 1
        repo.write("src/lib/__init__.py", "".join(f"def {m}():\n    return {n}\n" for m in names))
        repo.commit(f"change {n}")
        repo.tag(f"v1.{minor}.{patch}")


def test_removals_shipped_as_minor_calibrate_a_removal(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("lib")
    _lax_project(repo)
    repo.write("src/lib/__init__.py", "")  # keep() is gone too
    repo.commit("tidy up")

    decision = analyze(repo.path)

    assert decision.version_type == "minor" and decision.needs_review
    assert decision.next_version == "1.3.0"  # after v1.2.3
    assert "made no major release and shipped the 2 that removed public names as minor" in (
        decision.reasoning
    )
    assert "the code shows major (removed public function lib.keep" in decision.reasoning
    assert decision.history is not None and decision.history["decided"]
    static = decision.history["static"]
    assert static["decided"] and static["removals_ship_as"] == "minor"
    # Without the history the static rules alone decide.
    assert analyze(repo.path, history=False).version_type == "major"


def test_a_tooling_only_range_ships_like_earlier_ones(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("lib")
    repo.write("src/lib/__init__.py", "def keep():\n    return 0\n")
    repo.commit("start")
    repo.tag("v1.0.0")
    repo.write("tests/test_keep.py", "def test_keep():\n    pass\n")
    repo.commit("more tests")
    repo.tag("v1.0.1")
    repo.write(".github/workflows/ci.yml", "on: push\n")
    repo.commit("ci")

    decision = analyze(repo.path)

    assert decision.version_type == "patch" and decision.needs_review
    assert "1 earlier release changed no source code and shipped as patch" in (decision.reasoning)
    assert analyze(repo.path, history=False).version_type == "unknown"


def _cached_footprints(repo: GitRepo) -> list[object]:
    entries = sorted((repo.path / ".release-tools-cache" / "history").glob("*.json"))
    return [json.loads(entry.read_text())["footprint"] for entry in entries]


def test_footprints_are_read_only_when_a_rule_could_use_them(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("lib")
    _lax_project(repo)
    repo.write("src/lib/new.py", "def g():\n    return 1\n")
    repo.commit("a new helper")

    assert analyze(repo.path).version_type == "minor"
    # A minor verdict no learned rule could change: no diff of an earlier release was read.
    assert _cached_footprints(repo) == [None] * 10

    repo.write("src/lib/__init__.py", "")
    repo.commit("tidy up")
    assert analyze(repo.path).version_type == "minor"
    assert None not in _cached_footprints(repo)


def test_a_change_note_declaring_a_break_lifts_the_commits(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("lib")
    repo.write("src/lib/__init__.py", "def keep():\n    return 0\n")
    repo.write("CHANGELOG.md", "# Changelog\n\n## 1.0.0\n\n- First.\n")
    repo.commit("feat: start")
    repo.tag("v1.0.0")
    steps = [("v1.0.1", "fix: a"), ("v1.1.0", "feat: b"), ("v1.1.1", "fix: c")]
    steps += [("v1.2.0", "feat: d"), ("v1.2.1", "fix: e"), ("v1.2.2", "fix: f")]
    for n, (tag, message) in enumerate(steps):
        _release(repo, tag, message, n=n)
    repo.write(
        "CHANGELOG.md",
        "# Changelog\n\n## Unreleased\n\n### Breaking changes\n\n"
        "- The default timeout is now 10 seconds.\n\n## 1.0.0\n\n- First.\n",
    )
    repo.write("src/lib/timeouts.py", "def timeout():\n    return 10\n")
    repo.commit("feat: a longer default timeout")

    decision = analyze(repo.path)

    assert decision.version_type == "major" and decision.next_version == "2.0.0"
    assert decision.reasoning.startswith('major: 1 changelog entry under "breaking changes"')
    assert "commits decide" in decision.reasoning
