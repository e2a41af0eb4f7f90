"""Forecast methods: one interface, one registry (:data:`METHODS`, id → :class:`Method`).

Every method turns :class:`ForecastInputs` into a predictive distribution of the full year and its
parameters; the point forecast is the distribution's median (straight lines: their formula, which is
their median). A method that does not apply raises :class:`NotApplicable` with a reason code.

- ``calibrated`` (default, counts and amounts): the straight line corrected by the seasonal bias β and
  spread V fitted on real outcomes (:mod:`.calibration`), pooled with ``last_year_ratio`` and
  ``seasonal_share`` when they apply (weights ∝ 1 / their calibrated variance), and updated by what
  published plans say about where years end when a plan is known.
- ``straight_line_months`` / ``_days`` / ``_workdays``: full = YTD / s; intervals: the calibrated
  spread around the line.
- ``seasonal_share``: YTD / ŝ, ŝ the geometric mean of profile shares.
- ``last_year_ratio``: last full year × (1 + YTD growth); the spread counts both years' shares as
  noisy draws.
- ``gamma_poisson`` (counts) and ``lognormal_ratio`` (amounts): the simulation-tuned models with a
  dispersion φ / σ (:data:`DEFAULT_DISPERSION`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..calendar import time_progress
from ..metrics import FORECASTABLE_KINDS
from .calibration import Calibration, part_of_year
from .distributions import (
    DEFAULT_A0,
    LogGridPredictive,
    Predictive,
    ShiftedLogPredictive,
    amount_predictive,
    count_predictive,
)
from .plan import Plan

#: Dispersion of the simulation-tuned methods per kind. ``count``: φ of the monthly negative
#: binomial (var = μ + φμ², μ the monthly mean); ``amount``: σ, the sd of log(remaining /
#: straight-line remaining) at mid-year. Chosen by the simulation study (docs/forecasting.md).
DEFAULT_DISPERSION: dict[str, float] = {"count": 0.25, "amount": 0.35}

#: Default method per kind.
DEFAULT_METHOD: dict[str, str] = {"count": "calibrated", "amount": "calibrated"}

#: What the default falls back to when it does not apply (a YTD of 0).
FALLBACK_METHOD: dict[str, str] = {"count": "gamma_poisson", "amount": "straight_line_months"}


class NotApplicable(Exception):
    """A method does not apply to these inputs; the message is a reason code (shown under ``skipped``)."""


@dataclass
class ForecastInputs:
    """Everything a method may use. ``history``: prior years as (year, YTD at as_of, full year)."""

    ytd: float
    year: int
    as_of: int
    kind: str
    plan: Plan | None
    dispersion: float  # φ (counts) or σ (amounts) of the simulation-tuned methods
    calibration: Calibration
    spread_c: float | None = None  # c of the calibrated spread when φ or σ was given
    a0: float = DEFAULT_A0
    profile: dict[int, float] | None = None
    profile_years: list[dict[int, float]] = field(default_factory=list)
    history: list[tuple[int, float, float]] = field(default_factory=list)
    working_days: tuple[int, int] | None = None


RunResult = tuple[float | None, Predictive, dict]


@dataclass(frozen=True)
class Method:
    """A forecast method: ``run(inputs) -> (point or None, predictive, parameters)``.

    ``point`` None means the predictive's median.
    """

    id: str
    label_zh: str
    kinds: tuple[str, ...]
    run: Callable[[ForecastInputs], RunResult]
    description: str = ""


# --- pieces --------------------------------------------------------------------------------------


def _c_for(inp: ForecastInputs) -> float:
    return inp.calibration.c[inp.kind] if inp.spread_c is None else inp.spread_c


def calibrated_variance(inp: ForecastInputs, share: float, ytd: float | None = None) -> float:
    """The calibrated spread of log(full / line) at ``share``: V and the uncertainty of β, c, d (and of
    the definition the year end is published under) integrated over their posterior, with t tails."""
    return inp.calibration.line_variance(inp.kind, inp.as_of, share, inp.ytd if ytd is None else ytd, inp.spread_c)


def _need_positive_ytd(inp: ForecastInputs) -> None:
    if inp.ytd <= 0:
        raise NotApplicable("ytd_zero")


def _straight_line(basis: str) -> Callable[[ForecastInputs], RunResult]:
    def run(inp: ForecastInputs) -> RunResult:
        _need_positive_ytd(inp)
        if basis == "workdays" and inp.working_days is not None:
            elapsed, total = inp.working_days
            share, source = elapsed / total, f"{elapsed}/{total}"
        else:
            share = time_progress(inp.year, inp.as_of, basis)  # InputError outside chinese_calendar's years
            source = {"months": f"{inp.as_of}/12", "days": "calendar_days", "workdays": "chinese_calendar"}[basis]
        point = inp.ytd / share
        v = calibrated_variance(inp, share)
        dist = LogGridPredictive([(1.0, math.log(point), math.sqrt(v))], floor=inp.ytd)
        return (
            point,
            dist,
            {
                "basis": basis,
                "share": share,
                "share_source": source,
                "interval": "calibrated_spread",
                "sd_log": math.sqrt(v),
                "calibration": inp.calibration.id,
            },
        )

    return run


def _profile_shares(inp: ForecastInputs) -> list[float]:
    years = [p for p in inp.profile_years if inp.as_of in p and 0 < p[inp.as_of] < 1]
    if not years and inp.profile and inp.as_of in inp.profile:
        years = [inp.profile]
    if not years and len(inp.history) >= 2:
        years = [{inp.as_of: y / f} for _, y, f in inp.history if f > 0 and 0 < y / f < 1]
    return [p[inp.as_of] for p in years]


def _seasonal_component(inp: ForecastInputs) -> tuple[float, float, dict]:
    """(median, variance of log full, parameters) of seasonal_share; NotApplicable without a profile.

    With four or more profile years the variance is their spread of log(1/s) times (1 + 1/n), as a
    Student t with n − 1 df has it (×(n − 1)/(n − 3)); with fewer it is the calibrated spread times
    (1 + 1/n): the mean of n shares is itself off by V/n.
    """
    shares = _profile_shares(inp)
    if not shares:
        raise NotApplicable("no_profile")
    logs = np.log(1 / np.array(shares))
    share = float(math.exp(-logs.mean()))  # geometric mean of the profile shares
    if not 0 < share < 1:
        raise NotApplicable("profile_share_out_of_range")
    n = len(shares)
    params = {"basis": "profile", "share": share, "profile_years": n}
    if n >= 3:
        sd = max(float(logs.std(ddof=1)) * math.sqrt(1 + 1 / n), 1e-6)
        params.update({"interval": "profile_spread_t", "log_sd": sd, "df": n - 1})
        var = sd**2 * (n - 1) / (n - 3) if n >= 4 else None
    else:
        var = None
    if var is None:
        var = calibrated_variance(inp, inp.as_of / 12) * (1 + 1 / n)
    return inp.ytd / share, var, params


def _seasonal_share(inp: ForecastInputs) -> RunResult:
    _need_positive_ytd(inp)
    point, var, params = _seasonal_component(inp)
    if params.get("interval") == "profile_spread_t":
        # past profiles' spread with a Student t (n − 1 df); the median is YTD/ŝ
        dist = ShiftedLogPredictive(0.0, inp.ytd, math.log(point / inp.ytd), params["log_sd"], df=params["df"])
        return point, dist, params
    dist = LogGridPredictive([(1.0, math.log(point), math.sqrt(var))], floor=inp.ytd)
    return (
        point,
        dist,
        {
            **params,
            "interval": "calibrated_spread_times_1_plus_1_over_n",
            "sd_log": math.sqrt(var),
            "calibration": inp.calibration.id,
        },
    )


def _last_year_component(inp: ForecastInputs) -> tuple[float, float, dict]:
    last = [h for h in inp.history if h[0] == inp.year - 1]
    if not last:
        raise NotApplicable("no_last_year")
    _, last_ytd, last_full = last[0]
    if not (last_ytd > 0 and last_full > last_ytd):
        raise NotApplicable("last_year_unusable")
    growth = inp.ytd / last_ytd - 1
    point = last_full * (1 + growth)
    share = last_ytd / last_full
    s = inp.as_of / 12
    # last year's share is itself one noisy draw: the spread of this year's share plus last year's
    var = calibrated_variance(inp, s) + inp.calibration.variance(inp.kind, s, last_ytd, _c_for(inp))
    return (
        point,
        var,
        {
            "basis": "last_year",
            "share": share,
            "last_ytd": last_ytd,
            "last_full": last_full,
            "ytd_growth_pct": growth * 100,
            "interval": "calibrated_spread_both_years",
            "sd_log": math.sqrt(var),
            "calibration": inp.calibration.id,
        },
    )


def _last_year_ratio(inp: ForecastInputs) -> RunResult:
    _need_positive_ytd(inp)
    point, var, params = _last_year_component(inp)
    dist = LogGridPredictive([(1.0, math.log(point), math.sqrt(var))], floor=inp.ytd)
    return point, dist, params


def _by_months(inp: ForecastInputs, meaning: str, **extra) -> dict:
    """The parameters a model on the months' share of the year reports (``meaning``: what φ/σ stands for)."""
    share = inp.as_of / 12
    return {"basis": "months", "share": share, "dispersion": inp.dispersion, **extra, "dispersion_meaning": meaning}


