"""Command line: ``jzanalysis extract | evaluate | regions | forecast | compare | backtest | report | batch | manifest``.

One error boundary (:func:`main`): every expected failure is one line on stderr and a documented exit
status — 2 bad input (a file, a value out of its range, a usage error), 1 a failed run (the file system:
a full disk, a read-only folder; or a bug, named as one), 130 interrupted (Ctrl-C), 143 terminated
(SIGTERM). ``--debug``, before or after the command, shows the traceback instead. A report is never
half-written. Commands are a small registry: each entry adds its arguments and runs.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__, bounds, settings
from .errors import InputError


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and exit status 2) instead of usage + message."""

    def error(self, message: str):  # argparse API
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_json_arg(parser, what: str = "one JSON object") -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what}")


def _print_json(obj) -> None:
    from .jsonable import jsonable

    json.dump(jsonable(obj), sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def _as_of(value: str) -> int:
    from .calendar import check_as_of

    try:
        month = int(value)
    except ValueError:
        raise InputError(
            f"--as-of must be a whole month number {bounds.describe(bounds.AS_OF)}, got {value!r}"
        ) from None
    return check_as_of(month)


# --- bounded numbers on the command line (ranges: jzanalysis.bounds) --------------------------------


def _ascii_number(text: str, whole: bool = False) -> float:
    """``int``/``float`` of a number written in ASCII digits: Python also reads ``１２``, ``٣`` and ``1_000``,
    which no option takes (ValueError)."""
    if not text.isascii() or "_" in text:
        raise ValueError(text)
    return int(text) if whole else float(text)


def _number_type(allowed: tuple[float, float], *, whole: bool = False, meaning: str = ""):
    """An argparse ``type`` that accepts a number inside ``allowed`` and says the range otherwise."""
    kind = "a whole number" if whole else "a number"
    note = f" ({meaning})" if meaning else ""

    def parse(text: str):
        try:
            value = _ascii_number(text, whole)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind} {bounds.describe(allowed)}{note}, got {text!r}") from None
        if not bounds.in_range(value, allowed):
            raise argparse.ArgumentTypeError(f"must be {kind} {bounds.describe(allowed)}{note}, got {text}")
        return value

    return parse


_year = _number_type(bounds.YEAR, whole=True)
_dispersion = _number_type(bounds.DISPERSION, meaning="φ, the overdispersion of monthly project counts")
_sigma = _number_type(bounds.SIGMA, meaning="σ, the spread of monthly amounts such as funds in place")
_plan = _number_type(bounds.PLAN, meaning="the annual plan in the metric's unit, 个 or 亿元")
_working_days = _number_type(bounds.WORKING_DAYS, whole=True)


# --- shared argument groups ------------------------------------------------------------------------


def _add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="bulletin files or folders (default: data/raw/)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        metavar="FACTS.csv",
        help="a facts table written by `jzanalysis extract` instead of bulletins",
    )
    _add_region_arg(parser)
    _add_corrections_arg(parser)


def _add_region_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        metavar="NAME",
        help="the city the bulletins are about (or one of its counties), e.g. 荆州市 or 六安; "
        "default: found from each text (see `jzanalysis regions list`)",
    )


def _add_corrections_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corrections",
        type=Path,
        metavar="FILE",
        help="the analyst's corrections (accept, reject or correct a fact, found by file and quote), "
        "default: data/corrections.yaml when it exists (see README)",
    )


def _corrections_arg(args) -> str | None:
    """``--corrections FILE`` checked to exist (one line otherwise), or None for the default file."""
    from .corrections import corrections_path

    given = getattr(args, "corrections", None)
    return str(corrections_path(given)) if given is not None else None


def _city_arg(args):
    """The city ``--region`` names (a county's name gives its city), or None to find it from the text."""
    from .regions import city_named

    return city_named(getattr(args, "region", None), strict=True)


def _add_snapshot_args(parser: argparse.ArgumentParser, metric_default: str = "projects_100m") -> None:
    parser.add_argument(
        "--year", type=_year, help="year of the January..M figures, 1990..2100 (default: latest in the data)"
    )
    parser.add_argument(
        "--as-of",
        dest="as_of",
        type=str,
        metavar="M",
        help="the figures cover January..M, 1..11 (default: latest in the data)",
    )
    parser.add_argument(
        "--metric",
        default=metric_default,
        help=f"metric id, e.g. projects_100m, funds_in_place (default: {metric_default})",
    )


def _load(args):
    from .dataset import load_bulletins, read_facts_csv

    if args.data and args.paths:
        raise InputError("give bulletin PATHs or --data FACTS.csv, not both")
    if args.data and getattr(args, "corrections", None):
        raise InputError("--corrections applies to bulletins; a facts CSV written by `extract` already has them")
    if args.data:
        return read_facts_csv(args.data, _city_arg(args))
    return load_bulletins(args.paths or [settings.RAW_DIR], _city_arg(args), _corrections_arg(args))


def _region_of(args, dataset) -> str:
    """The region a command reports on: ``--region`` (the city or a county, canonical), else the data's city."""
    city = dataset.require_region()
    return city.canonical(args.region) if getattr(args, "region", None) else city.name


