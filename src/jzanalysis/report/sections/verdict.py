"""Page 1: each forecast metric's verdict and what it rests on, the year-end outcomes, the year's clue."""

from __future__ import annotations

from ..model import (
    MetricFigures,
    forecast_basis,
    review_figures,
    verdict_key,
)
from .base import Section, render

#: Forecast metrics page 1 gives a box of their own besides those with a plan; the rest share a table.
HEADLINE_BOXES = 3


class VerdictSection:
    def basis_line(self, m: MetricFigures) -> str:
        """What a forecast rests on: the pace so far against the pace it assumes, and its calibration."""
        b = forecast_basis(m)
        f = self.f
        if b.pace_assumed is None:
            compare = ""
        else:
            ratio = b.pace_assumed / b.pace_so_far if b.pace_so_far > 0 else 1.0
            key = "slower" if ratio < 0.95 else "faster" if ratio > 1.05 else "same"
            compare = self.t(f"verdict.pace_{key}")
        pace = self.t(
            "verdict.pace",
            period=self.period,
            done=f.value(b.pace_so_far, m.unit),
            months=m.remaining_months,
            assumed=f.value(b.pace_assumed, m.unit) if b.pace_assumed is not None else "–",
            compare=compare,
        )
        if b.calibration_outcomes is None:
            return pace
        if b.calibration_outcomes < 5:
            cal = self.t(
                "verdict.calibration_few",
                n=b.calibration_outcomes,
                pairs=b.calibration_pairs,
                cities=b.calibration_cities,
            )
        else:
            cal = self.t(
                "verdict.calibration", n=b.calibration_outcomes, pairs=b.calibration_pairs, cities=b.calibration_cities
            )
        return pace + cal

    def verdict_text(self, m: MetricFigures) -> tuple[str, str]:
        """(key, words) of a metric's verdict."""
        key = verdict_key(m.p_meet_plan)
        p = None if m.p_meet_plan is None else self.f.probability(m.p_meet_plan)
        return key, self.t(f"verdict.{key}", p=p) if p is not None else self.t(f"verdict.{key}")

    def boxed(self) -> list[MetricFigures]:
        """The metrics page 1 gives a box of their own: those with a plan, and the first few by priority; the
        rest share one compact table (every forecast metric stays on page 1)."""
        first = {m.metric for m in self.metrics[:HEADLINE_BOXES]}
        return [m for m in self.metrics if m.plan is not None or m.metric in first]

    def verdict_table(self) -> dict | None:
        """The forecast metrics without a box of their own: one row each (figure, forecast, paces)."""
        boxed = {m.metric for m in self.boxed()}
        rest = [m for m in self.metrics if m.metric not in boxed]
        if not rest:
            return None
        f = self.f
        columns = self.metric_columns(
            "verdict.col_metric", "verdict.col_point", "verdict.col_interval", "verdict.col_pace"
        )
        rows = []
        for m in rest:
            b = forecast_basis(m)
            rows.append(
                [
                    self.c.metric(m.metric),
                    f.stated(m.ytd, m.unit),
                    f.value(m.forecast.point, m.unit, m.whole),
                    f.interval(m.forecast.interval80, m.unit, m.whole),
                    self.t(
                        "verdict.pace_cell",
                        done=f.value(b.pace_so_far, m.unit),
                        assumed="–" if b.pace_assumed is None else f.value(b.pace_assumed, m.unit),
                    ),
                ]
            )
        return {
            "intro": self.t("verdict.table_intro", n=len(rest)),
            "columns": columns,
            "rows": rows,
            "note": self.t("verdict.table_note"),
        }

    def verdict_items(self) -> list[dict]:
        items = []
        for m in self.boxed():
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
                    "basis": self.basis_line(m),
                }
            )
        for r in review_figures(self.a):
            items.append({"key": "review", "line": self.review_line(r), "figures": None, "basis": None})
        for metric in self.a.forecast_notes:
            items.append(
                {
                    "key": "none",
                    "figures": None,
                    "basis": None,
                    "line": self.t("verdict.not_forecast", metric=self.c.metric(metric), reason=self.reason(metric)),
                }
            )
        return items

    def review_line(self, r) -> str:
        """A year-end figure: the outcome, against plan and last year when the bulletin says."""
        f = self.f
        parts = [self.t("review.outcome", metric=self.c.metric(r.metric), value=f.stated(r.value, r.unit))]
        if r.plan_pct is not None:
            key = "review.plan_met" if r.plan_pct >= 100 else "review.plan_short"
            parts.append(self.t(key, pct=f.as_written(r.plan_pct)))
        if r.yoy_pct is not None:
            parts.append(self.t("review.growth", yoy=f.as_written(r.yoy_pct)))
        return self.t("meta.clause_sep").join(parts) + self.t("meta.sentence_end")

    def verdict_lines(self) -> list[str]:
        lines = []
        if self.a.dataset.facts.empty:
            lines.append(self.t("verdict.nothing_read"))
        elif not self.metrics and not self.review and not self.a.forecast_notes:
            lines.append(self.t("verdict.nothing_to_forecast"))
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
            "verdict",
            heading=self.t("verdict.heading"),
            year_line=self.year_line(),
            items=self.verdict_items(),
            table=self.verdict_table(),
            lines=self.verdict_lines(),
        )


SECTIONS = (Section("verdict", parts=lambda r: [r.verdict_html()]),)
