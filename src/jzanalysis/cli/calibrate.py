"""``jzanalysis calibrate``: the default forecast refitted on real January..M → full-year pairs."""

from __future__ import annotations

from . import options
from .output import print_json


def add_arguments(parser):
    options.add_path(
        parser,
        "pairs",
        "PAIRS.csv",
        "real January..M → full-year pairs, one file or several with the same columns (place, metric, "
        "year, ytd_month, ytd_value, full_year_value, unit; optional plan_value, definition_match); "
        "see docs/forecasting.md",
        nargs="+",
    )
    # dest out_file: ``out`` is an output folder for the other commands (created before they run)
    options.add_path(
        parser,
        "--out",
        "FILE.json",
        "where to write the calibration (default: the one shipped with the package, used by "
        "every forecast; elsewhere, set JZANALYSIS_CALIBRATION=FILE.json to use it)",
        dest="out_file",
    )
    parser.add_argument(
        "--no-evaluate",
        action="store_true",
        help="skip the leave-one-city-out evaluation (faster; the file then has no scores)",
    )
    options.add_json(parser, "the calibration as one JSON object")


def run(args) -> int:
    """Refit the default forecast's calibration on real pairs, score it leaving one city out, write it."""
    # pandas, scipy and the report layer: loaded when the command runs, not for --help
    from ..backtest import evaluate_pairs
    from ..forecast.calibration import PACKAGED, fit_calibration, read_pairs_csv
    from ..report.scores import format_calibration_table, format_pairs_table

    pairs, source = read_pairs_csv(args.pairs)
    calibration = fit_calibration(pairs, source=source)
    table = None
    if not args.no_evaluate:
        result = evaluate_pairs(pairs)
        calibration = calibration.with_evaluation(result)
        table = format_pairs_table(result)
    path = calibration.write(args.out_file or PACKAGED)
    if args.json:
        print_json(calibration.to_dict())
        return 0
    print(format_calibration_table(calibration))
    if table:
        print()
        print(table)
    print(f"\nwritten: {path} (calibration {calibration.id})")
    return 0
