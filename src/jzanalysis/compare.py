"""County comparison that tells signal from noise.

With counts this small (公安县 23 … 江陵县 11) most of a raw ranking is noise. For each county this
module gives the exact (Garwood) Poisson 95% interval, the expected count (county plan × time progress
"按进度", else a prior period's shares, else equal shares), observed/expected with its interval, the
position in a funnel plot (Spiegelhalter 2005: exact Poisson limits at 95% and 99.8%, widened when the
counties are overdispersed), a simulated rank interval and whether it is on schedule; for the city a
chi-square homogeneity test and a Poisson (or negative binomial) GLM with rate ratios against the city
average. The method is written up in ``docs/counties.md``.

The result is numbers and codes only (``expected_basis_code``, ``expected_from``, ``funnel``, …): the words a
report or the command line shows for them come from the report layer's catalogue
(:func:`jzanalysis.report.comparison_words`).

>>> [round(x, 2) for x in garwood_interval(23)]
[14.58, 34.51]
>>> [round(x, 2) for x in garwood_interval(11)]
[5.49, 19.68]
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from .calendar import BASES, check_month, time_progress
from .errors import InputError
from .metrics import METRICS, get_metric
from .regions import Region, infer_region

RANK_DRAWS = 10_000
_SEED = 20150731  # fixed so a report's rank intervals are reproducible
WINSORISE = 0.10  # Spiegelhalter (2005): z-scores winsorised at 10% per tail before estimating φ

# ``expected_basis``: one of these three fixed strings, a contract for tools (docs/counties.md); the same
# as a short code in ``expected_basis_code``
BASIS_PLANS = "plans × time progress (按进度)"
BASIS_PRIOR = "prior-period shares"
BASIS_EQUAL = "equal shares"
BASIS_CODES = {BASIS_PLANS: "plan", BASIS_PRIOR: "prior", BASIS_EQUAL: "equal"}

_LIMIT_PROBS = {"lo998": 0.001, "lo95": 0.025, "hi95": 0.975, "hi998": 0.999}


# --------------------------------------------------------------------------- per-county building blocks


def garwood_interval(count: float, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) Poisson interval for an observed count, in the count's unit (个).

    lower = χ²(α/2; 2k)/2, upper = χ²(1−α/2; 2k+2)/2; the lower limit of 0 is 0.

    >>> [round(x, 2) for x in garwood_interval(0)]
    [0.0, 3.69]
    """
    alpha = 1 - level
    lower = 0.0 if count == 0 else stats.chi2.ppf(alpha / 2, 2 * count) / 2
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2
    return float(lower), float(upper)


def poisson_funnel_limit(expected: float, p: float) -> float:
    """Exact Poisson control limit for O/E at probability ``p`` given the expected count.

    The Poisson quantile is a step function; Spiegelhalter (2005, appendix) interpolates between
    steps so the limits are smooth in ``expected``. The result is a ratio (O/E), not a count.

    >>> round(poisson_funnel_limit(174 / 9, 0.975), 3)
    1.444
    """
    y = stats.poisson.ppf(p, expected)
    f_y = stats.poisson.cdf(y, expected)
    f_below = stats.poisson.cdf(y - 1, expected)
    alpha = (f_y - p) / (f_y - f_below) if f_y > f_below else 0.0
    return float(max(y - alpha, 0.0) / expected)


def funnel_limits(expected: float, phi: float = 1.0) -> dict[str, float]:
    """The four O/E control limits (``lo998``, ``lo95``, ``hi95``, ``hi998``) at ``expected``.

    With ``phi`` > 1 each exact limit's distance from 1 is multiplied by √φ: Spiegelhalter's
    multiplicative overdispersion model, applied to the exact limits instead of the normal ones so
    the funnel stays asymmetric for small counts. A lower limit never goes below 0.

    >>> {k: round(v, 3) for k, v in funnel_limits(20.0).items()}
    {'lo998': 0.358, 'lo95': 0.56, 'hi95': 1.437, 'hi998': 1.736}
    """
    scale = math.sqrt(phi) if phi > 1 else 1.0
    return {name: max(0.0, 1 + (poisson_funnel_limit(expected, p) - 1) * scale) for name, p in _LIMIT_PROBS.items()}


