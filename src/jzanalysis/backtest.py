"""Backtest: score every forecast method on past snapshots whose year-end outcome is known.

Input (a CSV, see docs/forecasting.md "Backtest file format"): one row per January..M snapshot, with
the facts-table columns ``year, months, region, metric, value`` (+ optional ``plan_pct``, ``plan``,
``unit``, ``source``, ``quote``) and ``actual``, the full-year figure of that (year, region, metric).
Earlier years' rows of the same (region, metric, months) feed ``last_year_ratio`` and
``seasonal_share`` (only earlier years, so nothing from the future leaks in).

Scores per method (relative scores are divided by the actual so that cities, metrics and years of
different size can be pooled):

- ``mape`` (mean |point − actual| / actual) and ``bias_pct`` (mean signed error, percent of actual)
- ``coverage80`` / ``coverage95`` with a Wilson 95% confidence interval on each coverage
- ``interval_score80`` / ``interval_score95``: mean Winkler interval score / actual
- ``crps``: mean CRPS / actual (:func:`crps_of`: exact for the discrete count distributions, the quantile
  integral on 2000 levels else)
- ``brier``: Brier score of P(meet plan) on rows with a plan
- ``skill_*``: 1 − score / score of ``straight_line_months`` on the rows both scored (> 0 = better)

>>> import pandas as pd
>>> f = pd.DataFrame(dict(year=[2015], months=[7], region=["X"], metric=["projects_100m"], value=[174.0], actual=[290.0], plan_pct=[71.6]))
>>> r = run_backtest(f)
>>> [m["method"] for m in r["methods"]][:2]
['straight_line_months', 'straight_line_days']
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from .catalog_files import method_label
from .csvcheck import first_failure, positive_where_given, require_columns, to_numbers
from .errors import InputError
from .forecast import (
    DEFAULT_METHOD,
    METHODS,
    Calibration,
    GridPredictive,
    fit_calibration,
    forecast_series,
    given_plan,
    implied_plan,
)
from .forecast.calibration import part_of_year
from .metrics import FORECASTABLE, METRICS

REQUIRED_COLUMNS = ("year", "months", "region", "metric", "value", "actual")
BASELINE = "straight_line_months"


def load_backtest_csv(path) -> pd.DataFrame:
    """Read and validate a backtest CSV; every problem is a one-line :class:`InputError`.

    Required columns: year, months (1..11), region, metric (a count or amount metric id), value (the
    January..M figure, >= 0), actual (the full-year figure, >= value). Optional: plan_pct (percent of
    plan stated with the value), plan (annual plan; wins over plan_pct), unit, source, quote.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"backtest file {path} not found; give a CSV with columns {', '.join(REQUIRED_COLUMNS)}")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"backtest file {path} is not a readable UTF-8 CSV ({str(exc).splitlines()[0]})") from None
    return validate_backtest_frame(frame, origin=str(path))


