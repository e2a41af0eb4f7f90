"""Year-end forecasts of a January..M running total, with honest uncertainty.

Every method answers the same question: given the year-to-date total ``ytd`` after ``as_of`` months,
what will the full-year total be? Each method gives a point forecast, 80% and 95% intervals, a set of
quantiles for the fan chart and, when a plan is known, the probability of meeting it.

Methods form a registry (:data:`METHODS`, id → :class:`Method`) with one interface, so the CLI, the
notebook, the backtest and the simulation study all loop over the same objects:

- ``straight_line_months`` / ``straight_line_days`` / ``straight_line_workdays``: full = YTD / s with
  s the share of the year elapsed (months, calendar days, official working days). Point only by
  nature; their intervals are the kind's dispersion model (below) evaluated on the same share, so
  every row of the table is comparable. ``parameters.interval`` says so.
- ``seasonal_share``: s from a cumulative seasonal profile (CSV month → share, or prior years' YTD and
  full-year rows in the facts); with several profile years the interval is on the log scale from the
  spread of log(1/s) across years (Student t, n − 1 df).
- ``last_year_ratio``: full = last full year × (1 + YTD growth), i.e. s = last year's YTD / last full.
- ``gamma_poisson`` (counts, default): monthly counts are negative binomial with mean λ and
  var = μ + φμ² per month; with a conjugate prior the remaining count is beta–negative-binomial, which
  becomes NegBin(n = a0 + YTD, p = e_obs / (e_obs + e_rem)) when φ = 0.
- ``lognormal_ratio`` (amounts, default): the remaining amount over its straight-line expectation is
  lognormal, so full/YTD = 1 + lognormal and the forecast never falls below what is already in.

The default dispersion (:data:`DEFAULT_DISPERSION`) was chosen by the simulation study in
``benchmarks/simulate_forecast.py``; docs/forecasting.md explains the choice and how to change it.

>>> r = forecast_series(174, year=2015, as_of=7, kind="count", plan=243.0, methods=["straight_line_months"])
>>> round(r.methods[0]["point"], 1)
298.3
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import betaln, gammaln

from . import settings
from .calendar import check_as_of, time_progress
from .errors import InputError
from .metrics import FORECASTABLE_KINDS, METRICS

#: Default dispersion per kind. ``count``: φ of the monthly negative binomial (var = μ + φμ², μ the
#: monthly mean); ``amount``: σ, the sd of log(remaining / straight-line remaining) at mid-year.
#: Chosen by the simulation study (docs/forecasting.md, "How the default dispersion was chosen").
DEFAULT_DISPERSION: dict[str, float] = {"count": 0.25, "amount": 0.35}

#: Default method per kind.
DEFAULT_METHOD: dict[str, str] = {"count": "gamma_poisson", "amount": "lognormal_ratio"}

#: Jeffreys prior shape for the Poisson rate.
DEFAULT_A0 = 0.5

#: Quantile levels reported for the fan chart (and used for the intervals).
QUANTILE_LEVELS: tuple[float, ...] = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)


# --- predictive distributions -------------------------------------------------------------------

class _Predictive:
    """Predictive distribution of the full-year total: ``ppf``, ``cdf``, ``mean``."""

    def ppf(self, q):  # pragma: no cover - interface
        raise NotImplementedError

    def cdf(self, x):  # pragma: no cover - interface
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def sf_plan(self, plan: float) -> float:
        """P(full ≥ plan)."""
        return float(1.0 - self.cdf_below(plan))

    def cdf_below(self, x: float) -> float:
        return float(self.cdf(x))


class GridPredictive(_Predictive):
    """A discrete distribution on ``offset + scale × k`` for k = 0, 1, 2, ... given by its pmf."""

    def __init__(self, pmf: np.ndarray, offset: float = 0.0, scale: float = 1.0, exact_mean: float | None = None):
        # exact_mean: the analytic mean when known; a heavy (power-law) tail truncated by the grid
        # would otherwise pull the point forecast down
        self.exact_mean = exact_mean
        pmf = np.clip(np.asarray(pmf, dtype=float), 0.0, None)
        self.pmf = pmf / pmf.sum()
        self.cum = np.cumsum(self.pmf)
        self.cum[-1] = 1.0
        self.offset = float(offset)
        self.scale = float(scale)
        self.values = self.offset + self.scale * np.arange(len(pmf))

    def rescaled(self, factor: float) -> GridPredictive:
        return GridPredictive(self.pmf, self.offset * factor, self.scale * factor,
                              None if self.exact_mean is None else self.exact_mean * factor)

    def ppf(self, q):
        # smallest support point whose cdf reaches q (the usual discrete quantile); the 1e-12 slack
        # keeps q = 0.5 from skipping a point because of rounding in the cumulative sum
        idx = np.searchsorted(self.cum, np.asarray(q, dtype=float) - 1e-12, side="left")
        return self.values[np.minimum(idx, len(self.values) - 1)]

    def cdf(self, x):
        idx = np.searchsorted(self.values, np.asarray(x, dtype=float), side="right") - 1
        return np.where(idx < 0, 0.0, self.cum[np.maximum(idx, 0)])

    def cdf_below(self, x: float) -> float:
        # P(full < x): strictly below, so P(meet plan) = P(full ≥ plan) for a discrete count
        idx = np.searchsorted(self.values, x, side="left") - 1
        return 0.0 if idx < 0 else float(self.cum[idx])

    def mean(self) -> float:
        if self.exact_mean is not None:
            return float(self.exact_mean)
        return float(np.dot(self.pmf, self.values))

    def crps(self, y: float) -> float:
        """Exact CRPS of the step-function cdf at observation ``y`` (integral of (F − 1{x ≥ y})²)."""
        edges = self.values
        cdf_steps = self.cum
        total = 0.0
        # integral over [v_i, v_{i+1}) of (F_i − H)^2, with the step H at y
        widths = np.diff(edges)
        left, right = edges[:-1], edges[1:]
        f = cdf_steps[:-1]
        below = np.clip(np.minimum(right, y) - left, 0, None)  # part of the interval below y: H = 0
        above = widths - below
        total += float(np.sum(f**2 * below + (1 - f) ** 2 * above))
        if y < edges[0]:
            total += edges[0] - y  # F = 0, H = 1 on [y, v_0)
        if y > edges[-1]:
            # F = 1 and H = 0 on [v_last, y)
            total += y - edges[-1]
        return total


class ShiftedLogPredictive(_Predictive):
    """full = base + scale × exp(loc + sigma × T), T standard normal (df None) or Student t."""

    def __init__(self, base: float, scale: float, loc: float, sigma: float, df: float | None = None):
        self.base, self.scale, self.loc, self.sigma, self.df = float(base), float(scale), float(loc), float(sigma), df
        self._z = stats.norm if df is None else stats.t(df)

    def rescaled(self, factor: float) -> ShiftedLogPredictive:
        return ShiftedLogPredictive(self.base * factor, self.scale * factor, self.loc, self.sigma, self.df)

    def ppf(self, q):
        return self.base + self.scale * np.exp(self.loc + self.sigma * self._z.ppf(np.asarray(q, dtype=float)))

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (np.log(np.maximum(x - self.base, 0) / self.scale) - self.loc) / self.sigma
        return np.where(x <= self.base, 0.0, self._z.cdf(z))

    def mean(self) -> float:
        if self.df is None:
            return self.base + self.scale * math.exp(self.loc + self.sigma**2 / 2)
        # a log-t has no mean; the median is the honest centre
        return self.base + self.scale * math.exp(self.loc)


def count_predictive(ytd: float, share: float, dispersion: float, a0: float = DEFAULT_A0) -> GridPredictive:
    """Predictive distribution of a full-year count (Gamma–Poisson with monthly overdispersion).

    Exposure is in month-equivalents: e_obs = 12·s elapsed, e_rem = 12·(1 − s) remaining.
    ``dispersion`` = φ of the monthly negative binomial (var = μ + φμ²). With φ = 0 the remaining count
    is NegBin(n = a0 + YTD, p = e_obs / (e_obs + e_rem)); with φ > 0 (r = 1/φ) it is
    beta–negative-binomial(n = r·e_rem, a = 1 + r·e_obs, b = a0 + YTD), whose mean is the same
    (a0 + YTD)·e_rem/e_obs, so φ widens the interval without moving the point.

    >>> d = count_predictive(174, 7 / 12, 0.0)
    >>> [int(v) for v in d.ppf([0.05, 0.95])], round(d.mean(), 1)
    ([275, 323], 298.6)
    """
    e_obs, e_rem = 12 * share, 12 * (1 - share)
    b = a0 + ytd
    mean_rem = b * e_rem / e_obs
    if dispersion == 0:
        p = e_obs / (e_obs + e_rem)
        sd = math.sqrt(b * (1 - p)) / p
        kmax = int(mean_rem + 15 * sd + 30)
        step = _grid_step(kmax)
        k = np.arange(0, kmax + 1, step)
        pmf = stats.nbinom.pmf(k, b, p)
    else:
        r = 1 / dispersion
        n, a = r * e_rem, 1 + r * e_obs
        if a > 2:
            var = n * b * (n + a - 1) * (a + b - 1) / ((a - 2) * (a - 1) ** 2)
            sd = math.sqrt(var)
        else:
            sd = mean_rem * 10
        # the beta-negative-binomial tail is a power law (index a); 25 sd keeps the lost mass
        # far below the 0.1% that a 95% interval could notice, and the pmf is renormalised
        kmax = int(min(mean_rem + 25 * sd + 30, max(50 * mean_rem, 1000) + 30))
        step = _grid_step(kmax)
        k = np.arange(0, kmax + 1, step)
        logp = gammaln(n + k) - gammaln(k + 1) - gammaln(n) + betaln(a + n, b + k) - betaln(a, b)
        pmf = np.exp(logp)
    return GridPredictive(pmf, offset=ytd, scale=step, exact_mean=ytd + mean_rem)


_MAX_GRID = 200_000


def _grid_step(kmax: int) -> int:
    """Grid stride: every count up to 200 000 points, then every step-th (the pmf is smooth there)."""
    return max(1, math.ceil((kmax + 1) / _MAX_GRID))


def amount_predictive(ytd: float, share: float, dispersion: float) -> ShiftedLogPredictive:
    """Predictive distribution of a full-year amount: full = YTD + R, R lognormal.

    R's straight-line expectation is YTD·(1 − s)/s; log(R / that) ~ N(−τ²/2, τ²) so the mean of the
    full year is the straight line. τ = σ / (2·sqrt(s(1 − s))): σ (``dispersion``) is the sd at
    mid-year, and τ grows at both ends because early on the rate is poorly known and late on the
    remainder is one or two lumpy months.

    >>> d = amount_predictive(798, 7 / 12, 0.3)
    >>> round(d.mean(), 1)
    1368.0
    """
    if ytd <= 0:
        raise InputError("a year-to-date amount of 0 gives no rate to extrapolate; lognormal_ratio needs YTD > 0")
    tau = dispersion / (2 * math.sqrt(share * (1 - share)))
    scale = ytd * (1 - share) / share
    return ShiftedLogPredictive(ytd, scale, -tau**2 / 2, max(tau, 1e-12))


# --- method registry ----------------------------------------------------------------------------

class NotApplicable(Exception):
    """A method does not apply to these inputs; the message says why (shown under ``skipped``)."""


@dataclass
class ForecastInputs:
    """Everything a method may use. ``history``: prior years as (year, ytd at as_of, full year)."""

    ytd: float
    year: int
    as_of: int
    kind: str
    plan: float | None
    dispersion: float
    a0: float = DEFAULT_A0
    profile: dict[int, float] | None = None
    profile_years: list[dict[int, float]] = field(default_factory=list)
    history: list[tuple[int, float, float]] = field(default_factory=list)
    working_days: tuple[int, int] | None = None


@dataclass(frozen=True)
class Method:
    """A forecast method: ``run(inputs) -> (point, predictive, parameters)``; raises NotApplicable."""

    id: str
    label_zh: str
    kinds: tuple[str, ...]
    run: Callable[[ForecastInputs], tuple[float, _Predictive, dict]]
    description: str = ""


def _kind_model(inp: ForecastInputs, share: float) -> tuple[_Predictive, dict]:
    if inp.kind == "count":
        return count_predictive(inp.ytd, share, inp.dispersion, inp.a0), {
            "model": "gamma_poisson", "dispersion": inp.dispersion, "a0": inp.a0}
    if inp.ytd <= 0:
        raise NotApplicable("YTD amount is 0, so there is no rate to extrapolate")
    return amount_predictive(inp.ytd, share, inp.dispersion), {"model": "lognormal_ratio", "dispersion": inp.dispersion}


def _centred(dist, point: float):
    """The kind model's spread moved onto ``point`` by scaling (keeps relative widths).

    A zero point (YTD = 0) cannot be scaled onto; the model is then kept as it is, which still says
    how many might come (the a0 prior), rather than collapsing to a zero-width interval.
    """
    mean = dist.mean()
    if point > 0 and mean > 0:
        return dist.rescaled(point / mean)
    return dist


def _straight_line(basis: str) -> Callable[[ForecastInputs], tuple[float, _Predictive, dict]]:
    def run(inp: ForecastInputs):
        if basis == "workdays" and inp.working_days is not None:
            elapsed, total = inp.working_days
            share, source = elapsed / total, f"given working days {elapsed}/{total}"
        else:
            share = time_progress(inp.year, inp.as_of, basis)  # InputError outside chinese_calendar's years
            source = {"months": f"{inp.as_of}/12", "days": "calendar days", "workdays": "official working days (chinese_calendar)"}[basis]
        point = inp.ytd / share
        dist, model = _kind_model(inp, share)
        # centre the kind model's spread on the straight-line point (for counts the model mean is
        # (a0 + YTD)/s, a hair above YTD/s)
        dist = _centred(dist, point)
        params = {"basis": basis, "share": share, "share_source": source,
                  "interval": f"spread of {model['model']} (dispersion {model['dispersion']:g}) around the straight line",
                  **{k: v for k, v in model.items() if k != "model"}}
        return point, dist, params

    return run


def _gamma_poisson(inp: ForecastInputs):
    share = inp.as_of / 12
    dist = count_predictive(inp.ytd, share, inp.dispersion, inp.a0)
    return dist.mean(), dist, {"basis": "months", "share": share, "dispersion": inp.dispersion, "a0": inp.a0,
                               "dispersion_meaning": "φ of the monthly negative binomial, var = μ + φμ²"}


def _lognormal_ratio(inp: ForecastInputs):
    if inp.ytd <= 0:
        raise NotApplicable("YTD amount is 0, so there is no rate to extrapolate")
    share = inp.as_of / 12
    dist = amount_predictive(inp.ytd, share, inp.dispersion)
    tau = inp.dispersion / (2 * math.sqrt(share * (1 - share)))
    return dist.mean(), dist, {"basis": "months", "share": share, "dispersion": inp.dispersion, "tau": tau,
                               "dispersion_meaning": "σ: sd of log(remaining / straight-line remaining) at mid-year"}


def _seasonal_share(inp: ForecastInputs):
    years = [p for p in inp.profile_years if inp.as_of in p and 0 < p[inp.as_of] < 1]
    if not years and inp.profile and inp.as_of in inp.profile:
        years = [inp.profile]
    if not years and len(inp.history) >= 2:
        years = [{inp.as_of: y / f} for _, y, f in inp.history if f > 0 and 0 < y / f < 1]
    if not years:
        raise NotApplicable("no seasonal profile: pass a profile CSV (month,share) or include prior years' "
                            "January..M and full-year figures")
    logs = np.array([math.log(1 / p[inp.as_of]) for p in years])
    share = float(math.exp(-logs.mean()))  # geometric mean of the profile shares
    if not 0 < share < 1:
        raise NotApplicable(f"profile share at month {inp.as_of} is {share:.3f}; it must be in (0, 1)")
    point_median = inp.ytd / share
    params = {"basis": "profile", "share": share, "profile_years": len(years)}
    if len(years) >= 3 and inp.ytd > 0:
        # the spread of past profiles is the whole error of this method (it includes the noise of
        # those years), so the interval is log-t around YTD/ŝ with the predictive factor sqrt(1 + 1/n)
        n = len(years)
        sd = float(logs.std(ddof=1)) * math.sqrt(1 + 1 / n)
        sd = max(sd, 1e-6)
        dist = ShiftedLogPredictive(0.0, inp.ytd, float(logs.mean()), sd, df=n - 1)
        params.update({"interval": f"log scale, t with {n - 1} df from {n} profile years", "log_sd": sd})
        return point_median, dist, params
    dist, model = _kind_model(inp, share)
    dist = _centred(dist, point_median)
    params.update({"interval": f"spread of {model['model']} (dispersion {model['dispersion']:g}); "
                               "fewer than 3 profile years give no spread of their own",
                   **{k: v for k, v in model.items() if k != "model"}})
    return point_median, dist, params


def _last_year_ratio(inp: ForecastInputs):
    last = [h for h in inp.history if h[0] == inp.year - 1]
    if not last:
        raise NotApplicable(f"no {inp.year - 1} figures for January..{inp.as_of} and the full year")
    _, last_ytd, last_full = last[0]
    if not (last_ytd > 0 and last_full > last_ytd):
        raise NotApplicable(f"{inp.year - 1} figures unusable (YTD {last_ytd:g}, full {last_full:g})")
    growth = inp.ytd / last_ytd - 1
    point = last_full * (1 + growth)
    share = last_ytd / last_full
    dist, model = _kind_model(inp, share)
    dist = _centred(dist, point)
    return point, dist, {"basis": "last year", "share": share, "last_ytd": last_ytd, "last_full": last_full,
                         "ytd_growth_pct": growth * 100,
                         "interval": f"spread of {model['model']} (dispersion {model['dispersion']:g}); one year gives no spread of its own",
                         **{k: v for k, v in model.items() if k != "model"}}


METHODS: dict[str, Method] = {
    m.id: m
    for m in (
        Method("straight_line_months", "直线外推（按月）", FORECASTABLE_KINDS, _straight_line("months"),
               "full = YTD × 12 / M"),
        Method("straight_line_days", "直线外推（按日历日）", FORECASTABLE_KINDS, _straight_line("days"),
               "full = YTD / (calendar days elapsed / days in year)"),
        Method("straight_line_workdays", "直线外推（按工作日）", FORECASTABLE_KINDS, _straight_line("workdays"),
               "full = YTD / (official working days elapsed / working days in year)"),
        Method("seasonal_share", "季节进度", FORECASTABLE_KINDS, _seasonal_share,
               "full = YTD / ŝ_M, ŝ from a cumulative profile or prior years"),
        Method("last_year_ratio", "上年同比", FORECASTABLE_KINDS, _last_year_ratio,
               "full = last full year × (1 + YTD growth)"),
        Method("gamma_poisson", "伽马-泊松（过度离散）", ("count",), _gamma_poisson,
               "remaining count beta-negative-binomial; NegBin(a0 + YTD, e_obs/(e_obs + e_rem)) at φ = 0"),
        Method("lognormal_ratio", "对数正态比值", ("amount",), _lognormal_ratio,
               "full/YTD − 1 lognormal around the straight line"),
    )
}


def register_method(method: Method) -> None:
    """Add a method to :data:`METHODS` (an extension point; ids must be new)."""
    if method.id in METHODS:
        raise ValueError(f"method {method.id!r} is already registered")
    METHODS[method.id] = method


# --- the result ---------------------------------------------------------------------------------

@dataclass
class ForecastResult:
    """A forecast of one metric; :meth:`to_dict` is the JSON contract (see module and docs)."""

    metric: str | None
    region: str | None
    year: int
    as_of: int
    ytd: float
    plan: float | None
    forecast: dict
    methods: list[dict]
    plan_source: str | None = None
    unit: str | None = None
    kind: str | None = None
    quote: str | None = None
    default_method: str | None = None
    skipped: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready dict: plain floats, lists and None only."""
        # not dataclasses.asdict: it would deep-copy the predictive distributions only to drop them
        return _jsonable({f.name: getattr(self, f.name) for f in fields(self) if f.name != "predictive"})

    def method(self, method_id: str) -> dict:
        """The object of one method (KeyError when it was not run)."""
        for m in self.methods:
            if m["method"] == method_id:
                return m
        raise KeyError(method_id)

    # the predictive distributions, for scoring (not part of the JSON)
    predictive: dict = field(default_factory=dict, repr=False, compare=False)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items() if k != "predictive"}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def _method_object(method: Method, point: float, dist: _Predictive, params: dict, inp: ForecastInputs, unit: str | None) -> dict:
    q = np.asarray(dist.ppf(QUANTILE_LEVELS), dtype=float)
    quantiles = {f"{level:g}": float(v) for level, v in zip(QUANTILE_LEVELS, q)}
    remaining = 12 - inp.as_of
    return {
        "method": method.id,
        "label_zh": method.label_zh,
        "point": float(point),
        "interval80": [quantiles["0.1"], quantiles["0.9"]],
        "interval95": [quantiles["0.025"], quantiles["0.975"]],
        "p_meet_plan": None if inp.plan is None else float(min(max(dist.sf_plan(inp.plan), 0.0), 1.0)),
        "required_pace": None if inp.plan is None else max(inp.plan - inp.ytd, 0.0) / remaining,
        "observed_pace": inp.ytd / inp.as_of,
        "parameters": params,
        "quantiles": quantiles,
        "unit": unit,
        "kind": inp.kind,
    }


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
    if not isinstance(dispersion, (int, float)) or isinstance(dispersion, bool) or not math.isfinite(dispersion) or dispersion < 0:
        raise InputError(f"dispersion must be a number >= 0 (0 = no overdispersion), got {dispersion!r}")


