"""The Python API prefetch: started before the diff, reused by gather, same evidence."""

from __future__ import annotations

import os
import select
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence._fork import fork_call, spread_requested
from release_tools.analysis.evidence.python import api as python_api
from release_tools.analysis.evidence.python import jobs as python_jobs
from release_tools.analysis.evidence.python import planner as planner_module
from release_tools.analysis.evidence.python.api import (
    PREFETCH_KEY,
    PREFETCH_MIN_MODULES,
    Prefetched,
    gather,
)
from release_tools.analysis.evidence.python.jobs import Job
from release_tools.analysis.models import Evidence
from release_tools.analysis.service import collect
from release_tools.config import Settings

MODULES = PREFETCH_MIN_MODULES + 2


def _module(index: int, extra: str = "") -> str:
    body = "".join(f"    v{i} = {i}\n" for i in range(30))
    return f"def f{index}(a):\n{body}    return a\n\n\ndef g{index}():\n    return 1\n{extra}"


def _range(repo: GitRepo) -> Settings:
    repo.write("pkg/__init__.py", "from pkg._impl import fast\n")
    repo.write("pkg/_impl.py", "def fast(a):\n    return a\n")
    for index in range(MODULES):
        repo.write(f"pkg/m{index}.py", _module(index))
    repo.write("tests/test_m.py", "def test_x():\n    pass\n")
    repo.commit("initial")
    repo.tag("v1.0.0")
    # Every kind of module change: a new parameter, a body-only edit (nothing to compare),
    # a removed module, a new one, a renamed one, a re-exported private module, a moved
    # function (the same lines, elsewhere), a test.
    repo.write("pkg/m0.py", _module(0).replace("def f0(a):", "def f0(a, b):"))
    repo.write("pkg/m1.py", _module(1).replace("return a", "return a + 1"))
    repo.remove("pkg/m2.py")
    repo.write("pkg/new.py", "def fresh():\n    return 1\n")
    repo.git("mv", "pkg/m3.py", "pkg/moved.py")
    repo.write("pkg/_impl.py", "def fast(a, b):\n    return a\n")
    moved = "def g4():\n    return 1\n\n\n" + _module(4).split("\n\n\ndef g4")[0] + "\n"
    repo.write("pkg/m4.py", moved)
    repo.write("tests/test_m.py", "def test_y():\n    pass\n")
    repo.commit("change")
    return Settings(repo=repo.path, base="v1.0.0")


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compared: list[str] = []
    real = python_jobs.compare_job

    def counting(job: Job) -> list[Evidence]:
        compared.append(job[0])
        return real(job)

    monkeypatch.setattr(python_jobs, "compare_job", counting)
    return compared


