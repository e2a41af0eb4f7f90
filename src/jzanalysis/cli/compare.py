"""``jzanalysis compare``: the county table of one metric, as a table or JSON."""

from __future__ import annotations

from . import options
from .inputs import load, snapshot
from .output import print_json


def add_arguments(parser):
    options.add_data(parser)
    options.add_snapshot(parser)
    options.add_plans(parser, "county plans CSV (year, region, metric, plan)")
    options.add_json(parser)


def run(args) -> int:
    """County table for a metric: value, share, exact Poisson 95% interval, expected, funnel, rank."""
    # pandas, scipy and the report layer: loaded when the command runs, not for --help
    from ..compare import compare_from_facts
    from ..plans import load_plans
    from ..report import compare_json

    dataset = load(args)
    city = dataset.require_region()
    year, as_of = snapshot(args, dataset, city.name)
    plans = load_plans(args.plans, city) if args.plans else None
    result = compare_from_facts(dataset.facts, year=year, as_of=as_of, metric=args.metric, plans=plans, region=city)
    if args.json:
        print_json(compare_json(result, city))  # expected_basis_zh in the catalogue's words
    else:
        _print_table(result, city)
    return 0


def _print_table(result, city) -> None:
    """The county table (cells written as the command line's other tables are), the homogeneity test and the findings."""
    from ..report import comparison_words  # as above
    from ..report.text import table_formatter, text_table

    f = table_formatter()
    print(f"{result['metric']} {result['year']} 1-{result['as_of']}月, expected: {result['expected_basis']}")
    ranks = [c["rank"] for c in result["counties"]]
    rows = [
        [
            c["region"],
            f.as_written(c["value"]),
            f.share(c["share"]),
            f"{f.number(c['ci95'][0], 1)}–{f.number(c['ci95'][1], 1)}",
            f.number(c["expected"], 1),
            f.ratio(c["oe"]),
            c["funnel"],
            ("=" if ranks.count(c["rank"]) > 1 else "") + str(c["rank"]),
        ]
        for c in result["counties"]
    ]
    print(
        text_table(rows, ["region", "value", "share", "95% CI", "expected", "O/E", "funnel", "rank"], align="lrrrrrlr")
    )
    h = result["homogeneity"]
    print(f"chi-square {h['chi2']:.2f} on {h['df']} df, p = {h['p']:.2f}")
    for sentence in comparison_words(result, city, "zh").findings:
        print(sentence)
