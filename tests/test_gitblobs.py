"""Many files read from git objects in one batch, against a real repository."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.git import Git
from release_tools.gitblobs import read_blobs, read_texts


def test_files_of_several_commits_in_one_read(repo: GitRepo) -> None:
    repo.write("a.txt", "one\n")
    repo.write("dir/b.bin", b"\x00\xff")
    old = repo.commit("first")
    repo.write("a.txt", "two\n")
    repo.write("bad.txt", b"caf\xe9\n")
    new = repo.commit("second")
    git = Git(repo.path)

    texts = read_texts(
        git, [(old, "a.txt"), (new, "a.txt"), (old, "bad.txt"), (new, "bad.txt"), (new, "dir")]
    )

    # Absent files and a directory are left out; invalid UTF-8 is replaced.
    assert texts == {
        (old, "a.txt"): "one\n",
        (new, "a.txt"): "two\n",
        (new, "bad.txt"): "caf\ufffd\n",
    }
    assert read_blobs(git, [(new, "dir/b.bin"), (new, "dir"), (new, "a.txt")]) == {
        (new, "dir/b.bin"): b"\x00\xff",
        (new, "a.txt"): b"two\n",
    }
    assert read_texts(git, []) == {}


def test_a_path_with_a_newline_is_read_on_its_own(repo: GitRepo) -> None:
    repo.write("odd\nname.txt", "x\n")
    repo.write("plain.txt", "y\n")
    head = repo.commit("odd")
    git = Git(repo.path)
    assert read_texts(git, [(head, "odd\nname.txt"), (head, "plain.txt")]) == {
        (head, "odd\nname.txt"): "x\n",
        (head, "plain.txt"): "y\n",
    }
