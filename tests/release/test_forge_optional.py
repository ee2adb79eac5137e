"""httpx is optional: without it everything imports, and a forge release is a usage error."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import sys
sys.modules["httpx"] = None  # as if the forge extra were not installed
from click.testing import CliRunner
from release_tools.cli import cli
import release_tools.release.service
import release_tools.release.forge.command
from release_tools.release.forge.publishing import httpx_available
assert not httpx_available()
assert "httpx" not in [m for m, v in sys.modules.items() if v is not None]
result = CliRunner().invoke(cli, ["forge-release", "--help"])
assert result.exit_code == 0, result.output
print("ok")
"""


def test_everything_imports_without_httpx() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
