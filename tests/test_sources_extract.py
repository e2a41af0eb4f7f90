"""Extraction: the seed bulletin's facts exactly, and behaviours on small texts (the corpus of bulletin variants
under tests/corpus/: test_sources_corpus.py).

Every expected value here was typed in from the bulletin text, not copied from the extractor's output.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from jzanalysis.regions import get_region
from jzanalysis.schema import ALL_COLUMNS
from jzanalysis.sources import extract_file, extract_text
from tests.helpers import expected_rows, fact_rows

JINGZHOU = get_region("荆州市")  # the corpus is Jingzhou's; most variants do not name the city

CITY = "荆州市"
SEED_NAME = "000_f5510f0c233d12e8.txt"

# (year, months, region, metric, value, plan_pct, yoy_pct, qualifier) — typed in from the bulletin text.
SEED_FACTS = [
    (2015, 7, CITY, "projects_100m", 174, 71.6, None, None),
    (2015, 7, CITY, "industrial_projects_100m", 159, None, None, None),
    (2015, 7, CITY, "projects_1b", 21, None, None, None),
    (2015, 7, "公安县", "projects_100m", 23, None, None, None),  # 公安县、监利县各23个
    (2015, 7, "监利县", "projects_100m", 23, None, None, None),
    (2015, 7, "石首市", "projects_100m", 22, None, None, None),
    (2015, 7, "荆州开发区", "projects_100m", 21, None, None, None),  # 荆州开发区、沙市区各21个
    (2015, 7, "沙市区", "projects_100m", 21, None, None, None),
    (2015, 7, "荆州区", "projects_100m", 18, None, None, None),  # 荆州区(含华中农高区)、洪湖市各18个
    (2015, 7, "洪湖市", "projects_100m", 18, None, None, None),
    (2015, 7, "松滋市", "projects_100m", 17, None, None, None),
    (2015, 7, "江陵县", "projects_100m", 11, None, None, None),
    (2015, 7, CITY, "funds_in_place", 798, 61.4, 31.3, None),
    (2014, 12, CITY, "industrial_start_rate", 78.1, None, None, None),  # the 2014 cohort's 开工率
    (2015, 7, CITY, "industrial_projects_100m_started", 71, None, None, None),  # of 2015's 159
    (2015, 7, CITY, "resident_projects", 14, None, None, None),
    (2015, 7, CITY, "resident_investment", 155, None, None, "approx"),  # 近155亿元
    (2015, 7, CITY, "resident_industrial_projects_100m", 13, None, None, None),
    (2015, 7, CITY, "resident_projects_1b", 7, None, None, None),
    (2014, 12, CITY, "resident_industrial_projects_100m", 32, None, None, None),
    (2014, 12, CITY, "resident_projects_in_production", 2, None, None, None),
    (2014, 12, CITY, "resident_projects_started", 9, None, None, None),
    (2015, 7, CITY, "leader_leads", 50, None, None, "more_than"),  # 愈50条
    (2015, 7, CITY, "leader_trips", 26, None, None, None),
    (2015, 7, CITY, "leader_negotiations", 82, None, None, None),
    (2014, 12, CITY, "resident_teams", 99, None, None, None),  # 由去年的99个
    (2015, 7, CITY, "resident_teams", 112, None, None, None),  # 增加到今年的112个
    (2015, 7, CITY, "resident_staff", 300, None, None, "more_than"),  # 驻点人数愈300人
    (2015, 6, "监利县", "batch_signings_june", 10, None, None, None),
    (2015, 6, "荆州区", "batch_signings_june", 10, None, None, None),
    (2015, 6, "沙市区", "batch_signings_june", 8, None, None, None),
    (2015, 6, "石首市", "batch_signings_june", 4, None, None, None),
    (2015, 7, CITY, "working_days_left_claim", 100, None, None, None),  # 仅剩百天: 百 = 100
]


def _none(value):
    return None if pd.isna(value) else value


@pytest.fixture(scope="module")
def seed():
    from jzanalysis import settings

    return extract_file(settings.SEED_BULLETIN)


def test_seed_facts(seed):
    assert fact_rows(seed.facts) == expected_rows(SEED_FACTS)  # every row, no extra, no duplicate
    assert list(seed.facts.columns) == ALL_COLUMNS
    assert set(seed.facts.source) == {SEED_NAME}
    assert set(seed.facts.unit[seed.facts.metric == "funds_in_place"]) == {"亿元"}


def test_seed_quotes_are_exact_cleaned_text_with_their_numbers(seed):
    for row in seed.facts.itertuples():
        assert seed.text[row.start : row.end] == row.quote
        number = "百" if row.metric == "working_days_left_claim" else f"{row.value:g}"
        assert number in row.quote, (row.metric, row.quote)


def test_seed_headline_quotes_carry_scope_and_progress(seed):
    quotes = {(r.region, r.metric, r.year): r.quote for r in seed.facts.itertuples()}
    assert quotes[(CITY, "projects_100m", 2015)] == (
        "全市新引进亿元以上项目174个(亿元以上工业项目159个,其中10亿元以上项目21个),完成全年计划的71.6%"
    )
    assert quotes[(CITY, "funds_in_place", 2015)] == "全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%"
    assert quotes[("公安县", "projects_100m", 2015)] == "公安县、监利县各23个"  # the source's wording is kept
    assert quotes[(CITY, "industrial_start_rate", 2014)] == "2014年引进亿元以上工业项目开工率为78.1%"
    assert quotes[(CITY, "working_days_left_claim", 2015)] == "全年有效工作日仅剩百天"


def test_seed_notes(seed):
    notes = {(r.region, r.metric, r.year): _none(r.note) for r in seed.facts.itertuples()}
    assert notes[("荆州区", "projects_100m", 2015)] == "含华中农高区"
    assert notes[("监利县", "batch_signings_june", 2015)] == "6月底集中签约"
    assert "2014" in notes[(CITY, "resident_projects_started", 2014)]  # the 2014 cohort, as of the bulletin
    assert "核对" in notes[(CITY, "working_days_left_claim", 2015)]  # a claim, to be checked


def test_seed_counties_sum_to_the_city_and_nothing_conflicts(seed):
    counties = seed.facts[(seed.facts.metric == "projects_100m") & (seed.facts.region != CITY)]
    assert counties.value.sum() == 174  # 23+23+22+21+21+18+18+17+11
    assert seed.warnings == []
    assert seed.conflicts == []  # the recap "…71.6%和61.4%" repeats, it does not conflict


def test_seed_metadata(seed):
    assert seed.source == SEED_NAME
    assert seed.publication_date == dt.date(2015, 9, 2)
    assert seed.encoding == "utf-8"
    assert len(seed.sha256) == 64


def test_seed_offsets_map_back_to_the_raw_text(seed):
    raw = seed.path.read_text(encoding="utf-8")
    for row in seed.facts.itertuples():
        start = seed.raw_offset(int(row.start))
        assert raw[start : start + len(row.quote)] == row.quote  # cleaning removed whole lines only


def test_seed_numbers_that_are_not_figures_are_not_facts(seed):
    values = set(seed.facts.value)
    # 500强, 0716-8815888, 440号, 4210000008, 15天, 5月份, 05028271 (ICP number)
    assert not values & {500, 716, 8815888, 440, 4210000008, 15, 5, 5028271}
    # 近30条 is three departments' leads (市农业局、市财政局、市人社局), not a city or county figure:
    # deliberately not extracted, so it cannot be summed with the city's 50 leads by mistake.
    assert 30 not in values
    assert not any("近30条" in q for q in seed.facts.quote)


# --- behaviours stated in the brief, on small texts ---------------------------------------------------


def test_digit_stripped_sentence_yields_a_warning_naming_it_not_a_fact():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目个,完成全年计划的%。全市实际到位资金798亿元。"
    facts, _, warnings, _, _ = extract_text(text, "stripped.txt", region=JINGZHOU)
    assert list(facts.metric) == ["funds_in_place"]
    assert len(warnings) == 1
    assert "digits stripped" in warnings[0] and "1-7月全市新引进亿元以上项目个" in warnings[0]


def test_conflicting_values_are_reported_not_averaged_and_left_out():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个。截止7月底,全市新引进亿元以上项目175个。"
    facts, _, warnings, conflicts, _ = extract_text(text, "conflict.txt", region=JINGZHOU)
    assert facts.empty  # neither value is used: a reader cannot tell which one is right
    assert conflicts[0]["key"] == (2015, 7, CITY, "projects_100m")
    assert conflicts[0]["values"] == [174.0, 175.0]
    assert conflicts[0]["quotes"] == ["1-7月全市新引进亿元以上项目174个", "全市新引进亿元以上项目175个"]
    assert any("conflict" in w and "174 and as 175" in w for w in warnings)


def test_same_value_twice_is_one_fact_with_the_first_quote():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个。截止7月底,全市新引进亿元以上项目174个,完成全年计划的71.6%。"
    facts, _, warnings, conflicts, _ = extract_text(text, "twice.txt", region=JINGZHOU)
    assert len(facts) == 1 and conflicts == [] and warnings == []
    assert facts.quote.item() == "1-7月全市新引进亿元以上项目174个"
    assert facts.plan_pct.item() == 71.6  # the repeat's progress figure is kept on the first


def test_county_sum_mismatch_is_a_warning():
    counties = "公安县、监利县各23个,石首市22个,荆州开发区、沙市区各21个,荆州区、洪湖市各18个,松滋市17个,江陵县10个"
    text = f"发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个。从各县市区引进项目情况看:{counties}。"
    facts, _, warnings, _, _ = extract_text(text, "sum.txt", region=JINGZHOU)
    assert len(facts) == 10
    assert warnings == [
        "county figures of projects_100m 2015 1-7月 sum to 173, but the city total is 174"
    ]  # 23+23+22+21+21+18+18+17+10


def test_counties_missing_from_the_list_are_not_a_sum_warning():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个。其中公安县23个,江陵县11个。"
    facts, _, warnings, _, _ = extract_text(text, "some.txt", region=JINGZHOU)
    assert set(facts.region) == {CITY, "公安县", "江陵县"} and warnings == []


def test_a_county_the_profile_lacks_is_kept_under_its_own_name_with_a_warning():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目30个。从各县市区引进项目情况看:公安县20个,荆州新区10个。"
    facts, _, warnings, _, _ = extract_text(text, "unknown.txt", region=JINGZHOU)
    assert warnings == ["荆州新区 is not in 荆州市's profile: its figures are kept under its own name (“荆州新区10个”)"]
    assert sorted(zip(facts.region, facts.value)) == [("公安县", 20.0), ("荆州市", 30.0), ("荆州新区", 10.0)]


@pytest.mark.parametrize(
    "period, months",
    [
        ("一季度", 3),
        ("上半年", 6),
        ("元至7月", 7),
        ("1月至8月", 8),
        ("1-7月", 7),
        ("1—7月", 7),
        ("前7月", 7),
        ("前三季度", 9),
        ("全年", 12),
        ("截止7月底", 7),
        ("截至10月底", 10),
        ("1-11月", 11),
        ("1至7月", 7),
        ("一至七月", 7),
        ("元至七月", 7),
        ("一月至十一月", 11),
        ("前七个月", 7),
        ("截至七月底", 7),
        ("第一季度", 3),
    ],
)
def test_period_phrasings(period, months):
    facts, *_ = extract_text(f"发布时间:2015-12-20\n{period},全市新引进亿元以上项目100个。", "p.txt", region=JINGZHOU)
    assert (facts.months.item(), facts.year.item()) == (months, 2015)


@pytest.mark.parametrize(
    "phrase, plan_pct",
    [
        ("完成全年计划的71.6%", 71.6),
        ("完成年度目标的71.6%", 71.6),
        ("完成全年目标的71.6%", 71.6),
        ("完成全年目标任务的71.6%", 71.6),
        ("完成开门红目标的71.6%", None),
        ("完结全年计划的71.6%", 71.6),
    ],
)
def test_progress_phrasings(phrase, plan_pct):
    facts, *_ = extract_text(
        f"发布时间:2015-09-02\n1-7月,全市新引进亿元以上项目174个,{phrase}。", "p.txt", region=JINGZHOU
    )
    assert _none(facts.plan_pct.item()) == plan_pct


@pytest.mark.parametrize(
    "phrase, yoy_pct",
    [
        ("同比增长31.3%", 31.3),
        ("同比增幅31.3%", 31.3),
        ("增长31.3%", 31.3),
        ("同比下降4.5%", -4.5),
        ("较上年同期增长31.3%", 31.3),
        ("较2014年同期增长31.3%", 31.3),
        ("较2013年同期增长31.3%", None),
    ],
)
def test_growth_phrasings(phrase, yoy_pct):
    facts, _, warnings, _, _ = extract_text(
        f"发布时间:2015-09-02\n1-7月,全市实际到位资金798亿元,{phrase}。", "g.txt", region=JINGZHOU
    )
    assert _none(facts.yoy_pct.item()) == yoy_pct
    assert bool(warnings) == (yoy_pct is None)  # against 2013 is not year on year: said so, not dropped silently


@pytest.mark.parametrize(
    "metric_phrase, metric",
    [("新引进亿元以上项目", "projects_100m"), ("新签约亿元以上项目", "projects_signed_100m")],
)
def test_both_eras_count_the_same_metric_family(metric_phrase, metric):
    # a signing count keeps its own id (a report labels it 新签约) and is scored and pooled as projects_100m
    from jzanalysis.metrics import METRICS

    facts, *_ = extract_text(f"发布时间:2021-07-08\n1-6月,全市{metric_phrase}152个。", "e.txt", region=JINGZHOU)
    assert facts.metric.item() == metric
    assert METRICS[metric].family_id == "projects_100m"


@pytest.mark.parametrize("label", ["合同引资额", "协议引资额", "签约总金额", "引进项目总投资", "引进项目总出资"])
def test_contract_amount_labels(label):
    facts, *_ = extract_text(f"发布时间:2021-07-08\n1-6月,全市{label}1520亿元。", "c.txt", region=JINGZHOU)
    assert (facts.metric.item(), facts.value.item()) == ("contract_investment", 1520.0)


def test_year_sources():
    # written year > 今年 with the publication date > nothing (null, with a warning)
    facts, *_ = extract_text(
        "发布时间:2016-01-20\n2015年1-12月,全市新引进亿元以上项目301个。", "y.txt", region=JINGZHOU
    )
    assert facts.year.item() == 2015
    facts, *_ = extract_text("发布时间:2015-09-02\n今年1-7月,全市新引进亿元以上项目174个。", "y.txt", region=JINGZHOU)
    assert facts.year.item() == 2015
    facts, _, warnings, _, _ = extract_text(
        "转发日期:2019-05-01\n今年1-7月,全市新引进亿元以上项目174个。", "y.txt", region=JINGZHOU
    )
    assert pd.isna(facts.year.item()) and any("no year" in w for w in warnings)


def test_text_without_period_gives_no_facts_and_says_why():
    facts, _, warnings, _, _ = extract_text("全市新引进亿元以上项目174个。", "n.txt", region=JINGZHOU)
    assert facts.empty and "no period" in warnings[0]


def test_month_end_date_as_the_only_period():
    # 截至7月31日 = January..July; 2015年2月28日 is February's end (2015 is not a leap year)
    facts, *_ = extract_text(
        "2015年招商工作\n截至7月31日，全市新引进亿元以上项目174个，完成全年计划的71.6%。", "d.txt", region=JINGZHOU
    )
    assert facts[["year", "months", "value", "plan_pct"]].values.tolist() == [[2015, 7, 174.0, 71.6]]
    facts, *_ = extract_text("截至2015年2月28日，全市新引进亿元以上项目31个。", "d.txt", region=JINGZHOU)
    assert facts[["year", "months", "value"]].values.tolist() == [[2015, 2, 31.0]]


@pytest.mark.parametrize(
    "text",
    [
        "2015年招商工作\n截至7月20日，全市新引进亿元以上项目120个。",  # part of July
        "截至2016年2月28日，全市新引进亿元以上项目31个。",  # 2016 is a leap year: 2月29日 is the end
        "截至2月28日，全市新引进亿元以上项目31个。",  # no year: cannot tell
    ],
)
def test_a_date_that_is_not_a_month_end_dates_nothing(text):
    facts, _, warnings, _, _ = extract_text(text, "d.txt", region=JINGZHOU)
    assert facts.empty
    assert "not the last day of a month" in warnings[0]


def test_county_list_with_stripped_digits_is_a_warning():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个。其中,公安县、监利县各个,石首市个。"
    facts, _, warnings, _, _ = extract_text(text, "stripped_counties.txt", region=JINGZHOU)
    assert list(facts.region) == [CITY]
    assert len(warnings) == 1 and "县各个" in warnings[0]


@pytest.mark.parametrize(
    "written, value",
    [("一百七十四", 174), ("十二", 12), ("两", 2), ("一七四", 174), ("174", 174)],
)
def test_counts_in_chinese_numerals(written, value):
    facts, *_ = extract_text(
        f"发布时间:2015-09-02\n1-7月,全市新引进亿元以上项目{written}个。", "cn.txt", region=JINGZHOU
    )
    assert facts.value.item() == value
    assert written in facts.quote.item()


def test_working_days_claim_in_chinese_numerals():
    facts, *_ = extract_text("发布时间:2015-09-02\n1-7月,全年有效工作日仅剩一百零五天。", "days.txt", region=JINGZHOU)
    assert (facts.metric.item(), facts.value.item()) == ("working_days_left_claim", 105.0)


def test_amounts_and_percentages_in_chinese_numerals():
    text = "发布时间:2015-09-02\n1-7月,全市实际到位资金七百九十八亿元,完成全年计划的百分之六十一点四,同比增长百分之三十一点三。"
    facts, *_ = extract_text(text, "cn.txt", region=JINGZHOU)
    assert facts[["value", "plan_pct", "yoy_pct"]].values.tolist() == [[798.0, 61.4, 31.3]]


def test_thousands_separators_in_amounts_only():
    text = "发布时间:2015-09-02\n1-7月,全市合同引资额1,680亿元,全市新引进亿元以上项目174个,350个项目在建。"
    facts, *_ = extract_text(text, "sep.txt", region=JINGZHOU)
    assert sorted(facts.value) == [174.0, 1680.0]  # "174个,350" is two numbers, not 174,350


@pytest.mark.parametrize("module", ["read", "clean", "extract"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"jzanalysis.sources.{module}"))
    assert result.failed == 0 and result.attempted > 0


def test_plan_share_in_tenths():
    facts, *_ = extract_text(
        "发布时间:2015-09-02\n1-7月,全市新引进亿元以上项目174个,完成全年计划的七成。", "cheng.txt", region=JINGZHOU
    )
    assert facts.plan_pct.item() == 70.0  # 七成 = 70%


def test_a_text_past_its_time_budget_is_one_clear_error(monkeypatch):
    # budget 0 s: the first sentence is already late, so the text stops at its first character; its length:
    # "1-7月" 4 + "全市新引进亿元以上项目" 11 + "174个" 4 + "，" 1 + "完成全年计划的" 7 + "71.6%" 5 + "。" 1 = 33
    from jzanalysis import settings
    from jzanalysis.errors import InputError
    from jzanalysis.sources import read_text

    monkeypatch.setattr(settings, "EXTRACT_SECONDS", 0.0)
    with pytest.raises(InputError, match=r"^b\.txt: not read within 0 s \(stopped at character 0 of 33\)"):
        read_text("1-7月全市新引进亿元以上项目174个，完成全年计划的71.6%。", "b.txt")


def test_fdi_in_wan_dollars_is_converted_to_the_metrics_unit():
    # 5008万美元 = 5008 × 0.0001 = 0.5008亿美元 (metrics.toml [metric.convert]); its share is its own, not the
    # 54.81亿元 funds figure's
    facts, *_ = extract_text(
        "发布时间:2021-07-16\n上半年,全市实际到位资金54.81亿元,实际到账外资5008万美元,占全年目标任务的100.16%。",
        "f.txt",
        region=JINGZHOU,
    )
    rows = sorted(zip(facts.metric, facts.value, facts.unit, facts.plan_pct.fillna(0)))
    assert rows == [("fdi_in_place", 0.5008, "亿美元", 100.16), ("funds_in_place", 54.81, "亿元", 0.0)]


def test_a_run_of_figure_lines_inside_prose_is_one_sentence():
    """Lines 2-4 are short, unpunctuated and each carry a figure: one sentence laid out a clause per line, so
    they read as one; the headline (no figure) and the prose line ending in 。 stay sentences of their own."""
    from jzanalysis.sources.extract.clauses import sentences

    text = "招商成绩单\n全市签约项目412个\n计划总投资1320.6亿元\n其中亿元以上项目188个\n全市上下坚持项目为王。"
    assert [text[a:b].strip() for a, b in sentences(text)] == [
        "招商成绩单",
        "全市签约项目412个\n计划总投资1320.6亿元\n其中亿元以上项目188个",
        "全市上下坚持项目为王。",
    ]


def test_a_rate_past_100_percent_is_left_out_with_a_warning_not_the_whole_bulletin():
    # before: "industrial_start_rate value must be a number 0..100 %, got 120.0", exit 2 for the whole file
    facts, _cleaned, warnings, _conflicts, _published = extract_text(
        "荆州市1-7月亿元以上工业项目开工率120%，全市新引进亿元以上项目174个。", "rate.txt"
    )
    assert list(zip(facts.metric, facts.value)) == [("projects_100m", 174.0)]
    assert any("120%" in w and "not kept" in w for w in warnings), warnings