def _snapshot(args, dataset, region: str) -> tuple[int, int]:
    as_of = _as_of(args.as_of) if args.as_of is not None else None
    if args.year is None or as_of is None:
        year, latest = dataset.latest_snapshot(args.metric, region)
        return (args.year or year), (as_of or min(latest, 11))
    return args.year, as_of


# --- commands ---------------------------------------------------------------------------------------


def _extract_args(parser):
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="bulletin files (.txt, .html) or folders")
    _add_region_arg(parser)
    _add_corrections_arg(parser)
    _add_json_arg(parser, "a JSON list of records instead of CSV")
    parser.add_argument(
        "--xlsx",
        type=Path,
        metavar="FILE.xlsx",
        help="also write the facts as an Excel workbook, metric labels in Chinese and English beside the ids",
    )
    parser.add_argument(
        "--excel-csv",
        action="store_true",
        help="CSV that Excel opens right: UTF-8 with a byte-order mark, metric labels in Chinese",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="say what the text is about (subject, period, year: each with its evidence and confidence), why "
        "each figure was read as it was (rule, phrase, city) and list the figures filed under no metric; the "
        "facts table then carries the rule and phrase columns",
    )


def cmd_extract(args) -> int:
    """Bulletins → tidy facts (CSV on stdout); what was stripped or doubtful goes to stderr."""
    from .dataset import load_bulletins
    from .schema import FACT_COLUMNS, REVIEW_COLUMNS

    if args.xlsx is not None:
        from .report.export import check_xlsx_path

        check_xlsx_path(args.xlsx)
    dataset = load_bulletins(args.paths, _city_arg(args), _corrections_arg(args))
    for result in dataset.extractions:
        city = result.city
        found = (
            "given"
            if city and city.given
            else f"from the text: {'、'.join(city.evidence[:6])}"
            if city and city.name
            else "not named"
        )
        print(
            f"# {result.source}: encoding {result.encoding}, {len(result.facts)} facts, city {result.city_name or '?'} ({found})",
            file=sys.stderr,
        )
        if args.explain and result.document is not None:
            for line in result.document.lines():  # subject, period, year: value, evidence, confidence
                print(f"#   {line}", file=sys.stderr)
        for step in result.cleaning:
            print(f"#   removed/changed [{step.kind}] line {step.line}: {step.text}", file=sys.stderr)
        if args.explain:
            _explain(result)
    for warning in dataset.warnings:
        print(f"# warning: {warning}", file=sys.stderr)
    _print_review_marks(dataset)
    columns = [*FACT_COLUMNS, *REVIEW_COLUMNS]
    columns += ["rule", "phrase", "city"] if args.explain else []
    facts = dataset.facts[columns]
    if args.xlsx is not None:
        from .report.export import write_xlsx

        print(f"# written: {write_xlsx(facts, args.xlsx)}", file=sys.stderr)
    if args.json:
        records = json.loads(facts.to_json(orient="records", force_ascii=False))
        _print_json(records)
    elif args.excel_csv:
        from .report.export import write_excel_csv

        write_excel_csv(facts, sys.stdout)  # a byte-order mark, then text cells that are never formulas
    else:
        facts.to_csv(sys.stdout, index=False)
    return 0


def _print_review_marks(dataset) -> None:
    """Facts to confirm (low confidence), and what the analyst's corrections file did, on stderr."""
    from .corrections import to_confirm_facts

    for row in to_confirm_facts(dataset.facts).itertuples():
        print(
            f"# 待核实/to confirm (confidence {row.confidence:.2f} < {settings.CONFIRM_BELOW:g}): "
            f"{row.source} {row.region} {row.metric} = {row.value:g}; quote “{row.quote}”",
            file=sys.stderr,
        )
    fixes = dataset.corrections
    if fixes is None:
        return
    for done in fixes.applied:
        if done.fact is not None:
            print(
                f"# by the analyst ({fixes.corrections.name} entry {done.number}): {done.correction}; "
                f"{done.fact['source']} {done.fact['region']} {done.fact['metric']}; quote “{done.fact['quote']}”",
                file=sys.stderr,
            )
    for done in fixes.other_files:
        print(
            f"# {fixes.corrections.name} entry {done.number} is about {done.entry.file_name}, not read in this run",
            file=sys.stderr,
        )


def _explain(result) -> None:
    """Each fact with the rule and phrase that classified it; each figure filed under no metric, with why."""
    for row in result.facts.itertuples():
        print(
            f"#   {row.region} {row.metric} = {row.value:g}  ← rule {row.rule}, phrase “{row.phrase}”; quote “{row.quote}”",
            file=sys.stderr,
        )
    for item in result.unmapped:
        quote = result.text[item.start : item.end]
        print(
            f"#   not mapped: {item.value:g}{item.unit} — {item.reason}; phrase “{item.phrase}”; quote “{quote}”",
            file=sys.stderr,
        )


