"""Files that only a custom build tag compiles are no part of a Go package's API."""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.go import gather
from release_tools.analysis.evidence.go.constraints import excluded_by_default
from repo_context import build_context


@pytest.mark.parametrize(
    ("header", "excluded"),
    [
        ("", False),
        ("//go:build gofuzz\n\n", True),
        ("// +build gofuzz\n\n", True),
        ("//go:build ignore\n// +build ignore\n\n", True),
        ("//go:build linux && amd64\n\n", False),
        ("//go:build !windows\n\n", False),
        ("//go:build integration || linux\n\n", False),
        ("//go:build integration && linux\n\n", True),
        ("//go:build !gofuzz\n\n", False),
        ("//go:build go1.21 && !(linux || darwin)\n\n", False),
        ("//go:build linux && !linux\n\n", True),
        ("// +build linux,tools darwin,tools\n\n", True),
        ("// +build linux darwin\n// +build !cgo\n\n", False),
        ("// Copyright 2024\n\n//go:build tools\n\n", True),
        ("//go:build (\n\n", False),  # unreadable: kept
        ("package x\n//go:build gofuzz\n", False),  # after the clause: a plain comment
    ],
)
def test_constraints_that_need_a_custom_tag_leave_the_file_out(header: str, excluded: bool) -> None:
    code = header if header.startswith("package") else header + "package x\n"
    assert excluded_by_default(code) is excluded


def test_an_identifier_only_a_fuzz_build_declares_is_not_removed(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/lib\n\ngo 1.21\n")
    repo.write("lib.go", "package lib\n\nfunc Parse() {}\n")
    repo.write(
        "fuzz.go", "// +build gofuzz\n\npackage lib\n\nfunc Fuzz(data []byte) int { return 0 }\n"
    )
    base = repo.commit("initial")
    repo.remove("fuzz.go")
    repo.write("lib_linux.go", "//go:build linux\n\npackage lib\n\nfunc Tune() {}\n")
    repo.commit("change")
    found = sorted((e.bump, e.message) for e in gather(build_context(repo.path, base)))
    assert found == [("minor", "new exported func Tune in package .")]
