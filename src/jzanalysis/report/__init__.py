"""The report layer: wording and formatting only.

- :mod:`.format`: numbers, percents, units, one rounding per kind of quantity
- :mod:`.catalog` with ``catalog/zh.toml`` and ``catalog/en.toml``: every sentence and label
- :mod:`.words`: the catalogue files read; a language is one file (its ``[format]`` table: how numbers,
  units and periods are written)
- :mod:`.model`: the typed figures a report shows, built once from an analysis
- :mod:`.sections` with ``templates/*.html.j2``: the sections, rendered with Jinja2
- :mod:`.notes`: extraction notes in the report's language, and why a figure was not mapped
- :mod:`.counties`: the county comparison in words (the report, the one-pager and ``jzanalysis compare``)

A notebook does::

    from jzanalysis import report
    params = report.notebook_params(globals())       # the parameters cell's values, checked
    r = report.Report(analyse(params))
    report.show(r.parts("verdict"))
"""

from __future__ import annotations

import io
import types
from typing import Any

from ..catalog_files import messages
from ..compare import CountyComparison
from ..errors import InputError
from ..notebook_registry import kind_of
from ..params import ReportParams
from ..regions import find_region, infer_region, unit_city
from .catalog import Catalogue
from .counties import ComparisonWords, compare_json, comparison_words
from .format import Formatter
from .model import MetricFigures, county_comparison, metric_figures, verdict_key
from .sections import Report, audit_html, han_outside_quotes, render, scenario_words

__all__ = [
    "Catalogue",
    "ComparisonWords",
    "CountyComparison",
    "Formatter",
    "MetricFigures",
    "Report",
    "audit_html",
    "compare_json",
    "comparison_words",
    "county_comparison",
    "document_title",
    "file_suffix",
    "han_outside_quotes",
    "labelled_facts",
    "messages",
    "metric_figures",
    "notebook_params",
    "render",
    "show",
    "verdict_key",
]

# names a kernel has before any cell runs, and what IPython adds
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def notebook_params(namespace: dict[str, Any]):
    """The :class:`~jzanalysis.params.ReportParams` of a notebook's parameters cell (and papermill's injected
    values), checked: a name that is no parameter (a misspelling papermill only warns about) is an
    InputError naming the allowed ones; ``source = None`` is the seed bulletin.

    Call it in the cell after the parameters cell, before any other assignment.
    """
    allowed = list(ReportParams.model_fields)
    values = {}
    for name, value in namespace.items():
        if name.startswith("_") or name in _KERNEL_NAMES or isinstance(value, types.ModuleType) or callable(value):
            continue
        if name not in allowed:
            raise InputError(f"unknown notebook parameter {name!r}; allowed: {', '.join(allowed)}")
        values[name] = value
    if values.get("source") is None:
        values.pop("source", None)
    return ReportParams.build(**values)


def show(parts, width: int = 680) -> None:
    """Display a section's parts in a notebook: HTML strings as HTML, figures as PNG images (then closed,
    so the inline backend does not show them twice)."""
    # matplotlib and IPython (about a second): only a notebook shows parts
    import matplotlib.pyplot as plt
    from IPython.display import HTML, Image, display

    for part in parts:
        if isinstance(part, str):
            if part.strip():
                display(HTML(part))
            continue
        buffer = io.BytesIO()
        part.savefig(buffer, format="png", dpi=160, bbox_inches="tight")
        plt.close(part)
        display(Image(data=buffer.getvalue(), format="png", width=width))


def document_title(notebook: str, params) -> str:
    """The HTML page title of a run of ``notebook``, in the report's language: the title its registry entry
    names (:func:`jzanalysis.notebook_registry.kind_of`); a report's says the scenario."""
    kind = kind_of(notebook)
    city = unit_city(params.region)  # a district's or county's own bulletin: the title names its city beside it
    c = Catalogue(params.language, city or (find_region(params.region) if params.region else None))
    period = c.fmt.period(params.as_of_month) if params.as_of_month else ""
    place = c.place(params.region) if params.region else ""
    if kind.per_county:
        metric = c.metric(params.compare_metric)
        return c.t(kind.title, county=place, year=params.year, period=period, metric=metric)
    if city is not None:
        place = c.t("title.unit_of_city", unit=place, city=c.place(city.name))
    if kind.title != "title.report":
        return c.t(kind.title, city=place, year=params.year, period=period)
    if params.year is None or params.as_of_month is None:
        title = c.t("title.report_undated", city=place)
    elif params.as_of_month == 12:
        title = c.t("title.review", city=place, year=params.year)
    else:
        title = c.t("title.report", city=place, year=params.year, period=period)
    scenario = scenario_words(params, c)
    if kind.scenario_in_title and scenario:
        title += c.t("meta.paren", text=c.t("title.scenario", what=scenario))
    return title


def file_suffix(params) -> str:
    """What a report's file name adds for its language and scenario: ``_en``, ``_phi0.1``, ``_sigma0``,
    ``_plan-projects_100m-300`` (nothing for the regular Chinese report)."""
    parts = []
    if params.dispersion is not None:
        parts.append(f"phi{params.dispersion:g}")
    if params.sigma is not None:
        parts.append(f"sigma{params.sigma:g}")
    for metric, plan in sorted(params.plans.items()):
        parts.append(f"plan-{metric}-{plan:g}")
    if params.language != "zh":
        parts.append(params.language)
    return "".join(f"_{p}" for p in parts)


def labelled_facts(facts):
    """The facts table with each metric's Chinese and English label (``label_zh``, ``label_en``) and each
    region's English name (``region_en``) beside the ids: for an analyst's DataFrame or a spreadsheet."""
    zh, en = Catalogue("zh"), Catalogue("en")
    out = facts.copy()
    position = list(out.columns).index("metric") + 1 if "metric" in out.columns else len(out.columns)
    out.insert(position, "label_zh", [zh.metric(m) for m in facts["metric"]])
    out.insert(position + 1, "label_en", [en.metric(m) for m in facts["metric"]])
    if "region" in out.columns:
        city = infer_region(facts["region"].dropna().unique())
        names = {}
        for name in facts["region"].dropna().unique():
            region = city if city is not None and (name == city.name or city.is_unit(name)) else find_region(name)
            names[name] = Catalogue("en", region).place(name)
        out.insert(list(out.columns).index("region") + 1, "region_en", [names.get(r, "") for r in facts["region"]])
    return out
