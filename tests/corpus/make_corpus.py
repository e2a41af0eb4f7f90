"""Writes tests/corpus/*: each bulletin variant and its expected facts, typed from the text by hand.

Run it after editing a case: `.venv/bin/python tests/corpus/make_corpus.py` (it rewrites the files of its own
cases and deletes nothing). The GBK/GB18030 cases are written as bytes in that encoding."""

import json
from pathlib import Path

C = "荆州市"
OUT = Path(__file__).resolve().parent
cases = {}


def case(
    name,
    text,
    facts,
    *,
    warnings=(),
    cleaning=(),
    conflicts=(),
    encoding=None,
    published=None,
    error=None,
    suffix=".txt",
    write=None,
    description="",
):
    cases[name] = dict(
        text=text,
        suffix=suffix,
        write=write,
        expected={
            "description": description,
            "published": published,
            "encoding": encoding,
            "error": error,
            "facts": facts,
            "warnings": list(warnings),
            "cleaning": [list(c) for c in cleaning],
            "conflicts": [list(c) for c in conflicts],
        },
    )


# fact rows: [year, months, region, metric, value, plan_pct, yoy_pct, qualifier]
case(
    "01_period_dash",
    """发布时间:2016-08-05
2016年1-7月全市招商引资工作通报
1-7月,全市新引进亿元以上项目180个,完成全年计划的72.0%。全市实际到位资金820.5亿元,完成全年计划的63.1%,同比增长12.4%。
""",
    [[2016, 7, C, "projects_100m", 180, 72.0, None, None], [2016, 7, C, "funds_in_place", 820.5, 63.1, 12.4, None]],
    published="2016-08-05",
    description="1-7月 with 完成全年计划的X% and 同比增长X%",
)

case(
    "02_q1_kaimenhong",
    """发布时间:2017-04-06
一季度,全市新签约亿元以上项目65个,完成开门红目标的108.3%,同比增长8.3%。
""",
    [[2017, 3, C, "projects_100m", 65, None, 8.3, None]],
    published="2017-04-06",
    description="一季度 = 3 months; 开门红目标 is not the annual plan: no plan_pct",
)

case(
    "03_half_year_growth_rate",
    """发布日期：2017-07-12
上半年全市新签约亿元以上项目132个,同比增幅10.0%;实际到位资金612亿元,完成年度目标的52.1%。
""",
    [[2017, 6, C, "projects_100m", 132, None, 10.0, None], [2017, 6, C, "funds_in_place", 612, 52.1, None, None]],
    published="2017-07-12",
    description="上半年 = 6; 同比增幅; 完成年度目标的; full-width colon after 发布日期",
)

case(
    "04_yuanzhi",
    """发布时间:2015-08-20
元至7月,全市新引进亿元以上项目174个,完成全年目标的71.6%。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None]],
    published="2015-08-20",
    description="元至7月; 完成全年目标的",
)

case(
    "05_jan_to_aug",
    """发布时间:2018-09-10
2018年1月至8月,全市新签约亿元以上项目201个,完成年度目标的80.4%,实际到位资金905亿元,同比增长9.1%。
""",
    [[2018, 8, C, "projects_100m", 201, 80.4, None, None], [2018, 8, C, "funds_in_place", 905, None, 9.1, None]],
    published="2018-09-10",
    description="1月至8月; growth goes to the figure it follows",
)

case(
    "06_emdash",
    """发布时间:2015-08-15
1—7月,全市新引进亿元以上项目170个。
""",
    [[2015, 7, C, "projects_100m", 170, None, None, None]],
    published="2015-08-15",
    description="1—7月 with an em dash",
)

case(
    "07_qian7",
    """发布时间:2015-08-12
前7月,全市新引进亿元以上项目168个,其中亿元以上工业项目150个,10亿元以上项目20个,过百亿元项目2个。
""",
    [
        [2015, 7, C, "projects_100m", 168, None, None, None],
        [2015, 7, C, "industrial_projects_100m", 150, None, None, None],
        [2015, 7, C, "projects_1b", 20, None, None, None],
        [2015, 7, C, "projects_10b", 2, None, None, None],
    ],
    published="2015-08-12",
    description="前7月; 亿元以上 / 工业 / 10亿元以上 / 过百亿元 kept apart",
)

case(
    "08_q3_decline",
    """发布时间:2019-10-15
前三季度,全市新签约亿元以上项目220个,同比下降3.5%;实际到位资金1010亿元,完成全年计划的78.0%,增长5.2%。
""",
    [[2019, 9, C, "projects_100m", 220, None, -3.5, None], [2019, 9, C, "funds_in_place", 1010, 78.0, 5.2, None]],
    published="2019-10-15",
    description="前三季度 = 9; 下降X% is negative growth",
)

case(
    "09_full_year_next_january",
    """发布时间:2016-01-20
2015年全年,全市新引进亿元以上项目301个,完成全年计划的123.9%;实际到位资金1350亿元,增长18.2%。
""",
    [[2015, 12, C, "projects_100m", 301, 123.9, None, None], [2015, 12, C, "funds_in_place", 1350, None, 18.2, None]],
    published="2016-01-20",
    description="全年 = 12; the year written in the text (2015) wins over the publication year (2016)",
)

case(
    "10_jiezhi_recap_not_duplicated",
    """发布时间:2015-08-05
截至7月底,全市新引进亿元以上项目174个,完成全年计划的71.6%;全市实际到位资金798亿元,完成全年计划的61.4%。截止7月底,全市引进亿元以上项目个数和到位资金已完成全年目标计划的71.6%和61.4%。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None], [2015, 7, C, "funds_in_place", 798, 61.4, None, None]],
    published="2015-08-05",
    description="截至/截止7月底; the recap sentence repeats plan_pct and adds no fact",
)

