"""What every section shares: the Jinja2 environment, the report's styles, the words and titles of
:class:`ReportBase`, the facts table and the :class:`Section` entry of the registry."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from ...compare import CountyComparison
from ...metrics import METRICS, by_priority
from ..catalog import Catalogue
from ..model import MetricFigures, county_comparisons, metric_figures

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Section:
    """One entry of the registry: its name (``Report.parts(name)``), its parts (HTML strings and figures, in
    order) and the condition under which it appears."""

    name: str
    parts: Callable[[Any], list]
    applies: Callable[[Any], bool] = lambda report: True


@functools.cache
@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context) -> str:
    """Render ``templates/<template>.html.j2`` (autoescaped)."""
    return _environment().get_template(f"{template}.html.j2").render(**context)


def _css_string(text: str) -> str:
    """A CSS string literal in which no text ends the string, the rule or the <style>: double quotes,
    backslashes, < >, line breaks and every other unprintable character as code points (``\\22 ``, ``\\a ``, ``\\3c ``).

    >>> print(_css_string('荆州市 1-7月"\\n}</style>'))
    "荆州市 1-7月\\22 \\a }\\3c /style\\3e "
    """
    return '"' + "".join(ch if ch.isprintable() and ch not in _CSS_UNSAFE else f"\\{ord(ch):x} " for ch in text) + '"'


_CSS_UNSAFE = frozenset('"\\<>')  # inside "…": what ends it, escapes, or closes the <style>


REPORT_CSS = """
.byline { color: #444; font-size: 9.5pt; }
.scenario { color: #8a3b00; font-weight: normal; border-left: 3px solid #ed7d31; padding-left: 6px; }
.verdicts { margin: 0.4em 0 0.8em 0; }
.verdict { background: #f3f7fb; border: 1px solid #c9d9ea; border-left: 5px solid #1f4e79; padding: 5px 10px;
           margin: 0 0 6px 0; break-inside: avoid; }
.verdict-exceed, .verdict-likely { border-left-color: #2e7d32; }
.verdict-even, .verdict-uncertain { border-left-color: #c58b00; }
.verdict-doubtful, .verdict-unlikely { border-left-color: #c00000; }
.verdict-line { font-size: 12pt; margin: 0.1em 0; color: #1f4e79; }
.verdict-figures { margin: 0.2em 0; }
.verdict-note { margin: 0.3em 0; }
p.note { font-size: 9pt; color: #444; }
table.progress th, table.counties th, table.methods th { white-space: normal; }
table { max-width: 100%; }
table.counties, table.progress { width: 100%; }
td.nowrap { white-space: nowrap; }
/* a chart that does not fit at the foot of a page moves to the next: kept under a third of the printable
   page, it can never leave more than that blank behind it */
@media print { img { max-height: 82mm; width: auto; max-width: 100%; } }
table.facts td.text, table.facts th.text { white-space: normal; }
td.quote { white-space: normal; min-width: 14em; }
table.unmapped td:nth-child(2) { white-space: nowrap; }
table.decisions td.text { white-space: normal; }
table.decisions td:last-child { min-width: 18em; }
td.name, th.name { white-space: nowrap; }
.cellnote { font-size: 7.5pt; color: #555; white-space: normal; }
table.methods td:first-child { white-space: nowrap; }
/* figures, years and periods stay on one line; names, metrics and quotes wrap (English names are long) */
table.facts td:not(.text) { white-space: nowrap; }
table.facts td.metric { min-width: 8em; }
table.facts td.region, table.others td.name { min-width: 4.5em; }
table.facts td.period { min-width: 3.5em; }
table.others td.quote { min-width: 12em; }
table.headline { width: 100%; }
p.verdict-year { border-left: 3px solid #c58b00; padding-left: 6px; margin: 0.2em 0 0.6em 0; }
p.verdict-basis { font-size: 9pt; color: #444; margin: 0.2em 0; }
ul.findings, ul.notes { font-size: 9pt; padding-left: 1.4em; }
li::marker { font-size: 0.9em; }
table.progress td:first-child { min-width: 8em; }
q.source { quotes: "“" "”"; }
h2.appendix { border-top: 1px solid #1f4e79; padding-top: 0.3em; }
h4 { font-size: 10.5pt; margin: 0.8em 0 0.2em 0; break-after: avoid; }
ul.findings li, ul.notes li { margin: 0.1em 0; }
code { font-size: 8pt; word-break: break-all; }
"""


def scenario_words(params, c: Catalogue) -> str | None:
    """A scenario run's φ, σ and given plans in words (None for a regular run)."""
    parts = []
    if params.dispersion is not None:
        parts.append(c.t("title.scenario_dispersion", value=f"{params.dispersion:g}"))
    if params.sigma is not None:
        parts.append(c.t("title.scenario_sigma", value=f"{params.sigma:g}"))
    for metric, plan in params.plans.items():
        parts.append(
            c.t(
                "title.scenario_plan",
                metric=c.metric(metric),
                value=c.fmt.plan_value(plan, None, METRICS[metric].unit, with_unit=True),
            )
        )
    return c.t("title.scenario_sep").join(parts) or None


class ReportBase:
    """The words, titles and figures every section uses; the sections add their own methods (mixins)."""

    def __init__(self, analysis, language: str | None = None):
        self.a = analysis
        self.params = analysis.params
        self.language = language or analysis.params.language
        self.c = Catalogue(self.language, analysis.region)
        self.f = self.c.fmt
        self.metrics: list[MetricFigures] = [metric_figures(analysis, m) for m in by_priority(analysis.forecasts)]
        self.comparisons: list[CountyComparison] = county_comparisons(analysis)
        self.counties: CountyComparison | None = self.comparisons[0] if self.comparisons else None

    def t(self, key: str, **values) -> str:
        return self.c.t(key, **values)

    def column(self, key: str, cls: str | None = None, **values) -> dict:
        """A table column labelled with the message ``key``; ``cls``: its CSS classes (``text`` for words)."""
        column = {"label": self.t(key, **values)}
        if cls is not None:
            column["cls"] = cls
        return column

    def metric_columns(self, metric_key: str, *keys: str) -> list[dict]:
        """A table of metrics' figures: the metric (labelled ``metric_key``), its figure for the period, then
        columns of numbers labelled with the messages ``keys``."""
        first = [self.column(metric_key, "text"), self.column("progress.col_ytd", period=self.period)]
        return first + [self.column(key) for key in keys]

    def t_n(self, key: str, n: int, **values) -> str:
        """A message about ``n`` things: its singular form ``<key>_one`` when n is 1 and the catalogue has one."""
        return self.c.t(f"{key}_one" if n == 1 and self.c.has(f"{key}_one") else key, n=n, **values)

    def t_html(self, key: str, **values) -> Markup:
        """A message as HTML: its text escaped, values that are :class:`Markup` (quoted source) kept."""
        return escape(self.c.messages[key]).format(**values)

    @staticmethod
    def quote(text: str) -> Markup:
        """Source text as the bulletin wrote it, marked as a quotation (so an English report may hold it)."""
        return Markup('<q class="source" lang="zh">') + escape(text) + Markup("</q>")

    @property
    def period(self) -> str:
        return self.f.period(self.params.as_of_month) if self.params.as_of_month else ""

    @property
    def review(self) -> bool:
        """A year-end bulletin: the report reviews the year instead of forecasting it."""
        return self.params.as_of_month == 12

    @property
    def place(self) -> str:
        return self.c.place(self.params.region or self.a.region.name)

    @property
    def title_place(self) -> str:
        """The place a title names: a district's or county's own bulletin names its city beside it
        (西夏区（银川市）); a city-wide bulletin names the city alone."""
        name = self.params.region or self.a.region.name
        city = self.a.region.name if self.a.region is not None else None
        if city and name != city and self.a.region.is_unit(name):
            return self.t("title.unit_of_city", unit=self.c.place(name), city=self.c.place(city))
        return self.c.place(name)

    def scenario_text(self) -> str | None:
        """What makes this run a scenario (φ, σ, plans given), in words; None for the regular report."""
        return scenario_words(self.params, self.c)

    def title(self, kind: str = "report") -> str:
        """The report's title; a scenario says which in brackets."""
        p = self.params
        if kind == "counties":
            base = self.t("title.counties", city=self.c.place(self.a.region.name), year=p.year, period=self.period)
        elif kind == "audit":
            base = self.t("title.audit")
        elif p.year is None or p.as_of_month is None:
            base = self.t("title.report_undated", city=self.title_place)
        elif self.review:
            base = self.t("title.review", city=self.title_place, year=p.year)
        else:
            base = self.t("title.report", city=self.title_place, year=p.year, period=self.period)
        scenario = self.scenario_text() if kind == "report" else None
        if scenario:
            base += self.t("meta.paren", text=self.t("title.scenario", what=scenario))
        return base

    def css(self, title: str) -> str:
        """The report's own styles and a page header (the title, so a scenario's pages say so)."""
        header = f"@page {{ @top-center {{ content: {_css_string(title)}; font-size: 7.5pt; color: #777; }} }}"
        # a Chinese header breaks between any two characters (完成计/划): kept on one line, the labels are short
        headers = (
            ""
            if self.c.en
            else "table th, table.progress th, table.counties th, table.methods th { white-space: nowrap; }"
        )
        return REPORT_CSS + headers + header

    def gap_words(self, gap: float | None) -> str:
        if gap is None:
            return ""
        shown = self.f.points(gap)
        if shown.startswith("±"):
            return self.t("verdict.level")
        return self.t("verdict.ahead" if gap > 0 else "verdict.behind", gap=shown[1:])

    def plan_text(self, m: MetricFigures, with_unit: bool = True) -> str:
        """The plan the forecast used, as precise as it is known (a given plan as given)."""
        if m.plan is None:
            return self.t("progress.no_plan")
        rounding = None if m.plan.source == "given" else m.plan.range
        if rounding is not None and m.whole and len(m.plan.candidates) == 1:
            rounding = (m.plan.value, m.plan.value)  # a count's plan: the one whole number its range allows
        return self.f.plan_value(m.plan.value, rounding, m.unit, with_unit=with_unit)

    def reason(self, metric: str) -> str:
        """Why a metric asked for has no forecast, in the catalogue's words (never the exception text)."""
        spec = METRICS[metric]
        if spec.kind not in ("count", "amount") or not spec.cumulative:
            return self.t("reason.not_forecastable")
        facts = self.a.dataset.facts
        region = self.params.region
        rows = facts[
            (facts.metric == metric)
            & (facts.region == region)
            & (facts.year == self.params.year)
            & (facts.months == self.params.as_of_month)
        ]
        if rows.empty:
            return self.t(
                "reason.no_figure",
                period=self.f.year_period(self.params.year, self.period),
            )
        return self.t("reason.other")

    def facts_table(self, facts: pd.DataFrame, with_source: bool | None = None) -> dict | None:
        return facts_table(facts, self.c, with_source)


def facts_table(facts: pd.DataFrame, c: Catalogue, with_source: bool | None = None, brief: bool = False) -> dict | None:
    """Table context of facts: period, region, metric and value in the catalogue's words, the quote as
    quoted source text. ``brief`` (a county's one-pager): the metric, the period with its year, the value
    and the quote only."""
    if facts.empty:
        return None
    f = c.fmt
    labels = {
        "source": c.t("appendix.col_source"),
        "year": c.t("appendix.col_year"),
        "period": c.t("appendix.col_period"),
        "region": c.t("appendix.col_region"),
        "metric": c.t("appendix.col_metric"),
        "value": c.t("appendix.col_value"),
        "plan_pct": c.t("appendix.col_plan_pct"),
        "yoy": c.t("appendix.col_yoy"),
        "quote": c.t("appendix.col_quote"),
    }
    if brief:
        names = ("metric", "period", "value", "quote")
    else:
        with_source = facts.source.nunique() > 1 if with_source is None else with_source
        names = ("source",) * bool(with_source) + ("year", "period", "region", "metric", "value", "plan_pct", "yoy")
        names += ("quote",)
    columns = [{"label": labels[n], "cls": _FACT_CLASSES.get(n, "")} for n in names]
    rows = []
    snapshots = bulletin_snapshots(facts)
    for r in facts.itertuples():
        spec = METRICS.get(r.metric)
        year = None if pd.isna(r.year) else int(r.year)
        months = None if pd.isna(r.months) else int(r.months)
        year, period = when(c, spec, year, months, snapshots.get(str(r.source)))
        qualifier = {"approx": c.t("appendix.approx"), "more_than": c.t("appendix.more_than")}.get(
            r.qualifier if isinstance(r.qualifier, str) else "", ""
        )
        cells = {
            "source": str(r.source),
            "year": "?" if year is None else str(year),
            "period": f.year_period(year, period) if brief else period,
            "region": c.place(r.region),
            "metric": c.metric(r.metric),
            "value": qualifier + f.stated(r.value, r.unit if isinstance(r.unit, str) else ""),
            "plan_pct": "" if pd.isna(r.plan_pct) else f.as_written(r.plan_pct) + "%",
            "yoy": "" if pd.isna(r.yoy_pct) else f.as_written(r.yoy_pct) + "%",
            "quote": quote_cell(r.quote),
        }
        marks = []
        if _true(getattr(r, "to_confirm", None)):
            marks.append(c.t("appendix.to_confirm"))
        correction = getattr(r, "correction", None)
        if isinstance(correction, str) and correction.strip():
            marks += correction_words(c, correction)
        if marks:
            cells["value"] = {"text": cells["value"], "cls": "", "note": " ".join(marks), "plain_note": True}
        rows.append([cells[n] for n in names])
    return {"columns": columns, "rows": rows}


def bulletin_snapshots(facts: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Each bulletin's own January..M (the latest dated running total it states): the date of its stock figures."""
    out: dict[str, tuple[int, int]] = {}
    cumulative = [m for m, spec in METRICS.items() if spec.cumulative]
    rows = facts[facts.metric.isin(cumulative) & facts.year.notna() & facts.months.notna()]
    for source, group in rows.groupby(rows.source.astype(str)):
        latest = group.sort_values(["year", "months"]).iloc[-1]
        out[str(source)] = (int(latest.year), int(latest.months))
    return out


def when(c: Catalogue, spec, year: int | None, months: int | None, snapshot: tuple[int, int] | None):
    """(year, period) of a figure as a table shows them. A stock figure (a rate, a count of projects started
    or in production, a number of teams) is no full-year flow: of the bulletin's own year it is as of the
    bulletin's month ("2015, as of Jul"); tagged with another year (开工率 of the projects of 2014, 去年的99个)
    its date is what its sentence says, and the table says so instead of "2014 full year"."""
    f = c.fmt
    cumulative = spec.cumulative if spec else True
    if cumulative or snapshot is None or snapshot[1] >= 12:
        return year, "?" if months is None else f.period(months, cumulative)
    if year is not None and year != snapshot[0]:
        return year, c.t("appendix.stock_dated_by_text")
    return snapshot[0], c.t("appendix.stock_as_of", period=f.month(snapshot[1]))


#: facts columns a correction names → the appendix's column label of it
_CORRECTED_FIELDS = {"yoy_pct": "yoy"}


def correction_words(c: Catalogue, text: str) -> list[str]:
    """The ``correction`` column of a fact (``accepted``; ``corrected: value 798 → 789, yoy_pct – → 31.3``;
    several joined by ``; ``) in the catalogue's words: the analyst confirmed it, or changed which fields."""
    out = []
    for item in (part.strip() for part in text.split(";")):
        if item == "accepted":
            out.append(c.t("appendix.accepted"))
        elif item.startswith("corrected:"):
            changes = []
            for change in item.removeprefix("corrected:").split(","):
                name, _, rest = change.strip().partition(" ")
                key = f"appendix.col_{_CORRECTED_FIELDS.get(name, name)}"
                changes.append(f"{c.t(key) if c.has(key) else name} {rest}".strip())
            out.append(c.t("appendix.correction", text=c.t("meta.list_sep").join(changes)))
        elif item:
            out.append(c.t("appendix.correction", text=item))
    return out


def _true(value) -> bool:
    """A flag column's value (bool, 1, "true", "yes"); missing values are false."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return False
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y")
    return bool(value)


_FACT_CLASSES = {
    "source": "text",
    "period": "text period",
    "region": "text region",
    "metric": "text metric",
    "quote": "text quote",
}


def quote_cell(text) -> dict:
    """A table cell of source text, quoted (so an English page may hold it)."""
    return {"text": text if isinstance(text, str) else "", "quote": True, "cls": "text quote"}


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def han_outside_quotes(html_text: str) -> list[str]:
    """Han characters of an HTML page outside quoted source text (``<q class="source">``, ``<code>``):
    what an English report must not have. Returns the offending snippets."""
    text = re.sub(r"<q class=\"source[^\"]*\"[^>]*>.*?</q>", " ", html_text, flags=re.S)
    text = re.sub(r"<code>.*?</code>", " ", text, flags=re.S)
    text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in _HAN.finditer(text)]