def funnel_position(oe: float, limits: dict[str, float]) -> str:
    """'inside', 'above95', 'below95', 'above998' or 'below998' for an O/E against its limits."""
    if oe > limits["hi998"]:
        return "above998"
    if oe < limits["lo998"]:
        return "below998"
    if oe > limits["hi95"]:
        return "above95"
    if oe < limits["lo95"]:
        return "below95"
    return "inside"


def spiegelhalter_phi(values, expected, winsorise: float = WINSORISE) -> dict:
    """Overdispersion factor φ from Pearson z-scores, Spiegelhalter (2005) style.

    z = (O − E)/√E with E rescaled to the observed total (so the city-wide pace is not mistaken for
    overdispersion); φ = mean of z² after winsorising ⌊winsorise·n⌋ z-scores in each tail to the next
    value in, so one extreme county does not widen the limits enough to hide itself. With the 9
    counties ⌊0.1·9⌋ = 0: nothing is winsorised (trimming 2 of 9 units would discard too much).
    Returns ``phi`` (used), ``phi_raw`` (no winsorising), ``winsorised`` (units per tail) and ``z``.

    >>> round(spiegelhalter_phi([23, 23, 22, 21, 21, 18, 18, 17, 11], [174 / 9] * 9)["phi"], 3)
    0.678
    """
    values = np.asarray(values, float)
    expected = np.asarray(expected, float)
    scaled = expected * values.sum() / expected.sum()
    z = (values - scaled) / np.sqrt(scaled)
    k = math.floor(winsorise * len(z))
    zw = z.copy()
    if k > 0 and len(z) > 2 * k:
        ordered = np.sort(z)
        zw = np.clip(z, ordered[k], ordered[-k - 1])
    return {"phi": float(np.mean(zw**2)), "phi_raw": float(np.mean(z**2)), "winsorised": k, "z": z.tolist()}


def _rank_intervals(values: np.ndarray, rng: np.random.Generator) -> list[tuple[int, int]]:
    """95% intervals of each county's rank (1 = largest) under Jeffreys Gamma(value + ½, 1) posteriors.

    The rank intervals answer "could 公安县 really be 6th?": draws of each county's underlying rate,
    ranked within each draw, 2.5% and 97.5% points of each county's rank.
    """
    draws = rng.gamma(values + 0.5, 1.0, size=(RANK_DRAWS, len(values)))
    ranks = (-draws).argsort(axis=1).argsort(axis=1) + 1
    lo = np.percentile(ranks, 2.5, axis=0, method="nearest")
    hi = np.percentile(ranks, 97.5, axis=0, method="nearest")
    return [(int(a), int(b)) for a, b in zip(lo, hi)]


# --------------------------------------------------------------------------- selecting the facts


