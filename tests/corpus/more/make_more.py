"""Writes tests/corpus/more/*: further bulletin variants, each with its expected facts typed from the text.

Kept apart from ../make_corpus.py (which rewrites the top-level corpus folder) so the two generators never
delete each other's files. GB18030 cases are written as bytes here and committed as bytes.
Row format as in ../README.md: [year, months, region, metric, value, plan_pct, yoy_pct, qualifier].
"""

import json
from pathlib import Path

C = "荆州市"
OUT = Path(__file__).parent
cases = {}


def case(
    name,
    text,
    facts,
    *,
    warnings=(),
    conflicts=(),
    published=None,
    encoding=None,
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
            "error": None,
            "facts": facts,
            "warnings": list(warnings),
            "cleaning": [],
            "conflicts": [list(c) for c in conflicts],
        },
    )


case(
    "90_later_full_year_comparison",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,完成全年计划的71.6%。2014年全年,全市新引进亿元以上项目250个。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None], [2014, 12, C, "projects_100m", 250, None, None, None]],
    published="2015-09-02",
    description="a later '2014年全年' comparison must not move the bulletin's own 1-7月 figures to 2014",
)

case(
    "91_update_date_only",
    """更新日期:2016-03-01
今年1-7月,全市新引进亿元以上项目174个,完成全年计划的71.6%。
""",
    [[None, 7, C, "projects_100m", 174, 71.6, None, None]],
    warnings=["no year"],
    description="更新日期 is a mirror's date: 今年 stays unknown (year null, warning), never 2016",
)

case(
    "92_update_date_year_in_text",
    """更新日期:2016-03-01
2015年1-7月,全市新引进亿元以上项目174个。
""",
    [[2015, 7, C, "projects_100m", 174, None, None, None]],
    description="更新日期 ignored; the year written at the period (2015年1-7月) dates the bulletin",
)

case(
    "93_traditional_pinyin_gbk",
    """發布時間:2015-09-02
截止7月底,全市新引進(jìn)億(yì)元以上項(xiàng)目174個(gè),完成全年目標(biāo)的71.6%;實際到位資金798億(yì)元,同比增長31.3%。
面對複雜的經(jīng)濟環境,全市招商引資勢頭不減。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None], [2015, 7, C, "funds_in_place", 798, None, 31.3, None]],
    published="2015-09-02",
    write="gb18030",
    encoding="gb18030",
    description="繁体 + pinyin glosses in GB18030 bytes; 截止7月底; 完成全年目标的",
)

case(
    "94_html_gbk_contract_era",
    """<html><head><meta charset="gbk"><title>澳门百家乐官网入口</title>
<script>var n = "全市合同引资额9999亿元";</script></head>
<body><p>发布时间:2022-10-12</p>
<p>2022年前三季度,全市新签约亿元以上项目260个,完成年度目标的86.7%,其中过百亿元项目3个;协议引资额2105亿元,同比增长18.6%。</p>
<p>其中监利市、荆州经开区各30个。</p>
</body></html>
""",
    [
        [2022, 9, C, "projects_100m", 260, 86.7, None, None],
        [2022, 9, C, "projects_10b", 3, None, None, None],
        [2022, 9, C, "contract_investment", 2105, None, 18.6, None],
        [2022, 9, "监利县", "projects_100m", 30, None, None, None],
        [2022, 9, "荆州开发区", "projects_100m", 30, None, None, None],
    ],
    published="2022-10-12",
    suffix=".html",
    write="gb18030",
    encoding="gb18030",
    description="GBK HTML: spam <title> and a <script> number dropped; 协议引资额, 过百亿元, 监利市/荆州经开区各N个 → canonical names",
)

case(
    "95_fullwidth_decline_doubled",
    """发布时间:2019-10-15
前三季度,,全市新签约亿元以上项目２２０个,,同比下降３．５％;;实际到位资金１０１０亿元,完成全年计划的７８．０％。
""",
    [[2019, 9, C, "projects_100m", 220, None, -3.5, None], [2019, 9, C, "funds_in_place", 1010, 78.0, None, None]],
    published="2019-10-15",
    description="full-width digits and ％, doubled punctuation, 下降 → negative yoy",
)

case(
    "96_spun_synonyms",
    """发布时间:2021-07-08
2021年上半年,全市新签约亿元以上项目152个,完结年度目标的60.8%;引进项目总出资1520亿元,增长20.6%。
""",
    [[2021, 6, C, "projects_100m", 152, 60.8, None, None], [2021, 6, C, "contract_investment", 1520, None, 20.6, None]],
    published="2021-07-08",
    description="content-farm synonyms: 完结 for 完成, 总出资 for 总投资; bare 增长X% is growth",
)

case(
    "97_funds_conflict",
    """发布时间:2015-09-02
1-7月,全市实际到位资金798亿元,完成全年计划的61.4%。截止7月底,全市实际到位资金789亿元。全市新引进亿元以上项目174个。
""",
    [[2015, 7, C, "projects_100m", 174, None, None, None]],
    published="2015-09-02",
    warnings=["conflict"],
    conflicts=[[2015, 7, C, "funds_in_place", [798, 789]]],
    description="1-7月 and 截止7月底 are the same key: 798 vs 789 is a conflict, neither kept",
)

case(
    "98_stripped_funds_and_growth",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,完成全年计划的71.6%;实际到位资金亿元,同比增长%。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None]],
    published="2015-09-02",
    warnings=["到位资金亿元"],
    description="funds sentence without digits: no funds fact, no growth given to another figure, one warning",
)

case(
    "99_other_base_year_2021",
    """发布时间:2021-08-06
2021年1-7月,全市合同引资额1680亿元,较2019年同期增长45.2%,完成全年目标的62.2%。
""",
    [[2021, 7, C, "contract_investment", 1680, 62.2, None, None]],
    published="2021-08-06",
    warnings=["2019"],
    description="较2019年同期 is not year-on-year: yoy null with a warning; the plan share still attaches",
)

case(
    "84_plan_shares_respectively",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,实际到位资金798亿元,分别完成全年计划的71.6%和61.4%。截止7月底,全市引进亿元以上项目个数和到位资金已完成全年目标计划的71.6%和61.4%。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None], [2015, 7, C, "funds_in_place", 798, 61.4, None, None]],
    published="2015-09-02",
    description="分别完成全年计划的X%和Y% gives X to the first figure and Y to the second; the later recap adds nothing",
)

case(
    "85_respectively",
    """发布时间:2016-08-05
2016年1-7月,全市新引进亿元以上项目180个,其中公安县、监利县、石首市分别为25个、24个、20个,江陵县12个。洪湖市、荆州新区分别为18个、6个。
""",
    [
        [2016, 7, C, "projects_100m", 180, None, None, None],
        [2016, 7, "公安县", "projects_100m", 25, None, None, None],
        [2016, 7, "监利县", "projects_100m", 24, None, None, None],
        [2016, 7, "石首市", "projects_100m", 20, None, None, None],
        [2016, 7, "江陵县", "projects_100m", 12, None, None, None],
        [2016, 7, "洪湖市", "projects_100m", 18, None, None, None],
        [2016, 7, "荆州新区", "projects_100m", 6, None, None, None],
    ],
    published="2016-08-05",
    warnings=["荆州新区 is not in 荆州市's profile"],
    description="X、Y、Z分别为a个、b个、c个 pairs in order; a unit the profile lacks (荆州新区) is kept under its own "
    "name and reported, never dropped",
)

case(
    "86_glued_county_and_day_date",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,实际到位资金798亿元。其中公安县实际到位资金85亿元。截至8月15日,全市新引进亿元以上项目180个。截至7月31日,全市新引进亿元以上项目174个。
""",
    [
        [2015, 7, C, "projects_100m", 174, None, None, None],
        [2015, 7, C, "funds_in_place", 798, None, None, None],
        [2015, 7, "公安县", "funds_in_place", 85, None, None, None],
    ],
    published="2015-09-02",
    warnings=["截至8月15日"],
    description="其中公安县… is the county's (not a false city conflict); 截至8月15日 is a day, not a month's end: "
    "reported, not kept; 截至7月31日 is the end of July (same value, one fact)",
)

