"""The bulletin corpus (tests/corpus/ and tests/corpus/more/): every variant's facts exactly, and what must hold
for any variant: numbers are written in their quotes, quotes map back to the raw file, and spam around a
bulletin changes nothing. A coverage test keeps the corpus honest about the phrasings it claims to cover.

Each variant is ``NN_name.txt``/``.html`` with ``NN_name.expected.json`` (format: tests/corpus/README.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from jzanalysis.errors import InputError
from jzanalysis.regions import get_region
from jzanalysis.sources import extract_file, extract_text
from jzanalysis.sources.read import read_bulletin
from tests.helpers import expected_rows, fact_rows

JINGZHOU = get_region("荆州市")  # the corpus is Jingzhou's; most variants do not name the city

CORPUS = Path(__file__).parent / "corpus"
FOLDERS = (CORPUS, CORPUS / "more")


def _variants() -> list[Path]:
    return sorted(
        (
            p
            for folder in FOLDERS
            if folder.is_dir()
            for p in folder.iterdir()
            if p.suffix in (".txt", ".html", ".htm") and re.match(r"\d\d_", p.name)
        ),
        key=lambda p: p.name,
    )


def _expected_of(path: Path) -> dict:
    return json.loads(path.with_name(f"{path.stem}.expected.json").read_text(encoding="utf-8"))


VARIANTS = _variants()
_results: dict[Path, object] = {}


def _result(path: Path):
    """extract_file once per variant per session: several tests below read the same result."""
    if path not in _results:
        _results[path] = extract_file(path, JINGZHOU)
    return _results[path]


def test_corpus_has_enough_variants_each_with_expectations():
    assert len(VARIANTS) >= 25
    for path in VARIANTS:
        assert path.with_name(f"{path.stem}.expected.json").exists(), path.name


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_variant_yields_exactly_its_facts(path: Path):
    expected = _expected_of(path)
    if expected["error"]:
        with pytest.raises(InputError, match=expected["error"]):
            extract_file(path, JINGZHOU)
        return
    result = _result(path)
    assert fact_rows(result.facts) == expected_rows(expected["facts"]), expected["description"]
    assert len(result.warnings) == len(expected["warnings"]), result.warnings
    for fragment in expected["warnings"]:
        assert any(fragment in w for w in result.warnings), (fragment, result.warnings)
    steps = [(s.kind, s.text) for s in result.cleaning]
    for kind, text in expected["cleaning"]:  # what cleaning must have taken away (its text, or any of its kind)
        assert any(k == kind and (text is None or t == text) for k, t in steps), (kind, text, steps)
    got = [[c["year"], c["months"], c["region"], c["metric"], c["values"]] for c in result.conflicts]
    assert got == expected["conflicts"]
    published = expected["published"]
    assert result.publication_date == (dt.date.fromisoformat(published) if published else None)
    if expected["encoding"]:
        assert result.encoding == expected["encoding"]


_FULLWIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def _cn_number(token: str) -> int:
    """一百七十四 → 174, 十四 → 14, 百 → 100 (written independently of the extractor, to check it)."""
    total, digit = 0, None
    for ch in token:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
    return total + (digit or 0)


def _written(value: float, text: str) -> bool:
    """``value`` is written in ``text`` as a number (798 as 798 or 798.0) or in Chinese numerals (一百七十四, 百)."""
    if any(float(token) == abs(value) for token in re.findall(r"\d+(?:\.\d+)?", text.translate(_FULLWIDTH))):
        return True
    return any(_cn_number(token) == abs(value) for token in re.findall(r"[零一二两三四五六七八九十百千]+", text))


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_number_is_written_in_its_quote_and_in_the_raw_file(path: Path):
    if _expected_of(path)["error"]:
        return
    result = _result(path)
    for row in result.facts.itertuples():
        assert result.text[row.start : row.end] == row.quote
        for number in (row.value, row.plan_pct, row.yoy_pct):
            if not pd.isna(number):
                assert _written(number, row.quote), (number, row.quote)
        # the quote's span in the file as read: cleaning (glosses, full-width digits, spam) shifts offsets
        raw = result.raw_text[result.raw_offset(row.start) : result.raw_offset(row.end - 1) + 1]
        assert _written(row.value, raw), (row.value, raw)


SPAM_LINES = [
    "欧洲杯外围买球网",
    "澳门百家乐官网入口 时时彩 六合彩",
    '"));',
    "今天是:2026年11月24日 星期二",
    "bet365体育投注",
]


def _utf8_text_variants() -> list[Path]:
    return [
        p for p in VARIANTS if p.suffix == ".txt" and not _expected_of(p)["error"] and not _expected_of(p)["encoding"]
    ]


@pytest.mark.parametrize("path", _utf8_text_variants(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_spam_around_a_variant_changes_none_of_its_facts(path: Path):
    text = read_bulletin(path).text
    lines = text.split("\n")
    spammed = [SPAM_LINES[0]]
    for i, line in enumerate(lines):
        spammed.extend([line, SPAM_LINES[1 + i % (len(SPAM_LINES) - 1)]])
    before, *_ = extract_text(text, path.name, region=JINGZHOU)
    after, *_ = extract_text("\n".join(spammed), path.name, region=JINGZHOU)
    assert fact_rows(after) == fact_rows(before)
    assert sorted(after.quote) == sorted(before.quote)


# What the corpus claims to cover: a phrase in some variant's text (as read), or a property of the expected facts.
PHRASES = [
    "一季度",
    "上半年",
    "元至7月",
    "1月至8月",
    "1-7月",
    "前7月",
    "前三季度",
    "全年",
    "截止7月底",
    "新引进亿元以上项目",
    "新签约亿元以上项目",
    "实际到位资金",
    "合同引资额",
    "协议引资额",
    "签约总金额",
    "引进项目总投资",
    "过百亿元项目",
    "完成全年计划的",
    "完成年度目标的",
    "完成全年目标的",
    "开门红目标",
    "同比增长",
    "同比增幅",
    "下降",
    "较2019年同期增长",
    "、监利县各",
    "荆州经开区",
    "监利市",
    "經(jīng)濟",
    "項(xiàng)目",
    "個(gè)",
    "<script",
    "<title",
    "完成全年目标的%",
    "新引进亿元以上项目个",
    "转载时间",
    "更新日期",
    "１７４",
    ",,",
    "出资",
    "完结全年计划的",
]


def test_corpus_covers_the_phrasings_it_must():
    texts = []
    for path in VARIANTS:
        if path.suffix == ".html":
            data = path.read_bytes()
            for encoding in ("utf-8", "gb18030"):
                try:
                    texts.append(data.decode(encoding))
                    break
                except UnicodeDecodeError:
                    continue
        elif not _expected_of(path)["error"]:
            texts.append(read_bulletin(path).text)
    corpus = "\n".join(texts)
    assert [p for p in PHRASES if p not in corpus] == []

    expected = [_expected_of(p) for p in VARIANTS]
    rows = [r for e in expected for r in e["facts"]]
    assert {3, 6, 7, 8, 9, 12} <= {r[1] for r in rows}
    assert {"projects_100m", "funds_in_place", "contract_investment", "projects_10b"} <= {r[3] for r in rows}
    assert any(r[6] is not None and r[6] < 0 for r in rows)  # a decline
    assert any(r[0] is None for r in rows)  # a year left unknown
    assert {"监利县", "荆州开发区"} <= {r[2] for r in rows}
    assert any(e["encoding"] == "gb18030" for e in expected)
    assert any(e["conflicts"] for e in expected)
    assert any(e["error"] for e in expected)  # a file refused (mojibake)


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("1-7月,全市新引进亿元以上项目 174 个。", 174.0),
        ("1-7月,全市新引进亿元以上项目一百七十四个。", 174.0),
        ("1-7月,全市实际到位资金七百九十八亿元。", 798.0),
        ("1-7月,全市合同引资额1,680亿元。", 1680.0),
    ],
    ids=[
        "spaces around the number",
        "a count in Chinese numerals",
        "an amount in Chinese numerals",
        "an amount with thousands separators",
    ],
)
def test_once_known_gaps_now_give_the_fact(sentence: str, value: float):
    facts, *_ = extract_text(f"发布时间:2015-09-02\n{sentence}", "gap.txt", region=JINGZHOU)
    assert facts.value.tolist() == [value]


def test_respectively_list_pairs_in_order_or_warns():
    facts, _, warnings, _, _ = extract_text(
        "发布时间:2015-09-02\n1-7月,全市新引进亿元以上项目174个。公安县、监利县分别为23个、22个。",
        "r.txt",
        region=JINGZHOU,
    )
    assert dict(zip(facts.region, facts.value)) == {"荆州市": 174.0, "公安县": 23.0, "监利县": 22.0} and warnings == []
    facts, _, warnings, _, _ = extract_text(
        "发布时间:2015-09-02\n1-7月,全市新引进亿元以上项目174个。公安县、监利县分别为23个。", "r.txt", region=JINGZHOU
    )
    assert list(facts.region) == ["荆州市"] and "分别" in warnings[0]  # two names, one value: never guessed


def test_plan_share_in_tenths():
    facts, *_ = extract_text(
        "发布时间:2015-09-02\n1-7月,全市新引进亿元以上项目174个,完成全年计划的七成。", "t.txt", region=JINGZHOU
    )
    assert facts.plan_pct.tolist() == [70.0]
