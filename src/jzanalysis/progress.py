"""Derived progress figures: implied plan, prior-year same period, time progress, gap and pace.

Pure functions of the facts table; every figure keeps the arithmetic that produced it, because the
report states it ("174 / 71.6% = 243.0").

>>> from jzanalysis.schema import facts_frame
>>> facts = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6)])
>>> row = derived_table(facts, 2015, 7, "荆州市").iloc[0]
>>> [round(float(row[c]), 1) for c in ('implied_plan', 'required_pace', 'observed_pace')]
[243.0, 13.8, 24.9]
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from .calendar import time_progress, working_days_between, working_days_in_year, working_days_through
from .errors import InputError
from .metrics import METRICS


def implied_plan(value: float, plan_pct: float) -> float:
    """Annual plan implied by a YTD value and its percent of plan: 174 / 0.716 = 243.0."""
    if not plan_pct > 0:
        raise InputError(f"percent of plan must be > 0 to imply a plan, got {plan_pct}")
    return value / (plan_pct / 100)


def prior_year_same_period(value: float, yoy_pct: float) -> float:
    """Last year's January..M figure implied by growth: 798 / 1.313 = 607.8."""
    return value / (1 + yoy_pct / 100)


def snapshot(facts: pd.DataFrame, year: int, as_of: int, region: str) -> pd.DataFrame:
    """Rows of ``facts`` for one (year, January..as_of, region), cumulative metrics only."""
    cumulative = [m for m, spec in METRICS.items() if spec.cumulative]
    rows = facts[
        (facts.year == year) & (facts.months == as_of) & (facts.region == region) & facts.metric.isin(cumulative)
    ]
    return rows.drop_duplicates(subset=["metric"], keep="first")


def derived_table(facts: pd.DataFrame, year: int, as_of: int, region: str) -> pd.DataFrame:
    """One row per metric that states a percent of plan, with the derived progress figures.

    Columns: ``metric``, ``label``, ``unit``, ``value``, ``plan_pct``, ``implied_plan``, ``yoy_pct``,
    ``prior_year`` (same period last year), ``time_progress_months``, ``time_progress_workdays``
    (official calendar; NaN outside chinese_calendar's years), ``gap_months`` and ``gap_workdays``
    (plan_pct minus time progress, percentage points), ``observed_pace`` (per month so far),
    ``required_pace`` (per remaining month to reach the plan), ``quote``.
    """
    rows = snapshot(facts, year, as_of, region)
    rows = rows[rows.plan_pct.notna()]
    months_progress = time_progress(year, as_of, "months")
    try:
        workday_progress = time_progress(year, as_of, "workdays")
    except InputError:
        workday_progress = math.nan
    records = []
    for fact in rows.itertuples():
        plan = implied_plan(fact.value, fact.plan_pct)
        records.append(
            {
                "metric": fact.metric,
                "label": METRICS[fact.metric].label,
                "unit": fact.unit,
                "value": fact.value,
                "plan_pct": fact.plan_pct,
                "implied_plan": plan,
                "yoy_pct": fact.yoy_pct,
                "prior_year": prior_year_same_period(fact.value, fact.yoy_pct) if pd.notna(fact.yoy_pct) else math.nan,
                "time_progress_months": months_progress * 100,
                "time_progress_workdays": workday_progress * 100,
                "gap_months": fact.plan_pct - months_progress * 100,
                "gap_workdays": fact.plan_pct - workday_progress * 100,
                "observed_pace": fact.value / as_of,
                "required_pace": (plan - fact.value) / (12 - as_of) if as_of < 12 else math.nan,
                "quote": fact.quote,
            }
        )
    return pd.DataFrame.from_records(records)


def working_days_left_check(year: int, claimed: float, published: dt.date | None) -> dict:
    """Check a bulletin's "全年有效工作日仅剩N天" against the official calendar.

    Returns the working days left after the publication date and after the end of the reported month,
    and the first date from which exactly ``claimed`` working days remain. For the seed: 82 remain from
    2015-09-02, 104 from 2015-08-01; exactly 100 only from 2015-08-07.
    """
    year_end = dt.date(year, 12, 31)
    total = working_days_in_year(year)
    result = {"claimed": claimed, "year_working_days": total, "from_publication": None, "publication_date": published}
    if published is not None and published.year == year:
        result["from_publication"] = working_days_between(published, year_end)
    exact = [
        day
        for day in (
            dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range((year_end - dt.date(year, 1, 1)).days + 1)
        )
        if working_days_between(day, year_end) == claimed
    ]
    result["exact_from"] = exact[0] if exact else None
    result["after_month"] = {m: total - working_days_through(year, m) for m in range(1, 12)}
    return result