case(
    "11_contract_era_other_base_year",
    """发布时间:2021-07-08
2021年1-6月,全市新签约亿元以上项目152个,同比增长20.6%;合同引资额1520.3亿元,完成年度目标的60.8%,较2019年同期增长45.2%。
""",
    [
        [2021, 6, C, "projects_100m", 152, None, 20.6, None],
        [2021, 6, C, "contract_investment", 1520.3, 60.8, None, None],
    ],
    published="2021-07-08",
    warnings=["growth against 2019"],
    description="合同引资额 (after ~2020); 较2019年同期增长 is not year on year: no yoy_pct, a warning",
)

case(
    "12_agreement_amount",
    """发布时间:2022-04-08
2022年一季度,全市新签约亿元以上项目88个,协议引资额805亿元,同比增长15.0%。
""",
    [[2022, 3, C, "projects_100m", 88, None, None, None], [2022, 3, C, "contract_investment", 805, None, 15.0, None]],
    published="2022-04-08",
    description="协议引资额 → contract_investment",
)

case(
    "13_signing_total",
    """发布时间:2023-07-10
今年上半年,全市新签约亿元以上项目170个,签约总金额1688亿元,完成年度目标的56.3%。
""",
    [[2023, 6, C, "projects_100m", 170, None, None, None], [2023, 6, C, "contract_investment", 1688, 56.3, None, None]],
    published="2023-07-10",
    description="签约总金额 → contract_investment; 今年 + publication date",
)

case(
    "14_project_total_investment",
    """发布时间:2020-10-16
2020年前三季度,全市新签约亿元以上项目210个,引进项目总投资2010亿元。较2019年同期增长8.0%。
""",
    [[2020, 9, C, "projects_100m", 210, None, None, None], [2020, 9, C, "contract_investment", 2010, None, None, None]],
    published="2020-10-16",
    description="引进项目总投资 → contract_investment; a growth figure in a sentence of its own attaches to nothing",
)

case(
    "15_county_list_sums",
    """发布时间:2016-05-06
2016年1-4月,全市新签约亿元以上项目100个。其中,公安县、监利县各15个,石首市12个,洪湖市、松滋市各11个,江陵县8个,沙市区10个,荆州区9个,荆州开发区9个。
""",
    [
        [2016, 4, C, "projects_100m", 100, None, None, None],
        [2016, 4, "公安县", "projects_100m", 15, None, None, None],
        [2016, 4, "监利县", "projects_100m", 15, None, None, None],
        [2016, 4, "石首市", "projects_100m", 12, None, None, None],
        [2016, 4, "洪湖市", "projects_100m", 11, None, None, None],
        [2016, 4, "松滋市", "projects_100m", 11, None, None, None],
        [2016, 4, "江陵县", "projects_100m", 8, None, None, None],
        [2016, 4, "沙市区", "projects_100m", 10, None, None, None],
        [2016, 4, "荆州区", "projects_100m", 9, None, None, None],
        [2016, 4, "荆州开发区", "projects_100m", 9, None, None, None],
    ],
    published="2016-05-06",
    description="X、Y各N个 gives N to each; 15+15+12+11+11+8+10+9+9 = 100, no warning",
)

