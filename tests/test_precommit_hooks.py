"""The pre-commit hook definition runs a command that exists, the way pre-commit calls it."""

from __future__ import annotations

import shlex
from pathlib import Path

from click.testing import CliRunner
from ruamel.yaml import YAML

from gitrepo import GitRepo
from release_tools.cli import cli

HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def test_the_plan_check_hook_is_well_formed() -> None:
    hooks = YAML(typ="safe").load(HOOKS.read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "release-tools-plan-check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    assert shlex.split(hook["entry"]) == ["release-tools", "plan-check"]


def test_the_hook_command_runs(repo: GitRepo) -> None:
    hooks = YAML(typ="safe").load(HOOKS.read_text(encoding="utf-8"))
    command = shlex.split(hooks[0]["entry"])[1:]
    repo.write("pyproject.toml", '[project]\nname = "lib"\nversion = "1.0.0"\n')
    repo.write("lib/__init__.py", "")
    repo.commit("feat: first")
    repo.tag("v1.0.0")

    result = CliRunner().invoke(cli, [*command, "-C", str(repo.path)])

    assert result.exit_code == 0, result.output
