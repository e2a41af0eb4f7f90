"""``jzanalysis evaluate``: extraction measured on a labelled corpus."""

from __future__ import annotations

from . import options
from .output import print_json


def add_arguments(parser):
    options.add_path(
        parser,
        "corpus",
        "CORPUS_DIR",
        "bulletins with labels: an expected.json (shared corpus schema) or NAME.expected.json files",
    )
    options.add_region(parser)
    parser.add_argument("--label-city", action="store_true", help="give each bulletin the city its label names")
    options.add_json(parser)


def run(args) -> int:
    """Extract a labelled corpus and compare: recall, precision, wrong attributes, every miss and false fact."""
    from ..sources.evaluate import evaluate_corpus  # pandas and the extractors: loaded when the command runs

    result = evaluate_corpus(args.corpus, region=args.region, label_city=args.label_city)
    if args.json:
        print_json(result.to_json())
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