def validate_backtest_frame(frame: pd.DataFrame, origin: str = "backtest frame") -> pd.DataFrame:
    """Check columns and values of a backtest frame; returns a typed copy."""
    frame = require_columns(frame, origin, REQUIRED_COLUMNS, "need at least one snapshot with its full-year actual")
    to_numbers(frame, origin, ("year", "months", "value", "actual"), ("plan_pct", "plan"))
    for col in ("year", "months"):
        if not (frame[col] == frame[col].round()).all():
            raise InputError(f"{origin}: {col} must be whole numbers")
        frame[col] = frame[col].astype(int)
    checks = [
        (~frame.months.between(1, 11), "months must be 1..11 (a January..M snapshot before the year ends)"),
        (frame.value < 0, "value (January..M figure) must be >= 0"),
        (
            frame.actual < frame.value,
            "actual (full year) must be >= value (January..M), the figures are running totals",
        ),
        (
            ~frame.metric.isin(FORECASTABLE),
            "metric must be a count or amount metric id, e.g. projects_100m, funds_in_place",
        ),
    ]
    checks += positive_where_given(
        frame, {"plan_pct": "plan_pct must be > 0 (percent, 71.6 means 71.6%)", "plan": "plan must be > 0"}
    )
    first_failure(
        frame,
        origin,
        checks,
        lambda row: (
            f"{row['metric']} {int(row['year'])} 1-{row['months']}月 value {row['value']} actual {row['actual']}"
        ),
    )
    dup = frame.duplicated(subset=["year", "months", "region", "metric"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(f"{origin} line {i + 2}: duplicate snapshot (year, months, region, metric); keep one row each")
    return frame.reset_index(drop=True)


# --- scores ---------------------------------------------------------------------------------------


def interval_score(lo: float, hi: float, y: float, alpha: float) -> float:
    """Winkler interval score of the central (1 − alpha) interval [lo, hi] at outcome y (lower is better).

    >>> interval_score(10, 20, 25, 0.2)  # width 10 + (2/0.2)·(25 − 20)
    60.0
    """
    score = hi - lo
    if y < lo:
        score += 2 / alpha * (lo - y)
    elif y > hi:
        score += 2 / alpha * (y - hi)
    return float(score)


_CRPS_LEVELS = (np.arange(2000) + 0.5) / 2000


def crps_of(dist, y: float) -> float:
    """CRPS of a predictive distribution at outcome ``y`` (same units as y), in its quantile form
    CRPS = 2 ∫₀¹ (1{y < q(τ)} − τ)(q(τ) − y) dτ.

    Over one step of the quantile function (an atom v of probability p, the cdf rising from a to b) the
    integrand is linear in τ, so the step contributes exactly 2·p·(1{y < v} − (a + b)/2)·(v − y). A discrete
    count distribution is its atoms, so its CRPS is exact; any other family is taken as 2000 equally likely
    atoms at its quantiles of the levels (k − ½)/2000 (the midpoint rule of the integral). The tests check
    both against scoringrules' closed-form lognormal CRPS and properscoring's weighted ensemble CRPS.
    """
    if isinstance(dist, GridPredictive):
        values, p, middle = dist.values, dist.pmf, dist.cum - dist.pmf / 2  # (a + b)/2 of each step
    else:
        values, p, middle = np.asarray(dist.ppf(_CRPS_LEVELS), dtype=float), 1 / len(_CRPS_LEVELS), _CRPS_LEVELS
    return float(2 * np.sum(p * ((y < values) - middle) * (values - y)))


def pit_of(dist, y: float) -> float:
    """The probability integral transform of outcome ``y``: P(full < y) + P(full = y)/2 (the mid-PIT of a
    distribution with atoms: a count, or the mass on the YTD). Uniform on [0, 1] when the forecasts are
    calibrated."""
    below = float(dist.cdf_below(y))
    at_or_below = float(np.asarray(dist.cdf(y)))
    return (below + at_or_below) / 2


def wilson_interval(successes: int, n: int) -> list[float]:
    """Wilson 95% confidence interval of a proportion (e.g. coverage 8 of 10 → [0.49, 0.94])."""
    if n == 0:
        return [math.nan, math.nan]
    lo, hi = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]


def _history(frame: pd.DataFrame, row) -> list[tuple[int, float, float]]:
    past = frame[
        (frame.region == row.region)
        & (frame.metric == row.metric)
        & (frame.months == row.months)
        & (frame.year < row.year)
    ]
    return [(int(r.year), float(r.value), float(r.actual)) for r in past.itertuples()]


def _plan(row, kind: str):
    """The plan of a snapshot: the ``plan`` column, else implied by ``plan_pct`` (a count's a whole number)."""
    plan = getattr(row, "plan", None)
    if plan is not None and pd.notna(plan):
        return given_plan(float(plan))
    pct = getattr(row, "plan_pct", None)
    if pct is not None and pd.notna(pct) and pct > 0 and row.value > 0:
        return implied_plan(float(row.value), float(pct), kind, int(row.months))
    return None


def run_backtest(
    frame: pd.DataFrame, *, dispersion=None, sigma: float | None = None, methods=None, calibration=None
) -> dict:
    """Forecast every snapshot of ``frame`` with every method and score against ``actual``.

    ``dispersion``: φ for count rows (a number), or a mapping ``{"count": φ, "amount": σ}``; ``sigma``:
    σ for amount rows (see :func:`jzanalysis.forecast.forecast_series`). Returns a JSON-ready dict:
    ``n_snapshots``, ``baseline``, ``dispersion``, ``default_methods``, ``calibration``, ``methods`` (one
    score object per method, in registry order) and ``rows`` (each snapshot with every method's point,
    intervals and scores).
    """
    frame = validate_backtest_frame(frame)
    rows_out = []
    per_method: dict[str, list[dict]] = {}
    calibration_id = None
    for row in frame.itertuples(index=False):
        kind = METRICS[row.metric].kind
        plan = _plan(row, kind)
        y = float(row.actual)
        result = forecast_series(
            float(row.value),
            year=int(row.year),
            as_of=int(row.months),
            kind=kind,
            plan=plan,
            methods=methods,
            dispersion=dispersion,
            sigma=sigma,
            history=_history(frame, row),
            calibration=calibration,
        )
        calibration_id = result.calibration["id"]
        scored = {}
        for m in result.methods:
            s = score_forecast(m, y, plan)
            scored[m.method] = s
            per_method.setdefault(m.method, []).append({"row": len(rows_out), **s})
        rows_out.append(
            {
                "year": int(row.year),
                "months": int(row.months),
                "region": row.region,
                "metric": row.metric,
                "kind": kind,
                "value": float(row.value),
                "actual": y,
                "plan": None if plan is None else plan.value,
                "methods": scored,
                "skipped": result.skipped,
            }
        )
    order = [m for m in METHODS if m in per_method]
    baseline = {r["row"]: r for r in per_method.get(BASELINE, [])}
    summaries = [summarise(mid, per_method[mid], baseline) for mid in order]
    return {
        "n_snapshots": len(rows_out),
        "baseline": BASELINE,
        "dispersion": _effective_dispersion(dispersion, sigma),
        "default_methods": dict(DEFAULT_METHOD),
        "calibration": calibration_id,
        "methods": summaries,
        "rows": rows_out,
    }


def score_forecast(m, y: float, plan) -> dict:
    """Scores of one method's forecast (a :class:`~jzanalysis.forecast.MethodForecast`) at outcome ``y``."""
    lo80, hi80 = m.interval80
    lo95, hi95 = m.interval95
    lo50, hi50 = m.quantiles["0.25"], m.quantiles["0.75"]
    met = None if plan is None else float(y >= (plan.value if hasattr(plan, "value") else plan))
    return {
        "point": m.point,
        "interval50": [lo50, hi50],
        "interval80": [lo80, hi80],
        "interval95": [lo95, hi95],
        "p_meet_plan": m.p_meet_plan,
        "ape": abs(m.point - y) / y if y > 0 else None,
        "rel_error": (m.point - y) / y if y > 0 else None,
        "in50": bool(lo50 <= y <= hi50),
        "in80": bool(lo80 <= y <= hi80),
        "in95": bool(lo95 <= y <= hi95),
        "pit": None if m.predictive is None else pit_of(m.predictive, y),
        "is50": interval_score(lo50, hi50, y, 0.5) / y if y > 0 else None,
        "is80": interval_score(lo80, hi80, y, 0.2) / y if y > 0 else None,
        "is95": interval_score(lo95, hi95, y, 0.05) / y if y > 0 else None,
        "crps": crps_of(m.predictive, y) / y if y > 0 else None,
        "brier": None if (met is None or m.p_meet_plan is None) else (m.p_meet_plan - met) ** 2,
    }


def _effective_dispersion(dispersion, sigma=None) -> dict:
    """The φ / σ given (None: the calibration's spread for the default, DEFAULT_DISPERSION for the others)."""
    out: dict = {"count": None, "amount": None}
    if isinstance(dispersion, dict):
        out.update(dispersion)
    elif dispersion is not None:
        out["count"] = float(dispersion)
    if sigma is not None:
        out["amount"] = float(sigma)
    return out


def _mean(values) -> float | None:
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def summarise(method_id: str, records: list[dict], baseline: dict[int, dict], label: str | None = None) -> dict:
    """Scores of one method over its records; skill against ``baseline`` (row index → record)."""
    n = len(records)
    k50 = sum(r.get("in50", False) for r in records)
    k80 = sum(r["in80"] for r in records)
    k95 = sum(r["in95"] for r in records)
    out = {
        "method": method_id,
        "label_zh": label or method_label(method_id, "zh"),
        "n": n,
        "mape": _mean(r["ape"] for r in records),
        "bias_pct": None
        if _mean(r["rel_error"] for r in records) is None
        else 100 * _mean(r["rel_error"] for r in records),
        "coverage50": k50 / n,
        "coverage80": k80 / n,
        "coverage80_ci": wilson_interval(k80, n),
        "coverage95": k95 / n,
        "coverage95_ci": wilson_interval(k95, n),
        "interval_score50": _mean(r.get("is50") for r in records),
        "interval_score80": _mean(r["is80"] for r in records),
        "interval_score95": _mean(r["is95"] for r in records),
        "crps": _mean(r["crps"] for r in records),
        "brier": _mean(r["brier"] for r in records),
        "n_brier": sum(r["brier"] is not None for r in records),
    }
    for score, key in (
        ("ape", "skill_mape"),
        ("crps", "skill_crps"),
        ("is80", "skill_interval_score80"),
        ("brier", "skill_brier"),
    ):
        pairs = [
            (r[score], baseline[r["row"]][score])
            for r in records
            if r["row"] in baseline and r[score] is not None and baseline[r["row"]][score] is not None
        ]
        if not pairs:
            out[key] = None
            continue
        mine, base = (float(np.mean(x)) for x in zip(*pairs))
        out[key] = None if base == 0 else 1 - mine / base
    return out


# --- real pairs, leave one city out ---------------------------------------------------------------

#: What the pairs evaluation compares: the calibrated default, the same without the plan's
#: information, the straight line (with the calibrated spread) and the simulation-tuned models.
PAIR_VARIANTS = ("calibrated", "calibrated_without_plan", "straight_line_months", "simulation_default")
_SIMULATION_DEFAULT = {"count": "gamma_poisson", "amount": "lognormal_ratio"}


HOLDOUTS = ("city", "series", "none")


def _series_key(frame: pd.DataFrame) -> pd.Series:
    return frame.place.astype(str) + "|" + frame.year.astype(str) + "|" + frame.metric.astype(str)


def evaluate_pairs(
    pairs: pd.DataFrame, *, loco: bool = True, priors: dict | None = None, holdout: str | None = None
) -> dict:
    """Score the calibrated default on real pairs, each forecast by a calibration that never saw it.

    ``pairs``: a validated pairs frame (:func:`jzanalysis.forecast.read_pairs_csv`). ``holdout``:
    ``city`` (leave one city out, the default), ``series`` (leave one series, i.e. one place, year and
    metric, out) or ``none`` (fit once on every pair: in-sample, optimistic; ``loco=False`` says the
    same). Returns ``methods`` (one score object per variant of :data:`PAIR_VARIANTS`),
    ``straight_line_band`` (the straight line with the fixed ±band that scores best on these very
    pairs: an optimistic baseline), ``by_class`` and ``rows`` (each with its PIT per variant).
    """
    holdout = holdout or ("city" if loco else "none")
    if holdout not in HOLDOUTS:
        raise InputError(f"holdout must be one of {', '.join(HOLDOUTS)}, got {holdout!r}")
    groups = {"city": pairs.place.astype(str), "series": _series_key(pairs), "none": pd.Series("all", pairs.index)}[
        holdout
    ]
    rows, per = [], {v: [] for v in PAIR_VARIANTS}
    for group in sorted(groups.unique()):
        inside = groups == group
        cal = fit_calibration(pairs[~inside] if holdout != "none" else pairs, priors=priors)
        no_plan = replace(cal, plan=None)
        for row in pairs[inside].itertuples():
            record = _scored_pair(row, cal, no_plan)
            for variant, scores in record["methods"].items():
                per[variant].append({"row": len(rows), **scores})
            rows.append(record)
    baseline = {r["row"]: r for r in per["straight_line_months"]}
    summaries = [summarise(v, per[v], baseline, label=_PAIR_LABELS[v]) for v in PAIR_VARIANTS]
    return {
        "n_pairs": len(rows),
        "n_cities": int(pairs.place.nunique()),
        "loco": holdout == "city",
        "holdout": holdout,
        "methods": summaries,
        "straight_line_band": best_band(pairs),
        "by_class": _by_class(rows, per["calibrated"]),
        "rows": rows,
    }


#: The name of each variant of :data:`PAIR_VARIANTS` in the scores (a record, not report prose).
_PAIR_LABELS = {
    "calibrated": "calibrated (default)",
    "calibrated_without_plan": "calibrated, plan not used",
    "straight_line_months": "straight line, calibrated spread",
    "simulation_default": "gamma_poisson / lognormal_ratio (simulation-tuned)",
}


def _scored_pair(row, cal: Calibration, no_plan: Calibration) -> dict:
    """One pair's record: its figures and, under ``methods``, each variant's scores against the outcome."""
    plan = None if pd.isna(row.plan) else given_plan(float(row.plan))
    common = dict(year=int(row.year), as_of=int(row.ytd_month), kind=row.kind, plan=plan)
    ytd, y = float(row.ytd_value), float(row.full_year_value)
    made = {
        "calibrated": forecast_series(ytd, methods=["calibrated"], calibration=cal, **common).forecast,
        "calibrated_without_plan": forecast_series(ytd, methods=["calibrated"], calibration=no_plan, **common).forecast,
        "straight_line_months": forecast_series(
            ytd, methods=["straight_line_months"], calibration=cal, **common
        ).forecast,
        "simulation_default": forecast_series(ytd, methods=[_SIMULATION_DEFAULT[row.kind]], **common).forecast,
    }
    return {
        "place": row.place,
        "metric": row.metric,
        "year": int(row.year),
        "months": int(row.ytd_month),
        "kind": row.kind,
        "class": f"{row.kind}/{part_of_year(int(row.ytd_month))}",
        "value": ytd,
        "actual": y,
        "plan": None if plan is None else plan.value,
        "methods": {variant: score_forecast(forecast, y, plan) for variant, forecast in made.items()},
    }


def _by_class(rows: list[dict], calibrated: list[dict]) -> dict:
    """The calibrated default's coverage, MAPE and interval score by kind and part of the year."""
    by_class = {}
    for cls in sorted({r["class"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["class"] == cls]
        recs = [calibrated[i] for i in idx]
        by_class[cls] = {
            "n": len(idx),
            "coverage80": float(np.mean([r["in80"] for r in recs])),
            "mape": _mean(r["ape"] for r in recs),
            "interval_score80": _mean(r["is80"] for r in recs),
        }
    return by_class


def perturb_pairs(pairs: pd.DataFrame, drift: float = 0.15) -> pd.DataFrame:
    """The pairs with every outcome moved by a definitional drift: × (1 + drift) and × (1 − drift) in
    turn, in file order, never below the YTD (a stress test: do the intervals degrade gracefully?).

    >>> f = pd.DataFrame(dict(ytd_value=[100.0] * 4, full_year_value=[200.0, 200.0, 110.0, 110.0]))
    >>> [round(v, 6) for v in perturb_pairs(f).full_year_value]  # 110 × 0.85 = 93.5 is below the YTD: 100
    [230.0, 170.0, 126.5, 100.0]
    """
    out = pairs.copy()
    sign = np.where(np.arange(len(out)) % 2 == 0, 1.0, -1.0)
    moved = out.full_year_value.to_numpy(dtype=float) * (1 + sign * drift)
    out["full_year_value"] = np.maximum(moved, out.ytd_value.to_numpy(dtype=float))
    return out


def best_band(pairs: pd.DataFrame) -> dict:
    """The straight line YTD × 12/M with the fixed band that minimises the mean interval score on ``pairs``.

    Bands tried: [SL/(1 + b), SL·(1 + b)] and [SL·(1 − b), SL·(1 + b)], b = 0.005, 0.010, …, 1.000, the
    lower end never below the YTD; chosen separately for the 50%, the 80% and the 95% interval. The band is
    chosen on the very pairs it is scored on, so it is an optimistic baseline.
    """
    ytd = pairs.ytd_value.to_numpy(dtype=float)
    y = pairs.full_year_value.to_numpy(dtype=float)
    sl = ytd * 12 / pairs.ytd_month.to_numpy()
    out = {"mape": float(np.mean(np.abs(sl - y) / y)), "bias_pct": float(100 * np.mean((sl - y) / y))}
    for level, alpha in (("50", 0.5), ("80", 0.2), ("95", 0.05)):
        best = None
        for b in np.round(np.arange(1, 201) * 0.005, 3):
            for form in ("log", "linear"):
                lo = sl / (1 + b) if form == "log" else sl * (1 - b)
                lo, hi = np.maximum(lo, ytd), sl * (1 + b)
                score = float(np.mean([interval_score(a, c, v, alpha) / v for a, c, v in zip(lo, hi, y)]))
                if best is None or score < best[0]:
                    best = (score, float(b), form, float(np.mean((lo <= y) & (y <= hi))))
        out[f"interval_score{level}"], out[f"band{level}"], out[f"form{level}"], out[f"coverage{level}"] = best
    return out