def test_gather_reuses_the_prefetch_and_gives_the_same_evidence(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _range(repo)
    plain = gather(collect(settings).context)
    prefetched = collect(settings, background=True).context
    assert PREFETCH_KEY in prefetched.background
    # Counted in this process only: the child was forked before.
    compared = _counting(monkeypatch)
    assert gather(prefetched) == plain
    assert PREFETCH_KEY not in prefetched.background
    # The child compared everything but the module whose API lines only moved: the diff shows
    # them as removed and added, the texts do not, and this process makes up for it.
    assert compared == ["pkg.m4"]
    messages = sorted(e.message for e in plain)
    assert "incompatible signature of pkg.m0.f0: required parameter b added" in messages
    assert "removed public module pkg.m2" in messages
    assert "new public module pkg.new" in messages
    assert any("pkg._impl.fast" in m for m in messages)


def test_small_ranges_are_left_to_gather(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "def a():\n    return 1\n")
    repo.commit("initial")
    repo.tag("v1.0.0")
    repo.write("pkg/a.py", "def a(x):\n    return 1\n")
    repo.commit("change")
    ctx = collect(Settings(repo=repo.path, base="v1.0.0"), background=True).context
    job = ctx.background.pop(PREFETCH_KEY)
    assert job.result() == Prefetched({}, {}, {})


def test_a_failed_prefetch_changes_nothing(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _range(repo)
    plain = gather(collect(settings).context)

    def broken(*_args: object) -> Prefetched:
        raise RuntimeError("the child fails")

    monkeypatch.setattr(python_api, "_prefetch", broken)
    ctx = collect(settings, background=True).context
    assert PREFETCH_KEY in ctx.background
    assert gather(ctx) == plain


def test_cancel_stops_and_reaps_the_child() -> None:
    read_fd, write_fd = os.pipe()

    def blocked() -> bytes:
        return os.read(read_fd, 1)  # nobody writes: only a kill ends it

    child = fork_call(blocked)
    assert child is not None
    child.cancel()
    child.cancel()  # idempotent
    assert child.result() is None
    with pytest.raises(ChildProcessError):
        os.waitpid(child._pid, os.WNOHANG)
    os.close(read_fd)
    os.close(write_fd)


def test_analyze_cancels_a_prefetch_nobody_took(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_tools.analysis import service

    settings = _range(repo)
    started: list[object] = []
    real_start: Callable[..., None] = python_api.start_prefetch

    def recording(ctx: object, is_excluded: object) -> None:
        real_start(ctx, is_excluded)
        started.append(ctx.background[PREFETCH_KEY])  # type: ignore[attr-defined]

    class Idle:
        name = "idle"

        def analyze(self, ctx: object) -> object:
            raise RuntimeError("no evidence gathered")

    monkeypatch.setattr(python_api, "start_prefetch", recording)
    monkeypatch.setattr(service, "get_provider", lambda _settings: Idle())
    with pytest.raises(RuntimeError):
        service.run_analysis(settings)
    assert started
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0]._pid, os.WNOHANG)  # type: ignore[attr-defined]


def test_a_spread_prefetch_splits_its_comparisons_and_gives_the_same_evidence(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = _range(repo)
    plain = gather(collect(settings).context)
    # The child (which inherits these patches) is told to spread before its first comparison,
    # and any amount of work is worth a second process: it forks a helper for part of them.
    # Each process notes its id for each comparison it makes.
    monkeypatch.setattr(python_api, "spread_requested", lambda: True)
    monkeypatch.setattr(python_jobs, "PARALLEL_MIN_CHARS", 0)
    log = tmp_path / "pids"
    real = python_jobs.compare_job

    def noting(job: Job) -> list[Evidence]:
        with open(log, "a") as out:
            out.write(f"{os.getpid()}\n")
        return real(job)

    monkeypatch.setattr(python_jobs, "compare_job", noting)
    prefetched = collect(settings, background=True).context
    assert gather(prefetched) == plain
    pids = log.read_text().split()
    # The child and its helper (neither is this process) shared the prefetched comparisons.
    others = {pid for pid in pids if pid != str(os.getpid())}
    assert len(others) == 2
    assert pids.count(str(os.getpid())) == 1  # this process: only pkg.m4, as without spreading


def test_spread_tells_only_a_spreadable_child() -> None:
    ready_read, ready_write = os.pipe()

    def wait_for_spread() -> tuple[bool, bool, bool]:
        before = spread_requested()
        # Until told to spread, the child runs alone: it forks no helper of its own.
        early = fork_call(spread_requested)
        os.write(ready_write, b"r")  # checked: the parent may spread now
        while not spread_requested():
            select.select([], [], [], 0.01)
        grandchild = fork_call(spread_requested)
        inherited = grandchild.result() if grandchild is not None else None
        return before, early is None, inherited is False

    child = fork_call(wait_for_spread, spreadable=True)
    assert child is not None
    assert os.read(ready_read, 1) == b"r"
    child.spread()
    child.spread()  # idempotent
    # Told only once spread; a helper forked afterwards is not told its parent's signal.
    assert child.result() == (False, True, True)
    plain = fork_call(spread_requested)
    assert plain is not None
    plain.spread()  # a no-op for a child not started spreadable
    assert plain.result() is False
    os.close(ready_read)
    os.close(ready_write)


def test_gather_reuses_the_star_imports_the_prefetch_read(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A package whose __init__ star-imports a module: the prefetch reads what the star brought
    # on both sides; gather plans again and must not parse those modules a second time.
    _range(repo)
    repo.write("pkg/__init__.py", "from pkg.m5 import *\nfrom pkg._impl import fast\n")
    repo.write("pkg/m5.py", _module(5, "\n\ndef extra():\n    return 2\n"))
    repo.commit("star")
    repo.write("pkg/__init__.py", "from pkg.m5 import *\nfrom pkg._impl import fast, slow\n")
    repo.write("pkg/_impl.py", "def fast(a):\n    return a\n\n\ndef slow():\n    return 0\n")
    repo.commit("more")
    settings = Settings(repo=repo.path, base="v1.0.0")
    plain = gather(collect(settings).context)
    prefetched = collect(settings, background=True).context
    read: list[tuple[str, str]] = []
    real = planner_module.star_targets

    def counting(ctx: object, ref: str, dotted: str, source: object) -> frozenset[str]:
        read.append((ref, dotted))
        return real(ctx, ref, dotted, source)  # type: ignore[arg-type]

    monkeypatch.setattr(planner_module, "star_targets", counting)
    assert gather(prefetched) == plain
    # pkg.m4 only moved lines, so the prefetch left it (and its reading) to gather.
    assert [dotted for _ref, dotted in read] in (["pkg.m4"], ["pkg.m4", "pkg.m4"])
    # Without a prefetch the same planning reads the package's star on both sides.
    read.clear()
    assert gather(collect(settings).context) == plain
    assert sorted(dotted for _ref, dotted in read if dotted == "pkg") == ["pkg", "pkg"]
