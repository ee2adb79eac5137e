"""The early child: list-only gatherers run before the diff is read; the evidence is the same.

Its evidence is used only when its list of changed files is the diff's; otherwise, and for a
gatherer that failed in the child, the gatherers run again in this process. The language
gatherers are loaded only for ranges that change their files.
"""

from __future__ import annotations

import json
import logging
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence import (
    JAVASCRIPT_FILES,
    LazyGatherer,
    gather_evidence,
)
from release_tools.analysis.evidence._listed import LISTED_KEY, take_listed
from release_tools.analysis.evidence.javascript import entrypoints
from release_tools.analysis.evidence.javascript import gatherer as javascript
from release_tools.analysis.models import Evidence
from release_tools.analysis.service import collect
from release_tools.config import Settings
from repo_context import build_context

LISTED_MODULES = {
    "javascript-api": "release_tools.analysis.evidence.javascript.gatherer",
    "rust-api": "release_tools.analysis.evidence.rust",
    "go-api": "release_tools.analysis.evidence.go",
}


def _range(repo: GitRepo, *, rename: bool = False) -> Settings:
    """A range changing a JS package, a Rust crate and a Go package (and docs)."""
    repo.write("package.json", json.dumps({"name": "demo", "main": "index.js"}))
    repo.write("index.js", "export function parse(a) { return a; }\nexport const KEEP = 1;\n")
    repo.write("lib.js", "export function helper() { return 1; }\n")
    repo.write("Cargo.toml", '[package]\nname = "demo"\nversion = "1.0.0"\n')
    repo.write("src/lib.rs", "pub fn keep() {}\npub fn gone() {}\n")
    repo.write("go.mod", "module example.com/demo\n\ngo 1.21\n")
    repo.write("demo.go", "package demo\n\nfunc Run() {}\n")
    repo.write("docs/guide.md", "# Guide\n")
    repo.commit("initial")
    repo.tag("v1.0.0")
    repo.write("index.js", "export function parse(a, b) { return a; }\n")
    repo.write("src/lib.rs", "pub fn keep() {}\n")
    repo.write("demo.go", "package demo\n\nfunc Run() {}\n\nfunc Stop() {}\n")
    repo.write("docs/guide.md", "# Guide\n\nMore.\n")
    if rename:
        repo.git("mv", "lib.js", "helpers.js")
    repo.commit("change")
    return Settings(repo=repo.path, base="v1.0.0", history=False)