def _evaluate_args(parser):
    parser.add_argument(
        "corpus",
        type=Path,
        metavar="CORPUS_DIR",
        help="bulletins with labels: an expected.json (shared corpus schema) or NAME.expected.json files",
    )
    _add_region_arg(parser)
    parser.add_argument("--label-city", action="store_true", help="give each bulletin the city its label names")
    _add_json_arg(parser)


def cmd_evaluate(args) -> int:
    """Extract a labelled corpus and compare: recall, precision, wrong attributes, every miss and false fact."""
    from .sources.evaluate import evaluate_corpus

    result = evaluate_corpus(args.corpus, region=args.region, label_city=args.label_city)
    if args.json:
        _print_json(result.to_json())
        return 0
    print(f"{result.files} files: {result.labelled} labelled facts, {result.extracted} extracted, {result.right} right")
    print(
        f"recall {result.recall:.1%}  precision {result.precision:.1%}  "
        f"wrong attributes: {', '.join(f'{k} {v}' for k, v in result.wrong_attributes.items()) or 'none'}"
        + (f"  ({result.unscored} facts of metrics the labels do not use, not scored)" if result.unscored else "")
    )
    for name, (labelled, detected) in result.cities.items():
        if labelled and labelled != detected:
            print(f"city  {name}: labelled {labelled}, read {detected or 'none'}")
    for o in result.outcomes:
        where = f" “{o.sentence}”" if o.sentence else ""
        print(f"{o.kind:<9} {o.file}: {o.region} {o.metric} {o.value:g} {o.detail}{where}")
    return 0


def _regions_args(parser):
    parser.add_argument(
        "action",
        choices=("list", "show", "new", "check"),
        help="list: cities with a profile; show NAME: a region's units; new NAME: print a profile "
        "for a city from the national division list; check FILE|NAME: validate a profile",
    )
    parser.add_argument("name", nargs="?", metavar="NAME|FILE")


def cmd_regions(args) -> int:
    """Region profiles: list them, show one, start a new one from the national list, check one."""
    from .regions import get_region, load_profile, profile_names, profile_text

    if args.action == "list":
        for name in profile_names():
            region = get_region(name)
            print(f"{region.name}\t{region.province}\t{len(region.units)} units\t{region.profile.name}")
        return 0
    if not args.name:
        raise InputError(f"regions {args.action} needs a NAME (or FILE for check)")
    if args.action == "check" and Path(args.name).suffix == ".toml":
        region = load_profile(Path(args.name).resolve())
    else:
        region = get_region(args.name)
    if args.action == "new":
        sys.stdout.write(profile_text(region))
        return 0
    source = region.profile or "national division list (no profile)"
    print(f"{region.name} ({region.province}, {region.en}) — {source}")
    print(f"aliases: {'、'.join(region.aliases) or '—'}")
    for unit in region.units:
        extra = "、".join(unit.aliases + tuple(e.name for e in unit.eras))
        print(f"  {unit.name}\t{unit.kind}\t{unit.en}" + (f"\t({extra})" if extra else ""))
    if args.action == "check":
        print(f"ok: {len(region.units)} units, no name given to two units")
    return 0


def _forecast_args(parser):
    _add_data_args(parser)
    _add_snapshot_args(parser)
    parser.add_argument(
        "--plan", type=_plan, help="annual plan, 0.01..1000000; overrides the plan implied by 完成全年计划的X%%"
    )
    parser.add_argument(
        "--method",
        action="append",
        dest="methods",
        metavar="ID",
        help="forecast method id (repeatable; default: every method that applies)",
    )
    parser.add_argument(
        "--dispersion",
        type=_dispersion,
        help="φ for counts, 0..1: monthly counts vary as var = μ + φμ² (0 = pure Poisson); default: "
        "calibrated on real data; see docs/forecasting.md",
    )
    parser.add_argument(
        "--sigma",
        type=_sigma,
        help="σ for amounts, 0..1: the spread of the log remainder (0 = no month-to-month lumpiness); "
        "default: calibrated on real data",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="CSV",
        help="cumulative seasonal profile (month,share with 0 < share <= 1) for seasonal_share",
    )
    parser.add_argument(
        "--working-days",
        type=_working_days,
        nargs=2,
        metavar=("ELAPSED", "TOTAL"),
        help="working days elapsed and in the year (1..366), for years outside the official calendar",
    )
    _add_json_arg(parser)


def _check_spread_flags(metric_id: str, dispersion, sigma) -> None:
    """φ (--dispersion) spreads counts and σ (--sigma) amounts: the other one for a metric is a mistake to
    say, not a flag to ignore."""
    from .metrics import get_metric

    metric = get_metric(metric_id)
    if dispersion is not None and metric.kind == "amount":
        raise InputError(
            f"--dispersion is φ of counts; {metric.id} is an amount ({metric.unit}): give its spread with --sigma"
        )
    if sigma is not None and metric.kind == "count":
        raise InputError(
            f"--sigma is σ of amounts; {metric.id} is a count ({metric.unit}): give its spread with --dispersion"
        )


