"""Command-line options of the report layer, run as a user runs them: --lang, --sigma, --plan, --xlsx,
--excel-csv, the forecast's default metric, tables aligned for Chinese names, percentages as 85% (in this
process through ``cli.main``: the ``jz`` fixture in conftest.py)."""

from __future__ import annotations

import os

import pytest

from jzanalysis.report.text import width


def test_forecast_defaults_to_projects_and_shows_the_reports_rounding(jz, seed_path):
    out = jz("forecast", seed_path)[0]
    assert out.startswith("荆州市 projects_100m 2015 1-7月: YTD 174个, plan 243")
    # the default: median 267, 80% 232–312, P(meet plan) 0.819 → 80%, as every report shows it
    row = next(line for line in out.splitlines() if line.startswith("*calibrated"))
    assert row.split() == ["*calibrated", "267", "232–312", "206–366", "80%"]
    header = out.splitlines()[1]
    assert header.index("P(meet plan)") + len("P(meet plan)") == len(row)  # right-aligned under its header


def test_forecast_help_keeps_phi_for_counts_and_sigma_for_amounts(jz):
    text = " ".join(jz("forecast", "--help")[0].split())
    assert "--dispersion" in text and "φ for counts" in text and "σ for amounts" in text
    assert "φ for counts, σ for amounts" not in text
    report_help = " ".join(jz("report", "--help")[0].split())
    assert "--sigma" in report_help and "--lang {zh,en}" in report_help and "--plan METRIC=VALUE" in report_help


def test_forecast_sigma_changes_amounts_only(jz, seed_path):
    base = jz("forecast", seed_path, "--metric", "funds_in_place")[0]
    wide = jz("forecast", seed_path, "--metric", "funds_in_place", "--sigma", "0.5")[0]
    assert base != wide
    # the spread of the other kind is a mistake said in one line, not a flag silently ignored
    err = jz("forecast", seed_path, "--sigma", "0.5", status=2)[1]
    assert err.strip() == (
        "jzanalysis forecast: error: --sigma is σ of amounts; projects_100m is a count (个): "
        "give its spread with --dispersion"
    )
    err = jz("forecast", seed_path, "--metric", "funds_in_place", "--dispersion", "0.1", status=2)[1]
    assert "--dispersion is φ of counts; funds_in_place is an amount (亿元): give its spread with --sigma" in err


def test_compare_table_is_aligned_for_chinese_names(jz, seed_path):
    out = jz("compare", seed_path)[0].splitlines()
    table = [line for line in out if line.startswith(("region", "公安县", "荆州开发区", "江陵县"))]
    ends = {width(line[: line.index(" 23") + 3]) for line in table if " 23 " in line}
    assert len(ends) == 1  # 公安县 and 监利县: the value column ends in the same terminal column
    value_ends = []
    for line in table[1:]:
        name, value = line.split()[:2]
        value_ends.append(width(line[: line.index(value, len(name)) + len(value)]))
    assert len(set(value_ends)) == 1, table
    assert any(" 13% " in line for line in out) and any("=1" in line for line in out)  # 23/174 → 13%; tied


def test_extract_xlsx_has_chinese_metric_labels(jz, seed_path, tmp_path):
    from openpyxl import load_workbook

    book = tmp_path / "facts.xlsx"
    jz("extract", seed_path, "--xlsx", book)
    sheet = load_workbook(book).active
    assert sheet.title == "数据"
    header = [c.value for c in sheet[1]]
    assert header[header.index("metric") + 1 : header.index("metric") + 3] == ["label_zh", "label_en"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    first = dict(zip(header, rows[0]))
    assert first["label_zh"] == "新引进亿元以上项目" and first["value"] == 174 and first["region_en"] == "Jingzhou"
    assert not any(p.name.startswith(".partial-") for p in tmp_path.iterdir())
    umask = os.umask(0)
    os.umask(umask)
    assert book.stat().st_mode & 0o777 == 0o666 & ~umask  # 0644 under the usual umask 022, not mkstemp's 0600


def test_extract_excel_csv_starts_with_a_byte_order_mark(jz, seed_path):
    out = jz("extract", seed_path, "--excel-csv")[0]
    assert out.startswith("\ufeff")  # in UTF-8 on stdout the bytes EF BB BF: what tells Excel the file is UTF-8
    text = out.removeprefix("\ufeff")
    assert text.splitlines()[0].split(",")[:6] == ["year", "months", "region", "region_en", "metric", "label_zh"]
    assert "新引进亿元以上项目" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "--lang", "fr"], "invalid choice: 'fr'"),
        (["report", "--plan", "projects_100m"], "allowed: METRIC=VALUE"),
        (["report", "--plan", "nope=3"], "unknown metric 'nope'"),
        (["report", "--sigma", "2"], "must be a number 0..1"),
        (["extract", "data/raw/000_f5510f0c233d12e8.txt", "--xlsx", "out.txt"], "must end in .xlsx"),
        # /proc takes no new file: said with the user's path before any work, not a temporary name after it
        (
            ["extract", "data/raw/000_f5510f0c233d12e8.txt", "--xlsx", "/proc/x.xlsx"],
            "--xlsx /proc/x.xlsx: cannot write in /proc",
        ),
    ],
)
def test_bad_options_are_one_line_and_exit_2(jz, args, message):
    err = jz(*args, status=2)[1]
    assert message in err and err.count("\n") == 1


def test_batch_scenarios_say_phi_or_sigma_in_file_and_title():
    from jzanalysis.batch.grid import expand, monthly_grid

    jobs, _ = expand(monthly_grid(scenarios=(0.1,), sigma_scenarios=(0.2,), counties=False, audit=False, language="en"))
    assert [j.stem for j in jobs] == [
        "forecast_2015_m07_en",
        "forecast_2015_m07_phi0.1_en",
        "forecast_2015_m07_sigma0.2_en",
    ]
    assert jobs[1].title.endswith("(scenario: project-count dispersion φ = 0.1)")
    assert jobs[2].title.endswith("(scenario: funds spread σ = 0.2)")
