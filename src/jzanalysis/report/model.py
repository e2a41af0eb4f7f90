"""What a report shows, as typed values: built once from an :class:`~jzanalysis.pipeline.Analysis`.

Every number of a report comes from here: :class:`MetricFigures` (one forecast metric: the year to date,
the plan the forecast used, progress against time, the default method's forecast) and
:class:`~jzanalysis.compare.CountyComparison` (the county table, as the comparison gives it). Sections, charts and the batch index read these and never
compute or re-read a figure of their own, so a parameter (a plan, φ, σ) reaches all of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..calendar import time_progress
from ..compare import CountyComparison, as_comparison
from ..errors import InputError
from ..forecast.plan import Plan, implied_plan
from ..forecast.result import ForecastResult, MethodForecast
from ..metrics import METRICS, by_priority


@dataclass(frozen=True)
class MetricFigures:
    """One forecast metric, everything the report says of it."""

    metric: str
    unit: str
    kind: str  # count | amount
    year: int
    as_of: int
    ytd: float
    quote: str | None
    plan: Plan | None  # the plan the forecast used (given or implied)
    stated_plan: Plan | None  # the plan the bulletin implies, when another one was given
    pct_of_plan: float | None  # percent: the bulletin's own for an implied plan, YTD ÷ plan for a given one
    time_months: float  # percent of the year elapsed, by months
    time_workdays: float | None  # by official working days (None outside the calendar's years)
    yoy_pct: float | None
    prior_year: float | None  # same period last year = YTD ÷ (1 + growth)
    result: ForecastResult = field(repr=False)

    @property
    def forecast(self) -> MethodForecast:
        """The default method's forecast: the only one the report's text, charts and verdict use."""
        return self.result.forecast

    @property
    def whole(self) -> bool:
        return self.kind == "count"

    @property
    def gap(self) -> float | None:
        """Percentage points ahead (+) or behind (−) time: share of plan − share of the year (months)."""
        return None if self.pct_of_plan is None else self.pct_of_plan - self.time_months

    @property
    def remaining_months(self) -> int:
        return 12 - self.as_of

    @property
    def observed_pace(self) -> float:
        return self.ytd / self.as_of

    @property
    def required_pace(self) -> float | None:
        if self.plan is None:
            return None
        return max(self.plan.value - self.ytd, 0.0) / self.remaining_months

    @property
    def p_meet_plan(self) -> float | None:
        return self.forecast.p_meet_plan

    @property
    def path(self) -> dict[int, float]:
        """The year's real January..M totals (several bulletins of one year), month → total."""
        return dict(sorted(self.result.path.items())) or {self.as_of: self.ytd}


def _snapshot_row(facts: pd.DataFrame, year: int, as_of: int, metric: str, region: str):
    rows = facts[(facts.year == year) & (facts.months == as_of) & (facts.metric == metric) & (facts.region == region)]
    return None if rows.empty else rows.iloc[0]


def metric_figures(analysis, metric: str) -> MetricFigures:
    """The :class:`MetricFigures` of one forecast metric of ``analysis``."""
    result = analysis.forecasts[metric]
    year, as_of = result.year, result.as_of
    spec = METRICS[metric]
    row = _snapshot_row(analysis.dataset.facts, year, as_of, metric, result.region)
    stated_pct = None if row is None or pd.isna(row.get("plan_pct")) else float(row["plan_pct"])
    yoy = None if row is None or pd.isna(row.get("yoy_pct")) else float(row["yoy_pct"])
    plan = result.plan_info
    stated_plan = None
    if plan is not None and plan.source == "given":
        pct = result.ytd / plan.value * 100
        if stated_pct is not None and stated_pct > 0 and result.ytd > 0:
            stated_plan = implied_plan(result.ytd, stated_pct, spec.kind, as_of)
    elif plan is not None:
        pct = plan.pct if plan.pct_month in (None, as_of) else result.ytd / plan.value * 100
    else:
        pct = None
    try:
        workdays = time_progress(year, as_of, "workdays") * 100
    except InputError:
        workdays = None
    return MetricFigures(
        metric=metric,
        unit=result.unit or spec.unit,
        kind=result.kind or spec.kind,
        year=year,
        as_of=as_of,
        ytd=result.ytd,
        quote=result.quote,
        plan=plan,
        stated_plan=stated_plan,
        pct_of_plan=pct,
        time_months=time_progress(year, as_of, "months") * 100,
        time_workdays=workdays,
        yoy_pct=yoy,
        prior_year=None if yoy is None or yoy <= -100 else result.ytd / (1 + yoy / 100),
        result=result,
    )


# --- verdicts ------------------------------------------------------------------------------------

#: (lowest probability, verdict key): the first whose bound the probability reaches.
VERDICTS = (
    (0.9, "exceed"),
    (0.65, "likely"),
    (0.55, "uncertain"),
    (0.45, "even"),
    (0.35, "uncertain"),
    (0.1, "doubtful"),
    (0.0, "unlikely"),
)


def verdict_key(p: float | None) -> str:
    """The verdict in words for P(meet plan): ``exceed`` ≥ 90%, ``likely`` ≥ 65%, ``even`` 45–55%,
    ``uncertain`` 35–65%, ``doubtful`` ≥ 10%, ``unlikely`` below; ``no_plan`` without a plan.

    >>> [verdict_key(p) for p in (0.95, 0.85, 0.5, 0.6, 0.2, 0.05, None)]
    ['exceed', 'likely', 'even', 'uncertain', 'doubtful', 'unlikely', 'no_plan']
    """
    if p is None:
        return "no_plan"
    for bound, key in VERDICTS:
        if p >= bound:
            return key
    return "unlikely"


