"""Progress against time: share of plan, time elapsed, the paces (only with a forecast)."""

from __future__ import annotations

from .base import Section, render


class ProgressSection:
    def progress_html(self) -> str:
        f = self.f
        columns = self.metric_columns(
            "progress.col_metric",
            "progress.col_plan",
            "progress.col_pct",
            "progress.col_time",
            "progress.col_gap",
            "progress.col_pace_done",
            "progress.col_pace_needed",
        )
        rows = []
        for m in self.boxed():  # the others' figures and paces are in page 1's table
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


SECTIONS = (Section("progress", parts=lambda r: [r.progress_html()], applies=lambda r: bool(r.metrics)),)