def cmd_forecast(args) -> int:
    """Year-end forecast of one metric from its January..M figure."""
    from .forecast import forecast_from_facts

    _check_profile(args.profile)
    _check_spread_flags(args.metric, args.dispersion, args.sigma)
    dataset = _load(args)
    region = _region_of(args, dataset)
    year, as_of = _snapshot(args, dataset, region)
    result = forecast_from_facts(
        dataset.facts,
        year=year,
        as_of=as_of,
        metric=args.metric,
        region=region,
        plan=args.plan,
        methods=args.methods,
        dispersion=args.dispersion,
        sigma=args.sigma,
        profile=args.profile,
        working_days=tuple(args.working_days) if args.working_days else None,
    )
    if args.json:
        _print_json(result)
        return 0
    from .report import Formatter
    from .report.text import text_table

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
    return 0


def _check_profile(path: Path | None) -> None:
    """A seasonal profile's shares are cumulative fractions of the year, 0 < share <= 1: a share above 1 is
    an error here, not a percent silently divided by 100 (60 could be 60% or a typo for 0.60 of a 0.6..)."""
    if path is None or not path.is_file():
        return  # a missing file is reported by the forecast with what a profile must contain
    import pandas as pd

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


def _check_backtest_numbers(frame, origin: str) -> None:
    """Every number of a backtest file inside its range (years, months 1..11, the January..M figure and the
    full-year actual in their unit's range, plan and percent of plan), before a model sees it."""
    from .dataset import check_fact_numbers

    for number, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{origin} line {number}"
        check_fact_numbers(row, where, months=bounds.AS_OF)
        unit = _metric_unit(row.metric)
        bounds.check_range(
            f"{where}: actual", row.actual, bounds.VALUE_BY_UNIT.get(unit, bounds.VALUE_BY_UNIT["个"]), unit=unit
        )
        plan = getattr(row, "plan", None)
        if plan is not None and plan == plan:  # not NaN
            bounds.check_range(f"{where}: plan", plan, bounds.PLAN, unit=unit)


def _metric_unit(metric_id: str) -> str:
    from .metrics import get_metric

    return get_metric(metric_id).unit


def _compare_args(parser):
    _add_data_args(parser)
    _add_snapshot_args(parser)
    parser.add_argument("--plans", type=Path, metavar="FILE", help="county plans CSV (year, region, metric, plan)")
    _add_json_arg(parser)


def cmd_compare(args) -> int:
    """County table for a metric: value, share, exact Poisson 95% interval, expected, funnel, rank."""
    from .compare import compare_from_facts
    from .plans import load_plans
    from .report import compare_json, comparison_words

    dataset = _load(args)
    city = dataset.require_region()
    year, as_of = _snapshot(args, dataset, city.name)
    plans = load_plans(args.plans, city) if args.plans else None
    result = compare_from_facts(dataset.facts, year=year, as_of=as_of, metric=args.metric, plans=plans, region=city)
    if args.json:
        _print_json(compare_json(result, city))  # expected_basis_zh in the catalogue's words
        return 0
    from .report import Formatter
    from .report.text import text_table

    f = Formatter("zh")
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
    return 0


def _backtest_args(parser):
    parser.add_argument(
        "file",
        type=Path,
        metavar="FILE.csv",
        help="YTD snapshots with full-year actuals: the facts columns plus `actual` (see docs/forecasting.md)",
    )
    parser.add_argument("--dispersion", type=_dispersion, help="φ for count rows, σ for amount rows, 0..1")
    _add_json_arg(parser)


def cmd_backtest(args) -> int:
    """Score every forecast method on past snapshots whose year-end outcome is known."""
    from .backtest import load_backtest_csv, run_backtest
    from .report.scores import format_backtest_table

    frame = load_backtest_csv(args.file)
    _check_backtest_numbers(frame, str(args.file))
    kwargs = {"dispersion": args.dispersion} if args.dispersion is not None else {}
    result = run_backtest(frame, **kwargs)
    if args.json:
        _print_json(result)
    else:
        print(format_backtest_table(result))
    return 0


def _calibrate_args(parser):
    parser.add_argument(
        "pairs",
        type=Path,
        nargs="+",
        metavar="PAIRS.csv",
        help="real January..M → full-year pairs, one file or several with the same columns (place, metric, "
        "year, ytd_month, ytd_value, full_year_value, unit; optional plan_value, definition_match); "
        "see docs/forecasting.md",
    )
    # dest out_file: ``out`` is an output folder for the other commands (created before they run)
    parser.add_argument(
        "--out",
        dest="out_file",
        type=Path,
        metavar="FILE.json",
        help="where to write the calibration (default: the one shipped with the package, used by "
        "every forecast; elsewhere, set JZANALYSIS_CALIBRATION=FILE.json to use it)",
    )
    parser.add_argument(
        "--no-evaluate",
        action="store_true",
        help="skip the leave-one-city-out evaluation (faster; the file then has no scores)",
    )
    _add_json_arg(parser, "the calibration as one JSON object")


