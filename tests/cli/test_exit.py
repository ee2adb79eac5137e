"""How the console script ends: exit handlers run, output flushed, the status kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gitrepo import GitRepo


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_leave_runs_the_exit_handlers_and_flushes_piped_output(tmp_path: Path) -> None:
    marker = tmp_path / "handler-ran"
    code = (
        "import atexit, pathlib\n"
        "from release_tools.cli import _leave\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "print('x' * 100000, end='')\n"
        "_leave(3)\n"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 3
    assert len(done.stdout) == 100000  # block-buffered on a pipe, flushed before leaving
    assert marker.read_text() == "yes"


def test_leave_with_a_message_prints_it_and_fails(tmp_path: Path) -> None:
    done = _python("from release_tools.cli import _leave\n_leave('cannot go on')\n", tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip() == "cannot go on"
    assert _python("from release_tools.cli import _leave\n_leave(None)\n", tmp_path).returncode == 0


def test_the_console_script_keeps_its_exit_codes_and_output(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "def f():\n    pass\n")
    repo.commit("initial")
    repo.tag("v1.0.0")
    repo.write("pkg/__init__.py", "def f():\n    pass\n\n\ndef g():\n    pass\n")
    repo.commit("feat: g")
    run = [sys.executable, "-m", "release_tools", "-C", str(repo.path), "analyze"]
    done = subprocess.run([*run, "--format", "json"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["version_type"] == "minor"
    bad = subprocess.run([*run, "--no-such-flag"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert "--no-such-flag" in bad.stderr


def test_a_closed_standard_output_is_no_error(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    script = f'"{sys.executable}" -m release_tools --version >&- && echo done > "{report}"'
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert report.read_text() == "done\n"
