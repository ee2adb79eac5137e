"""Many files read from git objects in one ``git cat-file --batch`` run.

One process instead of one ``git show`` per file: on ranges with hundreds of changed files, or
a history of dozens of releases, process start-ups would otherwise dominate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from release_tools.git import Git

__all__ = ["read_blobs", "read_texts"]

#: One file to read: the revision and the path in it.
Spec = tuple[str, str]


def _spans(data: bytes, count: int) -> Iterator[tuple[int, int, int]]:
    """``(index, start, end)`` of each blob in ``cat-file --batch`` output for ``count`` lines;
    absent objects and non-blobs (a tree, a commit) are left out."""
    position = 0
    for index in range(count):
        header_end = data.index(b"\n", position)
        header = data[position:header_end].split()
        position = header_end + 1
        if len(header) != 3 or header[-1] == b"missing" or header[1] != b"blob":
            if len(header) == 3 and header[1] != b"blob":
                position += int(header[2]) + 1  # a tree or commit: skip its content
            continue
        size = int(header[2])
        yield index, position, position + size
        position += size + 1


def _batch(git: Git, specs: Sequence[Spec]) -> tuple[bytes, list[tuple[int, int, int]]]:
    request = "".join(f"{ref}:{path}\n" for ref, path in specs).encode("utf-8")
    data = git.run_bytes("cat-file", "--batch", input=request)
    return data, list(_spans(data, len(specs)))


def read_blobs(git: Git, specs: Iterable[Spec]) -> dict[Spec, bytes]:
    """The bytes of each ``(ref, path)`` in ``specs``; absent files are left out."""
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    if any("\n" in path for _ref, path in wanted):
        # cat-file's batch input is line based; such paths are read one by one.
        return {s: data for s in wanted if (data := git.show_file(*s)) is not None}
    data, spans = _batch(git, wanted)
    return {wanted[index]: data[start:end] for index, start, end in spans}


def read_texts(git: Git, specs: Iterable[Spec]) -> dict[Spec, str]:
    """The text of each ``(ref, path)`` in ``specs`` (invalid UTF-8 replaced); absent files are
    left out."""
    wanted = list(dict.fromkeys(specs))
    if not wanted:
        return {}
    if any("\n" in path for _ref, path in wanted):
        blobs = read_blobs(git, wanted)
        return {s: data.decode("utf-8", "replace") for s, data in blobs.items()}
    data, spans = _batch(git, wanted)
    # Decoded from a view: slicing ``data`` first would copy every file once more.
    view = memoryview(data)
    return {wanted[index]: str(view[start:end], "utf-8", "replace") for index, start, end in spans}