def cmd_calibrate(args) -> int:
    """Refit the default forecast's calibration on real pairs, score it leaving one city out, write it."""
    from .backtest import evaluate_pairs
    from .forecast.calibration import PACKAGED, fit_calibration, read_pairs_csv
    from .report.scores import format_calibration_table, format_pairs_table

    pairs, source = read_pairs_csv(args.pairs)
    calibration = fit_calibration(pairs, source=source)
    table = None
    if not args.no_evaluate:
        result = evaluate_pairs(pairs)
        calibration = calibration.with_evaluation(result)
        table = format_pairs_table(result)
    path = calibration.write(args.out_file or PACKAGED)
    if args.json:
        _print_json(calibration.to_dict())
        return 0
    print(format_calibration_table(calibration))
    if table:
        print()
        print(table)
    print(f"\nwritten: {path} (calibration {calibration.id})")
    return 0


def _report_args(parser, *, grid: bool = False):
    default_source = None if grid else settings.SEED_BULLETIN
    parser.add_argument(
        "--source",
        type=Path,
        default=default_source,
        help="bulletin file or folder (default: the seed bulletin in data/raw/"
        + (", or the grid's source)" if grid else ")"),
    )
    _add_region_arg(parser)
    parser.add_argument("--year", type=_year, help="year, 1990..2100 (default: latest in the data)")
    parser.add_argument("--as-of", dest="as_of", type=str, metavar="M", help="January..M, 1..11 (default: latest)")
    parser.add_argument(
        "--out",
        type=Path,
        default=settings.REPORTS_DIR,
        help="output folder (default: reports/); each run in a folder of its own",
    )
    parser.add_argument(
        "--method", action="append", dest="methods", metavar="ID", help="forecast method id (repeatable)"
    )
    parser.add_argument(
        "--dispersion",
        type=_dispersion,
        help="φ for project counts, 0..1 (default: calibrated on real data); 0 = pure Poisson",
    )
    parser.add_argument("--sigma", type=_sigma, help="σ for amounts such as funds in place, 0..1 (default: calibrated)")
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
    parser.add_argument("--plans", type=Path, metavar="FILE", help="county plans CSV")
    _add_corrections_arg(parser)
    parser.add_argument(
        "--format",
        action="append",
        dest="formats",
        choices=("html", "pdf"),
        help="output formats (default: html and pdf)",
    )


def _report_params(args):
    from .params import ReportParams

    as_of = _as_of(args.as_of) if args.as_of is not None else None
    if not args.source.exists():
        raise InputError(f"no such file or folder: {args.source}")
    if args.plans is not None and not args.plans.is_file():
        raise InputError(f"no such county plans file: {args.plans}")
    return ReportParams.build(
        source=str(args.source.resolve()),
        year=args.year,
        as_of_month=as_of,
        region=args.region,
        methods=tuple(args.methods) if args.methods else None,
        dispersion=args.dispersion,
        sigma=args.sigma,
        plans=_plan_overrides(args.plan_overrides),
        county_plans=str(args.plans.resolve()) if args.plans else None,
        corrections=_corrections_arg(args),
        language=args.lang or "zh",
    )


def _plan_overrides(items: list[str] | None) -> dict[str, float]:
    """``--plan projects_100m=300`` → {"projects_100m": 300.0}; a malformed item is one line naming the form."""
    from .metrics import get_metric

    plans: dict[str, float] = {}
    for item in items or []:
        metric, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--plan {item!r}: allowed: METRIC=VALUE, e.g. projects_100m=300")
        get_metric(metric.strip())
        try:
            plans[metric.strip()] = _ascii_number(value.strip())
        except ValueError:
            raise InputError(f"--plan {item!r}: the plan must be a number {bounds.describe(bounds.PLAN)}") from None
    return plans


def _interrupted_line(result) -> str:
    left = len(result.jobs) - len(result.done) - len(result.cached) - len(result.failed)
    word = "terminated" if result.interrupted == signal.SIGTERM else "interrupted"  # as the README promises
    return (
        f"{word}: {len(result.done) + len(result.cached)} of {len(result.jobs)} runs published, {left} left; "
        "run the same command again to finish them"
    )


def _undated_stem(params) -> str:
    """The name of a report on a bulletin without a usable dated figure: ``bulletin_2017``, ``bulletin_undated``."""
    from .report import file_suffix

    return f"bulletin_{params.year or 'undated'}{file_suffix(params)}"


def _sweep(out: Path) -> None:
    """What killed runs left, removed before anything else (whether or not this run gets far): their
    staging folders in ``out``, their kernels' folders in /tmp."""
    from .kernels import remove_stale_temp_dirs
    from .runner import remove_stale_staging

    remove_stale_staging(Path(out))
    remove_stale_temp_dirs()


