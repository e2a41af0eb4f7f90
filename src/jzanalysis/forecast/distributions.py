"""Predictive distributions of a full-year total: quantiles, cdf, P(full ≥ plan), median, mean.

Three families:

- :class:`GridPredictive`: a discrete distribution on a grid (the beta–negative-binomial of
  ``gamma_poisson``).
- :class:`ShiftedLogPredictive`: full = base + scale × exp(loc + sigma × T), T normal or Student t
  (``lognormal_ratio``, ``seasonal_share`` with several profile years).
- :class:`LogGridPredictive`: full = max(YTD, X) (counts: max(YTD, round(X))) with the density of log X
  held on a fine grid. It carries everything the calibrated method needs: a mixture of normals on
  log X (methods pooled by weight), multiplied by a Student-t density (what published plans say about
  where years end), with the mass below what is already in put on the YTD itself (nothing more is
  reported).

Every family answers ``ppf``, ``cdf``, ``sf_plan`` (P(full ≥ plan)), ``median`` and ``mean``. The
point forecast of every method is its median (for counts the median of the integer outcome), so
P(meet plan) ≥ 0.5 exactly when the point meets the plan.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats
from scipy.special import betaln, gammaln, ndtr, ndtri

from ..errors import InputError

#: Jeffreys prior shape for the Poisson rate.
DEFAULT_A0 = 0.5


class Predictive:
    """Interface: ``ppf``, ``cdf``, ``mean``; ``sf_plan`` and ``median`` derive from them."""

    def ppf(self, q):  # pragma: no cover - interface
        raise NotImplementedError

    def cdf(self, x):  # pragma: no cover - interface
        raise NotImplementedError

    def mean(self) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def sf_plan(self, plan: float) -> float:
        """P(full ≥ plan)."""
        return float(min(max(1.0 - self.cdf_below(plan), 0.0), 1.0))

    def cdf_below(self, x: float) -> float:
        """P(full < x)."""
        return float(self.cdf(x))

    def median(self) -> float:
        """The point forecast: the median (see each family for discrete outcomes)."""
        return float(self.ppf(0.5))


class GridPredictive(Predictive):
    """A discrete distribution on ``offset + scale × k`` for k = 0, 1, 2, ... given by its pmf."""

    def __init__(self, pmf: np.ndarray, offset: float = 0.0, scale: float = 1.0, exact_mean: float | None = None):
        # exact_mean: the analytic mean when known; a heavy (power-law) tail truncated by the grid
        # would otherwise pull the mean down
        self.exact_mean = exact_mean
        pmf = np.clip(np.asarray(pmf, dtype=float), 0.0, None)
        self.pmf = pmf / pmf.sum()
        self.cum = np.cumsum(self.pmf)
        self.cum[-1] = 1.0
        self.offset = float(offset)
        self.scale = float(scale)
        self.values = self.offset + self.scale * np.arange(len(pmf))

    def rescaled(self, factor: float) -> GridPredictive:
        return GridPredictive(
            self.pmf,
            self.offset * factor,
            self.scale * factor,
            None if self.exact_mean is None else self.exact_mean * factor,
        )

    def ppf(self, q):
        # smallest support point whose cdf reaches q (the usual discrete quantile); the 1e-12 slack
        # keeps q = 0.5 from skipping a point because of rounding in the cumulative sum
        idx = np.searchsorted(self.cum, np.asarray(q, dtype=float) - 1e-12, side="left")
        return self.values[np.minimum(idx, len(self.values) - 1)]

    def median(self) -> float:
        # the smallest value whose cdf exceeds 0.5 (the upper median): with it, P(full ≥ plan) ≥ 0.5
        # exactly when median ≥ plan, also when the cdf sits at exactly 0.5 on a step
        idx = int(np.searchsorted(self.cum, 0.5, side="right"))
        return float(self.values[min(idx, len(self.values) - 1)])

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


class ShiftedLogPredictive(Predictive):
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


class LogGridPredictive(Predictive):
    """full = max(floor, X), counts max(floor, round(X)); the density of log X is held on a grid.

    ``components``: (weight, mean, sd) of normals on log X, pooled (a linear pool: the mixture).
    ``plan_prior``: (loc, scale, df) of a Student-t density on log X that multiplies the pool (the
    information a published plan carries about where the year ends). ``plan_mix`` = (π, W): the plan
    is informative with prior probability π, else irrelevant; the result is the mixture
    w·(pool × t)/m1 + (1 − w)·pool, with w = π·m1 / (π·m1 + (1 − π)·m0), m1 = ∫ pool·t (how well pace
    and plan agree) and m0 = ∫ pool·Cauchy(log plan, W) (a plan unrelated to the outcome, W broad): the
    further the pace is from the plan, the less the plan counts, and a disagreement widens the
    forecast instead of narrowing it. Without ``plan_mix`` the plan always counts (the plain product). The grid has 8001 points
    over ±16 sd of the resulting density; a single normal without a plan uses
    the closed form (scipy), and the grid agrees with it to about 1e-7 (checked in the tests).

    The outcome is never below ``floor`` (the January..M total already in): the mass of log X below
    log(floor) sits on the floor itself, i.e. nothing more is reported this year. With
    ``integer=True`` the outcome is the whole number nearest X, so quantiles, the median and
    P(full ≥ plan) are those of a count.

    >>> d = LogGridPredictive([(1.0, math.log(300.0), 0.1)], floor=174.0)
    >>> round(d.median(), 3), round(float(d.ppf(0.9)) / 300, 4) == round(math.exp(1.2815515655446004 * 0.1), 4)
    (300.0, True)
    """

    N_GRID = 8001

    def __init__(
        self,
        components: Sequence[tuple[float, float, float]],
        floor: float,
        *,
        integer: bool = False,
        plan_prior: tuple[float, float, float] | None = None,
        plan_mix: tuple[float, float, float] | None = None,
    ):
        # a component is (weight, mean, sd) of a normal, or (weight, location, scale, df) of a Student t
        comps = [tuple(float(v) for v in c) + ((math.inf,) if len(c) == 3 else ()) for c in components if c[0] > 0]
        if not comps:
            raise ValueError("a predictive needs at least one component with weight > 0")
        total = sum(c[0] for c in comps)
        self._comps = np.array([(w / total, m, max(s, 1e-9), df) for w, m, s, df in comps])
        self.components = [(w, m, s) for w, m, s, _ in self._comps]
        self.floor = float(floor)
        self.integer = bool(integer)
        self.plan_prior = plan_prior
        self.plan_mix = plan_mix if plan_prior is not None else None
        self.plan_weight: float | None = None if plan_prior is None else 1.0
        # one normal and no plan: the closed form (exact quantiles); otherwise the grid, built when needed
        single = len(self.components) == 1 and math.isinf(self._comps[0, 3])
        self._normal = self.components[0][1:] if single and plan_prior is None else None
        self._grid: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _build_grid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(log x, density, cdf) on the grid."""
        if self._grid is None:
            # a t's tail reaches further than a normal's: 40 scales for it, 12 for a normal
            reach = np.where(np.isinf(self._comps[:, 3]), 12.0, 40.0) * self._comps[:, 2]
            lo = float(np.min(self._comps[:, 1] - reach))
            hi = float(np.max(self._comps[:, 1] + reach))
            if self.plan_prior is not None:
                loc, scale, _ = self.plan_prior
                lo, hi = min(lo, loc - 12 * scale), max(hi, loc + 12 * scale)
            y, density = self._density(lo, hi, self.N_GRID // 5)
            # second pass: the same density on ±16 sd of itself (the plan narrows it), for accuracy
            mean = _trapezoid(y * density, y)
            sd = math.sqrt(max(_trapezoid((y - mean) ** 2 * density, y), 1e-18))
            y, density = self._density(max(lo, mean - 16 * sd), min(hi, mean + 16 * sd))
            cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(y))])
            self._grid = (y, density, cdf / cdf[-1])
        return self._grid

    def _density(self, lo: float, hi: float, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        y = np.linspace(lo, hi, n or self.N_GRID)
        base = np.zeros_like(y)
        for df in np.unique(self._comps[:, 3]):
            w, m, s = self._comps[self._comps[:, 3] == df, :3].T[:, :, None]
            z = (y[None, :] - m) / s
            if math.isinf(df):
                kernel = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
            else:
                kernel = np.exp(
                    gammaln((df + 1) / 2)
                    - gammaln(df / 2)
                    - 0.5 * math.log(df * math.pi)
                    - (df + 1) / 2 * np.log1p(z**2 / df)
                )
            base += (w * kernel / s).sum(0)
        density = base
        if self.plan_prior is not None:
            loc, scale, df = self.plan_prior
            if self.plan_mix is None:
                # Student t density up to its constant (the product is normalised below)
                density = base * (1 + ((y - loc) / scale) ** 2 / df) ** (-(df + 1) / 2)
                if not np.any(density > 0):
                    # the pool and the plan density do not overlap in double precision: keep the pool
                    density = base
            else:
                prior, log_plan, wide = self.plan_mix
                pool = base / _trapezoid(base, y)
                product = pool * stats.t.pdf(y, df, loc, scale)
                m1 = _trapezoid(product, y)
                # a plan unrelated to the outcome: log(plan) anywhere around log(full), Cauchy (heavier-tailed
                # than the plan's t, so a plan far from the pace is explained as irrelevant, never as informative)
                m0 = _trapezoid(pool * stats.cauchy.pdf(y, log_plan, wide), y)
                evidence = prior * m1 + (1 - prior) * m0
                weight = prior * m1 / evidence if m1 > 0 and evidence > 0 else 0.0
                self.plan_weight = float(weight)
                density = (1 - weight) * pool + (weight * product / m1 if m1 > 0 else 0.0)
        return y, density / _trapezoid(density, y)

    # --- on the log scale of X -----------------------------------------------------------------

    def _cdf_x(self, x) -> np.ndarray:
        """P(X ≤ x) (X before the floor and the rounding)."""
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore"):
            lx = np.log(np.maximum(x, 0.0))
        if self._normal is not None:
            return ndtr((lx - self._normal[0]) / self._normal[1])
        y, _, cdf = self._build_grid()
        return np.interp(lx, y, cdf, left=0.0, right=1.0)

    def _ppf_x(self, q) -> np.ndarray:
        q = np.asarray(q, dtype=float)
        if self._normal is not None:
            return np.exp(self._normal[0] + self._normal[1] * ndtri(q))
        y, _, cdf = self._build_grid()
        return np.exp(np.interp(q, cdf, y))

    # --- the outcome -----------------------------------------------------------------------------

    def ppf(self, q):
        x = self._ppf_x(q)
        if self.integer:
            x = np.floor(x + 0.5)
        return np.maximum(x, self.floor)

    def median(self) -> float:
        return float(self.ppf(0.5))

    def cdf(self, x):
        x = np.asarray(x, dtype=float)
        upper = np.floor(x) + 0.5 if self.integer else x
        return np.where(x < self.floor, 0.0, self._cdf_x(upper))

    def cdf_below(self, x: float) -> float:
        if x <= self.floor:
            return 0.0
        if self.integer:
            # full < x for a whole-number outcome means full ≤ ceil(x) − 1, i.e. X < ceil(x) − 0.5
            return float(self._cdf_x(math.ceil(x) - 0.5))
        return float(self._cdf_x(x))

    def mean(self) -> float:
        if self._normal is not None and not self.integer:
            # E[max(f, X)], X lognormal(μ, σ): f·Φ(z) + e^(μ + σ²/2)·Φ(σ − z), z = (log f − μ)/σ
            mu, sd = self._normal
            z = (math.log(self.floor) - mu) / sd if self.floor > 0 else -math.inf
            return float(self.floor * ndtr(z) + math.exp(mu + sd**2 / 2) * ndtr(sd - z))
        y, density, _ = self._build_grid()
        values = np.maximum(np.exp(y), self.floor)
        if self.integer:
            values = np.maximum(np.floor(values + 0.5), self.floor)
        return float(_trapezoid(values * density, y))

    def log_variance(self) -> float:
        """Variance of log X under the density (before the floor): the spread that is pooled."""
        if self._normal is not None:
            return self._normal[1] ** 2
        y, density, _ = self._build_grid()
        mean = _trapezoid(y * density, y)
        return float(_trapezoid((y - mean) ** 2 * density, y))

    def point_mass_at_floor(self) -> float:
        """P(full = YTD): nothing more reported this year."""
        return float(self._cdf_x(self.floor + 0.5 if self.integer else self.floor))


def _trapezoid(f: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum((f[1:] + f[:-1]) / 2 * np.diff(x)))


# --- the simulation-tuned models (non-default methods) ------------------------------------------


def count_predictive(ytd: float, share: float, dispersion: float, a0: float = DEFAULT_A0) -> GridPredictive:
    """Predictive distribution of a full-year count (Gamma–Poisson with monthly overdispersion).

    Exposure is in month-equivalents: e_obs = 12·s elapsed, e_rem = 12·(1 − s) remaining.
    ``dispersion`` = φ of the monthly negative binomial (var = μ + φμ²). With φ = 0 the remaining count
    is NegBin(n = a0 + YTD, p = e_obs / (e_obs + e_rem)); with φ > 0 (r = 1/φ) it is
    beta–negative-binomial(n = r·e_rem, a = 1 + r·e_obs, b = a0 + YTD), whose mean is the same
    (a0 + YTD)·e_rem/e_obs, so φ widens the interval without moving the mean.

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
    return ShiftedLogPredictive(ytd, scale, -(tau**2) / 2, max(tau, 1e-12))
