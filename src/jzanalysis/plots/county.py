"""County charts: dot-and-interval (value with exact Poisson 95% interval) and the funnel plot."""

from __future__ import annotations

import numpy as np

from ..compare import poisson_funnel_limit
from ..metrics import METRICS
from . import PALETTE, new_figure


def county_interval_chart(result: dict):
    """Each county's count with its exact (Garwood) 95% interval, sorted, with the expected count marked."""
    counties = sorted(result["counties"], key=lambda c: c["value"])
    unit = METRICS[result["metric"]].unit
    fig, ax = new_figure(7.5, 0.42 * len(counties) + 1.4)
    y = np.arange(len(counties))
    values = [c["value"] for c in counties]
    lo = [c["value"] - c["ci95"][0] for c in counties]
    hi = [c["ci95"][1] - c["value"] for c in counties]
    ax.errorbar(values, y, xerr=[lo, hi], fmt="o", color=PALETTE["actual"], ecolor=PALETTE["band"], elinewidth=2,
                capsize=3, label="数量及精确泊松95%区间")
    ax.scatter([c["expected"] for c in counties], y, marker="|", s=260, color=PALETTE["plan"], zorder=3,
               label=f"期望（{result['expected_basis']}）")
    ax.set_yticks(y)
    ax.set_yticklabels([c["region"] for c in counties])
    ax.set_xlabel(f"{METRICS[result['metric']].label}（{unit}）")
    ax.set_title(f"{result['year']}年1-{result['as_of']}月各县市区{METRICS[result['metric']].label}")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_xlim(left=0)
    fig.tight_layout()
    return fig


def funnel_plot(result: dict):
    """Observed/expected against the expected count, with exact Poisson 95% and 99.8% control limits
    (widened by √φ when the counties are overdispersed), each county labelled."""
    counties = result["counties"]
    phi = result["overdispersion"]["phi"] if result["overdispersion"]["widened"] else 1.0
    expected = np.array([c["expected"] for c in counties])
    oe = np.array([c["oe"] for c in counties])
    fig, ax = new_figure(7.5, 4.6)
    grid = np.linspace(max(expected.min() * 0.4, 1.0), expected.max() * 1.8, 200)
    styles = {0.025: ("--", "95%"), 0.975: ("--", None), 0.001: (":", "99.8%"), 0.999: (":", None)}
    for p, (style, label) in styles.items():
        exact = np.array([poisson_funnel_limit(e, p) for e in grid])
        limit = 1 + (exact - 1) * np.sqrt(phi)
        ax.plot(grid, limit, linestyle=style, color=PALETTE["time"], linewidth=1.2,
                label=f"{label} 控制限" if label else None)
    ax.axhline(1.0, color=PALETTE["plan"], linewidth=1.2, label="实际 = 期望")
    ax.scatter(expected, oe, color=PALETTE["actual"], zorder=3)
    _label_points(ax, counties, grid)
    ax.set_xlabel("期望数量")
    ax.set_ylabel("实际 / 期望")
    widened = f"（过度离散 φ={phi:.2f}，控制限已放宽）" if phi > 1 else ""
    ax.set_title(f"漏斗图：各县市区{METRICS[result['metric']].label}{widened}")
    ax.legend(loc="upper right", fontsize=8)
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
    shift = (np.mean(placed) - np.mean([y for (_, y), _ in points])) if placed else 0.0
    dx = (grid.max() - grid.min()) * 0.06
    for ((x, y), names), label_y in zip(points, placed):
        ax.annotate("、".join(names), xy=(x, y), xytext=(x + dx, label_y - shift), fontsize=8, va="center",
                    arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.6})
