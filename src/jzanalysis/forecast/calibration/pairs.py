"""Calibration pairs: one January..M figure and the full year it ended at, per row; read from CSV files,
checked, counted, and written into (and read back from) a fitted calibration."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from ...csvcheck import first_failure, positive_where_given, require_columns, to_numbers
from ...errors import InputError
from .model import COUNT_UNITS, KINDS, Calibration

PAIR_COLUMNS = ("place", "metric", "year", "ytd_month", "ytd_value", "full_year_value", "unit")


def read_pairs_csv(path) -> tuple[pd.DataFrame, dict]:
    """Read calibration pairs (one January..M figure and the full year it ended at, per row).

    ``path``: one CSV or a list of them (same columns; read in order and joined). Columns: place,
    metric, year, ytd_month (1..11), ytd_value (> 0), full_year_value (≥ ytd_value), unit (个 → count,
    anything in 元 → amount; or a ``kind`` column), optional plan_value, ytd_plan_pct and
    definition_match (yes / partly / approx / no: the year-end figure's definition against the YTD's).
    Returns the validated frame and the source record (file names, sha256 of their bytes in order, counts).
    """
    paths = [Path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]
    frames, raw = [], b""
    for one in paths:
        if not one.is_file():
            raise InputError(f"pairs file {one} not found; give a CSV with columns {', '.join(PAIR_COLUMNS)}")
        raw += one.read_bytes()
        try:
            frame = pd.read_csv(one, encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(f"pairs file {one} is not a readable UTF-8 CSV ({str(exc).splitlines()[0]})") from None
        frames.append(validate_pairs(frame, origin=str(one)))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    source = {
        "file": "+".join(p.name for p in paths),
        "sha256": hashlib.sha256(raw).hexdigest(),
        **pair_counts(frame),
    }
    if len(paths) > 1:
        source["files"] = [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in paths]
    return frame, source


def pair_counts(frame: pd.DataFrame) -> dict:
    return {
        "pairs": len(frame),
        "cities": int(frame.place.nunique()),
        "series": int(frame.groupby(["place", "year", "metric"]).ngroups),
    }


def validate_pairs(frame: pd.DataFrame, origin: str = "pairs") -> pd.DataFrame:
    """Check the columns and values of a pairs frame; adds ``kind``, ``plan``; one-line errors."""
    frame = require_columns(frame, origin, PAIR_COLUMNS, "need pairs of a January..M figure and its full year")
    to_numbers(frame, origin, ("year", "ytd_month", "ytd_value", "full_year_value"), ("plan_value", "ytd_plan_pct"))
    if "kind" not in frame.columns:
        frame["kind"] = [_kind_of_unit(u) for u in frame.unit]
    checks = [
        (~frame.ytd_month.isin(range(1, 12)), "ytd_month must be a whole month 1..11"),
        (~(frame.ytd_value > 0), "ytd_value must be > 0 (a zero total gives no pace to calibrate on)"),
        (frame.full_year_value < frame.ytd_value, "full_year_value must be >= ytd_value (running totals)"),
        (~frame.kind.isin(KINDS), "unit must say count (个) or amount (…元), or give a kind column (count/amount)"),
    ]
    checks += positive_where_given(frame, {"plan_value": "plan_value must be > 0"})
    first_failure(
        frame,
        origin,
        checks,
        lambda row: (
            f"{row['place']} {row['metric']} {row['year']} 1-{row['ytd_month']} {row['ytd_value']} "
            f"→ {row['full_year_value']} {row['unit']}"
        ),
    )
    frame["ytd_month"] = frame.ytd_month.astype(int)
    frame["year"] = frame.year.astype(int)
    frame["plan"] = frame["plan_value"] if "plan_value" in frame.columns else np.nan
    return frame


def _kind_of_unit(unit) -> str | None:
    unit = "" if pd.isna(unit) else str(unit)
    if unit in COUNT_UNITS:
        return "count"
    if "元" in unit:
        return "amount"
    return None


def pair_records(pairs: pd.DataFrame) -> list[dict]:
    keep = ["place", "metric", "year", "ytd_month", "ytd_value", "plan", "full_year_value", "unit", "kind"]
    if "definition_match" in pairs.columns:
        keep.append("definition_match")
    records = []
    for row in pairs[keep].itertuples(index=False):
        rec = row._asdict()
        if "definition_match" in rec:
            rec["definition_match"] = None if pd.isna(rec["definition_match"]) else str(rec["definition_match"])
        rec["plan"] = None if pd.isna(rec["plan"]) else float(rec["plan"])
        rec["year"], rec["ytd_month"] = int(rec["year"]), int(rec["ytd_month"])
        rec["ytd_value"], rec["full_year_value"] = float(rec["ytd_value"]), float(rec["full_year_value"])
        records.append(rec)
    return records


def pairs_from_calibration(cal: Calibration) -> pd.DataFrame:
    """The pairs a calibration was fitted on, as a validated frame (for refits and the benchmark)."""
    frame = pd.DataFrame(cal.pairs).rename(columns={"plan": "plan_value"})
    return validate_pairs(frame, origin=f"calibration {cal.id}")
