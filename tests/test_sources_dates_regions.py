"""Dates, the city of a bulletin, the lexicon and tables: each behaviour on a small text typed for it."""

from __future__ import annotations

import datetime as dt

import pytest

from jzanalysis.errors import InputError
from jzanalysis.regions import get_region
from jzanalysis.sources import read_text
from jzanalysis.sources.extract.dates import document_period, find_period, publication_date, whole_year
from jzanalysis.sources.extract.lexicon import classify, load_lexicon, read_phrase
from jzanalysis.sources.extract.regions import detect_city

LEXICON = load_lexicon()


# --- publication dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, date",
    [
        ("logo\n2023-03-31 09:06 来源: 咸宁日报\n…", dt.date(2023, 3, 31)),  # a dateline with the clock time
        ("来源：鄂州日报 | 2022-06-15 08:30 | 责任编辑：周洋", dt.date(2022, 6, 15)),  # a news site's article line
        ("时间:2019-03-05  来源:襄阳市招商局", dt.date(2019, 3, 5)),
        ("发布时间 2018-06-14 10:32 来源 市商务局", dt.date(2018, 6, 14)),  # a label without its colon
        ("原创 泰州发布 2022-10-21 19:30 发表于江苏", dt.date(2022, 10, 21)),  # a WeChat header
        ("铜陵市投资促进中心　２０２１－１２－０９　　阅读：２１７", dt.date(2021, 12, 9)),  # full-width digits
        ("21.03.2019\n九江市1—10月招商引资工作情况通报", dt.date(2019, 3, 21)),  # day first
        ("正文……\n黄冈市招商引资工作领导小组办公室\n二〇一八年六月十二日印发", dt.date(2018, 6, 12)),  # a signature
        ("2019-07-16 08:21  来源：扬州日报  作者：王晓晨  编辑：刘颖", dt.date(2019, 7, 16)),  # 编辑 after the date
    ],
)
def test_publication_date_forms(text, date):
    assert publication_date(text) == date


@pytest.mark.parametrize(
    "text",
    [
        "今天是:2025年07月07日 星期一",  # a crawl date
        "转载时间：2018-03-12　来源：荆州招商网",  # a repost
        "更新日期:2016-03-01",
        "来源:某某资讯网 日期:2019-03-01",  # a mirror's own date on its 来源 line
        "2015年1-7月,全市新引进亿元以上项目174个",  # a period, not a date
    ],
)
def test_dates_that_are_not_the_publication(text):
    assert publication_date(text) is None


def test_periods_and_years():
    assert [find_period(t)[0] for t in ("前两个月", "1~11月", "1—9月份", "前三季度", "一季度")] == [2, 11, 9, 9, 3]
    assert find_period("提前一个月完成全年目标任务") is None  # 提前一个月 is not January..1
    # the bulletin's own period is not another year's 全年; a month's last day is that month's end
    assert document_period("截至9月30日，今年全市新签约过亿元项目95个。去年全年，全市新签约过亿元项目112个。") == 9
    # a review of 2021 published in January 2022 covers all of 2021; in July of 2021 it would not
    assert whole_year("2021年，全市新签约亿元以上项目296个", dt.date(2022, 1, 20)) == 2021
    assert whole_year("2021年，全市新签约亿元以上项目296个", dt.date(2021, 7, 1)) is None


# --- the city a bulletin is about --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, city",
    [
        ("1-6月，全市新签约亿元以上项目174个，其中霍山县34个、金寨县32个。", "六安市"),  # its counties
        ("十房网讯 记者获悉,我市上半年新签约项目293个。", "十堰市"),  # a local news site of the profile
        (
            "记者从市合作交流办获悉,今年1至7月,天津共引进项目2596个。北京企业在津投资738亿元。",
            "天津市",
        ),  # 北京企业: an origin
        ("新闻中心 > 咸宁\n赴广州、深圳、杭州等地开展定向招商。咸宁日报", "咸宁市"),  # destinations count nothing
        (
            "滑县1-10月招商引资工作取得新成效\n全县新签约亿元以上项目23个。",
            "安阳市",
        ),  # a county of a city without a profile
    ],
)
def test_the_city_is_found_from_the_text(text, city):
    assert detect_city(text).name == city


def test_a_bulletin_of_one_zone_files_its_figures_under_the_zone():
    text = "发布时间:2021-10-15\n荆州经开区1-9月招商引资综述\n1-9月，全区新签约亿元以上项目19个，完成年度目标的79.2%。"
    found = read_text(text, "zone.txt")
    assert found.city.name == "荆州市" and found.city.home_unit == "荆州开发区"
    assert list(zip(found.facts.region, found.facts.value, found.facts.plan_pct)) == [("荆州开发区", 19.0, 79.2)]


