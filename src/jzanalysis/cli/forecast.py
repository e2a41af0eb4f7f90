"""``jzanalysis forecast``: the year-end forecast of one metric, every method, as a table or JSON."""

from __future__ import annotations

from pathlib import Path

from .. import bounds
from ..errors import InputError
from ..metrics import get_metric
from . import options
from .inputs import load, region_of, snapshot
from .output import print_json


def add_arguments(parser):
    options.add_data(parser)
    options.add_snapshot(parser)
    parser.add_argument(
        "--plan", type=options.plan, help="annual plan, 0.01..1000000; overrides the plan implied by 完成全年计划的X%%"
    )
    options.add_methods(parser, "forecast method id (repeatable; default: every method that applies)")
    options.add_dispersion(
        parser,
        "φ for counts, 0..1: monthly counts vary as var = μ + φμ² (0 = pure Poisson); default: "
        "calibrated on real data; see docs/forecasting.md",
    )
    options.add_sigma(
        parser,
        "σ for amounts, 0..1: the spread of the log remainder (0 = no month-to-month lumpiness); "
        "default: calibrated on real data",
    )
    options.add_path(
        parser,
        "--profile",
        "CSV",
        "cumulative seasonal profile (month,share with 0 < share <= 1) for seasonal_share",
    )
    parser.add_argument(
        "--working-days",
        type=options.working_days,
        nargs=2,
        metavar=("ELAPSED", "TOTAL"),
        help="working days elapsed and in the year (1..366), for years outside the official calendar",
    )
    options.add_json(parser)


def run(args) -> int:
    """Year-end forecast of one metric from its January..M figure."""
    from ..forecast import forecast_from_facts  # pandas and scipy: loaded when the command runs

    _check_profile(args.profile)
    _check_spread_flags(args.metric, args.dispersion, args.sigma)
    dataset = load(args)
    region = region_of(args, dataset)
    year, as_of = snapshot(args, dataset, region)
    snapshot_of = dict(year=year, as_of=as_of, metric=args.metric, region=region)
    result = forecast_from_facts(dataset.facts, **snapshot_of, **_method_options(args))
    if args.json:
        print_json(result)
    else:
        _print_table(result)
    return 0


def _print_table(result) -> None:
    """The forecast as the reports round it: a heading line, a row a method, the default starred."""
    from ..report import Formatter  # the report layer: loaded only for the table
    from ..report.text import text_table

    f = Formatter("en")  # the table's headers are English: its words (over 99%) are too
    whole = result.get("kind") == "count"
    unit = result.get("unit") or ""
    plan = f"plan {f.number(result['plan'], whole=whole)}" if result.get("plan") else "no plan"
    print(
        f"{result['region']} {result['metric']} {result['year']} 1-{result['as_of']}月: YTD {f.as_written(result['ytd'])}{unit}, {plan}"
    )
    rows = []
    for m in result["methods"]:
        star = "*" if m["method"] == result["forecast"]["method"] else " "
        rows.append(
            [
                star + m["method"],
                f.number(m["point"], whole=whole),
                f.interval(m["interval80"], None, whole, with_unit=False),
                f.interval(m["interval95"], None, whole, with_unit=False),
                "" if m.get("p_meet_plan") is None else f.probability(m["p_meet_plan"]),
            ]
        )
    print(text_table(rows, [" method", "point", "80% interval", "95% interval", "P(meet plan)"]))
    print("* default method; points and intervals rounded as in the reports")


def _check_spread_flags(metric_id: str, dispersion, sigma) -> None:
    """φ (--dispersion) spreads counts and σ (--sigma) amounts: the other one for a metric is a mistake to
    say, not a flag to ignore."""
    metric = get_metric(metric_id)
    if dispersion is not None and metric.kind == "amount":
        raise InputError(
            f"--dispersion is φ of counts; {metric.id} is an amount ({metric.unit}): give its spread with --sigma"
        )
    if sigma is not None and metric.kind == "count":
        raise InputError(
            f"--sigma is σ of amounts; {metric.id} is a count ({metric.unit}): give its spread with --dispersion"
        )


def _check_profile(path: Path | None) -> None:
    """A seasonal profile's shares are cumulative fractions of the year, 0 < share <= 1: a share above 1 is
    an error here, not a percent silently divided by 100 (60 could be 60% or a typo for 0.60 of a 0.6..)."""
    if path is None or not path.is_file():
        return  # a missing file is reported by the forecast with what a profile must contain
    import pandas as pd  # loaded when the command runs, not for --help

    try:
        frame = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, OSError):
        return  # unreadable: the forecast says so in one line
    if "share" not in frame.columns:
        return
    shares = pd.to_numeric(frame["share"], errors="coerce")
    outside = shares.notna() & ~((shares > 0) & (shares <= 1))
    if outside.any():
        line = int(outside.to_numpy().nonzero()[0][0]) + 2  # the header is line 1
        raise InputError(
            f"{path} line {line}: share must be a number in (0, 1] (the cumulative share of the year, "
            f"0.6 for 60%), got {bounds.shown_value(shares[outside].iloc[0])}"
        )


def _method_options(args) -> dict:
    """The options the command passes to the forecast as given: plan, methods, spreads, profile, working days."""
    options = {name: getattr(args, name) for name in ("plan", "methods", "dispersion", "sigma", "profile")}
    options["working_days"] = tuple(args.working_days) if args.working_days else None
    return options
