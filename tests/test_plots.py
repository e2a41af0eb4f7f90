"""Charts draw with Chinese glyphs (no missing-glyph warning) and carry the expected labels."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt

from jzanalysis.compare import compare_from_facts
from jzanalysis.plots.county import county_interval_chart, funnel_plot
from jzanalysis.plots.progress import burnup_chart

from .test_compare import seed_facts


def _draw(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    return [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))


def test_burnup_chart_has_chinese_labels_and_the_plan_line():
    fig = burnup_chart(label="新引进亿元以上项目", unit="个", year=2015, as_of=7, ytd=174, plan=243.0, forecast_point=298.8)
    texts = _texts(fig)
    assert "全年计划 243.0个" in texts and "按进度（工作日）" in texts and "7月" in texts
    ax = fig.axes[0]
    plan_lines = [line for line in ax.get_lines() if list(line.get_ydata()) == [243.0, 243.0]]
    assert plan_lines
    assert _draw(fig) == []


def test_county_charts_draw_without_missing_glyphs():
    result = compare_from_facts(seed_facts(), year=2015, as_of=7, metric="projects_100m")
    interval = county_interval_chart(result)
    assert {t.get_text() for t in interval.axes[0].get_yticklabels()} >= {"公安县", "江陵县", "荆州开发区"}
    assert _draw(interval) == []
    funnel = funnel_plot(result)
    texts = _texts(funnel)
    assert "公安县、监利县" in texts and "江陵县" in texts and "95% 控制限" in texts
    assert _draw(funnel) == []