def test_a_region_given_against_the_text_is_used_and_said():
    text = "发布时间:2023-08-01\n随州市1-7月全市新签约亿元以上项目154个,其中随州高新区45个。"
    found = read_text(text, "s.txt", region=get_region("荆州市"))
    assert set(found.facts.region) == {"荆州市", "随州高新区"}
    assert found.warnings[0].startswith("the text names 随州市") and "filed under 荆州市 as asked" in found.warnings[0]


def test_a_city_without_a_profile_keeps_its_zones_under_their_names():
    text = "发布时间:2020-09-18\n株洲市1-8月全市新签约亿元以上项目120个,其中醴陵市20个、株洲经开区9个。"
    found = read_text(text, "z.txt")
    assert sorted(zip(found.facts.region, found.facts.value)) == [
        ("株洲市", 120.0),
        ("株洲经开区", 9.0),
        ("醴陵市", 20.0),
    ]
    assert any("株洲市 has no region profile" in w for w in found.warnings)
    assert any(w.startswith("株洲经开区 is not in 株洲市's profile") for w in found.warnings)


@pytest.mark.parametrize(
    "phrase, names",
    [
        ("、完成市考核目标", []),  # words before 市, not a place
        ("、实施区", []),
        ("、紧盯自治区", []),
        ("、道真县", ["道真县"]),  # 道真仡佬族苗族自治县 by its short form and 县: the national list holds it
        ("、无为市", ["无为市"]),  # 无为县 became 无为市 (2019); the list's short form 无为 with 市
        ("、城陵矶新港区", ["城陵矶新港区"]),  # a zone: no list holds every zone, the name is kept
    ],
)
def test_no_region_name_is_made_of_words_before_a_suffix(phrase, names):
    from jzanalysis.sources.extract.regions import RegionMatcher

    matcher = RegionMatcher(get_region("池州市"))
    assert [m.name for m in matcher.mentions(phrase)] == names


# --- the lexicon -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, unit, metric",
    [
        (
            "全市新签约亿元以上重大招商引资项目",
            "个",
            "projects_signed_100m",
        ),  # signed: its own id, family projects_100m
        ("全市新引进亿元以上工业项目和生产性服务业项目", "个", "projects_100m"),  # 生产性服务业 restricts nothing
        ("全市新开工亿元以上项目", "个", "projects_started"),  # started, not signed
        ("亿元以上新签约开工项目", "个", "projects_started"),
        ("其中过10亿元项目", "个", "projects_1b"),
        ("过百亿元项目", "个", "projects_10b"),
        ("实际到位省外资金", "亿元", "funds_in_place"),
        ("全市实际引进内外资总额", "亿元", "funds_in_place"),
        ("亿元以上签约项目协议金额", "亿元", "contract_investment"),
        ("全市储备亿元以上重点在谈项目", "个", None),  # a pipeline
        ("新落地亿元以上工业项目", "个", None),
        ("全市5亿元以上新签约项目", "个", None),  # no metric for 5亿元以上
        ("其中来自沪苏浙的新签约亿元以上工业项目", "个", None),  # a part of the total by origin
        ("全市共引进注册规模项目", "个", None),
    ],
)
def test_lexicon_rules(phrase, unit, metric):
    rule = classify(read_phrase(phrase, LEXICON), unit, LEXICON, read_phrase(phrase, LEXICON).stage)
    assert (rule.metric if rule else None) == metric


