"""Every real bulletin of ../shared/corpus/real and real2 gives a report (skipped without ../shared).

Fast: each text's analysis and report model are built in process and every section of the report is rendered,
in Chinese and English. Slow: ``jzanalysis report`` runs on each text as a new user would, and the PDF's first
page names the text's city (or its one district or zone) and no other city.

``--year`` is passed only where the text states none (``year_in_text`` false in expected.json); ``--region``
only where the text names no city the tool knows.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from jzanalysis.dataset import load_bulletins
from jzanalysis.errors import InputError
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse
from jzanalysis.regions import all_city_names
from jzanalysis.report import Report, han_outside_quotes
from jzanalysis.report.sections import ORDER

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared" / "corpus"
FOLDERS = ("real", "real2")


def _cases() -> list[tuple[Path, dict]]:
    cases = []
    for folder in FOLDERS:
        expected_file = SHARED / folder / "expected.json"
        if not expected_file.is_file():
            continue
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        for name in sorted(expected):
            path = SHARED / folder / name
            if path.is_file():
                cases.append((path, expected[name]))
    return cases


CASES = _cases()
needs_shared = pytest.mark.skipif(not CASES, reason="../shared/corpus/real and real2 not present")


def _values(path: Path, expected: dict) -> dict:
    """The parameters a user gives for this text: the year only where the text states none, the city only
    where the text names none the tool knows."""
    values: dict = {"source": str(path)}
    if expected.get("year_in_text") is False:
        values["year"] = expected.get("year") or 2020  # any year is right for a text that states none
    dataset = load_bulletins([path])
    if dataset.region is None:
        values["region"] = expected["city"]
    return values


def _place(expected: dict) -> str:
    """The short name the report's first page must carry: the one unit of a district's or zone's bulletin
    (every fact's region), else the city (六安, 海北)."""
    regions = {f["region"] for f in expected.get("facts", [])}
    name = regions.pop() if len(regions) == 1 and expected["city"] not in regions else expected["city"]
    return name[:2]


@needs_shared
@pytest.mark.parametrize("path,expected", CASES, ids=[p.name for p, _ in CASES])
def test_every_real_bulletin_renders_every_section(path, expected):
    try:
        analysis = analyse(ReportParams.build(**_values(path, expected)))
    except InputError as exc:
        pytest.fail(f"{path.name}: refused: {exc}")
    for language in ("zh", "en"):
        report = Report(analysis, language)
        html = ""
        for section in ORDER:
            for part in report.parts(section):
                if isinstance(part, str):
                    html += part
                else:
                    plt.close(part)
        # the title and page 1 are there; an English report holds Chinese only inside quoted source text
        assert "<h1>" in html and report.t("verdict.heading") in html, path.name
        if language == "en":
            assert han_outside_quotes(html) == [], (path.name, han_outside_quotes(html)[:3])
        # a section appears only with content: no forecast section without a forecast, a review only at year end
        assert (f"<h2>{report.t('forecast.heading')}</h2>" in html) == bool(report.metrics), path.name
        assert report.review == (analysis.params.as_of_month == 12)
        # page 1 points at the other figures only when they are listed
        if report.t("verdict.nothing_to_forecast") in html:
            assert f"<h2>{report.t('others.heading')}</h2>" in html, path.name
        # without a county comparison the county section is one line saying why (not a bare heading)
        if not report.comparisons:
            assert report.c.messages["counties.none"].split("{")[0] in html, path.name


@needs_shared
def test_a_text_without_a_year_asks_for_one_in_one_line():
    # shiyan_h1 states no year (README: "not in text") and its page no publication date: one line, naming --year
    path = SHARED / "real" / "shiyan_h1.txt"
    with pytest.raises(InputError) as caught:
        analyse(ReportParams.build(source=str(path)))
    message = str(caught.value)
    assert "--year" in message and "\n" not in message


@needs_shared
def test_headline_is_every_forecastable_metric_by_priority():
    # 六安 2022 1-9月 states 亿元以上 (priority 10), 10亿元以上 (40) and 开工 (60) counts, city and counties:
    # each is forecast, in that order, and each is compared across the counties that report it
    analysis = analyse(ReportParams.build(source=str(SHARED / "real" / "luan_2022_m09.txt")))
    assert list(analysis.forecasts) == ["projects_100m", "projects_1b", "projects_started"]
    report = Report(analysis)
    assert [m.metric for m in report.metrics] == ["projects_100m", "projects_1b", "projects_started"]
    assert report.comparisons[0].metric == "projects_100m"
    assert len(report.comparisons) >= 2


def _pdf_first_page(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is not installed (make test installs poppler-utils)")
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


@pytest.mark.slow
@needs_shared
@pytest.mark.parametrize("path,expected", CASES, ids=[p.name for p, _ in CASES])
def test_report_command_on_every_real_bulletin(path, expected, tmp_path):
    values = _values(path, expected)
    command = [str(Path(sys.executable).parent / "jzanalysis"), "report", "--source", str(path), "--out", str(tmp_path)]
    command += ["--format", "pdf"]
    if "year" in values:
        command += ["--year", str(values["year"])]
    if "region" in values:
        command += ["--region", values["region"]]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=600)
    assert done.returncode == 0, (path.name, done.stderr[-400:])
    pdfs = list(tmp_path.glob("*/*.pdf"))
    assert len(pdfs) == 1, path.name
    first = _pdf_first_page(pdfs[0])
    place = _place(expected)
    assert place in first, (path.name, place, first[:200])
    # no other city's full name on page 1 (the text's own city, written 海北州 or 海北藏族自治州, is allowed)
    own = {expected["city"][:2], place}
    others = sorted({c for c in set(all_city_names().values()) if c[:2] not in own and len(c) >= 3 and c in first})
    assert not others, (path.name, others)


@needs_shared
@pytest.mark.parametrize(
    "name,year,zh,en",
    [
        # the expected.json of real2: 西夏区 is a district of 银川市, 常宁市 a county-level city of 衡阳市
        ("yinchuan_xixia_2023_m12.txt", None, "西夏区（银川市）2023年", "Xixia District (Yinchuan): "),
        ("hengyang_changning_2022_h1.txt", 2022, "常宁市（衡阳市）2022年", "Changning (Hengyang): "),
    ],
)
def test_a_districts_own_bulletin_names_its_city_in_title_and_page_header(name, year, zh, en):
    from jzanalysis.report import document_title

    path = SHARED / "real2" / name
    values = {"source": str(path)} | ({"year": year} if year else {})
    analysis = analyse(ReportParams.build(**values))
    for language, start in (("zh", zh), ("en", en)):
        report = Report(analysis, language)
        head = report.head_html()
        assert f"<h1>{start}" in head, head[:300]
        assert f'@top-center {{ content: "{start}' in head  # the PDF's page header
        params = analysis.params.model_copy(update={"language": language})
        assert document_title("report.ipynb", params).startswith(start)
