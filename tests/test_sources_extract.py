"""Extraction of the seed bulletin: every figure domain.md lists, with its quote, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest

from jzanalysis.schema import ALL_COLUMNS
from jzanalysis.sources import extract_file, extract_text

CITY = "荆州市"

# (year, months, region, metric, value, plan_pct, yoy_pct, qualifier) — typed in from the bulletin text.
SEED_FACTS = {
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
    (2015, 7, CITY, "industrial_projects_100m_started", 71, None, None, None),
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
}


def _none(value):
    import pandas as pd

    return None if pd.isna(value) else value


@pytest.fixture(scope="module")
def seed(request):
    from jzanalysis import settings

    return extract_file(settings.SEED_BULLETIN)


def test_seed_yields_exactly_the_listed_facts(seed):
    got = {
        (int(r.year), int(r.months), r.region, r.metric, r.value, _none(r.plan_pct), _none(r.yoy_pct), _none(r.qualifier))
        for r in seed.facts.itertuples()
    }
    assert got - SEED_FACTS == set(), "facts that the bulletin does not state"
    assert SEED_FACTS - got == set(), "facts the bulletin states that were missed"
    assert len(seed.facts) == len(SEED_FACTS)  # no duplicates either
    assert list(seed.facts.columns) == ALL_COLUMNS


def test_every_quote_is_the_exact_cleaned_text_and_contains_its_number(seed):
    for row in seed.facts.itertuples():
        assert seed.text[row.start:row.end] == row.quote
        number = "百" if row.metric == "working_days_left_claim" else f"{row.value:g}"
        assert number in row.quote, (row.metric, row.quote)


def test_headline_quotes_carry_scope_and_progress(seed):
    quotes = {(r.region, r.metric): r.quote for r in seed.facts.itertuples() if r.year == 2015 and r.months == 7}
    assert quotes[(CITY, "projects_100m")].startswith("全市新引进亿元以上项目174个")
    assert quotes[(CITY, "projects_100m")].endswith("完成全年计划的71.6%")
    assert quotes[(CITY, "funds_in_place")] == "全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%"
    assert quotes[("公安县", "projects_100m")] == "公安县、监利县各23个"  # the source's wording is kept


def test_county_counts_sum_to_city_total_without_warning(seed):
    counties = seed.facts[(seed.facts.metric == "projects_100m") & (seed.facts.region != CITY)]
    assert counties.value.sum() == 174  # 23+23+22+21+21+18+18+17+11
    assert seed.warnings == []
    assert seed.conflicts == []


def test_note_keeps_part_of_the_name(seed):
    jingzhou = seed.facts[(seed.facts.region == "荆州区") & (seed.facts.metric == "projects_100m")]
    assert jingzhou.note.item() == "含华中农高区"


def test_publication_date_encoding_and_stripped_content(seed):
    assert seed.publication_date == dt.date(2015, 9, 2)
    assert seed.encoding == "utf-8"
    removed = {(s.kind, s.text) for s in seed.cleaning}
    assert ("spam_title", "欧洲杯外围买球网") in removed
    assert ("spam_title", "荆州市招商促进中心-欧洲杯外围买球网") in removed
    assert ("js_tail", '"));') in removed
    assert {"今天是:", "网站地图", "主办:荆州市招商促进中心"} <= {t for k, t in removed if k == "site_chrome"}
    assert "欧洲杯" not in seed.text and '"));' not in seed.text and "0716-8815888" not in seed.text
    assert "全市新引进亿元以上项目174个" in seed.text


def test_cleaned_offsets_map_back_to_the_raw_text(seed):
    raw = seed.path.read_text(encoding="utf-8")
    row = seed.facts[(seed.facts.metric == "funds_in_place")].iloc[0]
    start = seed.raw_offset(int(row.start))
    assert raw[start:start + len(row.quote)] == row.quote


def test_numbers_that_are_not_figures_are_not_facts(seed):
    values = set(seed.facts.value)
    # 500强, 0716-8815888, 440号, 4210000008, 15天, 5月份, 近30条 (a few departments' leads: not a city figure)
    assert not values & {500, 716, 8815888, 440, 4210000008, 15, 5, 30}


def test_digit_stripped_sentence_yields_a_warning_not_a_fact():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目个,完成全年计划的%。全市实际到位资金798亿元。"
    facts, _, warnings, _, _ = extract_text(text, "stripped.txt")
    assert list(facts.metric) == ["funds_in_place"]
    assert any("digits stripped" in w for w in warnings)


def test_conflicting_values_are_reported_not_averaged():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个。截止7月底,全市新引进亿元以上项目175个。"
    facts, _, warnings, conflicts, _ = extract_text(text, "conflict.txt")
    assert facts.empty
    assert conflicts[0]["values"] == [174.0, 175.0]
    assert any("conflict" in w for w in warnings)


def test_county_sum_mismatch_is_a_warning():
    counties = "公安县、监利县各23个,石首市22个,荆州开发区、沙市区各21个,荆州区、洪湖市各18个,松滋市17个,江陵县10个"
    text = f"发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个。从各县市区引进项目情况看:{counties}。"
    facts, _, warnings, _, _ = extract_text(text, "sum.txt")
    assert len(facts) == 10
    assert any("sum to 173, but the city total is 174" in w for w in warnings)  # 23+23+22+21+21+18+18+17+10


def test_unknown_county_is_named_in_a_warning():
    text = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目30个。从各县市区引进项目情况看:公安县20个,荆州新区10个。"
    facts, _, warnings, _, _ = extract_text(text, "unknown.txt")
    assert "荆州新区" in " ".join(warnings)
    assert set(facts.region) == {CITY, "公安县"}
