"""The composite GitHub Action: its inputs are the CLI's options, its run script builds the
command lines the CLI parses (run for real with bash, against a stand-in tool that records its
arguments and against the real tool in a real repository), and its outputs are exactly what the
tool writes."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from release_tools.analysis.models import Decision
from release_tools.analysis.report import decision_outputs
from release_tools.cli import cli
from release_tools.release.outputs import plan_check_outputs, plan_outputs, release_outputs
from release_tools.release.plancheck import PlanCheckResult
from release_tools.release.planning import PlanResult
from release_tools.release.service import ReleaseResult

ACTION = Path(__file__).resolve().parents[2] / "action.yml"
SPEC: dict[str, Any] = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
STEP: dict[str, Any] = next(step for step in SPEC["runs"]["steps"] if step.get("id") == "run")
SCRIPT: str = STEP["run"]

#: The action's own inputs; every other input is an option of the tool.
OWN = ("command", "args", "working-directory", "python-version", "package")
COMMAND_NAMES = ("analyze", "create-version-plan", "plan-check", "release", "projects")
COMMANDS: dict[str, click.Command] = {name: cli.commands[name] for name in COMMAND_NAMES}

#: Shell text that would leave a file behind if any input reached the shell as code.
HOSTILE = 'a "quoted" value with spaces $(touch pwned) `touch pwned2`; touch pwned3'


@dataclass(frozen=True)
class Row:
    """One line of the script's option table."""

    kind: str
    commands: tuple[str, ...]


def option_table() -> dict[str, Row]:
    """The ``options='...'`` table of the run script, by input name."""
    match = re.search(r"^options='\n(.*?)^'", SCRIPT, re.M | re.S)
    assert match is not None
    rows = {}
    for line in match.group(1).splitlines():
        name, kind, *commands = line.split()
        rows[name] = Row(kind, tuple(commands))
    return rows


def documented_for(description: str) -> tuple[str, ...]:
    """The commands a description starts with (``analyze, release: ...``)."""
    head, _, _ = description.partition(": ")
    return tuple(head.split(", "))


def tool_inputs() -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in SPEC["inputs"].items() if name not in OWN}


def option(command: str, name: str) -> click.Option:
    """The option ``--name`` (or ``--name/--no-name``, found by either half) of a command."""
    for param in COMMANDS[command].params:
        if isinstance(param, click.Option) and f"--{name}" in (
            *param.opts,
            *param.secondary_opts,
        ):
            return param
    raise AssertionError(f"{command} has no option --{name}")


@dataclass
class Run:
    proc: subprocess.CompletedProcess[str]
    #: The GITHUB_OUTPUT file as written.
    output: str
    #: The argument lists the stand-in tool was called with (none with the real tool).
    calls: list[list[str]]

    @property
    def argv(self) -> list[str]:
        assert len(self.calls) == 1, self.proc.stdout + self.proc.stderr
        return self.calls[0]