def _calls_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Patch the list-only gatherers in this process to note each call (a child forked
    earlier keeps the real ones)."""
    calls: list[str] = []
    for name, module_name in LISTED_MODULES.items():
        module = sys.modules.get(module_name) or __import__(module_name, fromlist=["gather"])
        real = module.gather

        def noting(ctx: object, *, _name: str = name, _real: object = real) -> list[Evidence]:
            calls.append(_name)
            return _real(ctx)  # type: ignore[operator, no-any-return]

        monkeypatch.setattr(module, "gather", noting)
    return calls


def _sources(items: list[Evidence]) -> set[str]:
    return {item.source for item in items}


def test_the_early_evidence_is_used_and_is_the_same(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _range(repo)
    plain = gather_evidence(collect(settings).context)
    assert {"javascript-api", "rust-api", "go-api"} <= _sources(plain)
    ctx = collect(settings, background=True).context
    assert LISTED_KEY in ctx.background
    calls = _calls_here(monkeypatch)
    assert gather_evidence(ctx) == plain
    assert calls == []  # all three came from the child
    assert LISTED_KEY not in ctx.background


def test_a_rename_the_diff_found_makes_the_gatherers_run_here(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _range(repo, rename=True)
    plain = gather_evidence(collect(settings).context)
    ctx = collect(settings, background=True).context
    calls = _calls_here(monkeypatch)
    assert gather_evidence(ctx) == plain
    assert sorted(calls) == ["go-api", "javascript-api", "rust-api"]


def test_a_gatherer_that_failed_in_the_child_runs_again_here(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _range(repo)
    plain = gather_evidence(collect(settings).context)
    parent = os.getpid()
    real = javascript.gather

    def fails_in_a_child(ctx: object) -> list[Evidence]:
        if os.getpid() != parent:
            raise RuntimeError("broken in the child")
        return real(ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(javascript, "gather", fails_in_a_child)
    ctx = collect(settings, background=True).context
    job = ctx.background[LISTED_KEY]
    found = take_listed(ctx)
    assert job is not None
    assert sorted(found) == ["go-api", "rust-api"]  # the failed one is left out
    ctx = collect(settings, background=True).context
    assert gather_evidence(ctx) == plain


def test_lazy_gatherer_loads_its_module_only_for_its_files(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    base = repo.commit("initial")
    repo.write("a.py", "x = 2\n")
    repo.commit("change")
    missing = LazyGatherer("release_tools.no_such_reader", (".xyz",))
    assert missing(build_context(repo.path, base)) == []  # not imported: no .xyz file
    repo.write("data.xyz", "1\n")
    repo.commit("more")
    with pytest.raises(ModuleNotFoundError):
        missing(build_context(repo.path, base))


def test_the_javascript_file_names_cover_what_its_gatherer_reads() -> None:
    lazy = LazyGatherer("unused", (*JAVASCRIPT_FILES,))
    names = [f"src/a{suffix}" for suffix in (*entrypoints.SUFFIXES, ".d.ts")]
    names += ["package.json", "packages/web/package.json"]
    for name in names:
        assert name.endswith(lazy.suffixes), name


def test_analyze_starts_without_the_language_readers_and_yaml(tmp_path: Path) -> None:
    """What ``analyze`` imports before it knows the range: no language reader or parser, no
    YAML parser, no glob matcher, no network client (each costs milliseconds of every run)."""
    script = (
        "import sys\n"
        "import release_tools.cli, release_tools.analysis.service\n"
        "import release_tools.analysis.engines.local, release_tools.analysis.report\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    loaded = set(out)
    assert "release_tools.analysis.evidence" in loaded  # the check sees the package itself
    heavy = ["ruamel.yaml", "wcmatch", "griffe", "tree_sitter", "websockets", "asyncio", "httpx"]
    heavy.append("packaging.specifiers")  # the npm range reader of changesets workspaces
    for name in [*LISTED_MODULES.values(), *heavy]:
        assert name not in loaded, name


def _pid(job: object) -> int:
    inner = getattr(job, "job", job)
    return int(inner._pid)  # type: ignore[attr-defined]


def test_renames_elsewhere_and_mode_changes_keep_the_early_evidence(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _range(repo)
    repo.write("README.md", "# demo\n")
    repo.commit("docs")
    repo.git("mv", "README.md", "README.txt")
    (repo.path / "index.js").chmod(0o755)
    repo.commit("rename the readme, make index.js executable")
    plain = gather_evidence(collect(settings).context)
    ctx = collect(settings, background=True).context
    calls = _calls_here(monkeypatch)
    assert gather_evidence(ctx) == plain
    assert calls == []


def test_a_rename_among_its_files_stops_the_child_unwaited(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _range(repo, rename=True)
    plain = gather_evidence(collect(settings).context)
    finished = tmp_path / "finished"
    real = javascript.gather

    def slow_in_a_child(ctx: object, parent: int = os.getpid()) -> list[Evidence]:
        if os.getpid() != parent:
            # Long enough that only a cancelled child never writes the marker.
            read_fd, _write_fd = os.pipe()
            select.select([read_fd], [], [], 60)
            finished.write_text("yes")
        return real(ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(javascript, "gather", slow_in_a_child)
    ctx = collect(settings, background=True).context
    pid = _pid(ctx.background[LISTED_KEY])
    assert gather_evidence(ctx) == plain
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # killed and reaped
    assert not finished.exists()


def test_what_the_child_logged_is_logged_here_once(
    repo: GitRepo, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", os.defpath)  # no cargo-semver-checks: the reader says so
    settings = _range(repo)
    caplog.set_level(logging.DEBUG, logger="release_tools")
    ctx = collect(settings, background=True).context
    calls = _calls_here(monkeypatch)
    caplog.clear()
    gather_evidence(ctx)
    assert calls == []
    said = [r.getMessage() for r in caplog.records]
    assert said.count("cargo-semver-checks is not on PATH; its verdict is skipped") == 1


def test_a_gatherer_that_would_run_its_tool_stays_in_this_process(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from release_tools.analysis import evidence as evidence_pkg

    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "apidiff"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    started: list[tuple[str, ...]] = []
    real = evidence_pkg.start_listed

    def noting(ctx: object, is_excluded: object, gatherers: dict[str, object], *rest: object):
        started.append(tuple(gatherers))
        return real(ctx, is_excluded, gatherers, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(evidence_pkg, "start_listed", noting)
    collect(_range(repo), background=True).context.background[LISTED_KEY].cancel()
    assert started == [("javascript-api", "rust-api")]


def test_the_tools_named_are_the_readers_own() -> None:
    from release_tools.analysis.evidence import GATHERERS
    from release_tools.analysis.evidence.go import apidiff
    from release_tools.analysis.evidence.rust import semver_checks

    by_name = dict(GATHERERS)
    assert by_name["rust-api"].tools == semver_checks.TOOLS  # type: ignore[attr-defined]
    assert by_name["go-api"].tools == apidiff.TOOLS  # type: ignore[attr-defined]


def test_background_work_is_stopped_when_collection_fails_after_the_diff(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_tools.analysis import service

    settings = _range(repo).model_copy(update={"history": True})
    jobs: list[object] = []
    real = service.start_background

    def noting(ctx: object, is_excluded: object) -> None:
        real(ctx, is_excluded)  # type: ignore[arg-type]
        jobs.extend(ctx.background.values())  # type: ignore[attr-defined]

    def broken(*_args: object) -> None:
        raise RuntimeError("history unreadable")

    monkeypatch.setattr(service, "start_background", noting)
    monkeypatch.setattr(service, "project_history", broken)
    with pytest.raises(RuntimeError):
        collect(settings, background=True)
    assert jobs
    for job in jobs:
        with pytest.raises(ChildProcessError):
            os.waitpid(_pid(job), os.WNOHANG)
