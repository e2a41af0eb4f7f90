"""The burn-up chart draws with Chinese glyphs (no missing-glyph warning) and the expected labels.

County charts: tests/test_plots_county.py; fan chart: tests/test_plots_fan.py."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt

from jzanalysis.plots.progress import burnup_chart


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