def cmd_report(args) -> int:
    """Run the report notebook through papermill into --out/<name>/: notebook, HTML (code hidden), PDF, run.json."""
    from .analysis_cache import artifact_key
    from .batch import InlineExecutor, Job, run_jobs
    from .batch.grid import headline
    from .batch.progress import Progress
    from .pipeline import analyse
    from .runner import check_formats, report_stem, report_title

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
    quiet = Progress(total=1, enabled=False)
    result = run_jobs(
        [job],
        args.out,
        executor=InlineExecutor(),
        force=True,
        progress=quiet,
        analyses={artifact_key(params, True): (params, True, analysis)},
    )
    if result.interrupted:
        print(f"jzanalysis report: {_interrupted_line(result)}", file=sys.stderr)
        return result.exit_status
    if result.failed:
        _, _line, error = result.failed[0]
        if error.get("input_error"):
            raise InputError(error["evalue"])
        return 1
    folder = result.folder(job)
    lines = [f"{kind}: {folder / f'{job.name}.{kind}'}" for kind in formats]
    failed = _print_published([*lines, f"notebook: {folder / f'{job.name}.ipynb'}"], folder, "report")
    if failed:
        return failed
    print(f"done in {result.seconds:.1f} s", file=sys.stderr)
    return 0


def _print_published(lines: list[str], where: Path, command: str) -> int:
    """Print the paths of what was published; 0, or 1 when stdout is closed or cannot be written (a full
    disk), said as what it is: the files are published, only their paths could not be printed."""
    try:
        if sys.stdout is None:  # started with stdout closed (`>&-`)
            raise OSError(errno.EBADF, "stdout is closed")
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader left: status 0, as for every command
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "stdout is closed"
        _silence_stdout()
        print(
            f"jzanalysis {command}: error: published in {where}, but the paths could not be written to stdout "
            f"({reason})",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return 0


def _batch_args(parser):
    parser.add_argument(
        "grid",
        nargs="?",
        type=Path,
        metavar="GRID.yaml",
        help="a grid of notebooks × parameters (the monthly set: batch.yaml); "
        "without one, the monthly set from the flags below",
    )
    _report_args(parser, grid=True)
    for flag, parse, metavar, what in (
        ("--scenario-dispersion", _dispersion, "PHI", "overdispersion φ of project counts (e.g. 0.1 0.5)"),
        ("--scenario-sigma", _sigma, "SIGMA", "spread σ of amounts such as funds"),
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
        type=_number_type((1, 1_000_000), whole=True),
        default=None,
        metavar="N",
        help="refuse a grid of more runs than this (default: 1000)",
    )


def cmd_batch(args) -> int:
    """The monthly set (or any grid): each run once per change of its inputs, an index, a manifest.

    Exit status: 0 all runs published (or unchanged), 1 some run failed (one line each above the
    summary), 2 bad input (nothing was run), 130 interrupted (run the same command again to finish).
    """
    import os

    from .batch import DaskExecutor, LocalExecutor, monthly_grid, override, read_grid, run_batch

    for phi in args.scenario_dispersion:
        if phi < 0:
            raise InputError(f"--scenario-dispersion values must be >= 0 (0 = pure Poisson), got {phi}")
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be at least 1, got {args.workers}")
    if args.source is not None and not args.source.exists():
        raise InputError(f"no such file or folder: {args.source}")
    if args.plans is not None and not args.plans.is_file():
        raise InputError(f"no such county plans file: {args.plans}")
    if args.out.exists() and not args.out.is_dir():
        raise InputError(f"--out {args.out} is a file, not a folder")
    formats = tuple(args.formats) if args.formats else None
    values = dict(
        region=args.region,
        year=args.year,
        as_of_month=int(args.as_of) if args.as_of else None,
        methods=list(args.methods) if args.methods else None,
        dispersion=args.dispersion,
        sigma=args.sigma,
        plans=_plan_overrides(args.plan_overrides) or None,
        county_plans=str(args.plans.resolve()) if args.plans else None,
        corrections=_corrections_arg(args),
    )
    if args.lang is not None:
        values["language"] = args.lang
    if args.grid is not None:
        if args.scenario_dispersion or args.scenario_sigma or args.no_counties or args.no_audit:
            raise InputError(
                "--scenario-dispersion, --no-counties and --no-audit describe the monthly set without a "
                "grid file; put them in the grid instead (see batch.yaml)"
            )
        limit = {"max_runs": args.max_runs} if args.max_runs else {}
        spec = override(read_grid(args.grid, **limit), source=str(args.source) if args.source else None, **values)
        if formats:
            spec.formats = formats
            spec.overrides["formats"] = list(formats)
    else:
        spec = monthly_grid(
            source=str(args.source) if args.source else None,
            scenarios=tuple(args.scenario_dispersion),
            sigma_scenarios=tuple(args.scenario_sigma),
            counties=not args.no_counties,
            audit=not args.no_audit,
            formats=formats or ("html", "pdf"),
            **values,
        )
    if args.scheduler:
        executor = DaskExecutor(args.scheduler, debug=getattr(args, "debug", False))
    else:
        executor = LocalExecutor(workers=args.workers or max(1, min(os.cpu_count() or 1, 8)))
    try:
        result = run_batch(spec, args.out, executor=executor, force=args.force)
    except KeyboardInterrupt:  # while planning: nothing was run or written yet
        print("jzanalysis batch: interrupted before any run started", file=sys.stderr)
        return 130
    failed = _print_published([f"index: {result.index}"], result.out_dir, "batch")
    if failed:
        return failed
    if result.interrupted:
        print(f"jzanalysis batch: {_interrupted_line(result)}", file=sys.stderr)
    else:
        summary = (
            f"{len(result.jobs)} runs: {len(result.done)} done, {len(result.cached)} unchanged, "
            f"{len(result.failed)} failed, in {result.seconds:.1f} s"
        )
        print(summary if not result.failed else f"jzanalysis batch: {summary}", file=sys.stderr)
    return result.exit_status


def _manifest_args(parser):
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        default=settings.RAW_DIR,
        metavar="FOLDER",
        help="folder of raw bulletins (default: data/raw/)",
    )
    parser.add_argument(
        "--accept-changes",
        action="store_true",
        help="record the new sha256 of listed files whose bytes changed (otherwise an error)",
    )


