"""The appendix: methods, parameters, sources and cleaning, every figure with its sentence, provenance."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

from markupsafe import escape

from ... import __version__, settings
from ...analysis_cache import run_key
from ...metrics import METRICS
from ..model import (
    MetricFigures,
)
from ..notes import note_lines
from .base import Section, render


class AppendixSection:
    def methods_context(self) -> list[dict]:
        f = self.f
        out = []
        for m in self.metrics:
            unit = f.unit_label(m.unit)
            columns = [
                self.column("appendix.col_method", "text"),
                {"label": self.t("appendix.col_point", unit=unit)},
                self.column("appendix.col_interval80"),
                self.column("appendix.col_interval95"),
                self.column("appendix.col_p"),
                self.column("appendix.col_params", "text"),
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
        if params.get("basis") and self.c.has(f"method.basis_{params['basis']}"):
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
        return self.t("meta.clause_sep").join(parts)

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
            (lo, extra), (hi, _) = f.scaled(lo, m.unit), f.scaled(hi, m.unit)
            digits = (2 if m.whole else 1) + extra
            rng = dict(lo=f.number(lo, digits), hi=f.number(hi, digits), unit=f.unit(m.unit))
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

    def parameters_context(self, methods_letter: str | None = None) -> dict:
        """The run's parameters; the forecast's (metrics, methods, φ, σ) only when something was forecast, else
        one line saying why nothing was. ``methods_letter``: the appendix part that lists the methods."""
        p, f = self.params, self.f
        rows = [
            [self.t("appendix.param_region"), self.place],
            [
                self.t("appendix.param_snapshot"),
                self.f.year_period(p.year, self.period),
            ],
            [
                self.t("appendix.param_compare"),
                self.c.join(self.c.metric(c.metric) for c in self.comparisons) or self.t("meta.none"),
            ],
        ]
        if self.metrics:
            self.forecast_parameter_rows(rows, methods_letter)
        else:
            key = "appendix.param_no_forecast_review" if self.review else "appendix.param_no_forecast"
            rows.append([self.t("appendix.param_forecast"), self.t(key)])
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

    def forecast_parameter_rows(self, rows: list, methods_letter: str | None) -> None:
        """The rows of the forecast's own parameters: metrics asked for, methods, φ and σ."""
        p = self.params
        rows.insert(
            2,
            [
                self.t("appendix.param_metrics"),
                self.c.join(self.c.metric(m) for m in p.metrics) if p.metrics else self.t("appendix.param_metrics_all"),
            ],
        )
        if p.methods:
            methods = self.c.join(self.c.method(m) for m in p.methods)
        elif methods_letter:
            methods = self.t("appendix.param_methods_all", part=methods_letter)
        else:
            methods = self.t("appendix.param_methods_every")
        rows.append([self.t("appendix.param_methods"), methods])
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
            notes, technical = note_lines(r.notes, self.c, self.a.region)
            if technical:
                notes.append(self.t_n("notes.technical", len(technical)))
            if r.unmapped:
                notes.append(self.t_n("notes.unmapped", len(r.unmapped)))
            out.append(
                {
                    "line": self.t_n(
                        "appendix.source_file",
                        len(r.facts),
                        file=r.source,
                        date=self.f.date(r.publication_date),
                        encoding=r.encoding,
                    ),
                    "cleaning": cleaning,
                    "notes": notes,
                }
            )
        return out

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
        method_items = self.methods_context() if methods else []
        parameter_rows = self.parameters_context("A" if method_items else None) if parameters else None
        facts = self.facts_table(self.a.dataset.facts)
        # the parts present are lettered A, B, C… in order (a year-end review has no forecast methods)
        present = [
            ("methods", bool(method_items)),
            ("params", parameter_rows is not None),
            ("sources", True),
            ("facts", facts is not None),
            ("provenance", True),
        ]
        letters = iter("ABCDEFG")
        headings = {
            key: f"{next(letters)}. " + re.sub(r"^[A-Z]\.\s*", "", self.t(f"appendix.{key}_heading"))
            for key, shown in present
            if shown
        }
        return render(
            "appendix",
            heading=self.t("appendix.heading"),
            methods=method_items,
            methods_heading=headings.get("methods", ""),
            methods_intro=self.t("appendix.methods_intro"),
            parameters=parameter_rows,
            params_heading=headings.get("params", ""),
            sources_heading=headings["sources"],
            sources=self.sources_context(),
            facts_heading=headings.get("facts", ""),
            facts=facts,
            provenance_heading=headings["provenance"],
            provenance=self.provenance_lines(),
        )


SECTIONS = (
    Section("appendix", parts=lambda r: [r.appendix_html()]),
    Section("appendix_data", parts=lambda r: [r.appendix_html(methods=False, parameters=False)]),
)
