"""Ranges that change only the package an alias names: the unchanged public package that
aliases it (``type Client = impl.Client``) is compared under its own names, in real
repositories."""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.go import gatherer, importers
from release_tools.analysis.models import Evidence
from repo_context import build_context
from review_marks import checked

IMPL = (
    "package impl\n\n"
    "type Client struct {\n\tURL string\n}\n\n"
    "func (c *Client) Get(path string) error { return nil }\n\n"
    "type Server struct {\n\tAddr string\n}\n\n"
    "func (s *Server) Serve() error { return nil }\n\n"
    "func New(url string) *Client { return nil }\n"
)
ROOT = (
    'package lib\n\nimport "example.com/lib/internal/impl"\n\n'
    "type Client = impl.Client\n\nvar New = impl.New\n"
)


def _found(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(items))


def _change(repo: GitRepo, files: dict[str, str], changed: dict[str, str]) -> list[Evidence]:
    repo.write("go.mod", "module example.com/lib\n\ngo 1.22\n")
    for path, text in files.items():
        repo.write(path, text)
    base = repo.commit("initial")
    for path, text in changed.items():
        repo.write(path, text)
    repo.commit("change")
    return gatherer.gather(build_context(repo.path, base))


def test_a_method_removed_from_an_aliased_internal_type_is_major_under_the_public_name(
    repo: GitRepo,
) -> None:
    fewer = IMPL.replace("func (c *Client) Get(path string) error { return nil }\n\n", "")
    fewer = fewer.replace("func New(url string)", "func New(url string, retries int)")
    files = {"internal/impl/impl.go": IMPL, "lib.go": ROOT}
    assert _found(_change(repo, files, {"internal/impl/impl.go": fewer})) == [
        (
            "major",
            "removed exported method Client.Get from package . "
            "(in internal/impl/impl.go:7, through the alias Client)",
        ),
        (
            "major",
            "type of exported var New changed: func(string) *Client -> func(string,int) *Client "
            "(in internal/impl/impl.go:13, through the alias New)",
        ),
    ]


def test_a_new_method_or_field_on_an_aliased_internal_type_is_minor(repo: GitRepo) -> None:
    more = IMPL.replace("\tURL string\n", "\tURL string\n\tTimeout int\n") + (
        "\nfunc (c *Client) Close() error { return nil }\n"
    )
    files = {"internal/impl/impl.go": IMPL, "lib.go": ROOT}
    assert _found(_change(repo, files, {"internal/impl/impl.go": more})) == [
        (
            "minor",
            "new exported field Client.Timeout "
            "(in internal/impl/impl.go:3, through the alias Client)",
        ),
        (
            "minor",
            "new exported method Client.Close in package . "
            "(in internal/impl/impl.go:18, through the alias Client)",
        ),
    ]


def test_an_internal_change_no_alias_shows_gives_nothing_for_its_aliasing_package(
    repo: GitRepo,
) -> None:
    # The root package shows only Client and New; server/ shows Server; use/ calls impl
    # without aliasing it. Only what an alias shows is reported, under that package's name.
    server = (
        'package server\n\nimport "example.com/lib/internal/impl"\n\ntype Server = impl.Server\n'
    )
    use = (
        'package use\n\nimport "example.com/lib/internal/impl"\n\n'
        'func Dial() { c := impl.New("x"); _ = c }\n\n'
        "func Reset() { var s *impl.Server; s = impl.Default; _ = s }\n"
    )
    changed = IMPL.replace("func (s *Server) Serve() error", "func (s *Server) Serve(n int) error")
    changed += "\nfunc helper() {}\n\nvar Default *Server\n"
    files = {
        "internal/impl/impl.go": IMPL,
        "lib.go": ROOT,
        "server/server.go": server,
        "use/use.go": use,
    }
    assert _found(_change(repo, files, {"internal/impl/impl.go": changed})) == [
        (
            "major",
            "signature of Server.Serve changed: func() error -> func(int) error "
            "(in internal/impl/impl.go:13, through the alias Server)",
        ),
    ]


