"""Typed notes (jzanalysis.notes.Note): each family read from a real text, its sentence exactly what `extract`
printed before the notes were typed, and its wording in a Chinese report from the catalogue."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path
from types import SimpleNamespace

import pytest

from jzanalysis.notes import Note
from jzanalysis.regions import get_region
from jzanalysis.report import Catalogue
from jzanalysis.report.notes import note_lines, unmapped_rows
from jzanalysis.sources import read_text

JINGZHOU = get_region("荆州市")
DATED = "发布时间:2015-09-02\n"
NOT_KEPT_ZH = "个别数字无法可靠读取，未采用（jzanalysis extract --explain 可查看）。"


def _notes(text: str, region=JINGZHOU):
    found = read_text(text, "t.txt", region=region)
    zh, technical = note_lines(found.notes, Catalogue("zh", found.city.region if found.city else None))
    return found, zh, technical


def test_a_note_is_a_code_and_fields_and_its_text_is_the_sentence():
    note = Note("city.unknown_region", {"city": "某市"})
    assert (note.code, dict(note.fields)) == ("city.unknown_region", {"city": "某市"})
    assert str(note) == f"{note}" == "某市 is not a known region: its counties cannot be placed"
    # the analysis cache pickles results, notes with them
    assert pickle.loads(pickle.dumps(note)) == note and len({note, Note("city.unknown_region", {"city": "某市"})}) == 1
    with pytest.raises(KeyError, match=r"no note 'city\.unknwon'"):
        Note("city.unknwon")


def test_city_notes_keep_their_sentences_and_are_worded_in_chinese():
    found, zh, technical = _notes("全市新引进亿元以上项目174个。", region=None)
    assert [n.code for n in found.notes] == ["city.none", "period.none"]
    assert found.warnings[0] == (
        "the text names no city (no city name, no county of a known city): city-wide figures are filed under "
        "“全市”; give the city with --region NAME"
    )
    assert zh[0] == "通报没有写明城市，全市数字无法归属。" and technical == []

    found, zh, _ = _notes(
        "发布时间:2020-09-18\n株洲市1-8月全市新签约亿元以上项目120个,其中醴陵市20个、株洲经开区9个。", None
    )
    assert found.warnings == [
        "株洲市 has no region profile: its counties come from the national division list only (no development "
        "zones, aliases or English names); add src/jzanalysis/regions/profiles/株洲市.toml",
        "株洲经开区 is not in 株洲市's profile: its figures are kept under its own name (“株洲经开区9个”)",
    ]
    assert zh == [
        "株洲市还没有地区档案：县市区名单只来自全国行政区划表（没有开发区、别名与英文名）。",
        "株洲经开区不在株洲市的地区档案中，其数字按原名保留。",
    ]

    found, zh, _ = _notes("发布时间:2023-08-01\n随州市1-7月全市新签约亿元以上项目154个,其中随州高新区45个。")
    assert found.notes[0].code == "city.other_than_given" and found.notes[0].fields["city"] == "荆州市"
    assert found.warnings[0] == (
        "the text names 随州市 (随州市、随州), not 荆州市; its figures are filed under 荆州市 as asked"
    )
    assert zh[0] == "通报写的是另一个城市，数字按指定的荆州市归档。"


def test_period_and_year_notes_keep_their_sentences_and_are_worded_in_chinese():
    found, zh, _ = _notes("截至2015年7月15日，全市新引进亿元以上项目31个。")
    assert [str(n) for n in found.notes] == [
        "the only date is “截至2015年7月15日”, not the last day of a month (or 2月28日 with no year): figures of "
        "part of a month are left out"
    ]
    assert zh == ["通报中找不到统计时期，数字无法使用。"]
    found, zh, _ = _notes("全市新引进亿元以上项目174个。")
    assert found.warnings == ["no period (1-M月, 上半年, …) found: figures cannot be dated and are left out"]
    assert zh == ["通报中找不到统计时期，数字无法使用。"]  # the same line as a day's date: said once per kind
    found, zh, _ = _notes("1-7月全市新引进亿元以上项目174个。")
    assert found.warnings == ["no year in the text and no publication date: facts have no year"]
    assert zh == ["通报没有年份，也没有发布日期。"]


def test_figure_notes_keep_their_sentences_and_are_one_line_in_chinese():
    text = DATED + "1-7月全市新引进亿元以上项目个,完成全年计划的%。全市实际到位资金798亿元。"
    found, zh, _ = _notes(text)
    assert found.warnings == [
        "a figure's number is missing (digits stripped?) at “亿元以上项目个” in “1-7月全市新引进亿元以上项目个,"
        "完成全年计划的%。”: no fact taken"
    ]
    assert zh == [NOT_KEPT_ZH]
    found, zh, _ = _notes(DATED + "1-7月全市新引进亿元以上项目174个,力争全年引进亿元以上项目300个。")
    (target,) = found.notes
    assert target.code == "figure.not_kept" and target.fields["why"] == Note("figure.target")
    assert str(target) == (
        "a figure is a target or plan, not a result: “7月全市新引进亿元以上项目174个,力争全年引进亿元以上项目300个”; "
        "not kept"
    )
    assert zh == [NOT_KEPT_ZH]
    # three names, two values: the list note, then each value left out with the reason the list gives it
    found, zh, _ = _notes(DATED + "1-7月，公安县、监利县、石首市分别新引进亿元以上项目25个、24个。")
    assert [n.code for n in found.notes] == ["list.unpaired", "figure.not_kept", "figure.not_kept"]
    assert found.warnings[:2] == [
        "a 分别 list whose names and values cannot be paired one to one: “公安县、监利县、石首市分别新引进亿元以上"
        "项目25个、24个”; not kept",
        "a figure in a 分别 list that cannot be paired: “1-7月，公安县、监利县、石首市分别新引进亿元以上项目25个”; not kept",
    ]
    assert zh == [NOT_KEPT_ZH]


@pytest.mark.parametrize(
    "words, code, sentence",
    [
        (
            "较2013年同期增长8%",
            "percent.other_base",
            "growth against 2013 (not the previous year) is not year-on-year: “较2013年同期增长8%”; yoy_pct left empty",
        ),
        (
            "完成全年计划的1500%",
            "percent.plan_implausible",
            "a plan share of 1500% is not plausible (allowed: 0–1000%): “完成全年计划的1500%”; not used",
        ),
        (
            "同比下降-5%",
            "percent.double_negative",
            "growth written as a double negative “同比下降-5%”: unclear, yoy_pct left empty",
        ),
    ],
)
def test_percentage_notes_keep_their_sentences_and_are_one_line_in_chinese(words, code, sentence):
    found, zh, _ = _notes(f"{DATED}1-7月全市新引进亿元以上项目174个,{words}。")
    assert [(n.code, str(n)) for n in found.notes] == [(code, sentence)]
    assert zh == [NOT_KEPT_ZH]


def test_conflict_and_county_sum_notes_keep_their_sentences_and_name_the_metric_in_chinese():
    found, zh, _ = _notes(DATED + "1-7月全市新引进亿元以上项目174个。截止7月底,全市新引进亿元以上项目175个。")
    assert found.warnings == [
        "conflict: 荆州市 projects_100m 2015 1-7月 is stated as 174 and as 175; none of them is used"
    ]
    assert zh == ["同一数字在通报中出现了不同的值，均未采用（jzanalysis extract --explain 可查看）。"]
    counties = "公安县、监利县各23个,石首市22个,荆州开发区、沙市区各21个,荆州区、洪湖市各18个,松滋市17个,江陵县10个"
    found, zh, _ = _notes(f"{DATED}1-7月全市新引进亿元以上项目174个。从各县市区引进项目情况看:{counties}。")
    # 23+23+22+21+21+18+18+17+10 = 173, not 174
    assert found.notes[0].fields == {
        "metric": "projects_100m",
        "year": 2015,
        "months": 7,
        "total": 173,
        "city_total": 174,
    }
    assert found.warnings == ["county figures of projects_100m 2015 1-7月 sum to 173, but the city total is 174"]
    assert zh == ["新引进亿元以上项目各县市区合计与全市数字不一致（jzanalysis extract --explain 可查看）。"]


def test_a_note_the_catalogue_does_not_word_is_shown_as_written():
    notes = [Note("file.no_figures"), Note("figure.overlong", {"digits": 9, "number": "12345678901个"})]
    zh, technical = note_lines(notes, Catalogue("zh"))
    assert zh == [NOT_KEPT_ZH]  # a number too long to be a figure is one not read
    assert technical == ["no figures found in this file"]
    assert str(notes[1]) == "a number of more than 9 digits is not a bulletin's figure: “12345678901个…”; not read"


# the reasons a figure is filed under no metric, each with the sentence `extract --explain` printed before
REASONS = [
    (Note("unmapped.no_metric"), "no metric for this phrase"),
    (Note("unmapped.other_breakdown"), "a part of the total broken down by something other than county"),
    (Note("unmapped.part_of_total", {"source": "来自沪苏浙"}), "a part of the total (来自沪苏浙)"),
    (Note("unmapped.wider_figure"), "a part of a wider figure of the same metric"),
    (Note("unmapped.beside_stated"), "a total investment beside the stated amount"),
    (Note("unmapped.difference"), "a difference against another period"),
    (
        Note("unmapped.implausible", {"number": "1500000000", "unit": "亿元"}),
        "1500000000亿元 is beyond any plausible figure of a bulletin",
    ),
    (Note("unmapped.county_group"), "a group of counties, not one county-level unit"),
    (
        Note("unmapped.city_level"),
        "the city's own level (市本级, 市直/州直 units), neither the city's total nor a county's",
    ),
    (Note("unmapped.several_counties"), "names more than one county"),
    (
        Note("unmapped.not_placed", {"source": "新区"}),
        "names “新区”, which is not a county of the city's profile and not placed",
    ),
    (Note("unmapped.last_year"), "a figure of last year, and the bulletin's year is unknown"),
    (Note("unmapped.unpaired_list"), "in a 分别 list that cannot be paired"),
]


@pytest.mark.parametrize("note, sentence", REASONS, ids=[n.code for n, _ in REASONS])
def test_each_reason_keeps_its_sentence(note, sentence):
    assert str(note) == sentence


def test_a_reason_read_from_a_text_is_worded_in_chinese_with_the_bulletin_words_quoted():
    found = read_text(DATED + "1-7月全市新引进亿元以上项目174个,其中来自沪苏浙项目45个。", "t.txt", region=JINGZHOU)
    (item,) = found.unmapped
    assert item.reason == Note("unmapped.part_of_total", {"source": "来自、沪苏浙"})
    (row,) = unmapped_rows(SimpleNamespace(text=found.cleaned.text, unmapped=found.unmapped), Catalogue("zh"))
    assert row[1] == "45个"
    assert row[2]["text"] == '只是总数的一部分（<q class="source" lang="zh">来自、沪苏浙</q>），不是合计'


def test_a_dataset_says_each_note_with_its_file_and_the_corrections_file_s_own(tmp_path):
    from jzanalysis.dataset import load_bulletins

    bulletin = tmp_path / "n.txt"
    bulletin.write_text("全市新引进亿元以上项目174个。\n", encoding="utf-8")
    fixes = tmp_path / "c.yaml"
    fixes.write_text("corrections:\n  - {source: n.txt, quote: 到位资金897亿元, action: accept}\n", encoding="utf-8")
    dataset = load_bulletins([bulletin], JINGZHOU, corrections=fixes)
    assert [n.code for n in dataset.notes] == ["dataset.in_file"] * 2 + ["dataset.correction"]
    assert dataset.notes[0].fields["note"] == Note("period.none")
    assert dataset.warnings == [
        "n.txt: no period (1-M月, 上半年, …) found: figures cannot be dated and are left out",
        "n.txt: no figures found in this file",
        "c.yaml entry 1 (n.txt: 「到位资金897亿元」) finds no fact: nothing changed; copy a piece of the quote "
        "`jzanalysis extract` prints",
    ]


def test_the_report_words_notes_without_importing_the_sources_stage():
    tree = ast.parse(Path(__file__).parents[1].joinpath("src/jzanalysis/report/notes.py").read_text(encoding="utf-8"))
    modules = [
        ("." * node.level) + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [m for m in modules if "sources" in m], modules
