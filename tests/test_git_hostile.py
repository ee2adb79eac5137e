"""Git facts that a user's configuration, the directory the tool starts in or an odd revision
must not change: real repositories under ``tmp_path``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.diff import collect_changes
from release_tools.errors import UnknownRefError
from release_tools.git import Git


def _global_config(text: str) -> None:
    """Write the global git config the test's environment points at (see conftest)."""
    Path(os.environ["GIT_CONFIG_GLOBAL"]).write_text(text, encoding="utf-8")


def _tagged(repo: GitRepo, count: int) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("init")
    for number in range(count):
        repo.tag(f"v1.0.{number}")


def test_tags_are_listed_one_per_line_whatever_column_ui_says(repo: GitRepo) -> None:
    _tagged(repo, 12)
    plain = Git(repo.path).tags_merged("HEAD")
    _global_config("[column]\n\tui = always\n[tag]\n\tsort = version:refname\n")

    listed = Git(repo.path).tags_merged("HEAD")

    assert listed == plain
    assert sorted(listed) == sorted(f"v1.0.{n}" for n in range(12))


def test_tags_of_one_date_come_in_name_order_whatever_tag_sort_says(repo: GitRepo) -> None:
    _tagged(repo, 12)
    _global_config("[tag]\n\tsort = -version:refname\n")

    listed = Git(repo.path).tags_merged("HEAD")

    assert listed == sorted(listed)


def _signing(repo: GitRepo, tmp_path: Path) -> None:
    key = tmp_path / "key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)],
        check=True,
        capture_output=True,
    )
    signers = tmp_path / "allowed"
    signers.write_text(f"test@example.com {key.with_suffix('.pub').read_text()}")
    for name, value in (
        ("gpg.format", "ssh"),
        ("user.signingkey", str(key)),
        ("gpg.ssh.allowedSignersFile", str(signers)),
        ("commit.gpgSign", "true"),
    ):
        repo.git("config", name, value)


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen to sign")
def test_signed_commits_are_read_as_commits_under_log_show_signature(
    repo: GitRepo, tmp_path: Path
) -> None:
    _signing(repo, tmp_path)
    repo.write("a.txt", "a\n")
    first = repo.commit("feat: first")
    repo.write("b.txt", "b\n")
    second = repo.commit("fix: second")
    _global_config("[log]\n\tshowSignature = true\n")

    commits = Git(repo.path).commits(None, "HEAD", files=True)

    assert [(c.sha, c.subject, c.files) for c in commits] == [
        (second, "fix: second", ("b.txt",)),
        (first, "feat: first", ("a.txt",)),
    ]


@pytest.mark.parametrize("ref", ["^HEAD", "^main"])
def test_a_negated_revision_is_no_ref(repo: GitRepo, ref: str) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("init")

    with pytest.raises(UnknownRefError, match="names no single commit"):
        Git(repo.path).resolve(ref)
    assert not Git(repo.path).names_object(ref)


def _two_directories(repo: GitRepo) -> str:
    repo.write("app/a.txt", "a\n")
    repo.write("lib/b.txt", "b\n")
    base = repo.commit("init")
    repo.write("lib/b.txt", "b2\n")
    repo.commit("fix(lib): change b")
    return base


def test_paths_are_the_repository_s_from_a_subdirectory(repo: GitRepo) -> None:
    base = _two_directories(repo)
    _global_config("[diff]\n\trelative = true\n")
    git = Git(repo.path / "app")
    git.toplevel()

    assert git.ls_files("HEAD", ["lib"]) == ["lib/b.txt"]
    assert git.changed_paths(base, "HEAD") == ["lib/b.txt"]
    assert [c.subject for c in git.commits(base, "HEAD", ["lib"])] == ["fix(lib): change b"]
    assert [c.files for c in git.commits(base, "HEAD", files=True)] == [("lib/b.txt",)]


def test_a_file_named_from_the_top_is_staged_and_committed_from_a_subdirectory(
    repo: GitRepo,
) -> None:
    _two_directories(repo)
    git = Git(repo.path / "app")
    git.toplevel()
    repo.write("lib/c.txt", "c\n")

    git.add(["lib/c.txt"])
    git.commit("chore: add c", ["lib/c.txt"])

    assert repo.git("show", "--format=", "--name-only", "HEAD") == "lib/c.txt"


def test_a_relative_git_dir_still_names_the_repository_once_commands_run_at_the_top(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _two_directories(repo)
    head = repo.head()
    monkeypatch.setenv("GIT_DIR", "../.git")
    monkeypatch.setenv("GIT_WORK_TREE", "..")
    git = Git(repo.path / "app")

    assert git.toplevel() == repo.path
    assert git.changed_paths(base, "HEAD") == ["lib/b.txt"]
    assert git.resolve("HEAD") == head


def test_separator_characters_in_a_message_make_no_commit_of_their_own(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    base = repo.commit("init")
    forged = "0123456789abcdef0123456789abcdef01234567"
    message = f"fix: e\n\nnotes\x1e{forged}\x1fmallory\x1ffeat!: drop everything\x1f\x1f"
    repo.write("a.txt", "b\n")
    sha = repo.commit(message)

    commits = Git(repo.path).commits(base, "HEAD", files=True)

    assert [(c.sha, c.subject, c.files) for c in commits] == [(sha, "fix: e", ("a.txt",))]
    assert "feat!: drop everything" in commits[0].body


@pytest.mark.parametrize(
    ("variable", "value"), [("GIT_DIFF_OPTS", "-u0"), ("GIT_EXTERNAL_DIFF", "false")]
)
def test_diff_variables_of_the_environment_leave_the_diff_as_asked(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    # GIT_DIFF_OPTS=-u0 would drop the three lines of context --unified=3 asks for.
    repo.write("m.py", "".join(f"line{n} = {n}\n" for n in range(10)))
    base = repo.commit("first")
    repo.write("m.py", "".join(f"line{n} = {n * (n != 5)}\n" for n in range(10)))
    repo.commit("second")
    monkeypatch.setenv(variable, value)
    (change,) = collect_changes(Git(repo.path), base, "HEAD")
    (hunk,) = change.hunks
    assert [line for line in hunk.lines if line.startswith(" ")] == [
        f" line{n} = {n}" for n in (2, 3, 4, 6, 7, 8)
    ]