case(
    "87_growth_forms",
    """发布时间:2019-08-06
2019年1-7月,全市实际到位资金1010亿元,同比下滑3.5%;全市新签约亿元以上项目200个,增速12.0%;协议投资总额1800亿元,同比增长-2.0%。
""",
    [
        [2019, 7, C, "funds_in_place", 1010, None, -3.5, None],
        [2019, 7, C, "projects_100m", 200, None, 12.0, None],
        [2019, 7, C, "contract_investment", 1800, None, -2.0, None],
    ],
    published="2019-08-06",
    description="growth forms: 下滑 → negative, 增速 = growth rate, 增长-2.0% (signed) → negative; 协议投资总额 is contract_investment",
)

case(
    "88_targets_not_results",
    """发布时间:2015-09-02
1-7月,全市新引进亿元以上项目174个,完成全年计划的71.6%。全年目标:新引进亿元以上项目243个。下半年力争新引进亿元以上项目100个。
""",
    [[2015, 7, C, "projects_100m", 174, 71.6, None, None]],
    published="2015-09-02",
    warnings=["target", "target"],
    description="a target (全年目标:…243个, 下半年力争…100个) is not a result: reported, not kept, no false conflict",
)

case(
    "89_txt_script_line",
    """<script>document.write('1-7月全市实际到位资金999亿元')</script>
发布时间:2015-09-02
1-7月,全市实际到位资金798亿元,完成全年计划的61.4%。
""",
    [[2015, 7, C, "funds_in_place", 798, 61.4, None, None]],
    published="2015-09-02",
    description="a .txt copy of a page keeps its <script> line; its string is not a figure (no false conflict)",
)

for old in OUT.glob("[0-9][0-9]_*"):
    old.unlink()
for name, c in cases.items():
    path = OUT / f"{name}{c['suffix']}"
    if c["write"]:
        path.write_bytes(c["text"].encode(c["write"]))
    else:
        path.write_text(c["text"], encoding="utf-8")
    (OUT / f"{name}.expected.json").write_text(
        json.dumps(c["expected"], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
print(len(cases), "cases")
