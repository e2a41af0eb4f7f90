"""Rate ratios of the counties against the city average, from a Poisson (or negative binomial) GLM."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .limits import garwood_interval


@dataclass(frozen=True)
class RateRatio:
    """One county's rate against the city average (ΣO/ΣE), with its 95% interval."""

    region: str
    rr: float
    ci95: tuple[float | None, float | None]  # (None, None) when it is the only county with any
    se_log: float | None  # standard error of log(rr); None for a county with 0 or the only one with any
    p: float | None

    def to_json(self) -> dict:
        return {"region": self.region, "rr": self.rr, "ci95": list(self.ci95), "se_log": self.se_log, "p": self.p}

    @classmethod
    def from_json(cls, obj: dict) -> RateRatio:
        return cls(obj["region"], obj["rr"], tuple(obj["ci95"]), obj["se_log"], obj["p"])


@dataclass(frozen=True)
class PoissonGLM:
    """The GLM of :func:`fit_poisson_glm`."""

    family: str  # Poisson | negative binomial
    alpha: float  # NB2 α (0 for Poisson)
    dispersion: float  # Pearson χ²/df of the one-rate (null) model
    deviance: float  # G² of the null model: the likelihood-ratio test of equal rates
    df: int
    p: float
    rate_ratios: tuple[RateRatio, ...]

    def to_json(self) -> dict:
        return {
            "family": self.family,
            "alpha": self.alpha,
            "dispersion": self.dispersion,
            "lr_test": {"deviance": self.deviance, "df": self.df, "p": self.p},
            "against": "city average (ΣO/ΣE)",
            "offset": "log(expected)",
            "rate_ratios": [r.to_json() for r in self.rate_ratios],
        }

    @classmethod
    def from_json(cls, obj: dict) -> PoissonGLM:
        lr = obj["lr_test"]
        ratios = tuple(RateRatio.from_json(r) for r in obj["rate_ratios"])
        return cls(obj["family"], obj["alpha"], obj["dispersion"], lr["deviance"], lr["df"], lr["p"], ratios)


def poisson_glm(values, expected, regions: list[str], overdispersed: bool = False) -> dict:
    """:func:`fit_poisson_glm` as the JSON object of ``jzanalysis compare`` (its ``glm`` key)."""
    return fit_poisson_glm(values, expected, regions, overdispersed).to_json()


def fit_poisson_glm(values, expected, regions: list[str], overdispersed: bool = False) -> PoissonGLM:
    """Rate ratio of each county against the city average, from a GLM with offset log(expected).

    The model has one rate per county (log μᵢ = log Eᵢ + βᵢ, statsmodels GLM). The rate ratio of
    county i against the city average is exp(βᵢ) ÷ (ΣO/ΣE) = (Oᵢ/Eᵢ)/(ΣO/ΣE); its 95% interval comes
    from the delta method on βᵢ − log(Σⱼ Eⱼ e^βⱼ / ΣE), which accounts for the county being part of
    the average. For Poisson the variance is 1/Oᵢ − 1/ΣO. When ``overdispersed`` and the moment
    estimate of the NB2 α (Cameron–Trivedi: α = Σ[(O−μ)² − O] / Σμ² from the one-rate model) is > 0,
    the family is negative binomial with that α, so each variance grows by α. A county with 0 gets
    rate ratio 0 and an exact upper limit (Garwood upper ÷ E ÷ city rate); when only one county has
    any, its interval is [None, None]. ``dispersion`` is the
    Pearson χ²/df of the one-rate (null) model; ``deviance`` its deviance (G²) test of equal rates.
    """
    import statsmodels.api as sm  # heavy (about a second): only a comparison needs it

    values = np.asarray(values, float)
    expected = np.asarray(expected, float)
    offset = np.log(expected)
    with warnings.catch_warnings():
        # expected shares equal to the observed ones (a prior period identical to this one) fit
        # perfectly; statsmodels warns, but χ² = 0 is the right answer
        warnings.simplefilter("ignore")
        null = sm.GLM(values, np.ones((len(values), 1)), family=sm.families.Poisson(), offset=offset).fit()
    mu0 = null.fittedvalues
    alpha = float(max(((values - mu0) ** 2 - values).sum() / (mu0**2).sum(), 0.0))
    use_nb = bool(overdispersed and alpha > 0)
    family = sm.families.NegativeBinomial(alpha=alpha) if use_nb else sm.families.Poisson()
    log_rr, se = _log_rate_ratios(values, expected, family)
    return PoissonGLM(
        family="negative binomial" if use_nb else "Poisson",
        alpha=alpha if use_nb else 0.0,
        dispersion=float(null.pearson_chi2 / null.df_resid),
        deviance=float(null.deviance),
        df=int(null.df_resid),
        p=float(stats.chi2.sf(null.deviance, null.df_resid)),
        rate_ratios=_rate_ratios(values, expected, regions, log_rr, se),
    )


def _log_rate_ratios(values: np.ndarray, expected: np.ndarray, family) -> tuple[np.ndarray, np.ndarray]:
    """log(rate ratio) against the city average and its delta-method standard error, per county (−∞ and
    NaN for a county with 0)."""
    import statsmodels.api as sm  # heavy: see fit_poisson_glm

    n, offset = len(values), np.log(expected)
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
    return log_rr, se


def _rate_ratios(values, expected, regions, log_rr, se) -> tuple[RateRatio, ...]:
    city_rate = values.sum() / expected.sum()
    positive = values > 0
    z975 = stats.norm.ppf(0.975)
    ratios = []
    for i, region in enumerate(regions):
        if positive[i] and positive.sum() > 1:
            lo, hi = math.exp(log_rr[i] - z975 * se[i]), math.exp(log_rr[i] + z975 * se[i])
            p = float(2 * stats.norm.sf(abs(log_rr[i]) / se[i]))
            ratios.append(RateRatio(region, math.exp(log_rr[i]), (lo, hi), float(se[i]), p))
        elif positive[i]:
            # the only county with any: its share is 100% by construction, no interval to give
            ratios.append(RateRatio(region, math.exp(log_rr[i]), (None, None), None, None))
        else:
            upper = garwood_interval(0)[1] / expected[i] / city_rate
            ratios.append(RateRatio(region, 0.0, (0.0, float(upper)), None, None))
    return tuple(ratios)
