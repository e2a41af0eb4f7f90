"""The full-year forecast of each metric, with its chart (only with a forecast)."""

from __future__ import annotations

from ..model import (
    MetricFigures,
)
from .base import Section, render


class ForecastSection:
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
        # matplotlib and seaborn (about a second): only a report with charts needs them
        from ...plots.progress import progress_chart

        return progress_chart(m, self)


def _parts(r) -> list:
    out: list = [r.forecast_intro_html()]
    for m in r.metrics:
        html = r.forecast_metric_html(m)
        out += [html.split("</h3>")[0] + "</h3>", r.progress_figure(m), html.split("</h3>", 1)[1]]
    return out


SECTIONS = (Section("forecast", parts=_parts, applies=lambda r: bool(r.metrics)),)
