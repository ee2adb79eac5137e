"""Help text is printed as written: it must not carry reStructuredText markup."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from release_tools.cli import cli


@pytest.mark.parametrize("name", ["", *sorted(cli.commands)])
def test_help_has_no_rst_markup(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"] if name else ["--help"])
    assert result.exit_code == 0, result.output
    assert "``" not in result.output
    assert ":class:" not in result.output
    assert ":func:" not in result.output