case(
    "16_county_list_does_not_sum",
    """发布时间:2016-05-06
2016年1-4月,全市新签约亿元以上项目100个。其中,公安县、监利县各15个,石首市12个,洪湖市、松滋市各11个,江陵县7个,沙市区10个,荆州区9个,荆州开发区9个。
""",
    [
        [2016, 4, C, "projects_100m", 100, None, None, None],
        [2016, 4, "公安县", "projects_100m", 15, None, None, None],
        [2016, 4, "监利县", "projects_100m", 15, None, None, None],
        [2016, 4, "石首市", "projects_100m", 12, None, None, None],
        [2016, 4, "洪湖市", "projects_100m", 11, None, None, None],
        [2016, 4, "松滋市", "projects_100m", 11, None, None, None],
        [2016, 4, "江陵县", "projects_100m", 7, None, None, None],
        [2016, 4, "沙市区", "projects_100m", 10, None, None, None],
        [2016, 4, "荆州区", "projects_100m", 9, None, None, None],
        [2016, 4, "荆州开发区", "projects_100m", 9, None, None, None],
    ],
    published="2016-05-06",
    warnings=["sum to 99, but the city total is 100"],
    description="all nine counties present, 99 ≠ 100: a warning, figures kept as stated",
)

case(
    "17_traditional_pinyin",
    """發布時間:2015-09-02
1-7月,全市新引進(jìn)億(yì)元以上項(xiàng)目174個(gè),完成全年計(jì)劃(huà)的71.6%。荊州區(含華中農高區)18個(gè)。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None], [2015, 7, "荆州区", "projects_100m", 18, None, None, None]],
    published="2015-09-02",
    cleaning=[["pinyin_gloss", "(jìn)"], ["pinyin_gloss", "(xiàng)"], ["t2s", None]],
    description="traditional copy with pinyin glosses; real parentheses (含华中农高区) survive",
)

GBK_TEXT = """荆州市招商促进中心
发布时间:2015-09-02
1-7月全市招商引资情况通报
全市新引进亿元以上项目174个(亿元以上工业项目159个,其中10亿元以上项目21个),完成全年计划的71.6%。
全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%,各县市区、荆州开发区均按进度完成了计划。
今年以来,面对国内外复杂的经济环境,全市招商引资势头不减,成绩更是来之不易。
"""
case(
    "18_gbk_bytes",
    GBK_TEXT,
    [
        [2015, 7, C, "projects_100m", 174, 71.6, None, None],
        [2015, 7, C, "industrial_projects_100m", 159, None, None, None],
        [2015, 7, C, "projects_1b", 21, None, None, None],
        [2015, 7, C, "funds_in_place", 798, 61.4, 31.3, None],
    ],
    encoding="gb18030",
    published="2015-09-02",
    write="gb18030",
    description="GB18030 bytes (as government pages are served); the guess is reported",
)

case(
    "19_html_spam_title_script",
    """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>荆州市招商促进中心-欧洲杯外围买球网</title>
<style>.x{color:red}</style>
<script>var fake = "1-7月全市新引进亿元以上项目999个";</script></head>
<body><div class="nav">今天是:2015年9月2日</div>
<h1>1-7月全市招商引资情况通报</h1>
<p>发布时间:2015-09-02</p>
<p>全市新引进亿元以上项目174个,完成全年计划的71.6%。</p>
<p>全市实际到位资金798亿元,增长31.3%。</p>
<script>document.write("全市实际到位资金888亿元");</script>
<div class="foot">主办:荆州市招商促进中心 网站地图</div>
</body></html>
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None], [2015, 7, C, "funds_in_place", 798, None, 31.3, None]],
    suffix=".html",
    published="2015-09-02",
    cleaning=[["spam_title", "荆州市招商促进中心-欧洲杯外围买球网"], ["site_chrome", "今天是:2015年9月2日"]],
    description="HTML: visible text only (scripts and styles are not read); the injected title is reported",
)

