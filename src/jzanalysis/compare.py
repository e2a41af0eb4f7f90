"""County comparison that tells signal from noise.

With counts this small (公安县 23 … 江陵县 11) most of a raw ranking is noise. For each county this
module gives the exact (Garwood) Poisson 95% interval, the expected count (county plan × time progress
"按进度", else a prior period's shares, else equal shares), observed/expected with its interval, the
position in a funnel plot (Spiegelhalter 2005, exact Poisson limits at 95% and 99.8%, widened when the
counties are overdispersed), a simulated rank interval and whether it is on schedule; and for the city
a chi-square homogeneity test and a Poisson GLM with rate ratios.

>>> from scipy.stats import chi2
>>> [round(x, 2) for x in garwood_interval(23)]
[14.58, 34.51]
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from . import settings
from .calendar import time_progress
from .counties import COUNTIES, COUNTY_NAMES
from .errors import InputError
from .metrics import METRICS

RANK_DRAWS = 10_000
_SEED = 20150731  # fixed so a report's rank intervals are reproducible
_NOTES = {c.name: c.note for c in COUNTIES}


def garwood_interval(count: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) Poisson interval for an observed count: 23 → (14.58, 34.51), 11 → (5.49, 19.68)."""
    alpha = 1 - level
    lower = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(lower), float(upper)


def poisson_funnel_limit(expected: float, p: float) -> float:
    """Exact Poisson control limit for O/E at probability ``p``, interpolated as in Spiegelhalter (2005)."""
    y = stats.poisson.ppf(p, expected)
    f_y = stats.poisson.cdf(y, expected)
    f_below = stats.poisson.cdf(y - 1, expected)
    alpha = (f_y - p) / (f_y - f_below) if f_y > f_below else 0.0
    return float(max(y - alpha, 0.0) / expected)


def _funnel_position(oe: float, expected: float, phi: float) -> tuple[str, dict]:
    """'inside', 'above95', 'below95', 'above998', 'below998' and the four limits used."""
    limits = {}
    for name, p in (("lo998", 0.001), ("lo95", 0.025), ("hi95", 0.975), ("hi998", 0.999)):
        exact = poisson_funnel_limit(expected, p)
        # Overdispersion: widen the limits around 1 by sqrt(φ), Spiegelhalter's multiplicative model.
        limits[name] = 1 + (exact - 1) * math.sqrt(phi) if phi > 1 else exact
    if oe > limits["hi998"]:
        return "above998", limits
    if oe < limits["lo998"]:
        return "below998", limits
    if oe > limits["hi95"]:
        return "above95", limits
    if oe < limits["lo95"]:
        return "below95", limits
    return "inside", limits


def _rank_intervals(values: np.ndarray, rng: np.random.Generator) -> list[tuple[int, int]]:
    """95% intervals of each county's rank (1 = largest) under Jeffreys Gamma(value + ½) posteriors."""
    draws = rng.gamma(values + 0.5, 1.0, size=(RANK_DRAWS, len(values)))
    ranks = (-draws).argsort(axis=1).argsort(axis=1) + 1
    lo = np.percentile(ranks, 2.5, axis=0, method="nearest")
    hi = np.percentile(ranks, 97.5, axis=0, method="nearest")
    return [(int(a), int(b)) for a, b in zip(lo, hi)]


def _county_rows(facts: pd.DataFrame, year: int, months: int, metric: str) -> pd.DataFrame:
    rows = facts[(facts.year == year) & (facts.months == months) & (facts.metric == metric)]
    unknown = sorted(set(rows.region) - set(COUNTY_NAMES) - {settings.CITY})
    if unknown:
        raise InputError(f"unknown region {unknown[0]!r} in the facts: not in the county registry; allowed: {'、'.join(COUNTY_NAMES)}")
    return rows[rows.region.isin(COUNTY_NAMES)].drop_duplicates("region")