def test_a_lexicon_rule_naming_an_unknown_metric_is_one_line(tmp_path):
    from jzanalysis.sources.extract.lexicon import LEXICON_PATH

    bad = tmp_path / "lexicon.toml"
    bad.write_text(
        LEXICON_PATH.read_text(encoding="utf-8") + '\n[[rule]]\nid = "x"\nmetric = "nope"\nunits = ["个"]\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="unknown metric id"):
        load_lexicon(bad)


# --- tables ------------------------------------------------------------------------------------------------


def test_a_table_flattened_to_text():
    text = (
        "发布时间:2022-09-13\n1—8月份，全市新签约亿元以上项目90个。\n"
        "附表：1—8月份各县市区亿元以上项目招商情况\n"
        "县市区 | 签约项目数（个） | 协议投资额（亿元） | 到位资金完成年度目标（%）\n"
        "无为市 | 52 | 402.6 | 70.5\n南陵县 | 38 | 251.3 | 66.1\n合计 | 90 | 653.9 | 68.7\n"
    )
    facts = read_text(text, "t.txt", region=get_region("芜湖市")).facts
    rows = sorted(zip(facts.region, facts.metric, facts.value))
    # 52 + 38 = 90: the 合计 row is the city total the text also states (one fact); 402.6 + 251.3 = 653.9
    assert rows == [
        ("南陵县", "contract_investment", 251.3),
        ("南陵县", "projects_signed_100m", 38.0),
        ("无为市", "contract_investment", 402.6),
        ("无为市", "projects_signed_100m", 52.0),
        ("芜湖市", "contract_investment", 653.9),
        ("芜湖市", "projects_signed_100m", 90.0),
    ]


def test_a_table_column_in_wan_dollars_is_converted():
    # 实际利用外资（万美元）: 2500万美元 = 0.25亿美元, 1200万美元 = 0.12亿美元 (metrics.toml: 万美元 × 0.0001)
    text = (
        "发布时间:2022-09-13\n1—8月份，全市新签约亿元以上项目90个。\n附表：1—8月份各县市区招商情况\n"
        "县市区 | 签约项目数（个） | 实际利用外资（万美元）\n无为市 | 52 | 2500\n南陵县 | 38 | 1200\n"
    )
    facts = read_text(text, "t.txt", region=get_region("芜湖市")).facts
    fdi = facts[facts.metric == "fdi_in_place"]
    assert sorted(zip(fdi.region, fdi.value.round(6), fdi.unit)) == [
        ("南陵县", 0.12, "亿美元"),
        ("无为市", 0.25, "亿美元"),
    ]


# --- document decisions: subject, period, year ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, city, unit",
    [
        # 该县 is the county's own word; the opening names its zones, the text names 沭阳县 itself further down
        (
            "日前，8个项目在沭阳经济开发区集中签约。\n今年以来，沭阳先后赴深圳招商。1-9月，该县新引进亿元以上项目52个。"
            "沭阳县将抓好项目落地。",
            "宿迁市",
            "沭阳县",
        ),
        # 我市 of a county-level city: its media centre signs the text; the prefecture's officials only visit
        (
            "9月2日，衡阳市商务局一行来我市调研。上半年，我市实际到位资金38亿元。\n来源：耒阳市融媒体中心",
            "衡阳市",
            "耒阳市",
        ),
        # a zone named after its city, in its long form; 全区 and 该区 are its own words
        (
            "2023年以来，盐城经济技术开发区狠抓项目。该区全年新引进亿元以上项目45个，全区实际到位资金80亿元。",
            "盐城市",
            "盐城经济技术开发区",
        ),
        # a county renamed a county-level city after the national list was made: named by its short form, 全市
        (
            "无为家政品牌叫响。平安银行入驻无为。智汇无为人才计划推进。全市新引进亿元以上项目122个。芜湖市首位。",
            "芜湖市",
            "无为市",
        ),
    ],
)
def test_the_subject_is_decided_from_every_clue(text, city, unit):
    from jzanalysis.sources.extract.regions import detect_city

    detection = detect_city(text)
    assert (detection.name, detection.home_unit) == (city, unit), detection.subject_evidence
    assert detection.subject_evidence  # the decision says why
    assert detection.region.resolve(unit) == unit  # the region holds it (a zone or a renamed city is added)


def test_a_zone_of_the_national_list_answers_to_its_short_form():
    # 淮安经济技术开发区 is in the national list; bulletins and labels write 淮安经开区
    assert get_region("淮安市").resolve("淮安经开区") == "淮安经济技术开发区"


@pytest.mark.parametrize(
    "text, city",
    [
        (
            "发表于 湖北省武汉市 2020-5-21\n抓住机遇 鄂州招商引资稳步回升\n全市新引进亿元以上项目19个",
            "鄂州市",
        ),  # a poster's place
        ("上半年，我市招商势头良好。省内温州、义乌等地市也纷纷外出招商。全市引进项目100个。", None),  # competitors
        ("今年1-8月，我市各县（市、区）和丽水经济开发区招商工作总体较好。", "丽水市"),  # the city's zone in a list
        (
            "到宿豫观摩。宿豫始终强化招商。为宿豫的发展注入活力。上半年，全区实际到位资金54亿元。",
            "宿迁市",
        ),  # short form
        (
            "政府工作报告\n——2019年2月15日在绵阳市第七届人民代表大会第四次会议上\n过去一年，全市新引进亿元以上项目97个。",
            "绵阳市",
        ),  # a work report: the city's own congress, though its name comes after 在
        ("在上海举办的推介会上，我市签约项目12个。", None),  # 在 before another city still names no subject
    ],
)
def test_the_city_is_not_taken_from_a_poster_or_a_competitor(text, city):
    assert detect_city(text).name == city


