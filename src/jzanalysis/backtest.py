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
- ``crps``: mean CRPS / actual (exact for the discrete count distributions, quantile integral else)
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
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from .errors import InputError
from .forecast import (
    DEFAULT_DISPERSION,
    DEFAULT_METHOD,
    METHODS,
    GridPredictive,
    forecast_series,
)
from .metrics import FORECASTABLE_KINDS, METRICS

REQUIRED_COLUMNS = ("year", "months", "region", "metric", "value", "actual")
OPTIONAL_COLUMNS = ("plan_pct", "plan", "unit", "source", "quote")
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
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{origin}: missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED_COLUMNS)}")
    if frame.empty:
        raise InputError(f"{origin}: no rows; need at least one snapshot with its full-year actual")
    frame = frame.copy()
    for col in ("year", "months", "value", "actual") + tuple(c for c in ("plan_pct", "plan") if c in frame.columns):
        numeric = pd.to_numeric(frame[col], errors="coerce")
        bad = numeric.isna() & frame[col].notna() if col in ("plan_pct", "plan") else numeric.isna()
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # header is line 1
            raise InputError(f"{origin} line {line}: {col} must be a number, got {frame[col].iloc[line - 2]!r}")
        frame[col] = numeric
    for col in ("year", "months"):
        if not (frame[col] == frame[col].round()).all():
            raise InputError(f"{origin}: {col} must be whole numbers")
        frame[col] = frame[col].astype(int)
    checks = [
        (~frame.months.between(1, 11), "months must be 1..11 (a January..M snapshot before the year ends)"),
        (frame.value < 0, "value (January..M figure) must be >= 0"),
        (frame.actual < frame.value, "actual (full year) must be >= value (January..M), the figures are running totals"),
        (~frame.metric.isin([m for m, s in METRICS.items() if s.kind in FORECASTABLE_KINDS and s.cumulative]),
         "metric must be a count or amount metric id, e.g. projects_100m, funds_in_place"),
    ]
    if "plan_pct" in frame.columns:
        checks.append((frame.plan_pct.notna() & ~(frame.plan_pct > 0), "plan_pct must be > 0 (percent, 71.6 means 71.6%)"))
    if "plan" in frame.columns:
        checks.append((frame.plan.notna() & ~(frame.plan > 0), "plan must be > 0"))
    for bad, message in checks:
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            row = frame.iloc[i]
            raise InputError(f"{origin} line {i + 2}: {message}; got {row['metric']} {int(row['year'])} "
                             f"1-{row['months']}月 value {row['value']} actual {row['actual']}")
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
    """CRPS of a predictive distribution at outcome ``y`` (same units as y).

    Discrete count distributions: exact. Others: the quantile form
    CRPS = 2 ∫₀¹ (1{y < q(τ)} − τ)(q(τ) − y) dτ on 2000 midpoints (checked against scoringrules'
    closed-form lognormal CRPS in the tests).
    """
    if isinstance(dist, GridPredictive):
        return dist.crps(y)
    q = np.asarray(dist.ppf(_CRPS_LEVELS), dtype=float)
    return float(2 * np.mean(((y < q).astype(float) - _CRPS_LEVELS) * (q - y)))


def wilson_interval(successes: int, n: int) -> list[float]:
    """Wilson 95% confidence interval of a proportion (e.g. coverage 8 of 10 → [0.49, 0.94])."""
    if n == 0:
        return [math.nan, math.nan]
    lo, hi = proportion_confint(successes, n, alpha=0.05, method="wilson")
    return [float(lo), float(hi)]


def _history(frame: pd.DataFrame, row) -> list[tuple[int, float, float]]:
    past = frame[(frame.region == row.region) & (frame.metric == row.metric) & (frame.months == row.months)
                 & (frame.year < row.year)]
    return [(int(r.year), float(r.value), float(r.actual)) for r in past.itertuples()]


def _plan(row) -> float | None:
    plan = getattr(row, "plan", None)
    if plan is not None and pd.notna(plan):
        return float(plan)
    pct = getattr(row, "plan_pct", None)
    if pct is not None and pd.notna(pct) and pct > 0:
        return float(row.value) / (float(pct) / 100)
    return None


