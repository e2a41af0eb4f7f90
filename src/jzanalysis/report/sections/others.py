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
            self.column("others.col_metric", "text"),
            self.column("others.col_region", "text name"),
            self.column("others.col_when", "text period"),
            self.column("others.col_value", "nowrap"),
            self.column("others.col_quote", "text quote"),
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
