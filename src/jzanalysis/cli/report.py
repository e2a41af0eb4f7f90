"""``jzanalysis report``: the report notebook run into --out/<name>/ (notebook, HTML, PDF, run.json)."""

from __future__ import annotations

import sys
from pathlib import Path

from .. import settings
from ..analysis_cache import artifact_key
from ..errors import InputError
from . import options
from .inputs import as_of, check_source_and_plans, corrections_arg, plan_overrides
from .output import interrupted_line, print_published


def add_arguments(parser, *, grid: bool = False):
    """The report's options; with ``grid`` (batch) the source defaults to the grid's."""
    default_source = None if grid else settings.SEED_BULLETIN
    parser.add_argument(
        "--source",
        type=Path,
        default=default_source,
        help="bulletin file or folder (default: the seed bulletin in data/raw/"
        + (", or the grid's source)" if grid else ")"),
    )
    options.add_region(parser)
    options.add_year(parser, "year, 1990..2100 (default: latest in the data)")
    options.add_as_of(parser, "January..M, 1..11 (default: latest)")
    options.add_out_folder(parser)
    options.add_methods(parser, "forecast method id (repeatable)")
    options.add_dispersion(parser, "φ for project counts, 0..1 (default: calibrated on real data); 0 = pure Poisson")
    options.add_sigma(parser, "σ for amounts such as funds in place, 0..1 (default: calibrated)")
    parser.add_argument(
        "--plan",
        action="append",
        dest="plan_overrides",
        metavar="METRIC=VALUE",
        help="annual plan of a metric instead of the one the bulletin implies, e.g. projects_100m=300 (repeatable)",
    )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="report language: zh (default) or en (English headings, sentences, labels and county names)",
    )
    options.add_plans(parser, "county plans CSV")
    options.add_corrections(parser)
    parser.add_argument(
        "--format",
        action="append",
        dest="formats",
        choices=("html", "pdf"),
        help="output formats (default: html and pdf)",
    )


def parameter_values(args) -> dict:
    """The report parameters the options give (shared by ``report`` and ``batch``), checked."""
    return dict(
        region=args.region,
        year=args.year,
        as_of_month=as_of(args.as_of) if args.as_of is not None else None,
        methods=list(args.methods) if args.methods else None,
        dispersion=args.dispersion,
        sigma=args.sigma,
        plans=plan_overrides(args.plan_overrides),
        county_plans=str(args.plans.resolve()) if args.plans else None,
        corrections=corrections_arg(args),
    )


def _report_params(args):
    from ..params import ReportParams  # pydantic: loaded when the command runs, not for --help

    check_source_and_plans(args.source, args.plans)
    values = parameter_values(args)
    methods = values.pop("methods")
    return ReportParams.build(
        source=str(args.source.resolve()),
        methods=tuple(methods) if methods else None,
        language=args.lang or "zh",
        **values,
    )


def _undated_stem(params) -> str:
    """The name of a report on a bulletin without a usable dated figure: ``bulletin_2017``, ``bulletin_undated``."""
    from ..report import file_suffix  # the report layer: loaded when the command runs

    return f"bulletin_{params.year or 'undated'}{file_suffix(params)}"


def _sweep(out: Path) -> None:
    """What killed runs left, removed before anything else (whether or not this run gets far): their
    staging folders in ``out``, their kernels' folders in /tmp."""
    # the notebook runner and its kernels: loaded when the command runs, not for --help
    from ..kernels import remove_stale_temp_dirs
    from ..runner import remove_stale_staging

    remove_stale_staging(Path(out))
    remove_stale_temp_dirs()


def run(args) -> int:
    """Run the report notebook through papermill into --out/<name>/: notebook, HTML (code hidden), PDF, run.json."""
    # the pipeline, the batch machinery and the notebook runner: loaded when the command runs, not for --help
    from ..batch import InlineExecutor, Job, run_jobs
    from ..batch.grid import headline
    from ..batch.progress import Progress
    from ..pipeline import analyse
    from ..runner import check_formats, report_stem, report_title

    params = _report_params(args)
    formats = check_formats(tuple(args.formats or ("html", "pdf")))
    _sweep(args.out)
    # Analyse once here, before a kernel starts: bad input fails in a second with one line, the
    # snapshot (year, month) the data holds names the files, and the kernel is handed this analysis.
    try:
        analysis = analyse(params)
    except KeyboardInterrupt:
        print("jzanalysis report: interrupted before the run started", file=sys.stderr)
        return 130
    params = analysis.params
    job = Job(
        "report.ipynb",
        params,
        report_stem(params) if params.year and params.as_of_month else _undated_stem(params),
        report_title("report.ipynb", params),
        formats,
        headline=tuple(headline("report.ipynb", analysis)),
    )
    result = run_jobs(
        [job],
        args.out,
        executor=InlineExecutor(),
        force=True,
        progress=Progress(total=1, enabled=False),
        analyses={artifact_key(params, True): (params, True, analysis)},
    )
    if result.interrupted:
        print(f"jzanalysis report: {interrupted_line(result)}", file=sys.stderr)
        return result.exit_status
    if result.failed:
        _, _line, error = result.failed[0]
        if error.get("input_error"):
            raise InputError(error["evalue"])
        return 1
    folder = result.folder(job)
    lines = [f"{kind}: {folder / f'{job.name}.{kind}'}" for kind in formats]
    failed = print_published([*lines, f"notebook: {folder / f'{job.name}.ipynb'}"], folder, "report")
    if failed:
        return failed
    print(f"done in {result.seconds:.1f} s", file=sys.stderr)
    return 0