def _dispersion_for(kind: str, dispersion) -> float:
    if dispersion is None:
        return float(DEFAULT_DISPERSION[kind])
    if isinstance(dispersion, Mapping):
        return float(dispersion.get(kind, DEFAULT_DISPERSION[kind]))
    return float(dispersion)


def forecast_series(
    ytd: float,
    *,
    year: int,
    as_of: int,
    kind: str,
    plan: float | None = None,
    methods: Sequence[str] | None = None,
    dispersion: float | Mapping[str, float] | None = None,
    a0: float = DEFAULT_A0,
    profile=None,
    history: Sequence[tuple[int, float, float]] | None = None,
    working_days: tuple[int, int] | None = None,
    unit: str | None = None,
) -> ForecastResult:
    """Forecast the full-year total from one January..``as_of`` figure, without a facts table.

    - ``ytd``: the running total (counts: 个; amounts: 亿元), >= 0
    - ``kind``: ``count`` or ``amount`` (decides the dispersion model and the default method)
    - ``plan``: the annual plan (> 0) or None
    - ``methods``: method ids (None = every method that applies; those that do not are listed under
      ``skipped`` with the reason). An explicitly requested method that does not apply is an InputError.
    - ``dispersion``: φ for counts, σ for amounts (None = :data:`DEFAULT_DISPERSION`); a mapping
      ``{"count": φ, "amount": σ}`` sets them per kind (a missing kind keeps its default)
    - ``profile``: cumulative seasonal profile (see :func:`load_profile`)
    - ``history``: prior years as (year, YTD at as_of, full year), for last_year_ratio and seasonal_share
    - ``working_days``: (elapsed, total) for years outside chinese_calendar's range

    >>> r = forecast_series(174, year=2015, as_of=7, kind="count", plan=243.0, dispersion=0.0, methods=["gamma_poisson"])
    >>> round(r.forecast["point"], 1), r.forecast["interval95"]
    (298.6, [271.0, 328.0])
    """
    check_as_of(as_of)
    if kind not in FORECASTABLE_KINDS:
        raise InputError(f"cannot forecast a figure of kind {kind!r}; allowed kinds: {', '.join(FORECASTABLE_KINDS)}")
    if ytd is None or not isinstance(ytd, (int, float, np.number)) or not math.isfinite(ytd) or ytd < 0:
        raise InputError(f"year-to-date value must be a number >= 0, got {ytd!r}")
    if plan is not None and (not isinstance(plan, (int, float, np.number)) or not math.isfinite(plan) or plan <= 0):
        raise InputError(f"plan must be a number > 0, got {plan!r}")
    _check_dispersion(dispersion)
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
    ytd = float(ytd)
    prof, prof_years = (None, []) if profile is None else _profile_dicts(profile)
    inp = ForecastInputs(
        ytd=ytd, year=int(year), as_of=int(as_of), kind=kind, plan=None if plan is None else float(plan),
        dispersion=_dispersion_for(kind, dispersion), a0=float(a0),
        profile=prof, profile_years=prof_years, history=list(history or []),
        working_days=None if working_days is None else (int(working_days[0]), int(working_days[1])),
    )
    ids = requested or list(METHODS)
    out, skipped, dists = [], [], {}
    for method_id in ids:
        method = METHODS[method_id]
        try:
            if kind not in method.kinds:
                raise NotApplicable(f"applies to {', '.join(method.kinds)} figures, not {kind}")
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
        out.append(_method_object(method, point, dist, params, inp, unit))
        dists[method_id] = dist
    if not out:
        raise InputError("no forecast method applies: " + "; ".join(f"{s['method']}: {s['reason']}" for s in skipped))
    default_id = DEFAULT_METHOD[kind]
    chosen = next((m for m in out if m["method"] == default_id), out[0])
    return ForecastResult(
        metric=None, region=None, year=int(year), as_of=int(as_of), ytd=ytd, plan=inp.plan, forecast=chosen,
        methods=out, unit=unit, kind=kind, default_method=chosen["method"], skipped=skipped, predictive=dists,
    )


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
            raise InputError(f"profile file {path} is not a readable CSV ({str(exc).splitlines()[0]}); expected columns month,share") from None
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