def _gamma_poisson(inp: ForecastInputs) -> RunResult:
    params = _by_months(inp, "phi_monthly_negative_binomial", a0=inp.a0)
    return None, count_predictive(inp.ytd, params["share"], inp.dispersion, inp.a0), params


def _lognormal_ratio(inp: ForecastInputs) -> RunResult:
    _need_positive_ytd(inp)
    share = inp.as_of / 12
    tau = inp.dispersion / (2 * math.sqrt(share * (1 - share)))
    params = _by_months(inp, "sigma_log_remainder_mid_year", tau=tau)
    return None, amount_predictive(inp.ytd, share, inp.dispersion), params


def calibrated_components(inp: ForecastInputs) -> tuple[list[tuple[str, float, float]], dict]:
    """The pool: (name, median, variance of log full) per applicable source, and their parameters."""
    s = inp.as_of / 12
    cal = inp.calibration
    cb = cal.bias(inp.kind, inp.as_of)
    v_line = calibrated_variance(inp, s)
    parts = [("straight_line_calibrated", inp.ytd / s * math.exp(cb.value), v_line)]
    details: dict = {}
    for name, component in (("last_year_ratio", _last_year_component), ("seasonal_share", _seasonal_component)):
        try:
            median, var, params = component(inp)
        except NotApplicable:
            continue
        parts.append((name, median, var))
        details[name] = {k: params[k] for k in ("share", "profile_years", "ytd_growth_pct") if k in params}
    return parts, details


