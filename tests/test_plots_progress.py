"""The chart of a forecast metric: Chinese or English labels without missing glyphs, the real points, the
assumption dashed, and the same rounded figures as the report's text (tests/test_report.py checks the
text side; county charts: tests/test_plots_county.py)."""

from __future__ import annotations

import re

import pytest

from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse
from jzanalysis.report import Report
from tests.helpers import figure_texts, glyph_warnings


@pytest.fixture(scope="module")
def seed():
    return analyse(ReportParams.build())


def test_chart_labels_plan_line_and_forecast(seed):
    r = Report(seed)
    m = r.metrics[0]
    fig = r.progress_figure(m)
    ax = fig.axes[0]
    texts = figure_texts(fig)
    assert ax.get_xlabel() == "月份" and ax.get_ylabel() == "累计（个）"
    assert "全年计划 243个" in texts and "按时间进度（月份）" in texts and "全年预测 267个" in texts
    assert [ln for ln in ax.get_lines() if list(ln.get_ydata()) == [243.0, 243.0]]  # the plan line
    # the time line: plan × month/12, 243 × 7/12 = 141.75 at July
    schedule = next(ln for ln in ax.get_lines() if ln.get_label() == "按时间进度（月份）")
    assert schedule.get_ydata()[7] == pytest.approx(141.75)
    assert glyph_warnings(fig) == []


def test_english_chart_shows_bn_yuan(seed):
    r = Report(seed, "en")
    funds = r.metrics[1]
    fig = r.progress_figure(funds)
    texts = figure_texts(fig)
    assert not re.search(r"[\u3400-\u9fff]", texts)
    assert fig.axes[0].get_ylabel() == "Cumulative (bn yuan)"
    assert "Full-year forecast 134.7 bn yuan" in texts and "Annual plan about 130 bn yuan" in texts
    points = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "Bulletin figures")
    assert list(points.get_ydata()) == [pytest.approx(79.8)]  # 798亿元 = 79.8 bn yuan
    assert glyph_warnings(fig) == []


def test_chart_without_a_plan_has_no_plan_line():
    from pathlib import Path

    a = analyse(ReportParams.build(source=str(Path(__file__).resolve().parent / "fixtures/luan_style_2024_m06.txt")))
    r = Report(a)
    fig = r.progress_figure(r.metrics[0])
    assert "全年计划" not in figure_texts(fig) and "按时间进度" not in figure_texts(fig)
    assert glyph_warnings(fig) == []