def _expected(counties: pd.DataFrame, facts: pd.DataFrame, *, year: int, as_of: int, metric: str,
              plans: pd.DataFrame | None, time_basis: str) -> tuple[np.ndarray, list, str]:
    """Expected counts, per-county plans (or None) and the basis in words."""
    total = counties.value.sum()
    n = len(counties)
    if plans is not None:
        relevant = plans[(plans.year == year) & (plans.metric == metric)].set_index("region").plan
        if not relevant.empty:
            progress = time_progress(year, as_of, time_basis)
            county_plans = [float(relevant[r]) if r in relevant.index else None for r in counties.region]
            expected = np.array([p * progress if p is not None else np.nan for p in county_plans])
            unplanned = np.isnan(expected)
            if unplanned.any():
                # Counties without a plan share what the others did not account for, equally: their
                # expectation is then neutral (O/E about 1 on average), not a made-up target.
                rest = max(total - counties.value[~unplanned].sum(), 0.0)
                expected[unplanned] = rest / unplanned.sum() if rest > 0 else np.nan
                if np.isnan(expected).any():
                    expected[unplanned] = total / n
            basis = f"计划 × 时间进度（按进度，{time_basis} {progress:.1%}）"
            if unplanned.any():
                basis += f"；{unplanned.sum()} 个县市区无计划，按其余数量平均分配"
            return expected, county_plans, basis
    earlier = facts[(facts.metric == metric) & facts.region.isin(COUNTY_NAMES) & (
        (facts.year < year) | ((facts.year == year) & (facts.months < as_of)))]
    if not earlier.empty:
        latest = earlier.sort_values(["year", "months"]).groupby("region").last()
        if set(counties.region) <= set(latest.index) and latest.value.loc[list(counties.region)].sum() > 0:
            prior = latest.value.loc[list(counties.region)].to_numpy(float)
            return total * prior / prior.sum(), [None] * n, "上一期各县市区占比"
    return np.full(n, total / n), [None] * n, "平均分配（无县市区计划）"


def compare_from_facts(facts: pd.DataFrame, *, year: int, as_of: int, metric: str,
                       plans: pd.DataFrame | None = None, time_basis: str = "months") -> dict:
    """County comparison of ``metric`` for January..``as_of`` of ``year`` as a JSON-ready dict.

    Keys: ``metric``, ``year``, ``as_of``, ``city_total``, ``counties`` (``region``, ``value``, ``share``,
    ``ci95``, ``expected``, ``oe``, ``oe_ci95``, ``funnel``, ``rank``, ``rank_interval``, ``on_schedule``,
    ``plan``, ``note``), ``expected_basis``, ``homogeneity`` (``chi2``, ``df``, ``p``), ``glm``,
    ``overdispersion`` and ``context`` (end-of-June batch signings when the data has them).
    """
    if metric not in METRICS:
        raise InputError(f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}")
    counties = _county_rows(facts, year, as_of, metric)
    if len(counties) < 2:
        have = facts[facts.region.isin(COUNTY_NAMES)][["year", "months", "metric"]].drop_duplicates()
        listing = "; ".join(f"{r.metric} {r.year} 1-{r.months}月" for r in have.itertuples()) or "none"
        raise InputError(f"no county figures of {metric} for {year} 1-{as_of}月 to compare; county figures in the data: {listing}")
    counties = counties.reset_index(drop=True)
    values = counties.value.to_numpy(float)
    city = facts[(facts.year == year) & (facts.months == as_of) & (facts.metric == metric) & (facts.region == settings.CITY)]
    city_total = float(city.value.iloc[0]) if not city.empty else float(values.sum())
    expected, county_plans, basis = _expected(counties, facts, year=year, as_of=as_of, metric=metric, plans=plans,
                                              time_basis=time_basis)

    # Homogeneity: observed against expected rescaled to the observed total (shares test).
    scaled = expected * values.sum() / expected.sum()
    chi2 = float(((values - scaled) ** 2 / scaled).sum())
    df = len(values) - 1
    p_value = float(stats.chi2.sf(chi2, df))
    # Spiegelhalter's overdispersion: φ = mean squared z-score against the (scaled) expectation.
    z = (values - scaled) / np.sqrt(scaled)
    phi = float(np.mean(z**2))
    widen = phi > 1

    glm = _glm(values, scaled, list(counties.region), overdispersed=widen)
    rng = np.random.default_rng(_SEED)
    rank_intervals = _rank_intervals(values, rng)
    ranks = stats.rankdata(-values, method="min").astype(int)
    rows = []
    for i, row in counties.iterrows():
        e = float(expected[i])
        oe = values[i] / e
        ci = garwood_interval(values[i])
        funnel, limits = _funnel_position(oe, e, phi if widen else 1.0)
        plan = county_plans[i]
        rows.append(
            {
                "region": row.region,
                "value": float(values[i]),
                "share": float(values[i] / values.sum()),
                "ci95": [round(ci[0], 4), round(ci[1], 4)],
                "expected": e,
                "oe": float(oe),
                "oe_ci95": [ci[0] / e, ci[1] / e],
                "funnel": funnel,
                "funnel_limits": limits,
                "rank": int(ranks[i]),
                "rank_interval": list(rank_intervals[i]),
                "on_schedule": None if plan is None else bool(values[i] >= e),
                "behind_schedule_evidence": None if plan is None else bool(ci[1] < e),
                "plan": plan,
                "note": (row.note if isinstance(row.note, str) and row.note else None),
            }
        )
    rows.sort(key=lambda r: (-r["value"], r["region"]))
    return {
        "metric": metric,
        "year": year,
        "as_of": as_of,
        "city_total": city_total,
        "counties": rows,
        "expected_basis": basis,
        "homogeneity": {"chi2": chi2, "df": df, "p": p_value, "against": "expected shares"},
        "glm": glm,
        "overdispersion": {"phi": phi, "widened": widen,
                           "method": "Spiegelhalter (2005): φ = mean z², limits widened by √φ when φ > 1"},
        "context": _context(facts, year),
    }


