"""Calibration of the default forecast on real January..M → full-year outcomes.

The model (docs/forecasting.md, "The calibrated default"): for a January..M total YTD, s = M/12 and
the straight line SL = YTD / s,

    log(full / SL) ~ N(β(kind, part of year), V),   V = c(kind)²·(1 − s)/s + d² [+ (1 − s)/YTD for counts]

and the full year is never below YTD. c is the lumpiness of the months (the same form as the
simulation's models: c² = φ/12 for a monthly negative binomial, c = σ/2 for the lumpy amounts), d the
noise of reported figures (preliminary year-end numbers, drifting definitions), (1 − s)/YTD the
Poisson noise of a count, β the seasonal bias of the straight line (开门红 front-loads the year,
收网 back-loads it). Parts of the year: early (months 1–4), mid (5–8), late (9–11).

Where a plan is known, what published plans say about where years end enters as a second source:
log(full / plan) ~ t_ν(γ, w), the posterior predictive of a normal model with a conjugate
(normal–inverse-χ²) prior fitted on the pairs that carry a plan, one value per series.

Fitting is empirical Bayes: β, c and d are posterior modes under priors taken from the simulation
study (β ~ N(0, 0.10²): the seasonal profiles the simulation claims shift the straight line by at
most about 10%; c around the simulation's defaults; d around 3%), so a class with few pairs leans
on its prior and says so (``pairs`` and ``leans_on_prior`` of :meth:`Calibration.bias`).

The fitted calibration is a small JSON file (``calibration.json`` next to this module) with the pairs
it was fitted on, the priors and the leave-one-city-out scores; ``jzanalysis calibrate PAIRS.csv``
rewrites it.
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
from scipy import optimize, stats

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
    # the claimed simulation profiles move the cumulative share by up to ~7 points of time progress,
    # about ±0.1 on the log scale at mid-year
    "beta_sd": 0.10,
    # plans: log(full/plan) ~ N(γ, w²); γ | w² ~ N(0, w²/κ0), w² ~ scaled-inv-χ²(ν0, w0²): before any
    # data, plans are as likely missed as beaten, by about 15%
    "plan_kappa0": 1.0,
    "plan_nu0": 4.0,
    "plan_w0": 0.15,
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
    """β of one (kind, part of year) class: posterior mode, posterior sd and the pairs behind it.

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

    def summary(self) -> dict:
        """What a result names: id, source file and hash, pairs, cities, series."""
        keys = ("file", "sha256", "pairs", "cities", "series")
        return {"id": self.id, **{k: self.source[k] for k in keys if k in self.source}}

    # --- file --------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "model": "log(full/SL) ~ N(beta[kind/part], c[kind]^2 (1-s)/s + d^2 [+ (1-s)/YTD counts]); "
            "plan: log(full/plan) ~ t(df, loc, scale)",
            "source": self.source,
            "c": self.c,
            "d": self.d,
            "beta": {k: asdict(v) for k, v in self.beta.items()},
            "plan": None if self.plan is None else asdict(self.plan),
            "priors": self.priors,
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
                priors=data.get("priors", dict(PRIORS)),
                evaluation=data.get("evaluation", {}),
                pairs=data.get("pairs", []),
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

    Columns: place, metric, year, ytd_month (1..11), ytd_value (> 0), full_year_value (≥ ytd_value),
    unit (个 → count, anything in 元 → amount; or a ``kind`` column), optional plan_value and
    ytd_plan_pct. Returns the validated frame and the source record (file, sha256, counts).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"pairs file {path} not found; give a CSV with columns {', '.join(PAIR_COLUMNS)}")
    raw = path.read_bytes()
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"pairs file {path} is not a readable UTF-8 CSV ({str(exc).splitlines()[0]})") from None
    frame = validate_pairs(frame, origin=str(path))
    source = {"file": path.name, "sha256": hashlib.sha256(raw).hexdigest(), **pair_counts(frame)}
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


