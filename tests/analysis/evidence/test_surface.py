"""CLI option and JSON Schema evidence from real repositories."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence import deprecations
from release_tools.analysis.evidence.surface import (
    cli_options,
    gather,
    schema_changes,
)
from release_tools.analysis.models import Bump, Evidence
from repo_context import build_context

ARGPARSE = """import argparse

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument(
        "--output",
        help="where to write --not-an-option",
    )
    sub = parser.add_subparsers()
    sub.add_parser("serve")
"""

CLICK = """import click

@click.command()
@click.option("--name", "-n", default="x")
@click.option("--dry-run/--no-dry-run")
def cli(name, dry_run):
    pass
"""

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "size": {"type": "integer"},
        "nested": {"type": "object", "properties": {"a": {"type": "string"}}},
    },
    "required": ["name"],
}


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _messages(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in items)


def test_cli_options_reads_argparse_and_click() -> None:
    assert cli_options(ARGPARSE) == {"--verbose": 5, "--output": 6, "command:serve": 11}
    assert cli_options(CLICK) == {"--name": 4, "--dry-run": 5}


ARGPARSE_JS = """const { ArgumentParser } = require('argparse');
const cli = new ArgumentParser({ addHelp: true });
cli.addArgument([ '-c', '--compact' ], { action: 'storeTrue' });
const sub = cli.addSubparsers();
sub.addParser('serve', {});
"""


def test_cli_options_reads_the_javascript_port_of_argparse() -> None:
    assert cli_options(ARGPARSE_JS) == {"--compact": 3, "command:serve": 5}


def test_a_move_from_argparse_js_to_its_snake_case_api_keeps_every_option(repo: Any) -> None:
    repo.write("bin/tool.js", ARGPARSE_JS)
    base = repo.commit("initial")
    repo.write(
        "bin/tool.js",
        ARGPARSE_JS.replace(
            "addArgument([ '-c', '--compact' ],", "add_argument('-c', '--compact',"
        ).replace("addParser", "add_parser"),
    )
    assert _run(repo, base) == []


def test_removed_option_is_major_new_option_minor(repo: Any) -> None:
    repo.write("src/tool/cli.py", ARGPARSE)
    repo.write("src/tool/app.py", CLICK)
    base = repo.commit("initial")
    repo.write("src/tool/cli.py", ARGPARSE.replace('"--verbose", "-v"', '"--quiet", "-q"'))
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed command-line option --verbose"),
        ("minor", "new command-line option --quiet"),
    ]
    assert (items[0].path, items[0].line) == ("src/tool/cli.py", 5)


def test_option_moved_between_files_is_not_reported(repo: Any) -> None:
    repo.write("src/tool/cli.py", ARGPARSE)
    repo.write("src/tool/more.py", "x = 1\n")
    base = repo.commit("initial")
    repo.write("src/tool/cli.py", ARGPARSE.replace('sub.add_parser("serve")', ""))
    repo.write("src/tool/more.py", 'def register(sub):\n    sub.add_parser("serve")\n')
    assert _run(repo, base) == []


def test_removed_subcommand(repo: Any) -> None:
    repo.write("src/tool/cli.py", ARGPARSE)
    base = repo.commit("initial")
    repo.write("src/tool/cli.py", ARGPARSE.replace('sub.add_parser("serve")', ""))
    assert _messages(_run(repo, base)) == [("major", "removed command-line sub-command 'serve'")]


def test_schema_changes_pure() -> None:
    new = json.loads(json.dumps(SCHEMA))
    del new["properties"]["size"]
    new["properties"]["nested"]["properties"]["b"] = {"type": "number"}
    new["properties"]["extra"] = {"type": "string"}
    new["required"] = ["name", "extra"]
    new["properties"]["name"]["type"] = "number"
    assert schema_changes(SCHEMA, new) == [
        (Bump.MAJOR, "schema property $.size removed"),
        (Bump.MAJOR, "schema property $.extra is now required"),
        (Bump.MAJOR, "schema property $.name changed type to number"),
        (Bump.MAJOR, "new required schema property $.extra"),
        (Bump.MINOR, "new optional schema property $.nested.b"),
    ]


def test_schema_file_in_repo(repo: Any) -> None:
    repo.write("schemas/config.schema.json", json.dumps(SCHEMA))
    repo.write("data/not-a-schema.json", json.dumps({"properties": 1}))
    repo.write("pkg/builtin/vendor/other.json", json.dumps(SCHEMA))
    base = repo.commit("initial")
    new = json.loads(json.dumps(SCHEMA))
    new["properties"]["color"] = {"type": "string"}
    repo.write("schemas/config.schema.json", json.dumps(new))
    repo.write("data/not-a-schema.json", json.dumps({"properties": 2}))
    # A vendored copy of another project's schema is that project's to change.
    repo.write("pkg/builtin/vendor/other.json", json.dumps({**SCHEMA, "properties": {}}))
    items = _run(repo, base)
    assert _messages(items) == [("minor", "new optional schema property $.color")]
    assert items[0].path == "schemas/config.schema.json"


def test_new_deprecation_is_minor(repo: Any) -> None:
    code = "import warnings\n\n\ndef old():\n    return 1\n"
    repo.write("src/lib/api.py", code)
    repo.write("src/lib/web.js", "export function a() {}\n")
    repo.write("tests/test_api.py", "")
    base = repo.commit("initial")
    repo.write(
        "src/lib/api.py",
        code.replace(
            "    return 1\n",
            '    warnings.warn("old() is deprecated", DeprecationWarning, stacklevel=2)\n'
            "    return 1\n",
        ),
    )
    repo.write("src/lib/web.js", "/** @deprecated use b */\nexport function a() {}\n")
    repo.write("tests/test_api.py", "import pytest\npytest.deprecated_call  # DeprecationWarning\n")
    repo.commit("change")
    context = build_context(repo.path, base)
    # Deprecations are a gatherer of their own, no longer part of the surface gatherer.
    assert not [e for e in gather(context) if "deprecation" in e.message]
    items = deprecations.gather(context)
    assert sorted((e.source, e.bump, e.path, e.line) for e in items) == [
        ("javascript-api", "minor", "src/lib/web.js", 1),
        ("python-api", "minor", "src/lib/api.py", 5),
    ]


def test_reworded_deprecation_is_not_new(repo: Any) -> None:
    old = 'import warnings\nwarnings.warn("x is old", DeprecationWarning)\n'
    new = 'import warnings\nwarnings.warn("x is deprecated", DeprecationWarning)\n'
    repo.write("src/lib/api.py", old)
    repo.write("src/lib/more.py", "import warnings\n")
    base = repo.commit("initial")
    repo.write("src/lib/api.py", new)
    repo.write("src/lib/more.py", new)
    repo.commit("change")
    items = deprecations.gather(build_context(repo.path, base))
    # The reworded site in api.py is the same deprecation; the one in more.py is new.
    assert [(e.bump, e.path, e.line) for e in items] == [("minor", "src/lib/more.py", 2)]


def test_cli_option_lines_in_a_long_file() -> None:
    filler = "x = 1\n" * 3000
    code = (
        filler
        + 'parser.add_argument("--first")\n'
        + filler
        + 'sub.add_parser("serve")\n'
        + 'parser.add_argument("--second")\n'
    )
    assert cli_options(code) == {"--first": 3001, "command:serve": 6002, "--second": 6003}


def test_added_files_without_option_hints_are_not_read(repo: Any, monkeypatch: Any) -> None:
    from release_tools.analysis.evidence import surface
    from release_tools.analysis.service import collect
    from release_tools.config import Settings

    repo.write("src/app/cli.py", "x = 1\n")
    base = repo.commit("initial")
    repo.write("src/app/table.py", "".join(f"V{i} = {i}\n" for i in range(500)))
    repo.write("src/app/cli.py", 'parser.add_argument("--old")\n')
    repo.write("src/app/new_cli.py", 'parser.add_argument("--fresh")\n')
    repo.commit("change")
    read: list[str] = []
    real = surface.read_texts

    def recording(ctx: Any, ref: str, paths: Any) -> dict[str, str]:
        wanted = list(paths)
        read.extend(wanted)
        return real(ctx, ref, wanted)

    monkeypatch.setattr(surface, "read_texts", recording)
    # Collected with the real diff parser: the hunks are what tells the files apart.
    items = gather(collect(Settings(repo=repo.path, base=base)).context)
    assert sorted(e.message for e in items) == [
        "new command-line option --fresh",
        "new command-line option --old",
    ]
    assert "src/app/table.py" not in read


CLAP = """use clap::{Arg, Command, Parser};