def cmd_manifest(args) -> int:
    """(Re)write FOLDER/manifest.json: the sha256 of every bulletin in FOLDER. Entries of unchanged files are
    kept, new files added, entries of files that are gone dropped; a changed file is an error unless
    --accept-changes (raw bulletins are immutable); a symbolic link is refused."""
    from .dataset import write_manifest

    update = write_manifest(args.folder, accept_changes=args.accept_changes)
    if update.replaced_invalid:
        print(f"# the old manifest could not be read ({update.replaced_invalid}); written anew", file=sys.stderr)
    for label, names in (("added", update.added), ("updated", update.updated), ("dropped", update.dropped)):
        for name in names:
            print(f"{label}: {name}")
    print(update.summary())
    return 0


COMMANDS: dict[str, tuple[Callable, Callable, str]] = {
    "extract": (_extract_args, cmd_extract, "bulletins → tidy facts table (CSV or JSON)"),
    "evaluate": (_evaluate_args, cmd_evaluate, "measure extraction on labelled bulletins: recall, precision, misses"),
    "regions": (_regions_args, cmd_regions, "region profiles: list, show, new (from the national list), check"),
    "forecast": (_forecast_args, cmd_forecast, "year-end forecast of a metric, every method"),
    "compare": (_compare_args, cmd_compare, "county comparison with exact intervals and funnel limits"),
    "backtest": (_backtest_args, cmd_backtest, "score forecast methods on snapshots with known outcomes"),
    "calibrate": (_calibrate_args, cmd_calibrate, "refit the default forecast on real YTD → full-year pairs"),
    "report": (_report_args, cmd_report, "run the report notebook → HTML and PDF in reports/<name>/"),
    "batch": (_batch_args, cmd_batch, "a grid of reports (the monthly set): each run once per change, in parallel"),
    "manifest": (_manifest_args, cmd_manifest, "(re)write data/raw/manifest.json: the sha256 of every raw bulletin"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="jzanalysis",
        description="招商引资 progress bulletins: facts, forecasts, county comparison, reports.",
        epilog="exit status: 0 done, 2 bad input, 1 a failed run, 130 interrupted, 143 terminated",
    )
    parser.add_argument("--version", action="version", version=f"jzanalysis {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error instead of one line")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
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


#: Exit statuses (documented in the README, "Errors and exit statuses").
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


class Terminated(BaseException):
    """SIGTERM, raised in the main process like Ctrl-C's KeyboardInterrupt so that every ``finally`` and
    context manager on the way out runs (temporary folders, kernels, worker pools)."""


_MAIN_PID = os.getpid()  # set again by main(): the process whose SIGTERM unwinds


def _on_sigterm(signum, frame):
    if os.getpid() != _MAIN_PID:
        # a forked worker inherits this handler: it ends as SIGTERM ends a process, without unwinding
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return
    raise Terminated()


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", str(text).strip())


def _os_error_line(exc: OSError) -> str:
    """An environment failure in one line: what happened, to which file, and what to do."""
    reason = exc.strerror or type(exc).__name__
    where = "" if exc.filename is None else f": {os.fsdecode(exc.filename)}"
    if exc.filename2 is not None:
        where += f" → {os.fsdecode(exc.filename2)}"
    hint = {
        errno.ENOSPC: "free some space and run again",
        errno.EROFS: "write somewhere writable (e.g. --out)",
        errno.EACCES: "check the permissions",
        errno.EPERM: "check the permissions",
        errno.EDQUOT: "free some space and run again",
    }.get(exc.errno, "")
    return f"{reason}{where}" + (f"; {hint}" if hint else "")


def _encoding_line(exc: UnicodeEncodeError) -> str:
    """Text that could not be encoded: a file name that is not UTF-8 (a lone surrogate), or Chinese on an
    output whose encoding cannot show it."""
    text = exc.object if isinstance(exc.object, str) else ""
    culprit = text[exc.start : exc.end]
    if any("\udc80" <= ch <= "\udcff" for ch in culprit):
        from .sources.read import printable

        context = printable(text[max(0, exc.start - 40) : exc.end + 40])
        return f"a file name that is not valid UTF-8 cannot be written ({context!r}); rename the file"
    encoding = getattr(sys.stdout, "encoding", None) or "?"
    return f"cannot write {culprit!r} in the output's encoding ({encoding}); set PYTHONIOENCODING=utf-8"


def _check_out(out: Path) -> Path | None:
    """--out must be a folder that can be written: created when missing (returned then), tried with a
    temporary file. A file there, /proc/x, a read-only file system: one-line InputError before any work."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; allowed: a folder (created if missing)")
    created = None  # the outermost folder this run creates (out itself, or an ancestor missing too)
    for folder in (out.absolute(), *out.absolute().parents):
        if folder.exists():
            break
        created = folder
    try:
        out.mkdir(parents=True, exist_ok=True)
        import tempfile

        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise InputError(
            f"--out {out} cannot hold the reports ({exc.strerror or exc}); allowed: a folder you can write"
        ) from None
    return created


def _flush_stdout() -> None:
    """Flush now, inside the error boundary: a full disk or a closed pipe on stdout surfaces here, not as an
    'Exception ignored' message when Python exits. No stdout at all (started with it closed): nothing to do."""
    if sys.stdout is not None:
        sys.stdout.flush()


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that Python's last flush at exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced in-process (tests): nothing to redirect
        pass


def _hold_closed_descriptors() -> None:
    """Started with stdin, stdout or stderr closed (``>&-``): put /dev/null on that descriptor, so that no file,
    socket or kernel pipe opened later takes its number (a kernel writing to "stdout" would write into it).
    ``sys.stdout`` stays None: what a command prints says it could not be printed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)  # inheritable, as a standard descriptor must be
                    os.close(null)
                else:  # the lowest free number was that very one: make it inheritable too
                    os.set_inheritable(fd, True)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _prepare(args) -> None:
    """Checks of the shared arguments before any data is read, so bad input is answered at once."""
    if getattr(args, "as_of", None) is not None:
        args.as_of = str(_as_of(args.as_of))
    if getattr(args, "metric", None) is not None:
        from .metrics import get_metric

        get_metric(args.metric)
    for option in ("source", "out", "plans"):
        value = getattr(args, option, None)
        if value is not None and not _is_utf8(str(value)):
            # a report records its paths in the notebook (JSON, UTF-8); extract/forecast print names escaped
            from .sources.read import printable

            raise InputError(
                f"--{option} {printable(str(value))} is not a valid UTF-8 name; a report records it in "
                "its notebook: rename it (e.g. convmv -f gbk -t utf8)"
            )
    if getattr(args, "out", None) is not None:
        args.created_out = _check_out(Path(args.out))


