"""Command line: ``jzanalysis extract | evaluate | regions | forecast | compare | backtest | report | batch | manifest``.

One error boundary (:func:`main`): every expected failure is one line on stderr and a documented exit
status — 2 bad input (a file, a value out of its range, a usage error), 1 a failed run (the file system:
a full disk, a read-only folder; or a bug, named as one), 130 interrupted (Ctrl-C), 143 terminated
(SIGTERM). ``--debug``, before or after the command, shows the traceback instead. A report is never
half-written. Commands are a small registry: each entry adds its arguments and runs.

One module a command (``add_arguments(parser)`` and ``run(args)``, whose docstring is the command's
description); the options they share in :mod:`.options`, read and checked in :mod:`.inputs`. A command
imports pandas, the pipeline or the notebook runner inside ``run``, not at the top: building the parser
imports every command module, and ``--help`` or a usage error should not wait for them.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
from collections.abc import Callable
from pathlib import Path

from .. import __version__
from . import backtest, batch, calibrate, compare, evaluate, extract, forecast, manifest, regions, report
from .boundary import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_TERMINATED,
    Terminated,
    failure,
    hold_closed_descriptors,
    mark_main_process,
    on_sigterm,
    remove_if_empty,
    say,
)
from .inputs import prepare
from .options import OneLineParser
from .output import flush_stdout, silence_stdout

__all__ = [
    "COMMANDS",
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "Terminated",
    "build_parser",
    "main",
]

#: name → (add its arguments, run it, one line of help)
COMMANDS: dict[str, tuple[Callable, Callable, str]] = {
    "extract": (extract.add_arguments, extract.run, "bulletins → tidy facts table (CSV or JSON)"),
    "evaluate": (
        evaluate.add_arguments,
        evaluate.run,
        "measure extraction on labelled bulletins: recall, precision, misses",
    ),
    "regions": (regions.add_arguments, regions.run, "region profiles: list, show, new (from the national list), check"),
    "forecast": (forecast.add_arguments, forecast.run, "year-end forecast of a metric, every method"),
    "compare": (compare.add_arguments, compare.run, "county comparison with exact intervals and funnel limits"),
    "backtest": (backtest.add_arguments, backtest.run, "score forecast methods on snapshots with known outcomes"),
    "calibrate": (calibrate.add_arguments, calibrate.run, "refit the default forecast on real YTD → full-year pairs"),
    "report": (report.add_arguments, report.run, "run the report notebook → HTML and PDF in reports/<name>/"),
    "batch": (
        batch.add_arguments,
        batch.run,
        "a grid of reports (the monthly set): each run once per change, in parallel",
    ),
    "manifest": (
        manifest.add_arguments,
        manifest.run,
        "(re)write data/raw/manifest.json: the sha256 of every raw bulletin",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="jzanalysis",
        description="招商引资 progress bulletins: facts, forecasts, county comparison, reports.",
        epilog="exit status: 0 done, 2 bad input, 1 a failed run, 130 interrupted, 143 terminated",
    )
    parser.add_argument("--version", action="version", version=f"jzanalysis {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error instead of one line")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for name, (add_args, run, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=(run.__doc__ or help_text).strip())
        # SUPPRESS: the command's own --debug adds to the global one instead of resetting it to False
        command.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the traceback of an error instead of one line",
        )
        add_args(command)
        command.set_defaults(run=run)
    return parser


def _run(args) -> int:
    prepare(args)
    status = args.run(args)
    flush_stdout()
    return status


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status (see :data:`EXIT_OK` …). Only ``--debug`` lets a traceback out."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed as one line
        return EXIT_OK if exc.code is None else exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    prog = f"jzanalysis {args.command}"
    hold_closed_descriptors()
    mark_main_process()
    unset = object()
    previous_sigterm = unset
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        previous_sigterm = signal.signal(signal.SIGTERM, on_sigterm)
    status = EXIT_FAILED
    try:
        status = _run(args)
    except BrokenPipeError:  # `jzanalysis extract ... | head`: the reader has all it wanted
        silence_stdout()
        status = EXIT_OK
    except (Exception, KeyboardInterrupt, Terminated) as exc:  # each said in one line (boundary.failure)
        status = say(args, prog, *failure(exc))
    finally:
        if previous_sigterm is not unset:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous_sigterm is None else previous_sigterm)
        if status != EXIT_OK and getattr(args, "created_out", None):
            remove_if_empty(Path(args.out).absolute(), args.created_out)
    return status
