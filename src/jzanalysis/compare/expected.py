"""Expected counts of a county comparison and where they come from.

The expected count of a county is its plan × time progress ("按进度") when the plans file has plans for the
counties; else its share of the latest earlier period that covers every county; else an equal share of
the counties' total. ``docs/counties.md`` describes the rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..calendar import time_progress
from ..regions import Region
from .facts import county_mask, with_canonical_regions

# ``expected_basis``: one of these three fixed strings, a contract for tools (docs/counties.md); the same
# as a short code in ``expected_basis_code``
BASIS_PLANS = "plans × time progress (按进度)"
BASIS_PRIOR = "prior-period shares"
BASIS_EQUAL = "equal shares"
BASIS_CODES = {BASIS_PLANS: "plan", BASIS_PRIOR: "prior", BASIS_EQUAL: "equal"}
BASIS_NAMES = {code: name for name, code in BASIS_CODES.items()}


@dataclass(frozen=True)
class ExpectedCounts:
    """Expected counts of the counties compared, in their order, and where each comes from."""

    expected: np.ndarray
    plans: tuple[float | None, ...]  # per county: its annual plan, None without one
    sources: tuple[str, ...]  # per county: plan | city plan remainder | observed remainder | prior share | equal share
    basis: str  # plan | prior | equal (the code of one of the BASIS_* strings)
    detail: dict  # the numbers a report words the basis with (``expected_detail`` of the JSON)


@dataclass(frozen=True)
class Snapshot:
    """What is compared: the year, January..``as_of``, the metric and the city."""

    year: int
    as_of: int
    metric: str
    region: Region


def expected_counts(
    counties: pd.DataFrame,
    facts: pd.DataFrame,
    snapshot: Snapshot,
    plans: pd.DataFrame | None,
    time_basis: str,
) -> ExpectedCounts:
    """The :class:`ExpectedCounts` of ``counties`` (one row per county, in the comparison's order): from
    the plans when any county has one, else from an earlier period's shares, else equal shares."""
    relevant = _relevant_plans(plans, counties, snapshot)
    if relevant is not None:
        return _from_plans(counties, facts, relevant, snapshot, time_basis)
    prior = _from_prior(counties, facts, snapshot)
    if prior is not None:
        return prior
    n = len(counties)
    total = counties.value.to_numpy(float).sum()
    return ExpectedCounts(np.full(n, total / n), (None,) * n, ("equal share",) * n, "equal", {})


def _relevant_plans(plans: pd.DataFrame | None, counties: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame | None:
    """The plans of the snapshot's year and metric, None when no county with a figure has one."""
    if plans is None or plans.empty:
        return None
    # plans built by hand (a notebook) may use aliases too; load_plans already gives canonical names
    plans = with_canonical_regions(plans, snapshot.region, "the plans", strict=True)
    relevant = plans[(plans.year == snapshot.year) & (plans.metric == snapshot.metric)]
    if not relevant.region.isin(counties.region).any():
        return None  # no plan for any county with a figure: plans cannot be the basis
    return relevant


def _from_plans(
    counties: pd.DataFrame, facts: pd.DataFrame, relevant: pd.DataFrame, snapshot: Snapshot, time_basis: str
) -> ExpectedCounts:
    progress = time_progress(snapshot.year, snapshot.as_of, time_basis)
    county_plans = _county_plans(relevant, counties)
    planned = np.array([p is not None for p in county_plans])
    expected = np.array([p * progress if p is not None else np.nan for p in county_plans])
    sources = ["plan" if p else "" for p in planned]
    detail = {
        "time_progress": progress,
        "time_basis": time_basis,
        "planned": int(planned.sum()),
        "unplanned": int((~planned).sum()),
    }
    if not planned.all():
        rule = _unplanned(counties, facts, relevant, snapshot, county_plans, expected, progress, detail)
        sources = [s or rule for s in sources]
        detail["unplanned_rule"] = rule
    return ExpectedCounts(expected, tuple(county_plans), tuple(sources), "plan", detail)


def _unplanned(
    counties: pd.DataFrame,
    facts: pd.DataFrame,
    relevant: pd.DataFrame,
    snapshot: Snapshot,
    county_plans: list[float | None],
    expected: np.ndarray,
    progress: float,
    detail: dict,
) -> str:
    """Fill in ``expected`` of the counties without a plan (None in ``county_plans``) and add to ``detail``
    what it came from; returns the rule.

    Counties without a plan get an equal share of what the city plan leaves over (its own target, 按进度);
    without a city plan, or when the county plans already exceed it (层层加码), an equal share of the
    observed total the planned counties did not account for, which makes them neutral (O/E ≈ 1) rather
    than judged against a made-up target."""
    values = counties.value.to_numpy(float)
    planned = np.array([p is not None for p in county_plans])
    k = int((~planned).sum())
    city_plan, city_plan_source = _city_plan(relevant, facts, snapshot)
    planned_sum = sum(p for p in county_plans if p is not None)
    remainder = (city_plan - planned_sum) if city_plan is not None else None
    if remainder is not None and remainder > 0:
        expected[~planned] = remainder / k * progress
        detail.update(city_plan=city_plan, city_plan_source=city_plan_source, remainder_plan=remainder)
        return "city plan remainder"
    total = values.sum()
    rest = total - values[planned].sum()
    expected[~planned] = rest / k if rest > 0 else total / len(values)
    detail.update(city_plan=city_plan)
    return "observed remainder"


def _county_plans(relevant: pd.DataFrame, counties: pd.DataFrame) -> list[float | None]:
    """Each county's annual plan in ``relevant`` (None without one), in the order of ``counties``."""
    by_region = relevant.set_index("region").plan
    return [float(by_region[r]) if r in by_region.index else None for r in counties.region]


def _city_plan(plans: pd.DataFrame, facts: pd.DataFrame, snapshot: Snapshot) -> tuple[float | None, str]:
    """The city's annual plan: the city's row of the plans file, else value ÷ plan_pct of the city figure."""
    city_rows = plans[plans.region == snapshot.region.name]
    if not city_rows.empty:
        return float(city_rows.plan.iloc[0]), "plans file"
    city = facts[
        (facts.year == snapshot.year)
        & (facts.months == snapshot.as_of)
        & (facts.metric == snapshot.metric)
        & (facts.region == snapshot.region.name)
    ]
    city = city[city.plan_pct.notna() & (city.plan_pct > 0)]
    if not city.empty:
        return float(city.value.iloc[0] / city.plan_pct.iloc[0] * 100), "bulletin (figure ÷ percent of plan)"
    return None, ""


def _from_prior(counties: pd.DataFrame, facts: pd.DataFrame, snapshot: Snapshot) -> ExpectedCounts | None:
    """Shares of the latest earlier period that covers every county being compared (shares from a period
    with fewer counties would not be comparable); None when there is none."""
    year, as_of = snapshot.year, snapshot.as_of
    earlier = facts[
        (facts.metric == snapshot.metric)
        & county_mask(facts, snapshot.region)
        & ((facts.year < year) | ((facts.year == year) & (facts.months < as_of)))
    ]
    if earlier.empty:
        return None
    n, total = len(counties), counties.value.to_numpy(float).sum()
    for (y, m), period in sorted(earlier.groupby(["year", "months"]), key=lambda g: g[0], reverse=True):
        prior = period.drop_duplicates("region").set_index("region").value
        if set(counties.region) <= set(prior.index):
            shares = prior.loc[list(counties.region)].to_numpy(float)
            if shares.sum() > 0 and (shares > 0).all():
                detail = {"prior_year": int(y), "prior_months": int(m)}
                return ExpectedCounts(total * shares / shares.sum(), (None,) * n, ("prior share",) * n, "prior", detail)
    return None
