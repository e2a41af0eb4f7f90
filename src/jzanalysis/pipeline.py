"""The whole analysis for one report run: load → derive → forecast → compare.

The notebooks call :func:`analyse` and render its parts; the CLI calls it before starting a kernel so
bad input fails fast. Everything numeric the report shows is computed here or below, never in a
notebook cell.

What a report shows follows what the bulletin holds: every forecastable metric with a figure for the
snapshot (ordered by the metric catalogue's priority), a county comparison for each metric two or more
units report, and a year-in-review instead of a forecast when the latest figures cover the whole year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import analysis_cache
from .compare import CountyComparison, compare_counties
from .dataset import Dataset, load_bulletins
from .errors import InputError
from .forecast import forecast_result_from_facts
from .forecast.result import ForecastResult
from .metrics import FORECASTABLE, METRICS, by_priority
from .params import ReportParams
from .plans import load_plans
from .progress import derived_table, working_days_left_check
from .regions import Region, city_named

#: How the report's year was found: written in the text, taken from the publication date (a weaker clue:
#: a repost or a late publication may carry another year), given with --year, or none (no figure read).
YEAR_BASES = ("text", "publication", "given", "none")


@dataclass
class Hindcast:
    """The forecast an earlier bulletin of the year would have given, against the year's outcome."""

    metric: str
    as_of: int
    ytd: float
    point: float
    interval80: tuple[float, float]
    outcome: float

    @property
    def inside80(self) -> bool:
        return self.interval80[0] <= self.outcome <= self.interval80[1]

    @property
    def error_pct(self) -> float:
        """Point minus outcome, in percent of the outcome."""
        return (self.point - self.outcome) / self.outcome * 100 if self.outcome else float("nan")


@dataclass
class Analysis:
    """Everything a report shows, computed from one parameter set."""

    params: ReportParams  # year, as_of_month and region resolved (region: the city or one of its units)
    dataset: Dataset
    region: Region  # the city the report is about
    derived: pd.DataFrame
    forecasts: dict[
        str, ForecastResult
    ]  # metric id → typed forecast (``to_dict()`` is the JSON of jzanalysis.forecast)
    forecast_notes: dict[str, str]  # metric id → why it has no forecast (no figure, no plan)
    comparison_note: str | None = None  # why there is no county comparison
    working_days_check: dict | None = None
    publication_dates: list[dt.date] = field(default_factory=list)
    # metric id → county comparison (a metric two or more units report), the compare metric's first
    comparisons: dict[str, CountyComparison] = field(default_factory=dict)
    year_basis: str = "text"  # one of YEAR_BASES
    years_written: tuple[int, ...] = ()  # the years the bulletins write ("2019年"), for what the year rests on
    hindcasts: dict[str, list[Hindcast]] = field(default_factory=dict)  # year in review: metric → earlier forecasts

    @property
    def comparison(self) -> dict | None:
        """The first county comparison (the compare metric's when it has one) as its JSON object
        (``jzanalysis compare --json``); None when the data has no county figures."""
        first = next(iter(self.comparisons.values()), None)
        return None if first is None else first.to_json()

    @property
    def review(self) -> bool:
        """A year-end bulletin: the figures cover the whole year, so the report reviews it instead of forecasting."""
        return self.params.as_of_month == 12

    @property
    def empty(self) -> bool:
        """The bulletin gave no figure the extractor reads."""
        return self.dataset.facts.empty


def home_region(dataset: Dataset, city: Region) -> str:
    """The unit a bulletin of one district or zone is about (its facts carry that unit), else the city."""
    facts = dataset.facts
    homes = {r.city.home_unit for r in dataset.extractions if r.city is not None and r.city.home_unit}
    if len(homes) == 1:
        home = homes.pop()
        if home in set(facts.region.dropna()) or not (facts.region == city.name).any():
            return home
    if not facts.empty and not (facts.region == city.name).any() and facts.region.nunique() == 1:
        return str(facts.region.iloc[0])  # a single unit's figures only
    return city.name