def _with_canonical_regions(
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
    return name != region.name and name not in ("全市", "我市")


def _county_rows(rows: pd.DataFrame, region: Region) -> pd.Series:
    """Boolean mask of ``rows`` that are county-level figures of ``region``."""
    return pd.Series([_is_county(region, str(r)) for r in rows.region], index=rows.index, dtype=bool)


def _one_row_per_county(rows: pd.DataFrame, what: str, region: Region) -> pd.DataFrame:
    """Counties' rows, one each: the same figure from two bulletins is kept once, two different
    figures for one county are an error (a silent pick would make the comparison arbitrary)."""
    rows = rows[_county_rows(rows, region)]
    for region, group in rows.groupby("region", sort=False):
        values = sorted(set(group.value.astype(float)))
        if len(values) > 1:
            sources = "、".join(sorted({str(s) for s in group.source if isinstance(s, str)})) or "the data"
            shown = " vs ".join(f"{v:g}" for v in values)
            raise InputError(f"{region} has conflicting figures for {what}: {shown} (in {sources}); keep one and retry")
    return rows.drop_duplicates("region").reset_index(drop=True)


def _what_the_data_has(facts: pd.DataFrame, region: Region) -> str:
    have = facts[_county_rows(facts, region)][["year", "months", "metric"]].drop_duplicates()
    have = have.sort_values(["metric", "year", "months"])
    return "; ".join(f"{r.metric} {r.year} 1-{r.months}月" for r in have.itertuples()) or "none"


# --------------------------------------------------------------------------- expected counts


def _city_plan(
    plans: pd.DataFrame, facts: pd.DataFrame, year: int, as_of: int, metric: str, city: str
) -> tuple[float | None, str]:
    """The city's annual plan: the city's row of the plans file, else value ÷ plan_pct of the city figure."""
    city_rows = plans[plans.region == city]
    if not city_rows.empty:
        return float(city_rows.plan.iloc[0]), "plans file"
    city = facts[(facts.year == year) & (facts.months == as_of) & (facts.metric == metric) & (facts.region == city)]
    city = city[city.plan_pct.notna() & (city.plan_pct > 0)]
    if not city.empty:
        return float(city.value.iloc[0] / city.plan_pct.iloc[0] * 100), "bulletin (figure ÷ percent of plan)"
    return None, ""


def _expected(
    counties: pd.DataFrame,
    facts: pd.DataFrame,
    *,
    year: int,
    as_of: int,
    metric: str,
    plans: pd.DataFrame | None,
    time_basis: str,
    region: Region,
) -> dict:
    """Expected counts and where they come from.

    Returns ``expected`` (array), ``plans`` (per county: annual plan or None), ``sources`` (per county:
    'plan', 'city plan remainder', 'observed remainder', 'prior share', 'equal share'), ``basis`` (one of
    the three BASIS_* strings) and ``detail`` (dict: the numbers a report words the basis with).
    """
    values = counties.value.to_numpy(float)
    total = values.sum()
    n = len(counties)
    relevant = None
    if plans is not None and not plans.empty:
        # plans built by hand (a notebook) may use aliases too; load_plans already gives canonical names
        plans = _with_canonical_regions(plans, region, "the plans", strict=True)
        relevant = plans[(plans.year == year) & (plans.metric == metric)]
        if not relevant.region.isin(counties.region).any():
            relevant = None  # no plan for any county with a figure: plans cannot be the basis
    if relevant is not None:
        progress = time_progress(year, as_of, time_basis)
        by_region = relevant.set_index("region").plan
        county_plans = [float(by_region[r]) if r in by_region.index else None for r in counties.region]
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
            k = int((~planned).sum())
            # Counties without a plan get an equal share of what the city plan leaves over (its own
            # target, 按进度); without a city plan, or when the county plans already exceed it (层层加码),
            # an equal share of the observed total the planned counties did not account for, which
            # makes them neutral (O/E ≈ 1) rather than judged against a made-up target.
            city_plan, city_plan_source = _city_plan(relevant, facts, year, as_of, metric, region.name)
            planned_sum = sum(p for p in county_plans if p is not None)
            remainder = (city_plan - planned_sum) if city_plan is not None else None
            if remainder is not None and remainder > 0:
                expected[~planned] = remainder / k * progress
                rule = "city plan remainder"
                detail.update(city_plan=city_plan, city_plan_source=city_plan_source, remainder_plan=remainder)
            else:
                rest = total - values[planned].sum()
                expected[~planned] = rest / k if rest > 0 else total / n
                rule = "observed remainder"
                detail.update(city_plan=city_plan)
            sources = [s or rule for s in sources]
            detail["unplanned_rule"] = rule
        return {
            "expected": expected,
            "plans": county_plans,
            "sources": sources,
            "basis": BASIS_PLANS,
            "detail": detail,
        }

    earlier = facts[
        (facts.metric == metric)
        & _county_rows(facts, region)
        & ((facts.year < year) | ((facts.year == year) & (facts.months < as_of)))
    ]
    if not earlier.empty:
        # The latest earlier period that covers every county being compared: shares from a period with
        # fewer counties would not be comparable.
        for (y, m), period in sorted(earlier.groupby(["year", "months"]), key=lambda g: g[0], reverse=True):
            prior = period.drop_duplicates("region").set_index("region").value
            if set(counties.region) <= set(prior.index):
                shares = prior.loc[list(counties.region)].to_numpy(float)
                if shares.sum() > 0 and (shares > 0).all():
                    return {
                        "expected": total * shares / shares.sum(),
                        "plans": [None] * n,
                        "sources": ["prior share"] * n,
                        "basis": BASIS_PRIOR,
                        "detail": {"prior_year": int(y), "prior_months": int(m)},
                    }
    return {
        "expected": np.full(n, total / n),
        "plans": [None] * n,
        "sources": ["equal share"] * n,
        "basis": BASIS_EQUAL,
        "detail": {},
    }


# --------------------------------------------------------------------------- the comparison


def compare_from_facts(
    facts: pd.DataFrame,
    year: int,
    as_of: int,
    metric: str = "projects_100m",
    plans: pd.DataFrame | None = None,
    time_basis: str = "months",
    region: Region | None = None,
) -> dict:
    """County comparison of a count ``metric`` for January..``as_of`` of ``year``, as a JSON-ready dict.

    ``facts``: a facts table (:func:`jzanalysis.schema.facts_frame`); ``plans``: from
    :func:`jzanalysis.plans.load_plans` or None; ``time_basis``: ``months`` | ``days`` | ``workdays``
    (time progress for plans, see :func:`jzanalysis.calendar.time_progress`); ``region``: the city (None:
    the one its region names belong to, :func:`jzanalysis.regions.infer_region`).

    Keys: ``metric``, ``year``, ``as_of``, ``city_total``, ``counties`` (sorted by value, largest first;
    ``region``, ``value`` (个), ``share``, ``ci95``, ``expected``, ``oe``, ``oe_ci95``, ``funnel``,
    ``funnel_limits``, ``rank``, ``rank_interval``, ``on_schedule``, ``behind_schedule_evidence``,
    ``plan``, ``expected_from``, ``note``), ``expected_basis`` (one of ``'plans × time progress (按进度)'``,
    ``'prior-period shares'``, ``'equal shares'``), ``expected_basis_code`` (``plan``, ``prior``, ``equal``),
    ``expected_detail``, ``homogeneity`` (``chi2``, ``df``, ``p``), ``glm``, ``overdispersion`` and
    ``context``. No words: the command line's ``expected_basis_zh`` and the sentences come from
    :func:`jzanalysis.report.comparison_words`.

    >>> from jzanalysis.schema import facts_frame
    >>> facts = facts_frame([dict(year=2015, months=7, region=r, metric="projects_100m", value=v)
    ...                      for r, v in [("公安县", 23), ("江陵县", 11), ("沙市区", 21)]])
    >>> out = compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m")
    >>> [c["region"] for c in out["counties"]], out["expected_basis"]
    (['公安县', '沙市区', '江陵县'], 'equal shares')
    """
    if get_metric(metric).kind != "count":
        counts = ", ".join(m.id for m in METRICS.values() if m.kind == "count")
        raise InputError(
            f"county comparison needs a count metric (Poisson intervals); {metric} is "
            f"{METRICS[metric].kind} ({METRICS[metric].unit}); allowed: {counts}"
        )
    if time_basis not in BASES:
        raise InputError(f"unknown time-progress basis {time_basis!r}; allowed: {', '.join(BASES)}")
    year, as_of = int(year), int(as_of)
    check_month(as_of, name="as-of month")
    if region is None:
        region = infer_region(facts.region.dropna().unique())
        if region is None:
            raise InputError("the facts name no known city or county; give the city with --region NAME")
    facts = _with_canonical_regions(facts[facts.metric.isin([metric, "batch_signings_june"])], region)
    current = facts[(facts.year == year) & (facts.months == as_of) & (facts.metric == metric)]
    counties = _one_row_per_county(current, f"{metric} {year} 1-{as_of}月", region)
    if len(counties) < 2:
        raise InputError(
            f"no county figures of {metric} for {year} 1-{as_of}月 to compare (need at least 2 counties, "
            f"found {len(counties)}); county figures in the data: {_what_the_data_has(facts, region)}"
        )
    values = counties.value.to_numpy(float)
    if (values < 0).any() or not np.allclose(values, np.round(values)):
        raise InputError(
            f"county figures of {metric} must be whole counts >= 0, got {', '.join(f'{v:g}' for v in values)}"
        )
    if values.sum() == 0:
        raise InputError(f"every county has 0 for {metric} {year} 1-{as_of}月: nothing to compare")
    city = current[current.region == region.name]
    city_total = float(city.value.iloc[0]) if not city.empty else float(values.sum())

    exp = _expected(
        counties, facts, year=year, as_of=as_of, metric=metric, plans=plans, time_basis=time_basis, region=region
    )
    expected = exp["expected"]

    # Homogeneity: observed against expected rescaled to the observed total, i.e. a test of shares;
    # with plans it asks whether counties' progress differs, not whether the city is on schedule.
    scaled = expected * values.sum() / expected.sum()
    chi2 = float(((values - scaled) ** 2 / scaled).sum())
    df = len(values) - 1
    p_value = float(stats.chi2.sf(chi2, df))

    od = spiegelhalter_phi(values, expected)
    widen = od["phi"] > 1
    phi_used = od["phi"] if widen else 1.0
    glm = poisson_glm(values, expected, list(counties.region), overdispersed=widen)

    rank_intervals = _rank_intervals(values, np.random.default_rng(_SEED))
    ranks = stats.rankdata(-values, method="min").astype(int)
    rows = []
    for i, row in counties.iterrows():
        e = float(expected[i])
        oe = float(values[i] / e)
        ci = garwood_interval(values[i])
        limits = funnel_limits(e, phi_used)
        plan = exp["plans"][i]
        note = row.note if isinstance(row.note, str) and row.note and not pd.isna(row.note) else None
        rows.append(
            {
                "region": row.region,
                "value": float(values[i]),
                "share": float(values[i] / values.sum()),
                "ci95": [ci[0], ci[1]],
                "expected": e,
                "oe": oe,
                "oe_ci95": [ci[0] / e, ci[1] / e],
                "funnel": funnel_position(oe, limits),
                "funnel_limits": limits,
                "rank": int(ranks[i]),
                "rank_interval": list(rank_intervals[i]),
                # on schedule = at least plan × time progress (按进度); only counties with their own plan
                "on_schedule": None if plan is None else bool(values[i] >= e),
                # "clearly behind": even the upper 95% limit of the underlying rate is below 按进度
                "behind_schedule_evidence": None if plan is None else bool(ci[1] < e),
                "plan": plan,
                "expected_from": exp["sources"][i],
                "note": note,
            }
        )
    # largest first; ties keep the order of the data (the bulletin's own order)
    rows.sort(key=lambda r: -r["value"])
    batch = _context(facts, year, region)
    return {
        "metric": metric,
        "city": region.name,
        "year": year,
        "as_of": as_of,
        "city_total": city_total,
        "counties_total": float(values.sum()),
        "counties": rows,
        "expected_basis": exp["basis"],
        "expected_basis_code": BASIS_CODES[exp["basis"]],
        "expected_detail": exp["detail"],
        "homogeneity": {"chi2": chi2, "df": df, "p": p_value, "test": "Pearson chi-square against expected shares"},
        "glm": glm,
        "overdispersion": {
            "phi": od["phi"],
            "phi_raw": od["phi_raw"],
            "winsorised_per_tail": od["winsorised"],
            "widened": widen,
            "limit_factor": math.sqrt(phi_used),
            "method": "Spiegelhalter (2005): φ = mean z² (z winsorised ⌊10%·n⌋ per tail); "
            "funnel limits' distance from 1 multiplied by √φ when φ > 1",
        },
        "context": batch,
    }


def poisson_glm(values, expected, regions: list[str], overdispersed: bool = False) -> dict:
    """Rate ratio of each county against the city average, from a GLM with offset log(expected).

    The model has one rate per county (log μᵢ = log Eᵢ + βᵢ, statsmodels GLM). The rate ratio of
    county i against the city average is exp(βᵢ) ÷ (ΣO/ΣE) = (Oᵢ/Eᵢ)/(ΣO/ΣE); its 95% interval comes
    from the delta method on βᵢ − log(Σⱼ Eⱼ e^βⱼ / ΣE), which accounts for the county being part of
    the average. For Poisson the variance is 1/Oᵢ − 1/ΣO. When ``overdispersed`` and the moment
    estimate of the NB2 α (Cameron–Trivedi: α = Σ[(O−μ)² − O] / Σμ² from the one-rate model) is > 0,
    the family is negative binomial with that α, so each variance grows by α. A county with 0 gets
    rate ratio 0 and an exact upper limit (Garwood upper ÷ E ÷ city rate); when only one county has
    any, its interval is [None, None]. ``dispersion`` is the
    Pearson χ²/df of the one-rate (null) model; ``lr_test`` its deviance (G²) test of equal rates.
    """
    import statsmodels.api as sm

    values = np.asarray(values, float)
    expected = np.asarray(expected, float)
    n = len(values)
    offset = np.log(expected)
    with warnings.catch_warnings():
        # expected shares equal to the observed ones (a prior period identical to this one) fit
        # perfectly; statsmodels warns, but χ² = 0 is the right answer
        warnings.simplefilter("ignore")
        null = sm.GLM(values, np.ones((n, 1)), family=sm.families.Poisson(), offset=offset).fit()
    mu0 = null.fittedvalues
    dispersion = float(null.pearson_chi2 / null.df_resid)
    alpha = float(max(((values - mu0) ** 2 - values).sum() / (mu0**2).sum(), 0.0))
    use_nb = bool(overdispersed and alpha > 0)
    family = sm.families.NegativeBinomial(alpha=alpha) if use_nb else sm.families.Poisson()

    city_rate = values.sum() / expected.sum()
    positive = values > 0
    log_rr = np.full(n, -np.inf)
    se = np.full(n, np.nan)
    if positive.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a saturated fit converges at once; its "perfect fit" notes are noise
            fit = sm.GLM(values[positive], np.eye(int(positive.sum())), family=family, offset=offset[positive]).fit()
        beta = np.asarray(fit.params)
        cov = np.asarray(fit.cov_params())
        mu = np.exp(beta + offset[positive])
        weights = mu / values.sum()  # each county's share of the city total (zeros contribute nothing)
        for j, i in enumerate(np.flatnonzero(positive)):
            grad = -weights.copy()
            grad[j] += 1.0
            log_rr[i] = beta[j] - math.log(city_rate)
            se[i] = math.sqrt(float(grad @ cov @ grad))
    z975 = stats.norm.ppf(0.975)
    ratios = []
    for i, region in enumerate(regions):
        if positive[i] and positive.sum() > 1:
            lo, hi = math.exp(log_rr[i] - z975 * se[i]), math.exp(log_rr[i] + z975 * se[i])
            p = float(2 * stats.norm.sf(abs(log_rr[i]) / se[i]))
            ratios.append(
                {"region": region, "rr": math.exp(log_rr[i]), "ci95": [lo, hi], "se_log": float(se[i]), "p": p}
            )
        elif positive[i]:
            # the only county with any: its share is 100% by construction, no interval to give
            ratios.append(
                {"region": region, "rr": math.exp(log_rr[i]), "ci95": [None, None], "se_log": None, "p": None}
            )
        else:
            upper = garwood_interval(0)[1] / expected[i] / city_rate
            ratios.append({"region": region, "rr": 0.0, "ci95": [0.0, float(upper)], "se_log": None, "p": None})
    return {
        "family": "negative binomial" if use_nb else "Poisson",
        "alpha": alpha if use_nb else 0.0,
        "dispersion": dispersion,
        "lr_test": {
            "deviance": float(null.deviance),
            "df": int(null.df_resid),
            "p": float(stats.chi2.sf(null.deviance, null.df_resid)),
        },
        "against": "city average (ΣO/ΣE)",
        "offset": "log(expected)",
        "rate_ratios": ratios,
    }


def _context(facts: pd.DataFrame, year: int, region: Region) -> dict:
    """End-of-June batch signings per county of ``year`` (the bulletins' 6月底集中签约), with quotes."""
    batch = facts[(facts.metric == "batch_signings_june") & (facts.year == year) & (facts.region != region.name)]
    batch = batch.drop_duplicates("region")
    return {
        "batch_signings_june": [
            {"region": r.region, "value": float(r.value), "quote": r.quote if isinstance(r.quote, str) else None}
            for r in batch.itertuples()
        ]
    }
