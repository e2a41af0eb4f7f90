"""The whole analysis for one report run: load → derive → forecast → compare.

The notebooks call :func:`analyse` and render its parts; the CLI calls it before starting a kernel so
bad input fails fast. Everything numeric the report shows is computed here or below, never in a
notebook cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .dataset import Dataset, load_bulletins
from .errors import InputError
from .forecast.result import ForecastResult
from .params import ReportParams
from .progress import derived_table, working_days_left_check
from .regions import Region, city_named


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
    comparison: dict | None  # county comparison JSON object, None when the data has no county figures
    comparison_note: str | None = None  # why there is no comparison
    working_days_check: dict | None = None
    publication_dates: list[dt.date] = field(default_factory=list)


def resolve_snapshot(params: ReportParams, dataset: Dataset, city_level: bool = False) -> ReportParams:
    """Fill in the region (the data's city), year and as_of_month (the latest figure of the first metric)."""
    city = dataset.require_region()
    region_name = city.canonical(params.region) if params.region else city.name
    params = params.model_copy(update={"region": region_name})
    year, as_of = params.year, params.as_of_month
    if year is None or as_of is None:
        region = city.name if city_level else params.region
        latest_year, latest_month = dataset.latest_snapshot(params.metrics[0], region)
        year = year or latest_year
        if as_of is None:
            if latest_month >= 12:
                raise InputError(
                    f"the latest {params.metrics[0]} figure covers all of {year}: nothing to forecast; pass --as-of 1..11"
                )
            as_of = latest_month
    return params.model_copy(update={"year": year, "as_of_month": as_of})


def analyse(params: ReportParams, *, forecast: bool = True) -> Analysis:
    """Load the bulletins named by ``params`` and compute every table of the report.

    ``forecast=False`` skips the forecasts (county one-pagers and the data audit need none, and a
    county's figures rarely state a percent of plan).
    """
    from . import analysis_cache

    cached = analysis_cache.load(params, forecast)  # a batch computed it once for every notebook
    if cached is not None:
        return cached
    from .compare import compare_from_facts
    from .forecast import forecast_result_from_facts
    from .plans import load_plans

    dataset = load_bulletins([Path(params.source)], city_named(params.region), params.corrections)
    params = resolve_snapshot(params, dataset, city_level=not forecast)
    region = dataset.require_region()
    year, as_of = params.year, params.as_of_month
    facts = dataset.facts

    forecasts: dict[str, ForecastResult] = {}
    forecast_notes: dict[str, str] = {}
    for metric in params.metrics if forecast else ():
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
            # One metric the bulletin does not support (no figure, no plan) is said in the report; a
            # report with no forecast at all is a bad request and fails with that reason.
            forecast_notes[metric] = str(exc)
    if forecast and not forecasts:
        raise InputError(next(iter(forecast_notes.values())))

    county_plans = load_plans(params.county_plans, region) if params.county_plans else None
    comparison, comparison_note = None, None
    try:
        comparison = compare_from_facts(
            facts, year=year, as_of=as_of, metric=params.compare_metric, plans=county_plans, region=region
        )
    except InputError as exc:
        # A bulletin without county figures still gets its forecast; the report says why the county
        # section is empty instead of failing the whole run.
        comparison_note = str(exc)

    dates = sorted({r.publication_date for r in dataset.extractions if r.publication_date})
    claims = facts[(facts.metric == "working_days_left_claim") & (facts.year == year)]
    check = None
    if not claims.empty:
        check = working_days_left_check(year, float(claims.value.iloc[0]), dates[-1] if dates else None)
        check["quote"] = claims["quote"].iloc[0]
    return Analysis(
        params=params,
        dataset=dataset,
        region=region,
        derived=derived_table(facts, year, as_of, params.region),
        forecasts=forecasts,
        forecast_notes=forecast_notes,
        comparison=comparison,
        comparison_note=comparison_note,
        working_days_check=check,
        publication_dates=dates,
    )
