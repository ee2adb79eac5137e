"""Go API rules read with tree-sitter: method sets, fields, interfaces, variadics, /vN modules."""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.go import gather, parse_go
from release_tools.analysis.models import Evidence, EvidenceKind, Strength
from repo_context import build_context
from review_marks import checked


def _found(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(items))


def _change(repo: GitRepo, before: str, after: str) -> list[Evidence]:
    repo.write("go.mod", "module example.com/lib\n")
    repo.write("lib/lib.go", "package lib\n\n" + before)
    base = repo.commit("initial")
    repo.write("lib/lib.go", "package lib\n\n" + after)
    repo.commit("change")
    return gather(build_context(repo.path, base))


def test_parse_go_keeps_shapes_fields_methods_and_receivers() -> None:
    code = (
        "package lib\n\n"
        "type Client struct {\n\tURL string\n\t*Embed\n\ta, B int\n\tpkg.Other\n}\n"
        "type Doer interface {\n\tDo(ctx context.Context) (int, error)\n\tio.Closer\n}\n"
        "type sealedness interface{ x() }\n"
        "type Alias = Client\ntype List[T any] struct{ items []T }\n"
        "func (l *List[T]) Push(v T) {}\nfunc (l List[T]) Len() int { return 0 }\n"
        "func Map[T, U any](in []T, f func(T) U) []U { return nil }\n"
        "var (\n\tDefault Client\n\tcount int\n)\nconst Max, min int = 1, 0\n"
    )
    package, idents = parse_go(code, "lib/lib.go")
    assert package == "lib"
    assert idents["Client"].members == (
        ("URL", "string"),
        ("Embed", "embedded *Embed"),
        ("B", "int"),
        ("Other", "embedded pkg.Other"),
    )
    assert idents["Doer"].members == (
        ("Do", "(context.Context) (int,error)"),
        ("io.Closer", "embedded"),
    )
    assert not idents["Doer"].sealed
    assert idents["Alias"].signature == "= Client"
    assert idents["List"].signature == "[T any] struct"
    assert (idents["List.Push"].pointer, idents["List.Len"].pointer) == (True, False)
    assert idents["Map"].signature == "[T any, U any]([]T,func(T) U) []U"
    assert (idents["Default"].signature, idents["Max"].signature) == ("Client", "int")
    assert "count" not in idents and "min" not in idents and "sealedness" not in idents


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            "type Engine struct{}\n\nfunc New() *Engine { return nil }\n",
            "type Engine struct{}\ntype OptionFunc func(*Engine)\n\n"
            "func New(opts ...OptionFunc) *Engine { return nil }\n",
            [
                (
                    "minor",
                    "new exported type OptionFunc in package lib",
                ),
                (
                    "minor",
                    "signature of New changed: func() *Engine -> func(...OptionFunc) *Engine (a "
                    "variadic parameter was appended: existing calls still compile; only "
                    "function values of the old type do not)",
                ),
            ],
        ),
        (
            "type R struct{}\n\nfunc (r *R) Use(a int, mw Middleware) {}\n",
            "type R struct{}\n\nfunc (r *R) Use(a int, mw ...Middleware) {}\n",
            [
                (
                    "minor",
                    "signature of R.Use changed: func(int,Middleware) -> func(int,...Middleware) "
                    "(the last parameter became variadic: it now accepts more arguments)",
                )
            ],
        ),
        (
            "func Use(mw ...Middleware) {}\n",
            "func Use(mw Middleware) {}\n",
            [("major", "signature of Use changed: func(...Middleware) -> func(Middleware)")],
        ),
        (
            "func Use(mw Middleware) {}\n",
            "func Use(mw ...Other) {}\n",
            [("major", "signature of Use changed: func(Middleware) -> func(...Other)")],
        ),
        (
            "func New(a int, rest ...string) {}\n",
            "func New(a int, rest ...string, more ...int) {}\n",
            [
                (
                    "major",
                    "signature of New changed: func(int,...string) -> func(int,...string,...int)",
                )
            ],
        ),
        (
            "type T struct{}\n\nfunc (t T) Get() int { return 0 }\n",
            "type T struct{}\n\nfunc (t *T) Get() int { return 0 }\n",
            [
                (
                    "major",
                    "method T.Get moved to the pointer receiver *T: T values no longer have it "
                    "in their method set",
                )
            ],
        ),
        (
            "type T struct{}\n\nfunc (t *T) Get() int { return 0 }\n",
            "type T struct{}\n\nfunc (t T) Get() int { return 0 }\n",
            [],
        ),
        (
            "type T struct {\n\tA int\n\tB string\n\tc bool\n}\n",
            "type T struct {\n\tA int64\n\tC string\n\tc bool\n\td int\n}\n",
            [
                ("major", "removed exported field T.B"),
                ("major", "type of field T.A changed: int -> int64"),
                ("minor", "new exported field T.C"),
            ],
        ),
        (
            "type Store interface {\n\tGet(key string) ([]byte, error)\n}\n",
            "type Store interface {\n\tGet(key string) ([]byte, error)\n"
            "\tPut(key string, v []byte) error\n}\n",
            [
                (
                    "major",
                    "new method Put in exported interface Store: types of other packages that "
                    "implement it no longer do",
                )
            ],
        ),
        (
            "type Store interface {\n\tGet(key string) error\n\tseal()\n}\n",
            "type Store interface {\n\tGet(key string) error\n"
            "\tPut(key string) error\n\tseal()\n}\n",
            [("minor", "new method Put in interface Store, which only its package implements")],
        ),
        (
            "type Store interface {\n\tGet(key string) error\n\tPut(key string) error\n}\n",
            "type Store interface {\n\tGet(key string) error\n}\n",
            [("major", "removed method Put from interface Store")],
        ),
        (
            "type ID int\n\nvar Default ID\n\nconst Max int = 3\n",
            "type ID string\n\nvar Default int\n\nconst Max int64 = 3\n",
            [
                ("major", "definition of exported type ID changed: int -> string"),
                ("major", "type of exported const Max changed: int -> int64"),
                ("major", "type of exported var Default changed: ID -> int"),
            ],
        ),
        (
            "type Store struct{}\n",
            "type Store interface{}\n",
            [("major", "definition of exported type Store changed: struct -> interface")],
        ),
        (
            "func Chunk[T any](s []T, n int) [][]T { return nil }\n\n"
            "func Keys[K comparable, V any](m map[K]V) []K { return nil }\n",
            "func Chunk[T any, Slice ~[]T](s Slice, n int) []Slice { return nil }\n\n"
            "func Keys[K comparable, V any, M ~map[K]V | int](m M) []K { return nil }\n",
            [
                (
                    "minor",
                    "signature of Chunk changed: func[T any]([]T,int) [][]T -> "
                    "func[T any, Slice ~[]T](Slice,int) []Slice (generalized by Slice ~[]T: "
                    "calls still compile)",
                ),
                (
                    "major",
                    "signature of Keys changed: func[K comparable, V any](map[K]V) []K -> "
                    "func[K comparable, V any, M ~map[K]V | int](M) []K",
                ),
            ],
        ),
        (
            "type Parser struct{}\n\nfunc (p Parser) Parse(s string) error { return nil }\n\n"
            "func (p *Parser) Reset() {}\n\nfunc Use(p Parser) {}\n\nfunc Keep(p Parser) {}\n\n"
            "func Hold(p Parser) {}\n\nfunc Any(p *Parser, n int) {}\n\n"
            "func Many(ps ...Parser) {}\n\nfunc Spread(ps ...Parser) {}\n",
            "type Parser struct{}\n\nfunc (p Parser) Parse(s string) error { return nil }\n\n"
            "func (p *Parser) Reset() {}\n\ntype Source interface {\n\tParse(s string) error\n}\n\n"
            "type Resetter interface {\n\tParse(s string) error\n\tReset()\n}\n\n"
            "type Sealed interface {\n\tParse(s string) error\n\tseal()\n}\n\n"
            "func Use(p Source) {}\n\nfunc Keep(p Resetter) {}\n\nfunc Hold(p Sealed) {}\n\n"
            "func Any(p any, n int) {}\n\nfunc Many(ps ...Source) {}\n\nfunc Spread(ps any) {}\n",
            [
                (
                    "major",
                    "signature of Hold changed: func(Parser) -> func(Sealed)",
                ),
                (
                    "major",
                    "signature of Keep changed: func(Parser) -> func(Resetter)",
                ),
                (
                    "major",
                    "signature of Spread changed: func(...Parser) -> func(any)",
                ),
                (
                    "minor",
                    "new exported type Resetter in package lib",
                ),
                (
                    "minor",
                    "new exported type Sealed in package lib",
                ),
                (
                    "minor",
                    "new exported type Source in package lib",
                ),
                (
                    "minor",
                    "signature of Any changed: func(*Parser,int) -> func(any,int) (parameter "
                    "type widened to an interface the old type implements (*Parser -> any))",
                ),
                (
                    "minor",
                    "signature of Many changed: func(...Parser) -> func(...Source) (parameter "
                    "type widened to an interface the old type implements (...Parser -> "
                    "...Source))",
                ),
                (
                    "minor",
                    "signature of Use changed: func(Parser) -> func(Source) (parameter type "
                    "widened to an interface the old type implements (Parser -> Source))",
                ),
            ],
        ),
        (
            "func Assert(ok bool, msg ...string) {}\n\nfunc Check(ok bool) {}\n",
            "var Assert = func(ok bool, msg ...string) {}\n\nvar Check = func(ok int) {}\n",
            [
                (
                    "patch",
                    "exported func Assert became a var of the same type func(bool,...string) "
                    "(review)",
                ),
                ("major", "exported func Check became a var"),
            ],
        ),
        (
            "func First[T any](s []T) T { var z T; return z }\n",
            "func First[T any, S ~[]T](s S) S { return s }\n",
            [
                (
                    "major",
                    "signature of First changed: func[T any]([]T) T -> func[T any, S ~[]T](S) S",
                )
            ],
        ),
    ],
)
def test_rules(repo: GitRepo, before: str, after: str, expected: list[tuple[str, str]]) -> None:
    items = _change(repo, before, after)
    assert _found(items) == sorted(expected)
    assert all(e.strength is Strength.PROOF for e in items if e.bump == "major")


