"""The year in review: a year-end bulletin's outcomes, and earlier bulletins' forecasts against them."""

from __future__ import annotations

from ...metrics import METRICS
from ..model import (
    review_figures,
)
from .base import Section, render


class ReviewSection:
    def review_html(self) -> str:
        """A year-end bulletin: the outcome of each figure, and how earlier bulletins' forecasts fared."""
        if not self.review:
            return ""
        f = self.f
        figures = review_figures(self.a)
        columns = [
            self.column("review.col_metric", "text"),
            self.column("review.col_outcome", "nowrap"),
            self.column("review.col_plan_pct", "nowrap"),
            self.column("review.col_yoy", "nowrap"),
        ]
        rows = [
            [
                self.c.metric(r.metric),
                f.stated(r.value, r.unit),
                "–" if r.plan_pct is None else f.as_written(r.plan_pct) + "%",
                "–" if r.yoy_pct is None else f.as_written(r.yoy_pct) + "%",
            ]
            for r in figures
        ]
        hind_rows = []
        for metric, items in (getattr(self.a, "hindcasts", None) or {}).items():
            unit = METRICS[metric].unit
            whole = METRICS[metric].kind == "count"
            for h in items:
                hind_rows.append(
                    [
                        self.c.metric(metric),
                        f.period(h.as_of),
                        f.stated(h.ytd, unit),
                        f.value(h.point, unit, whole),
                        f.interval(h.interval80, unit, whole),
                        f.stated(h.outcome, unit),
                        self.t("review.inside" if h.inside80 else "review.outside"),
                    ]
                )
        numbers = ("as_of", "ytd", "point", "interval", "outcome")
        hind_columns = [self.column("review.col_metric", "text")]
        hind_columns += [self.column(f"review.col_{key}", "nowrap") for key in numbers]
        hind_columns.append(self.column("review.col_inside", "text"))
        return render(
            "review",
            heading=self.t("review.heading", year=self.params.year),
            columns=columns,
            rows=rows,
            none_line=None if rows else self.t("review.none"),
            hind_heading=self.t("review.hind_heading"),
            hind_columns=hind_columns,
            hind_rows=hind_rows,
        )


SECTIONS = (Section("review", parts=lambda r: [r.review_html()], applies=lambda r: r.review),)