def run_backtest(frame: pd.DataFrame, *, dispersion: float | None = None, methods=None) -> dict:
    """Forecast every snapshot of ``frame`` with every method and score against ``actual``.

    ``dispersion`` overrides the default: a number applies to every row (φ for count metrics, σ for
    amount metrics), a mapping ``{"count": φ, "amount": σ}`` sets them per kind (see
    :data:`jzanalysis.forecast.DEFAULT_DISPERSION`). Returns a JSON-ready dict: ``n_snapshots``,
    ``baseline``, ``dispersion``, ``default_methods``, ``methods`` (one score object per method, in
    registry order) and ``rows`` (each snapshot with every method's point, intervals and scores).
    """
    frame = validate_backtest_frame(frame)
    rows_out = []
    per_method: dict[str, list[dict]] = {}
    for row in frame.itertuples(index=False):
        kind = METRICS[row.metric].kind
        plan = _plan(row)
        y = float(row.actual)
        result = forecast_series(
            float(row.value), year=int(row.year), as_of=int(row.months), kind=kind, plan=plan, methods=methods,
            dispersion=dispersion, history=_history(frame, row),
        )
        scored = {}
        for m in result.methods:
            dist = result.predictive[m["method"]]
            lo80, hi80 = m["interval80"]
            lo95, hi95 = m["interval95"]
            s = {
                "point": m["point"],
                "interval80": [lo80, hi80],
                "interval95": [lo95, hi95],
                "p_meet_plan": m["p_meet_plan"],
                "ape": abs(m["point"] - y) / y if y > 0 else None,
                "rel_error": (m["point"] - y) / y if y > 0 else None,
                "in80": bool(lo80 <= y <= hi80),
                "in95": bool(lo95 <= y <= hi95),
                "is80": interval_score(lo80, hi80, y, 0.2) / y if y > 0 else None,
                "is95": interval_score(lo95, hi95, y, 0.05) / y if y > 0 else None,
                "crps": crps_of(dist, y) / y if y > 0 else None,
                "brier": None if (plan is None or m["p_meet_plan"] is None) else (m["p_meet_plan"] - float(y >= plan)) ** 2,
            }
            scored[m["method"]] = s
            per_method.setdefault(m["method"], []).append({"row": len(rows_out), **s})
        rows_out.append({
            "year": int(row.year), "months": int(row.months), "region": row.region, "metric": row.metric,
            "kind": kind, "value": float(row.value), "actual": y, "plan": plan, "methods": scored,
            "skipped": result.skipped,
        })
    order = [m for m in METHODS if m in per_method]
    baseline = {r["row"]: r for r in per_method.get(BASELINE, [])}
    summaries = [_summarise(mid, per_method[mid], baseline) for mid in order]
    return {
        "n_snapshots": len(rows_out),
        "baseline": BASELINE,
        "dispersion": _effective_dispersion(dispersion),
        "default_methods": dict(DEFAULT_METHOD),
        "methods": summaries,
        "rows": rows_out,
    }


def _effective_dispersion(dispersion) -> dict:
    if dispersion is None:
        return dict(DEFAULT_DISPERSION)
    if isinstance(dispersion, dict):
        return {**DEFAULT_DISPERSION, **dispersion}
    return {kind: float(dispersion) for kind in DEFAULT_DISPERSION}


def _mean(values) -> float | None:
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def _summarise(method_id: str, records: list[dict], baseline: dict[int, dict]) -> dict:
    n = len(records)
    k80 = sum(r["in80"] for r in records)
    k95 = sum(r["in95"] for r in records)
    out = {
        "method": method_id,
        "label_zh": METHODS[method_id].label_zh,
        "n": n,
        "mape": _mean(r["ape"] for r in records),
        "bias_pct": None if _mean(r["rel_error"] for r in records) is None else 100 * _mean(r["rel_error"] for r in records),
        "coverage80": k80 / n,
        "coverage80_ci": wilson_interval(k80, n),
        "coverage95": k95 / n,
        "coverage95_ci": wilson_interval(k95, n),
        "interval_score80": _mean(r["is80"] for r in records),
        "interval_score95": _mean(r["is95"] for r in records),
        "crps": _mean(r["crps"] for r in records),
        "brier": _mean(r["brier"] for r in records),
        "n_brier": sum(r["brier"] is not None for r in records),
    }
    for score, key in (("ape", "skill_mape"), ("crps", "skill_crps"), ("is80", "skill_interval_score80"), ("brier", "skill_brier")):
        pairs = [(r[score], baseline[r["row"]][score]) for r in records
                 if r["row"] in baseline and r[score] is not None and baseline[r["row"]][score] is not None]
        if not pairs:
            out[key] = None
            continue
        mine, base = (float(np.mean(x)) for x in zip(*pairs))
        out[key] = None if base == 0 else 1 - mine / base
    return out


def format_backtest_table(result: dict) -> str:
    """Plain-text table of :func:`run_backtest`'s scores for the terminal (one line per method)."""

    def pct(v, digits=1):
        return "–" if v is None else f"{100 * v:.{digits}f}"

    def num(v, digits=3):
        return "–" if v is None else f"{v:.{digits}f}"

    def skill(v):
        return "–" if v is None else f"{v:+.2f}"

    defaults = set(result.get("default_methods", {}).values())
    lines = [
        f"Backtest: {result['n_snapshots']} snapshots; baseline {result['baseline']}; dispersion {result['dispersion']}",
        f"{'method':<24}{'n':>4}{'MAPE%':>7}{'bias%':>7}{'cov80 [95% CI]':>20}{'cov95 [95% CI]':>20}"
        f"{'IS80':>7}{'CRPS':>7}{'Brier':>7}{'skill MAPE':>11}{'skill CRPS':>11}",
    ]
    for m in result["methods"]:
        c80 = f"{pct(m['coverage80'], 0)} [{pct(m['coverage80_ci'][0], 0)}-{pct(m['coverage80_ci'][1], 0)}]"
        c95 = f"{pct(m['coverage95'], 0)} [{pct(m['coverage95_ci'][0], 0)}-{pct(m['coverage95_ci'][1], 0)}]"
        star = "*" if m["method"] in defaults else " "
        bias = "–" if m["bias_pct"] is None else f"{m['bias_pct']:+.1f}"
        lines.append(
            f"{star}{m['method']:<23}{m['n']:>4}{pct(m['mape']):>7}{bias:>7}{c80:>20}{c95:>20}"
            f"{num(m['interval_score80'], 2):>7}{num(m['crps']):>7}{num(m['brier']):>7}"
            f"{skill(m['skill_mape']):>11}{skill(m['skill_crps']):>11}"
        )
    lines.append("* default method for its kind. MAPE/bias/IS/CRPS relative to the actual; skill = 1 - score/baseline "
                 "on shared rows (> 0 beats the straight line). cov = share of actuals inside the interval.")
    return "\n".join(lines)