def plan_applies(inp: ForecastInputs) -> str | None:
    """Why the plan does not enter the calibrated forecast (a code), or None when it does.

    Once the year to date is at or past the plan, the plan says nothing about how far above it the
    year ends: it is left out (``ytd_at_or_past_plan``)."""
    if inp.plan is None:
        return "no_plan"
    if inp.calibration.plan is None:
        return "no_plan_record"
    if inp.ytd >= inp.plan.value:
        return "ytd_at_or_past_plan"
    return None


def _calibrated(inp: ForecastInputs) -> RunResult:
    _need_positive_ytd(inp)
    s = inp.as_of / 12
    cal = inp.calibration
    cb = cal.bias(inp.kind, inp.as_of)
    parts, details = calibrated_components(inp)
    precision = {name: 1 / var for name, _, var in parts}
    total = sum(precision.values())
    weights = {name: p / total for name, p in precision.items()}
    # the straight line is a mixture over the calibration's posterior; the others are one normal each
    line = cal.line_mixture(inp.kind, inp.as_of, s, inp.ytd, inp.spread_c)
    log_line = math.log(inp.ytd / s)
    components = [(weights["straight_line_calibrated"] * w, log_line + m, sd, df) for w, m, sd, df in line]
    components += [(weights[name], math.log(median), math.sqrt(var)) for name, median, var in parts[1:]]
    integer = inp.kind == "count"
    base = LogGridPredictive(components, floor=inp.ytd, integer=integer)
    plan_prior = None
    plan_skip = plan_applies(inp)
    if plan_skip is None:
        plan_prior = cal.plan.density_params(inp.plan.value)
        # a plan is a target for the rest of the year: the less of it is left to do than the calendar
        # leaves, the less it constrains where the year ends (none once the YTD reaches it)
        left = min(max((inp.plan.value - inp.ytd) / (inp.plan.value * (1 - s)), 0.0), 1.0)
        mix = (
            cal.priors.get("plan_informative", 0.5) * left,
            math.log(inp.plan.value),
            cal.priors.get("plan_irrelevant_sd", 0.5),
        )
        dist = LogGridPredictive(components, floor=inp.ytd, integer=integer, plan_prior=plan_prior, plan_mix=mix)
    else:
        dist = base
    c = _c_for(inp)
    params = {
        "basis": "months",
        "share": s,
        "calibration": cal.id,
        "calibration_class": f"{inp.kind}/{part_of_year(inp.as_of)}",
        "class_pairs": cb.pairs,
        "leans_on_prior": cb.leans_on_prior,
        "bias": cb.value,
        "bias_sd": cb.sd,
        "c": c,
        "d": cal.d,
        "d_def": cal.d_def,
        "drift_rate": cal.drift_rate,
        "tail_df": cal.priors.get("tail_df") if cal.posterior else None,
        "posterior_points": len(cal.posterior),
        "dispersion": 12 * c**2 if inp.kind == "count" else 2 * c,
        "dispersion_source": "calibration" if inp.spread_c is None else "given",
        "sd_log": math.sqrt(base.log_variance()),
        "weights": weights,
        "components": {
            name: {"median": median, "sd_log": math.sqrt(var), **details.get(name, {})} for name, median, var in parts
        },
        "point_mass_at_ytd": dist.point_mass_at_floor(),
        "plan_used": plan_skip is None,
        "plan_skipped": None if plan_skip in (None, "no_plan") else plan_skip,
    }
    if plan_prior is not None:
        _loc, scale, df = plan_prior
        dist.point_mass_at_floor()  # builds the grid, which sets plan_weight
        params["plan_prior"] = {"loc_log_ratio": cal.plan.loc, "scale": scale, "df": df, "series": cal.plan.series}
        # the posterior probability that the plan is informative here (the pace decides, see distributions)
        params["plan_left_share"] = left
        params["plan_weight"] = dist.plan_weight
        # how much of the final spread's precision the plan supplied (0: none or it widened, 1: all)
        params["plan_information_share"] = max(0.0, 1 - dist.log_variance() / base.log_variance())
    without = base if (plan_prior is not None or plan_skip == "ytd_at_or_past_plan") else None
    return None, dist, {**params, "_without_plan": without}


