"""County comparison: one per metric two or more units report, else one line saying there is none."""

from __future__ import annotations

from ...compare import CountyComparison
from ..counties import basis_lines, basis_name, county_findings
from .base import Section, render


class CountiesSection:
    def basis_name(self, short: bool = False, c: CountyComparison | None = None) -> str:
        return basis_name(c or self.counties, self.c, short)

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

    def counties_context(self, heading: bool = True, c: CountyComparison | None = None) -> dict:
        c, f = c or self.counties, self.f
        if c is None:
            return {
                "heading": self.t("counties.heading") if heading else None,
                "subheading": None,
                "none_line": self.t("counties.none", reason=self.comparison_reason()),
                "intro": None,
                "columns": [],
                "rows": [],
                "notes": [],
                "findings": [],
            }
        unit = self.f.unit_label(c.unit)
        label = self.c.metric(c.metric)
        columns = [
            self.column("counties.col_county", "text name"),
            {"label": self.t("counties.col_value", metric=label, unit=unit)},
            self.column("counties.col_share"),
            self.column("counties.col_ci"),
            {"label": self.t("counties.col_expected", basis=self.basis_name(c=c))},
            {"label": self.t("counties.col_ratio", basis=self.basis_name(short=True, c=c))},
            self.column("counties.col_position", "text nowrap"),
            self.column("counties.col_rank"),
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
        first = c is self.comparisons[0] if self.comparisons else True
        intro = None
        if heading and first:
            intro = self.t("counties.intro_funnel" if c.expectations_differ else "counties.intro")
        return {
            "heading": self.t("counties.heading") if heading and first else None,
            "subheading": label if len(self.comparisons) > 1 else None,
            "none_line": None,
            "intro": intro,
            "columns": columns,
            "rows": rows,
            "notes": self.county_notes(c),
            "findings": county_findings(c, self.c),
        }

    def comparison_reason(self) -> str:
        """Why there is no county comparison: the bulletin breaks no count down by county (or one only)."""
        facts = self.a.dataset.facts
        home = self.params.region
        if home and home != self.a.region.name:
            return self.t("reason.one_unit", unit=self.place)
        county_rows = facts[
            (facts.region != self.a.region.name)
            & (facts.year == self.params.year)
            & (facts.months == self.params.as_of_month)
        ]
        if county_rows.region.nunique() == 1:
            return self.t("reason.one_county_any")
        return self.t("reason.no_breakdown")

    def county_notes(self, c: CountyComparison | None = None) -> list[str]:
        c, f = c or self.counties, self.f
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

    def counties_html(self, heading: bool = True, c: CountyComparison | None = None) -> str:
        return render("counties", **self.counties_context(heading, c))

    def counties_after_html(self, c: CountyComparison | None = None) -> str:
        c = c or self.counties
        if c is None:
            return ""
        lines = []
        if c.expectations_differ:
            lines.append(self.t("counties.funnel_note", basis=self.basis_name(short=True, c=c)))
        if c.batch:
            items = self.c.join(
                self.t("counties.batch_item", county=self.c.place(b.region), value=self.f.stated(b.value, c.unit))
                for b in c.batch
            )
            lines.append(self.t("counties.batch", items=items))
        return render("counties_after", lines=lines)

    def county_figures(self, highlight: str | None = None, c: CountyComparison | None = None) -> list:
        """The dot-and-interval chart, and the funnel plot only when the expectations differ."""
        # matplotlib and seaborn (about a second): only a report with charts needs them
        from ...plots.county import county_interval_chart, funnel_plot

        c = c or self.counties
        if c is None:
            return []
        figures = [county_interval_chart(c, self.c, highlight=highlight)]
        if c.expectations_differ and highlight is None:
            figures.append(funnel_plot(c, self.c))
        return figures

    def counties_parts(self) -> list:
        """Every county comparison (one per metric two or more units report), or one line saying there is none."""
        if not self.comparisons:
            return [self.counties_html()]
        out: list = []
        for c in self.comparisons:
            out += [self.counties_html(c=c), *self.county_figures(c=c), self.counties_after_html(c)]
        return out


SECTIONS = (
    Section("counties", parts=lambda r: r.counties_parts()),
    Section(
        "counties_page",
        parts=lambda r: [
            r.head_html("counties"),
            r.counties_html(heading=False),
            *r.county_figures(),
            r.counties_after_html(),
        ],
    ),
)
