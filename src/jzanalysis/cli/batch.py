"""``jzanalysis batch``: the monthly set (or any grid of notebooks × parameters), each run once per change."""

from __future__ import annotations

import os
import sys

from ..errors import InputError
from . import options, report
from .inputs import check_source_and_plans
from .output import interrupted_line, print_published


def add_arguments(parser):
    options.add_path(
        parser,
        "grid",
        "GRID.yaml",
        "a grid of notebooks × parameters (the monthly set: batch.yaml); "
        "without one, the monthly set from the flags below",
        nargs="?",
    )
    report.add_arguments(parser, grid=True)
    for flag, parse, metavar, what in (
        ("--scenario-dispersion", options.dispersion, "PHI", "overdispersion φ of project counts (e.g. 0.1 0.5)"),
        ("--scenario-sigma", options.sigma, "SIGMA", "spread σ of amounts such as funds"),
    ):
        parser.add_argument(
            flag,
            type=parse,
            nargs="+",
            default=[],
            metavar=metavar,
            help=f"without a grid: extra forecast reports, one per {what}",
        )
    parser.add_argument(
        "--no-counties", action="store_true", help="without a grid: skip the county comparison and one-pagers"
    )
    parser.add_argument("--no-audit", action="store_true", help="without a grid: skip the data-audit notebook")
    parser.add_argument(
        "--workers",
        "--jobs",
        dest="workers",
        type=int,
        default=None,
        metavar="N",
        help="notebooks run at once on this machine, each on its own kernel (default: the number of cores)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786; needs jzanalysis[dask])",
    )
    parser.add_argument(
        "--force", action="store_true", help="run everything again, even runs whose inputs are unchanged"
    )
    parser.add_argument(
        "--max-runs",
        type=options.number_type((1, 1_000_000), whole=True),
        default=None,
        metavar="N",
        help="refuse a grid of more runs than this (default: 1000)",
    )


def run(args) -> int:
    """The monthly set (or any grid): each run once per change of its inputs, an index, a manifest.

    Exit status: 0 all runs published (or unchanged), 1 some run failed (one line each above the
    summary), 2 bad input (nothing was run), 130 interrupted (run the same command again to finish).
    """
    # the batch machinery, papermill and its kernels: loaded when the command runs, not for --help
    from ..batch import DaskExecutor, LocalExecutor, run_batch

    _check(args)
    spec = _grid(args)
    if args.scheduler:
        executor = DaskExecutor(args.scheduler, debug=getattr(args, "debug", False))
    else:
        executor = LocalExecutor(workers=args.workers or max(1, min(os.cpu_count() or 1, 8)))
    try:
        result = run_batch(spec, args.out, executor=executor, force=args.force)
    except KeyboardInterrupt:  # while planning: nothing was run or written yet
        print("jzanalysis batch: interrupted before any run started", file=sys.stderr)
        return 130
    failed = print_published([f"index: {result.index}"], result.out_dir, "batch")
    if failed:
        return failed
    if result.interrupted:
        print(f"jzanalysis batch: {interrupted_line(result)}", file=sys.stderr)
    else:
        summary = (
            f"{len(result.jobs)} runs: {len(result.done)} done, {len(result.cached)} unchanged, "
            f"{len(result.failed)} failed, in {result.seconds:.1f} s"
        )
        print(summary if not result.failed else f"jzanalysis batch: {summary}", file=sys.stderr)
    return result.exit_status


def _check(args) -> None:
    """The options checked before a grid is read: each bad one is one line, and nothing runs."""
    for phi in args.scenario_dispersion:
        if phi < 0:
            raise InputError(f"--scenario-dispersion values must be >= 0 (0 = pure Poisson), got {phi}")
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    check_source_and_plans(args.source, args.plans)
    if args.out.exists() and not args.out.is_dir():
        raise InputError(f"--out {args.out} is a file, not a folder")


def _grid(args):
    """The grid to run: GRID.yaml with the options over its defaults, or the monthly set the flags describe."""
    from ..batch import monthly_grid, override, read_grid  # as in run()

    formats = tuple(args.formats) if args.formats else None
    values = report.parameter_values(args)
    values["plans"] = values["plans"] or None  # no --plan: the grid's own plans stand
    if args.lang is not None:
        values["language"] = args.lang
    source = str(args.source) if args.source else None
    if args.grid is None:
        return monthly_grid(
            source=source,
            scenarios=tuple(args.scenario_dispersion),
            sigma_scenarios=tuple(args.scenario_sigma),
            counties=not args.no_counties,
            audit=not args.no_audit,
            formats=formats or ("html", "pdf"),
            **values,
        )
    if args.scenario_dispersion or args.scenario_sigma or args.no_counties or args.no_audit:
        raise InputError(
            "--scenario-dispersion, --no-counties and --no-audit describe the monthly set without a "
            "grid file; put them in the grid instead (see batch.yaml)"
        )
    limit = {"max_runs": args.max_runs} if args.max_runs else {}
    spec = override(read_grid(args.grid, **limit), source=source, **values)
    if formats:
        spec.formats = formats
        spec.overrides["formats"] = list(formats)
    return spec