def _history_from_facts(facts: pd.DataFrame, year: int, as_of: int, metric: str, region: str) -> list[tuple[int, float, float]]:
    rows = facts[(facts.metric == metric) & (facts.region == region) & (facts.year < year)]
    out = []
    for y, group in rows.groupby("year"):
        ytd = group[group.months == as_of]
        full = group[group.months == 12]
        if not ytd.empty and not full.empty:
            out.append((int(y), float(ytd.value.iloc[0]), float(full.value.iloc[0])))
    return out


def forecast_from_facts(
    facts: pd.DataFrame,
    *,
    year: int,
    as_of: int,
    metric: str,
    region: str = settings.CITY,
    plan: float | None = None,
    methods: Sequence[str] | None = None,
    dispersion: float | None = None,
    profile=None,
    working_days: tuple[int, int] | None = None,
) -> dict:
    """Year-end forecast of ``metric`` for ``region`` from the facts table; a JSON-ready dict.

    The YTD figure is the row (year, months = as_of, metric, region). The plan is ``plan`` if given,
    else implied by its percent of plan (174 / 0.716 = 243.0). Prior years' January..M and full-year
    rows of the same metric and region, when present, feed last_year_ratio and seasonal_share.

    Keys (fixed contract): metric, region, year, as_of, ytd, plan, forecast (the default method's
    object), methods; extras: plan_source, unit, kind, quote, default_method, skipped. Each method
    object: method, point, interval80, interval95, p_meet_plan (None without a plan), label_zh,
    required_pace, observed_pace, parameters, quantiles, unit, kind.

    >>> from jzanalysis.schema import facts_frame
    >>> f = facts_frame([dict(year=2015, months=7, region="荆州市", metric="projects_100m", value=174, unit="个", plan_pct=71.6)])
    >>> out = forecast_from_facts(f, year=2015, as_of=7, metric="projects_100m", methods=["straight_line_months"])
    >>> round(out["plan"], 2), round(out["forecast"]["point"], 1)
    (243.02, 298.3)
    """
    check_as_of(as_of)
    if metric not in METRICS:
        raise InputError(f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}")
    spec = METRICS[metric]
    if spec.kind not in FORECASTABLE_KINDS or not spec.cumulative:
        forecastable = [m for m, s in METRICS.items() if s.kind in FORECASTABLE_KINDS and s.cumulative]
        raise InputError(f"metric {metric} ({spec.kind}) is not a running total that can be forecast; allowed: {', '.join(forecastable)}")
    if plan is not None and (not isinstance(plan, (int, float)) or not plan > 0):
        raise InputError(f"plan must be > 0, got {plan!r}")
    _check_dispersion(dispersion)
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
    if plan is not None:
        plan_value, plan_source = float(plan), f"given --plan {plan:g}"
    elif pd.notna(row.get("plan_pct")) and row["plan_pct"] > 0:
        plan_value = ytd / (float(row["plan_pct"]) / 100)
        plan_source = f"implied from plan_pct {row['plan_pct']:g}% → {ytd:g}/{row['plan_pct'] / 100:g} = {plan_value:.1f}"
    else:
        raise InputError(f"no plan for {metric} {region} {year}: the bulletin states no percent of plan; pass --plan")
    unit = row["unit"] if pd.notna(row.get("unit")) else spec.unit
    result = forecast_series(
        ytd, year=year, as_of=as_of, kind=spec.kind, plan=plan_value, methods=methods, dispersion=dispersion,
        profile=profile, history=_history_from_facts(facts, year, as_of, metric, region),
        working_days=working_days, unit=unit,
    )
    result.metric, result.region = metric, region
    result.plan_source = plan_source
    result.quote = None if pd.isna(row.get("quote")) else str(row["quote"])
    return result.to_dict()


