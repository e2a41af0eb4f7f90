"""One chart per forecast metric: the year's real figures, the plan, time progress and the full-year forecast.

What is known is drawn as points: each bulletin of the year is one January..M total (several bulletins of
one year are several points). Between them nothing is known, so the points are joined by a thin dotted
line said to be straight by assumption. From the last real point a dashed line runs to the forecast's
median in December, drawn as an assumption too, inside the 50/80/95% bands of the default method. Every
number on the chart is the one the report's text shows (the same typed figures, the same rounding).
"""

from __future__ import annotations

import numpy as np

from . import PALETTE, new_figure

_BANDS = (
    ("0.025", "0.975", 0.13, "chart.band95"),
    ("0.1", "0.9", 0.25, "chart.band80"),
    ("0.25", "0.75", 0.42, "chart.band50"),
)


def progress_chart(m, report):
    """Chart of one :class:`~jzanalysis.report.model.MetricFigures`, labelled by ``report`` (a
    :class:`~jzanalysis.report.Report`: its catalogue and formatter). Returns a matplotlib Figure."""
    c, f = report.c, report.f
    scale = f.scale(m.unit)  # the language's unit: English shows 亿元 as bn yuan
    fc = m.forecast
    q = {k: v / scale for k, v in fc.quantiles.items()}
    ytd, point = m.ytd / scale, fc.point / scale
    fig, ax = new_figure(7.5, 3.5)
    months = np.arange(0, 13)
    if m.plan is not None:
        plan = m.plan.value / scale
        ax.plot(
            months,
            plan * months / 12,
            color=PALETTE["time"],
            linestyle="--",
            linewidth=1.1,
            label=c.t("chart.schedule_months"),
        )
        ax.axhline(plan, color=PALETTE["plan"], linewidth=1.3, label=c.t("chart.plan", plan=report.plan_text(m)))
    xs = np.array([m.as_of, 12.0])
    for lo_key, hi_key, alpha, key in _BANDS:
        lo, hi = q[lo_key] * scale, q[hi_key] * scale
        ax.fill_between(
            xs,
            [ytd, q[lo_key]],
            [ytd, q[hi_key]],
            color=PALETTE["band"],
            alpha=alpha,
            linewidth=0,
            label=c.t(key, interval=f.interval((lo, hi), m.unit, m.whole)),
        )
    path = m.path
    px = [0, *list(path)]
    py = [0.0] + [v / scale for v in path.values()]
    ax.plot(px, py, color=PALETTE["actual"], linestyle=":", linewidth=1.0, label=c.t("chart.joined"))
    ax.plot(
        list(path),
        [v / scale for v in path.values()],
        linestyle="none",
        marker="o",
        markersize=6,
        color=PALETTE["actual"],
        label=c.t("chart.actual_points"),
        zorder=4,
    )
    for month, value in path.items():
        ax.annotate(
            f.stated(value, m.unit),
            (month, value / scale),
            textcoords="offset points",
            xytext=(-5, 7),
            ha="right",
            color=PALETTE["actual"],
            fontsize=8,
        )
    ax.plot(xs, [ytd, point], color=PALETTE["actual"], linestyle="--", linewidth=1.4, label=c.t("chart.assumed"))
    ax.plot(
        [12],
        [point],
        marker="D",
        color=PALETTE["actual"],
        linestyle="none",
        label=c.t("chart.point", point=f.value(fc.point, m.unit, m.whole)),
        zorder=5,
    )
    top = max(q["0.975"], ytd, (m.plan.value / scale) if m.plan is not None else 0)
    ax.set_xlim(0, 12.3)
    ax.set_ylim(0, top * 1.08)
    ax.set_xticks(range(0, 13))
    ax.set_xticklabels([""] + [f.month(k) for k in range(1, 13)])
    ax.set_xlabel(c.t("chart.months_axis"))
    ax.set_ylabel(c.t("chart.cumulative_axis", unit=f.unit_label(m.unit)))
    ax.set_title(c.t("chart.progress_title", year=m.year, metric=c.metric(m.metric)), fontsize=10)
    # beside the axes, not on them: the bands and the plan line fill the upper right
    fig.legend(loc="outside lower center", ncol=2, fontsize=7.5, frameon=False)
    return fig
