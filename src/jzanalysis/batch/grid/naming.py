"""What a run is called and what the index says of it: its file stem, its page title and its headline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...run_folder import report_stem, report_title

if TYPE_CHECKING:
    from ...params import ReportParams


def run_stem(notebook: str, params: ReportParams, values: dict, run: dict) -> str:
    """The readable part of a run's name: ``county_2015_m07_江陵县``, ``counties_2015_m07_en``; a report's is
    :func:`jzanalysis.run_folder.report_stem`."""
    snapshot = f"{params.year}_m{params.as_of_month:02d}"
    language = "" if params.language == "zh" else f"_{params.language}"
    if notebook == "report.ipynb":
        return report_stem(params)  # a scenario (φ, σ, a plan) and the language say so
    if notebook == "county.ipynb":
        return f"county_{snapshot}_{params.region}{language}"
    return f"{Path(notebook).stem}_{snapshot}{language}"


def run_title(notebook: str, params: ReportParams) -> str:
    """The page title of a run's HTML (see :func:`jzanalysis.run_folder.report_title`)."""
    return report_title(notebook, params)  # in the report's language; a scenario says which


def headline(notebook: str, analysis) -> list[tuple[str, str]]:
    """The figures the index shows for a run: (label, text) pairs, the very words and rounding of the
    report itself (jzanalysis.report: the default forecast, its verdict; a county's share of the city)."""
    from ...report import Report  # pandas: only when a grid is expanded

    items: list[tuple[str, str]] = []
    if analysis is None:
        return items
    report = Report(analysis)
    c, f = report.c, report.f
    dates = [d.isoformat() for d in getattr(analysis, "publication_dates", [])]
    if dates:
        items.append((c.t("audit.col_date"), dates[-1]))
    if notebook == "report.ipynb":
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
    elif notebook == "county.ipynb" and report.counties is not None:
        row = next((r for r in report.counties.rows if r.name == analysis.params.region), None)
        if row is not None:
            items.append(
                (
                    c.metric(report.counties.metric),
                    c.t(
                        "batch_index.county_headline",
                        value=f.stated(row.value, report.counties.unit),
                        share_label=c.t("counties.col_share"),
                        share=f.share(row.share_of_city),
                        rank_label=c.t("counties.col_rank"),
                        rank=report.rank_text(row),
                    ),
                )
            )
    elif notebook == "counties.ipynb" and report.counties is not None:
        items.append((c.metric(report.counties.metric), report.county_findings()[0]))
    elif notebook == "audit.ipynb":
        dataset = analysis.dataset
        summary = c.t(
            "batch_index.audit_headline",
            files=len(dataset.extractions),
            facts=len(dataset.facts),
            warnings=len(dataset.warnings),
        )
        items.append((c.t("batch_index.audit_label"), summary))
    return items
