"""The git adapter against real repositories."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.errors import (
    GitError,
    NotAGitRepositoryError,
    ShallowCloneError,
    UnknownRefError,
)
from release_tools.git import Git, summarize_stderr
from release_tools.git.process import signals_held, stop_process


def _history(repo: GitRepo) -> tuple[str, str]:
    repo.write("a.txt", "one\n")
    first = repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("a.txt", "two\n")
    second = repo.commit("fix: second\n\nBody line.\n\nBREAKING CHANGE: gone")
    return first, second


def test_resolve_and_commits(repo: GitRepo) -> None:
    first, second = _history(repo)
    git = Git(repo.path)
    assert git.resolve("v1.0.0") == first
    assert git.resolve("HEAD") == second
    commits = git.commits(first, second)
    assert [c.subject for c in commits] == ["fix: second"]
    assert "BREAKING CHANGE: gone" in commits[0].body
    assert git.root_commit(second) == first
    assert git.tags_merged(second) == ["v1.0.0"]
    assert git.show_file(first, "a.txt") == b"one\n"
    assert git.show_file(first, "missing.txt") is None
    assert git.changed_paths(first, second) == ["a.txt"]


def test_commits_with_the_files_they_changed(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    base = repo.commit("first")
    repo.write("src/ä b.py", "x = 1\n")
    repo.write("docs/guide.md", "text\n")
    repo.commit("second\n\nwith a body\n\nspanning lines")
    repo.git("checkout", "-q", "-b", "side", base)
    repo.write("side.txt", "s\n")
    repo.commit("side")
    repo.git("checkout", "-q", "-")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    git = Git(repo.path)
    listed = {c.subject: c for c in git.commits(base, "HEAD", files=True)}
    assert listed["second"].files == ("docs/guide.md", "src/ä b.py")
    assert listed["second"].body == "with a body\n\nspanning lines"
    assert listed["side"].files == ("side.txt",)
    assert listed["merge side"].files == ()
    # Without the flag, and within paths, as before.
    assert all(c.files == () for c in git.commits(base, "HEAD"))
    scoped = git.commits(base, "HEAD", ["src"], files=True)
    assert [(c.subject, c.files) for c in scoped] == [("second", ("src/ä b.py",))]


def test_a_renamed_file_is_listed_by_both_its_paths(repo: GitRepo) -> None:
    # A source module moved under tools/ touched the source: a rename search would list only
    # tools/helper.py, and the commit would read as tooling only.
    repo.write("src/helper.py", "".join(f"line = {n}\n" for n in range(40)))
    base = repo.commit("first")
    (repo.path / "tools").mkdir()
    repo.git("mv", "src/helper.py", "tools/helper.py")
    repo.commit("feat: move the helper")
    git = Git(repo.path)
    (moved,) = git.commits(base, "HEAD", files=True)
    assert moved.files == ("src/helper.py", "tools/helper.py")
    (scoped,) = git.commits(base, "HEAD", ["src"], files=True)
    assert scoped.files == ("src/helper.py",)


def test_unknown_ref(repo: GitRepo) -> None:
    _history(repo)
    with pytest.raises(UnknownRefError, match="unknown ref 'nope'"):
        Git(repo.path).resolve("nope")
    with pytest.raises(UnknownRefError):
        Git(repo.path).resolve("--output=/tmp/x")


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(NotAGitRepositoryError):
        Git(tmp_path).toplevel()
    with pytest.raises(NotAGitRepositoryError):
        Git(tmp_path / "missing").toplevel()


def test_stream_reads_lines_and_reports_failure(repo: GitRepo) -> None:
    first, second = _history(repo)
    git = Git(repo.path)
    with git.stream("diff", first, second) as lines:
        text = b"".join(lines).decode()
    assert "-one" in text and "+two" in text
    with pytest.raises(GitError), git.stream("diff", "nope1", "nope2") as lines:
        list(lines)


def test_stream_stopped_early_kills_process(repo: GitRepo) -> None:
    _, second = _history(repo)
    with Git(repo.path).stream("log", "-p", second) as lines:
        next(lines)  # leave the rest unread: no hang, no error


def test_commit_uses_local_identity_without_touching_config(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(repo)
    for key in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{key}_NAME")
        monkeypatch.delenv(f"GIT_{key}_EMAIL")
    monkeypatch.setenv("EMAIL", "")
    repo.write("b.txt", "b\n")
    git = Git(repo.path)
    git.add(["b.txt"])
    sha = git.commit("chore: add b")
    assert repo.git("log", "-1", "--format=%an", sha) == "release-tools"
    # the user's global config was not written
    after = subprocess.run(["git", "config", "--global", "--list"], capture_output=True, text=True)
    assert "release-tools" not in after.stdout


def test_tag_refuses_existing(repo: GitRepo) -> None:
    _history(repo)
    with pytest.raises(GitError, match="already exists"):
        Git(repo.path).tag("v1.0.0")


def test_shallow_clone_without_base(make_repo: Callable[[str], GitRepo], tmp_path: Path) -> None:
    origin = make_repo("origin")
    first, _ = _history(origin)
    origin.write("a.txt", "three\n")
    origin.commit("fix: third")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{origin.path}", str(clone)], check=True
    )
    git = Git(clone)
    assert git.is_shallow()
    with pytest.raises(UnknownRefError, match="shallow clone"):
        git.resolve(first)


def test_merge_base_without_common_history(repo: GitRepo) -> None:
    first, _ = _history(repo)
    repo.git("checkout", "-q", "--orphan", "other")
    repo.write("c.txt", "c\n")
    other = repo.commit("feat: unrelated")
    with pytest.raises(GitError, match="no common ancestor") as info:
        Git(repo.path).merge_base(first, other)
    assert not isinstance(info.value, ShallowCloneError)


def test_rejected_push_names_the_rejection_not_the_hint(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    origin = make_repo("origin")
    origin.write("a.txt", "a\n")
    origin.commit("first")
    clone_dir = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin.path), str(clone_dir)], check=True)
    # The origin moves on, so the clone's push is not a fast-forward.
    origin.write("b.txt", "b\n")
    origin.commit("second")
    origin.git("checkout", "-q", "--detach")
    clone = GitRepo(clone_dir)
    clone.git("config", "user.email", "t@example.com")
    clone.git("config", "user.name", "t")
    clone.write("c.txt", "c\n")
    clone.commit("third")
    branch = clone.git("rev-parse", "--abbrev-ref", "HEAD")
    with pytest.raises(GitError) as info:
        Git(clone_dir).push("origin", [branch])
    message = str(info.value)
    assert "[rejected]" in message
    assert "hint:" not in message
    assert "\n" not in message


def test_missing_remote_names_the_fatal_line(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("first")
    repo.git("remote", "add", "gone", str(tmp_path / "does-not-exist"))
    with pytest.raises(GitError) as info:
        Git(repo.path).push("gone", ["HEAD"])
    message = str(info.value)
    assert "does not appear to be a git repository" in message
    assert "\n" not in message


def test_summarize_stderr_is_bounded_and_skips_hints() -> None:
    text = "hint: advice only\n" + "error: " + "x" * 2000 + "\nhint: more advice\n"
    summary = summarize_stderr(text)
    assert summary.startswith("error: x")
    assert len(summary) <= 400
    assert summarize_stderr("hint: a\nhint: b\n") == ""
    push = (
        "To /srv/origin.git\n ! [rejected]        main -> main (fetch first)\n"
        "error: failed to push some refs to '/srv/origin.git'\nhint: Updates were rejected\n"
    )
    assert summarize_stderr(push) == (
        "! [rejected] main -> main (fetch first); "
        "error: failed to push some refs to '/srv/origin.git'"
    )


def test_tag_commits_peels_annotated_tags_in_one_call(repo: GitRepo) -> None:
    first, second = _history(repo)
    repo.git("tag", "-a", "v2.0.0", "-m", "annotated")
    git = Git(repo.path)
    assert git.tag_commits() == {"v1.0.0": first, "v2.0.0": second}


def test_is_ancestor(repo: GitRepo) -> None:
    first, second = _history(repo)
    git = Git(repo.path)
    assert git.is_ancestor(first, second)
    assert git.is_ancestor(second, second)
    assert not git.is_ancestor(second, first)


def test_errors_name_the_git_command_past_global_options(repo: GitRepo) -> None:
    repo.write("a.txt", "x\n")
    repo.commit("chore: one")
    git = Git(repo.path)
    with pytest.raises(GitError, match=r"^git tag failed: .*not a valid tag name"):
        git.run("-c", "user.name=x", "tag", "-a", "-m", "m", "--end-of-options", "a b", "HEAD")


def test_bare_repository_is_not_a_work_tree(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    with pytest.raises(NotAGitRepositoryError, match=r"not a work tree: .* is a bare repository"):
        Git(bare).toplevel()


def test_tag_names_are_checked_like_refs(repo: GitRepo) -> None:
    git = Git(repo.path)
    assert git.check_tag_name("v1.2.3") is None
    assert git.check_tag_name("@scope/pkg@1.0.0") is None
    for bad in ("-1.0.0", "--format=1", "v1..lock", "1.0 x", "HEAD", ""):
        assert git.check_tag_name(bad) is not None, bad


def test_paths_are_literal_pathspecs(repo: GitRepo) -> None:
    repo.write("a.txt", "x\n")
    repo.write("b.txt", "x\n")
    repo.commit("chore: one")
    repo.write("*.txt", "star\n")
    repo.write("a.txt", "changed\n")
    git = Git(repo.path)
    git.add(["*.txt"])
    assert repo.git("diff", "--cached", "--name-only") == "*.txt"
    git.unstage(["*.txt"])
    assert repo.git("diff", "--cached", "--name-only") == ""


# --- signals while a child starts or stops ---------------------------------------------------


class _Interrupted(BaseException):
    pass


def _raise(signum: int, frame: object) -> None:
    raise _Interrupted(signum)


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """SIGINT raises :class:`_Interrupted` at once, as the release's handler does
    (``Popen.wait`` gives a child 0.25 s more on a KeyboardInterrupt, which would hide a stop
    cut short)."""
    previous = signal.signal(signal.SIGINT, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("sigint_raises")
def test_signals_held_are_handled_after_the_block_by_the_handlers_before_it() -> None:
    reached = False
    with pytest.raises(_Interrupted), signals_held():
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        reached = True
    assert reached
    assert signal.getsignal(signal.SIGINT) is _raise


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.usefixtures("sigint_raises")
def test_a_signal_during_stop_process_comes_through_once_the_child_is_reaped(
    tmp_path: Path,
) -> None:
    """A second signal while a child is being stopped must not leave it running: the stop
    finishes (the child ends and is reaped), then the signal's exception comes through."""
    go, stopping, ready = tmp_path / "go", tmp_path / "stopping", tmp_path / "ready"
    os.mkfifo(go)
    # On SIGTERM the child says so, then takes until the fifo is written to to end.
    script = f'trap \'touch "{stopping}"; read line < "{go}"; exit 3\' TERM; '
    script += f'touch "{ready}"; sleep 30 & wait'
    proc = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE)
    _wait_for(ready)

    def interrupt_then_let_go() -> None:
        _wait_for(stopping)
        os.kill(os.getpid(), signal.SIGINT)
        # Time for the main thread to act on the signal: a stop it cut short ends now.
        time.sleep(0.2)
        with open(go, "w") as handle:
            handle.write("go\n")

    helper = threading.Thread(target=interrupt_then_let_go)
    helper.start()
    try:
        with pytest.raises(_Interrupted):
            stop_process(proc)
        # Read as the exception comes through: None if it cut the stop short.
        ended = proc.returncode
    finally:
        helper.join(timeout=30)
        proc.kill()
        proc.wait()
    assert ended == 3  # ended by its own trap and reaped: not killed, not left running
