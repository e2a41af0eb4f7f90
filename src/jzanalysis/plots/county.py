"""County charts from a :class:`~jzanalysis.report.model.CountyComparison`, labelled from the catalogue.

- :func:`county_interval_chart`: each county's count with its exact (Garwood) 95% interval, sorted, with
  what it is compared with (the city average, or each county's plan × time progress)
- :func:`funnel_plot`: actual ÷ expected against the expected count with exact Poisson control limits at
  95% and 99.8% (widened by √φ when the counties are overdispersed). Drawn only when the expectations
  differ: with one city average for every county the points stand in one column and the plot says
  nothing the interval chart does not.

Legends sit outside the axes (constrained layout), so they cover neither marks nor axis labels.
"""

from __future__ import annotations

import numpy as np

from ..compare import funnel_limits
from . import PALETTE, new_figure

_OUTSIDE_COLOUR = PALETTE["plan"]


def _basis(comparison, c, short: bool = False) -> str:
    return c.t(f"counties.basis_{comparison.basis}{'_short' if short else ''}")


def county_interval_chart(comparison, c, highlight: str | None = None):
    """Dot-and-interval chart of a :class:`CountyComparison`, labelled from the catalogue ``c``.

    ``highlight`` (a canonical county name) rings that county's dot and colours its name, for its one-pager.
    """
    f = c.fmt
    # drawn bottom up: the table's order (largest first, ties as listed) reversed, so it reads top down alike
    rows = sorted(comparison.rows, key=lambda r: -r.value)[::-1]
    fig, ax = new_figure(7.5, 0.32 * len(rows) + 1.6)
    y = np.arange(len(rows))
    values = np.array([r.value for r in rows])
    lo = values - np.array([r.ci95[0] for r in rows])
    hi = np.array([r.ci95[1] for r in rows]) - values
    colours = [_OUTSIDE_COLOUR if r.flagged else PALETTE["actual"] for r in rows]
    ax.errorbar(
        values,
        y,
        xerr=[lo, hi],
        fmt="none",
        ecolor=PALETTE["band"],
        elinewidth=2,
        capsize=3,
        label=c.t("chart.interval_legend"),
    )
    ax.scatter(values, y, color=colours, zorder=3)
    _point_legend_entries(ax, rows, c)
    expected = np.array([r.expected for r in rows])
    basis = _basis(comparison, c)
    if not comparison.expectations_differ:
        ax.axvline(
            expected[0],
            color=PALETTE["plan"],
            linewidth=1.2,
            linestyle="--",
            label=c.t("chart.expected_line", basis=basis, value=f.number(expected[0], 1) + f.unit(comparison.unit)),
        )
    else:
        ax.scatter(
            expected,
            y,
            marker="|",
            s=300,
            linewidths=2,
            color=PALETTE["plan"],
            zorder=4,
            label=c.t("chart.expected_marks", basis=basis),
        )
    ax.set_yticks(y)
    ax.set_yticklabels([c.place(r.name) for r in rows])
    for tick, row in zip(ax.get_yticklabels(), rows):
        # colour, not bold: WenQuanYi Micro Hei has no bold face, and the fallback warning would be
        # printed into the report
        if row.name == highlight:
            tick.set_color(PALETTE["accent"])
    marked = [i for i, r in enumerate(rows) if r.name == highlight]
    if marked:
        ax.scatter(
            values[marked],
            y[marked],
            s=220,
            facecolors="none",
            edgecolors=PALETTE["accent"],
            linewidths=1.8,
            zorder=5,
            label=c.place(highlight),
        )
    metric = c.metric(comparison.metric)
    ax.set_xlabel(c.t("chart.count_axis", metric=metric, unit=f.unit_label(comparison.unit)))
    ax.set_title(
        c.t("chart.interval_title", year=comparison.year, period=f.period(comparison.as_of), metric=metric), fontsize=10
    )
    ax.set_xlim(left=0)
    fig.legend(loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    return fig


def funnel_plot(comparison, c):
    """Funnel plot: actual ÷ expected against the expected count, with the limits the comparison used."""
    f = c.fmt
    rows = comparison.rows
    od = comparison.overdispersion
    phi = od.phi if od.widened else 1.0
    expected = np.array([r.expected for r in rows])
    ratio = np.array([r.ratio for r in rows])
    fig, ax = new_figure(7.5, 4.0)
    grid = np.linspace(max(expected.min() * 0.4, 1.0), expected.max() * 1.8, 200)
    limits = [funnel_limits(e, phi) for e in grid]
    for key, style, label in (
        ("lo95", "--", c.t("chart.limit95")),
        ("hi95", "--", None),
        ("lo998", ":", c.t("chart.limit998")),
        ("hi998", ":", None),
    ):
        ax.plot(grid, [lim[key] for lim in limits], linestyle=style, color=PALETTE["time"], linewidth=1.2, label=label)
    basis = _basis(comparison, c, short=True)
    ax.axhline(1.0, color=PALETTE["plan"], linewidth=1.0, label=c.t("chart.equal_line", basis=basis))
    colours = [_OUTSIDE_COLOUR if r.flagged else PALETTE["actual"] for r in rows]
    ax.scatter(expected, ratio, color=colours, zorder=3)
    _point_legend_entries(ax, rows, c)
    top = max(ratio.max(), max(lim["hi998"] for lim in limits)) * 1.08
    ax.set_ylim(0, top)
    _label_points(ax, rows, grid, c)
    ax.set_xlabel(c.t("chart.funnel_x", basis=_basis(comparison, c), unit=f.unit_label(comparison.unit)))
    ax.set_ylabel(c.t("chart.funnel_y", basis=basis))
    metric = c.metric(comparison.metric)
    period = f.period(comparison.as_of)
    title = (
        c.t("chart.funnel_title_widened", metric=metric, year=comparison.year, period=period, phi=f"{phi:.2f}")
        if od.widened
        else c.t("chart.funnel_title", metric=metric, year=comparison.year, period=period)
    )
    ax.set_title(title, fontsize=10)
    fig.legend(loc="outside lower center", ncol=3, fontsize=7.5, frameon=False)
    return fig


def _label_points(ax, rows, grid: np.ndarray, c) -> None:
    """Label counties without overlap: equal points share one label, labels are spread vertically to the
    right of their points and joined to them by a thin line."""
    groups: dict[tuple[float, float], list[str]] = {}
    for r in rows:
        groups.setdefault((round(r.expected, 6), round(r.ratio, 6)), []).append(c.place(r.name))
    points = sorted(groups.items(), key=lambda item: item[0][1])
    span = ax.get_ylim()[1] - ax.get_ylim()[0]
    gap = span * 0.06
    placed: list[float] = []
    for (_, y), _names in points:
        placed.append(max(y, placed[-1] + gap) if placed else y)
    top = ax.get_ylim()[1] - gap / 2
    shift = max(placed[-1] - top, 0.0) if placed else 0.0
    dx = (grid.max() - grid.min()) * 0.06
    for ((x, y), names), label_y in zip(points, placed):
        ax.annotate(
            c.join(names),
            xy=(x, y),
            xytext=(x + dx, label_y - shift),
            fontsize=8,
            va="center",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.6},
        )


def _point_legend_entries(ax, rows, c) -> None:
    """Legend entries for the points by colour (the scatter itself mixes colours, so it gets none)."""
    ax.scatter([], [], color=PALETTE["actual"], label=c.t("chart.actual_count"))
    if any(r.flagged for r in rows):
        ax.scatter([], [], color=_OUTSIDE_COLOUR, label=c.t("chart.flagged"))
