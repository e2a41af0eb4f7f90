"""Calibration of the default forecast on real January..M → full-year outcomes.

The model (docs/forecasting.md, "The calibrated default"): for a January..M total YTD, s = M/12 and
the straight line SL = YTD / s,

    log(full / SL) = β(kind, part of year) + e,
    V = c(kind)²·(1 − s)/s + d² [+ d_def² drifted definition] [+ (1 − s)/YTD for counts]

and the full year is never below YTD. c is the lumpiness of the months (the same form as the
simulation's models: c² = φ/12 for a monthly negative binomial, c = σ/2 for the lumpy amounts), d the
noise of reported figures, d_def the extra noise of a year end published under another wording or as
a preliminary or derived figure (estimated from pairs marked ``partly``/``approx``/``no`` in
``definition_match``), (1 − s)/YTD the Poisson noise of a count, β the seasonal bias of the straight
line (开门红 front-loads the year, 收网 back-loads it). Parts of the year: early (months 1–4), mid
(5–8), late (9–11); β is partially pooled (a level per part of the year shared by both kinds, a class
deviation τ).

Nothing is plugged in: θ = (c per kind, d, d_def, τ) lies on a grid, β integrates out exactly given θ,
each θ is weighted by prior × marginal likelihood (each pair's likelihood raised to 1/its series'
snapshots), and the posterior is kept as a few dozen points (``posterior``). The predictive
(:meth:`Calibration.line_mixture`) is their mixture, each a Student t with ``tail_df`` degrees of
freedom (heavy tails, set in :data:`PRIORS`), so few pairs give wide intervals and many narrow ones.

Where a plan is known, what published plans say about where years end enters as a second source:
log(full / plan) ~ t_ν(γ, w), the posterior predictive of a normal model with a conjugate
(normal–inverse-χ²) prior fitted on the pairs that carry a plan, one value per series; the forecast
mixes "the plan is informative" with "the plan is irrelevant" (see :mod:`.methods`).

The fitted calibration is a JSON file (``calibration.json`` next to this module) with the pairs it was
fitted on, the priors, the posterior points and the leave-one-city-out scores;
``jzanalysis calibrate PAIRS.csv [MORE.csv …]`` rewrites it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..csvcheck import first_failure, positive_where_given, require_columns, to_numbers
from ..errors import InputError

KINDS = ("count", "amount")
PARTS = ("early", "mid", "late")
CLASSES = tuple(f"{k}/{p}" for k in KINDS for p in PARTS)

#: Priors (see the module docstring and docs/forecasting.md for where each comes from).
PRIORS: dict = {
    # the simulation's defaults: φ = 0.25 → c² = φ/12; σ = 0.35 → c = σ/2
    "c_median": {"count": math.sqrt(0.25 / 12), "amount": 0.35 / 2},
    "c_log_sd": 0.5,
    "d_median": 0.03,
    "d_log_sd": 1.0,
    # a year-end figure under another wording, or preliminary: about 10% off, within a factor e either way
    "d_def_median": 0.10,
    "d_def_log_sd": 1.0,
    # the claimed simulation profiles move the cumulative share by up to ~7 points of time progress,
    # about ±0.1 on the log scale at mid-year: the sd of a part of year's level (both kinds share it)
    "beta_sd": 0.10,
    # plans: log(full/plan) ~ N(γ, w²); γ | w² ~ N(0, w²/κ0), w² ~ scaled-inv-χ²(ν0, w0²): before any
    # data, plans are as likely missed as beaten, by about 15%
    "plan_kappa0": 1.0,
    "plan_nu0": 4.0,
    "plan_w0": 0.15,
    # the plan is informative (its t density above) or irrelevant (log(full/plan) Cauchy with scale 0.5:
    # broad, and heavier-tailed than the t), informative a priori with probability one half (times the
    # share of the plan left to do, see methods); the pace decides between them
    "plan_informative": 0.5,
    "plan_irrelevant_sd": 0.5,
    # tails: the predictive of log(full/SL) is a Student t with this many degrees of freedom around
    # each posterior point (a scale mixture of normals); set, not estimated: 20 pairs cannot pin it
    "tail_df": 5.0,
}

#: A class with this many pairs (or series) or fewer leans on its prior.
FEW_PAIRS = 2

PACKAGED = Path(__file__).with_name("calibration.json")

COUNT_UNITS = ("个", "项", "家")


def part_of_year(month: int) -> str:
    """early (1–4), mid (5–8) or late (9–11)."""
    return "early" if month <= 4 else "mid" if month <= 8 else "late"


@dataclass(frozen=True)
class ClassBias:
    """β of one (kind, part of year) class: posterior mean and sd (over θ too) and the pairs behind it.

    ``series``: distinct (place, year, metric) among the pairs; snapshots of one series are not
    independent, so a class leans on its prior when it has two series or fewer.
    """

    value: float
    sd: float
    pairs: int
    series: int = 0

    @property
    def leans_on_prior(self) -> bool:
        return min(self.pairs, self.series) <= FEW_PAIRS


@dataclass(frozen=True)
class PlanPrior:
    """log(full / plan) ~ t_df(loc, scale): what published plans say about where years end."""

    loc: float
    scale: float
    df: float
    series: int

    def density_params(self, plan: float) -> tuple[float, float, float]:
        """(loc, scale, df) of the t density on log(full)."""
        return math.log(plan) + self.loc, self.scale, self.df


@dataclass(frozen=True)
class Calibration:
    """A fitted calibration: parameters, the data they came from, and how well they did."""

    id: str
    c: dict[str, float]
    d: float
    beta: dict[str, ClassBias]
    plan: PlanPrior | None
    source: dict = field(default_factory=dict)
    priors: dict = field(default_factory=lambda: dict(PRIORS))
    evaluation: dict = field(default_factory=dict)
    pairs: list[dict] = field(default_factory=list)
    d_def: float = 0.0
    drift_rate: float = 0.0
    posterior: list[dict] = field(default_factory=list)

    # --- the model ---------------------------------------------------------------------------

    def bias(self, kind: str, month: int) -> ClassBias:
        return self.beta[f"{kind}/{part_of_year(month)}"]

    def variance(self, kind: str, share: float, ytd: float, c: float | None = None) -> float:
        """V = c²(1 − s)/s + d² [+ (1 − s)/YTD for counts]: the spread of log(full/SL) (β known)."""
        c = self.c[kind] if c is None else c
        v = c**2 * (1 - share) / share + self.d**2
        if kind == "count":
            v += (1 - share) / max(ytd, 0.5)
        return v

    def line_mixture(
        self, kind: str, month: int, share: float, ytd: float, c: float | None = None
    ) -> list[tuple[float, float, float, float]]:
        """The predictive of log(full/SL) as Student ts (weight, location, scale, df), its parameters
        integrated out.

        One normal per posterior point (β's mean and sd given the point; V with that point's c and d,
        plus d_def² for the share of outcomes published under another definition), each a Student t with
        ``tail_df`` degrees of freedom (heavy tails, set in the priors). ``c`` given: the
        lumpiness is that value at every point. A calibration without a posterior (one written by hand)
        is one normal (df = inf): N(β, V + sd(β)²).
        """
        cls = f"{kind}/{part_of_year(month)}"
        poisson = (1 - share) / max(ytd, 0.5) if kind == "count" else 0.0
        points = self.posterior or [
            {
                "weight": 1.0,
                "c": self.c,
                "d": self.d,
                "d_def": self.d_def,
                "beta": {cls: [self.beta[cls].value, self.beta[cls].sd]},
            }
        ]
        drift = [(1.0 - self.drift_rate, 0.0), (self.drift_rate, 1.0)] if self.drift_rate > 0 else [(1.0, 0.0)]
        df = float(self.priors.get("tail_df") or math.inf) if self.posterior else math.inf
        out = []
        for pt in points:
            ck = pt["c"][kind] if c is None else c
            mean, beta_sd = pt["beta"][cls]
            base = ck**2 * (1 - share) / share + pt["d"] ** 2 + poisson + beta_sd**2
            for wd, flag in drift:
                out.append((pt["weight"] * wd, mean, math.sqrt(base + flag * pt["d_def"] ** 2), df))
        return out

    def line_variance(self, kind: str, month: int, share: float, ytd: float, c: float | None = None) -> float:
        """Variance of log(full/SL) around its mean under :meth:`line_mixture` (t tails: ν/(ν − 2) of the normal's)."""
        comps = self.line_mixture(kind, month, share, ytd, c)
        m = sum(w * mu for w, mu, _, _ in comps)
        return float(
            sum(w * (sd**2 * (df / (df - 2) if 2 < df < math.inf else 1.0) + (mu - m) ** 2) for w, mu, sd, df in comps)
        )

    def summary(self) -> dict:
        """What a result names: id, source file and hash, pairs, cities, series."""
        keys = ("file", "sha256", "pairs", "cities", "series")
        return {"id": self.id, **{k: self.source[k] for k in keys if k in self.source}}

    # --- file --------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "model": "log(full/SL) ~ t_tail_df(beta[kind/part], c[kind]^2 (1-s)/s + d^2 [+ d_def^2 drifted] "
            "[+ (1-s)/YTD counts]), parameters integrated over their posterior (posterior points); "
            "plan: log(full/plan) ~ t(df, loc, scale) with probability plan_informative, else irrelevant",
            "source": self.source,
            "c": self.c,
            "d": self.d,
            "beta": {k: asdict(v) for k, v in self.beta.items()},
            "d_def": self.d_def,
            "drift_rate": self.drift_rate,
            "plan": None if self.plan is None else asdict(self.plan),
            "priors": self.priors,
            "posterior": self.posterior,
            "evaluation": self.evaluation,
            "pairs": self.pairs,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Calibration:
        try:
            return cls(
                id=str(data["id"]),
                c={k: float(data["c"][k]) for k in KINDS},
                d=float(data["d"]),
                beta={
                    k: ClassBias(float(v["value"]), float(v["sd"]), int(v["pairs"]), int(v.get("series", 0)))
                    for k, v in data["beta"].items()
                },
                plan=None
                if data.get("plan") is None
                else PlanPrior(**{k: float(v) if k != "series" else int(v) for k, v in data["plan"].items()}),
                source=data.get("source", {}),
                priors=dict(PRIORS) | data.get("priors", {}),
                evaluation=data.get("evaluation", {}),
                pairs=data.get("pairs", []),
                d_def=float(data.get("d_def", 0.0)),
                drift_rate=float(data.get("drift_rate", 0.0)),
                posterior=data.get("posterior", []),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"calibration file is not a jzanalysis calibration ({type(exc).__name__}: {exc})"
            ) from None

    def with_evaluation(self, result: dict) -> Calibration:
        """A copy carrying the scores of :func:`jzanalysis.backtest.evaluate_pairs` (without the rows)."""
        from dataclasses import replace

        keep = {k: v for k, v in result.items() if k != "rows"}
        return replace(self, evaluation=keep)

    def write(self, path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return path


#: Environment variable naming a calibration file to use instead of the shipped one.
ENV_VAR = "JZANALYSIS_CALIBRATION"


def load_calibration(path=None) -> Calibration:
    """The calibration in ``path``; None: the file named by $JZANALYSIS_CALIBRATION, else the shipped one."""
    if path is None:
        path = os.environ.get(ENV_VAR) or None
        if path is None:
            return _packaged()
        return _load_file(path)
    return _load_file(path)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Calibration:
    return _read_file(Path(path))


def _load_file(path) -> Calibration:
    path = Path(path)
    if not path.is_file():
        raise InputError(
            f"calibration file {path} not found; write one with `jzanalysis calibrate PAIRS.csv --out FILE`"
        )
    return _load_cached(str(path.resolve()), path.stat().st_mtime)


def _read_file(path: Path) -> Calibration:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"calibration file {path} is not JSON ({exc})") from None
    return Calibration.from_dict(data)


def _packaged() -> Calibration:
    return _load_cached(str(PACKAGED), PACKAGED.stat().st_mtime)


# --- pairs ---------------------------------------------------------------------------------------

PAIR_COLUMNS = ("place", "metric", "year", "ytd_month", "ytd_value", "full_year_value", "unit")


def read_pairs_csv(path) -> tuple[pd.DataFrame, dict]:
    """Read calibration pairs (one January..M figure and the full year it ended at, per row).

    ``path``: one CSV or a list of them (same columns; read in order and joined). Columns: place,
    metric, year, ytd_month (1..11), ytd_value (> 0), full_year_value (≥ ytd_value), unit (个 → count,
    anything in 元 → amount; or a ``kind`` column), optional plan_value, ytd_plan_pct and
    definition_match (yes / partly / approx / no: the year-end figure's definition against the YTD's).
    Returns the validated frame and the source record (file names, sha256 of their bytes in order, counts).
    """
    paths = [Path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]
    frames, raw = [], b""
    for one in paths:
        if not one.is_file():
            raise InputError(f"pairs file {one} not found; give a CSV with columns {', '.join(PAIR_COLUMNS)}")
        raw += one.read_bytes()
        try:
            frame = pd.read_csv(one, encoding="utf-8-sig")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise InputError(f"pairs file {one} is not a readable UTF-8 CSV ({str(exc).splitlines()[0]})") from None
        frames.append(validate_pairs(frame, origin=str(one)))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    source = {
        "file": "+".join(p.name for p in paths),
        "sha256": hashlib.sha256(raw).hexdigest(),
        **pair_counts(frame),
    }
    if len(paths) > 1:
        source["files"] = [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in paths]
    return frame, source


def pair_counts(frame: pd.DataFrame) -> dict:
    return {
        "pairs": len(frame),
        "cities": int(frame.place.nunique()),
        "series": int(frame.groupby(["place", "year", "metric"]).ngroups),
    }


def validate_pairs(frame: pd.DataFrame, origin: str = "pairs") -> pd.DataFrame:
    """Check the columns and values of a pairs frame; adds ``kind``, ``plan``; one-line errors."""
    frame = require_columns(frame, origin, PAIR_COLUMNS, "need pairs of a January..M figure and its full year")
    to_numbers(frame, origin, ("year", "ytd_month", "ytd_value", "full_year_value"), ("plan_value", "ytd_plan_pct"))
    if "kind" not in frame.columns:
        frame["kind"] = [_kind_of_unit(u) for u in frame.unit]
    checks = [
        (~frame.ytd_month.isin(range(1, 12)), "ytd_month must be a whole month 1..11"),
        (~(frame.ytd_value > 0), "ytd_value must be > 0 (a zero total gives no pace to calibrate on)"),
        (frame.full_year_value < frame.ytd_value, "full_year_value must be >= ytd_value (running totals)"),
        (~frame.kind.isin(KINDS), "unit must say count (个) or amount (…元), or give a kind column (count/amount)"),
    ]
    checks += positive_where_given(frame, {"plan_value": "plan_value must be > 0"})
    first_failure(
        frame,
        origin,
        checks,
        lambda row: (
            f"{row['place']} {row['metric']} {row['year']} 1-{row['ytd_month']} {row['ytd_value']} "
            f"→ {row['full_year_value']} {row['unit']}"
        ),
    )
    frame["ytd_month"] = frame.ytd_month.astype(int)
    frame["year"] = frame.year.astype(int)
    frame["plan"] = frame["plan_value"] if "plan_value" in frame.columns else np.nan
    return frame


def _kind_of_unit(unit) -> str | None:
    unit = "" if pd.isna(unit) else str(unit)
    if unit in COUNT_UNITS:
        return "count"
    if "元" in unit:
        return "amount"
    return None


# --- fitting -------------------------------------------------------------------------------------

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
        pairs=_pair_records(pairs),
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


def _pair_records(pairs: pd.DataFrame) -> list[dict]:
    keep = ["place", "metric", "year", "ytd_month", "ytd_value", "plan", "full_year_value", "unit", "kind"]
    if "definition_match" in pairs.columns:
        keep.append("definition_match")
    records = []
    for row in pairs[keep].itertuples(index=False):
        rec = row._asdict()
        if "definition_match" in rec:
            rec["definition_match"] = None if pd.isna(rec["definition_match"]) else str(rec["definition_match"])
        rec["plan"] = None if pd.isna(rec["plan"]) else float(rec["plan"])
        rec["year"], rec["ytd_month"] = int(rec["year"]), int(rec["ytd_month"])
        rec["ytd_value"], rec["full_year_value"] = float(rec["ytd_value"]), float(rec["full_year_value"])
        records.append(rec)
    return records


def pairs_from_calibration(cal: Calibration) -> pd.DataFrame:
    """The pairs a calibration was fitted on, as a validated frame (for refits and the benchmark)."""
    frame = pd.DataFrame(cal.pairs).rename(columns={"plan": "plan_value"})
    return validate_pairs(frame, origin=f"calibration {cal.id}")
