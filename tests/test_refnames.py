"""Tag names checked without git agree with ``git check-ref-format``, and a bad tag template
fails when the settings are read."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import ConfigError
from release_tools.refnames import tag_name_problem

NAMES = [
    "v1.0.0", "pkg@1.0.0", "@scope/pkg@1.0.0", "pkg/v1.0.0", "release-1.0", "v1.0.0+build.5",
    "a b", "a..b", "a~1", "a^", "a:b", "a?", "a*", "a[1", "a\\b", "a\tb", "a\x7fb", "/a", "a/",
    "a//b", "a.", ".a", "a/.b", "a.lock", "a/b.lock/c", "a@{1}", "a\nb", "é1.0",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_the_rules_agree_with_git(name: str) -> None:
    git = subprocess.run(
        ["git", "check-ref-format", f"refs/tags/{name}"], capture_output=True, check=False
    )
    assert (tag_name_problem(name) is None) == (git.returncode == 0)


@pytest.mark.parametrize("name", ["", "-x1.0", "HEAD", "@", "refs/heads/1.0", "refs/tags/v1"])
def test_names_git_takes_but_commands_misread_are_refused(name: str) -> None:
    assert tag_name_problem(name) is not None


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("-x{version}", "start with '-'"),
        ("a b{version}", "spaces"),
        ("../{version}", "'..'"),
        ("refs/heads/{version}", "'refs/'"),
        ("{name}:{version}", "~ ^ :"),
    ],
)
def test_a_bad_tag_template_is_a_config_error_when_read(
    tmp_path: Path, template: str, said: str
) -> None:
    (tmp_path / "release-tools.toml").write_text(f'tag-format = "{template}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^release-tools\.toml: tag_format ") as caught:
        load_settings(repo=tmp_path, environ={})
    assert said in str(caught.value)
    result = CliRunner().invoke(cli, ["analyze", "-C", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert "tag_format" in result.output


def test_good_templates_pass(tmp_path: Path) -> None:
    for template in ("v{version}", "{name}@{version}", "{name}/v{version}", "release-{version}"):
        (tmp_path / "release-tools.toml").write_text(f'tag-format = "{template}"\n', "utf-8")
        assert load_settings(repo=tmp_path, environ={}).tag_format == template