def _usable(facts: pd.DataFrame, region: str) -> pd.DataFrame:
    """Facts of ``region`` with a period."""
    return facts[(facts.region == region) & facts.months.notna()]


def year_clues(dataset: Dataset) -> tuple[int | None, str]:
    """(year, basis) when the facts carry no year: the publication date's year, a weak clue (a mirror's
    repost may carry it), or (None, "none")."""
    dates = sorted({r.publication_date for r in dataset.extractions if r.publication_date})
    if dates:
        return dates[-1].year, "publication"
    return None, "none"


def year_written(dataset: Dataset, year: int) -> str:
    """What a year the facts carry rests on: ``text`` when some bulletin writes it ("2015年"), else
    ``publication`` when it is a publication date's year (the extractor reads 今年 as that year; a mirror's
    repost date makes it a weak clue), else ``text`` (a year the extractor found some other way)."""
    if year in years_written(dataset):
        return "text"
    if any(r.publication_date is not None and r.publication_date.year == year for r in dataset.extractions):
        return "publication"
    return "text"


def years_written(dataset: Dataset) -> tuple[int, ...]:
    """The years the bulletins write as years ("2019年"), in order: a year taken from a publication date
    beside them is the year of figures whose own year the text leaves unwritten.

    >>> from types import SimpleNamespace as N
    >>> years_written(N(extractions=[N(text="2019年,全市引进项目86个。一季度7个。2019年度…")]))
    (2019,)
    """
    found = {int(m) for r in dataset.extractions for m in _YEAR_WRITTEN_RE.findall(r.text or "")}
    return tuple(sorted(found))


_YEAR_WRITTEN_RE = re.compile(r"(?<!\d)((?:19[89]|20\d)\d)年")


NO_YEAR = (
    "the text states no year (looked for a year at its period, 今年 with a publication date, a year in its "
    "title, a publication date); pass --year YYYY"
)


def resolve_snapshot(params: ReportParams, dataset: Dataset, city_level: bool = False) -> tuple[ReportParams, str]:
    """Fill in the region (the data's city, or the one unit a district's bulletin is about), the year and
    as_of_month (the latest January..M figure, forecastable metrics first), and say what the year rests on."""
    city = dataset.require_region()
    if params.region:
        region_name = city.canonical(params.region)
    else:
        region_name = city.name if city_level else home_region(dataset, city)
    params = params.model_copy(update={"region": region_name})
    facts = dataset.facts
    rows = _usable(facts, city.name if city_level else region_name)
    if rows.empty:
        rows = facts[facts.months.notna()]
    year, as_of = params.year, params.as_of_month
    basis = "given" if year is not None else "text"
    if year is None:
        known = rows[rows.year.notna()]
        if not known.empty:
            forecastable = known[known.metric.isin(FORECASTABLE)]
            pick = forecastable if not forecastable.empty else known
            year = int(pick.year.max())
            basis = year_written(dataset, year)
        else:
            year, basis = year_clues(dataset)
            if year is None and not facts.empty:
                raise InputError(NO_YEAR)  # figures without a year; a text with none at all still gets its report
    if as_of is None and year is not None and not rows.empty:
        this_year = rows[(rows.year == year) | rows.year.isna()]
        if this_year.empty:
            raise InputError(f"the data has no figure of {year} for {region_name}; pass --year with one it has")
        cumulative = this_year[this_year.metric.isin(FORECASTABLE)]
        pick = cumulative if not cumulative.empty else this_year
        as_of = int(pick.months.max())
    return params.model_copy(update={"year": year, "as_of_month": as_of}), basis


def _with_year(dataset: Dataset, year: int | None, basis: str) -> Dataset:
    """The facts without a year are the bulletin's own year when the year came from a clue or --year."""
    facts = dataset.facts
    if year is None or basis not in ("publication", "given") or not facts.year.isna().any():
        return dataset
    facts = facts.copy()
    facts["year"] = facts["year"].fillna(year)
    dataset.facts = facts
    return dataset


