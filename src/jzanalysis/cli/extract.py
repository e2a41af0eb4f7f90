"""``jzanalysis extract``: bulletins → the facts table on stdout; what was read, cleaned or doubtful on stderr."""

from __future__ import annotations

import json
import sys

from .. import settings
from . import options
from .inputs import city_arg, corrections_arg
from .output import print_json


def add_arguments(parser):
    options.add_path(parser, "paths", "PATH", "bulletin files (.txt, .html) or folders", nargs="+")
    options.add_region(parser)
    options.add_corrections(parser)
    options.add_json(parser, "a JSON list of records instead of CSV")
    options.add_path(
        parser,
        "--xlsx",
        "FILE.xlsx",
        "also write the facts as an Excel workbook, metric labels in Chinese and English beside the ids",
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


def run(args) -> int:
    """Bulletins → tidy facts (CSV on stdout); what was stripped or doubtful goes to stderr."""
    # pandas and the extractors: loaded when the command runs, not for --help
    from ..dataset import load_bulletins
    from ..schema import FACT_COLUMNS, REVIEW_COLUMNS

    if args.xlsx is not None:
        from ..report.export import check_xlsx_path  # the report layer (charts, templates): only for Excel

        check_xlsx_path(args.xlsx)
    dataset = load_bulletins(args.paths, city_arg(args), corrections_arg(args))
    for result in dataset.extractions:
        _print_reading(result, args.explain)
    for warning in dataset.warnings:
        print(f"# warning: {warning}", file=sys.stderr)
    _print_review_marks(dataset)
    columns = [*FACT_COLUMNS, *REVIEW_COLUMNS]
    columns += ["rule", "phrase", "city"] if args.explain else []
    facts = dataset.facts[columns]
    if args.xlsx is not None:
        from ..report.export import write_xlsx  # as above

        print(f"# written: {write_xlsx(facts, args.xlsx)}", file=sys.stderr)
    if args.json:
        records = json.loads(facts.to_json(orient="records", force_ascii=False))
        print_json(records)
    elif args.excel_csv:
        from ..report.export import write_excel_csv  # as above

        write_excel_csv(facts, sys.stdout)  # a byte-order mark, then text cells that are never formulas
    else:
        facts.to_csv(sys.stdout, index=False)
    return 0


def _print_reading(result, explain: bool) -> None:
    """One bulletin as read, on stderr: encoding, facts, city; what cleaning changed; with --explain why."""
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
    if explain and result.document is not None:
        for line in result.document.lines():  # subject, period, year: value, evidence, confidence
            print(f"#   {line}", file=sys.stderr)
    for step in result.cleaning:
        print(f"#   removed/changed [{step.kind}] line {step.line}: {step.text}", file=sys.stderr)
    if explain:
        _explain(result)


def _print_review_marks(dataset) -> None:
    """Facts to confirm (low confidence), and what the analyst's corrections file did, on stderr."""
    from ..corrections import to_confirm_facts  # pandas, as above

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
