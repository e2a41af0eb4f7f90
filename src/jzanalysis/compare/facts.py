"""Selecting the facts a county comparison compares: canonical names, county-level rows, one per county."""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from ..regions import Region
from ..schema import CITY_UNKNOWN


def with_canonical_regions(
    rows: pd.DataFrame, region: Region, where: str = "the facts", strict: bool = False
) -> pd.DataFrame:
    """``rows`` with aliases mapped to canonical names. A name the profile lacks stays as it is (the
    extractor kept it under its own name and said so); with ``strict`` (a plans file typed by hand) it is
    an InputError naming it."""
    rows = rows.copy()
    if rows.region.isna().any():
        first = rows[rows.region.isna()].iloc[0]
        raise InputError(
            f"a {first.metric} figure ({first.value:g}) in {where} has no region; give {region.name} or a county"
        )
    names = rows.region.astype(str)
    if strict:
        try:
            rows["region"] = [region.canonical(r) for r in names]
        except InputError as exc:  # say where: "unknown region '新区' in the plans: …"
            raise InputError(str(exc).replace("': not ", f"' in {where}: not ", 1)) from None
    else:
        rows["region"] = [region.resolve(r) or r.strip() for r in names]
    return rows


def _is_county(region: Region, name: str) -> bool:
    """A county-level figure: any region but the city (units the profile lacks included)."""
    return name != region.name and name != CITY_UNKNOWN


def county_mask(rows: pd.DataFrame, region: Region) -> pd.Series:
    """Boolean mask of ``rows`` that are county-level figures of ``region``."""
    return pd.Series([_is_county(region, str(r)) for r in rows.region], index=rows.index, dtype=bool)


def one_row_per_county(rows: pd.DataFrame, what: str, region: Region) -> pd.DataFrame:
    """Counties' rows, one each: the same figure from two bulletins is kept once, two different
    figures for one county are an error (a silent pick would make the comparison arbitrary)."""
    rows = rows[county_mask(rows, region)]
    for region, group in rows.groupby("region", sort=False):
        values = sorted(set(group.value.astype(float)))
        if len(values) > 1:
            sources = "、".join(sorted({str(s) for s in group.source if isinstance(s, str)})) or "the data"
            shown = " vs ".join(f"{v:g}" for v in values)
            raise InputError(f"{region} has conflicting figures for {what}: {shown} (in {sources}); keep one and retry")
    return rows.drop_duplicates("region").reset_index(drop=True)


def what_the_data_has(facts: pd.DataFrame, region: Region) -> str:
    have = facts[county_mask(facts, region)][["year", "months", "metric"]].drop_duplicates()
    have = have.sort_values(["metric", "year", "months"])
    return "; ".join(f"{r.metric} {r.year} 1-{r.months}月" for r in have.itertuples()) or "none"