def _check_snapshot(facts: pd.DataFrame, year: int, as_of: int, region: str) -> None:
    """A January..M asked for with --as-of that the data has no figure of is a bad request: say what it has."""
    rows = facts[(facts.region == region) & facts.year.notna() & facts.months.notna()]
    if ((rows.year == year) & (rows.months == as_of)).any():
        return
    snaps = sorted({(int(y), int(m)) for y, m in zip(rows.year, rows.months)})
    have = ", ".join(f"{y} 1-{m}月" for y, m in snaps) or "no dated figure"
    raise InputError(f"no figure for {region} {year} 1-{as_of}月; the data has {have}")


def forecast_metrics(params: ReportParams, facts: pd.DataFrame) -> list[str]:
    """The metrics to forecast: those asked for, else every forecastable metric with a figure for the
    snapshot, in the catalogue's priority order."""
    if params.metrics:
        return list(params.metrics)
    rows = facts[(facts.year == params.year) & (facts.months == params.as_of_month) & (facts.region == params.region)]
    return by_priority({m for m in rows.metric.dropna() if m in FORECASTABLE})


def compare_metrics(params: ReportParams, facts: pd.DataFrame, city: Region) -> list[str]:
    """Metrics two or more county-level units report for the snapshot (count metrics: the comparison is of
    counts), the compare metric first when it is one of them, then by priority."""
    rows = facts[
        (facts.year == params.year)
        & (facts.months == params.as_of_month)
        & (facts.region != city.name)
        & facts.region.notna()
    ]
    out = []
    for metric, group in rows.groupby("metric"):
        spec = METRICS.get(str(metric))
        if spec is not None and spec.kind == "count" and spec.cumulative and group.region.nunique() >= 2:
            out.append(str(metric))
    ordered = by_priority(out)
    if params.compare_metric in ordered:
        ordered.remove(params.compare_metric)
        ordered.insert(0, params.compare_metric)
    return ordered


def hindcasts(facts: pd.DataFrame, params: ReportParams, metric: str) -> list[Hindcast]:
    """For a year-end figure: the forecast each earlier bulletin of that year gives, against the outcome."""
    rows = facts[(facts.metric == metric) & (facts.region == params.region) & (facts.year == params.year)]
    outcome_rows = rows[rows.months == 12]
    if outcome_rows.empty:
        return []
    outcome = float(outcome_rows.value.iloc[0])
    out = []
    for month in sorted({int(m) for m in rows.months.dropna() if 1 <= int(m) <= 11}):
        earlier = facts[~((facts.year == params.year) & (facts.months > month))]
        try:
            result = forecast_result_from_facts(
                earlier, year=params.year, as_of=month, metric=metric, region=params.region
            )
        except InputError:
            continue
        fc = result.forecast
        out.append(
            Hindcast(
                metric=metric,
                as_of=month,
                ytd=result.ytd,
                point=fc.point,
                interval80=(fc.interval80[0], fc.interval80[1]),
                outcome=outcome,
            )
        )
    return out


