"""County charts from a :func:`jzanalysis.compare.compare_from_facts` result, labelled in Chinese.

- :func:`county_interval_chart`: each county's count with its exact (Garwood) 95% interval, sorted, with
  the expected count marked — shows at a glance how much the intervals overlap.
- :func:`funnel_plot`: observed/expected against the expected count with exact Poisson control limits
  at 95% and 99.8% (widened by √φ when the counties are overdispersed).
"""

from __future__ import annotations

import numpy as np

from ..compare import SHORT_BASIS_ZH, funnel_limits
from ..metrics import METRICS
from . import PALETTE, apply_theme, new_figure

_OUTSIDE_COLOUR = PALETTE["plan"]


def _flagged(county: dict) -> bool:
    """Drawn in red: outside the 95% funnel limits, or clearly behind its plan (what the sentences name)."""
    return county["funnel"] != "inside" or bool(county.get("behind_schedule_evidence"))


def county_interval_chart(result: dict, highlight: str | None = None):
    """Dot-and-interval chart: value (个) with its Garwood 95% interval per county, smallest at the bottom,
    expected counts marked (a vertical line when they are all equal). ``highlight`` (a canonical county
    name) rings that county's dot and colours its name, for its one-pager. Returns a matplotlib Figure.

    >>> from jzanalysis.schema import facts_frame
    >>> from jzanalysis.compare import compare_from_facts
    >>> facts = facts_frame([dict(year=2015, months=7, region=r, metric="projects_100m", value=v)
    ...                      for r, v in [("公安县", 23), ("江陵县", 11)]])
    >>> fig = county_interval_chart(compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m"))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['江陵县', '公安县']
    """
    apply_theme()
    counties = sorted(result["counties"], key=lambda c: c["value"])
    metric = METRICS[result["metric"]]
    fig, ax = new_figure(7.5, 0.42 * len(counties) + 1.9)
    y = np.arange(len(counties))
    values = np.array([c["value"] for c in counties])
    lo = values - np.array([c["ci95"][0] for c in counties])
    hi = np.array([c["ci95"][1] for c in counties]) - values
    colours = [_OUTSIDE_COLOUR if _flagged(c) else PALETTE["actual"] for c in counties]
    ax.errorbar(values, y, xerr=[lo, hi], fmt="none", ecolor=PALETTE["band"], elinewidth=2, capsize=3,
                label="精确泊松95%区间")
    ax.scatter(values, y, color=colours, zorder=3)
    _point_legend_entries(ax, counties)
    expected = np.array([c["expected"] for c in counties])
    basis = SHORT_BASIS_ZH.get(result["expected_basis"], result["expected_basis"])
    if np.allclose(expected, expected[0]):
        ax.axvline(expected[0], color=PALETTE["plan"], linewidth=1.2, linestyle="--",
                   label=f"期望 {expected[0]:.1f}{metric.unit}（{basis}）")
    else:
        ax.scatter(expected, y, marker="|", s=300, linewidths=2, color=PALETTE["plan"], zorder=4,
                   label=f"期望（{basis}）")
    ax.set_yticks(y)
    ax.set_yticklabels([c["region"] for c in counties])
    for tick, county in zip(ax.get_yticklabels(), counties):
        # colour, not bold: WenQuanYi Micro Hei has no bold face, and the fallback warning would be
        # printed into the report
        if county["region"] == highlight:
            tick.set_color(PALETTE["accent"])
    marked = [i for i, c in enumerate(counties) if c["region"] == highlight]
    if marked:
        ax.scatter(values[marked], y[marked], s=220, facecolors="none", edgecolors=PALETTE["accent"],
                   linewidths=1.8, zorder=5, label=highlight)
    ax.set_xlabel(f"{metric.label}（{metric.unit}）")
    ax.set_title(f"{result['year']}年1-{result['as_of']}月各县市区{metric.label}（点：实际；横线：95%区间）", fontsize=10)
    ax.set_xlim(left=0)
    # below the axes: inside, the legend hid the marks of the lowest counties
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def funnel_plot(result: dict):
    """Funnel plot: O/E against the expected count with exact Poisson 95% and 99.8% limits.

    The limits are those the comparison used: widened by √φ when ``result["overdispersion"]["widened"]``.
    Counties outside the 95% limits are drawn in red; equal points share one label. Returns a Figure.
    """
    apply_theme()
    counties = result["counties"]
    od = result["overdispersion"]
    phi = od["phi"] if od["widened"] else 1.0
    expected = np.array([c["expected"] for c in counties])
    oe = np.array([c["oe"] for c in counties])
    fig, ax = new_figure(7.5, 4.8)
    grid = np.linspace(max(expected.min() * 0.4, 1.0), expected.max() * 1.8, 200)
    limits = [funnel_limits(e, phi) for e in grid]
    for key, style, label in (("lo95", "--", "95% 控制限"), ("hi95", "--", None),
                              ("lo998", ":", "99.8% 控制限"), ("hi998", ":", None)):
        ax.plot(grid, [lim[key] for lim in limits], linestyle=style, color=PALETTE["time"], linewidth=1.2, label=label)
    ax.axhline(1.0, color=PALETTE["plan"], linewidth=1.0, label="实际 = 期望")
    colours = [_OUTSIDE_COLOUR if _flagged(c) else PALETTE["actual"] for c in counties]
    ax.scatter(expected, oe, color=colours, zorder=3)
    _point_legend_entries(ax, counties)
    top = max(oe.max(), max(lim["hi998"] for lim in limits)) * 1.08
    ax.set_ylim(0, top)
    _label_points(ax, counties, grid)
    ax.set_xlabel(f"期望数量（{METRICS[result['metric']].unit}）")
    ax.set_ylabel("实际 / 期望")
    widened = f"，过度离散 φ={phi:.2f}，控制限已放宽" if od["widened"] else ""
    ax.set_title(f"漏斗图：各县市区{METRICS[result['metric']].label}（{result['year']}年1-{result['as_of']}月{widened}）",
                 fontsize=10)
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    return fig


def _label_points(ax, counties: list[dict], grid: np.ndarray) -> None:
    """Label counties without overlap: equal points share one label, labels are spread vertically
    to the right of their points and joined to them by a thin line."""
    groups: dict[tuple[float, float], list[str]] = {}
    for c in counties:
        groups.setdefault((round(c["expected"], 6), round(c["oe"], 6)), []).append(c["region"])
    points = sorted(groups.items(), key=lambda item: item[0][1])
    span = ax.get_ylim()[1] - ax.get_ylim()[0]
    gap = span * 0.055
    placed: list[float] = []
    for (_, y), _names in points:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    # only when the stack runs off the top is it moved down, so labels stay level with their points
    top = ax.get_ylim()[1] - gap / 2
    shift = max(placed[-1] - top, 0.0) if placed else 0.0
    dx = (grid.max() - grid.min()) * 0.06
    for ((x, y), names), label_y in zip(points, placed):
        # a white box keeps a label readable where it crosses a control limit
        ax.annotate("、".join(names), xy=(x, y), xytext=(x + dx, label_y - shift), fontsize=8, va="center",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                    arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.6})


def _point_legend_entries(ax, counties: list[dict]) -> None:
    """Legend entries for the points by colour (the scatter itself mixes colours, so it gets none)."""
    ax.scatter([], [], color=PALETTE["actual"], label="实际数量")
    if any(_flagged(c) for c in counties):
        ax.scatter([], [], color=_OUTSIDE_COLOUR, label="超出95%控制限或明显落后于计划")