def fit_calibration(pairs: pd.DataFrame, *, source: dict | None = None, priors: dict | None = None) -> Calibration:
    """Fit β, c, d (posterior modes) and the plan prior on validated pairs (see :func:`read_pairs_csv`)."""
    priors = dict(PRIORS) | dict(priors or {})
    s = pairs.ytd_month.to_numpy() / 12
    ytd = pairs.ytd_value.to_numpy(dtype=float)
    full = pairs.full_year_value.to_numpy(dtype=float)
    is_count = (pairs.kind == "count").to_numpy()
    cls = np.array([f"{k}/{part_of_year(int(m))}" for k, m in zip(pairs.kind, pairs.ytd_month)])
    r = np.log(full * s / ytd)
    censored = full <= ytd  # nothing added after month M: log(full/SL) ≤ log(s), an upper bound
    poisson = np.where(is_count, (1 - s) / ytd, 0.0)
    n_cls = len(CLASSES)

    def unpack(x):
        beta = x[:n_cls]
        c = np.exp(x[n_cls : n_cls + 2])
        d = math.exp(x[n_cls + 2])
        return beta, c, d

    def variance(c, d):
        ck = np.where(is_count, c[0], c[1])
        return ck**2 * (1 - s) / s + d**2 + poisson

    idx = np.array([CLASSES.index(k) for k in cls])

    def neg_log_posterior(x):
        beta, c, d = unpack(x)
        sd = np.sqrt(variance(c, d))
        mu = beta[idx]
        ll = np.where(censored, stats.norm.logcdf((np.log(s) - mu) / sd), stats.norm.logpdf(r, mu, sd))
        lp = stats.norm.logpdf(beta, 0, priors["beta_sd"]).sum()
        lp += stats.norm.logpdf(
            np.log(c), np.log([priors["c_median"]["count"], priors["c_median"]["amount"]]), priors["c_log_sd"]
        ).sum()
        lp += stats.norm.logpdf(math.log(d), math.log(priors["d_median"]), priors["d_log_sd"])
        return -(ll.sum() + lp)

    x0 = np.concatenate(
        [
            np.zeros(n_cls),
            np.log([priors["c_median"]["count"], priors["c_median"]["amount"]]),
            [math.log(priors["d_median"])],
        ]
    )
    res = optimize.minimize(neg_log_posterior, x0, method="L-BFGS-B")
    beta, c, d = unpack(res.x)
    v = variance(c, d)
    classes = {}
    series = pairs.place.astype(str) + "|" + pairs.year.astype(str) + "|" + pairs.metric.astype(str)
    for j, name in enumerate(CLASSES):
        members = idx == j
        precision = 1 / priors["beta_sd"] ** 2 + float(np.sum(1 / v[members]))
        classes[name] = ClassBias(
            value=float(beta[j]),
            sd=float(math.sqrt(1 / precision)),
            pairs=int(members.sum()),
            series=int(series[members].nunique()),
        )
    plan = fit_plan_prior(pairs, priors)
    source = dict(source or pair_counts(pairs))
    ident = f"{Path(source.get('file', 'pairs')).stem}@{source['sha256'][:8]}" if "sha256" in source else "pairs"
    return Calibration(
        id=ident,
        c={"count": float(c[0]), "amount": float(c[1])},
        d=float(d),
        beta=classes,
        plan=plan,
        source=source,
        priors=priors,
        pairs=_pair_records(pairs),
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
    records = []
    for row in pairs[keep].itertuples(index=False):
        rec = row._asdict()
        rec["plan"] = None if pd.isna(rec["plan"]) else float(rec["plan"])
        rec["year"], rec["ytd_month"] = int(rec["year"]), int(rec["ytd_month"])
        rec["ytd_value"], rec["full_year_value"] = float(rec["ytd_value"]), float(rec["full_year_value"])
        records.append(rec)
    return records


def pairs_from_calibration(cal: Calibration) -> pd.DataFrame:
    """The pairs a calibration was fitted on, as a validated frame (for refits and the benchmark)."""
    frame = pd.DataFrame(cal.pairs).rename(columns={"plan": "plan_value"})
    return validate_pairs(frame, origin=f"calibration {cal.id}")
