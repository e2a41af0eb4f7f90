"""The calibration's model and file: the fitted parameters (:class:`Calibration`, per class :class:`ClassBias`,
the :class:`PlanPrior`), its predictive mixture and variance, and reading the shipped or a given file (the model
itself is described in :mod:`jzanalysis.forecast.calibration`)."""

from __future__ import annotations

import functools
import json
import math
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ...errors import InputError

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

PACKAGED = Path(__file__).parents[1] / "calibration.json"

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
