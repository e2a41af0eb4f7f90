"""County plans: ``data/plans.csv`` (or any file passed with ``--plans``).

Format (documented in ``docs/counties.md``): a UTF-8 CSV (a BOM is fine) with a header and the columns
``year, region, metric, plan`` in any order (extra columns such as ``note`` are ignored) — one row per
region, year and metric, ``plan`` being the annual target in the metric's unit (个 or 亿元). Regions go
through the city's region profile, so aliases (荆州经开区, 监利市) are accepted; the city's name (or 全市)
gives the city's own plan, used to share out what the listed county plans leave over. A file may list only
some counties.

    year,region,metric,plan
    2015,公安县,projects_100m,40
    2015,荆州经开区,projects_100m,30
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import bounds
from .errors import InputError
from .metrics import METRICS, get_metric
from .regions import Region, infer_region

PLAN_COLUMNS = ["year", "region", "metric", "plan"]


def _region(region: Region, name: str, where: str) -> str:
    try:
        return region.canonical(name)
    except InputError as exc:
        raise InputError(
            str(exc).replace(f"unknown region {name.strip()!r}", f"unknown region {name.strip()!r} in {where}", 1)
        ) from None


def load_plans(path: Path | str, region: Region | None = None) -> pd.DataFrame:
    """Read and validate a county plans file of ``region`` (None: the city its region names belong to);
    returns columns ``year`` (int), ``region`` (canonical), ``metric``, ``plan`` (float, annual target in
    the metric's unit).

    Every problem is one-line :class:`InputError` naming the file and line: missing file, missing
    columns, unknown region or metric, a plan that is empty, not a number or outside 0.01..1,000,000, a
    year that is not a whole number 1990..2100, two plans for the same year, region and metric.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "plans.csv")
    >>> _ = open(path, "w", encoding="utf-8").write("year,region,metric,plan\\n2015,荆州经开区,projects_100m,30\\n")
    >>> load_plans(path).to_dict("records")
    [{'year': 2015, 'region': '荆州开发区', 'metric': 'projects_100m', 'plan': 30.0}]
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such county plans file: {path}")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path.name} is empty; expected a header: {','.join(PLAN_COLUMNS)}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name} is not a readable UTF-8 CSV: {str(exc).splitlines()[0]}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in PLAN_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path.name} lacks column(s) {', '.join(missing)}; expected a header: {','.join(PLAN_COLUMNS)}"
        )
    if region is None:
        region = infer_region(frame.region) if "region" in frame else None
        if region is None:
            raise InputError(f"{path.name}: its regions belong to no known city; give the city with --region NAME")
    rows = []
    for index, row in frame.iterrows():
        line = index + 2  # the header is line 1
        where = f"{path.name} line {line}"
        if all(not str(row[c]).strip() for c in PLAN_COLUMNS):
            continue  # a blank line at the end of a hand-edited file
        name = _region(region, str(row.region), where)
        metric = str(row.metric).strip()
        get_metric(metric, where)
        year_text, plan_text = str(row.year).strip(), str(row.plan).strip()
        try:
            year = int(year_text)
        except ValueError:
            raise InputError(
                f"{where}: year must be a whole number {bounds.describe(bounds.YEAR)}, got {year_text!r}"
            ) from None
        bounds.check_range(f"{where}: year", year, bounds.YEAR, whole=True)
        if not plan_text:
            raise InputError(
                f"{where}: plan is empty; give the annual target as a number {bounds.describe(bounds.PLAN)}"
            )
        try:
            plan = float(plan_text.replace(",", ""))
        except ValueError:
            plan = None
        if plan is None or not bounds.in_range(plan, bounds.PLAN):
            raise InputError(
                f"{where}: plan must be a number {bounds.describe(bounds.PLAN)} {METRICS[metric].unit}, got {plan_text!r}"
            )
        rows.append({"year": year, "region": name, "metric": metric, "plan": plan, "line": line})
    plans = pd.DataFrame(rows, columns=[*PLAN_COLUMNS, "line"])
    duplicated = plans[plans.duplicated(["year", "region", "metric"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        same = duplicated[
            (duplicated.year == first.year) & (duplicated.region == first.region) & (duplicated.metric == first.metric)
        ]
        lines = ", ".join(str(x) for x in same.line)
        raise InputError(
            f"{path.name}: {first.region} {first.metric} {first.year} has more than one plan (lines {lines})"
        )
    plans = plans.drop(columns="line").astype({"year": "int64", "plan": "float64"})
    return plans.reset_index(drop=True)
