"""China's prefecture-level regions and their county-level units, from ``divisions.csv`` (written by
``scripts/make_divisions.py``): read by the profiles' check (:mod:`.schema`) and by every look-up of a city
or unit the profiles do not hold (:mod:`jzanalysis.regions`)."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

DIVISIONS_PATH = Path(__file__).resolve().parent / "divisions.csv"


@functools.cache
def divisions() -> dict[str, dict]:
    """China's regions from ``divisions.csv``: canonical name → {province, short, code, units: [(name, short, code, former)]}."""
    regions: dict[str, dict] = {}
    with DIVISIONS_PATH.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            if row["level"] == "region":
                regions[row["region"]] = {
                    "province": row["province"],
                    "short": row["short"],
                    "code": row["code"],
                    "units": [],
                }
            else:
                regions[row["region"]]["units"].append((row["unit"], row["short"], row["code"], row["former"]))
    return regions
