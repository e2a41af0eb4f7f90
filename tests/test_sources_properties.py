"""Properties of the sources stage on generated text: it never crashes (an InputError is an answer), and it
never states a number that the source does not contain."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jzanalysis.errors import InputError
from jzanalysis.regions import get_region
from jzanalysis.sources import extract_file, extract_text
from jzanalysis.sources.extract import CN_DECIMAL, number_value

JINGZHOU = get_region("荆州市")  # the corpus is Jingzhou's; most variants do not name the city

# Pieces of real bulletins, so generated texts hit the extraction rules rather than only noise.
FRAGMENTS = [
    "发布时间:2015-09-02\n",
    "转载时间:2019-05-01\n",
    "今年",
    "2014年",
    "2015年",
    "1-7月",
    "元至7月",
    "1月至8月",
    "前三季度",
    "上半年",
    "一季度",
    "全年",
    "截止7月底",
    "全市",
    "新引进",
    "新签约",
    "亿元以上项目",
    "亿元以上工业项目",
    "10亿元以上项目",
    "过百亿元项目",
    "个",
    "亿元",
    "%",
    ",",
    "。",
    "、",
    "各",
    "(",
    ")",
    "(含华中农高区)",
    "实际到位资金",
    "合同引资额",
    "完成全年计划的",
    "完成年度目标的",
    "开门红目标",
    "同比增长",
    "下降",
    "较2019年同期增长",
    "近",
    "愈",
    "逾",
    "公安县",
    "监利县",
    "监利市",
    "石首市",
    "荆州区",
    "荆州开发区",
    "荆州新区",
    "市直驻点招商单位",
    "引进项目",
    "总投资",
    "已开工",
    "已投产",
    "领导提供信息",
    "条",
    "外出",
    "次",
    "洽谈项目",
    "驻点人数",
    "人",
    "6月底集中签约",
    "全年有效工作日仅剩",
    "百",
    "一百",
    "一百七十四",
    "十二",
    "两",
    "七百九十八",
    "百分之",
    "六十一点四",
    "点",
    "七成",
    "成",
    "1,680",
    ",000",
    "天",
    " ",
    "\u3000",
    "驻点招商专班由去年的",
    "增加到今年的",
    "欧洲杯外围买球网",
    '"));',
    "經(jīng)濟",
    "項(xiàng)目",
    "１７４",
    "７１．６％",
    ",,",
    "?/p>",
    "\n",
    " ",
    "<p>",
    "今天是:",
    "主办:",
]
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=5000).map(str),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 2000), st.integers(0, 99)),
)
BULLETIN_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), NUMBERS, st.text(max_size=4)), max_size=60).map("".join)

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


def _present(value: float, source: str) -> bool:
    """The digits of ``value`` occur in ``source`` (full-width digits normalised; a Chinese numeral such as
    百 or 一百七十四 counts through its conversion)."""
    normalised = source.translate(_FULLWIDTH)
    normalised += "\n" + re.sub(r"(?<=\d),(?=\d{3})", "", normalised)  # 1,680 is written 1680
    cn_runs = re.findall(CN_DECIMAL, normalised) + re.findall("[一二三四五六七八九]成[一二三四五六七八九]?", normalised)
    if any(number_value(run) == abs(value) for run in cn_runs):  # 七成 is written 70%
        return True
    written = f"{abs(value):g}"
    # "798" may have been written "798.0", "71.6" as "71.60": compare as numbers, not only as strings
    return written in normalised or any(
        float(token) == abs(value) for token in re.findall(r"\d+(?:\.\d+)?", normalised)
    )


def _check_numbers(facts: pd.DataFrame, source: str) -> None:
    for row in facts.itertuples():
        assert _present(row.value, source), (row.metric, row.value, row.quote)
        for pct in (row.plan_pct, row.yoy_pct):
            if not pd.isna(pct):
                assert _present(pct, source), (row.metric, pct, row.quote)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BULLETIN_TEXT)
def test_bulletin_like_text_never_crashes_and_never_invents_numbers(text):
    try:
        facts, cleaned, warnings, conflicts, _ = extract_text(text, "generated.txt", region=JINGZHOU)
    except InputError as error:  # e.g. a generated text that looks like mojibake: refused in one line, an answer
        assert "\n" not in str(error)
        return
    _check_numbers(facts, text)
    for row in facts.itertuples():
        assert cleaned.text[row.start : row.end] == row.quote
    assert all(w and "\n" not in w for w in warnings)  # each warning a non-empty line, as `extract` prints it
    keys = [tuple(k) for k in facts[["year", "months", "region", "metric"]].astype(object).itertuples(index=False)]
    assert len(keys) == len(set(keys))  # one value per key: repeats merged, conflicts left out
    assert not {c["key"] for c in conflicts} & set(keys)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    try:
        facts, *_ = extract_text(text, "any.txt", region=JINGZHOU)
    except InputError:
        return
    _check_numbers(facts, text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([".txt", ".html"]))
def test_arbitrary_bytes_are_read_or_refused_with_an_input_error(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"x{suffix}"
        path.write_bytes(data)
        try:
            result = extract_file(path, JINGZHOU)
        except InputError as error:
            assert "\n" not in str(error)  # one line
            return
        assert len(result.sha256) == 64
        _check_numbers(result.facts, path.read_bytes().decode(result.encoding, errors="replace"))


# Injected content seen on mirrors: whole lines (titles, keyword lists, script tails, chrome) and stuffing glued
# to the start of a line. Cleaning must take exactly these away, so the bulletin's facts stay the same.
SPAM_LINE = st.sampled_from(
    [
        "欧洲杯外围买球网",
        "澳门百家乐 时时彩 六合彩 bet365 真人视讯",
        '"));',
        "世界杯外围 足球投注官网",
        "今天是:2015年9月2日",
        "威尼斯人娱乐城官方入口",
        "主办:某某网",
        "<script>document.write('1-7月实际到位资金999亿元')</script>",
    ]
)
STUFFING = st.sampled_from(["百家乐官网入口", "买球网", "时时彩平台", "体育投注app下载"])


@pytest.fixture(scope="module")
def seed_text() -> str:
    from jzanalysis import settings
    from jzanalysis.sources.read import read_bulletin

    return read_bulletin(settings.SEED_BULLETIN).text


@pytest.fixture(scope="module")
def seed_rows(seed_text) -> list[tuple]:
    facts, *_ = extract_text(seed_text, "seed.txt", region=JINGZHOU)
    return _fact_rows(facts)


def _fact_rows(facts: pd.DataFrame) -> list[tuple]:
    return sorted(
        (
            tuple(None if pd.isna(v) else v for v in row)
            for row in facts[
                ["year", "months", "region", "metric", "value", "plan_pct", "yoy_pct", "quote"]
            ].itertuples(index=False)
        ),
        key=repr,
    )


# 60 examples: each extracts the whole seed (0.1 s); every corpus variant is spammed in test_sources_corpus.py too
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_spam_inserted_around_the_seed_changes_none_of_its_facts(seed_text, seed_rows, data):
    lines = seed_text.split("\n")
    spammed = list(lines)
    # insert from the end backwards so earlier positions stay valid
    positions = sorted(data.draw(st.lists(st.integers(0, len(lines)), max_size=6)), reverse=True)
    for position in positions:
        spammed.insert(position, data.draw(SPAM_LINE))
    stuffed = data.draw(st.lists(st.integers(0, len(spammed) - 1), max_size=3, unique=True))
    for i in stuffed:
        spammed[i] = data.draw(STUFFING) + spammed[i]
    after, *_ = extract_text("\n".join(spammed), "seed.txt", region=JINGZHOU)
    assert _fact_rows(after) == seed_rows
