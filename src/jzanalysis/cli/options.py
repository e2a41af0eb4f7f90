"""The options the commands share, each defined once: its flag, type, destination and metavar here, its help
text where a command words it for itself. Numbers are checked against their range (:mod:`jzanalysis.bounds`)
while the command line is parsed, so a bad one is a usage error of one line."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import bounds, settings


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and exit status 2) instead of usage + message."""

    def error(self, message: str):  # argparse API
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# --- bounded numbers on the command line (ranges: jzanalysis.bounds) --------------------------------


def ascii_number(text: str, whole: bool = False) -> float:
    """``int``/``float`` of a number written in ASCII digits: Python also reads ``１２``, ``٣`` and ``1_000``,
    which no option takes (ValueError)."""
    if not text.isascii() or "_" in text:
        raise ValueError(text)
    return int(text) if whole else float(text)


def number_type(allowed: tuple[float, float], *, whole: bool = False, meaning: str = ""):
    """An argparse ``type`` that accepts a number inside ``allowed`` and says the range otherwise."""
    kind = "a whole number" if whole else "a number"
    note = f" ({meaning})" if meaning else ""

    def parse(text: str):
        try:
            value = ascii_number(text, whole)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind} {bounds.describe(allowed)}{note}, got {text!r}") from None
        if not bounds.in_range(value, allowed):
            raise argparse.ArgumentTypeError(f"must be {kind} {bounds.describe(allowed)}{note}, got {text}")
        return value

    return parse


year = number_type(bounds.YEAR, whole=True)
dispersion = number_type(bounds.DISPERSION, meaning="φ, the overdispersion of monthly project counts")
sigma = number_type(bounds.SIGMA, meaning="σ, the spread of monthly amounts such as funds in place")
plan = number_type(bounds.PLAN, meaning="the annual plan in the metric's unit, 个 or 亿元")
working_days = number_type(bounds.WORKING_DAYS, whole=True)


# --- options of several commands -------------------------------------------------------------------


def add_path(parser: argparse.ArgumentParser, name: str, metavar: str, help: str, **more) -> None:
    """A file or folder: an argument (``name`` without dashes) or an option; ``more`` as argparse takes it."""
    parser.add_argument(name, type=Path, metavar=metavar, help=help, **more)


def add_json(parser: argparse.ArgumentParser, what: str = "one JSON object") -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what}")


def add_region(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        metavar="NAME",
        help="the city the bulletins are about (or one of its counties), e.g. 荆州市 or 六安; "
        "default: found from each text (see `jzanalysis regions list`)",
    )


def add_corrections(parser: argparse.ArgumentParser) -> None:
    add_path(
        parser,
        "--corrections",
        "FILE",
        "the analyst's corrections (accept, reject or correct a fact, found by file and quote), "
        "default: data/corrections.yaml when it exists (see README)",
    )


def add_year(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--year", type=year, help=help)


def add_as_of(parser: argparse.ArgumentParser, help: str) -> None:
    # a string here, read as a month by inputs.as_of: its error names the option and the range
    parser.add_argument("--as-of", dest="as_of", type=str, metavar="M", help=help)


def add_methods(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--method", action="append", dest="methods", metavar="ID", help=help)


def add_dispersion(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--dispersion", type=dispersion, help=help)


def add_sigma(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--sigma", type=sigma, help=help)


def add_plans(parser: argparse.ArgumentParser, help: str) -> None:
    add_path(parser, "--plans", "FILE", help)


def add_data(parser: argparse.ArgumentParser) -> None:
    """Where the facts come from: bulletin PATHs (or data/raw/), or a facts CSV; the city; the corrections."""
    add_path(parser, "paths", "PATH", "bulletin files or folders (default: data/raw/)", nargs="*")
    add_path(parser, "--data", "FACTS.csv", "a facts table written by `jzanalysis extract` instead of bulletins")
    add_region(parser)
    add_corrections(parser)


def add_snapshot(parser: argparse.ArgumentParser, metric_default: str = "projects_100m") -> None:
    """The January..M figure a command reads: year, month, metric."""
    add_year(parser, "year of the January..M figures, 1990..2100 (default: latest in the data)")
    add_as_of(parser, "the figures cover January..M, 1..11 (default: latest in the data)")
    parser.add_argument(
        "--metric",
        default=metric_default,
        help=f"metric id, e.g. projects_100m, funds_in_place (default: {metric_default})",
    )


def add_out_folder(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=settings.REPORTS_DIR,
        help="output folder (default: reports/); each run in a folder of its own",
    )
