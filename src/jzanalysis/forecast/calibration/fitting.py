"""Fitting a calibration on pairs: the line model's posterior on a grid of θ (kept as a few dozen points) and
the plan prior's conjugate update (see :mod:`jzanalysis.forecast.calibration`)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .model import CLASSES, PARTS, PRIORS, Calibration, ClassBias, PlanPrior, part_of_year
from .pairs import pair_counts, pair_records

#: Values of a definition_match column that mean the year-end figure may not measure the same thing
#: (another wording, a preliminary figure, a derived number): such pairs carry the drift noise d_def.
DRIFT_MARKS = ("approx", "partly", "no")

#: The hyperparameter grid: points per dimension (log c per kind, log d, log d_def, τ of β).
GRID_POINTS = {"c": 9, "d": 5, "d_def": 7}
TAU_GRID = (0.025, 0.05, 0.1, 0.2)

#: The posterior is kept as this many points (systematic resampling of the grid, duplicates merged).
POSTERIOR_POINTS = 40


def _class_index(pairs: pd.DataFrame) -> np.ndarray:
    return np.array([CLASSES.index(f"{k}/{part_of_year(int(m))}") for k, m in zip(pairs.kind, pairs.ytd_month)])


def drift_flags(pairs: pd.DataFrame) -> np.ndarray:
    """1 where ``definition_match`` says the year-end figure may not measure what the YTD did."""
    if "definition_match" not in pairs.columns:
        return np.zeros(len(pairs))
    marks = pairs.definition_match.astype(str).str.strip().str.lower()
    return marks.isin(DRIFT_MARKS).to_numpy(dtype=float)


def series_weights(pairs: pd.DataFrame) -> np.ndarray:
    """1 / (snapshots of the pair's series): several bulletins of one year count as one outcome."""
    key = pairs.place.astype(str) + "|" + pairs.year.astype(str) + "|" + pairs.metric.astype(str)
    return 1.0 / key.map(key.value_counts()).to_numpy(dtype=float)


def _beta_prior_cov(priors: dict, tau: float) -> np.ndarray:
    """Prior covariance of the six β: a part-of-year level shared by both kinds (sd beta_sd) plus a
    class deviation (sd τ): partial pooling of counts and amounts at the same part of the year."""
    part = np.array([PARTS.index(c.split("/")[1]) for c in CLASSES])
    same = (part[:, None] == part[None, :]).astype(float)
    return priors["beta_sd"] ** 2 * same + tau**2 * np.eye(len(CLASSES))


def _grid(priors: dict) -> dict[str, np.ndarray]:
    """Grid values and their log prior weights (log-normal priors on c, d, d_def; τ uniform)."""
    z_c = np.linspace(-2.5, 2.5, GRID_POINTS["c"])
    z_d = np.linspace(-2.0, 2.0, GRID_POINTS["d"])
    z_e = np.linspace(-2.0, 2.0, GRID_POINTS["d_def"])
    cc, ca, dd, ee, tt = np.meshgrid(
        priors["c_median"]["count"] * np.exp(priors["c_log_sd"] * z_c),
        priors["c_median"]["amount"] * np.exp(priors["c_log_sd"] * z_c),
        priors["d_median"] * np.exp(priors["d_log_sd"] * z_d),
        priors["d_def_median"] * np.exp(priors["d_def_log_sd"] * z_e),
        np.array(TAU_GRID),
        indexing="ij",
    )
    zc_c, zc_a, zd, ze, _ = np.meshgrid(z_c, z_c, z_d, z_e, TAU_GRID, indexing="ij")
    # the grid is even in the log of each scale, so the prior weight of a point is its normal density in z
    log_prior = -0.5 * (zc_c**2 + zc_a**2 + zd**2 + ze**2)
    return {
        "c_count": cc.ravel(),
        "c_amount": ca.ravel(),
        "d": dd.ravel(),
        "d_def": ee.ravel(),
        "tau": tt.ravel(),
        "log_prior": log_prior.ravel(),
    }


def line_posterior(pairs: pd.DataFrame, priors: dict) -> dict[str, np.ndarray]:
    """The posterior of the line model on the grid: weight, the scales, and β's mean and sd given each point.

    Given a grid point θ = (c, d, d_def, τ), log(full/SL) is normal, β has a normal prior, so β
    integrates out exactly: r ~ N(0, D + X P Xᵀ), D_i = V_i(θ) / w_i (w_i the series weight), and
    β | r, θ is normal with precision P⁻¹ + Xᵀ D⁻¹ X. The weight of θ is its prior times that marginal
    likelihood (Woodbury: only 6 × 6 matrices), each pair's likelihood raised to its series weight, so
    several bulletins of one year count as one outcome.
    """
    s = pairs.ytd_month.to_numpy() / 12
    ytd = pairs.ytd_value.to_numpy(dtype=float)
    full = pairs.full_year_value.to_numpy(dtype=float)
    is_count = (pairs.kind == "count").to_numpy()
    r = np.log(full * s / ytd)
    drift = drift_flags(pairs)
    w = series_weights(pairs)
    X = np.zeros((len(pairs), len(CLASSES)))
    X[np.arange(len(pairs)), _class_index(pairs)] = 1.0
    poisson = np.where(is_count, (1 - s) / ytd, 0.0)
    g = _grid(priors)
    c = np.where(is_count[None, :], g["c_count"][:, None], g["c_amount"][:, None])
    V = c**2 * ((1 - s) / s)[None, :] + g["d"][:, None] ** 2 + drift[None, :] * g["d_def"][:, None] ** 2 + poisson
    Dinv = w[None, :] / V  # (G, n)
    XtDX = Dinv @ X  # (G, 6): X is an indicator, so Xᵀ D⁻¹ X is diagonal
    b = (Dinv * r[None, :]) @ X  # (G, 6)
    n_grid = len(g["tau"])
    log_like = np.empty(n_grid)
    mean = np.empty((n_grid, len(CLASSES)))
    sd = np.empty((n_grid, len(CLASSES)))
    for tau in TAU_GRID:
        sel = g["tau"] == tau
        P = _beta_prior_cov(priors, tau)
        Pinv = np.linalg.inv(P)
        _, logdet_P = np.linalg.slogdet(P)
        A = Pinv[None, :, :] + np.einsum("gk,kl->gkl", XtDX[sel], np.eye(len(CLASSES)))
        Ainv = np.linalg.inv(A)
        _, logdet_A = np.linalg.slogdet(A)
        m = np.einsum("gkl,gl->gk", Ainv, b[sel])
        quad = (Dinv[sel] * r[None, :] ** 2).sum(1) - np.einsum("gk,gk->g", b[sel], m)
        logdet = -np.log(Dinv[sel]).sum(1) + logdet_P + logdet_A
        gauss = -0.5 * (quad + logdet + len(r) * math.log(2 * math.pi))
        # the power likelihood Π N(r_i; ·, V_i)^w_i: its normalising terms are w_i·log(2πV_i)/2, not
        # log(2πV_i/w_i)/2 as in the normal with variance V_i/w_i used above
        v_sel = V[sel]
        log_like[sel] = gauss + 0.5 * (np.log(2 * math.pi * v_sel / w) - w * np.log(2 * math.pi * v_sel)).sum(1)
        mean[sel] = m
        sd[sel] = np.sqrt(np.einsum("gkk->gk", Ainv))
    logw = log_like + g["log_prior"]
    weight = np.exp(logw - logw.max())
    weight /= weight.sum()
    return {**{k: v for k, v in g.items() if k != "log_prior"}, "weight": weight, "beta_mean": mean, "beta_sd": sd}


def _resample(post: dict, k: int) -> list[dict]:
    """K points of the grid posterior by systematic resampling (deterministic), duplicates merged."""
    cum = np.cumsum(post["weight"])
    cum[-1] = 1.0
    idx = np.searchsorted(cum, (np.arange(k) + 0.5) / k)
    uniq, counts = np.unique(idx, return_counts=True)
    return [
        {
            "weight": float(n / k),
            "c": {"count": float(post["c_count"][i]), "amount": float(post["c_amount"][i])},
            "d": float(post["d"][i]),
            "d_def": float(post["d_def"][i]),
            "tau": float(post["tau"][i]),
            "beta": {
                cls: [float(post["beta_mean"][i, j]), float(post["beta_sd"][i, j])] for j, cls in enumerate(CLASSES)
            },
        }
        for i, n in zip(uniq, counts)
    ]


def fit_calibration(pairs: pd.DataFrame, *, source: dict | None = None, priors: dict | None = None) -> Calibration:
    """Fit the line model (its posterior on a grid, kept as a few dozen points) and the plan prior."""
    priors = dict(PRIORS) | dict(priors or {})
    post = line_posterior(pairs, priors)
    wgt = post["weight"]
    idx = _class_index(pairs)
    series = pairs.place.astype(str) + "|" + pairs.year.astype(str) + "|" + pairs.metric.astype(str)
    classes = {}
    for j, name in enumerate(CLASSES):
        members = idx == j
        m = float(wgt @ post["beta_mean"][:, j])
        var = float(wgt @ (post["beta_sd"][:, j] ** 2 + (post["beta_mean"][:, j] - m) ** 2))
        classes[name] = ClassBias(
            value=m, sd=math.sqrt(var), pairs=int(members.sum()), series=int(series[members].nunique())
        )
    plan = fit_plan_prior(pairs, priors)
    source = dict(source or pair_counts(pairs))
    stem = "+".join(Path(f).stem for f in str(source.get("file", "pairs")).split("+"))
    ident = f"{stem}@{source['sha256'][:8]}" if "sha256" in source else "pairs"
    drift = drift_flags(pairs)
    return Calibration(
        id=ident,
        c={"count": float(wgt @ post["c_count"]), "amount": float(wgt @ post["c_amount"])},
        d=float(wgt @ post["d"]),
        beta=classes,
        plan=plan,
        source=source,
        priors=priors,
        pairs=pair_records(pairs),
        d_def=float(wgt @ post["d_def"]),
        drift_rate=float(drift.mean()) if len(drift) else 0.0,
        posterior=_resample(post, POSTERIOR_POINTS),
    )


def plan_outcomes(pairs: pd.DataFrame) -> np.ndarray:
    """log(full / plan), one value per series (place, year, metric) that carries a plan."""
    with_plan = pairs[pairs.plan.notna()]
    if with_plan.empty:
        return np.array([])
    first = with_plan.groupby(["place", "year", "metric"], sort=True).first()
    return np.log(first.full_year_value.to_numpy(dtype=float) / first.plan.to_numpy(dtype=float))


def fit_plan_prior(pairs: pd.DataFrame, priors: dict | None = None) -> PlanPrior:
    """Normal–inverse-χ² update of log(full/plan); the predictive is a Student t.

    κn = κ0 + n, γn = n·ȳ/κn, νn = ν0 + n, νn·wn² = ν0·w0² + Σ(y − ȳ)² + κ0·n·ȳ²/κn;
    predictive t with νn df, location γn, scale wn·sqrt(1 + 1/κn). With no data it is the prior.
    """
    p = dict(PRIORS) | dict(priors or {})
    y = plan_outcomes(pairs)
    n = len(y)
    k0, nu0, w0 = p["plan_kappa0"], p["plan_nu0"], p["plan_w0"]
    ybar = float(y.mean()) if n else 0.0
    ss = float(((y - ybar) ** 2).sum()) if n else 0.0
    kn, nun = k0 + n, nu0 + n
    loc = n * ybar / kn
    wn2 = (nu0 * w0**2 + ss + k0 * n * ybar**2 / kn) / nun
    return PlanPrior(loc=float(loc), scale=float(math.sqrt(wn2 * (1 + 1 / kn))), df=float(nun), series=int(n))