case(
    "20_digits_stripped",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目个,完成全年目标的%。全市实际到位资金798亿元,增长%。
""",
    [[2015, 7, C, "funds_in_place", 798, None, None, None]],
    published="2015-09-02",
    warnings=["亿元以上项目个", "增长%"],
    description="a sentence without its numbers yields no fact and a warning naming it; never a guessed number",
)

case(
    "21_repost_date_only",
    """转载时间:2019-05-01
今年1-7月,全市新引进亿元以上项目174个。
""",
    [[None, 7, C, "projects_100m", 174, None, None, None]],
    published=None,
    warnings=["no year"],
    description="a repost date is not a publication date: 今年 cannot be resolved, year is null",
)

case(
    "22_repost_and_publication",
    """来源:某某资讯网 转载日期:2019-03-01
发布时间:2015-09-02
今年1-7月,全市新引进亿元以上项目174个。
""",
    [[2015, 7, C, "projects_100m", 174, None, None, None]],
    published="2015-09-02",
    description="the mirror's 转载日期 is skipped, the 发布时间 is used",
)

case(
    "23_synonym_spinning",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,完结全年计划的71.6%。市直驻点招商单位引进项目14个,总出资近155亿元。
""",
    [
        [2015, 7, C, "projects_100m", 174, 71.6, None, None],
        [2015, 7, C, "resident_projects", 14, None, None, None],
        [2015, 7, C, "resident_investment", 155, None, None, "approx"],
    ],
    published="2015-09-02",
    description="content-farm synonyms 完结 (完成) and 出资 (投资) still extract",
)

case(
    "24_conflict",
    """发布时间:2015-09-02
1-7月全市新引进亿元以上项目174个。截至7月底,全市新引进亿元以上项目175个。全市实际到位资金798亿元。
""",
    [[2015, 7, C, "funds_in_place", 798, None, None, None]],
    published="2015-09-02",
    warnings=["conflict"],
    conflicts=[[2015, 7, C, "projects_100m", [174, 175]]],
    description="two values for one key: reported as a conflict, neither kept as a fact, never averaged",
)

