"""The shared options read and checked: the month, the city, the corrections file, the data a command reads,
the snapshot it reports on, plan overrides, the output folder. Bad input is one :class:`InputError` line,
raised before any data is read where it can be."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .. import bounds, settings
from ..calendar import check_as_of
from ..errors import InputError
from ..metrics import get_metric
from ..regions import city_named
from .options import ascii_number


def as_of(value: str) -> int:
    """``--as-of M`` as a month 1..11 (one line naming the range otherwise)."""
    try:
        month = int(value)
    except ValueError:
        raise InputError(
            f"--as-of must be a whole month number {bounds.describe(bounds.AS_OF)}, got {value!r}"
        ) from None
    return check_as_of(month)


def corrections_arg(args) -> str | None:
    """``--corrections FILE`` checked to exist (one line otherwise), or None for the default file."""
    from ..corrections import corrections_path  # pandas: loaded only by a command that reads bulletins

    given = getattr(args, "corrections", None)
    return str(corrections_path(given)) if given is not None else None


def city_arg(args):
    """The city ``--region`` names (a county's name gives its city), or None to find it from the text."""
    return city_named(getattr(args, "region", None), strict=True)


def load(args):
    """The dataset of ``PATH…`` (default data/raw/) or of ``--data FACTS.csv``, not both."""
    from ..dataset import load_bulletins, read_facts_csv  # pandas: loaded only when data is read

    if args.data and args.paths:
        raise InputError("give bulletin PATHs or --data FACTS.csv, not both")
    if args.data and getattr(args, "corrections", None):
        raise InputError("--corrections applies to bulletins; a facts CSV written by `extract` already has them")
    if args.data:
        return read_facts_csv(args.data, city_arg(args))
    return load_bulletins(args.paths or [settings.RAW_DIR], city_arg(args), corrections_arg(args))


def region_of(args, dataset) -> str:
    """The region a command reports on: ``--region`` (the city or a county, canonical), else the data's city."""
    city = dataset.require_region()
    return city.canonical(args.region) if getattr(args, "region", None) else city.name


def snapshot(args, dataset, region: str) -> tuple[int, int]:
    """(year, month) of ``--year``/``--as-of``, each defaulting to the latest the data holds (month at most 11)."""
    month = as_of(args.as_of) if args.as_of is not None else None
    if args.year is None or month is None:
        year, latest = dataset.latest_snapshot(args.metric, region)
        return (args.year or year), (month or min(latest, 11))
    return args.year, month


def plan_overrides(items: list[str] | None) -> dict[str, float]:
    """``--plan projects_100m=300`` → {"projects_100m": 300.0}; a malformed item is one line naming the form."""
    plans: dict[str, float] = {}
    for item in items or []:
        metric, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--plan {item!r}: allowed: METRIC=VALUE, e.g. projects_100m=300")
        get_metric(metric.strip())
        try:
            plans[metric.strip()] = ascii_number(value.strip())
        except ValueError:
            raise InputError(f"--plan {item!r}: the plan must be a number {bounds.describe(bounds.PLAN)}") from None
    return plans


def check_source_and_plans(source: Path | None, plans: Path | None) -> None:
    """``--source`` must exist and ``--plans`` be a file (when given)."""
    if source is not None and not source.exists():
        raise InputError(f"no such file or folder: {source}")
    if plans is not None and not plans.is_file():
        raise InputError(f"no such county plans file: {plans}")


def check_out(out: Path) -> Path | None:
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
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise InputError(
            f"--out {out} cannot hold the reports ({exc.strerror or exc}); allowed: a folder you can write"
        ) from None
    return created


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def prepare(args) -> None:
    """Checks of the shared arguments before any data is read, so bad input is answered at once."""
    if getattr(args, "as_of", None) is not None:
        args.as_of = str(as_of(args.as_of))
    if getattr(args, "metric", None) is not None:
        get_metric(args.metric)
    for option in ("source", "out", "plans"):
        value = getattr(args, option, None)
        if value is not None and not is_utf8(str(value)):
            # a report records its paths in the notebook (JSON, UTF-8); extract/forecast print names escaped
            from ..sources.read import printable  # pandas: loaded only for this rare error

            raise InputError(
                f"--{option} {printable(str(value))} is not a valid UTF-8 name; a report records it in "
                "its notebook: rename it (e.g. convmv -f gbk -t utf8)"
            )
    if getattr(args, "out", None) is not None:
        args.created_out = check_out(Path(args.out))
