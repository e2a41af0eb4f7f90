"""Command line: ``jzanalysis extract | evaluate | regions | forecast | compare | backtest | report | batch``.

Bad input is one line on stderr and exit status 2 (``--debug`` shows the traceback); a report is never
half-written. Commands are a small registry: each entry adds its arguments and runs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

from . import __version__, settings
from .errors import InputError


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and exit status 2) instead of usage + message."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _json_default(value):
    import datetime as dt

    import numpy as np

    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (dt.date, Path)):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.write("\n")


def _as_of(value: str) -> int:
    from .calendar import check_as_of

    try:
        month = int(value)
    except ValueError:
        raise InputError(f"--as-of must be a whole month number 1..11, got {value!r}") from None
    return check_as_of(month)


# --- shared argument groups ------------------------------------------------------------------------

def _add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="bulletin files or folders (default: data/raw/)")
    parser.add_argument("--data", type=Path, metavar="FACTS.csv",
                        help="a facts table written by `jzanalysis extract` instead of bulletins")
    _add_region_arg(parser)


def _add_region_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", metavar="NAME",
                        help="the city the bulletins are about (or one of its counties), e.g. 荆州市 or 六安; "
                             "default: found from each text (see `jzanalysis regions list`)")


def _city_arg(args):
    """The city ``--region`` names (a county's name gives its city), or None to find it from the text."""
    name = getattr(args, "region", None)
    if not name:
        return None
    from .regions import find_region, get_region, infer_region

    return find_region(name) or infer_region([name]) or get_region(name)


def _add_snapshot_args(parser: argparse.ArgumentParser, metric_default: str | None = None) -> None:
    parser.add_argument("--year", type=int, help="year of the January..M figures (default: latest in the data)")
    parser.add_argument("--as-of", dest="as_of", type=str, metavar="M",
                        help="the figures cover January..M, 1..11 (default: latest in the data)")
    parser.add_argument("--metric", default=metric_default, required=metric_default is None,
                        help="metric id, e.g. projects_100m, funds_in_place")


def _load(args):
    from .dataset import load_bulletins, read_facts_csv

    if args.data and args.paths:
        raise InputError("give bulletin PATHs or --data FACTS.csv, not both")
    if args.data:
        return read_facts_csv(args.data, _city_arg(args))
    return load_bulletins(args.paths or [settings.RAW_DIR], _city_arg(args))


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
    parser.add_argument("--json", action="store_true", help="print a JSON list of records instead of CSV")
    parser.add_argument("--explain", action="store_true",
                        help="say why each figure was read as it was (rule, phrase, city) and list the figures "
                             "filed under no metric; the facts table then carries the rule and phrase columns")


def cmd_extract(args) -> int:
    """Bulletins → tidy facts (CSV on stdout); what was stripped or doubtful goes to stderr."""
    from .dataset import load_bulletins
    from .schema import FACT_COLUMNS

    dataset = load_bulletins(args.paths, _city_arg(args))
    for result in dataset.extractions:
        city = result.city
        found = "given" if city and city.given else f"from the text ({'、'.join(city.evidence[:6])})" if city and city.name else "not named"
        print(f"# {result.source}: encoding {result.encoding}, {len(result.facts)} facts, city {result.city_name or '?'} ({found})",
              file=sys.stderr)
        for step in result.cleaning:
            print(f"#   removed/changed [{step.kind}] line {step.line}: {step.text}", file=sys.stderr)
        if args.explain:
            _explain(result)
    for warning in dataset.warnings:
        print(f"# warning: {warning}", file=sys.stderr)
    columns = FACT_COLUMNS + (["rule", "phrase", "city"] if args.explain else [])
    facts = dataset.facts[columns]
    if args.json:
        records = json.loads(facts.to_json(orient="records", force_ascii=False))
        _print_json(records)
    else:
        facts.to_csv(sys.stdout, index=False)
    return 0


def _explain(result) -> None:
    """Each fact with the rule and phrase that classified it; each figure filed under no metric, with why."""
    for row in result.facts.itertuples():
        print(f"#   {row.region} {row.metric} = {row.value:g}  ← rule {row.rule}, phrase “{row.phrase}”; quote “{row.quote}”",
              file=sys.stderr)
    for item in result.unmapped:
        quote = result.text[item.start:item.end]
        print(f"#   not mapped: {item.value:g}{item.unit} — {item.reason}; phrase “{item.phrase}”; quote “{quote}”", file=sys.stderr)


def _evaluate_args(parser):
    parser.add_argument("corpus", type=Path, metavar="CORPUS_DIR",
                        help="bulletins with labels: an expected.json (shared corpus schema) or NAME.expected.json files")
    _add_region_arg(parser)
    parser.add_argument("--label-city", action="store_true", help="give each bulletin the city its label names")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_evaluate(args) -> int:
    """Extract a labelled corpus and compare: recall, precision, wrong attributes, every miss and false fact."""
    from .sources.evaluate import evaluate_corpus

    result = evaluate_corpus(args.corpus, region=args.region, label_city=args.label_city)
    if args.json:
        _print_json(result.to_json())
        return 0
    print(f"{result.files} files: {result.labelled} labelled facts, {result.extracted} extracted, {result.right} right")
    print(f"recall {result.recall:.1%}  precision {result.precision:.1%}  "
          f"wrong attributes: {', '.join(f'{k} {v}' for k, v in result.wrong_attributes.items()) or 'none'}"
          + (f"  ({result.unscored} facts of metrics the labels do not use, not scored)" if result.unscored else ""))
    for name, (labelled, detected) in result.cities.items():
        if labelled and labelled != detected:
            print(f"city  {name}: labelled {labelled}, read {detected or 'none'}")
    for o in result.outcomes:
        where = f" “{o.sentence}”" if o.sentence else ""
        print(f"{o.kind:<9} {o.file}: {o.region} {o.metric} {o.value:g} {o.detail}{where}")
    return 0


def _regions_args(parser):
    parser.add_argument("action", choices=("list", "show", "new", "check"),
                        help="list: cities with a profile; show NAME: a region's units; new NAME: print a profile "
                             "for a city from the national division list; check FILE|NAME: validate a profile")
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
    parser.add_argument("--plan", type=float, help="annual plan; overrides the plan implied by 完成全年计划的X%%")
    parser.add_argument("--method", action="append", dest="methods", metavar="ID",
                        help="forecast method id (repeatable; default: every method that applies)")
    parser.add_argument("--dispersion", type=float,
                        help="spread of the default model: φ for counts (var = μ + φμ², 0 = pure Poisson, default 0.25), "
                             "σ of the log remainder for amounts (default 0.35); see docs/forecasting.md")
    parser.add_argument("--profile", type=Path, metavar="CSV", help="cumulative seasonal profile (month,share) for seasonal_share")
    parser.add_argument("--working-days", type=int, nargs=2, metavar=("ELAPSED", "TOTAL"),
                        help="working days elapsed and in the year, for years outside the official calendar")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_forecast(args) -> int:
    """Year-end forecast of one metric from its January..M figure."""
    from .forecast import forecast_from_facts

    dataset = _load(args)
    region = _region_of(args, dataset)
    year, as_of = _snapshot(args, dataset, region)
    if args.plan is not None and not args.plan > 0:
        raise InputError(f"--plan must be > 0, got {args.plan}")
    result = forecast_from_facts(
        dataset.facts, year=year, as_of=as_of, metric=args.metric, region=region, plan=args.plan,
        methods=args.methods, dispersion=args.dispersion, profile=args.profile,
        working_days=tuple(args.working_days) if args.working_days else None,
    )
    if args.json:
        _print_json(result)
        return 0
    print(f"{result['region']} {result['metric']} {result['year']} 1-{result['as_of']}月: YTD {result['ytd']:g}, plan {result['plan']:.1f}" if result.get("plan") else f"{result['region']} {result['metric']} {result['year']} 1-{result['as_of']}月: YTD {result['ytd']:g}, no plan")
    print(f"{'method':<24}{'point':>10}{'80% interval':>22}{'95% interval':>22}{'P(meet plan)':>14}")
    for m in result["methods"]:
        p = "" if m.get("p_meet_plan") is None else f"{m['p_meet_plan']:.2f}"
        star = "*" if m["method"] == result["forecast"]["method"] else " "
        print(f"{star}{m['method']:<23}{m['point']:>10.1f}{_fmt_interval(m['interval80']):>22}{_fmt_interval(m['interval95']):>22}{p:>14}")
    print("* default method")
    return 0


def _fmt_interval(interval) -> str:
    return f"[{interval[0]:.1f}, {interval[1]:.1f}]"


def _compare_args(parser):
    _add_data_args(parser)
    _add_snapshot_args(parser, metric_default="projects_100m")
    parser.add_argument("--plans", type=Path, metavar="FILE", help="county plans CSV (year, region, metric, plan)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_compare(args) -> int:
    """County table for a metric: value, share, exact Poisson 95% interval, expected, funnel, rank."""
    from .compare import compare_from_facts, county_sentences
    from .plans import load_plans

    dataset = _load(args)
    city = dataset.require_region()
    year, as_of = _snapshot(args, dataset, city.name)
    plans = load_plans(args.plans, city) if args.plans else None
    result = compare_from_facts(dataset.facts, year=year, as_of=as_of, metric=args.metric, plans=plans, region=city)
    if args.json:
        _print_json(result)
        return 0
    print(f"{result['metric']} {result['year']} 1-{result['as_of']}月, expected: {result['expected_basis']}")
    print(f"{'region':<10}{'value':>7}{'share':>8}{'95% CI':>18}{'expected':>10}{'O/E':>7}  funnel   rank")
    for c in result["counties"]:
        print(f"{c['region']:<10}{c['value']:>7g}{c['share']:>8.1%}{_fmt_interval(c['ci95']):>18}{c['expected']:>10.1f}{c['oe']:>7.2f}  {c['funnel']:<8} {c['rank']}")
    h = result["homogeneity"]
    print(f"chi-square {h['chi2']:.2f} on {h['df']} df, p = {h['p']:.2f}")
    for sentence in county_sentences(result):
        print(sentence)
    return 0


def _backtest_args(parser):
    parser.add_argument("file", type=Path, metavar="FILE.csv",
                        help="YTD snapshots with full-year actuals: the facts columns plus `actual` (see docs/forecasting.md)")
    parser.add_argument("--dispersion", type=float, help="overdispersion φ for counts")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def cmd_backtest(args) -> int:
    """Score every forecast method on past snapshots whose year-end outcome is known."""
    from .backtest import format_backtest_table, load_backtest_csv, run_backtest

    frame = load_backtest_csv(args.file)
    kwargs = {"dispersion": args.dispersion} if args.dispersion is not None else {}
    result = run_backtest(frame, **kwargs)
    if args.json:
        _print_json(result)
    else:
        print(format_backtest_table(result))
    return 0


def _calibrate_args(parser):
    parser.add_argument("pairs", type=Path, metavar="PAIRS.csv",
                        help="real January..M → full-year pairs (columns: place, metric, year, ytd_month, ytd_value, "
                             "full_year_value, unit; optional plan_value); see docs/forecasting.md")
    parser.add_argument("--out", type=Path, metavar="FILE.json",
                        help="where to write the calibration (default: the one shipped with the package, used by "
                             "every forecast; elsewhere, set JZANALYSIS_CALIBRATION=FILE.json to use it)")
    parser.add_argument("--no-evaluate", action="store_true",
                        help="skip the leave-one-city-out evaluation (faster; the file then has no scores)")
    parser.add_argument("--json", action="store_true", help="print the calibration as one JSON object")


def cmd_calibrate(args) -> int:
    """Refit the default forecast's calibration on real pairs, score it leaving one city out, write it."""
    from .backtest import evaluate_pairs, format_pairs_table
    from .forecast.calibration import PACKAGED, fit_calibration, format_calibration_table, read_pairs_csv

    pairs, source = read_pairs_csv(args.pairs)
    calibration = fit_calibration(pairs, source=source)
    table = None
    if not args.no_evaluate:
        result = evaluate_pairs(pairs)
        calibration = calibration.with_evaluation(result)
        table = format_pairs_table(result)
    path = calibration.write(args.out or PACKAGED)
    if args.json:
        _print_json(calibration.to_dict())
        return 0
    print(format_calibration_table(calibration))
    if table:
        print()
        print(table)
    print(f"\nwritten: {path} (calibration {calibration.id})")
    return 0


def _report_args(parser):
    parser.add_argument("--source", type=Path, default=settings.SEED_BULLETIN,
                        help="bulletin file or folder (default: the seed bulletin in data/raw/)")
    _add_region_arg(parser)
    parser.add_argument("--year", type=int, help="year (default: latest in the data)")
    parser.add_argument("--as-of", dest="as_of", type=str, metavar="M", help="January..M, 1..11 (default: latest)")
    parser.add_argument("--out", type=Path, default=settings.REPORTS_DIR, help="output folder (default: reports/)")
    parser.add_argument("--method", action="append", dest="methods", metavar="ID", help="forecast method id (repeatable)")
    parser.add_argument("--dispersion", type=float, help="overdispersion φ for counts")
    parser.add_argument("--plans", type=Path, metavar="FILE", help="county plans CSV")
    parser.add_argument("--format", action="append", dest="formats", choices=("html", "pdf"),
                        help="output formats (default: html and pdf)")


def _report_params(args):
    from .params import ReportParams

    as_of = _as_of(args.as_of) if args.as_of is not None else None
    if not args.source.exists():
        raise InputError(f"no such file or folder: {args.source}")
    if args.plans is not None and not args.plans.is_file():
        raise InputError(f"no such county plans file: {args.plans}")
    return ReportParams.build(
        source=str(args.source.resolve()), year=args.year, as_of_month=as_of, region=args.region,
        methods=tuple(args.methods) if args.methods else None, dispersion=args.dispersion,
        county_plans=str(args.plans.resolve()) if args.plans else None,
    )


def cmd_report(args) -> int:
    """Run the report notebook through papermill into --out, with HTML (code hidden) and PDF."""
    from .pipeline import analyse
    from .runner import run_report

    params = _report_params(args)
    # Analyse once here, before a kernel starts: bad input fails in a second with one line, and the
    # snapshot (year, month) the data holds names the files.
    analysis = analyse(params)
    params = analysis.params
    artifacts = run_report(params, args.out, formats=tuple(args.formats or ("html", "pdf")))
    for kind, path in artifacts.files.items():
        print(f"{kind}: {path}")
    print(f"notebook: {artifacts.notebook}")
    print(f"done in {artifacts.seconds:.1f} s", file=sys.stderr)
    return 0


def _batch_args(parser):
    _report_args(parser)
    parser.add_argument("--scenario-dispersion", type=float, nargs="+", default=[], metavar="PHI",
                        help="extra forecast reports, one per overdispersion φ (e.g. 0 0.1 0.3)")
    parser.add_argument("--no-counties", action="store_true", help="skip the county comparison and one-pagers")
    parser.add_argument("--no-audit", action="store_true", help="skip the data-audit notebook")
    parser.add_argument("--jobs", type=int, default=2, metavar="N",
                        help="notebooks run at once, each in its own process and kernel (default 2)")


def cmd_batch(args) -> int:
    """The monthly set: forecast report, dispersion scenarios, county comparison, a one-pager per county, data audit."""
    from .batch import plan_batch, run_batch

    params = _report_params(args)
    for phi in args.scenario_dispersion:
        if phi < 0:
            raise InputError(f"--scenario-dispersion values must be >= 0 (0 = pure Poisson), got {phi}")
    from .pipeline import analyse

    analysis = analyse(params)
    jobs = plan_batch(analysis, scenarios=tuple(args.scenario_dispersion), counties=not args.no_counties,
                      audit=not args.no_audit)
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {args.jobs}")
    done = run_batch(jobs, args.out, formats=tuple(args.formats or ("html", "pdf")),
                     progress=lambda line: print(line, file=sys.stderr), workers=args.jobs)
    for job, artifacts in done:
        for kind, path in artifacts.files.items():
            print(f"{kind}: {path}")
    print(f"index: {Path(args.out).resolve() / 'index.html'}")
    return 0


COMMANDS: dict[str, tuple[Callable, Callable, str]] = {
    "extract": (_extract_args, cmd_extract, "bulletins → tidy facts table (CSV or JSON)"),
    "evaluate": (_evaluate_args, cmd_evaluate, "measure extraction on labelled bulletins: recall, precision, misses"),
    "regions": (_regions_args, cmd_regions, "region profiles: list, show, new (from the national list), check"),
    "forecast": (_forecast_args, cmd_forecast, "year-end forecast of a metric, every method"),
    "compare": (_compare_args, cmd_compare, "county comparison with exact intervals and funnel limits"),
    "backtest": (_backtest_args, cmd_backtest, "score forecast methods on snapshots with known outcomes"),
    "calibrate": (_calibrate_args, cmd_calibrate, "refit the default forecast on real YTD → full-year pairs"),
    "report": (_report_args, cmd_report, "run the report notebook → HTML and PDF in reports/"),
    "batch": (_batch_args, cmd_batch, "the monthly set of reports: forecast, scenarios, counties, audit"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(prog="jzanalysis", description="招商引资 progress bulletins: facts, forecasts, county comparison, reports.")
    parser.add_argument("--version", action="version", version=f"jzanalysis {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for input errors")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)
    for name, (add_args, run, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=(run.__doc__ or help_text).strip())
        command.add_argument("--debug", action="store_true", help="show tracebacks for input errors")
        add_args(command)
        command.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # Check the month before any data is read, so `--as-of 13` is answered at once.
        if getattr(args, "as_of", None) is not None:
            args.as_of = str(_as_of(args.as_of))
        if getattr(args, "metric", None) is not None:
            from .metrics import get_metric

            get_metric(args.metric)
        return args.run(args)
    except InputError as exc:
        if args.debug:
            raise
        print(f"jzanalysis {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except BrokenPipeError:  # `jzanalysis extract ... | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