# --- words --------------------------------------------------------------------------------------

def _fmt_value(v: float, unit: str | None) -> str:
    if unit == "个" or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.1f}"


def _fmt_probability(p: float) -> str:
    if p > 0.99:
        return "超过 99%"
    if p < 0.01:
        return "不到 1%"
    if 0.1 <= p <= 0.9:
        # the model is not good to the last percent: report to the nearest 5%
        return f"约为 {int(round(p * 20)) * 5}%"
    return f"约为 {int(round(p * 100))}%"


def p_meet_plan_sentence(method_dict: dict) -> str:
    """P(meet plan) of one method object in words an official reads.

    >>> p_meet_plan_sentence({"p_meet_plan": 0.903, "interval80": [255.6, 349.8], "unit": "个"})
    '按当前进度完成全年计划的概率约为 90%（80% 区间 256–350 个）'
    """
    p = method_dict.get("p_meet_plan")
    unit = method_dict.get("unit") or ""
    lo, hi = method_dict["interval80"]
    interval = f"（80% 区间 {_fmt_value(lo, unit)}–{_fmt_value(hi, unit)} {unit}）".replace(" ）", "）")
    if p is None:
        return f"未给出全年计划，无法估计完成计划的概率{interval}"
    return f"按当前进度完成全年计划的概率{_fmt_probability(p)}{interval}"
