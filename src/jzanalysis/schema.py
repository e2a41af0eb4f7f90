"""The tidy facts table: one row per figure a bulletin states.

Columns (a fixed contract: other tools read them by name):

- ``year``: calendar year the figure is about (int, or null when the text does not say)
- ``months``: the figure covers January..``months`` of ``year`` (12 = full year)
- ``region``: the city's name (e.g. ``荆州市``) for the whole city, else a canonical county-level unit name
  from the city's region profile (see :mod:`jzanalysis.regions`)
- ``metric``: a metric id from :mod:`jzanalysis.metrics`
- ``value``: the number as stated (float)
- ``unit``: 个, 亿元, %, ...
- ``plan_pct``: percent of the annual plan stated with it (71.6 means 71.6%), null when none
- ``yoy_pct``: year-on-year growth in percent stated with it, null when none
- ``source``: file name of the bulletin
- ``quote``: the exact fragment of the cleaned text the number came from

Extension columns (added, never renamed): ``start`` and ``end`` (character offsets of the quote in the
cleaned text), ``qualifier`` (``approx`` for 近/约, ``more_than`` for 逾/愈/超过, else null),
``note`` (e.g. 含华中农高区), ``city`` (the city the bulletin is about, null when the text names none),
``rule`` and ``phrase`` (the lexicon rule that classified the figure and the words it read; ``extract
--explain`` prints them), ``confidence`` (0..1, how sure the extractor is; 1.0 when it does not say),
``to_confirm`` (confidence below :data:`jzanalysis.settings.CONFIRM_BELOW` and not accepted or corrected by
the analyst: shown as "to confirm" wherever the fact appears) and ``correction`` (``""``, or what the analyst's
corrections file did to it: ``accepted``, ``corrected: value 798 → 789``; see :mod:`jzanalysis.corrections`).
"""

from __future__ import annotations

import pandas as pd

from . import bounds
from .errors import InputError
from .metrics import METRICS

#: The region of city-wide figures when the text names no city and none is given (the bulletin's own 全市).
CITY_UNKNOWN = "全市"

FACT_COLUMNS: list[str] = [
    "year",
    "months",
    "region",
    "metric",
    "value",
    "unit",
    "plan_pct",
    "yoy_pct",
    "source",
    "quote",
]
EXTRA_COLUMNS: list[str] = [
    "start",
    "end",
    "qualifier",
    "note",
    "city",
    "rule",
    "phrase",
    "confidence",
    "to_confirm",
    "correction",
]
ALL_COLUMNS: list[str] = FACT_COLUMNS + EXTRA_COLUMNS
#: What ``jzanalysis extract`` writes after the contract columns: how sure the fact is and what the analyst did
REVIEW_COLUMNS: list[str] = ["confidence", "to_confirm", "correction"]

_DTYPES = {
    "year": "Int64",
    "months": "Int64",
    "region": "string",
    "metric": "string",
    "value": "float64",
    "unit": "string",
    "plan_pct": "float64",
    "yoy_pct": "float64",
    "source": "string",
    "quote": "string",
    "start": "Int64",
    "end": "Int64",
    "qualifier": "string",
    "note": "string",
    "city": "string",
    "rule": "string",
    "phrase": "string",
    "confidence": "float64",
    "to_confirm": "boolean",
    "correction": "string",
}


def facts_frame(records: list[dict] | None = None) -> pd.DataFrame:
    """A facts DataFrame with every column and its dtype, from a list of dict records."""
    from .settings import CONFIRM_BELOW

    frame = pd.DataFrame.from_records(records or [], columns=ALL_COLUMNS)
    # records without a confidence (an extractor that does not give one, a facts CSV) are taken as sure
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce").fillna(1.0)
    frame["to_confirm"] = frame["to_confirm"].where(frame["to_confirm"].notna(), frame["confidence"] < CONFIRM_BELOW)
    frame["correction"] = frame["correction"].astype("string").fillna("")
    return frame.astype(_DTYPES)


def check_fact_numbers(row, where: str, *, months: tuple[int, int] = bounds.MONTHS) -> None:
    """The numbers of one facts row (any object with ``year``, ``months``, ``metric``, ``value``,
    ``plan_pct``, ``yoy_pct`` attributes; ``plan_pct``/``yoy_pct`` may be absent) inside their ranges."""
    if pd.isna(row.months) or not bounds.in_range(row.months, months):
        raise InputError(
            f"{where}: months must be {bounds.describe(months)} (the figure covers January..months), got {row.months!r}"
        )
    if not pd.isna(row.year):
        bounds.check_range(f"{where}: year", row.year, bounds.YEAR, whole=True)
    if pd.isna(row.value):
        raise InputError(f"{where}: value is missing for {row.metric}")
    unit = METRICS[row.metric].unit
    bounds.check_range(
        f"{where}: {row.metric} value", row.value, bounds.VALUE_BY_UNIT.get(unit, bounds.VALUE_BY_UNIT["个"]), unit=unit
    )
    for column, allowed, meaning in (
        ("plan_pct", bounds.PLAN_PCT, "(percent of the annual plan)"),
        ("yoy_pct", bounds.YOY_PCT, "(percent growth)"),
    ):
        value = getattr(row, column, None)
        if value is not None and not pd.isna(value):
            bounds.check_range(f"{where}: {column}", value, allowed, unit=meaning)
