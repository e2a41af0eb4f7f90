"""Entry points: :func:`forecast_series` (one figure) and :func:`forecast_from_facts` (the facts table)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..calendar import check_as_of
from ..errors import InputError
from ..metrics import FORECASTABLE_KINDS, forecastable_metric
from .calibration import Calibration, load_calibration
from .distributions import DEFAULT_A0
from .methods import (
    DEFAULT_DISPERSION,
    DEFAULT_METHOD,
    FALLBACK_METHOD,
    METHODS,
    ForecastInputs,
    NotApplicable,
)
from .plan import Plan, given_plan, implied_plan
from .result import ForecastResult, method_forecast


def _check_number(name: str, value, minimum: float = 0.0) -> None:
    if value is None:
        return
    if (
        not isinstance(value, (int, float, np.number))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < minimum
    ):
        raise InputError(f"{name} must be a number >= {minimum:g} (0 = no overdispersion), got {value!r}")


def _check_dispersion(dispersion) -> None:
    if dispersion is None:
        return
    if isinstance(dispersion, Mapping):
        unknown = [k for k in dispersion if k not in FORECASTABLE_KINDS]
        if unknown:
            raise InputError(f"dispersion keys must be kinds ({', '.join(FORECASTABLE_KINDS)}), got {unknown[0]!r}")
        for value in dispersion.values():
            _check_dispersion(value)
        return
    _check_number("dispersion", dispersion)


def _given_spread(kind: str, dispersion, sigma) -> float | None:
    """φ (counts) or σ (amounts) the caller gave, or None. A plain ``dispersion`` is φ, for counts only."""
    if kind == "amount":
        if sigma is not None:
            return float(sigma)
        if isinstance(dispersion, Mapping) and dispersion.get("amount") is not None:
            return float(dispersion["amount"])
        return None
    if isinstance(dispersion, Mapping):
        return None if dispersion.get("count") is None else float(dispersion["count"])
    return None if dispersion is None else float(dispersion)


def _resolve_calibration(calibration) -> Calibration:
    if calibration is None:
        return load_calibration()
    if isinstance(calibration, Calibration):
        return calibration
    return load_calibration(calibration)


def forecast_series(
    ytd: float,
    *,
    year: int,
    as_of: int,
    kind: str,
    plan: float | Plan | None = None,
    plan_pct: float | None = None,
    methods: Sequence[str] | None = None,
    dispersion: float | Mapping[str, float] | None = None,
    sigma: float | None = None,
    a0: float = DEFAULT_A0,
    profile=None,
    history: Sequence[tuple[int, float, float]] | None = None,
    working_days: tuple[int, int] | None = None,
    unit: str | None = None,
    calibration=None,
) -> ForecastResult:
    """Forecast the full-year total from one January..``as_of`` figure, without a facts table.

    - ``ytd``: the running total (counts: 个; amounts: 亿元), >= 0
    - ``kind``: ``count`` or ``amount``
    - ``plan``: the annual plan (> 0, or a :class:`~.plan.Plan`), or None; ``plan_pct``: the percent of
      plan stated with ``ytd`` (used when ``plan`` is None; a count's implied plan is a whole number)
    - ``methods``: method ids (None = every method that applies; those that do not are listed under
      ``skipped`` with a reason code). An explicitly requested method that does not apply is an InputError.
    - ``dispersion``: φ for counts (a number), or a mapping ``{"count": φ, "amount": σ}``; ``sigma``: σ
      for amounts. Given, they set the spread of the calibrated default (c² = φ/12, c = σ/2) and of
      gamma_poisson / lognormal_ratio; None = the calibration's spread and :data:`DEFAULT_DISPERSION`.
    - ``profile``: cumulative seasonal profile (see :func:`load_profile`)
    - ``history``: prior years as (year, YTD at as_of, full year), for last_year_ratio and seasonal_share
    - ``working_days``: (elapsed, total) for years outside chinese_calendar's range
    - ``calibration``: a :class:`~.calibration.Calibration`, a path to one, or None (the shipped one)

    >>> r = forecast_series(174, year=2015, as_of=7, kind="count", plan_pct=71.6, methods=["straight_line_months"])
    >>> round(r.forecast.point, 1), r.plan
    (298.3, 243.0)
    """
    check_as_of(as_of)
    if kind not in FORECASTABLE_KINDS:
        raise InputError(f"cannot forecast a figure of kind {kind!r}; allowed kinds: {', '.join(FORECASTABLE_KINDS)}")
    if ytd is None or not isinstance(ytd, (int, float, np.number)) or not math.isfinite(ytd) or ytd < 0:
        raise InputError(f"year-to-date value must be a number >= 0, got {ytd!r}")
    if isinstance(plan, Plan):
        plan_obj = plan
    elif plan is not None:
        if not isinstance(plan, (int, float, np.number)) or not math.isfinite(plan) or plan <= 0:
            raise InputError(f"plan must be a number > 0, got {plan!r}")
        plan_obj = given_plan(float(plan))
    elif plan_pct is not None:
        if not isinstance(plan_pct, (int, float, np.number)) or not plan_pct > 0 or ytd <= 0:
            raise InputError(f"plan_pct must be > 0 with a YTD > 0 to imply a plan, got {plan_pct!r}")
        plan_obj = implied_plan(float(ytd), float(plan_pct), kind, as_of)
    else:
        plan_obj = None
    _check_dispersion(dispersion)
    _check_number("sigma", sigma)
    if not a0 > 0:
        raise InputError(f"prior shape a0 must be > 0 (0.5 = Jeffreys), got {a0!r}")
    if working_days is not None:
        elapsed, total = working_days
        if not (0 < elapsed < total):
            raise InputError(f"working days must be 0 < elapsed < total, got {elapsed}/{total}")
    requested = list(methods) if methods else None
    if requested:
        unknown = [m for m in requested if m not in METHODS]
        if unknown:
            raise InputError(f"unknown forecast method {unknown[0]!r}; allowed: {', '.join(METHODS)}")
    cal = _resolve_calibration(calibration)
    ytd = float(ytd)
    spread = _given_spread(kind, dispersion, sigma)
    prof, prof_years = (None, []) if profile is None else _profile_dicts(profile)
    inp = ForecastInputs(
        ytd=ytd,
        year=int(year),
        as_of=int(as_of),
        kind=kind,
        plan=plan_obj,
        dispersion=DEFAULT_DISPERSION[kind] if spread is None else spread,
        calibration=cal,
        spread_c=None if spread is None else (math.sqrt(spread / 12) if kind == "count" else spread / 2),
        a0=float(a0),
        profile=prof,
        profile_years=prof_years,
        history=list(history or []),
        working_days=None if working_days is None else (int(working_days[0]), int(working_days[1])),
    )
    ids = requested or list(METHODS)
    out, skipped = [], []
    for method_id in ids:
        method = METHODS[method_id]
        try:
            if kind not in method.kinds:
                raise NotApplicable(f"kind_{kind}_not_supported")
            point, dist, params = method.run(inp)
        except NotApplicable as exc:
            if requested:
                raise InputError(f"method {method_id} does not apply: {exc}") from None
            skipped.append({"method": method_id, "reason": str(exc)})
            continue
        except InputError as exc:
            if requested:
                raise
            skipped.append({"method": method_id, "reason": str(exc)})
            continue
        out.append(
            method_forecast(
                method_id,
                method.label_zh,
                point,
                dist,
                params,
                ytd=ytd,
                as_of=int(as_of),
                kind=kind,
                plan=plan_obj,
                unit=unit,
            )
        )
    if not out:
        raise InputError("no forecast method applies: " + "; ".join(f"{s['method']}: {s['reason']}" for s in skipped))
    ran = {m.method: m for m in out}
    chosen = ran.get(DEFAULT_METHOD[kind]) or ran.get(FALLBACK_METHOD[kind]) or out[0]
    if requested and requested[0] in ran and DEFAULT_METHOD[kind] not in requested:
        chosen = ran[requested[0]]
    return ForecastResult(
        metric=None,
        region=None,
        year=int(year),
        as_of=int(as_of),
        ytd=ytd,
        plan=None if plan_obj is None else plan_obj.value,
        forecast=chosen,
        methods=out,
        unit=unit,
        kind=kind,
        default_method=chosen.method,
        skipped=skipped,
        calibration=cal.summary(),
        plan_info=plan_obj,
        plan_source=None if plan_obj is None else plan_source_code(plan_obj, ytd),
        calibration_outcomes=cal.source.get("pairs", len(cal.pairs) or None),
        calibration_cities=cal.source.get("cities"),
        pace_so_far_per_month=ytd / as_of,
        pace_assumed_per_month=max(chosen.point - ytd, 0.0) / (12 - as_of),
    )


def plan_source_code(plan: Plan, ytd: float) -> str:
    """Where the plan came from, with the arithmetic (a record for the JSON; the report words it)."""
    if plan.source == "given":
        return f"given --plan {plan.value:g}"
    where = "" if plan.pct_month is None else f" (1-{plan.pct_month}月)"
    text = f"implied from plan_pct {plan.pct:g}%{where} → {plan.exact:.2f}"
    if plan.range is not None and math.isfinite(plan.range[1]):
        text += f", rounding range {plan.range[0]:.2f}-{plan.range[1]:.2f}"
    if len(plan.candidates) == 1 and plan.candidates[0] == plan.value and plan.value != plan.exact:
        text += f", whole number {plan.value:g}"
    return text


# --- profiles -----------------------------------------------------------------------------------


def load_profile(source) -> pd.DataFrame:
    """Read a cumulative seasonal profile: CSV path, DataFrame or mapping month → share.

    CSV columns: ``month,share`` (one profile) or ``year,month,share`` (one profile per year, which
    gives seasonal_share a spread). ``share`` is the cumulative share of the full year reached by the
    end of ``month`` (0 < share <= 1, non-decreasing); a value above 1 is read as a percent.
    Returns a frame with columns year (maybe all NA), month, share.
    """
    if isinstance(source, Mapping):
        frame = pd.DataFrame({"month": list(source.keys()), "share": list(source.values())})
    elif isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"profile file {path} not found; give a CSV with columns month,share")
        try:
            frame = pd.read_csv(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(
                f"profile file {path} is not a readable CSV ({str(exc).splitlines()[0]}); expected columns month,share"
            ) from None
    missing = {"month", "share"} - set(frame.columns)
    if missing:
        raise InputError(f"profile needs columns month,share (optionally year); missing {', '.join(sorted(missing))}")
    if "year" not in frame.columns:
        frame["year"] = pd.NA
    frame = frame[["year", "month", "share"]].copy()
    try:
        frame["month"] = frame["month"].astype(int)
        frame["share"] = frame["share"].astype(float)
    except (TypeError, ValueError):
        raise InputError("profile month must be whole numbers 1..12 and share numbers") from None
    if frame["share"].max() > 1.0 + 1e-9:
        frame["share"] = frame["share"] / 100  # written as percents
    if not frame["month"].between(1, 12).all():
        raise InputError(f"profile months must be 1..12, got {sorted(set(frame['month']) - set(range(1, 13)))}")
    if not ((frame["share"] > 0) & (frame["share"] <= 1 + 1e-9)).all():
        raise InputError("profile shares must be in (0, 1] (cumulative share of the full year)")
    # fillna first: NA keys would be dropped by groupby, skipping the check for a single profile
    for _, group in frame.groupby(frame["year"].astype(object).fillna("all").astype(str)):
        shares = group.sort_values("month")["share"].to_numpy()
        if np.any(np.diff(shares) < -1e-9):
            raise InputError("profile shares must not decrease from month to month (they are cumulative)")
    return frame


def _profile_dicts(source) -> tuple[dict[int, float] | None, list[dict[int, float]]]:
    frame = load_profile(source)
    if frame["year"].isna().all():
        return dict(zip(frame["month"], frame["share"])), []
    years = [dict(zip(g["month"], g["share"])) for _, g in frame.groupby("year")]
    return None, years


# --- from the facts table -----------------------------------------------------------------------


# --- from the facts table -----------------------------------------------------------------------


def _rows(facts: pd.DataFrame, metric: str, region: str) -> pd.DataFrame:
    rows = facts[(facts.metric == metric) & (facts.region == region)]
    return rows[rows.year.notna() & rows.months.notna()]


def history_from_facts(
    facts: pd.DataFrame, year: int, as_of: int, metric: str, region: str
) -> list[tuple[int, float, float]]:
    """Prior years as (year, January..as_of total, full year).

    The January..as_of total of year y is the facts row of (y, as_of), or, when the bulletin of y + 1
    states its growth (同比增长X%), that figure / (1 + X%): 798 at +31.3% means 798 / 1.313 = 607.8 a
    year earlier. The full year is the (y, 12) row (e.g. "2014年全年…" stated in a bulletin).
    """
    rows = _rows(facts, metric, region)
    by = {(int(r.year), int(r.months)): r for r in rows.itertuples()}
    out = []
    for y in sorted({int(v) for v in rows.year if int(v) < year}):
        full = by.get((y, 12))
        if full is None:
            continue
        ytd_row = by.get((y, as_of))
        if ytd_row is not None:
            ytd = float(ytd_row.value)
        else:
            nxt = by.get((y + 1, as_of))
            if nxt is None or pd.isna(getattr(nxt, "yoy_pct", None)) or not nxt.yoy_pct > -100:
                continue
            ytd = float(nxt.value) / (1 + float(nxt.yoy_pct) / 100)
        out.append((y, ytd, float(full.value)))
    return out


def _plan_from_facts(rows_year: pd.DataFrame, as_of: int, kind: str) -> Plan | None:
    """The plan implied by this year's bulletins up to ``as_of`` (the latest percent first)."""
    stated = rows_year[
        (rows_year.months <= as_of) & rows_year.plan_pct.notna() & (rows_year.plan_pct > 0) & (rows_year.value > 0)
    ].sort_values("months", ascending=False)
    if stated.empty:
        return None
    first = stated.iloc[0]
    others = [(float(r.value), float(r.plan_pct), int(r.months)) for r in stated.iloc[1:].itertuples()]
    return implied_plan(float(first.value), float(first.plan_pct), kind, int(first.months), others)


def forecast_from_facts(facts: pd.DataFrame, **kwargs) -> dict:
    """Year-end forecast of ``metric`` for ``region`` from the facts table; a JSON-ready dict.

    The arguments are those of :func:`forecast_result_from_facts`; this is its result's ``to_dict()``.

    >>> from jzanalysis.schema import facts_frame
    >>> f = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6)])
    >>> out = forecast_from_facts(f, year=2015, as_of=7, metric="projects_100m", region="荆州市", methods=["straight_line_months"])
    >>> out["plan"], round(out["forecast"]["point"], 1)
    (243.0, 298.3)
    """
    return forecast_result_from_facts(facts, **kwargs).to_dict()


def forecast_result_from_facts(
    facts: pd.DataFrame,
    *,
    year: int,
    as_of: int,
    metric: str,
    region: str,
    plan: float | None = None,
    methods: Sequence[str] | None = None,
    dispersion: float | Mapping[str, float] | None = None,
    sigma: float | None = None,
    profile=None,
    working_days: tuple[int, int] | None = None,
    calibration=None,
) -> ForecastResult:
    """Year-end forecast of ``metric`` for ``region`` from the facts table, typed (see :class:`ForecastResult`).

    Every figure of the metric is used: the YTD figure is the row (year, months = as_of); the plan is
    ``plan`` if given, else implied by the percents of plan of this year's bulletins up to as_of
    (a count's plan a whole number; several bulletins narrow the rounding range); prior years'
    January..M figures (or this year's growth rate) and full years feed last_year_ratio and
    seasonal_share; earlier bulletins of the year are the ``path`` and each gets its own forecast
    under ``updates``.

    >>> from jzanalysis.schema import facts_frame
    >>> f = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6)])
    >>> r = forecast_result_from_facts(f, year=2015, as_of=7, metric="projects_100m", region="荆州市", methods=["straight_line_months"])
    >>> r.plan, round(r.forecast.point, 1)
    (243.0, 298.3)
    """
    check_as_of(as_of)
    spec = forecastable_metric(metric)
    if plan is not None and (not isinstance(plan, (int, float)) or not plan > 0):
        raise InputError(f"plan must be > 0, got {plan!r}")
    _check_dispersion(dispersion)
    _check_number("sigma", sigma)
    rows = facts[(facts.year == year) & (facts.months == as_of) & (facts.metric == metric) & (facts.region == region)]
    if rows.empty:
        have = facts[(facts.metric == metric) & (facts.region == region)]
        if have.empty:
            metrics_here = sorted(set(facts[facts.region == region].metric.dropna()))
            what = f"no {metric} rows for {region} at all (metrics for {region}: {', '.join(metrics_here) or 'none'})"
        else:
            snaps = sorted({(int(y), int(m)) for y, m in zip(have.year, have.months) if pd.notna(y) and pd.notna(m)})
            what = "the data has " + ", ".join(f"{y} 1-{m}月" for y, m in snaps)
        raise InputError(f"no {metric} figure for {region} {year} 1-{as_of}月; {what}")
    row = rows.iloc[0]
    ytd = float(row["value"])
    if not math.isfinite(ytd) or ytd < 0:
        raise InputError(f"year-to-date value must be a number >= 0, got {row['value']:g}")
    this_year = _rows(facts, metric, region)
    this_year = this_year[(this_year.year == year) & (this_year.months < 12)]
    if plan is not None:
        plan_obj = given_plan(float(plan))
    else:
        # None when the bulletins state no percent of plan (六安's): the forecast stands, without P(meet plan)
        plan_obj = _plan_from_facts(this_year, as_of, spec.kind)
    unit = row["unit"] if pd.notna(row.get("unit")) else spec.unit
    cal = _resolve_calibration(calibration)
    history = history_from_facts(facts, year, as_of, metric, region)
    common = dict(
        year=year,
        kind=spec.kind,
        dispersion=dispersion,
        sigma=sigma,
        profile=profile,
        working_days=working_days,
        unit=unit,
        calibration=cal,
    )
    result = forecast_series(ytd, as_of=as_of, plan=plan_obj, methods=methods, history=history, **common)
    result.metric, result.region = metric, region
    result.quote = None if pd.isna(row.get("quote")) else str(row["quote"])
    earlier = this_year[this_year.months <= as_of].sort_values("months")
    result.path = {int(r.months): float(r.value) for r in earlier.itertuples()}
    result.updates = _updates(earlier[earlier.months < as_of], plan, spec.kind, common, facts, metric, region)
    return result


def _updates(
    earlier: pd.DataFrame, plan: float | None, kind: str, common: dict, facts: pd.DataFrame, metric: str, region: str
) -> list[dict]:
    """The default forecast as each earlier bulletin of the year would have given it."""
    out = []
    for r in earlier.itertuples():
        month = int(r.months)
        plan_then = given_plan(float(plan)) if plan is not None else _plan_from_facts(earlier, month, kind)
        try:
            res = forecast_series(
                float(r.value),
                as_of=month,
                plan=plan_then,
                methods=[DEFAULT_METHOD[kind]],
                history=history_from_facts(facts, int(common["year"]), month, metric, region),
                **common,
            )
        except InputError:
            continue
        f = res.forecast
        out.append(
            {
                "as_of": month,
                "ytd": float(r.value),
                "method": f.method,
                "point": f.point,
                "interval80": f.interval80,
                "p_meet_plan": f.p_meet_plan,
                "plan": None if plan_then is None else plan_then.value,
            }
        )
    return out