def test_a_chain_of_aliases_through_an_internal_package_shows_what_its_end_changed(
    repo: GitRepo,
) -> None:
    # lib -> internal/impl (an alias) -> internal/core (the type): one link further is
    # followed, so the method core.Client lost is one the root package's Client lost.
    core = "package core\n\ntype Client struct {\n\tURL string\n}\n\nfunc (c *Client) Get() {}\n"
    impl = (
        'package impl\n\nimport "example.com/lib/internal/core"\n\n'
        "type Client = core.Client\n\nfunc New(url string) *Client { return nil }\n"
    )
    files = {"internal/core/core.go": core, "internal/impl/impl.go": impl, "lib.go": ROOT}
    VIA_CORE = "(in internal/core/core.go:7, through the alias Client)"
    fewer = core.replace("\nfunc (c *Client) Get() {}\n", "")
    assert _found(_change(repo, files, {"internal/core/core.go": fewer})) == [
        ("major", f"removed exported method Client.Get from package . {VIA_CORE}"),
    ]
    # With the middle package changed too, the root package is compared through it alike.
    both = {"internal/core/core.go": fewer, "internal/impl/impl.go": impl + "\nfunc Close() {}\n"}
    assert _found(_change(repo, files, both)) == [
        ("major", f"removed exported method Client.Get from package . {VIA_CORE}"),
    ]


def _chain(length: int) -> dict[str, str]:
    """lib -> internal/p1 -> ... -> internal/p<length>, each aliasing the next one's Client;
    the last declares it with a method Get. lib also aliases p<length>.Server directly."""
    end = f"p{length}"
    files = {
        f"internal/{end}/{end}.go": (
            f"package {end}\n\ntype Client struct{{}}\n\nfunc (x *Client) Get() {{}}\n\n"
            "type Server struct{}\n\nfunc (s *Server) Serve() {}\n"
        )
    }
    for n in range(1, length):
        files[f"internal/p{n}/p{n}.go"] = (
            f'package p{n}\n\nimport "example.com/lib/internal/p{n + 1}"\n\n'
            f"type Client = p{n + 1}.Client\n"
        )
    files["lib.go"] = (
        "package lib\n\nimport (\n"
        f'\t"example.com/lib/internal/p1"\n\t"example.com/lib/internal/{end}"\n)\n\n'
        f"type Client = p1.Client\n\ntype Server = {end}.Server\n"
    )
    return files


def _cut(files: dict[str, str], length: int) -> dict[str, str]:
    end = f"internal/p{length}/p{length}.go"
    fewer = files[end].replace("\nfunc (x *Client) Get() {}\n", "")
    return {end: fewer.replace("\nfunc (s *Server) Serve() {}\n", "")}


@pytest.mark.parametrize("length", [2, 3, 4])
def test_a_chain_of_several_links_shows_what_its_end_changed(repo: GitRepo, length: int) -> None:
    # lib -> internal/p1 -> ... -> internal/p<length>: each link is searched and read, so the
    # method the end's Client lost is one the root package's Client lost.
    files = _chain(length)
    end = f"internal/p{length}/p{length}.go"
    assert _found(_change(repo, files, _cut(files, length))) == [
        (
            "major",
            "removed exported method Client.Get from package . "
            f"(in {end}:5, through the alias Client)",
        ),
        (
            "major",
            "removed exported method Server.Serve from package . "
            f"(in {end}:9, through the alias Server)",
        ),
    ]


def test_a_chain_longer_than_the_links_followed_is_left_uncompared(repo: GitRepo) -> None:
    # Five links: the end of Client's chain lies past what is followed; the root's direct
    # alias of p5.Server is compared as usual.
    files = _chain(5)
    assert _found(_change(repo, files, _cut(files, 5))) == [
        (
            "major",
            "removed exported method Server.Serve from package . "
            "(in internal/p5/p5.go:9, through the alias Server)",
        ),
    ]


def test_aliases_that_name_each_other_end_the_chain(repo: GitRepo) -> None:
    # No Go build has such a cycle, yet a tree may: each package is read once and the
    # chain stops there.
    a = 'package a\n\nimport "example.com/lib/internal/b"\n\ntype Client = b.Client\n'
    b = (
        'package b\n\nimport "example.com/lib/internal/a"\n\ntype Client = a.Client\n\n'
        "type Server struct{}\n\nfunc (s *Server) Serve() {}\n"
    )
    lib = (
        'package lib\n\nimport "example.com/lib/internal/a"\n\n'
        'import "example.com/lib/internal/b"\n\n'
        "type Client = a.Client\n\ntype Server = b.Server\n"
    )
    files = {"internal/a/a.go": a, "internal/b/b.go": b, "lib.go": lib}
    fewer = b.replace("\nfunc (s *Server) Serve() {}\n", "")
    assert _found(_change(repo, files, {"internal/b/b.go": fewer})) == [
        (
            "major",
            "removed exported method Server.Serve from package . "
            "(in internal/b/b.go:9, through the alias Server)",
        ),
    ]