# --- counties ------------------------------------------------------------------------------------


def county_comparison(analysis) -> CountyComparison | None:
    """The first :class:`~jzanalysis.compare.CountyComparison` of ``analysis`` (None when it has none)."""
    comparisons = county_comparisons(analysis)
    return comparisons[0] if comparisons else None


def county_comparisons(analysis) -> list[CountyComparison]:
    """Every county comparison of ``analysis`` (one per metric two or more units report), the compare
    metric's first; the single ``comparison`` (its JSON object) of an analysis without ``comparisons``."""
    many = getattr(analysis, "comparisons", None) or {}
    if many:
        return [as_comparison(c, analysis.region) for c in many.values()]
    one = analysis.comparison
    return [] if one is None else [as_comparison(one, analysis.region)]


# --- what a forecast rests on ----------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastBasis:
    """What page 1 says a forecast rests on: the pace so far, the pace the forecast assumes for the rest of
    the year, and how many real outcomes calibrate it."""

    pace_so_far: float  # per month, January..M
    pace_assumed: float | None  # per month over the remaining months, from the default forecast's point
    calibration_outcomes: int | None  # real January..M → full-year pairs of the forecast's class
    calibration_pairs: int | None  # all pairs of the calibration
    calibration_cities: int | None


def forecast_basis(m: MetricFigures) -> ForecastBasis:
    """The :class:`ForecastBasis` of one metric: the forecast result's own fields when it has them
    (``pace_so_far_per_month``, ``pace_assumed_per_month``, ``calibration_outcomes`` — all the calibration's
    outcomes —, ``calibration_cities``), else computed here from the point, the YTD figure and the
    calibration summary; the outcomes of the forecast's own class come from its method's parameters."""
    result, fc = m.result, m.forecast
    so_far = getattr(result, "pace_so_far_per_month", None)
    if so_far is None:
        so_far = m.ytd / m.as_of
    assumed = getattr(result, "pace_assumed_per_month", None)
    if assumed is None and m.remaining_months > 0:
        assumed = max(fc.point - m.ytd, 0.0) / m.remaining_months
    params = fc.parameters or {}
    cal = result.calibration or {}
    # the outcomes of the forecast's own class (count or amount, early or late in the year) set its bias;
    # the calibration's whole set (result.calibration_outcomes) its spread
    outcomes = int(params["class_pairs"]) if params.get("class_pairs") is not None else None
    pairs = getattr(result, "calibration_outcomes", None)
    if pairs is None:
        pairs = cal.get("pairs")
    cities = getattr(result, "calibration_cities", None)
    if cities is None:
        cities = cal.get("cities")
    return ForecastBasis(
        pace_so_far=float(so_far),
        pace_assumed=None if assumed is None else float(assumed),
        calibration_outcomes=outcomes,
        calibration_pairs=None if pairs is None else int(pairs),
        calibration_cities=None if cities is None else int(cities),
    )


# --- figures that are not forecast, and the year in review ---------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One stated figure as the report lists it."""

    metric: str
    region: str
    year: int | None
    months: int | None
    value: float
    unit: str
    plan_pct: float | None
    yoy_pct: float | None
    quote: str | None


def _figure(row) -> Figure:
    def number(x):
        return None if pd.isna(x) else float(x)

    return Figure(
        metric=str(row.metric),
        region=str(row.region),
        year=None if pd.isna(row.year) else int(row.year),
        months=None if pd.isna(row.months) else int(row.months),
        value=float(row.value),
        unit=row.unit if isinstance(row.unit, str) else METRICS[str(row.metric)].unit if row.metric in METRICS else "",
        plan_pct=number(row.plan_pct),
        yoy_pct=number(row.yoy_pct),
        quote=row.quote if isinstance(row.quote, str) else None,
    )


def review_figures(analysis) -> list[Figure]:
    """A year-end bulletin's full-year figures of the report's region, by the catalogue's priority."""
    p = analysis.params
    if p.as_of_month != 12 or p.year is None:
        return []
    facts = analysis.dataset.facts
    rows = facts[(facts.year == p.year) & (facts.months == 12) & (facts.region == p.region)]
    rows = rows[rows.metric.isin([m for m, spec in METRICS.items() if spec.cumulative])]
    order = {m: i for i, m in enumerate(by_priority(set(rows.metric)))}
    rows = rows.drop_duplicates("metric")
    return sorted((_figure(r) for r in rows.itertuples()), key=lambda fig: order[fig.metric])


def other_figures(analysis, shown: list[str], limit: int = 24) -> list[Figure]:
    """Figures of the report's region the headline does not show: rates, rankings, stock figures, other
    periods and metrics not forecast; county figures are in the county section. When no figure is filed
    under the report's region, every figure of the bulletin (so page 1 never points at an empty table)."""
    p = analysis.params
    facts = analysis.dataset.facts
    if facts.empty:
        return []
    region = p.region or analysis.region.name
    rows = facts[facts.region == region]
    if rows.empty:
        rows = facts  # none filed under the report's region (a unit the text names otherwise): every figure
    headline = (rows.metric.isin(shown)) & (rows.year == p.year) & (rows.months == p.as_of_month)
    if p.as_of_month == 12:
        headline |= (
            rows.metric.isin([f.metric for f in review_figures(analysis)]) & (rows.year == p.year) & (rows.months == 12)
        )
    rows = rows[~headline.fillna(False)]
    rows = rows.assign(_order=[METRICS[m].priority if m in METRICS else 10**6 for m in rows.metric])
    rows = rows.sort_values(["_order", "year", "months"], na_position="last")
    return [_figure(r) for r in rows.head(limit).itertuples()]
