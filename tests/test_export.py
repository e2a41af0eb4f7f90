"""Exports for Excel (extract --xlsx, --excel-csv): text stays text, a bulletin without a year is written."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from jzanalysis.report.export import csv_text

# "=1+2" before the funds figure: the quote of that figure starts with it (its phrase runs from the comma on)
HOSTILE = "发布时间:2015-09-02\n1-7月全市新引进亿元以上项目174个，=1+2全市实际到位资金798亿元,同比下降5.3%。\n"
HOSTILE_NAME = '=HYPERLINK("evil.invalid","x")x.txt'


def _rows(book):
    sheet = load_workbook(book).active
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2)]


def test_xlsx_writes_a_formula_like_quote_and_file_name_as_text(jz, tmp_path):
    bulletin = tmp_path / HOSTILE_NAME
    bulletin.write_text(HOSTILE, encoding="utf-8")
    book = tmp_path / "facts.xlsx"
    jz("extract", bulletin, "--region", "荆州市", "--xlsx", book)
    rows = _rows(book)
    funds = next(r for r in rows if r["metric"].value == "funds_in_place")
    # the cell holds the characters, typed as a string ("s"): before, "f" (a formula Excel runs)
    assert (funds["quote"].value, funds["quote"].data_type) == ("=1+2全市实际到位资金798亿元,同比下降5.3%", "s")
    assert all((r["source"].value, r["source"].data_type) == (HOSTILE_NAME, "s") for r in rows)
    assert (funds["value"].value, funds["yoy_pct"].value) == (798, -5.3)  # numbers stay numbers, sign and all
    assert funds["value"].data_type == "n"


def test_xlsx_of_a_bulletin_without_a_year_leaves_the_year_empty(jz, tmp_path):
    # before: "internal error … Cannot convert <NA> to Excel", exit 1
    bulletin = tmp_path / "b.txt"
    bulletin.write_text("1-7月全市新引进亿元以上项目174个。\n", encoding="utf-8")
    book = tmp_path / "facts.xlsx"
    err = jz("extract", bulletin, "--region", "荆州市", "--xlsx", book)[1]
    assert "facts have no year" in err
    (row,) = _rows(book)
    assert (row["year"].value, row["months"].value, row["value"].value) == (None, 7, 174)


def test_excel_csv_escapes_text_cells_that_excel_would_run(jz, tmp_path):
    bulletin = tmp_path / "@SUM(1+1)x.txt"
    bulletin.write_text(HOSTILE, encoding="utf-8")
    out = jz("extract", bulletin, "--region", "荆州市", "--excel-csv")[0]
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    funds = next(r for r in rows if r["metric"] == "funds_in_place")
    assert funds["quote"] == "'=1+2全市实际到位资金798亿元,同比下降5.3%"
    assert {r["source"] for r in rows} == {"'@SUM(1+1)x.txt"}
    assert funds["yoy_pct"] == "-5.3"  # a number, not text: never escaped
    assert rows[0]["quote"] == "1-7月全市新引进亿元以上项目174个"  # ordinary text untouched


def test_csv_text_follows_the_owasp_rule():
    assert [csv_text(v) for v in ("=A1", "+A1", "-A1", "@A1", "\tA1", "\rA1", "A=1", "", "公安县")] == [
        "'=A1",
        "'+A1",
        "'-A1",
        "'@A1",
        "'\tA1",
        "'\rA1",
        "A=1",
        "",
        "公安县",
    ]
