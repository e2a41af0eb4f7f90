"""Burn-up chart: cumulative figure against the annual plan and the time-progress ("按进度") line."""

from __future__ import annotations

import math

import numpy as np

from ..calendar import time_progress
from ..errors import InputError
from . import PALETTE, new_figure


def burnup_chart(*, label: str, unit: str, year: int, as_of: int, ytd: float, plan: float,
                 forecast_point: float | None = None, monthly_path: dict[int, float] | None = None):
    """Cumulative value against the plan line and the on-schedule path, for one metric.

    ``monthly_path`` (month → cumulative value) draws the known path; with only the January..``as_of``
    total the path is drawn as a straight segment from zero, which is all a single bulletin tells.
    The on-schedule path is plan × time progress by official working days (months when the year is
    outside the calendar); ``forecast_point`` adds the straight-line continuation to December.
    """
    if not plan > 0:
        raise InputError(f"plan must be > 0 to draw a burn-up chart, got {plan}")
    fig, ax = new_figure()
    months = np.arange(0, 13)
    try:
        schedule = [0.0] + [plan * time_progress(year, m, "workdays") for m in range(1, 13)]
        schedule_label = "按进度（工作日）"
    except InputError:
        schedule = [plan * m / 12 for m in months]
        schedule_label = "按进度（月份）"
    ax.plot(months, schedule, color=PALETTE["time"], linestyle="--", linewidth=1.4, label=schedule_label)
    ax.axhline(plan, color=PALETTE["plan"], linewidth=1.4, label=f"全年计划 {plan:,.1f}{unit}")

    path = dict(monthly_path or {0: 0.0, as_of: ytd})
    path.setdefault(0, 0.0)
    xs = sorted(path)
    ax.plot(xs, [path[x] for x in xs], color=PALETTE["actual"], linewidth=2.4, marker="o", label=f"1-{as_of}月累计")
    ax.annotate(f"{ytd:,.0f}{unit}\n({ytd / plan:.1%})", (as_of, ytd), textcoords="offset points", xytext=(-8, 10),
                ha="right", color=PALETTE["actual"], fontsize=9)
    if forecast_point is not None and not math.isnan(forecast_point):
        ax.plot([as_of, 12], [ytd, forecast_point], color=PALETTE["actual"], linestyle=":", linewidth=1.6,
                label=f"按当前速度外推 {forecast_point:,.1f}{unit}")
    ax.set_xlim(0, 12.3)
    ax.set_xticks(range(0, 13))
    ax.set_xticklabels(["0"] + [f"{m}月" for m in range(1, 13)])
    ax.set_ylim(0, max(plan, ytd, forecast_point or 0) * 1.12)
    ax.set_xlabel("月份")
    ax.set_ylabel(f"累计（{unit}）")
    ax.set_title(f"{year}年{label}：累计进度与计划")
    ax.legend(loc="upper left", fontsize=8, frameon=True)
    fig.tight_layout()
    return fig