#[derive(Parser)]
struct Opts {
    /// Export the results as JSON
    #[arg(long, value_name = "FILE")]
    export_json: Option<String>,
    #[arg(short = 'S', long = "shell")]
    pub shell: String,
    #[arg(short)]
    quiet: bool,
}

fn app() -> Command {
    Command::new("tool").subcommand(Command::new("run")).arg(
        Arg::new("hidden")
            .long("hidden")
            .short('H'),
    )
}
"""

GO_FLAGS = """package main

import "flag"

func main() {
\tflag.StringVar(&cfg, "config", "", "config file")
\tcmd.PersistentFlags().BoolP("verbose", "v", false, "more output")
}
"""


def test_clap_and_go_flags_are_read() -> None:
    from release_tools.analysis.evidence.surface import go_cli_options, rust_cli_options

    assert rust_cli_options(CLAP) == {
        "--export-json": 6,
        "--shell": 8,
        "command:tool": 15,
        "command:run": 15,
        "--hidden": 17,
    }
    assert go_cli_options(GO_FLAGS) == {"--config": 6, "--verbose": 7}


def test_rust_and_go_cli_changes_are_evidence(repo: Any) -> None:
    repo.write("src/main.rs", CLAP)
    repo.write("cmd/tool/main.go", GO_FLAGS)
    base = repo.commit("initial")
    repo.write("src/main.rs", CLAP.replace('.long("hidden")', '.long("all")'))
    repo.write("cmd/tool/main.go", GO_FLAGS.replace('"config"', '"settings"'))
    assert _messages(_run(repo, base)) == [
        ("major", "removed command-line option --config"),
        ("major", "removed command-line option --hidden"),
        ("minor", "new command-line option --all"),
        ("minor", "new command-line option --settings"),
    ]


def test_flags_of_go_programs_under_internal_are_no_cli(repo: Any) -> None:
    repo.write("internal/gen-wrapper/main.go", GO_FLAGS)
    repo.write("cmd/tool/main.go", GO_FLAGS)
    base = repo.commit("initial")
    repo.write("internal/gen-wrapper/main.go", GO_FLAGS.replace('"config"', '"settings"'))
    repo.write("cmd/tool/main.go", GO_FLAGS.replace('"config"', '"file"'))
    # The module's own code generator is no command users run; cmd/tool is.
    assert _messages(_run(repo, base)) == [
        ("major", "removed command-line option --config"),
        ("minor", "new command-line option --file"),
    ]


def test_options_of_benchmarks_and_examples_are_no_cli(repo: Any) -> None:
    # A Rust crate's benches/ and examples/ build programs of their own, not the shipped one.
    repo.write("src/main.rs", CLAP)
    repo.write("tool_bench/benches/complex.rs", CLAP)
    repo.write("examples/demo.rs", CLAP)
    base = repo.commit("initial")
    repo.write("tool_bench/benches/complex.rs", CLAP.replace('.long("hidden")', '.long("all")'))
    repo.write("examples/demo.rs", CLAP.replace('.long("hidden")', '.long("all")'))
    assert _messages(_run(repo, base)) == []


CLAP_BUILDER = """fn app() -> Command {
    Command::new("finder")
        .arg(Arg::new("max-depth").long("max-depth").visible_alias("maxdepth"))
        .arg(Arg::new("hidden").long("hidden"))
}
"""

CLAP_DERIVE = r"""#[derive(Parser)]
#[command(
    name = "finder",
    version,
    group(ArgGroup::new("x").args(&["a", "b"])),
)]
pub struct Opts {
    /// Depth
    #[arg(
        long,
        value_name = "[depth]",
        alias("maxdepth"),
        conflicts_with_all(&["exact_depth", "min_depth"]),
        long_help = "Limit the traversal \
                     to a depth."
    )]
    max_depth: Option<usize>,

    #[arg(long, hide_short_help = true, conflicts_with_all(&["size"]))]
    pub hidden: bool,
}
"""


def test_a_port_from_the_clap_builder_to_derive_keeps_every_name() -> None:
    from release_tools.analysis.evidence.surface import rust_cli_options

    builder, derive = rust_cli_options(CLAP_BUILDER), rust_cli_options(CLAP_DERIVE)

    # Brackets inside strings and calls, and strings continued over a line break, do not end
    # an attribute early; aliases and the program's own name are read on both sides.
    assert set(builder) == set(derive)
    assert set(derive) == {"--max-depth", "alias:--maxdepth", "--hidden", "command:finder"}


def test_a_new_alias_is_no_feature_but_a_removed_one_breaks(repo: Any) -> None:
    repo.write("src/cli.rs", CLAP_DERIVE)
    base = repo.commit("initial")
    repo.write("src/cli.rs", CLAP_DERIVE.replace('alias("maxdepth")', 'alias("depth")'))
    repo.commit("rename the alias")

    assert _messages(_run(repo, base)) == [("major", "removed command-line option --maxdepth")]


def test_a_rust_program_start_is_no_sub_command(repo: Any) -> None:
    code = 'fn shell() {{ std::process::Command::new("{0}").spawn().unwrap(); }}\n'
    repo.write("src/shell.rs", code.format("cmd"))
    base = repo.commit("initial")
    repo.write("src/shell.rs", code.format("sh"))

    assert _run(repo, base) == []


def test_an_imported_process_command_and_a_build_script_declare_no_sub_command(
    repo: Any,
) -> None:
    from release_tools.analysis.evidence.surface import rust_cli_options

    spawn = (
        "use std::process::{{Command, Stdio}};\n"
        'fn version() {{ Command::new("{0}").stdout(Stdio::piped()).output().ok(); }}\n'
    )
    assert rust_cli_options(spawn.format("freebsd-version")) == {}
    clap = 'use clap::Command;\nfn cli() -> Command {{ Command::new("{0}") }}\n'
    assert rust_cli_options(clap.format("finder")) == {"command:finder": 2}
    # A build script runs when the crate compiles: whatever it parses is nobody's option.
    repo.write("build.rs", clap.format("gen"))
    base = repo.commit("initial")
    repo.write("build.rs", clap.format("generate"))
    assert _run(repo, base) == []


def test_a_python_script_of_a_rust_crate_declares_no_option(repo: Any) -> None:
    script = "import argparse\np = argparse.ArgumentParser()\np.add_argument('--{0}')\n"
    repo.write("Cargo.toml", "[package]\nname = 'libc'\n")
    repo.write("etc/libc-util.py", script.format("branch"))
    base = repo.commit("initial")
    repo.write("etc/libc-util.py", script.format("old-tag"))
    assert _run(repo, base) == []
    # With a Python manifest in the repository the same script is a program it ships.
    repo.write("pyproject.toml", "[project]\nname = 'libc-util'\n")
    assert _messages(_run(repo, base)) == [
        ("major", "removed command-line option --branch"),
        ("minor", "new command-line option --old-tag"),
    ]


def test_examples_in_comments_declare_no_sub_command(repo: Any) -> None:
    repo.write("lib/command.js", "class Command {\n  option(flags) {}\n}\n")
    base = repo.commit("initial")
    repo.write(
        "lib/command.js",
        "class Command {\n  option(flags) {}\n"
        "  /**\n   * @example\n   * program.command('watch')...\n"
        "   * program.option('--verbose')\n   */\n  commandsGroup(heading) {}\n}\n",
    )
    repo.commit("document groups")
    assert [e for e in gather(build_context(repo.path, base)) if e.source == "cli"] == []
