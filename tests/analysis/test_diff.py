"""The streaming diff parser, on real repositories and on hand-written diff text."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.analysis.diff import (
    DiffLimits,
    DiffStats,
    _unquote,
    collect_changes,
    diff_args,
    empty_tree,
    parse_diff,
)
from release_tools.analysis.models import ChangeKind, FileChange
from release_tools.errors import UnknownRefError
from release_tools.git import Git


def _changes(
    repo: GitRepo, base: str = "HEAD~1", head: str = "HEAD", **kw: object
) -> dict[str, FileChange]:
    result = collect_changes(Git(repo.path), base, head, **kw)  # type: ignore[arg-type]
    return {c.path: c for c in result}


def test_added_deleted_modified_and_counts(repo: GitRepo) -> None:
    repo.write("keep.py", "a = 1\nb = 2\nc = 3\n")
    repo.write("gone.py", "x = 1\ny = 2\n")
    repo.commit("init")
    repo.write("keep.py", "a = 1\nb = 20\nc = 3\nd = 4\n")
    repo.remove("gone.py")
    repo.write("new.py", "def f():\n    return 1\n")
    repo.commit("change")

    changes = _changes(repo)

    assert set(changes) == {"keep.py", "gone.py", "new.py"}
    keep = changes["keep.py"]
    assert keep.kind is ChangeKind.MODIFIED
    assert (keep.additions, keep.deletions) == (2, 1)
    assert len(keep.hunks) == 1
    hunk = keep.hunks[0]
    assert hunk.header.startswith("@@ -1,3 +1,4 @@")
    assert hunk.lines == (" a = 1", "-b = 2", "+b = 20", " c = 3", "+d = 4")
    assert changes["gone.py"].kind is ChangeKind.DELETED
    assert changes["gone.py"].deletions == 2
    assert changes["gone.py"].old_mode == "100644"
    new = changes["new.py"]
    assert new.kind is ChangeKind.ADDED
    assert new.additions == 2 and new.new_mode == "100644"
    assert new.hunks[0].lines == ("+def f():", "+    return 1")


def test_rename_and_copy_keep_both_names(repo: GitRepo) -> None:
    body = "".join(f"line {i} of a file long enough for similarity\n" for i in range(30))
    repo.write("src/old name.py", body)
    repo.write("lib/base.py", body.replace("line", "row"))
    repo.commit("init")
    repo.git("mv", "src/old name.py", "src/new name.py")
    repo.write("src/new name.py", body + "one more line\n")
    # A copy is detected from a file that is itself modified in the range.
    repo.write("lib/copy.py", body.replace("line", "row"))
    repo.write("lib/base.py", body.replace("line", "row") + "tail\n")
    repo.commit("move and copy")

    changes = _changes(repo)

    renamed = changes["src/new name.py"]
    assert renamed.kind is ChangeKind.RENAMED
    assert renamed.old_path == "src/old name.py"
    assert renamed.additions == 1 and renamed.deletions == 0
    copied = changes["lib/copy.py"]
    assert copied.kind is ChangeKind.COPIED
    assert copied.old_path == "lib/base.py"
    assert changes["lib/base.py"].kind is ChangeKind.MODIFIED
    assert "src/old name.py" not in changes


def test_binary_and_mode_change(repo: GitRepo) -> None:
    repo.write("img.bin", b"\x00\x01\x02" * 10)
    repo.write("run.sh", "echo hi\n")
    repo.write("empty file.txt", "")
    repo.commit("init")
    repo.write("img.bin", b"\x00\x09\x02" * 10)
    repo.write("new.bin", b"\x00\xff" * 5)
    (repo.path / "run.sh").chmod(0o755)
    repo.write("added empty.txt", "")
    repo.commit("binary and mode")

    changes = _changes(repo)

    assert changes["img.bin"].binary and changes["img.bin"].kind is ChangeKind.MODIFIED
    assert changes["img.bin"].hunks == ()
    assert changes["new.bin"].binary and changes["new.bin"].kind is ChangeKind.ADDED
    mode = changes["run.sh"]
    assert mode.kind is ChangeKind.MODE_CHANGED
    assert (mode.old_mode, mode.new_mode) == ("100644", "100755")
    # No ---/+++ lines for an empty file: the name comes from the ``diff --git`` line.
    assert changes["added empty.txt"].kind is ChangeKind.ADDED


def test_unusual_paths_are_unquoted(repo: GitRepo) -> None:
    names = [
        "dir with space/a b.py",
        "ünïcödé/ñ.py",
        "tab\there.py",
        'quote"d.py',
        "back\\slash.py",
    ]
    for name in names:
        repo.write(name, "x = 1\n")
    repo.commit("init")
    for name in names:
        repo.write(name, "x = 2\n")
    repo.commit("edit")

    changes = _changes(repo)

    assert set(changes) == set(names)
    for name in names:
        assert changes[name].hunks[0].lines == ("-x = 1", "+x = 2")


def test_non_utf8_content_is_replaced_and_reported(repo: GitRepo) -> None:
    repo.write("latin.py", "s = 'caf\xe9'\n".encode("latin-1"))
    repo.commit("init")
    repo.write("latin.py", "s = 'na\xefve'\n".encode("latin-1"))
    repo.commit("edit")
    stats = DiffStats()

    changes = _changes(repo, stats=stats)

    lines = changes["latin.py"].hunks[0].lines
    assert lines == ("-s = 'caf\ufffd'", "+s = 'na\ufffdve'")
    assert stats.non_utf8_files == ["latin.py"]


def test_lines_that_look_like_headers_stay_content(repo: GitRepo) -> None:
    repo.write("tricky.txt", "-- a/x\nkeep\n")
    repo.commit("init")
    repo.write("tricky.txt", "keep\n++ b/y\ndiff --git a/z b/z\n@@ -1 +1 @@\n")
    repo.commit("edit")

    changes = _changes(repo)

    assert list(changes) == ["tricky.txt"]
    tricky = changes["tricky.txt"]
    assert (tricky.additions, tricky.deletions) == (3, 1)
    assert "--- a/x" in tricky.hunks[0].lines
    assert "+++ b/y" in tricky.hunks[0].lines


def test_missing_final_newline_marker_is_not_a_line(repo: GitRepo) -> None:
    repo.write("n.txt", "a\nb")
    repo.commit("init")
    repo.write("n.txt", "a\nc")
    repo.commit("edit")

    change = _changes(repo)["n.txt"]

    assert (change.additions, change.deletions) == (1, 1)
    assert change.hunks[0].lines == (" a", "-b", "+c")


def test_excluded_files_keep_counts_but_no_hunks(repo: GitRepo) -> None:
    repo.write("README.md", "old\n")
    repo.write("src/a.py", "x = 1\n")
    repo.commit("init")
    repo.write("README.md", "new\nmore\n")
    repo.write("src/a.py", "x = 2\n")
    repo.commit("edit")

    changes = _changes(repo, is_excluded=lambda path, old: path.endswith(".md"))

    readme = changes["README.md"]
    assert readme.excluded and readme.hunks == ()
    assert (readme.additions, readme.deletions) == (2, 1)
    assert not changes["src/a.py"].excluded and changes["src/a.py"].hunks


def test_per_file_cap_drops_later_hunks_and_marks_truncated(repo: GitRepo) -> None:
    lines = [f"line {i:04d}\n" for i in range(400)]
    repo.write("big.txt", "".join(lines))
    repo.write("small.txt", "a\n")
    repo.commit("init")
    for i in range(0, 400, 40):  # ten separate hunks
        lines[i] = f"changed {i}\n"
    repo.write("big.txt", "".join(lines))
    repo.write("small.txt", "b\n")
    repo.commit("edit")
    stats = DiffStats()

    changes = _changes(repo, limits=DiffLimits(max_file_chars=400), stats=stats)

    big = changes["big.txt"]
    assert big.truncated
    assert 0 < len(big.hunks) < 10
    assert (big.additions, big.deletions) == (10, 10)  # counts stay exact
    assert sum(h.size for h in big.hunks) <= 400
    assert not changes["small.txt"].truncated
    assert stats.truncated_files == ["big.txt"]


def test_total_cap_bounds_the_whole_range(repo: GitRepo) -> None:
    for i in range(5):
        repo.write(f"f{i}.txt", "x\n" * 50)
    repo.commit("init")
    for i in range(5):
        repo.write(f"f{i}.txt", "y\n" * 50)
    repo.commit("edit")
    stats = DiffStats()

    changes = _changes(repo, limits=DiffLimits(max_total_chars=500), stats=stats)

    assert stats.kept_chars <= 500
    assert changes["f0.txt"].hunks and not changes["f0.txt"].truncated
    assert changes["f4.txt"].truncated and changes["f4.txt"].hunks == ()
    assert all(c.additions == 50 and c.deletions == 50 for c in changes.values())


def test_first_release_diff_from_empty_tree(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.commit("only commit")
    git = Git(repo.path)

    tree = empty_tree(git)
    changes = collect_changes(git, tree, "HEAD")

    assert tree == repo.git("hash-object", "-t", "tree", "/dev/null")
    assert [(c.path, c.kind) for c in changes] == [("a.py", ChangeKind.ADDED)]


def test_paths_scope_the_diff_and_commits(repo: GitRepo) -> None:
    repo.write("pkg/a/x.py", "1\n")
    repo.write("pkg/b/y.py", "1\n")
    repo.commit("init")
    repo.write("pkg/a/x.py", "2\n")
    repo.commit("feat: a")
    repo.write("pkg/b/y.py", "2\n")
    repo.commit("fix: b")
    git = Git(repo.path)

    changes = collect_changes(git, "HEAD~2", "HEAD", paths=["pkg/a"])
    commits = git.commits("HEAD~2", "HEAD", ["pkg/a"])

    assert [c.path for c in changes] == ["pkg/a/x.py"]
    assert [c.subject for c in commits] == ["feat: a"]


def test_parse_recovers_from_a_malformed_hunk() -> None:
    text = textwrap.dedent(
        """\
        diff --git a/a.py b/a.py
        --- a/a.py
        +++ b/a.py
        @@ -1,5 +1,5 @@
        -old
        +new
        diff --git a/b.py b/b.py
        --- a/b.py
        +++ b/b.py
        @@ -1 +1 @@
        -x
        +y
        """
    ).encode()

    changes = list(parse_diff(text.splitlines(keepends=True)))

    assert [c.path for c in changes] == ["a.py", "b.py"]
    assert changes[1].hunks[0].lines == ("-x", "+y")


def test_unquote_handles_octal_and_named_escapes() -> None:
    assert _unquote(b'"a\\tb"') == b"a\tb"
    assert _unquote(b'"\\303\\274"') == "ü".encode()
    assert _unquote(b'"q\\"\\\\"') == b'q"\\'
    assert _unquote(b"plain") == b"plain"


def test_diff_args_pin_prefixes_and_rename_detection() -> None:
    args = diff_args("A", "B", ["p"])
    assert "--src-prefix=a/" in args and "--dst-prefix=b/" in args
    assert "--find-renames" in args and "--no-ext-diff" in args
    assert args[-3:] == ["B", "--", "p"]


def test_noprefix_user_config_does_not_break_parsing(repo: GitRepo) -> None:
    repo.git("config", "diff.noprefix", "true")
    repo.git("config", "diff.mnemonicPrefix", "true")
    repo.write("a.py", "1\n")
    repo.commit("init")
    repo.write("a.py", "2\n")
    repo.commit("edit")

    assert list(_changes(repo)) == ["a.py"]


_MEMORY_PROBE = """
import json, resource, sys
from release_tools.analysis.diff import DiffStats, collect_changes
from release_tools.git import Git

def rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

before = rss_kib()
stats = DiffStats()
changes = collect_changes(Git(sys.argv[1]), "HEAD~1", "HEAD", stats=stats)
print(json.dumps({"before": before, "after": rss_kib(), "bytes": stats.bytes,
                  "lines": stats.lines, "files": [[c.path, c.additions, c.truncated]
                  for c in changes]}))
"""


def test_big_diff_streams_with_bounded_memory(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    repo = make_repo("big")
    repo.write("seed.txt", "seed\n")
    repo.commit("init")
    # ~24 MB of short lines: held as Python strings this would cost well over 80 MB.
    line_count = 1_200_000
    (repo.path / "generated.txt").write_bytes(b"".join(b"%019d\n" % i for i in range(line_count)))
    repo.commit("add a huge generated file")

    proc = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(repo.path)],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(proc.stdout)

    assert report["bytes"] > 20_000_000
    assert report["files"] == [["generated.txt", line_count, True]]
    grown_mib = (report["after"] - report["before"]) / 1024
    assert grown_mib < 30, f"memory grew by {grown_mib:.1f} MiB while parsing a 24 MB diff"


def test_batched_and_odd_hunk_lines_parse_alike() -> None:
    # An empty line as context (some tools strip the space), a marker inside the hunk, and a
    # hunk header that promises more lines than follow: each takes the line-by-line path.
    text = (
        b"diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n"
        b"@@ -1,4 +1,4 @@\n keep\n\n-old\n\\ No newline at end of file\n+new\n+new2\n-gone\n"
        b"diff --git a/b.txt b/b.txt\n--- a/b.txt\n+++ b/b.txt\n"
        b"@@ -1,9 +1,9 @@\n-x\n+y\n"
        b"diff --git a/c.txt b/c.txt\n--- a/c.txt\n+++ b/c.txt\n@@ -1 +1 @@\n-p\n+q\n"
    )
    stats = DiffStats()

    a, b, c = parse_diff(text.splitlines(keepends=True), stats=stats)

    assert a.hunks[0].lines == (" keep", "", "-old", "+new", "+new2", "-gone")
    assert (a.additions, a.deletions) == (2, 2)
    assert b.hunks[0].lines == ("-x", "+y")
    assert c.hunks[0].lines == ("-p", "+q") and c.path == "c.txt"
    assert stats.lines == len(text.splitlines()) and stats.bytes == len(text)


def test_large_hunks_are_counted_in_batches_exactly() -> None:
    body = [b"+%d\n" % i if i % 3 else b" %d\n" % i for i in range(20_000)]
    added = sum(1 for line in body if line.startswith(b"+"))
    context = len(body) - added
    header = b"@@ -1,%d +1,%d @@\n" % (context, len(body))
    text = [b"diff --git a/g.txt b/g.txt\n", b"--- a/g.txt\n", b"+++ b/g.txt\n", header, *body]

    [change] = parse_diff(text)

    assert change.additions == added and change.deletions == 0
    assert len(change.hunks[0].lines) == len(body)
    assert change.hunks[0].lines[:3] == (" 0", "+1", "+2")


def test_stream_blocks_end_at_line_ends(repo: GitRepo) -> None:
    repo.write("f.txt", "".join(f"line number {i}\n" for i in range(500)))
    repo.commit("init")
    git = Git(repo.path)

    with git.stream_blocks("show", "HEAD:f.txt", block_size=100) as blocks:
        parts = list(blocks)

    assert len(parts) > 10
    assert all(part.endswith(b"\n") for part in parts)
    assert b"".join(parts) == (repo.path / "f.txt").read_bytes()


def test_stream_blocks_failure_and_early_stop(repo: GitRepo) -> None:
    repo.write("f.txt", "x\n" * 100_000)
    repo.commit("init")
    git = Git(repo.path)

    with pytest.raises(UnknownRefError), git.stream_blocks("log", "no-such-ref") as blocks:
        list(blocks)
    with git.stream_blocks("show", "HEAD:f.txt", block_size=10) as blocks:
        first = next(blocks)  # stopping early kills git quietly
    assert first.startswith(b"x\n")


def test_files_without_hunks_are_filtered_too(repo: GitRepo) -> None:
    repo.write("src/a.py", "x = 1\n")
    repo.write("docs/run.sh", "echo\n")
    repo.commit("init")
    repo.write("assets/logo.png", b"\x89PNG\x00\x01")
    repo.write("src/data.bin", b"\x00\x02")
    (repo.path / "docs" / "run.sh").chmod(0o755)
    repo.commit("binary and mode")

    changes = _changes(repo, is_excluded=lambda path, old: path.startswith(("assets/", "docs/")))

    assert changes["assets/logo.png"].excluded and changes["assets/logo.png"].binary
    assert changes["docs/run.sh"].excluded
    assert changes["docs/run.sh"].kind is ChangeKind.MODE_CHANGED
    assert not changes["src/data.bin"].excluded


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([b"+a\n", b"+b\n", b"+\n"], (3, 0, 0)),
        ([b"-a\n", b"+b\n", b"-c\n"], (1, 2, 0)),
        ([b" a\n", b"-b\n", b"+c\n", b" d\n"], (1, 1, 0)),
        ([b"-a\n", b"\\ No newline at end of file\n", b"+a\n", b" b\n"], (1, 1, 1)),
        ([b"+a\n", b"\n", b"+b\n"], None),  # an empty line starts no hunk line
        ([b"+a\n", b"x\n"], None),  # nor does any other byte
        ([b"\n", b"+a\n"], None),
    ],
)
def test_prefix_counts_stop_counting_once_every_line_is_counted(
    lines: list[bytes], expected: tuple[int, int, int] | None
) -> None:
    from release_tools.analysis.diff import _prefix_counts

    assert _prefix_counts(b"".join(lines), len(lines)) == expected
