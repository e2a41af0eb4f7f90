"""The command line as a package: one module a command, started light, run as ``python -m``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from jzanalysis import __version__
from jzanalysis.cli import COMMANDS


def test_each_command_is_a_module_of_its_own_whose_run_describes_it():
    for name, (add_arguments, run, help_text) in COMMANDS.items():
        assert run.__module__ == add_arguments.__module__ == f"jzanalysis.cli.{name}"
        assert run.__doc__ and help_text  # the command's description in --help, and its line in the list


def test_the_command_line_starts_without_the_heavy_libraries():
    # --help, a usage error and `regions` need none of them: they are imported when a command runs
    heavy = ("pandas", "numpy", "scipy", "pydantic", "papermill", "matplotlib")
    probe = f"import sys, jzanalysis.cli; print([m for m in {heavy!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


@pytest.mark.parametrize("module", ["jzanalysis", "jzanalysis.cli"])
def test_python_dash_m_runs_the_command_line(module):
    done = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"jzanalysis {__version__}\n")
    # bad input through the same boundary: one line, status 2 (13 is past November, the last January..M month)
    done = subprocess.run([sys.executable, "-m", module, "forecast", "--as-of", "13"], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (
        2,
        "jzanalysis forecast: error: as-of month must be a whole number 1..11, got 13\n",
    )