def _glm(values: np.ndarray, expected: np.ndarray, regions: list[str], overdispersed: bool) -> dict:
    """Poisson GLM per county: intercept + that county's indicator, offset log(expected).

    exp(coefficient) is the county's rate ratio against the rest of the city (1 = same pace relative to
    its expectation). A model with one rate per county would fit exactly and leave no residual degrees
    of freedom; one indicator at a time keeps the test honest. When the counties are overdispersed
    the standard errors use the null model's Pearson dispersion (quasi-Poisson).
    """
    import statsmodels.api as sm

    family = sm.families.Poisson()
    offset = np.log(expected)
    null = sm.GLM(values, np.ones((len(values), 1)), family=family, offset=offset).fit()
    dispersion = float(null.pearson_chi2 / null.df_resid)
    scale = max(dispersion, 1.0) if overdispersed else 1.0
    ratios = []
    for i, region in enumerate(regions):
        design = np.column_stack([np.ones(len(values)), np.arange(len(values)) == i]).astype(float)
        fit = sm.GLM(values, design, family=family, offset=offset).fit(scale=scale)
        lo, hi = np.exp(fit.conf_int()[1])
        ratios.append({"region": region, "rr": float(np.exp(fit.params[1])), "ci95": [float(lo), float(hi)],
                       "p": float(fit.pvalues[1])})
    return {
        "family": "quasi-Poisson" if overdispersed else "Poisson",
        "dispersion": dispersion,
        "against": "rest of the city",
        "rate_ratios": ratios,
    }


def _context(facts: pd.DataFrame, year: int) -> dict:
    batch = facts[(facts.metric == "batch_signings_june") & (facts.year == year) & facts.region.isin(COUNTY_NAMES)]
    return {
        "batch_signings_june": [
            {"region": r.region, "value": float(r.value), "quote": r.quote} for r in batch.itertuples()
        ]
    }


_POSITION_WORDS = {
    "above95": "高于95%控制上限", "above998": "高于99.8%控制上限",
    "below95": "低于95%控制下限", "below998": "低于99.8%控制下限",
}


def county_sentences(result: dict) -> list[str]:
    """Chinese sentences: one overall, then one per county only where the evidence supports it."""
    h = result["homogeneity"]
    label = METRICS[result["metric"]].label
    if h["p"] < 0.05:
        overall = f"各县市区{label}差异显著（χ²={h['chi2']:.2f}，自由度 {h['df']}，p={h['p']:.2f}）。"
    else:
        overall = f"各县市区{label}差异不显著（χ²={h['chi2']:.2f}，自由度 {h['df']}，p={h['p']:.2f}），排名主要反映随机波动。"
    sentences = [overall]
    for c in result["counties"]:
        if c["funnel"] != "inside":
            sentences.append(
                f"{c['region']} {c['value']:g} 个，实际/期望 {c['oe']:.2f}，{_POSITION_WORDS[c['funnel']]}，差异超出随机波动范围。"
            )
        elif c.get("behind_schedule_evidence"):
            sentences.append(
                f"{c['region']} {c['value']:g} 个，95% 区间上限 {c['ci95'][1]:.1f} 仍低于按进度应完成的 {c['expected']:.1f}，落后于计划进度。"
            )
    if len(sentences) == 1:
        sentences.append("没有县市区落在漏斗图控制限之外。")
    return sentences