def test_a_full_year_review_is_decided_with_its_evidence():
    from jzanalysis.sources.extract.dates import full_year_review, year_from_clues

    # 去年 with a publication date: the year before it; without one, the review's year is open
    assert full_year_review("据介绍，去年全年全市新签约亿元项目413个", dt.date(2023, 2, 1)).year == 2022
    assert full_year_review("据介绍，去年全年全市新签约亿元项目413个", None).year is None
    # "2022年，济宁经开区…": a zone's whole 2022
    assert full_year_review("2022年，济宁经开区新引进亿元以上项目26个", None).year == 2022
    # the years written: 2023 counts 2 (topic) + 2 (a part of the year) = 4 against 2022's 2 (topic)
    year, evidence = year_from_clues("收官。\n2022年，全市GDP增长3.6%。2023年，全市1-4月…。2023年1-4月，全市…", 4)
    assert year == 2023 and "2022" in evidence[-1]


def test_extract_states_its_document_decisions_and_each_facts_confidence():
    from jzanalysis.sources.extract import extract

    text = "去年，全市新引进亿元以上项目312个，协议引资额1986.4亿元。"
    found = extract(text, published=dt.date(2024, 2, 20), region=get_region("荆州市"))
    document = found.document
    assert (document.subject.value, document.period.value, document.year.value) == ("荆州市", 12, 2023)
    assert "去年，全市" in document.period.evidence[0] and "2024-02-20" in document.year.evidence[0]
    lines = document.lines()
    assert [line.split(":")[0] for line in lines] == ["subject", "period", "year"]
    assert lines[1].startswith("period: 1-12月 (confidence 0.80)")  # a review of a whole year, not a written 1-12月
    # a fact is as sure as the decisions it rests on: the period's 0.8 here
    assert [(f.value, f.year, f.months, f.confidence) for f in found.facts] == [
        (312.0, 2023, 12, 0.8),
        (1986.4, 2023, 12, 0.8),
    ]


@pytest.mark.parametrize(
    "text, region, expected",
    [
        # a zone named after no place, in the headline of its own bulletin; the city given
        (
            "发布时间:2021-07-10\n空港新区上半年招商引资综述\n上半年，全区新引进亿元以上项目12个，实际到位资金88亿元。",
            "郑州市",
            [("空港新区", "projects_100m", 12.0, 2021, 6), ("空港新区", "funds_in_place", 88.0, 2021, 6)],
        ),
        # a county's review of 2021 published in January 2022; the county named only in the source line
        (
            "发布时间:2022-01-15\n2021年，我县新引进亿元以上项目45个，实际到位资金60亿元。\n来源：滑县人民政府",
            None,
            [("滑县", "projects_100m", 45.0, 2021, 12), ("滑县", "funds_in_place", 60.0, 2021, 12)],
        ),
    ],
)
def test_a_units_own_bulletin_files_its_figures_under_it(text, region, expected):
    found = read_text(text, "u.txt", region=get_region(region) if region else None)
    got = list(zip(found.facts.region, found.facts.metric, found.facts.value, found.facts.year, found.facts.months))
    assert got == expected, found.document.lines()


def test_a_figure_as_of_now_is_not_the_bulletins_period():
    # published 2020-05-21: 目前 is part of May, neither January..March (the first period) nor a month's end
    text = "发布时间:2020-05-21\n一季度，全市新引进亿元以上项目7个。目前，全市新引进亿元以上项目19个，协议投资额141.5亿元。"
    found = read_text(text, "n.txt", region=get_region("鄂州市"))
    assert list(zip(found.facts.value, found.facts.months)) == [(7.0, 3)]
    assert sum("dated to a day (目前)" in w for w in found.warnings) == 2


def test_a_review_of_last_year_with_no_date_keeps_its_figures_without_a_year():
    # no date: 去年 is the review's own year, which the text does not name; its figures are kept with no year
    found = read_text(
        "去年，全市新引进亿元以上项目160个，实际到位资金395.8亿元。", "r.txt", region=get_region("仙桃市")
    )
    assert list(zip(found.facts.value, found.facts.months, found.facts.year.isna())) == [
        (160.0, 12, True),
        (395.8, 12, True),
    ]
    assert found.document.year.value is None and found.document.period.value == 12


def test_a_year_from_the_written_years_is_as_sure_as_its_margin_over_any_other():
    from jzanalysis.sources.extract.dates import year_clue_confidence

    # one year only: 0.9; 2023 opens a sentence in the opening lines (2 + 1 = 3) against 2024 named once in
    # them (1 + 1 = 2): 0.5 + 0.4 × (3 − 2) / 3 = 0.633 → 0.63; two years of equal weight: 0.5
    assert year_clue_confidence("2023年，全区引进项目12个。", 2023) == 0.9
    assert year_clue_confidence("2023年，全区…。2024年计划…", 2023) == 0.63
    assert year_clue_confidence("2023年招商…2024年招商…", 2023) == 0.5
