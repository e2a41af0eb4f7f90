"""Fan chart: draws with Chinese labels and no missing-glyph warnings."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest

from jzanalysis.errors import InputError
from jzanalysis.forecast import forecast_from_facts, forecast_series
from jzanalysis.plots.fan import fan_chart


def _texts(fig):
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    return ax, legend


def _draw(fig):
    fig.canvas.draw()  # glyph lookup happens at draw time


def test_fan_chart_seed_chinese_labels_no_glyph_warning(seed_city_facts):
    out = forecast_from_facts(seed_city_facts, year=2015, as_of=7, metric="projects_100m", region="荆州市",
                              methods=["gamma_poisson"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = fan_chart(out)
        _draw(fig)
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyph == []
    ax, legend = _texts(fig)
    assert ax.get_xlabel() == "月份" and ax.get_ylabel() == "累计（个）"
    assert "新引进亿元以上项目" in ax.get_title()
    assert any(t.startswith("全年计划 243.0") for t in legend)
    assert {"1-7月累计", "时间进度（工作日）"} <= set(legend)
    # each band's year-end range is in its legend entry, rounded like the forecast table
    lo80, hi80 = out["forecast"]["quantiles"]["0.1"], out["forecast"]["quantiles"]["0.9"]
    assert f"80% 区间 {lo80:.0f}–{hi80:.0f}个" in legend
    assert f"80% 区间 {lo80:.0f}–{hi80:.0f}个" == "80% 区间 253–351个"  # the seed's gamma_poisson, φ=0.25
    assert sum(t.startswith(("95% 区间 ", "50% 区间 ")) for t in legend) == 2
    assert ax.get_ylim()[1] >= out["forecast"]["quantiles"]["0.975"]
    plt.close(fig)


def test_fan_chart_monthly_path_and_title(seed_city_facts):
    out = forecast_from_facts(seed_city_facts, year=2015, as_of=7, metric="funds_in_place", region="荆州市")
    path = {1: 90, 2: 180, 3: 300, 4: 400, 5: 520, 6: 690, 7: 798}
    fig = fan_chart(out, monthly_path=path, title="实际到位资金：全年预测")
    _draw(fig)
    ax, _ = _texts(fig)
    line = next(l for l in ax.get_lines() if l.get_label() == "1-7月累计")
    assert list(line.get_xdata()) == [0, 1, 2, 3, 4, 5, 6, 7]
    assert ax.get_title() == "实际到位资金：全年预测" and ax.get_ylabel() == "累计（亿元）"
    plt.close(fig)


def test_fan_chart_without_plan_and_outside_calendar():
    r = forecast_series(40, year=1990, as_of=3, kind="count", unit="个").to_dict()
    r["metric"] = "projects_100m"
    fig = fan_chart(r)
    _draw(fig)
    ax, legend = _texts(fig)
    assert not any(t.startswith("全年计划") for t in legend)
    plt.close(fig)


def test_fan_chart_needs_quantiles():
    with pytest.raises(InputError, match="quantiles"):
        fan_chart({"as_of": 7, "ytd": 174, "year": 2015, "forecast": {"point": 298}})
