"""The county comparison of one count metric and period: :func:`compare_counties`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..calendar import BASES, check_month
from ..errors import InputError
from ..metrics import METRICS, get_metric
from ..regions import Region, infer_region
from .expected import ExpectedCounts, Snapshot, expected_counts
from .facts import one_row_per_county, what_the_data_has, with_canonical_regions
from .glm import fit_poisson_glm
from .limits import RANK_SEED, funnel_limits, funnel_position, garwood_interval, rank_intervals, spiegelhalter_phi
from .result import BatchSigning, CountyComparison, CountyRow, Homogeneity, Overdispersion, missing_units


def compare_from_facts(facts: pd.DataFrame, year: int, as_of: int, metric: str = "projects_100m", **options) -> dict:
    """:func:`compare_counties` as the JSON object of ``jzanalysis compare --json`` (its keys are a contract);
    ``options``: ``plans``, ``time_basis`` and ``region``, as there.

    Keys: ``metric``, ``city``, ``year``, ``as_of``, ``city_total``, ``counties_total``, ``counties``
    (sorted by value, largest first; ``region``, ``value`` (个), ``share``, ``ci95``, ``expected``, ``oe``,
    ``oe_ci95``, ``funnel``, ``funnel_limits``, ``rank``, ``rank_interval``, ``on_schedule``,
    ``behind_schedule_evidence``, ``plan``, ``expected_from``, ``note``), ``expected_basis`` (one of
    ``'plans × time progress (按进度)'``, ``'prior-period shares'``, ``'equal shares'``),
    ``expected_basis_code`` (``plan``, ``prior``, ``equal``), ``expected_detail``, ``homogeneity`` (``chi2``,
    ``df``, ``p``), ``glm``, ``overdispersion`` and ``context``. No words: the command line's
    ``expected_basis_zh`` and the sentences come from :func:`jzanalysis.report.comparison_words`.

    >>> from jzanalysis.schema import facts_frame
    >>> facts = facts_frame([dict(year=2015, months=7, region=r, metric="projects_100m", value=v)
    ...                      for r, v in [("公安县", 23), ("江陵县", 11), ("沙市区", 21)]])
    >>> out = compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m")
    >>> [c["region"] for c in out["counties"]], out["expected_basis"]
    (['公安县', '沙市区', '江陵县'], 'equal shares')
    """
    return compare_counties(facts, year, as_of, metric, **options).to_json()


def compare_counties(
    facts: pd.DataFrame,
    year: int,
    as_of: int,
    metric: str = "projects_100m",
    plans: pd.DataFrame | None = None,
    time_basis: str = "months",
    region: Region | None = None,
) -> CountyComparison:
    """County comparison of a count ``metric`` for January..``as_of`` of ``year``.

    ``facts``: a facts table (:func:`jzanalysis.schema.facts_frame`); ``plans``: from
    :func:`jzanalysis.plans.load_plans` or None; ``time_basis``: ``months`` | ``days`` | ``workdays``
    (time progress for plans, see :func:`jzanalysis.calendar.time_progress`); ``region``: the city (None:
    the one its region names belong to, :func:`jzanalysis.regions.infer_region`).

    >>> from jzanalysis.schema import facts_frame
    >>> facts = facts_frame([dict(year=2015, months=7, region=r, metric="projects_100m", value=v)
    ...                      for r, v in [("公安县", 23), ("江陵县", 11), ("沙市区", 21)]])
    >>> result = compare_counties(facts, year=2015, as_of=7, metric="projects_100m")
    >>> [r.name for r in result.rows], result.basis, result.homogeneity.df
    (['公安县', '沙市区', '江陵县'], 'equal', 2)
    """
    snapshot = _snapshot(facts, int(year), int(as_of), metric, time_basis, region)
    facts = with_canonical_regions(facts[facts.metric.isin([metric, "batch_signings_june"])], snapshot.region)
    counties, city_total = _counties(facts, snapshot)
    values = counties.value.to_numpy(float)
    exp = expected_counts(counties, facts, snapshot, plans, time_basis)
    od = spiegelhalter_phi(values, exp.expected)
    overdispersion = Overdispersion(od["phi"], od["phi_raw"], od["winsorised"], od["phi"] > 1)
    rows = _rows(counties, exp, overdispersion, city_total)
    listed = {r.name for r in rows}
    return CountyComparison(
        metric=metric,
        city=snapshot.region.name,
        year=snapshot.year,
        as_of=snapshot.as_of,
        city_total=city_total,
        counties_sum=float(values.sum()),
        rows=rows,
        basis=exp.basis,
        detail=exp.detail,
        homogeneity=_homogeneity(values, exp.expected),
        glm=fit_poisson_glm(values, exp.expected, list(counties.region), overdispersed=overdispersion.widened),
        overdispersion=overdispersion,
        batch=_batch_signings(facts, snapshot),
        missing=missing_units(snapshot.region, listed, float(values.sum()) < city_total - 1e-9),
    )


def _snapshot(
    facts: pd.DataFrame, year: int, as_of: int, metric: str, time_basis: str, region: Region | None
) -> Snapshot:
    """The checked arguments: a count metric, a known time basis, a month, a city."""
    if get_metric(metric).kind != "count":
        counts = ", ".join(m.id for m in METRICS.values() if m.kind == "count")
        raise InputError(
            f"county comparison needs a count metric (Poisson intervals); {metric} is "
            f"{METRICS[metric].kind} ({METRICS[metric].unit}); allowed: {counts}"
        )
    if time_basis not in BASES:
        raise InputError(f"unknown time-progress basis {time_basis!r}; allowed: {', '.join(BASES)}")
    check_month(as_of, name="as-of month")
    if region is None:
        region = infer_region(facts.region.dropna().unique())
        if region is None:
            raise InputError("the facts name no known city or county; give the city with --region NAME")
    return Snapshot(year, as_of, metric, region)


def _counties(facts: pd.DataFrame, s: Snapshot) -> tuple[pd.DataFrame, float]:
    """The counties' rows of the snapshot (whole counts, two or more, not all 0) and the city total (the
    city's own figure, else the counties' sum)."""
    current = facts[(facts.year == s.year) & (facts.months == s.as_of) & (facts.metric == s.metric)]
    counties = one_row_per_county(current, f"{s.metric} {s.year} 1-{s.as_of}月", s.region)
    if len(counties) < 2:
        raise InputError(
            f"no county figures of {s.metric} for {s.year} 1-{s.as_of}月 to compare (need at least 2 counties, "
            f"found {len(counties)}); county figures in the data: {what_the_data_has(facts, s.region)}"
        )
    values = counties.value.to_numpy(float)
    if (values < 0).any() or not np.allclose(values, np.round(values)):
        raise InputError(
            f"county figures of {s.metric} must be whole counts >= 0, got {', '.join(f'{v:g}' for v in values)}"
        )
    if values.sum() == 0:
        raise InputError(f"every county has 0 for {s.metric} {s.year} 1-{s.as_of}月: nothing to compare")
    city = current[current.region == s.region.name]
    return counties, float(city.value.iloc[0]) if not city.empty else float(values.sum())


def _homogeneity(values: np.ndarray, expected: np.ndarray) -> Homogeneity:
    """Observed against expected rescaled to the observed total, i.e. a test of shares; with plans it asks
    whether counties' progress differs, not whether the city is on schedule."""
    scaled = expected * values.sum() / expected.sum()
    chi2 = float(((values - scaled) ** 2 / scaled).sum())
    df = len(values) - 1
    return Homogeneity(chi2, df, float(stats.chi2.sf(chi2, df)))


