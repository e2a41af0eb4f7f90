"""The per-county building blocks: exact Poisson intervals, funnel limits, overdispersion, rank intervals.

>>> [round(x, 2) for x in garwood_interval(23)]
[14.58, 34.51]
>>> [round(x, 2) for x in garwood_interval(11)]
[5.49, 19.68]
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

RANK_DRAWS = 10_000
RANK_SEED = 20150731  # fixed so a report's rank intervals are reproducible
WINSORISE = 0.10  # Spiegelhalter (2005): z-scores winsorised at 10% per tail before estimating φ

LIMIT_PROBS = {"lo998": 0.001, "lo95": 0.025, "hi95": 0.975, "hi998": 0.999}


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
    return {name: max(0.0, 1 + (poisson_funnel_limit(expected, p) - 1) * scale) for name, p in LIMIT_PROBS.items()}


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


def rank_intervals(values: np.ndarray, rng: np.random.Generator) -> list[tuple[int, int]]:
    """95% intervals of each county's rank (1 = largest) under Jeffreys Gamma(value + ½, 1) posteriors.

    The rank intervals answer "could 公安县 really be 6th?": draws of each county's underlying rate,
    ranked within each draw, 2.5% and 97.5% points of each county's rank.
    """
    draws = rng.gamma(values + 0.5, 1.0, size=(RANK_DRAWS, len(values)))
    ranks = (-draws).argsort(axis=1).argsort(axis=1) + 1
    lo = np.percentile(ranks, 2.5, axis=0, method="nearest")
    hi = np.percentile(ranks, 97.5, axis=0, method="nearest")
    return [(int(a), int(b)) for a, b in zip(lo, hi)]