case(
    "25_fullwidth_doubled_punct",
    """发布时间:2015-09-02
１-７月,,全市新引进亿元以上项目１７４个,,完成全年计划的７１．６％。。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None]],
    published="2015-09-02",
    cleaning=[["fullwidth_digits", "１７４→174"], ["doubled_punct", ",,→,"]],
    description="full-width digits normalised, doubled punctuation collapsed, both reported",
)

case(
    "26_broken_fragments",
    """发布时间:2015-09-02
?/p>1-7月,全市新引进亿元以上项目174个。?/p>
<p>全市实际到位资金798亿元,完成全年计划的61.4%。</p>
""",
    [[2015, 7, C, "projects_100m", 174, None, None, None], [2015, 7, C, "funds_in_place", 798, 61.4, None, None]],
    published="2015-09-02",
    cleaning=[["broken_markup", "?/p>"]],
    description="broken tag fragments (?/p>) in a text file are removed and reported",
)

case(
    "27_keyword_stuffing",
    """澳门百家乐 时时彩 六合彩 bet365 真人视讯
发布时间:2015-09-02
百家乐官网入口1-7月,全市新引进亿元以上项目174个。今年赴港澳招商3次。
""",
    [[2015, 7, C, "projects_100m", 174, None, None, None]],
    published="2015-09-02",
    cleaning=[["spam_title", "澳门百家乐 时时彩 六合彩 bet365 真人视讯"], ["spam", "百家乐官网入口"]],
    description="keyword stuffing: a spam line dropped, stuffing glued to the text cut without the text; 港澳 is no spam",
)

case(
    "28_alias_era_2021",
    """发布时间:2021-07-08
2021年1-6月,全市新签约亿元以上项目152个。其中监利市20个,荆州经开区18个,公安县17个。
""",
    [
        [2021, 6, C, "projects_100m", 152, None, None, None],
        [2021, 6, "监利县", "projects_100m", 20, None, None, None],
        [2021, 6, "荆州开发区", "projects_100m", 18, None, None, None],
        [2021, 6, "公安县", "projects_100m", 17, None, None, None],
    ],
    published="2021-07-08",
    description="county aliases of the later era (监利市, 荆州经开区) resolve to one canonical name",
)

case(
    "29_same_year_base_is_yoy",
    """发布时间:2015-09-02
2015年1-7月,全市实际到位资金798亿元,较2014年同期增长31.3%。
""",
    [[2015, 7, C, "funds_in_place", 798, None, 31.3, None]],
    published="2015-09-02",
    description="较2014年同期 in a 2015 bulletin is year on year",
)

case(
    "30_not_figures",
    """发布时间:2015-09-02
1-7月,市农业局、市财政局搜集有效项目信息近30条,月均驻点天数超过15天,研究驻点区域500强企业。5月份中博会集中签约。
电话:0716-8815888 地址:北京西路440号
""",
    [],
    published="2015-09-02",
    warnings=["no figures found"],
    description="department figures (近30条), days, 500强, 5月份, phone and house numbers are not facts",
)

case(
    "31_batch_signings_each",
    """发布时间:2016-07-20
2016年上半年,各地在5月份中博会集中签约项目的基础上,6月底又集中签约了一批项目(其中,监利县、荆州区各10个,沙市区8个)。
""",
    [
        [2016, 6, "监利县", "batch_signings_june", 10, None, None, None],
        [2016, 6, "荆州区", "batch_signings_june", 10, None, None, None],
        [2016, 6, "沙市区", "batch_signings_june", 8, None, None, None],
    ],
    published="2016-07-20",
    description="end-of-June batch signings, with 各",
)

# UTF-8 bytes of a bulletin decoded as GBK and saved again: what a wrong guess upstream leaves behind.
_good = "全市新引进亿元以上项目一百七十四个完成全年计划的百分之七十一点六全市实际到位资金七百九十八亿元" * 2
case(
    "32_mojibake",
    _good.encode("utf-8").decode("gbk", errors="replace"),
    [],
    error="mojibake",
    description="UTF-8 read as GBK (mojibake) is refused, not extracted",
)

case(
    "33_working_days_claim",
    """发布时间:2016-09-05
今年1-8月,全市新签约亿元以上项目190个。全年有效工作日仅剩一百天,力争完成全年目标任务。
""",
    [
        [2016, 8, C, "projects_100m", 190, None, None, None],
        [2016, 8, C, "working_days_left_claim", 100, None, None, None],
    ],
    published="2016-09-05",
    description="仅剩一百天: a Chinese numeral, kept as a claim to check",
)

case(
    "34_county_sentences",
    """发布时间:2015-09-02
1-7月,公安县新引进亿元以上项目23个,完成全年计划的70.0%,实际到位资金85亿元,同比增长12.0%。全市新引进亿元以上项目174个,实际到位资金798亿元。荆州经开区合同引资额120亿元。公安县、监利县新引进亿元以上项目46个。
""",
    [
        [2015, 7, "公安县", "projects_100m", 23, 70.0, None, None],
        [2015, 7, "公安县", "funds_in_place", 85, None, 12.0, None],
        [2015, 7, C, "projects_100m", 174, None, None, None],
        [2015, 7, C, "funds_in_place", 798, None, None, None],
        [2015, 7, "荆州开发区", "contract_investment", 120, None, None, None],
    ],
    published="2015-09-02",
    warnings=["more than one county"],
    description="a county as the subject of its clause (and of the clauses after it); 全市 resets; two counties in one clause: not kept",
)

case(
    "35_gbk_html",
    """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>荆州市招商促进中心-欧洲杯外围买球网</title><script>var a="前三季度全市新签约亿元以上项目999个";</script></head>
<body><p>发布时间:2019-10-15</p><p>前三季度,全市新签约亿元以上项目220个,同比下降3.5%。</p>
<p>全市实际到位资金1010亿元,完成全年计划的78.0%。</p><p>今年以来,面对国内外复杂的经济环境,全市招商引资势头不减。</p></body></html>
""",
    [[2019, 9, C, "projects_100m", 220, None, -3.5, None], [2019, 9, C, "funds_in_place", 1010, 78.0, None, None]],
    suffix=".html",
    encoding="gb18030",
    published="2019-10-15",
    write="gb18030",
    cleaning=[["spam_title", "荆州市招商促进中心-欧洲杯外围买球网"]],
    description="an HTML page served as GB2312 (read as its superset GB18030), with an injected title and a script",
)

case(
    "36_no_period",
    """全市新引进亿元以上项目174个,完成全年计划的71.6%。
""",
    [],
    warnings=["no period", "no figures found"],
    description="figures without any period cannot be dated: none kept, and the file says why",
)

case(
    "37_mirror_source_date",
    """来源:某某资讯网 日期:2019-03-01
今年1-7月,全市新引进亿元以上项目174个。
""",
    [[None, 7, C, "projects_100m", 174, None, None, None]],
    published=None,
    warnings=["no year"],
    description="a mirror's 来源 line with its own 日期 is not the publication date",
)

case(
    "38_single_month",
    """发布时间:2015-08-10
1-7月,全市新引进亿元以上项目174个,其中7月当月新引进亿元以上项目20个。
""",
    [[2015, 7, C, "projects_100m", 174, None, None, None]],
    published="2015-08-10",
    warnings=["single month"],
    description="a single month's figure (7月当月) is not a January..M total: reported, not kept, no false conflict",
)

case(
    "39_other_years_in_the_text",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,比去年同期增加24个,实际到位资金798亿元。2014年同期,全市引进亿元以上项目150个。去年全年全市引进亿元以上项目260个。
""",
    [
        [2015, 7, C, "projects_100m", 174, None, None, None],
        [2015, 7, C, "funds_in_place", 798, None, None, None],
        [2014, 7, C, "projects_100m", 150, None, None, None],
        [2014, 12, C, "projects_100m", 260, None, None, None],
    ],
    published="2015-09-02",
    description="2014年同期 = 2014, same months; 去年全年 = 2014, 12 months; 比去年同期增加 is a comparison, not a subject",
)

