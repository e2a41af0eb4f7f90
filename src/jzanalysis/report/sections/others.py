"""Figures not forecast (rates, rankings, stocks, other periods), with their dates; only when there are some."""

from __future__ import annotations

from ...metrics import METRICS
from ..model import (
    other_figures,
)
from .base import Section, quote_cell, render, when


class OthersSection:
    def others_html(self) -> str:
        """Figures that are not forecast (rates, rankings, stocks, other periods), with their dates."""
        rows = other_figures(self.a, [m.metric for m in self.metrics])
        if not rows:
            return ""
        f = self.f
        columns = [
            {"label": self.t("others.col_metric"), "cls": "text"},
            {"label": self.t("others.col_region"), "cls": "text name"},
            {"label": self.t("others.col_when"), "cls": "text period"},
            {"label": self.t("others.col_value"), "cls": "nowrap"},
            {"label": self.t("others.col_quote"), "cls": "text quote"},
        ]
        body = []
        for r in rows:
            spec = METRICS.get(r.metric)
            snapshot = (self.params.year, self.params.as_of_month) if self.params.as_of_month else None
            year, period = when(self.c, spec, r.year, r.months, snapshot)
            body.append(
                [
                    self.c.metric(r.metric),
                    self.c.place(r.region),
                    f.year_period(year, period),
                    f.stated(r.value, r.unit),
                    quote_cell(r.quote),
                ]
            )
        return render(
            "others", heading=self.t("others.heading"), intro=self.t("others.intro"), columns=columns, rows=body
        )


SECTIONS = (Section("others", parts=lambda r: [r.others_html()]),)
