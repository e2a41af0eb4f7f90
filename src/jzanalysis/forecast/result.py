"""Typed forecast results; ``to_dict()`` is the JSON contract (keys are only ever added).

Top level: ``metric, region, year, as_of, ytd, plan, forecast, methods`` plus ``plan_source, unit, kind,
quote, default_method, skipped, calibration, plan_info, path, updates, calibration_outcomes,
calibration_cities, pace_so_far_per_month, pace_assumed_per_month``. Each method object:
``method, point, interval80, interval95, p_meet_plan`` plus ``label_zh`` (the report catalogue's label of
the method), ``required_pace, observed_pace,
parameters, quantiles, unit, kind, mean, point_is, plan_verdict`` and, for the calibrated method with a
plan, ``without_plan`` (the same forecast before the plan's information).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from ..catalog_files import method_label
from ..jsonable import jsonable
from .distributions import Predictive
from .plan import Plan

#: Quantile levels reported for the fan chart (and used for the intervals).
QUANTILE_LEVELS: tuple[float, ...] = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)


@dataclass
class MethodForecast:
    """One method's forecast. ``point`` is the median of its predictive distribution."""

    method: str
    point: float
    mean: float
    interval80: list[float]
    interval95: list[float]
    p_meet_plan: float | None
    plan_verdict: str | None  # meets / falls_short / within_rounding (point against the plan)
    required_pace: float | None
    observed_pace: float
    parameters: dict
    quantiles: dict[str, float]
    unit: str | None
    kind: str
    without_plan: dict | None = None
    point_is: str = "median"
    predictive: Predictive | None = field(default=None, repr=False, compare=False)

    @property
    def label_zh(self) -> str:
        """The method's Chinese label, from the report catalogue (the one place labels live)."""
        return method_label(self.method, "zh")

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "predictive"}
        out = {"method": out.pop("method"), "label_zh": self.label_zh, **out}
        if out["without_plan"] is None:
            del out["without_plan"]
        return jsonable(out)


def p_meet(dist: Predictive, plan: Plan | None) -> float | None:
    """P(full ≥ plan), averaged over the plans the stated figures allow."""
    if plan is None:
        return None
    return float(np.mean([dist.sf_plan(c) for c in plan.candidates]))


def method_forecast(
    method_id: str,
    point: float | None,
    dist: Predictive,
    params: dict,
    *,
    ytd: float,
    as_of: int,
    kind: str,
    plan: Plan | None,
    unit: str | None,
) -> MethodForecast:
    without = params.pop("_without_plan", None)
    q = np.asarray(dist.ppf(QUANTILE_LEVELS), dtype=float)
    quantiles = {f"{level:g}": float(v) for level, v in zip(QUANTILE_LEVELS, q)}
    point = dist.median() if point is None else float(point)
    p = p_meet(dist, plan)
    remaining = 12 - as_of
    without_plan = None
    if without is not None:
        wq = np.asarray(without.ppf([0.1, 0.9]), dtype=float)
        without_plan = {
            "point": without.median(),
            "interval80": [float(wq[0]), float(wq[1])],
            "p_meet_plan": p_meet(without, plan),
        }
    return MethodForecast(
        method=method_id,
        point=point,
        mean=float(dist.mean()),
        interval80=[quantiles["0.1"], quantiles["0.9"]],
        interval95=[quantiles["0.025"], quantiles["0.975"]],
        p_meet_plan=p,
        plan_verdict=None if plan is None else plan.verdict(point),
        required_pace=None if plan is None else max(plan.value - ytd, 0.0) / remaining,
        observed_pace=ytd / as_of,
        parameters=params,
        quantiles=quantiles,
        unit=unit,
        kind=kind,
        without_plan=without_plan,
        predictive=dist,
    )


@dataclass
class ForecastResult:
    """A forecast of one metric; :meth:`to_dict` is the JSON contract."""

    metric: str | None
    region: str | None
    year: int
    as_of: int
    ytd: float
    plan: float | None
    forecast: MethodForecast
    methods: list[MethodForecast]
    plan_source: str | None = None
    unit: str | None = None
    kind: str | None = None
    quote: str | None = None
    default_method: str | None = None
    skipped: list[dict] = field(default_factory=list)
    calibration: dict | None = None
    plan_info: Plan | None = None
    path: dict[int, float] = field(default_factory=dict)
    updates: list[dict] = field(default_factory=list)
    #: real January..M → full-year outcomes, and their cities, the calibration was fitted on
    calibration_outcomes: int | None = None
    calibration_cities: int | None = None
    #: the pace so far (YTD / M per month) and the pace the forecast assumes for the rest of the year
    #: ((point − YTD) / (12 − M) per month): page 1 sets them side by side
    pace_so_far_per_month: float | None = None
    pace_assumed_per_month: float | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict: plain floats, lists and None only."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, MethodForecast):
                value = value.to_dict()
            elif f.name == "methods":
                value = [m.to_dict() for m in value]
            elif isinstance(value, Plan):
                value = value.to_dict()
            elif f.name == "path":
                value = {str(k): v for k, v in value.items()}
            out[f.name] = value
        return jsonable(out)

    def method(self, method_id: str) -> MethodForecast:
        """The forecast of one method (KeyError when it was not run)."""
        for m in self.methods:
            if m.method == method_id:
                return m
        raise KeyError(method_id)

    @property
    def predictive(self) -> dict[str, Predictive]:
        """Method id → predictive distribution (for scoring; not part of the JSON)."""
        return {m.method: m.predictive for m in self.methods}
