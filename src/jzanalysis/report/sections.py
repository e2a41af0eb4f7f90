"""The report's sections: context built from the typed figures (:mod:`.model`), words from the catalogue,
HTML from the Jinja2 templates in ``templates/``.

:class:`Report` is what the notebooks use: ``Report(analysis).parts("verdict")`` gives the HTML fragments
and figures of one section in order. Nothing here computes a figure: it formats those of
:class:`~.model.MetricFigures` and :class:`~.model.CountyComparison`.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import platform
import re
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from .. import __version__, settings
from ..metrics import METRICS
from .catalog import Catalogue
from .counties import basis_lines, basis_name, county_findings
from .model import CountyComparison, MetricFigures, county_comparison, metric_figures, verdict_key
from .notes import note_lines, unmapped_rows

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


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
td.name, th.name { white-space: nowrap; }
.cellnote { font-size: 7.5pt; color: #555; white-space: normal; }
table.methods td:first-child { white-space: nowrap; }
/* figures, years and periods stay on one line; names, metrics and quotes wrap (English names are long) */
table.facts td:not(.text) { white-space: nowrap; }
table.facts td:nth-child(4) { min-width: 8em; }
table.progress td:first-child { min-width: 8em; }
q.source { quotes: "“" "”"; }
h2.appendix { border-top: 1px solid #1f4e79; padding-top: 0.3em; }
h4 { font-size: 10.5pt; margin: 0.8em 0 0.2em 0; break-after: avoid; }
ul.findings li { margin: 0.1em 0; }
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


class Report:
    """One report's sections in one language, from an :class:`~jzanalysis.pipeline.Analysis`.

    ``language`` defaults to the analysis' parameter; county and city names, metric labels, every
    sentence and header come from the catalogue of that language.
    """

    def __init__(self, analysis, language: str | None = None):
        self.a = analysis
        self.params = analysis.params
        self.language = language or analysis.params.language
        self.c = Catalogue(self.language, analysis.region)
        self.f = self.c.fmt
        self.metrics: list[MetricFigures] = [metric_figures(analysis, m) for m in analysis.forecasts]
        self.counties: CountyComparison | None = county_comparison(analysis)

    # --- words used in several places --------------------------------------------------------------

    def t(self, key: str, **values) -> str:
        return self.c.t(key, **values)

    def t_html(self, key: str, **values) -> Markup:
        """A message as HTML: its text escaped, values that are :class:`Markup` (quoted source) kept."""
        return escape(self.c.messages[key]).format(**values)

    @staticmethod
    def quote(text: str) -> Markup:
        """Source text as the bulletin wrote it, marked as a quotation (so an English report may hold it)."""
        return Markup('<q class="source" lang="zh">') + escape(text) + Markup("</q>")

    @property
    def period(self) -> str:
        return self.f.period(self.params.as_of_month)

    @property
    def place(self) -> str:
        return self.c.place(self.params.region or self.a.region.name)

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
        else:
            base = self.t("title.report", city=self.place, year=p.year, period=self.period)
        scenario = self.scenario_text() if kind == "report" else None
        if scenario:
            base += self.t("meta.paren", text=self.t("title.scenario", what=scenario))
        return base

    def css(self, title: str) -> str:
        """The report's own styles and a page header (the title, so a scenario's pages say so)."""
        header = f"@page {{ @top-center {{ content: {_css_string(title)}; font-size: 7.5pt; color: #777; }} }}"
        return REPORT_CSS + header

    # --- head and verdict ---------------------------------------------------------------------------

    def head_html(self, kind: str = "report") -> str:
        a = self.a
        sources = self.c.join(r.source for r in a.dataset.extractions) or self.c.join(
            Path(i["path"]).name for i in a.dataset.inputs
        )
        dates = self.c.join(d.isoformat() for d in a.publication_dates) or self.t("meta.unknown")
        scenario = self.scenario_text() if kind == "report" else None
        title = self.title(kind)
        return render(
            "head",
            css=self.css(title),
            title=title,
            source_line=self.t("title.source_line", sources=sources, dates=dates),
            generated_line=self.t("title.generated_line"),
            scenario_line=self.t("title.scenario_line", what=scenario) if scenario else None,
        )

    def verdict_text(self, m: MetricFigures) -> tuple[str, str]:
        """(key, words) of a metric's verdict."""
        key = verdict_key(m.p_meet_plan)
        p = None if m.p_meet_plan is None else self.f.probability(m.p_meet_plan)
        return key, self.t(f"verdict.{key}", p=p) if p is not None else self.t(f"verdict.{key}")

    def verdict_items(self) -> list[dict]:
        items = []
        for m in self.metrics:
            key, words = self.verdict_text(m)
            fc = m.forecast
            common = dict(
                period=self.period,
                ytd=self.f.stated(m.ytd, m.unit),
                point=self.f.value(fc.point, m.unit, m.whole),
                interval=self.f.interval(fc.interval80, m.unit, m.whole),
            )
            if m.plan is not None:
                figures = self.t(
                    "verdict.figures",
                    plan=self.plan_text(m, with_unit=True),
                    pct=self.f.percent(m.pct_of_plan),
                    time=self.f.percent(m.time_months),
                    ahead=self.gap_words(m.gap),
                    **common,
                )
            else:
                figures = self.t("verdict.figures_no_plan", **common)
            items.append(
                {
                    "key": key,
                    "line": self.t("verdict.line", metric=self.c.metric(m.metric), verdict=words),
                    "figures": figures,
                }
            )
        for metric in self.a.forecast_notes:
            items.append(
                {
                    "key": "none",
                    "figures": None,
                    "line": self.t("verdict.not_forecast", metric=self.c.metric(metric), reason=self.reason(metric)),
                }
            )
        return items

    def verdict_lines(self) -> list[str]:
        lines = []
        c = self.counties
        if c is not None:
            outside = [r for r in c.rows if r.position != "inside"]
            behind = [r for r in c.rows if r.behind and r.position == "inside"]
            if outside:
                lines.append(
                    self.t("verdict.counties_uneven", names=self.c.join(self.c.place(r.name) for r in outside))
                )
            if behind:
                lines.append(self.t("verdict.counties_behind", names=self.c.join(self.c.place(r.name) for r in behind)))
            if not outside and not behind:
                lines.append(self.t("verdict.counties_even", n=len(c.rows)))
        kinds = {m.kind for m in self.metrics}
        if self.params.dispersion == 0 and "count" in kinds:
            lines.append(self.t("verdict.zero_dispersion"))
        if self.params.sigma == 0 and "amount" in kinds:
            lines.append(self.t("verdict.zero_sigma"))
        return lines

    def verdict_html(self) -> str:
        return render(
            "verdict", heading=self.t("verdict.heading"), items=self.verdict_items(), lines=self.verdict_lines()
        )

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

    # --- progress ------------------------------------------------------------------------------------

    def progress_html(self) -> str:
        f = self.f
        columns = [
            {"label": self.t("progress.col_metric"), "cls": "text"},
            {"label": self.t("progress.col_ytd", period=self.period)},
            {"label": self.t("progress.col_plan")},
            {"label": self.t("progress.col_pct")},
            {"label": self.t("progress.col_time")},
            {"label": self.t("progress.col_gap")},
            {"label": self.t("progress.col_pace_done")},
            {"label": self.t("progress.col_pace_needed")},
        ]
        rows = []
        for m in self.metrics:
            rows.append(
                [
                    self.c.metric(m.metric),
                    f.stated(m.ytd, m.unit),
                    self.plan_text(m),
                    f.percent(m.pct_of_plan),
                    f.percent(m.time_months),
                    "–" if m.gap is None else f.points(m.gap),
                    f.value(m.observed_pace, m.unit),
                    "–" if m.required_pace is None else f.value(m.required_pace, m.unit),
                ]
            )
        months = f"{self.params.as_of_month}/12 = {f.percent(self.metrics[0].time_months) if self.metrics else ''}"
        workdays = self.metrics[0].time_workdays if self.metrics else None
        note = (
            self.t("progress.note", months=months, workdays=f.percent(workdays))
            if workdays is not None
            else self.t("progress.note_no_workdays", months=months)
        )
        return render(
            "progress",
            heading=self.t("progress.heading"),
            columns=columns,
            rows=rows,
            note=note,
            working_days=self.working_days_text(),
        )

    def working_days_text(self) -> str | None:
        check = self.a.working_days_check
        if not check:
            return None
        year, month = self.params.year, self.params.as_of_month
        claimed = self.f.as_written(check["claimed"])
        checks = []
        if check.get("from_publication") is not None:
            checks.append(
                self.t(
                    "progress.wd_from_publication",
                    date=check["publication_date"].isoformat(),
                    n=check["from_publication"],
                )
            )
        after = check["after_month"].get(month)
        if after is not None and month < 12:
            checks.append(
                self.t(
                    "progress.wd_after_month", year=year, month=month + 1, n=after, month_name=self.f.month(month + 1)
                )
            )
        if check.get("exact_from"):
            checks.append(self.t("progress.wd_exact", claimed=claimed, date=check["exact_from"].isoformat()))
        return self.t_html(
            "progress.working_days",
            quote=self.quote(check["quote"]),
            claimed=claimed,
            checks="".join(checks),
            total=check["year_working_days"],
        )

    # --- forecast ------------------------------------------------------------------------------------

    def forecast_intro_html(self) -> str:
        return render("forecast_intro", heading=self.t("forecast.heading"), intro=self.t("forecast.intro"))

    def forecast_lines(self, m: MetricFigures) -> list[str]:
        f, fc = self.f, m.forecast
        lines = [
            self.t(
                "forecast.point",
                point=f.value(fc.point, m.unit, m.whole),
                interval80=f.interval(fc.interval80, m.unit, m.whole),
                interval95=f.interval(fc.interval95, m.unit, m.whole),
            )
        ]
        if m.plan is None:
            lines.append(self.t("forecast.no_plan"))
        else:
            key = "forecast.p_meet" if (fc.parameters or {}).get("plan_prior") else "forecast.p_meet_pace"
            lines.append(self.t(key, plan=self.plan_text(m), p=f.probability(fc.p_meet_plan)))
            if m.plan.source == "given":
                if m.stated_plan is not None:
                    stated = f.plan_value(
                        m.stated_plan.value,
                        (m.stated_plan.value, m.stated_plan.value)
                        if m.whole and len(m.stated_plan.candidates) == 1
                        else m.stated_plan.range,
                        m.unit,
                        True,
                    )
                    lines.append(self.t("forecast.plan_given", plan=self.plan_text(m), stated=stated))
                else:
                    lines.append(self.t("forecast.plan_given_plain", plan=self.plan_text(m)))
            lines.append(self.pace_text(m))
        updates = [u for u in m.result.updates if u.get("point") is not None]
        if updates:
            items = self.c.join(
                self.t("forecast.update_item", period=f.period(u["as_of"]), point=f.value(u["point"], m.unit, m.whole))
                for u in updates
            )
            lines.append(self.t("forecast.updates", items=items))
        return lines

    def pace_text(self, m: MetricFigures) -> str:
        f = self.f
        if m.required_pace == 0:
            return self.t("forecast.pace_done", period=self.period)
        key = "forecast.pace_below" if m.required_pace <= m.observed_pace else "forecast.pace_above"
        return self.t(
            key,
            months=m.remaining_months,
            needed=f.value(m.required_pace, m.unit),
            done=f.value(m.observed_pace, m.unit),
            period=self.period,
        )

    def forecast_metric_html(self, m: MetricFigures) -> str:
        return render("forecast_metric", heading=self.c.metric(m.metric), lines=self.forecast_lines(m))

    def progress_figure(self, m: MetricFigures):
        from ..plots.progress import progress_chart

        return progress_chart(m, self)

    # --- counties -------------------------------------------------------------------------------------

    def basis_name(self, short: bool = False) -> str:
        return basis_name(self.counties, self.c, short)

    def rank_text(self, row) -> str:
        rank = self.t("counties.rank_tied" if row.tied else "counties.rank", rank=row.rank)
        if row.rank_interval:
            return self.t("counties.rank_range", rank=rank, lo=row.rank_interval[0], hi=row.rank_interval[1])
        return rank

    def county_name(self, row) -> dict | str:
        """A county's name; the bulletin's own note on it (含华中农高区) as quoted source text in English."""
        name = self.c.place(row.name)
        if not row.note:
            return name
        return {"text": name, "cls": "text name", "note": row.note}

    def counties_context(self, heading: bool = True) -> dict:
        c, f = self.counties, self.f
        if c is None:
            return {
                "heading": self.t("counties.heading") if heading else None,
                "none": self.t("counties.none", reason=self.comparison_reason()),
            }
        unit = self.f.unit_label(c.unit)
        label = self.c.metric(c.metric)
        columns = [
            {"label": self.t("counties.col_county"), "cls": "text name"},
            {"label": self.t("counties.col_value", metric=label, unit=unit)},
            {"label": self.t("counties.col_share")},
            {"label": self.t("counties.col_ci")},
            {"label": self.t("counties.col_expected", basis=self.basis_name())},
            {"label": self.t("counties.col_ratio", basis=self.basis_name(short=True))},
            {"label": self.t("counties.col_position"), "cls": "text nowrap"},
            {"label": self.t("counties.col_rank")},
        ]
        rows = []
        for r in c.rows:
            name_cell = self.county_name(r)
            rows.append(
                [
                    name_cell,
                    f.as_written(r.value),
                    f.share(r.share_of_city),
                    f"{f.number(r.ci95[0], 1)}–{f.number(r.ci95[1], 1)}",
                    f.number(r.expected, 1),
                    f.ratio(r.ratio),
                    self.t(f"counties.position_{r.position}"),
                    self.rank_text(r),
                ]
            )
        return {
            "heading": self.t("counties.heading") if heading else None,
            "none": None,
            "intro": self.t("counties.intro") if heading else None,
            "columns": columns,
            "rows": rows,
            "notes": self.county_notes(),
            "findings": self.county_findings(),
        }

    def comparison_reason(self) -> str:
        facts = self.a.dataset.facts
        metric = self.params.compare_metric
        label = self.c.metric(metric)
        county_rows = facts[
            (facts.metric == metric)
            & (facts.region != self.a.region.name)
            & (facts.year == self.params.year)
            & (facts.months == self.params.as_of_month)
        ]
        if county_rows.region.nunique() == 1:
            return self.t("reason.one_county", metric=label)
        return self.t("reason.no_counties", metric=label)

    def county_notes(self) -> list[str]:
        c, f = self.counties, self.f
        unit = c.unit
        notes = basis_lines(c, self.c)
        if c.unassigned > 0:
            notes.append(
                self.t(
                    "counties.total_line_missing",
                    sum=f.stated(c.counties_sum, unit),
                    total=f.stated(c.city_total, unit),
                    rest=f.stated(c.unassigned, unit),
                )
            )
        else:
            notes.append(
                self.t("counties.total_line", sum=f.stated(c.counties_sum, unit), total=f.stated(c.city_total, unit))
            )
        if c.missing:
            key = "counties.missing" if c.unassigned > 0 or len(c.missing) else "counties.missing_none"
            notes.append(self.t(key, names=self.c.join(self.c.place(n) for n in c.missing)))
        return notes

    def county_findings(self) -> list[str]:
        return county_findings(self.counties, self.c)

    def counties_html(self, heading: bool = True) -> str:
        return render("counties", **self.counties_context(heading))

    def counties_after_html(self) -> str:
        c = self.counties
        if c is None:
            return ""
        lines = []
        if c.expectations_differ:
            lines.append(self.t("counties.funnel_note", basis=self.basis_name(short=True)))
        if c.batch:
            items = self.c.join(
                self.t("counties.batch_item", county=self.c.place(name), value=self.f.stated(value, c.unit))
                for name, value in c.batch
            )
            lines.append(self.t("counties.batch", items=items))
        return render("counties_after", lines=lines)

    def county_figures(self, highlight: str | None = None) -> list:
        """The dot-and-interval chart, and the funnel plot only when the expectations differ."""
        from ..plots.county import county_interval_chart, funnel_plot

        if self.counties is None:
            return []
        figures = [county_interval_chart(self.counties, self.c, highlight=highlight)]
        if self.counties.expectations_differ and highlight is None:
            figures.append(funnel_plot(self.counties, self.c))
        return figures

    # --- appendix --------------------------------------------------------------------------------------

    def methods_context(self) -> list[dict]:
        f = self.f
        out = []
        for m in self.metrics:
            unit = f.unit_label(m.unit)
            columns = [
                {"label": self.t("appendix.col_method"), "cls": "text"},
                {"label": self.t("appendix.col_point", unit=unit)},
                {"label": self.t("appendix.col_interval80")},
                {"label": self.t("appendix.col_interval95")},
                {"label": self.t("appendix.col_p")},
                {"label": self.t("appendix.col_params"), "cls": "text"},
            ]
            rows = []
            default = m.forecast.method
            ordered = sorted(m.result.methods, key=lambda x: x.method != default)
            for method in ordered:
                mark = self.t("appendix.default_mark") + " " if method.method == default else ""
                rows.append(
                    [
                        mark + self.c.method(method.method),
                        f.bare(method.point, m.unit, m.whole),
                        f.interval(method.interval80, m.unit, m.whole, with_unit=False),
                        f.interval(method.interval95, m.unit, m.whole, with_unit=False),
                        "–" if method.p_meet_plan is None else f.probability(method.p_meet_plan),
                        self.method_notes(method, m),
                    ]
                )
            notes = []
            if m.plan is not None and m.required_pace is not None:
                notes.append(
                    self.t(
                        "appendix.pace_arithmetic",
                        ytd=f.stated(m.ytd, m.unit),
                        months=m.as_of,
                        done=f.value(m.observed_pace, m.unit),
                        plan=self.plan_text(m),
                        remaining=m.remaining_months,
                        needed=f.value(m.required_pace, m.unit),
                    )
                )
            if m.prior_year is not None:
                notes.append(
                    self.t(
                        "appendix.prior_year",
                        ytd=f.stated(m.ytd, m.unit),
                        yoy=f.as_written(m.yoy_pct),
                        prior=f.value(m.prior_year, m.unit),
                    )
                )
            out.append(
                {
                    "heading": self.c.metric(m.metric),
                    "plan_line": self.plan_line(m),
                    "columns": columns,
                    "rows": rows,
                    "notes": notes,
                }
            )
        return out

    def method_notes(self, method, m: MetricFigures) -> str:
        params = method.parameters or {}
        parts = []
        if params.get("basis"):
            parts.append(self.t(f"method.basis_{params['basis']}"))
        if params.get("calibration_class"):
            key = "method.calibrated_prior" if params.get("leans_on_prior") else "method.calibrated_pairs"
            parts.append(self.t(key, n=params.get("class_pairs", 0)))
        if isinstance(params.get("plan_information_share"), (int, float)):
            parts.append(self.t("method.plan_share", share=self.f.share(params["plan_information_share"])))
        if params.get("interval"):
            parts.append(self.t("method.same_spread"))
        if params.get("dispersion_source") == "given":
            parts.append(self.t("method.spread_given"))
        weights = params.get("weights")
        if isinstance(weights, dict) and len(weights) > 1:
            parts.append(
                self.t(
                    "method.pooled",
                    items=self.c.join(f"{self.c.method(k)} {self.f.share(v)}" for k, v in weights.items()),
                )
            )
        return self.t("meta.list_sep").join(parts) if self.c.en else "，".join(parts)

    def plan_line(self, m: MetricFigures) -> str:
        f = self.f
        quote = self.quote(m.quote) if m.quote else self.t("meta.unknown")
        if m.plan is None:
            return self.t_html("appendix.no_plan_line", period=self.period, ytd=f.stated(m.ytd, m.unit), quote=quote)
        plan = m.plan
        if plan.source == "given":
            source = self.t("appendix.plan_source_given")
        else:
            lo, hi = plan.range
            scale, digits = (10, 2) if (self.c.en and m.unit == "亿元") else (1, 2 if m.whole else 1)
            rng = dict(lo=f.number(lo / scale, digits), hi=f.number(hi / scale, digits))
            if plan.pct_month not in (None, m.as_of):
                source = self.t(
                    "appendix.plan_source_implied_earlier",
                    period=f.period(plan.pct_month),
                    pct=f.as_written(plan.pct),
                    **rng,
                )
            else:
                source = self.t(
                    "appendix.plan_source_implied", ytd=f.stated(m.ytd, m.unit), pct=f.as_written(plan.pct), **rng
                )
            if m.whole:
                source += self.t("appendix.plan_source_count", value=f.as_written(plan.value))
            if plan.bulletins > 1:
                source += self.t("appendix.plan_source_narrowed", n=plan.bulletins)
        return self.t_html(
            "appendix.plan_line",
            plan=self.plan_text(m),
            source=source,
            period=self.period,
            ytd=f.stated(m.ytd, m.unit),
            quote=quote,
        )

    def parameters_context(self) -> dict:
        p, f = self.params, self.f
        rows = [
            [self.t("appendix.param_region"), self.place],
            [
                self.t("appendix.param_snapshot"),
                self.f.year_period(p.year, self.period),
            ],
            [self.t("appendix.param_metrics"), self.c.join(self.c.metric(m) for m in p.metrics)],
            [self.t("appendix.param_compare"), self.c.metric(p.compare_metric)],
            [
                self.t("appendix.param_methods"),
                self.c.join(self.c.method(m) for m in p.methods) if p.methods else self.t("appendix.param_methods_all"),
            ],
        ]
        spreads = {m.kind: (m.forecast.parameters or {}).get("dispersion") for m in self.metrics}
        default_spread = self.t("appendix.param_default_spread_one")
        rows.append(
            [
                self.t("appendix.param_dispersion"),
                f"{p.dispersion:g}"
                if p.dispersion is not None
                else default_spread + ("" if spreads.get("count") is None else f" (φ = {spreads['count']:.2f})"),
            ]
        )
        rows.append(
            [
                self.t("appendix.param_sigma"),
                f"{p.sigma:g}"
                if p.sigma is not None
                else default_spread + ("" if spreads.get("amount") is None else f" (σ = {spreads['amount']:.2f})"),
            ]
        )
        plans = self.c.join(
            f"{self.c.metric(k)} {f.plan_value(v, None, METRICS[k].unit, True)}" for k, v in p.plans.items()
        )
        rows.append([self.t("appendix.param_plans"), plans or self.t("appendix.param_plans_none")])
        rows.append(
            [
                self.t("appendix.param_county_plans"),
                Path(p.county_plans).name if p.county_plans else self.t("meta.none"),
            ]
        )
        rows.append([self.t("appendix.param_language"), self.t("appendix.param_language_value")])
        cal = next((m.result.calibration for m in self.metrics if m.result.calibration), None)
        if cal:
            rows.append(
                [
                    self.t("appendix.param_calibration"),
                    self.t(
                        "appendix.param_calibration_value",
                        pairs=cal.get("pairs", "?"),
                        cities=cal.get("cities", "?"),
                        id=cal.get("id", ""),
                    ),
                ]
            )
        columns = [{"label": "", "cls": "text"}, {"label": "", "cls": "text"}]
        return {"columns": columns, "rows": rows}

    def sources_context(self) -> list[dict]:
        out = []
        for r in self.a.dataset.extractions:
            counts: dict[str, int] = {}
            for step in r.cleaning:
                counts[step.kind] = counts.get(step.kind, 0) + 1
            if counts:
                items = self.c.join(
                    self.t(
                        "appendix.cleaning_item",
                        n=n,
                        kind=self.t(f"cleaning.{kind}") if self.c.has(f"cleaning.{kind}") else self.t("cleaning.other"),
                    )
                    for kind, n in counts.items()
                )
                cleaning = self.t("appendix.cleaning", items=items)
            else:
                cleaning = self.t("appendix.cleaning_none")
            notes, technical = note_lines(r.warnings, self.c, self.a.region)
            if technical:
                notes.append(self.t("notes.technical", n=len(technical)))
            if r.unmapped:
                notes.append(self.t("notes.unmapped", n=len(r.unmapped)))
            out.append(
                {
                    "line": self.t(
                        "appendix.source_file",
                        file=r.source,
                        date=self.f.date(r.publication_date),
                        encoding=r.encoding,
                        n=len(r.facts),
                    ),
                    "cleaning": cleaning,
                    "notes": notes,
                }
            )
        return out

    def facts_table(self, facts: pd.DataFrame, with_source: bool | None = None) -> dict | None:
        return facts_table(facts, self.c, with_source)

    def provenance_lines(self) -> list[str]:
        lines = [
            self.t(
                "appendix.provenance",
                version=__version__,
                commit=settings.git_commit(),
                python=platform.python_version(),
                when=self.generated(),
            )
        ]
        for i in self.a.dataset.inputs:
            lines.append(self.t("appendix.input", file=Path(i["path"]).name, sha=i["sha256"]))
        fixes = getattr(self.a.dataset, "corrections", None)  # the analyst's corrections file, when it has entries
        if fixes is not None and fixes.corrections.entries:
            lines.append(self.t("appendix.corrected_by_analyst", **fixes.provenance()))
        return lines

    def generated(self) -> str:
        """When or from what the report was made: a batch run names its key (the hash of every input, so the
        same inputs give the same bytes); ``SOURCE_DATE_EPOCH`` fixes the time (reproducible builds)."""
        from ..analysis_cache import run_key

        key = run_key()
        if key:
            return self.t("appendix.generated_key", fingerprint=key[:16])
        if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
            when = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.UTC)
        else:
            when = dt.datetime.now()
        return self.t("appendix.generated_at", when=when.strftime("%Y-%m-%d %H:%M"))

    def provenance_html(self) -> str:
        return (
            '<div class="provenance">'
            + "".join(f"<p>{escape(line)}</p>" for line in self.provenance_lines())
            + "</div>"
        )

    def appendix_html(self, methods: bool = True, parameters: bool = True) -> str:
        return render(
            "appendix",
            heading=self.t("appendix.heading"),
            methods=self.methods_context() if methods else [],
            methods_heading=self.t("appendix.methods_heading"),
            methods_intro=self.t("appendix.methods_intro"),
            parameters=self.parameters_context() if parameters else None,
            params_heading=self.t("appendix.params_heading"),
            sources_heading=self.t("appendix.sources_heading"),
            sources=self.sources_context(),
            facts_heading=self.t("appendix.facts_heading"),
            facts=self.facts_table(self.a.dataset.facts),
            provenance_heading=self.t("appendix.provenance_heading"),
            provenance=self.provenance_lines(),
        )

    # --- county one-pager ----------------------------------------------------------------------------

    def onepager_html(self, region: str) -> str:
        c, f = self.counties, self.f
        name = self.a.region.canonical(region)
        p = self.params
        metric = c.metric if c else p.compare_metric
        title = self.t(
            "title.county", county=self.c.place(name), year=p.year, period=self.period, metric=self.c.metric(metric)
        )
        css = render("head", css=self.css(title), title=title, source_line="", generated_line="", scenario_line=None)
        css = css.split("<h1>")[0]
        if c is None:
            return css + render(
                "onepager",
                title=title,
                none=self.t("counties.none", reason=self.comparison_reason()),
                lines=[],
                finding="",
            )
        row = next((r for r in c.rows if r.name == name), None)
        if row is None:
            return css + render(
                "onepager",
                title=title,
                lines=[],
                finding="",
                none=self.t("onepager.not_listed", county=self.c.place(name), year=p.year, period=self.period),
            )
        unit = c.unit
        ratio_ci = (
            ""
            if row.ratio_ci95 is None
            else self.t("onepager.ratio_ci", lo=f.ratio(row.ratio_ci95[0]), hi=f.ratio(row.ratio_ci95[1]))
        )
        lines = [
            self.t(
                "onepager.share",
                metric=self.c.metric(metric),
                value=f.stated(row.value, unit),
                share=f.share(row.share_of_city),
                total=f.stated(c.city_total, unit),
                ci=f"{f.number(row.ci95[0], 1)}–{f.number(row.ci95[1], 1)}",
            ),
            self.t(
                "onepager.expected",
                basis=self.basis_name(),
                expected=f.number(row.expected, 1) + f.unit(unit),
                ratio=f.ratio(row.ratio),
                ratio_ci=ratio_ci,
                position=self.t(f"counties.position_{row.position}"),
            ),
        ]
        rank_text = self.t("onepager.rank_text_tied" if row.tied else "onepager.rank_text", rank=row.rank)
        lo, hi = row.rank_interval or (row.rank, row.rank)
        lines.append(self.t("onepager.rank", n=len(c.rows), rank_text=rank_text, lo=lo, hi=hi))
        if row.on_schedule is not None:
            lines.append(
                self.t(
                    "onepager.on_schedule" if row.on_schedule else "onepager.off_schedule",
                    plan=f.value(row.plan, unit, True),
                )
            )
        findings = [line for line in self.county_findings()[1:] if line.startswith(self.c.place(name))]
        finding = findings[0] if findings else self.t("onepager.no_difference")
        return css + render("onepager", title=title, none=None, lines=lines, finding=finding)

    def onepager_facts_html(self, region: str) -> str:
        name = self.a.region.canonical(region)
        table = facts_table(self.a.dataset.facts[self.a.dataset.facts.region == name], self.c, brief=True)
        return render(
            "onepager_facts",
            heading=self.t("onepager.facts"),
            columns=table["columns"] if table else [],
            rows=table["rows"] if table else [],
        )

    # --- the data audit --------------------------------------------------------------------------------

    def audit_html(self) -> str:
        return audit_html(self.a.dataset, self.c, self.a.region)

    # --- notebook parts ----------------------------------------------------------------------------------

    def parts(self, section: str) -> list:
        """HTML strings and matplotlib figures of one section, in order (see :func:`jzanalysis.report.show`)."""
        if section == "head":
            return [self.head_html()]
        if section == "verdict":
            return [self.verdict_html()]
        if section == "progress":
            return [self.progress_html()]
        if section == "forecast":
            out: list = [self.forecast_intro_html()]
            for m in self.metrics:
                out += [
                    self.forecast_metric_html(m).split("</h3>")[0] + "</h3>",
                    self.progress_figure(m),
                    self.forecast_metric_html(m).split("</h3>", 1)[1],
                ]
            return out
        if section == "counties":
            return [self.counties_html(), *self.county_figures(), self.counties_after_html()]
        if section == "counties_page":
            return [
                self.head_html("counties"),
                self.counties_html(heading=False),
                *self.county_figures(),
                self.counties_after_html(),
            ]
        if section == "appendix":
            return [self.appendix_html()]
        if section == "appendix_data":
            return [self.appendix_html(methods=False, parameters=False)]
        if section == "audit":
            return [self.audit_html()]
        raise KeyError(f"no report section {section!r}")


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
    for r in facts.itertuples():
        spec = METRICS.get(r.metric)
        period = "?" if pd.isna(r.months) else f.period(int(r.months), spec.cumulative if spec else True)
        year = None if pd.isna(r.year) else int(r.year)
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
            "quote": _quote_cell(r.quote),
        }
        rows.append([cells[n] for n in names])
    return {"columns": columns, "rows": rows}