METHODS: dict[str, Method] = {
    m.id: m
    for m in (
        Method(
            "straight_line_months",
            "直线外推（按月）",
            FORECASTABLE_KINDS,
            _straight_line("months"),
            "full = YTD × 12 / M",
        ),
        Method(
            "straight_line_days",
            "直线外推（按日历日）",
            FORECASTABLE_KINDS,
            _straight_line("days"),
            "full = YTD / (calendar days elapsed / days in year)",
        ),
        Method(
            "straight_line_workdays",
            "直线外推（按工作日）",
            FORECASTABLE_KINDS,
            _straight_line("workdays"),
            "full = YTD / (official working days elapsed / working days in year)",
        ),
        Method(
            "seasonal_share",
            "季节进度",
            FORECASTABLE_KINDS,
            _seasonal_share,
            "full = YTD / ŝ_M, ŝ from a cumulative profile or prior years",
        ),
        Method(
            "last_year_ratio",
            "上年同比",
            FORECASTABLE_KINDS,
            _last_year_ratio,
            "full = last full year × (1 + YTD growth)",
        ),
        Method(
            "gamma_poisson",
            "伽马-泊松（过度离散）",
            ("count",),
            _gamma_poisson,
            "remaining count beta-negative-binomial; NegBin(a0 + YTD, e_obs/(e_obs + e_rem)) at φ = 0",
        ),
        Method(
            "lognormal_ratio",
            "对数正态比值",
            ("amount",),
            _lognormal_ratio,
            "full/YTD − 1 lognormal around the straight line",
        ),
        Method(
            "calibrated",
            "实证校准",
            FORECASTABLE_KINDS,
            _calibrated,
            "straight line × exp(β), spread fitted on real outcomes; pooled with last year / profile; "
            "updated by the plan",
        ),
    )
}


def register_method(method: Method) -> None:
    """Add a method to :data:`METHODS` (an extension point; ids must be new)."""
    if method.id in METHODS:
        raise ValueError(f"method {method.id!r} is already registered")
    METHODS[method.id] = method