def action(
    cwd: Path, tmp_path: Path, *, fake: bool = True, undeclared: bool = False, **inputs: str
) -> Run:
    """Run the step's script as the runner does: the inputs, defaults filled in, as JSON in
    ``RT_INPUTS``; ``fake`` puts a stand-in ``release-tools`` first on PATH. Only inputs the
    action declares can be given, unless ``undeclared``."""
    values = {name: str(spec.get("default", "")) for name, spec in SPEC["inputs"].items()}
    unknown = set(inputs) - set(values)
    assert undeclared or not unknown, unknown
    values.update(inputs)
    output = tmp_path / "github_output"
    output.write_text("")
    calls = tmp_path / "calls.jsonl"
    calls.unlink(missing_ok=True)
    path = [str(Path(sys.executable).parent), os.environ["PATH"]]
    if fake:
        bin_dir = tmp_path / "fake-bin"
        bin_dir.mkdir(exist_ok=True)
        tool = bin_dir / "release-tools"
        tool.write_text(
            f"#!{sys.executable}\n"
            "import json, os, sys\n"
            "with open(os.environ['FAKE_CALLS'], 'a', encoding='utf-8') as f:\n"
            "    f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        )
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
        path.insert(0, str(bin_dir))
    env = {
        **os.environ,
        "PATH": os.pathsep.join(path),
        "GITHUB_OUTPUT": str(output),
        "FAKE_CALLS": str(calls),
        "RT_INPUTS": json.dumps(values),
    }
    proc = subprocess.run(
        ["bash", "-c", SCRIPT], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    recorded = calls.read_text().splitlines() if calls.exists() else []
    return Run(proc, output.read_text(), [json.loads(line) for line in recorded])


def read_outputs(text: str) -> dict[str, str]:
    """A GITHUB_OUTPUT file read as the runner reads it: ``name=value`` and heredocs."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, eq, value = line.partition("=")
        if eq and "<<" not in name:
            values[name] = value
            continue
        name, _, delimiter = line.partition("<<")
        body = []
        for inner in lines:
            if inner == delimiter:
                break
            body.append(inner)
        values[name] = "\n".join(body)
    return values


def declared_outputs(command: str) -> set[str]:
    return {
        name
        for name, spec in SPEC["outputs"].items()
        if command in documented_for(spec["description"])
    }


# --- what the action declares against what the CLI has -------------------------------------


def test_every_input_is_an_option_of_the_commands_it_is_documented_for() -> None:
    table = option_table()
    assert set(table) == set(tool_inputs())
    for name, spec in tool_inputs().items():
        row = table[name]
        assert row.commands == documented_for(spec["description"]), name
        assert set(row.commands) <= set(COMMAND_NAMES), name
        for command in row.commands:
            param = option(command, name)
            if row.kind == "value":
                assert not param.is_flag and not param.multiple, (command, name)
            elif row.kind == "flag":
                # A flag input is the option itself, or the negative half of a switch.
                assert param.is_flag, (command, name)
                assert not param.secondary_opts or param.secondary_opts == [f"--{name}"], name
            elif row.kind == "switch":
                assert param.is_flag and param.secondary_opts == [f"--no-{name}"], name
            else:
                assert row.kind == "lines" and param.multiple, (command, name)


def test_action_inputs_reach_the_script_only_through_the_environment() -> None:
    assert STEP["env"] == {"RT_INPUTS": "${{ toJSON(inputs) }}"}
    assert "${{" not in SCRIPT


def _sample(param: click.Option, kind: str) -> str:
    """An input value the option accepts; free text is hostile shell text."""
    if kind in ("flag", "switch"):
        return "true"
    if kind == "lines":
        return "first/**\n\n   \nsecond dir/*.py\r\n"
    if isinstance(param.type, click.Choice):
        return str(param.type.choices[-1])
    if isinstance(param.type, click.types.IntParamType):
        return "7"
    if isinstance(param.type, click.types.FloatParamType):
        return "2.5"
    return HOSTILE


@pytest.mark.parametrize("command", COMMAND_NAMES)
def test_every_input_becomes_arguments_the_command_parses(command: str, tmp_path: Path) -> None:
    rows = {
        name: row
        for name, row in option_table().items()
        if command in row.commands and not _negative_half(command, name)
    }
    samples = {name: _sample(option(command, name), row.kind) for name, row in rows.items()}

    run = action(tmp_path, tmp_path, command=command, **samples)

    assert run.proc.returncode == 0, run.proc.stdout + run.proc.stderr
    assert run.argv[0] == command
    ctx = COMMANDS[command].make_context(command, run.argv[1:])
    for name, row in rows.items():
        param = option(command, name)
        got = ctx.params[param.name or ""]
        if row.kind in ("flag", "switch"):
            assert got is True, name
        elif row.kind == "lines":
            assert got == ("first/**", "second dir/*.py"), name
        else:
            assert got == param.type.convert(samples[name], param, ctx), name
    assert not list(tmp_path.glob("pwned*"))


def _negative_half(command: str, name: str) -> bool:
    """Whether input ``name`` is the ``--no-X`` half of a switch (the old spelling of X:
    false), which contradicts X: true and is checked on its own."""
    return f"--{name}" in option(command, name).secondary_opts


def test_old_negative_inputs_still_turn_the_switch_off(tmp_path: Path) -> None:
    negatives = {
        name: "true"
        for name, row in option_table().items()
        if "release" in row.commands and _negative_half("release", name)
    }
    assert set(negatives) == {"no-commit", "no-tag"}
    run = action(tmp_path, tmp_path, command="release", **negatives)
    assert run.proc.returncode == 0, run.proc.stdout
    ctx = COMMANDS["release"].make_context("release", run.argv[1:])
    assert ctx.params["commit"] is False
    assert ctx.params["tag"] is False


def test_false_leaves_a_flag_out_and_turns_a_switch_off(tmp_path: Path) -> None:
    run = action(tmp_path, tmp_path, command="analyze", history="false", **{"no-cache": "false"})
    assert run.proc.returncode == 0, run.proc.stdout
    assert run.argv == ["analyze", "--no-history"]


# --- the run script with a stand-in tool ----------------------------------------------------


def test_a_message_with_spaces_quotes_and_newlines_stays_one_argument(tmp_path: Path) -> None:
    message = 'fix: a "quoted" message\'s spaces  kept\nand a second line\n'
    run = action(tmp_path, tmp_path, command="create-version-plan", project="demo", message=message)
    assert run.proc.returncode == 0, run.proc.stdout + run.proc.stderr
    assert run.argv == [
        "create-version-plan", "--project", "demo", "--message", message,
        "--version-type", "auto",
    ]  # fmt: skip


def test_args_take_one_argument_per_line(tmp_path: Path) -> None:
    args = "--preid\n\nrelease candidate\n  \n--publish-command=echo {version} done\r\n"
    run = action(tmp_path, tmp_path, command="release", args=args)
    assert run.proc.returncode == 0, run.proc.stdout
    assert run.argv == [
        "release",
        "--preid",
        "release candidate",
        "--publish-command=echo {version} done",
    ]
    assert "::warning::" not in run.proc.stdout


def test_an_option_and_its_value_on_one_args_line_warn(tmp_path: Path) -> None:
    # The whitespace-split form of args: still one argument, with a warning that says so.
    run = action(tmp_path, tmp_path, command="release", args="--preid beta")
    assert run.argv == ["release", "--preid beta"]
    assert "::warning::args takes one argument per line: '--preid beta'" in run.proc.stdout


@pytest.mark.parametrize("name", [name for name in SPEC["inputs"] if name != "command"])
def test_shell_text_in_an_input_is_never_run(name: str, tmp_path: Path) -> None:
    row = option_table().get(name)
    command = row.commands[0] if row else "release"
    extra = {"project": "demo"} if command == "create-version-plan" and name != "project" else {}

    run = action(tmp_path, tmp_path, command=command, **{name: HOSTILE, **extra})

    assert not list(tmp_path.glob("pwned*")), name
    if row is not None and row.kind in ("flag", "switch"):
        assert run.proc.returncode == 2 and not run.calls
    elif name in ("args", *option_table()):
        assert run.proc.returncode == 0, run.proc.stdout
        assert HOSTILE in run.argv  # passed on whole, as one argument
    else:  # used by the other steps, not by the script
        assert run.proc.returncode == 0 and HOSTILE not in run.argv


def test_shell_text_as_the_command_is_never_run(tmp_path: Path) -> None:
    run = action(tmp_path, tmp_path, command=HOSTILE)
    assert run.proc.returncode == 2 and not run.calls
    assert not list(tmp_path.glob("pwned*"))


def test_plan_is_a_deprecated_name_of_create_version_plan(tmp_path: Path) -> None:
    run = action(tmp_path, tmp_path, command="plan", project="demo", **{"version-type": "minor"})
    assert run.proc.returncode == 0, run.proc.stdout
    assert "::warning::the command plan is deprecated, use create-version-plan" in run.proc.stdout
    assert run.argv == ["create-version-plan", "--project", "demo", "--version-type", "minor"]


@pytest.mark.parametrize(
    ("inputs", "needle"),
    [
        ({"command": "deploy"}, "unknown command 'deploy'"),
        (
            {"command": "release", "dry-run": "yes"},
            "input dry-run must be true or false, not 'yes'",
        ),
        ({"command": "analyze", "history": "True"}, "input history must be true or false"),
        ({"command": "analyze", "message": "m"}, "input message is not an option of analyze"),
        ({"command": "plan-check", "push": "false"}, "input push is not an option of plan-check"),
        ({"command": "projects", "project": "a"}, "input project is not an option of projects"),
    ],
)
def test_bad_inputs_fail_with_an_annotation(
    tmp_path: Path, inputs: dict[str, str], needle: str
) -> None:
    run = action(tmp_path, tmp_path, **inputs)
    assert run.proc.returncode == 2 and f"::error::{needle}" in run.proc.stdout
    assert not run.calls


def test_an_input_the_script_has_no_line_for_is_refused(tmp_path: Path) -> None:
    # What an input declared in action.yml but left out of the option table would do.
    run = action(tmp_path, tmp_path, undeclared=True, **{"new-option": ""})
    assert run.proc.returncode == 2 and not run.calls
    assert "::error::input new-option is declared but the action does not pass it on" in (
        run.proc.stdout
    )


def test_an_annotation_quoting_a_value_stays_one_workflow_command(tmp_path: Path) -> None:
    run = action(tmp_path, tmp_path, command="x\n::warning::injected\r%")
    assert run.proc.returncode == 2
    assert run.proc.stdout.startswith("::error::unknown command 'x%0A::warning::injected%0D%25'")
    assert run.proc.stdout.count("\n") == 1


# --- outputs ----------------------------------------------------------------------------------


def test_outputs_are_the_step_outputs_of_the_same_name() -> None:
    for name, spec in SPEC["outputs"].items():
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
        assert set(documented_for(spec["description"])) <= set(COMMAND_NAMES), name


def test_declared_outputs_are_what_each_command_writes() -> None:
    written = {
        "analyze": set(decision_outputs(Decision(version_type="minor", needs_review=False,
                                                 reasoning="r"))),
        "create-version-plan": set(plan_outputs(PlanResult(project="p", message="m"))),
        "plan-check": set(plan_check_outputs(PlanCheckResult(base="b", head="h"))),
        "release": set(release_outputs(ReleaseResult(released=False, dry_run=False, message="m"))),
        "projects": set(),
    }  # fmt: skip
    for command, keys in written.items():
        assert declared_outputs(command) == keys, command
    # Every field of analyze's JSON report is an output.
    assert written["analyze"] == set(Decision.model_fields)


# --- the real tool in a real repository ------------------------------------------------------


def test_plan_then_release_through_the_action(python_repo: Any, tmp_path: Path) -> None:
    message = 'fix: $(touch pwned) `touch pwned2` "quoted"'
    run = action(
        python_repo.path, tmp_path, fake=False, command="create-version-plan", project="demo",
        **{"version-type": "patch"}, message=message, commit="true",
    )  # fmt: skip
    assert run.proc.returncode == 0, run.proc.stderr
    out = read_outputs(run.output)
    assert set(out) == declared_outputs("create-version-plan")
    assert out["version_type"] == "patch" and out["plan_path"].startswith(".nx/version-plans/")
    assert not list(python_repo.path.glob("pwned*"))
    assert (python_repo.path / out["plan_path"]).read_text().endswith(message + "\n")

    run = action(python_repo.path, tmp_path, fake=False, command="release", **{"dry-run": "true"})
    assert run.proc.returncode == 0, run.proc.stderr
    assert "would tag v1.3.0" in run.proc.stdout
    assert read_outputs(run.output)["released"] == "false"

    run = action(python_repo.path, tmp_path, fake=False, command="release", preid="beta")
    assert run.proc.returncode == 0, run.proc.stderr
    out = read_outputs(run.output)
    assert set(out) == declared_outputs("release")
    assert (out["released"], out["version"], out["tag"], out["previous_version"]) == (
        "true", "1.3.0", "v1.3.0", "1.2.3",
    )  # fmt: skip
    assert [r["version"] for r in json.loads(out["releases"])] == ["1.3.0"]


def test_create_version_plan_without_project_is_for_the_only_project(
    python_repo: Any, tmp_path: Path
) -> None:
    run = action(tmp_path, tmp_path, command="create-version-plan")
    assert run.proc.returncode == 0, run.proc.stdout
    assert run.argv == ["create-version-plan", "--version-type", "auto"]

    run = action(
        python_repo.path, tmp_path, fake=False, command="create-version-plan",
        **{"version-type": "patch"},
    )  # fmt: skip
    assert run.proc.returncode == 0, run.proc.stdout + run.proc.stderr
    out = read_outputs(run.output)
    assert out["version_type"] == "patch"
    assert "demo: patch" in (python_repo.path / out["plan_path"]).read_text()


def test_analyze_writes_every_field_of_its_report(python_repo: Any, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    run = action(
        python_repo.path, tmp_path, fake=False, command="analyze", format="json",
        output=str(report),
    )  # fmt: skip
    assert run.proc.returncode == 0, run.proc.stderr
    out = read_outputs(run.output)
    assert set(out) == declared_outputs("analyze")
    data = json.loads(report.read_text())
    assert set(data) == set(out)
    for name, value in data.items():
        if isinstance(value, (list, dict)):  # compact JSON, ready for fromJSON
            assert json.loads(out[name]) == value and "\n" not in out[name], name
        elif value is None:  # empty text, or null for a list or an object
            assert out[name] in ("", "null"), name
        elif isinstance(value, bool):
            assert out[name] == str(value).lower(), name
        else:
            assert out[name] == str(value), name
    assert isinstance(data["evidence"], list) and isinstance(data["stats"], dict)
    assert out["version_type"] == "minor" and out["next_version"] == "1.3.0"
    assert run.output.count("reasoning<<ghadelimiter_") == 1  # free text in heredoc form


def test_plan_check_and_fail_on_through_the_action(python_repo: Any, tmp_path: Path) -> None:
    run = action(python_repo.path, tmp_path, fake=False, command="plan-check", base="v1.2.3")
    assert run.proc.returncode == 0, run.proc.stderr + run.proc.stdout
    assert run.output == 'touched=["demo"]\nmissing=[]\n'

    run = action(python_repo.path, tmp_path, fake=False, command="analyze", **{"fail-on": "minor"})
    assert run.proc.returncode == 3  # the gate: distinct from a failure or a usage error
    assert read_outputs(run.output)["version_type"] == "minor"


@pytest.mark.parametrize(
    ("package", "installed"),
    [
        ("", "/actions/release-tools[forge]"),  # its own checkout, with the forge extra
        ("semver-release-tools[forge]==0.2.0", "semver-release-tools[forge]==0.2.0"),
        ("a name; touch pwned", "a name; touch pwned"),  # one argument, never shell code
    ],
)
def test_action_installs_with_pip(package: str, installed: str, tmp_path: Path) -> None:
    assert SPEC["runs"]["using"] == "composite"
    install = next(s for s in SPEC["runs"]["steps"] if s.get("name") == "Install release-tools")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "argv.json"
    fake = bin_dir / "python"
    fake.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"open({str(record)!r}, 'w').write(json.dumps(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PACKAGE": package,
        "ACTION_PATH": "/actions/release-tools",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", install["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    argv = json.loads(record.read_text(encoding="utf-8"))
    assert argv == ["-m", "pip", "install", "--disable-pip-version-check", "-q", installed]
    assert not (tmp_path / "pwned").exists()