def analyse(params: ReportParams, *, forecast: bool = True) -> Analysis:
    """Load the bulletins named by ``params`` and compute every table of the report.

    ``forecast=False`` skips the forecasts (county one-pagers and the data audit need none, and a
    county's figures rarely state a percent of plan).
    """
    cached = analysis_cache.load(params, forecast)  # a batch computed it once for every notebook
    if cached is not None:
        return cached

    given_snapshot = params.as_of_month is not None
    dataset = load_bulletins([Path(params.source)], city_named(params.region), params.corrections)
    params, basis = resolve_snapshot(params, dataset, city_level=not forecast)
    if basis == "given" and not dataset.facts.year.isna().any():
        basis = "text"  # --year for a text that writes its year: nothing to declare
    dataset = _with_year(dataset, params.year, basis)
    region = dataset.require_region()
    year, as_of = params.year, params.as_of_month
    facts = dataset.facts

    forecasts, forecast_notes, history = _forecasts(params, facts) if forecast else ({}, {}, {})
    if forecast and not forecasts and as_of != 12 and forecast_notes and params.metrics:
        raise InputError(next(iter(forecast_notes.values())))  # the metrics asked for have no figure at all
    if given_snapshot and year is not None and as_of is not None and not facts.empty:
        _check_snapshot(facts, year, as_of, params.region)
    comparisons, comparison_note = _comparisons(params, facts, region)
    dates = sorted({r.publication_date for r in dataset.extractions if r.publication_date})
    derived = (
        derived_table(facts, year, as_of, params.region) if year is not None and as_of is not None else pd.DataFrame()
    )
    return Analysis(
        params=params,
        dataset=dataset,
        region=region,
        derived=derived,
        forecasts=forecasts,
        forecast_notes=forecast_notes,
        comparison_note=comparison_note,
        working_days_check=_working_days_check(facts, year, dates),
        publication_dates=dates,
        comparisons=comparisons,
        year_basis=basis,
        years_written=years_written(dataset),
        hindcasts=history,
    )


def _forecasts(
    params: ReportParams, facts: pd.DataFrame
) -> tuple[dict[str, ForecastResult], dict[str, str], dict[str, list[Hindcast]]]:
    """The forecast of each metric of the snapshot (a year-end snapshot: the earlier bulletins' forecasts
    against the outcome instead), and why a metric has none."""
    year, as_of = params.year, params.as_of_month
    forecasts: dict[str, ForecastResult] = {}
    notes: dict[str, str] = {}
    history: dict[str, list[Hindcast]] = {}
    if year is None or as_of is None:
        return forecasts, notes, history
    for metric in forecast_metrics(params, facts):
        if as_of == 12:
            history[metric] = hindcasts(facts, params, metric)
            continue
        try:
            forecasts[metric] = forecast_result_from_facts(
                facts,
                year=year,
                as_of=as_of,
                metric=metric,
                region=params.region,
                plan=params.plans.get(metric),
                methods=list(params.methods) if params.methods else None,
                dispersion=params.dispersion,
                sigma=params.sigma,
            )
        except InputError as exc:
            # A metric the bulletin does not support (no figure, no plan) is said in the report.
            notes[metric] = str(exc)
    return forecasts, notes, history


def _comparisons(
    params: ReportParams, facts: pd.DataFrame, region: Region
) -> tuple[dict[str, CountyComparison], str | None]:
    """A county comparison of each metric two or more units report (the compare metric's first), and why
    there is none when there is none."""
    county_plans = load_plans(params.county_plans, region) if params.county_plans else None
    comparisons: dict[str, CountyComparison] = {}
    notes: list[str] = []
    if params.year is not None and params.as_of_month is not None:
        for metric in compare_metrics(params, facts, region):
            try:
                comparisons[metric] = compare_counties(
                    facts, params.year, params.as_of_month, metric, plans=county_plans, region=region
                )
            except InputError as exc:
                # A bulletin without county figures still gets its report; it says why there is no comparison.
                notes.append(str(exc))
    note = None if comparisons else (notes[0] if notes else "no county figures")
    return comparisons, note


def _working_days_check(facts: pd.DataFrame, year: int | None, dates: list[dt.date]) -> dict | None:
    """The bulletin's "N working days left" claim checked against the official calendar, with its quote."""
    claims = facts[(facts.metric == "working_days_left_claim") & (facts.year == year)]
    if claims.empty or year is None:
        return None
    check = working_days_left_check(year, float(claims.value.iloc[0]), dates[-1] if dates else None)
    check["quote"] = claims["quote"].iloc[0]
    return check
