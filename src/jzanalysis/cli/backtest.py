"""``jzanalysis backtest``: every forecast method scored on snapshots whose year-end outcome is known."""

from __future__ import annotations

from .. import bounds
from ..metrics import get_metric
from . import options
from .output import print_json


def add_arguments(parser):
    options.add_path(
        parser,
        "file",
        "FILE.csv",
        "YTD snapshots with full-year actuals: the facts columns plus `actual` (see docs/forecasting.md)",
    )
    options.add_dispersion(parser, "φ for count rows, σ for amount rows, 0..1")
    options.add_json(parser)


def run(args) -> int:
    """Score every forecast method on past snapshots whose year-end outcome is known."""
    # pandas, scipy and the report layer: loaded when the command runs, not for --help
    from ..backtest import load_backtest_csv, run_backtest
    from ..report.scores import format_backtest_table

    frame = load_backtest_csv(args.file)
    _check_numbers(frame, str(args.file))
    kwargs = {"dispersion": args.dispersion} if args.dispersion is not None else {}
    result = run_backtest(frame, **kwargs)
    if args.json:
        print_json(result)
    else:
        print(format_backtest_table(result))
    return 0


def _check_numbers(frame, origin: str) -> None:
    """Every number of a backtest file inside its range (years, months 1..11, the January..M figure and the
    full-year actual in their unit's range, plan and percent of plan), before a model sees it."""
    from ..schema import check_fact_numbers  # pandas, as above

    for number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{origin} line {number}"
        check_fact_numbers(row, where, months=bounds.AS_OF)
        unit = get_metric(row.metric).unit
        bounds.check_range(
            f"{where}: actual", row.actual, bounds.VALUE_BY_UNIT.get(unit, bounds.VALUE_BY_UNIT["个"]), unit=unit
        )
        plan = getattr(row, "plan", None)
        if plan is not None and plan == plan:  # not NaN
            bounds.check_range(f"{where}: plan", plan, bounds.PLAN, unit=unit)