case(
    "40_share_of_plan",
    """发布时间:2015-07-05
截至6月底,全市实际到位资金512亿元,占全年目标的45.0%。全市新引进亿元以上项目120个,完成年计划的49.4%。
""",
    [[2015, 6, C, "funds_in_place", 512, 45.0, None, None], [2015, 6, C, "projects_100m", 120, 49.4, None, None]],
    published="2015-07-05",
    description="占全年目标的X% and 完成年计划的X% are progress against the annual plan",
)

case(
    "41_month_and_quarter_figures",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,总投资1200亿元。7月份,全市新引进亿元以上项目25个。二季度全市新引进亿元以上项目60个。全市实际到位资金798亿元,总投资1500亿元。
""",
    [
        [2015, 7, C, "projects_100m", 174, None, None, None],
        [2015, 7, C, "contract_investment", 1200, None, None, None],
        [2015, 7, C, "funds_in_place", 798, None, None, None],
    ],
    published="2015-09-02",
    warnings=["not a January..M total: “7月份", "not a January..M total: “二季度"],
    description="7月份 and 二季度 figures are not January..M totals (reported, no false conflict); 总投资 after a project "
    "count is 引进项目总投资, after anything else it is not taken",
)

case(
    "42_spaces_around_numbers",
    """发布时间:2015-09-02
1-7月, 全市新引进亿元以上项目 174 个, 完成全年计划的 71.6 %。全市实际到位资金 798 亿元。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None], [2015, 7, C, "funds_in_place", 798, None, None, None]],
    published="2015-09-02",
    cleaning=[["spacing", " "]],
    description="spaces around numbers are removed (reported); counts in Chinese numerals: test_sources_extract",
)

# Files are only written, never deleted: others may add variants here (and under more/).
for name, c in cases.items():
    path = OUT / f"{name}{c['suffix']}"
    if c["write"]:
        path.write_bytes(c["text"].encode(c["write"]))
    else:
        path.write_text(c["text"], encoding="utf-8")
    e = c["expected"]
    lines = ["{"]
    items = list(e.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(v, list) and v:
            rows = ",\n".join("  " + json.dumps(r, ensure_ascii=False) for r in v)
            lines.append(f' "{k}": [\n{rows}\n ]{comma}')
        else:
            lines.append(f' "{k}": {json.dumps(v, ensure_ascii=False)}{comma}')
    lines.append("}")
    (OUT / f"{name}.expected.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
print(len(cases), "cases")