def test_a_git_that_cannot_run_the_perl_pattern_is_asked_the_posix_one(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An unbalanced group makes git refuse the pattern, as a git built without PCRE does.
    monkeypatch.setattr(importers, "_DECLARATION", "(")
    fewer = IMPL.replace("func (c *Client) Get(path string) error { return nil }\n\n", "")
    files = {"internal/impl/impl.go": IMPL, "lib.go": ROOT}
    assert _found(_change(repo, files, {"internal/impl/impl.go": fewer})) == [
        (
            "major",
            "removed exported method Client.Get from package . "
            "(in internal/impl/impl.go:7, through the alias Client)",
        ),
    ]


def test_only_so_many_unchanged_packages_are_compared_for_their_aliases(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The module's top packages first: the root, then a/ before b/.
    monkeypatch.setattr(gatherer, "MAX_ALIASING_PACKAGES", 2)
    shown = ROOT.replace("package lib", "package {name}")
    files = {"internal/impl/impl.go": IMPL, "lib.go": ROOT}
    files |= {f"{name}/{name}.go": shown.format(name=name) for name in ("b", "a", "c")}
    fewer = IMPL.replace("func (c *Client) Get(path string) error { return nil }\n\n", "")
    via = "(in internal/impl/impl.go:7, through the alias Client)"
    assert _found(_change(repo, files, {"internal/impl/impl.go": fewer})) == [
        ("major", f"removed exported method Client.Get from package . {via}"),
        ("major", f"removed exported method Client.Get from package a {via}"),
    ]


@pytest.mark.parametrize(
    "declarations",
    [
        "type ( Client = impl.Client; Server = impl.Server )\n\nvar ( New = impl.New )\n",
        "type  Client  =  impl.Client;\n\ntype Server = impl.Server;\n\nvar New = impl.New;\n",
        "type Client = /* the client */ impl.Client\n\n"
        "type Server = impl.Server /* the server */\n\nvar New = /* New */ impl.New\n",
        "type Client = impl.Client; type Server = impl.Server; var New = impl.New\n",
        "type Client =\n\timpl.Client\n\ntype Server = impl . Server\n\nvar New =\n\timpl.New\n",
        "type Client = (impl.Client)\n\ntype Server = (impl.Server)\n\nvar New = (impl.New)\n",
        "type (\n\tClient = impl.Client\n\tServer = impl.Server\n)\n\nvar New, _ = impl.New, 0\n",
        "type (Client = impl.Client; Server = impl.Server)\n\nvar (Other = 1; New = impl.New)\n",
    ],
)
@pytest.mark.parametrize("engine", ["perl", "posix"])
def test_aliases_not_in_gofmt_layout_show_what_their_targets_changed(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, declarations: str, engine: str
) -> None:
    # Found by git grep with either engine, then read from the syntax tree.
    if engine == "posix":
        monkeypatch.setattr(importers, "_DECLARATION", "(")
    lib = f'package lib\n\nimport "example.com/lib/internal/impl"\n\n{declarations}'
    fewer = IMPL.replace("func (c *Client) Get(path string) error { return nil }\n\n", "")
    fewer = fewer.replace("func (s *Server) Serve() error", "func (s *Server) Serve(n int) error")
    fewer = fewer.replace("func New(url string)", "func New(url string, retries int)")
    files = {"internal/impl/impl.go": IMPL, "lib.go": lib}
    assert _found(_change(repo, files, {"internal/impl/impl.go": fewer})) == [
        (
            "major",
            "removed exported method Client.Get from package . "
            "(in internal/impl/impl.go:7, through the alias Client)",
        ),
        (
            "major",
            "signature of Server.Serve changed: func() error -> func(int) error "
            "(in internal/impl/impl.go:11, through the alias Server)",
        ),
        (
            "major",
            "type of exported var New changed: func(string) *Client -> func(string,int) *Client "
            "(in internal/impl/impl.go:13, through the alias New)",
        ),
    ]


def test_findings_through_an_alias_are_cited_at_the_alias_and_say_where_the_change_is(
    repo: GitRepo,
) -> None:
    # The method and the function lie in the internal package; importers reach them by the
    # root package's aliases, which is where the findings point.
    fewer = IMPL.replace("func (c *Client) Get(path string) error { return nil }\n\n", "")
    fewer = fewer.replace("func New(url string)", "func New(url string, retries int)")
    files = {"internal/impl/impl.go": IMPL, "lib.go": ROOT}
    found = checked(_change(repo, files, {"internal/impl/impl.go": fewer}))
    assert sorted((e.path, e.line, e.message) for e in found) == [
        (
            "lib.go",
            5,
            "removed exported method Client.Get from package . "
            "(in internal/impl/impl.go:7, through the alias Client)",
        ),
        (
            "lib.go",
            7,
            "type of exported var New changed: func(string) *Client -> func(string,int) *Client "
            "(in internal/impl/impl.go:13, through the alias New)",
        ),
    ]
