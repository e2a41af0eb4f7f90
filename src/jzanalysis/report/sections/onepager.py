"""A county's one-pager (the county notebook)."""

from __future__ import annotations

from .base import facts_table, render


class OnePagerSection:
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
                none_line=self.t("counties.none", reason=self.comparison_reason()),
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
                none_line=self.t("onepager.not_listed", county=self.c.place(name), year=p.year, period=self.period),
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
        return css + render("onepager", title=title, none_line=None, lines=lines, finding=finding)

    def onepager_facts_html(self, region: str) -> str:
        name = self.a.region.canonical(region)
        table = facts_table(self.a.dataset.facts[self.a.dataset.facts.region == name], self.c, brief=True)
        return render(
            "onepager_facts",
            heading=self.t("onepager.facts"),
            columns=table["columns"] if table else [],
            rows=table["rows"] if table else [],
        )


SECTIONS = ()
