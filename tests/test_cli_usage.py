"""Usage errors through the real entry point (a subprocess): one line, the usage hint, exit 2.

typer 0.29 raises its bundled copy of click's exceptions (``typer._click``), which the CLI did
not recognise: each case below printed a ~40-line traceback before.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import reelcast

SRC = str(Path(reelcast.__file__).resolve().parents[1])


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "reelcast", *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=cwd)


@pytest.mark.parametrize("args, code, first_line, command", [
    (["forecast", "--model", "m", "--titel", "X"], 2, "error: No such option: --titel",
     "reelcast forecast"),
    (["forecast", "--title", "X"], 2, "error: Missing option '--model'", "reelcast forecast"),
    (["foo"], 2, "error: No such command 'foo'", "reelcast"),
    (["serve", "--model", "m", "--port", "99999"], 2, "error: Invalid value for '--port'",
     "reelcast serve"),
    (["predict", "--model", "m", "--input", "a.csv"], 2, "error: Missing option '--output'",
     "reelcast predict"),
])
def test_usage_errors_are_one_line_and_a_hint(args, code, first_line, command):
    res = run(*args)
    assert res.returncode == code
    lines = res.stderr.strip().splitlines()
    assert "Traceback" not in res.stderr and len(lines) == 2, res.stderr
    assert lines[0].startswith(first_line)
    assert lines[1] == f"Try '{command} --help' for help."


def test_no_arguments_prints_the_help_and_exits_2():
    res = run()
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.startswith("Usage: reelcast [OPTIONS] COMMAND")


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_flags(flag):
    res = run(flag)
    assert res.returncode == 0 and res.stdout.startswith("Usage: reelcast")
    assert "<bool>" not in res.stdout


def test_version():
    res = run("--version")
    assert res.returncode == 0 and res.stdout.startswith("reelcast ")


def test_a_bad_value_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "films.csv").write_text("title,release_date\nX,2018-01-01\n")
    res = run("predict", "--model", "m", "--input", "films.csv", "--output", "./films.csv",
              cwd=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stderr.strip() == ("error: --output 'films.csv' is an input file of this "
                                  "command; choose another output path")
    assert (tmp_path / "films.csv").read_text() == "title,release_date\nX,2018-01-01\n"


@pytest.mark.parametrize("command", [
    ["corpus", "build"], ["corpus", "summary"], ["train"], ["evaluate"], ["predict"],
    ["forecast"], ["calibrate"], ["serve"], ["report"], ["genres"], ["posters", "features"],
    ["posters", "train-genres"], ["copycat"], ["copycat-hits"],
])
def test_every_command_help_has_an_example(command):
    import contextlib
    import io

    from reelcast.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main([*command, "--help"]) == 0
    text = out.getvalue()
    assert "Example" in text and f"reelcast {' '.join(command)} --" in text
    assert "<bool>" not in text and "``" not in text
