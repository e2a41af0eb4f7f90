"""Cleaning: every removal or change is reported with its raw line; real content survives."""

from __future__ import annotations

import pytest

from jzanalysis import settings
from jzanalysis.errors import InputError
from jzanalysis.sources.clean import clean_text


@pytest.fixture(scope="module")
def seed_cleaned():
    return clean_text(settings.SEED_BULLETIN.read_text(encoding="utf-8"), "seed")


def test_seed_removals_are_reported_with_their_raw_lines(seed_cleaned):
    steps = [(s.kind, s.text, s.line) for s in seed_cleaned.steps]
    assert steps == [
        ("site_chrome", "今天是:", 1),
        ("spam_title", "欧洲杯外围买球网", 2),
        ("spam_title", "荆州市招商促进中心-欧洲杯外围买球网", 4),
        ("site_chrome", "文章来源: 荆州市招商促进中心发布时间:2015-09-02", 6),  # metadata: the date is read before
        ("site_chrome", "主办:荆州市招商促进中心", 26),
        ("site_chrome", "电话:0716-8815888 电子邮箱:jzzsw2012@163.com 鄂icp备05028271号", 27),
        ("site_chrome", "地址:湖北省荆州市沙市区北京西路440号 网站标识码:4210000008", 28),
        ("js_tail", '"));', 29),
        ("site_chrome", "网站地图", 30),
    ]
    assert all(s.description for s in seed_cleaned.steps)


def test_seed_content_is_kept_whole(seed_cleaned):
    raw = settings.SEED_BULLETIN.read_text(encoding="utf-8")
    body = raw[raw.index("一、总体情况") : raw.index("早见效。") + len("早见效。")]
    assert body in seed_cleaned.text  # not one character of the bulletin itself is changed
    assert seed_cleaned.text.lstrip().startswith("一、总体情况")  # blank lines are kept: offsets stay simple


def test_traditional_with_pinyin_glosses_is_cleaned_and_real_parentheses_survive():
    raw = "全市新引進(jìn)億(yì)元以上項(xiàng)目174個(gè)(億(yì)元以上工業項(xiàng)目159個(gè)),荊州區(含華中農高區)18個(gè),經(jīng)濟(一)(GDP)(jing)"
    cleaned = clean_text(raw)
    assert (
        cleaned.text
        == "全市新引进亿元以上项目174个(亿元以上工业项目159个),荆州区(含华中农高区)18个,经济(一)(GDP)(jing)"
    )
    glosses = [s.text for s in cleaned.steps if s.kind == "pinyin_gloss"]
    assert glosses == ["(jìn)", "(yì)", "(xiàng)", "(gè)", "(yì)", "(xiàng)", "(gè)", "(gè)", "(jīng)"]
    t2s = [s.text for s in cleaned.steps if s.kind == "t2s"]
    assert len(t2s) == 1 and "經→经" in t2s[0] and "濟→济" in t2s[0] and "區→区" in t2s[0]


def test_offsets_map_back_through_removed_glosses():
    raw = "新引進(jìn)項(xiàng)目174個(gè)"
    cleaned = clean_text(raw)
    assert cleaned.text == "新引进项目174个"
    i = cleaned.text.index("174")
    assert raw[cleaned.raw_offset(i) : cleaned.raw_offset(i) + 3] == "174"
    assert cleaned.raw_offset(len(cleaned.text)) == raw.index("個") + 1  # a quote's end: after 個, not its gloss


def test_full_width_digits_doubled_punctuation_and_broken_fragments():
    cleaned = clean_text("?/p>全市新引进亿元以上项目１７４个,,完成全年计划的７１．６％。。……好．")
    assert cleaned.text == "全市新引进亿元以上项目174个,完成全年计划的71.6%。……好．"  # a lone ． and …… are punctuation
    changes = {(s.kind, s.text) for s in cleaned.steps}
    assert changes == {
        ("broken_markup", "?/p>"),
        ("fullwidth_digits", "１７４→174"),
        ("fullwidth_digits", "７１．６％→71.6%"),
        ("doubled_punct", ",,→,"),
        ("doubled_punct", "。。→。"),
    }


def test_changes_after_removed_lines_report_raw_lines():
    cleaned = clean_text("欧洲杯外围买球网\n今天是:\n全市新引进亿元以上项目174个,,完成全年计划的71.6%")
    assert [(s.kind, s.line) for s in cleaned.steps] == [("spam_title", 1), ("site_chrome", 2), ("doubled_punct", 3)]


def test_keyword_stuffing_is_cut_without_the_text_and_real_words_stay():
    cleaned = clean_text(
        "澳门百家乐 时时彩 六合彩\n百家乐官网入口1-7月全市新引进亿元以上项目174个。赴港澳招商,园区外围道路,开云集团。"
    )
    assert cleaned.text == "1-7月全市新引进亿元以上项目174个。赴港澳招商,园区外围道路,开云集团。"
    assert [(s.kind, s.text) for s in cleaned.steps] == [
        ("spam_title", "澳门百家乐 时时彩 六合彩"),
        ("spam", "百家乐官网入口"),
    ]


def test_script_tails_and_chrome_lines():
    cleaned = clean_text('正文一。\n"));\n});\ndocument.write("x");\n当前位置:首页>新闻\n版权所有:荆州市\n正文二。')
    assert cleaned.text == "正文一。\n正文二。"
    assert [s.kind for s in cleaned.steps] == ["js_tail", "js_tail", "js_tail", "site_chrome", "site_chrome"]


