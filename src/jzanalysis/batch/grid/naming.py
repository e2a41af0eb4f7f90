"""What a run is called and what the index says of it: its file stem, its page title and its headline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...notebook_registry import entry_of
from ...run_folder import notebook_stem, report_title

if TYPE_CHECKING:
    from ...params import ReportParams


def run_stem(notebook: str, params: ReportParams) -> str:
    """The readable part of a run's name: ``county_2015_m07_江陵县``, ``counties_2015_m07_en``, from the
    notebook's registry entry (:func:`jzanalysis.run_folder.notebook_stem`)."""
    return notebook_stem(notebook, params)


def run_title(notebook: str, params: ReportParams) -> str:
    """The page title of a run's HTML (see :func:`jzanalysis.run_folder.report_title`)."""
    return report_title(notebook, params)  # in the report's language; a scenario says which


def headline(notebook: str, analysis) -> list[tuple[str, str]]:
    """The figures the index shows for a run: (label, text) pairs, the very words and rounding of the
    report itself (jzanalysis.report: the default forecast, its verdict; a county's share of the city), as
    the notebook's registry entry names them (its ``headline``, a key of :data:`HEADLINES`)."""
    from ...report import Report  # pandas: only when a grid is expanded

    items: list[tuple[str, str]] = []
    if analysis is None:
        return items
    report = Report(analysis)
    dates = [d.isoformat() for d in getattr(analysis, "publication_dates", [])]
    if dates:
        items.append((report.c.t("audit.col_date"), dates[-1]))
    kind = entry_of(notebook).headline
    if kind is not None:
        items += HEADLINES[kind](report, analysis)
    return items


def forecast_headline(report, analysis) -> list[tuple[str, str]]:
    """Each metric's default forecast and its verdict against the plan."""
    c, f = report.c, report.f
    items = []
    for m in report.metrics:
        _, verdict = report.verdict_text(m)
        text = c.t(
            "batch_index.report_headline",
            period=f.period(m.as_of),
            ytd=f.stated(m.ytd, m.unit),
            verdict=verdict,
            point=f.value(m.forecast.point, m.unit, m.whole),
            interval=f.interval(m.forecast.interval80, m.unit, m.whole),
        )
        items.append((c.metric(m.metric), text))
    return items


def county_headline(report, analysis) -> list[tuple[str, str]]:
    """The county's figure, its share of the city and its rank."""
    if report.counties is None:
        return []
    row = next((r for r in report.counties.rows if r.name == analysis.params.region), None)
    if row is None:
        return []
    c, f = report.c, report.f
    text = c.t(
        "batch_index.county_headline",
        value=f.stated(row.value, report.counties.unit),
        share_label=c.t("counties.col_share"),
        share=f.share(row.share_of_city),
        rank_label=c.t("counties.col_rank"),
        rank=report.rank_text(row),
    )
    return [(c.metric(report.counties.metric), text)]


def counties_headline(report, analysis) -> list[tuple[str, str]]:
    """The first finding of the county comparison."""
    if report.counties is None:
        return []
    return [(report.c.metric(report.counties.metric), report.county_findings()[0])]


def audit_headline(report, analysis) -> list[tuple[str, str]]:
    """How many files, facts and warnings the audit covers."""
    dataset = analysis.dataset
    summary = report.c.t(
        "batch_index.audit_headline",
        files=len(dataset.extractions),
        facts=len(dataset.facts),
        warnings=len(dataset.warnings),
    )
    return [(report.c.t("batch_index.audit_label"), summary)]


#: What a registry entry's ``headline`` names (:data:`jzanalysis.notebook_registry.NOTEBOOKS`).
HEADLINES = {
    "forecast": forecast_headline,
    "county": county_headline,
    "counties": counties_headline,
    "audit": audit_headline,
}
