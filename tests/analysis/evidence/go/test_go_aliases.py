"""Aliases of other packages' identifiers (``type Client = impl.Client``), in real repositories:
an alias of a package of the module reads as its target declares it at each side, and an
alias that names another type is a break."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.go import gather
from release_tools.analysis.models import Evidence
from repo_context import build_context
from review_marks import checked

IMPL = (
    "package impl\n\n"
    "type Client struct {\n\tURL     string\n\tTimeout int\n}\n\n"
    "func (c *Client) Get(path string) error { return nil }\n\n"
    "type Server struct {\n\tURL     string\n\tTimeout int\n}\n\n"
    "func New(url string) *Client { return nil }\n"
)
LIB = (
    'package lib\n\nimport "example.com/lib/internal/impl"\n\n'
    "type Client = impl.Client\n\nvar New = impl.New\n"
)


def _found(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(items))


def _change(repo: GitRepo, files: dict[str, str], changed: dict[str, str | None]) -> list[Evidence]:
    repo.write("go.mod", "module example.com/lib\n")
    return gather(build_context(repo.path, repo.change(files, changed)))


def test_an_alias_of_an_internal_type_loses_what_the_type_loses(repo: GitRepo) -> None:
    fewer = IMPL.replace("\tTimeout int\n}\n\nfunc (c", "}\n\nfunc (c").replace(
        "func (c *Client) Get(path string) error { return nil }\n", ""
    )
    fewer = fewer.replace("func New(url string)", "func New(url string, retries int)")
    files = {"internal/impl/impl.go": IMPL, "lib/lib.go": LIB}
    changed = {"internal/impl/impl.go": fewer, "lib/lib.go": LIB + "\nfunc Close() {}\n"}
    assert _found(_change(repo, files, changed)) == [
        (
            "major",
            "removed exported field Client.Timeout "
            "(in internal/impl/impl.go:3, through the alias Client)",
        ),
        (
            "major",
            "removed exported method Client.Get from package lib "
            "(in internal/impl/impl.go:8, through the alias Client)",
        ),
        (
            "major",
            "type of exported var New changed: func(string) *Client -> func(string,int) *Client "
            "(in internal/impl/impl.go:13, through the alias New)",
        ),
        ("minor", "new exported func Close in package lib"),
    ]


def test_an_alias_of_an_unchanged_internal_type_is_no_change(repo: GitRepo) -> None:
    files = {"internal/impl/impl.go": IMPL, "lib/lib.go": LIB}
    changed = {"lib/lib.go": LIB + "\nfunc Close() {}\n"}
    assert _found(_change(repo, files, changed)) == [
        ("minor", "new exported func Close in package lib")
    ]


def test_an_alias_that_names_another_type_of_the_same_shape_is_major(repo: GitRepo) -> None:
    files = {"internal/impl/impl.go": IMPL, "lib/lib.go": LIB}
    changed = {"lib/lib.go": LIB.replace("type Client = impl.Client", "type Client = impl.Server")}
    assert _found(_change(repo, files, changed)) == [
        (
            "major",
            "exported type Client is an alias of another type: "
            "example.com/lib/internal/impl.Client -> example.com/lib/internal/impl.Server",
        ),
        ("major", "removed exported method Client.Get from package lib"),
    ]


def test_an_alias_of_another_modules_type_spelled_alike_from_another_path_is_major(
    repo: GitRepo,
) -> None:
    # yaml.Node of yaml.v3 is not yaml.Node of yaml.v2, though both read `= yaml.Node`.
    lib = 'package lib\n\nimport "gopkg.in/yaml.v2"\n\ntype Node = yaml.Node\n'
    changed = {"lib/lib.go": lib.replace("yaml.v2", "yaml.v3")}
    assert _found(_change(repo, {"lib/lib.go": lib}, changed)) == [
        (
            "major",
            "exported type Node is an alias of another type: gopkg.in/yaml.v2.Node -> "
            "gopkg.in/yaml.v3.Node",
        ),
    ]
    renamed = lib.replace('"gopkg.in/yaml.v2"', 'yml "gopkg.in/yaml.v2"').replace(
        "= yaml.", "= yml."
    )
    assert _found(_change(repo, {"lib/lib.go": lib}, {"lib/lib.go": renamed})) == []


def test_a_removed_alias_is_major_and_a_new_one_minor(repo: GitRepo) -> None:
    files = {"internal/impl/impl.go": IMPL, "lib/lib.go": LIB}
    removed = _change(repo, files, {"lib/lib.go": LIB.replace("type Client = impl.Client\n", "")})
    assert _found(removed) == [
        ("major", "removed exported method Client.Get from package lib"),
        ("major", "removed exported type Client from package lib"),
    ]
    added = LIB + "\ntype Server = impl.Server\n"
    assert _found(_change(repo, files, {"lib/lib.go": added})) == [
        ("minor", "new exported type Server in package lib"),
    ]


def test_an_alias_replaced_by_the_type_it_named_is_no_change(repo: GitRepo) -> None:
    # The type moved back from the internal package: the same struct with the same method.
    declared = LIB.replace(
        "type Client = impl.Client\n",
        "type Client struct {\n\tURL     string\n\tTimeout int\n}\n\n"
        "func (c *Client) Get(path string) error { return nil }\n",
    )
    files = {"internal/impl/impl.go": IMPL, "lib/lib.go": LIB}
    assert _found(_change(repo, files, {"lib/lib.go": declared})) == []
    fewer = declared.replace("\tTimeout int\n", "")
    assert _found(_change(repo, files, {"lib/lib.go": fewer})) == [
        ("major", "removed exported field Client.Timeout")
    ]
