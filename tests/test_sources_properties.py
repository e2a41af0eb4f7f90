"""Properties of the sources stage on generated text: it never crashes (an InputError is an answer), and it
never states a number that the source does not contain."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jzanalysis.errors import InputError
from jzanalysis.sources import extract_file, extract_text

# Pieces of real bulletins, so generated texts hit the extraction rules rather than only noise.
FRAGMENTS = [
    "发布时间:2015-09-02\n", "转载时间:2019-05-01\n", "今年", "2014年", "2015年", "1-7月", "元至7月", "1月至8月", "前三季度",
    "上半年", "一季度", "全年", "截止7月底", "全市", "新引进", "新签约", "亿元以上项目", "亿元以上工业项目", "10亿元以上项目",
    "过百亿元项目", "个", "亿元", "%", ",", "。", "、", "各", "(", ")", "(含华中农高区)", "实际到位资金", "合同引资额",
    "完成全年计划的", "完成年度目标的", "开门红目标", "同比增长", "下降", "较2019年同期增长", "近", "愈", "逾",
    "公安县", "监利县", "监利市", "石首市", "荆州区", "荆州开发区", "荆州新区", "市直驻点招商单位", "引进项目", "总投资",
    "已开工", "已投产", "领导提供信息", "条", "外出", "次", "洽谈项目", "驻点人数", "人", "6月底集中签约",
    "全年有效工作日仅剩", "百", "一百", "天", "驻点招商专班由去年的", "增加到今年的", "欧洲杯外围买球网", '"));',
    "經(jīng)濟", "項(xiàng)目", "１７４", "７１．６％", ",,", "?/p>", "\n", " ", "<p>", "今天是:", "主办:",
]
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=5000).map(str),
    st.builds(lambda a, b: f"{a}.{b}", st.integers(0, 2000), st.integers(0, 99)),
)
BULLETIN_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), NUMBERS, st.text(max_size=4)), max_size=60).map("".join)

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")
_CN_NUMERALS = {100.0: ("百", "一百")}


def _present(value: float, source: str) -> bool:
    """The digits of ``value`` occur in ``source`` (full-width digits normalised; 百 counts as 100)."""
    normalised = source.translate(_FULLWIDTH)
    if any(n in normalised for n in _CN_NUMERALS.get(value, ())):
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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BULLETIN_TEXT)
def test_bulletin_like_text_never_crashes_and_never_invents_numbers(text):
    try:
        facts, cleaned, warnings, conflicts, _ = extract_text(text, "generated.txt")
    except InputError:
        return  # e.g. a generated text that looks like mojibake: refused with a message, which is an answer
    _check_numbers(facts, text)
    for row in facts.itertuples():
        assert cleaned.text[row.start:row.end] == row.quote
    assert all(isinstance(w, str) and w for w in warnings)
    keys = [tuple(k) for k in facts[["year", "months", "region", "metric"]].astype(object).itertuples(index=False)]
    assert len(keys) == len(set(keys))  # one value per key: repeats merged, conflicts left out
    assert not {c["key"] for c in conflicts} & set(keys)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    try:
        facts, *_ = extract_text(text, "any.txt")
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
            result = extract_file(path)
        except InputError as error:
            assert "\n" not in str(error)  # one line
            return
        assert len(result.sha256) == 64
        _check_numbers(result.facts, path.read_bytes().decode(result.encoding, errors="replace"))
