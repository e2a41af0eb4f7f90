"""County charts: labels from the catalogue without missing glyphs, the limits the comparison used, the
funnel plot's widened limits, the one-pager's ring, legends outside the axes."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from jzanalysis.compare import compare_from_facts, funnel_limits
from jzanalysis.plans import load_plans
from jzanalysis.plots import PALETTE
from jzanalysis.plots.county import county_interval_chart, funnel_plot
from jzanalysis.regions import get_region
from jzanalysis.report import Catalogue, county_comparison
from jzanalysis.schema import facts_frame
from tests.helpers import figure_texts, glyph_warnings

from .test_compare import FIXTURES, OVERDISPERSED, seed_facts

JINGZHOU = get_region("荆州市")
ZH, EN = Catalogue("zh", JINGZHOU), Catalogue("en", JINGZHOU)


def _typed(result):
    return county_comparison(SimpleNamespace(comparison=result, region=JINGZHOU))


def _seed_compared(plans: str | None = None):
    """The seed's county comparison of projects, against a plans file of tests/fixtures when one is named."""
    plans = load_plans(FIXTURES / plans) if plans else None
    return _typed(compare_from_facts(seed_facts(), year=2015, as_of=7, metric="projects_100m", plans=plans))


@pytest.fixture(scope="module")
def seed():
    return _seed_compared()


@pytest.fixture(scope="module")
def planned():
    return _seed_compared("plans_all_counties.csv")


@pytest.fixture(scope="module")
def overdispersed():
    facts = facts_frame(
        [dict(year=2015, months=7, region=r, metric="projects_100m", value=v) for r, v in OVERDISPERSED.items()]
    )
    return _typed(compare_from_facts(facts, year=2015, as_of=7, metric="projects_100m"))


def test_interval_chart_has_chinese_ticks_sorted_and_no_missing_glyphs(seed):
    fig = county_interval_chart(seed, ZH)
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks[0] == "江陵县"  # smallest at the bottom
    # read top down, the chart lists the counties as the table does, ties in the table's order
    assert ticks[::-1] == [r.name for r in seed.rows]
    # equal shares: one line at the city average 174/9 = 19.33, named for what it is
    vlines = [line for line in ax.get_lines() if len(set(line.get_xdata())) == 1]
    assert vlines and vlines[0].get_xdata()[0] == pytest.approx(174 / 9)
    assert "按全市平均 19.3个" in figure_texts(fig) and "期望" not in figure_texts(fig)
    assert glyph_warnings(fig) == []


def test_interval_chart_in_english_names_counties_from_the_profile(seed):
    fig = county_interval_chart(seed, EN)
    texts = figure_texts(fig)
    assert "Gong'an" in texts and "Jingzhou Development Zone" in texts and "City average 19.3" in texts
    assert not re.search(r"[\u3400-\u9fff]", texts)
    assert glyph_warnings(fig) == []


def test_interval_chart_highlights_the_one_pagers_county(seed):
    fig = county_interval_chart(seed, ZH, highlight="江陵县")
    ax = fig.axes[0]
    coloured = [t.get_text() for t in ax.get_yticklabels() if t.get_color() == PALETTE["accent"]]
    assert coloured == ["江陵县"]
    ring = next(c for c in ax.collections if c.get_label() == "江陵县")
    assert ring.get_offsets().tolist() == [[11.0, 0.0]]  # 江陵县's own dot: 11 projects, the bottom row
    assert glyph_warnings(fig) == []


def test_interval_chart_marks_each_countys_plan_expectation(planned):
    result = planned
    assert result.expectations_differ and result.basis == "plan"
    fig = county_interval_chart(result, ZH)
    markers = [c for c in fig.axes[0].collections if c.get_offsets().shape[0] == 9]
    xs = sorted(float(x) for x in markers[-1].get_offsets()[:, 0])
    assert xs == pytest.approx(sorted(r.expected for r in result.rows))
    assert "按计划进度" in figure_texts(fig)
    assert glyph_warnings(fig) == []


def test_funnel_plot_limits_and_labels(planned):
    fig = funnel_plot(planned, ZH)
    texts = figure_texts(fig)
    assert "95% 控制限" in texts and "99.8% 控制限" in texts and "实际 ÷ 计划进度" in texts
    ax = fig.axes[0]
    lo95 = next(line for line in ax.get_lines() if line.get_label() == "95% 控制限")
    x, y = lo95.get_xdata(), lo95.get_ydata()
    assert y == pytest.approx([funnel_limits(e)["lo95"] for e in x])
    assert glyph_warnings(fig) == []


def test_funnel_plot_draws_the_widened_limits(overdispersed):
    fig = funnel_plot(overdispersed, ZH)
    phi = overdispersed.phi
    assert f"φ = {phi:.2f}" in figure_texts(fig)
    ax = fig.axes[0]
    lower = next(line for line in ax.get_lines() if line.get_label() == "95% 控制限")
    x, y = lower.get_xdata(), lower.get_ydata()
    assert y == pytest.approx([funnel_limits(e, phi)["lo95"] for e in x])
    points = ax.collections[0]
    colours = {tuple(np.round(c, 3)) for c in points.get_facecolors()}
    assert len(colours) == 2  # 公安县 above the widened 95% limit, in the warning colour
    assert glyph_warnings(fig) == []


def test_a_county_clearly_behind_plan_is_drawn_in_red():
    fig = county_interval_chart(_seed_compared("plans_uneven.csv"), ZH)
    ax = fig.axes[0]
    points = next(c for c in ax.collections if c.get_offsets().shape[0] == 9)
    colours = points.get_facecolors()
    # sorted smallest first: 江陵县 (11, behind its plan with evidence) is the first point, the only red one
    assert tuple(np.round(colours[0][:3], 3)) == pytest.approx((0xC0 / 255, 0, 0), abs=1e-3)
    assert all(tuple(np.round(c[:3], 3)) != tuple(np.round(colours[0][:3], 3)) for c in colours[1:])
    assert "超出95%控制限或明显落后于计划" in figure_texts(fig)
    assert glyph_warnings(fig) == []