def test_mojibake_is_refused_with_a_clear_message():
    good = "全市新引进亿元以上项目完成全年计划全市实际到位资金各县市区均按进度完成了计划" * 2
    mojibake = good.encode("utf-8").decode("gbk", errors="replace")
    with pytest.raises(InputError, match=r"looks like mojibake \(UTF-8 read as GBK\?\)") as error:
        clean_text(mojibake, "bad.txt")
    assert "\n" not in str(error.value)
    assert clean_text(good).text == good  # the same text, read right, is fine


def test_replacement_characters_are_refused_not_read_around():
    damaged = "全市新引进亿元以上项目174个,完成全年计划的71.6%。" * 3
    damaged = damaged.replace("引进", "\ufffd\ufffd")
    with pytest.raises(InputError, match="replacement characters"):
        clean_text(damaged, "lost.txt")


def test_full_width_digits_map_back_one_to_one():
    raw = "项目１７４个"
    cleaned = clean_text(raw)
    assert cleaned.text == "项目174个"
    assert [cleaned.raw_offset(i) for i in range(len(cleaned.text))] == [0, 1, 2, 3, 4, 5]


def test_spaces_around_numbers_are_removed_and_reported():
    cleaned = clean_text("2015年 1-7月,全市新引进亿元以上项目 174 个,完成全年计划的 71.6 %。\n  全市")
    assert cleaned.text == "2015年1-7月,全市新引进亿元以上项目174个,完成全年计划的71.6%。\n  全市"  # indentation kept
    assert [s.kind for s in cleaned.steps] == ["spacing"] * 5


def test_script_block_pasted_into_text_is_removed_with_its_fake_figure():
    cleaned = clean_text(
        "百家乐官网入口<script>document.write('1-7月实际到位资金999亿元')</script>\n全市实际到位资金798亿元"
    )
    assert cleaned.text == "全市实际到位资金798亿元"
    assert [(s.kind, s.line) for s in cleaned.steps] == [("script", 1), ("spam_title", 1)]


def test_toneless_glosses_go_only_in_a_glossed_page():
    cleaned = clean_text("全市新引進(jìn)項(xiang)目174個(ge),荊州區(含華中農高區)(GDP)")
    assert cleaned.text == "全市新引进项目174个,荆州区(含华中农高区)(GDP)"
    assert [s.text for s in cleaned.steps if s.kind == "pinyin_gloss"] == ["(jìn)", "(xiang)", "(ge)"]
    assert clean_text("增长(ge)倍").text == "增长(ge)倍"  # no tone-marked gloss on the page: an ordinary bracket


def test_utf8_read_as_latin1_is_refused():
    good = "全市新引进亿元以上项目174个,完成全年计划的71.6%。"
    mojibake = good.encode("utf-8").decode("cp1252", errors="replace")  # "å…¨å¸‚æ–°å¼•è¿›…"
    with pytest.raises(InputError, match=r"looks like mojibake \(UTF-8 read as Latin-1\?\)"):
        clean_text(mojibake, "latin.txt")


def test_a_spun_copy_is_read_back_through_the_spinning_table():
    # two distinct markers (完结年度, 出资额 …): every swap of the table is undone and reported
    cleaned = clean_text("1-9月,全区引入项目82个,协议出资额229.66亿元,完结年度使命的143.5%。")
    assert cleaned.text == "1-9月,全区引进项目82个,协议投资额229.66亿元,完成年度任务的143.5%。"
    assert {s.text for s in cleaned.steps if s.kind == "spun_synonym"} == {
        "引入→引进",
        "出资→投资",
        "完结→完成",
        "使命→任务",
    }
    # one marker is no evidence of spinning: ordinary words stay ("引入" and "出资" are Chinese too)
    plain = "全市引入社会资本出资额3亿元。"
    assert clean_text(plain).text == plain


def test_a_hard_wrapped_text_is_joined_but_not_its_table():
    # six lines of about 20 characters without a sentence's end: the breaks are inside phrases
    lines = [
        "今年以来,全市上下把招商引资作为头号工程来",
        "抓,坚持项目为王,强化全员招商,新引进亿元",
        "以上项目174个,实际到位资金798亿元,分 别 增",
        "长 12.4%、10.2%,新开工亿元以上项目96个,",
        "完成全年目标的71.6%,全市招商引资保持良好",
        "态势,一批重大项目相继落户开工建设见效。",
    ]
    cleaned = clean_text("\n".join(lines) + "\n")
    assert "新引进亿元以上项目174个" in cleaned.text and "分别增长12.4%" in cleaned.text
    assert cleaned.text.count("\n") == 1  # only the break after the last line (it ends with 。)
    assert next(s.text for s in cleaned.steps if s.kind == "line_wrap") == "5 line breaks"
    table = "\n".join(
        ["县市区 | 签约项目数（个） | 协议投资额（亿元）"] + [f"第{i}县 | {i}2 | {i}02.5" for i in range(1, 8)]
    )
    assert clean_text(table).text == table
    # short lines of one length are a list, a figure to a line (under 18 characters): their breaks stay
    listing = "全市签约项目374个\n计划总投资458.75亿元\n其中亿元以上项目160个\n计划总投资395.81亿元\n新开工项目112个\n"
    assert clean_text(listing).text == listing