def _run(args) -> int:
    _prepare(args)
    status = args.run(args)
    _flush_stdout()
    return status


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status (see :data:`EXIT_OK` …). Only ``--debug`` lets a traceback out."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed as one line
        return EXIT_OK if exc.code is None else exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    prog = f"jzanalysis {args.command}"
    _hold_closed_descriptors()
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    unset = object()
    previous_sigterm = unset
    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        previous_sigterm = signal.signal(signal.SIGTERM, _on_sigterm)
    status = EXIT_FAILED
    try:
        status = _run(args)
    except BrokenPipeError:  # `jzanalysis extract ... | head`: the reader has all it wanted
        _silence_stdout()
        status = EXIT_OK
    except InputError as exc:
        status = _report(args, prog, f"error: {_one_line(exc)}", exc.exit_status)
    except KeyboardInterrupt:
        status = _report(args, prog, "interrupted", EXIT_INTERRUPTED)
    except Terminated:
        status = _report(args, prog, "terminated", EXIT_TERMINATED)
    except OSError as exc:
        status = _report(args, prog, f"error: {_one_line(_os_error_line(exc))}", EXIT_FAILED)
    except UnicodeEncodeError as exc:
        status = _report(args, prog, f"error: {_encoding_line(exc)}", EXIT_FAILED)
    except Exception as exc:  # the last line of the boundary: a bug, said as one
        if type(exc).__name__ == "NotebookFailed":  # a notebook cell failed: its own one-line summary
            line = f"error: {_one_line(exc)} (run again with --debug for the details)"
        else:
            line = (
                f"internal error (a bug, please report it): {type(exc).__name__}: {_one_line(exc)[:300]}; "
                "run again with --debug for the traceback"
            )
        status = _report(args, prog, line, EXIT_FAILED)
    finally:
        if previous_sigterm is not unset:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous_sigterm is None else previous_sigterm)
        if status != EXIT_OK and getattr(args, "created_out", None):
            _remove_if_empty(Path(args.out).absolute(), args.created_out)
    return status


def _report(args, prog: str, line: str, status: int) -> int:
    """Say what went wrong: one line, or with --debug the traceback (the exit status is the same)."""
    try:
        if getattr(args, "debug", False):
            import traceback

            traceback.print_exc()
        print(f"{prog}: {line}", file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr itself is gone: the exit status still says it
        pass
    return status


def _remove_if_empty(folder: Path, created: Path | None = None) -> None:
    """A folder this run created for its output and left empty (the run failed) is removed again, and the
    folders it created around it (up to ``created``)."""
    with contextlib.suppress(OSError):  # not empty, or gone: leave it
        while True:
            folder.rmdir()
            if created is None or folder == created or created not in folder.parents:
                break
            folder = folder.parent


if __name__ == "__main__":
    sys.exit(main())
