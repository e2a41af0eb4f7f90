"""County plans: ``data/plans.csv`` (or any file passed with ``--plans``).

Format: a CSV with a header and the columns ``year, region, metric, plan`` — one row per county (or the
city) and metric, ``plan`` being the annual target in the metric's unit (个 or 亿元). Regions go through
the county registry, so aliases (荆州经开区, 监利市) are accepted; a file may list only some counties.

    year,region,metric,plan
    2015,公安县,projects_100m,30
    2015,荆州经开区,projects_100m,28
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .counties import canonical_region
from .errors import InputError
from .metrics import METRICS

PLAN_COLUMNS = ["year", "region", "metric", "plan"]


def load_plans(path: Path | str) -> pd.DataFrame:
    """Read and validate a plans file; one-line :class:`InputError` naming the line for any bad row."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such county plans file: {path}")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path.name} is not a readable CSV: {str(exc).splitlines()[0]}") from None
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in PLAN_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{path.name} lacks column(s) {', '.join(missing)}; expected a header: {','.join(PLAN_COLUMNS)}")
    rows = []
    for index, row in frame.iterrows():
        line = index + 2  # header is line 1
        where = f"{path.name} line {line}"
        try:
            region = canonical_region(str(row.region))
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        if row.metric not in METRICS:
            raise InputError(f"{where}: unknown metric {row.metric!r}; allowed: {', '.join(METRICS)}")
        try:
            year = int(str(row.year).strip())
            plan = float(str(row.plan).strip())
        except ValueError:
            raise InputError(f"{where}: year must be a whole number and plan a number, got {row.year!r}, {row.plan!r}") from None
        if not plan > 0:
            raise InputError(f"{where}: plan must be > 0, got {plan:g}")
        rows.append({"year": year, "region": region, "metric": row.metric, "plan": plan, "line": line})
    plans = pd.DataFrame(rows, columns=[*PLAN_COLUMNS, "line"])
    duplicated = plans[plans.duplicated(["year", "region", "metric"], keep=False)]
    if not duplicated.empty:
        first = duplicated.iloc[0]
        lines = ", ".join(str(x) for x in duplicated[(duplicated.region == first.region) & (duplicated.metric == first.metric)].line)
        raise InputError(f"{path.name}: {first.region} {first.metric} {first.year} has more than one plan (lines {lines})")
    return plans.drop(columns="line")