def test_a_new_major_version_subdirectory_is_one_major_finding(repo: GitRepo) -> None:
    # A repository with no root project: the whole tree is analyzed, the new v2/ included.
    repo.write("lib/go.mod", "module example.com/lib\n")
    repo.write("lib/lib.go", "package lib\n\nfunc A() {}\n")
    base = repo.commit("initial")
    repo.write("lib/v2/go.mod", "module example.com/lib/v2\n")
    repo.write("lib/v2/lib.go", "package lib\n\nfunc A(x int) {}\nfunc B() {}\n")
    repo.write("lib/v2/sub/sub.go", "package sub\n\nfunc C() {}\n")
    repo.commit("v2")
    items = gather(build_context(repo.path, base))
    assert [(e.bump, e.kind, e.message, e.path) for e in items] == [
        (
            "major",
            EvidenceKind.API_CHANGED,
            "new major version of the module: example.com/lib/v2 in lib/v2/ (a new import path "
            "for its packages)",
            "lib/v2/go.mod",
        )
    ]


def test_the_root_modules_analysis_leaves_a_new_v2_module_out(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/lib\n")
    repo.write("lib.go", "package lib\n\nfunc A() {}\n")
    base = repo.commit("initial")
    repo.write("v2/go.mod", "module example.com/lib/v2\n")
    repo.write("v2/lib.go", "package lib\n\nfunc A(x int) {}\n")
    repo.commit("v2")
    context = build_context(repo.path, base)
    assert context.changes == [] and gather(context) == []


def test_an_existing_major_version_subdirectory_is_compared(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/lib\n")
    repo.write("v2/go.mod", "module example.com/lib/v2\n")
    repo.write("v2/lib.go", "package lib\n\nfunc A() {}\n")
    base = repo.commit("initial")
    repo.write("v2/lib.go", "package lib\n\nfunc A() {}\nfunc B() {}\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base, project="example.com/lib/v2"))
    assert _found(items) == [("minor", "new exported func B in package v2")]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("func Load() (error) { return nil }\n", "func Load() error { return nil }\n"),
        (
            "func Print(v interface{}) interface {} { return v }\n",
            "func Print(v any) any { return v }\n",
        ),
        ("type Box struct {\n\tV interface{}\n}\n", "type Box struct {\n\tV any\n}\n"),
        (
            "type Call struct{}\n\nfunc (c *Call) Run(fn func(Arguments)) *Call { return c }\n",
            "type Call struct{}\n\n"
            "func (c *Call) Run(fn func(args Arguments)) *Call { return c }\n",
        ),
        (
            "func Walk(fn func(func(string) error) (n int, err error)) {}\n",
            "func Walk(fn func(visit func(path string) error) (int, error)) {}\n",
        ),
        (
            "type Handler func(w Writer, r *Request)\n\n"
            "type Box struct {\n\tOn func(e Event)\n\tDo interface{ Run(x int) }\n}\n\n"
            "func Wrap() func(next Handler) Handler { return nil }\n",
            "type Handler func(Writer, *Request)\n\n"
            "type Box struct {\n\tOn func(ev Event)\n\tDo interface{ Run(int) }\n}\n\n"
            "func Wrap() func(Handler) Handler { return nil }\n",
        ),
        (
            "func Zip[A any, B any](a []A, b []B) []Pair[A, B] { return nil }\n\n"
            "type Pair[A any, B any] struct{}\n",
            "func Zip[A, B any](a []A, b []B) []Pair[A, B] { return nil }\n\n"
            "type Pair[A, B any] struct{}\n",
        ),
    ],
    ids=[
        "parenthesised-single-result",
        "any-for-empty-interface",
        "field-any",
        "function-parameter-names",
        "nested-function-parameter-names",
        "names-in-types-fields-and-results",
        "grouped-type-parameters",
    ],
)
def test_spellings_of_the_same_type_are_no_change(repo: GitRepo, before: str, after: str) -> None:
    assert _found(_change(repo, before, after)) == []


def test_a_real_change_inside_a_function_type_is_still_seen(repo: GitRepo) -> None:
    found = _change(repo, "func Run(fn func(a int)) {}\n", "func Run(fn func(a int64)) {}\n")
    assert _found(found) == [
        ("major", "signature of Run changed: func(func(int)) -> func(func(int64))")
    ]


def test_a_real_result_change_is_still_seen(repo: GitRepo) -> None:
    found = _change(
        repo, "func Load() (error) { return nil }\n", "func Load() (int, error) { return 0, nil }\n"
    )
    assert [bump for bump, _ in _found(found)] == ["major"]


WRITER = (
    "type ResponseWriter interface {\n\thttp.ResponseWriter\n"
    "\tStatus() int\n\tSize() int\n\tWritten() bool\n}\n"
)


def test_methods_moved_into_an_embedded_interface_of_the_package_stay(repo: GitRepo) -> None:
    # The unexported base carries the methods now (one variant per build tag, say): the
    # method set of ResponseWriter is the same but for Written, gone, and Pusher, new.
    after = (
        "type writerBase interface {\n\thttp.ResponseWriter\n\tStatus() int\n\tSize() int\n}\n"
        "type ResponseWriter interface {\n\twriterBase\n\tPusher() http.Pusher\n}\n"
    )
    assert _found(_change(repo, WRITER, after)) == [
        (
            "major",
            "new method Pusher in exported interface ResponseWriter: types of other "
            "packages that implement it no longer do",
        ),
        ("major", "removed method Written from interface ResponseWriter"),
    ]


def test_a_method_added_to_an_embedded_interface_reaches_the_embedding_ones(
    repo: GitRepo,
) -> None:
    before = "type Base interface {\n\tA()\n}\ntype Full interface {\n\tBase\n\tB()\n}\n"
    after = before.replace("\tA()\n", "\tA()\n\tC()\n")
    assert _found(_change(repo, before, after)) == [
        (
            "major",
            "new method C in exported interface Base: types of other packages that "
            "implement it no longer do",
        ),
        (
            "major",
            "new method C in exported interface Full: types of other packages that "
            "implement it no longer do",
        ),
    ]


def test_import_spellings_of_the_same_type_are_no_change(repo: GitRepo) -> None:
    """A dot import, a renamed import and the plain import name one type the same way."""
    repo.write("go.mod", "module example.com/lib\n")
    repo.write("lib/own.go", "package lib\n\ntype Local struct{}\n")
    repo.write(
        "lib/lib.go",
        'package lib\n\nimport (\n\t. "github.com/gin-gonic/gin"\n'
        '\tz "go.uber.org/zap/v2"\n)\n\n'
        "func Group(path string, h ...HandlerFunc) *RouterGroup { return nil }\n"
        "func Use(l Local, log *z.Logger) {}\n"
        "func Map[T any](v T, e Engine) T { return v }\n",
    )
    base = repo.commit("initial")
    repo.write(
        "lib/lib.go",
        'package lib\n\nimport (\n\t"github.com/gin-gonic/gin"\n\t"go.uber.org/zap/v2"\n)\n\n'
        "func Group(path string, h ...gin.HandlerFunc) *gin.RouterGroup { return nil }\n"
        "func Use(l Local, log *zap.Logger) {}\n"
        "func Map[T any](v T, e gin.Engine) T { return v }\n",
    )
    repo.commit("spell the imports out")
    assert _found(gather(build_context(repo.path, base))) == []


def test_a_type_from_another_package_is_still_a_change(repo: GitRepo) -> None:
    found = _change(
        repo,
        'import . "example.com/old"\n\nfunc Use(l *Logger) {}\n',
        'import "example.com/other"\n\nfunc Use(l *other.Logger) {}\n',
    )
    assert _found(found) == [
        ("major", "signature of Use changed: func(*old.Logger) -> func(*other.Logger)")
    ]


def test_parse_go_settles_dot_imported_names_against_the_package() -> None:
    code = (
        'package lib\n\nimport . "example.com/base"\n\n'
        "type Own struct{}\n\nfunc F(o Own, b Base, s string) Own { return o }\n"
    )
    _, idents = parse_go(code, "lib/lib.go")
    assert idents["F"].params == ("Own", "base.Base", "string")
    assert idents["F"].results == "Own"


def test_an_import_path_that_does_not_state_its_package_keeps_the_written_name() -> None:
    code = (
        'package lib\n\nimport (\n\tslog "github.com/x/slog-shim"\n'
        '\tjsoniter "github.com/json-iterator/go"\n\tlog "go.uber.org/zap"\n)\n\n'
        "func F(l *slog.Logger, j jsoniter.API, z *log.Logger) {}\n"
    )
    _, idents = parse_go(code, "lib/lib.go")
    assert idents["F"].params == ("*slog.Logger", "jsoniter.API", "*zap.Logger")


_OLD_TESTING = (
    'import (\n\t"testing"\n\n\t"example.com/lib"\n)\n\n'
    "type Options struct {\n\tLogTimestamp bool\n\tVerbosity int\n}\n\n"
    "func (o Options) Verbose() bool { return o.Verbosity > 0 }\n\n"
    "func NewTestLogger(t *testing.T) lib.Logger { return lib.Logger{} }\n"
)


def _moved(repo: GitRepo, testr: str) -> list[Evidence]:
    repo.write("go.mod", "module example.com/lib\n")
    repo.write("logger.go", "package lib\n\ntype Logger struct{}\n")
    repo.write("logging/log.go", "package logging\n\n" + _OLD_TESTING)
    base = repo.commit("initial")
    repo.write("testr/testr.go", "package testr\n\n" + testr)
    repo.write(
        "logging/log.go",
        'package logging\n\nimport "example.com/lib/testr"\n\n'
        "type Options = testr.Options\n\nvar NewTestLogger = testr.New\n",
    )
    repo.commit("move the test logger to testr, aliases left behind")
    return gather(build_context(repo.path, base))


def test_identifiers_moved_to_another_package_of_the_module_and_aliased_back(
    repo: GitRepo,
) -> None:
    same = _OLD_TESTING.replace("NewTestLogger", "New")
    # The same struct with the same method, and a variable of the function's own type.
    assert _found(_moved(repo, same)) == [
        ("minor", "new exported func New in package testr"),
        ("minor", "new exported method Options.Verbose in package testr"),
        ("minor", "new exported type Options in package testr"),
        (
            "patch",
            "exported func NewTestLogger became a var of the same type "
            "func(*testing.T) lib.Logger (review)",
        ),
    ]


def test_an_aliased_target_that_differs_is_compared_as_declared(repo: GitRepo) -> None:
    fewer = _OLD_TESTING.replace("NewTestLogger", "New").replace("\tVerbosity int\n", "")
    fewer = fewer.replace("func (o Options) Verbose() bool { return o.Verbosity > 0 }\n", "")
    assert [m for b, m in _found(_moved(repo, fewer)) if b == "major"] == [
        "removed exported field Options.Verbosity",
        "removed exported method Options.Verbose from package logging",
    ]


def test_an_embedded_generic_interface_contributes_its_methods(repo: GitRepo) -> None:
    chain = "type Chain[U any] interface {\n\tWhere(q any) Chain[U]\n\tFirst() (U, error)\n}\n"
    before = chain + "type Create[T any] interface {\n\tChain[T]\n\tCreate(r *T) error\n}\n"
    after = chain + (
        "type Create[T any] interface {\n\tWhere(q any) Chain[T]\n\tCreate(r *T) error\n"
        "\tSet(v any) Create[T]\n}\n"
    )
    # Spelling Chain's methods out changes nothing but the one method really taken away
    # (First) and the one really added (Set).
    assert _found(_change(repo, before, after)) == [
        ("major", "new method Set in exported interface Create: types of other packages that "
         "implement it no longer do"),
        ("major", "removed method First from interface Create"),
    ]  # fmt: skip


def test_an_interface_aliased_to_the_module_root_keeps_its_method_set(repo: GitRepo) -> None:
    root = (
        'package logr\n\nimport "context"\n\n'
        "type RuntimeInfo struct{ CallDepth int }\n"
        "type LogSink interface {\n\tInit(info RuntimeInfo)\n\tInfo(msg string)\n}\n"
    )
    repo.write("go.mod", "module example.com/logr\n")
    repo.write("logr.go", root)
    repo.write(
        "slogr/slogr.go",
        'package slogr\n\nimport (\n\t"context"\n\n\t"example.com/logr"\n)\n\n'
        "type SlogSink interface {\n\tlogr.LogSink\n\tHandle(ctx context.Context) error\n"
        "\tWithGroup(name string) SlogSink\n}\n",
    )
    base = repo.commit("initial")
    repo.write(
        "logr.go",
        root + "type SlogSink interface {\n\tLogSink\n\tHandle(ctx context.Context) error\n"
        "\tWithGroup(name string) SlogSink\n}\n",
    )
    repo.write(
        "slogr/slogr.go",
        'package slogr\n\nimport "example.com/logr"\n\ntype SlogSink = logr.SlogSink\n',
    )
    repo.commit("SlogSink moves to the root package")
    # The same methods, spelled from the root package: Init takes logr.RuntimeInfo there too.
    assert _found(gather(build_context(repo.path, base))) == [
        ("minor", "new exported type SlogSink in package ."),
    ]


def test_an_alias_target_over_the_read_budget_is_compared_as_written(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from release_tools.analysis.evidence.go import gatherer

    monkeypatch.setattr(gatherer, "ALIAS_READ_BYTES", 10)
    found = _moved(repo, _OLD_TESTING.replace("NewTestLogger", "New"))
    assert "definition of exported type Options changed: struct -> = testr.Options" in [
        e.message for e in found
    ]


_OPTIONS = (
    "type Options struct {\n\tName string\n}\n\n"
    "func (o *Options) WithName(n string) *Options { return o }\n"
)
_HIDDEN = (
    "type options struct {\n\tName string\n}\n\ntype Options = options\n\n"
    "func (o *options) WithName(n string) *options { return o }\n"
)


def test_an_exported_alias_of_an_unexported_type_keeps_its_fields_and_methods(
    repo: GitRepo,
) -> None:
    # The struct moved behind an unexported name; importers still see Options, its field
    # and its method (`*options` is `*Options` to them).
    assert _found(_change(repo, _OPTIONS, _HIDDEN)) == []
    assert _found(_change(repo, _HIDDEN, _OPTIONS)) == []


def test_a_chain_of_unexported_aliases_reaches_the_type_behind_it(repo: GitRepo) -> None:
    # Options = opts = options: importers still see the struct, its field and its method.
    chained = _HIDDEN.replace(
        "type Options = options", "type opts = options\n\ntype Options = opts"
    )
    assert _found(_change(repo, _OPTIONS, chained)) == []
    fewer = chained.replace("\tName string\n", "")
    assert _found(_change(repo, _OPTIONS, fewer)) == [
        ("major", "removed exported field Options.Name")
    ]


def test_an_unexported_alias_is_another_spelling_of_its_target(repo: GitRepo) -> None:
    before = (
        'import "example.com/ext/testr"\n\ntype Config = testr.Config\n\n'
        "func Pairs() map[string]int { return nil }\n"
    )
    after = (
        'import "example.com/ext/testr"\n\ntype cfg = testr.Config\n\ntype Config = cfg\n\n'
        "type pairs = map[string]int\n\nfunc Pairs() pairs { return nil }\n"
    )
    assert _found(_change(repo, before, after)) == []
    changed = after.replace("map[string]int", "map[string]string")
    assert _found(_change(repo, before, changed)) == [
        ("major", "signature of Pairs changed: func() map[string]int -> func() map[string]string")
    ]


_GENERIC = (
    "type List[T any] struct {\n\tLen  int\n\tHead T\n}\n\n"
    "func (l *List[T]) Push(v T) {}\n\nfunc New[T any]() *List[T] { return nil }\n"
)
_GENERIC_HIDDEN = (
    "type list[E any] struct {\n\tLen  int\n\tHead E\n}\n\ntype List[T any] = list[T]\n\n"
    "func (l *list[E]) Push(v E) {}\n\nfunc New[T any]() *list[T] { return nil }\n"
)


def test_a_generic_alias_of_an_unexported_generic_type_is_that_type(repo: GitRepo) -> None:
    assert _found(_change(repo, _GENERIC, _GENERIC_HIDDEN)) == []
    fewer = _GENERIC_HIDDEN.replace("\tHead E\n", "").replace(
        "func (l *list[E]) Push(v E) {}\n", ""
    )
    assert _found(_change(repo, _GENERIC, fewer)) == [
        ("major", "removed exported field List.Head"),
        ("major", "removed exported method List.Push from package lib"),
    ]


def test_a_generic_alias_that_fixes_or_reorders_parameters_is_compared_as_written(
    repo: GitRepo,
) -> None:
    # `= list[int]` is another type than `List[T]`: its definition is not taken over.
    fixed = _GENERIC_HIDDEN.replace("type List[T any] = list[T]", "type List[T any] = list[int]")
    found = _found(_change(repo, _GENERIC, fixed))
    assert ("major", "removed exported method List.Push from package lib") in found


def test_a_cycle_of_unexported_aliases_ends(repo: GitRepo) -> None:
    # Not Go (the compiler refuses it), yet code mid-edit: read as written, no endless walk.
    cycle = "type a = b\n\ntype b = a\n\ntype A = a\n"
    assert _found(_change(repo, cycle, cycle + "func F() {}\n")) == [
        ("minor", "new exported func F in package lib")
    ]


def test_what_the_alias_loses_with_its_unexported_type_is_still_removed(repo: GitRepo) -> None:
    fewer = _HIDDEN.replace("\tName string\n", "").replace(
        "func (o *options) WithName(n string) *options { return o }\n", ""
    )
    assert [m for b, m in _found(_change(repo, _OPTIONS, fewer)) if b == "major"] == [
        "removed exported field Options.Name",
        "removed exported method Options.WithName from package lib",
    ]


def test_methods_of_an_unexported_type_without_an_exported_alias_are_no_api(
    repo: GitRepo,
) -> None:
    before = "type impl struct{}\n\nfunc (impl) Run() {}\n"
    after = "type impl struct{}\n\nfunc (impl) Run(n int) {}\nfunc (impl) Stop() {}\n"
    assert _found(_change(repo, before, after)) == []


def test_adding_an_alias_of_an_unexported_type_only_adds_the_alias(repo: GitRepo) -> None:
    # Signatures name `options` at both sides: they read alike once either side has an alias.
    before = (
        "type options struct{ name string }\n\ntype Option func(*options)\n\n"
        "func New(opts ...Option) *options { return &options{} }\n"
    )
    after = before.replace("type Option ", "type Options = options\n\ntype Option ")
    assert _found(_change(repo, before, after)) == [
        ("minor", "new exported type Options in package lib")
    ]


def test_of_several_aliases_of_one_unexported_type_the_capitalized_one_speaks(
    repo: GitRepo,
) -> None:
    before = "type Options struct {\n\tName string\n}\n\ntype Opts = Options\n"
    after = (
        "type Opts = options\n\ntype Options = options\n\ntype options struct {\n\tName string\n}\n"
    )
    assert _found(_change(repo, before, after)) == []


def test_a_package_name_like_the_unexported_type_is_not_respelled(repo: GitRepo) -> None:
    before = (
        'import cfg "example.com/ext/config"\n\ntype Config struct{ Name string }\n\n'
        "func Load(c cfg.Source) error { return nil }\n"
    )
    after = before.replace(
        "type Config struct{ Name string }",
        "type config struct{ Name string }\n\ntype Config = config",
    )
    assert _found(_change(repo, before, after)) == []


_TWO = (
    "type opts struct{ Name string }\n\ntype Options = opts\n\ntype Settings = opts\n\n"
    "func New() *opts { return &opts{} }\n"
)


def test_the_alias_that_speaks_for_a_type_is_the_same_at_both_sides(repo: GitRepo) -> None:
    # The unexported type renamed under two aliases, then a third alias that sorts first.
    renamed = _TWO.replace("opts", "settings")
    assert _found(_change(repo, _TWO, renamed)) == []
    third = _TWO.replace("type Settings = opts\n", "type Settings = opts\n\ntype Config = opts\n")
    assert _found(_change(repo, _TWO, third)) == [
        ("minor", "new exported type Config in package lib")
    ]
