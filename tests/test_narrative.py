"""The report's words and tables, checked on the seed as a reader would read them."""

import re

import pytest

from jzanalysis import narrative as nr
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse


@pytest.fixture(scope="module")
def seed():
    return analyse(ReportParams.build(year=2015, as_of_month=7))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&quot;", '"')


def test_headline_compares_task_and_time_progress(seed):
    text = _text(nr.headline_html(seed))
    # 71.6 − 58.3 = 13.3 points ahead for projects; 61.4 − 58.3 = 3.1 for funds
    assert "1-7月 174个，完成全年计划的 71.6%，时间进度 58.3%（按月份）/ 58.2%（按工作日），快于时间进度 13.3 个百分点" in text
    assert "1-7月 798亿元，完成全年计划的 61.4%" in text and "快于时间进度 3.1 个百分点" in text
    assert "综合当前进度与以往计划的完成情况，完成全年计划的概率约为" in text


def test_progress_table_shows_the_arithmetic(seed):
    text = _text(nr.progress_table_html(seed))
    assert "174 ÷ 71.6% = 243.0" in text
    assert "798 ÷ (1+31.3%) = 607.8" in text
    assert "(243.0 − 174) ÷ 5 = 13.8" in text and "(1,299.7 − 798) ÷ 5 = 100.3" in text


def test_working_days_claim_is_checked(seed):
    text = _text(nr.working_days_html(seed))
    assert "自发布日 2015-09-02 起至年底剩 82 个工作日" in text
    assert "自 2015 年 8 月 1 日起剩 104 个" in text and "2015-08-07" in text


def test_forecast_table_names_method_parameters_and_provenance(seed):
    text = _text(nr.forecast_table_html(seed.forecasts["projects_100m"]))
    assert "由“完成全年计划的71.6%”推算：174 ÷ 71.6% = 243.0" in text
    assert "straight_line_workdays" in text and "298.8" in text
    assert "离散参数 φ=0.25" in text and "dispersion_meaning" not in text


def test_source_section_lists_stripped_spam_and_every_fact(seed):
    text = _text(nr.sources_html(seed))
    assert "注入的垃圾标题 欧洲杯外围买球网" in text
    assert "公安县、监利县各23个" in text and "全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%" in text


def test_appendix_period_says_running_total_or_point_in_time(seed):
    text = _text(nr.sources_html(seed))
    # 174 is the January..July running total; the end-of-June batch (监利县 10) is not a Jan..June sum
    assert "2015 1-7月 荆州市 新引进亿元以上项目 174个" in text
    assert "2015 6月 监利县 6月底集中签约项目 10个" in text
    assert "1-6月" not in text
    # the 2014 start rate is a full-year figure
    assert "2014 全年 荆州市 亿元以上工业项目开工率 78.1%" in text


def test_provenance_footer(seed):
    text = _text(nr.provenance_html(seed))
    assert "jzanalysis 0.1.0" in text and "d78e045e7944e41d18bc5e62f1a94de2c72eac61bcf6738f96faa363f2410f42" in text
    assert "as_of_month=7" in text


def test_county_onepager_lists_the_countys_own_figures(seed):
    text = _text(nr.county_onepager_html(seed, "监利县"))
    assert "新引进亿元以上项目 23个，占全市 13.2%（全市 174个）" in text  # 23 ÷ 174 = 13.2%
    assert "2015年1-7月 23个 公安县、监利县各23个" in text
    assert "2015年6月 10个 监利县10个" in text  # the end-of-June batch, a point in time
