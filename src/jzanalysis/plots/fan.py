"""Fan chart: the cumulative path so far and the year-end forecast as 50/80/95% bands."""

from __future__ import annotations

import numpy as np

from ..calendar import time_progress
from ..errors import InputError
from ..metrics import METRICS
from . import PALETTE, new_figure

_BANDS = (("0.025", "0.975", 0.15, "95% 区间"), ("0.1", "0.9", 0.28, "80% 区间"), ("0.25", "0.75", 0.45, "50% 区间"))


def fan_chart(result_dict: dict, *, monthly_path: dict[int, float] | None = None, title: str | None = None):
    """Draw a forecast (the dict of :func:`jzanalysis.forecast.forecast_from_facts`) as a fan chart.

    - the known cumulative path: ``monthly_path`` (month → running total) or, with only the
      January..M total, the straight segment from 0 to YTD at month M
    - the plan line (全年计划) and the time-progress line (plan × share of the year elapsed, official
      working days when the year is in chinese_calendar's range, else months)
    - 50/80/95% bands widening from (M, YTD) to December, from the default method's quantiles, and
      the point forecast

    Returns a matplotlib Figure. Example::

        fig = fan_chart(forecast_from_facts(facts, year=2015, as_of=7, metric="projects_100m"))
        fig.savefig("fan.png")
    """
    default = result_dict.get("forecast") or {}
    quantiles = default.get("quantiles") or {}
    missing = [q for q in ("0.025", "0.1", "0.25", "0.5", "0.75", "0.9", "0.975") if q not in quantiles]
    if missing:
        raise InputError(f"forecast has no quantiles {', '.join(missing)}; pass the dict from forecast_from_facts")
    as_of, ytd, year = int(result_dict["as_of"]), float(result_dict["ytd"]), int(result_dict["year"])
    plan = result_dict.get("plan")
    metric = result_dict.get("metric")
    unit = result_dict.get("unit") or (METRICS[metric].unit if metric in METRICS else "")
    label = METRICS[metric].label if metric in METRICS else (metric or "")

    fig, ax = new_figure()
    months = np.arange(0, 13)
    if plan:
        try:
            schedule = [0.0] + [plan * time_progress(year, m, "workdays") for m in range(1, 13)]
            schedule_label = "时间进度（工作日）"
        except InputError:
            schedule = [plan * m / 12 for m in months]
            schedule_label = "时间进度（月份）"
        ax.plot(months, schedule, color=PALETTE["time"], linestyle="--", linewidth=1.2, label=schedule_label)
        ax.axhline(plan, color=PALETTE["plan"], linewidth=1.4, label=f"全年计划 {plan:,.1f}{unit}")

    # bands: straight from the known point (M, YTD) out to the December quantiles
    xs = np.array([as_of, 12.0])
    digits = 0 if unit == "个" or quantiles["0.9"] >= 100 else 1
    for lo_key, hi_key, alpha, name in _BANDS:
        lo, hi = quantiles[lo_key], quantiles[hi_key]
        # the year-end range goes in the legend: a label at the band's edge collides with the plan line
        ax.fill_between(xs, [ytd, lo], [ytd, hi], color=PALETTE["band"], alpha=alpha, linewidth=0,
                        label=f"{name} {lo:,.{digits}f}–{hi:,.{digits}f}{unit}")
    point = float(default["point"])
    ax.plot(xs, [ytd, point], color=PALETTE["band"], linewidth=1.6, linestyle=":")
    ax.plot([12], [point], marker="D", color=PALETTE["band"], label=f"全年预测 {point:,.0f}{unit}")

    path = dict(monthly_path or {0: 0.0, as_of: ytd})
    path.setdefault(0, 0.0)
    px = sorted(path)
    ax.plot(px, [path[x] for x in px], color=PALETTE["actual"], linewidth=2.4, marker="o", label=f"1-{as_of}月累计")
    ax.annotate(f"{ytd:,.0f}{unit}", (as_of, ytd), textcoords="offset points", xytext=(-6, 8), ha="right",
                color=PALETTE["actual"], fontsize=9)
    top = max(quantiles["0.975"], plan or 0, ytd)
    ax.set_xlim(0, 12.4)
    ax.set_ylim(0, top * 1.1)
    ax.set_xticks(range(0, 13))
    ax.set_xticklabels(["0"] + [f"{m}月" for m in range(1, 13)])
    ax.set_xlabel("月份")
    ax.set_ylabel(f"累计（{unit}）")
    method = default.get("label_zh", default.get("method", ""))
    ax.set_title(title or f"{year}年{label}全年预测 — {method}")
    ax.legend(loc="upper left", fontsize=8, frameon=True)
    fig.tight_layout()
    return fig
