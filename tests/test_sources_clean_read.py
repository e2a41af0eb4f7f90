"""Reading (encodings, HTML) and cleaning (each step reported)."""

from __future__ import annotations

import pytest

from jzanalysis.errors import InputError
from jzanalysis.regions import get_region
from jzanalysis.sources import extract_file
from jzanalysis.sources.clean import clean_text
from jzanalysis.sources.read import read_bulletin

JINGZHOU = get_region("荆州市")  # the corpus is Jingzhou's; most variants do not name the city

BULLETIN = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个,完成全年计划的71.6%。"


def test_gbk_bytes_are_detected_and_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes((BULLETIN + "全市实际到位资金798亿元,完成全年计划的61.4%,增长31.3%。" * 3).encode("gb18030"))
    result = extract_file(path, JINGZHOU)
    assert result.encoding == "gb18030"
    assert result.facts.set_index("metric").loc["projects_100m", "value"] == 174


def test_html_visible_text_only_with_spam_title_reported(tmp_path):
    page = f"""<!DOCTYPE html><html><head><title>欧洲杯外围买球网</title><style>p{{color:red}}</style>
    <script>var x = "全市新引进亿元以上项目999个";</script></head>
    <body><p>{BULLETIN}</p><script>document.write("1-7月全市新引进亿元以上项目888个")</script></body></html>"""
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    result = extract_file(path, JINGZHOU)
    assert list(result.facts.value) == [174.0]  # not 999 or 888 from scripts
    assert ("spam_title", "欧洲杯外围买球网") in {(s.kind, s.text) for s in result.cleaning}


def test_traditional_with_pinyin_glosses_is_cleaned_and_parentheses_survive():
    raw = "全市新引進(jìn)億(yì)元以上項(xiàng)目174個(gè),荊州區(含華中農高區)18個(gè)"
    cleaned = clean_text(raw)
    assert cleaned.text == "全市新引进亿元以上项目174个,荆州区(含华中农高区)18个"
    kinds = [s.kind for s in cleaned.steps]
    assert kinds.count("pinyin_gloss") == 5 and "t2s" in kinds


def test_full_width_digits_and_doubled_punctuation():
    cleaned = clean_text("全市新引进亿元以上项目１７４个,,完成全年计划的７１．６％")
    assert cleaned.text == "全市新引进亿元以上项目174个,完成全年计划的71.6%"
    assert {"fullwidth_digits", "doubled_punct"} <= {s.kind for s in cleaned.steps}


def test_mojibake_is_refused_with_a_clear_message():
    mojibake = "鍏ㄥ競鏂板紩杩涗嚎鍏冧互涓婇」鐩" * 5  # UTF-8 bytes of 全市新引进亿元以上项目 read as GBK
    with pytest.raises(InputError, match="mojibake"):
        clean_text(mojibake, "bad.txt")


@pytest.mark.parametrize(
    "content, message",
    [(b"", "is empty"), (b"\x00\x01\x02binary\x00", "looks binary"), (b"   \n  ", "no visible text")],
)
def test_unreadable_files_are_input_errors(tmp_path, content, message):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_bulletin(path)


def test_missing_file_and_empty_folder(tmp_path):
    from jzanalysis.sources import extract_paths

    with pytest.raises(InputError, match="no such file or folder"):
        extract_paths([tmp_path / "missing.txt"])
    with pytest.raises(InputError, match="has no bulletins"):
        extract_paths([tmp_path])


def test_ten_megabyte_file_is_answered(tmp_path):
    # A 10 MB text of filler: read, cleaned and scanned (linear regexes), with no facts and no crash.
    path = tmp_path / "big.txt"
    path.write_text(("今年以来全市招商引资势头不减,成绩更是来之不易。" * 40 + "\n") * 3600, encoding="utf-8")
    assert path.stat().st_size > 10_000_000
    result = extract_file(path, JINGZHOU)
    assert result.facts.empty
    assert "no figures found in this file" in result.warnings