_FACT_CLASSES = {"source": "text", "region": "text", "metric": "text", "quote": "text quote"}


def _quote_cell(text) -> dict:
    """A table cell of source text, quoted (so an English page may hold it)."""
    return {"text": text if isinstance(text, str) else "", "quote": True, "cls": "text quote"}


def audit_html(dataset, catalogue: Catalogue, region=None) -> str:
    """The data audit: per file what was read, cleaned (with the removed text), extracted, warned and conflicting,
    and each figure read but filed under no metric ("not mapped"), with its sentence and why."""
    c, f = catalogue, catalogue.fmt
    rows = []
    for r in dataset.extractions:
        confidence = "" if r.encoding_confidence is None else f" ({r.encoding_confidence:.2f})"
        rows.append(
            [
                r.source,
                f"{r.encoding}{confidence}",
                r.sha256[:12] + "…",
                f.date(r.publication_date),
                str(len(r.facts)),
                str(len(r.cleaning)),
                str(len(r.warnings)),
                str(len(r.conflicts)),
                str(len(r.unmapped)),
            ]
        )
    summary = None
    if rows:
        summary = {
            "columns": [
                {"label": c.t(f"audit.col_{k}"), "cls": "text" if k in ("file", "encoding", "sha", "date") else ""}
                for k in ("file", "encoding", "sha", "date", "facts", "cleaning", "notes", "conflicts", "unmapped")
            ],
            "rows": rows,
        }
    conflicts = []
    for r in dataset.extractions:
        for conflict in r.conflicts:
            item = conflict if isinstance(conflict, dict) else getattr(conflict, "__dict__", {})
            metric = item.get("metric", "")
            spec = METRICS.get(metric)
            months = item.get("months")
            period = (
                f"{item.get('year', '?')} {f.period(int(months), spec.cumulative if spec else True)}" if months else ""
            )
            values = c.join(f.as_written(v) for v in item.get("values", []))
            conflicts.append(
                {
                    "text": c.t(
                        "audit.conflict_row",
                        region=c.place(item.get("region", "")),
                        metric=c.metric(metric),
                        period=period,
                        values=values,
                    ),
                    "quotes": " / ".join(item.get("quotes", [])),
                }
            )
    files = []
    for r in dataset.extractions:
        cleaning = None
        if r.cleaning:
            cleaning = {
                "columns": [
                    {"label": c.t("audit.col_line")},
                    {"label": c.t("audit.col_kind"), "cls": "text"},
                    {"label": c.t("audit.col_text"), "cls": "text"},
                ],
                "rows": [
                    [
                        str(s.line),
                        c.t(f"cleaning.{s.kind}") if c.has(f"cleaning.{s.kind}") else s.kind,
                        {"text": s.text, "quote": True, "cls": "text"},
                    ]
                    for s in r.cleaning
                ],
            }
        notes, technical = note_lines(r.warnings, c, region)
        facts = facts_table(dataset.facts[dataset.facts.source.astype(str) == str(r.source)], c, with_source=False)
        unmapped = None
        if r.unmapped:
            unmapped = {
                "columns": [
                    {"label": c.t("unmapped.col_quote"), "cls": "text quote"},
                    {"label": c.t("unmapped.col_figure")},
                    {"label": c.t("unmapped.col_reason"), "cls": "text"},
                ],
                "rows": unmapped_rows(r, c),
            }
        files.append(
            {
                "name": r.source,
                "line": c.t(
                    "appendix.source_file",
                    file=r.source,
                    date=f.date(r.publication_date),
                    encoding=r.encoding,
                    n=len(r.facts),
                ),
                "cleaning": cleaning,
                "notes": notes,
                "technical": technical,
                "facts": facts,
                "unmapped": unmapped,
            }
        )
    return render(
        "audit",
        title=c.t("title.audit"),
        summary=summary,
        nothing_read=c.t("audit.nothing_read"),
        conflicts_heading=c.t("audit.conflicts_heading"),
        conflicts=conflicts,
        conflicts_none=c.t("audit.conflicts_none"),
        files_heading=c.t("audit.files_heading"),
        files=files,
        cleaned_heading=c.t("audit.cleaned_heading"),
        technical_heading=c.t("notes.technical_audit"),
        unmapped_heading=c.t("unmapped.heading"),
    )


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def han_outside_quotes(html_text: str) -> list[str]:
    """Han characters of an HTML page outside quoted source text (``<q class="source">``, ``<code>``):
    what an English report must not have. Returns the offending snippets."""
    text = re.sub(r"<q class=\"source[^\"]*\"[^>]*>.*?</q>", " ", html_text, flags=re.S)
    text = re.sub(r"<code>.*?</code>", " ", text, flags=re.S)
    text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return [text[max(0, m.start() - 20) : m.end() + 20] for m in _HAN.finditer(text)]