def _rows(counties: pd.DataFrame, exp: ExpectedCounts, od: Overdispersion, city_total: float) -> tuple[CountyRow, ...]:
    """The counties, largest first; ties keep the order of the data (the bulletin's own order)."""
    values = counties.value.to_numpy(float)
    intervals = rank_intervals(values, np.random.default_rng(RANK_SEED))
    ranks = stats.rankdata(-values, method="min").astype(int)
    phi_used = od.phi if od.widened else 1.0
    rows = []
    for i, row in counties.iterrows():
        e = float(exp.expected[i])
        oe = float(values[i] / e)
        ci = garwood_interval(values[i])
        limits = funnel_limits(e, phi_used)
        plan = exp.plans[i]
        rows.append(
            CountyRow(
                name=row.region,
                value=float(values[i]),
                share=float(values[i] / values.sum()),
                share_of_city=float(values[i]) / city_total if city_total > 0 else float("nan"),
                ci95=(ci[0], ci[1]),
                expected=e,
                ratio=oe,
                ratio_ci95=(ci[0] / e, ci[1] / e),
                position=funnel_position(oe, limits),
                limits=limits,
                rank=int(ranks[i]),
                tied=int((ranks == ranks[i]).sum()) > 1,
                rank_interval=intervals[i],
                plan=plan,
                on_schedule=None if plan is None else bool(values[i] >= e),
                behind=None if plan is None else bool(ci[1] < e),
                expected_from=exp.sources[i],
                note=row.note if isinstance(row.note, str) and row.note and not pd.isna(row.note) else None,
            )
        )
    return tuple(sorted(rows, key=lambda r: -r.value))


def _batch_signings(facts: pd.DataFrame, s: Snapshot) -> tuple[BatchSigning, ...]:
    """End-of-June batch signings per county of the snapshot's year, with quotes."""
    batch = facts[
        (facts.metric == "batch_signings_june") & (facts.year == s.year) & (facts.region != s.region.name)
    ].drop_duplicates("region")
    return tuple(
        BatchSigning(r.region, float(r.value), r.quote if isinstance(r.quote, str) else None)
        for r in batch.itertuples()
    )
