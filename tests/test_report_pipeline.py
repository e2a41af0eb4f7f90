"""The real pipeline end to end: papermill runs the notebooks in a kernel, nbconvert renders the HTML,
WeasyPrint the PDF; then the outputs are read back as a reader would: pdftotext for the words, pdftoppm
for the pages (none blank, no page a third empty mid-report), headless Chromium for the HTML, pdffonts for
the embedded CJK font.

Reports: the seed in Chinese; the seed in English with a plan override; a φ/σ scenario; 六安市 2024 1-6月,
a city whose bulletin states no share of any plan."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest

from jzanalysis import settings
from jzanalysis.errors import InputError
from jzanalysis.params import ReportParams
from jzanalysis.report import han_outside_quotes
from jzanalysis.runner import execute_with_papermill, run_report

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MM_PER_INCH = 25.4
DPI = 40


def _need(tool: str) -> None:
    if not shutil.which(tool):
        pytest.fail(f"{tool} is not installed (make test installs poppler-utils)")


def _run(tmp_path_factory, name: str, **values):
    out = tmp_path_factory.mktemp(name)
    params = ReportParams.build(year=values.pop("year", 2015), as_of_month=values.pop("as_of_month", 7), **values)
    return run_report(params, out)


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    return _run(tmp_path_factory, "seed", region="荆州市")


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return _run(tmp_path_factory, "en", region="荆州市", language="en", plans={"projects_100m": 300})


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return _run(tmp_path_factory, "scenario", region="荆州市", dispersion=0.1, sigma=0.2)


@pytest.fixture(scope="module")
def luan(tmp_path_factory):
    return _run(
        tmp_path_factory,
        "luan",
        year=2024,
        as_of_month=6,
        region="六安市",
        source=str(FIXTURES / "luan_style_2024_m06.txt"),
    )


def pdf_pages_text(pdf: Path) -> list[str]:
    _need("pdftotext")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def pdf_page_images(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Each page as a grey image (0 black … 255 white), DPI dots per inch."""
    from PIL import Image

    _need("pdftoppm")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "page")], check=True)
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(folder.glob("page-*.png"))]


def longest_blank_run_mm(page: np.ndarray, top_mm: float = 16, bottom_mm: float = 18) -> float:
    """The tallest band of white rows inside the page's content area (between the margins), in mm."""
    px_per_mm = DPI / MM_PER_INCH
    content = page[int(top_mm * px_per_mm) : page.shape[0] - int(bottom_mm * px_per_mm)]
    blank = (content > 245).all(axis=1)
    longest = run = 0
    for is_blank in blank:
        run = run + 1 if is_blank else 0
        longest = max(longest, run)
    return longest / px_per_mm


# --- files ----------------------------------------------------------------------------------------------


def test_files_are_named_by_snapshot_language_and_scenario(seed, english, scenario, luan):
    # one folder per parameter set, named by the snapshot (a scenario and the language say so) and a hash
    for artifacts, stem in (
        (seed, "forecast_2015_m07"),
        (english, "forecast_2015_m07_plan-projects_100m-300_en"),
        (scenario, "forecast_2015_m07_phi0.1_sigma0.2"),
        (luan, "forecast_2024_m06"),
    ):
        assert re.fullmatch(re.escape(stem) + r"-[0-9a-f]{8}", artifacts.folder.name), artifacts.folder.name
        assert artifacts.files["pdf"].name == f"{artifacts.folder.name}.pdf"
        assert set(artifacts.files) == {"html", "pdf"}
        assert (artifacts.folder / "run.json").is_file()
        leftovers = [p.name for p in artifacts.folder.parent.iterdir() if p.name.startswith(".partial-")]
        assert leftovers == []


def test_executed_notebooks_have_no_errors_or_stderr(seed, english, scenario, luan):
    for artifacts in (seed, english, scenario, luan):
        nb = nbformat.read(artifacts.notebook, as_version=4)
        assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.output_type != "error", output
                # a missing glyph, a font fallback or any warning would land in the report
                assert not (output.output_type == "stream" and output.name == "stderr"), output.text


# --- what the pages say -----------------------------------------------------------------------------------


def test_seed_pdf_reads_right(seed):
    pages = pdf_pages_text(seed.files["pdf"])
    text = "\n".join(pages)
    first = pages[0]
    # the verdict comes first, in plain words, with the default forecast's figures
    assert "荆州市2015年1-7月招商引资进度与全年预测" in first and "结论" in first
    assert first.index("结论") < first.index("一、总体进度")
    assert "新引进亿元以上项目：预计可以完成全年计划（把握约80%）" in first
    assert "预计全年267个，80%的可能在232–312个之间" in re.sub(r"\s+", "", first)
    for expected in ("公安县", "监利县", "江陵县", "并列1", "按全市平均", "附录", "A. 预测方法"):
        assert expected in text, expected
    # one figure per quantity: no other method's point outside the appendix
    body = text.split("附录")[0]
    for other in ("298", "299", "1,368", "1,370", "1,299.7"):
        assert other not in body, other
    assert "欧洲杯" not in text and "import " not in text and "metrics=(" not in text
    # the page header names the report on every page
    assert all(page.lstrip().startswith("荆州市2015年1-7月招商引资进度与全年预测") for page in pages)


def test_pdf_embeds_a_cjk_font(seed):
    _need("pdffonts")
    fonts = subprocess.run(["pdffonts", str(seed.files["pdf"])], capture_output=True, text=True, check=True).stdout
    family = settings.cjk_font_family().replace(" ", "-")  # pdffonts writes WenQuanYi-Micro-Hei
    rows = [line for line in fonts.splitlines() if family in line]
    assert rows and all(" yes " in row for row in rows), fonts
    info = subprocess.run(["pdfinfo", str(seed.files["pdf"])], capture_output=True, text=True, check=True).stdout
    assert "A4" in info


def test_english_report_reads_right_and_has_no_han_outside_quotes(english):
    html = english.files["html"].read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert han_outside_quotes(html) == []
    pages = pdf_pages_text(english.files["pdf"])
    text = "\n".join(pages)
    assert "Jingzhou: investment attraction Jan–Jul 2015" in pages[0]
    assert "scenario: New projects of 100m yuan or more plan set to 300" in pages[0]
    # 174 of the given 300 = 58.0%; (300 − 174)/5 = 25.2 a month
    assert "58.0% of the annual plan of 300" in re.sub(r"\s+", " ", text)
    assert "Gong'an" in text and "Jingzhou Development Zone" in text and "Appendix" in text


def test_scenario_says_its_scenario_in_title_file_and_page_header(scenario):
    pages = pdf_pages_text(scenario.files["pdf"])
    header = "荆州市2015年1-7月招商引资进度与全年预测（情景：项目数波动 φ = 0.1，资金波动 σ = 0.2）"
    assert all(header in re.sub(r"\n\s*", "", page[:400]) for page in pages)
    html = scenario.files["html"].read_text(encoding="utf-8")
    assert f"<title>{header}</title>" in html


def test_luan_report_without_a_plan(luan):
    text = "\n".join(pdf_pages_text(luan.files["pdf"]))
    assert "六安市2024年1-6月招商引资进度与全年预测" in text
    assert "通报未给出全年计划，无法判断能否完成" in text
    assert "通报没有2024年1-6月的数字，未作预测" in text
    assert "霍山县" in text and "叶集区" in text
    assert "has no" not in text and "funds_in_place" not in text


# --- what the pages look like ---------------------------------------------------------------------------


def test_pdf_pages_are_not_blank_and_none_is_a_third_empty_mid_report(seed, english, scenario, luan, tmp_path):
    for n, artifacts in enumerate((seed, english, scenario, luan)):
        folder = tmp_path / str(n)
        folder.mkdir()
        pages = pdf_page_images(artifacts.files["pdf"], folder)
        assert len(pages) >= 3
        for number, page in enumerate(pages, 1):
            ink = (page < 200).mean()
            assert ink > 0.01, f"{artifacts.files['pdf'].name} page {number} is (nearly) blank: {ink:.3%} ink"
        # a third of the printable page (A4 297 mm less the 16 and 18 mm margins: 88 mm); the report this
        # replaced left 96 mm blank under its first page's text because the chart after it did not fit
        third = (pages[0].shape[0] / (DPI / MM_PER_INCH) - 16 - 18) / 3
        for number, page in enumerate(pages[:-1], 1):  # the last page may end where the report ends
            gap = longest_blank_run_mm(page)
            assert gap <= third, f"{artifacts.files['pdf'].name} page {number}: {gap:.0f} mm of white space"


def words_past_the_right_margin(pdf: Path, margin_mm: float = 10) -> list[tuple[int, str]]:
    """(page, word) of every word whose right edge lies within ``margin_mm`` of the paper's edge or beyond it
    (the page margins are wider: text there has run out of its table or line)."""
    _need("pdftotext")
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for number, (width, body) in enumerate(re.findall(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', box, re.S), 1):
        limit = float(width) - margin_mm / MM_PER_INCH * 72
        found += [(number, w) for x, w in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)<', body) if float(x) > limit]
    return found


def test_no_text_runs_past_the_right_margin(seed, english, scenario, luan):
    # the English table of every figure ran its source sentences 0-8 pt past the paper's edge (595 pt wide)
    for artifacts in (seed, english, scenario, luan):
        assert words_past_the_right_margin(artifacts.files["pdf"]) == [], artifacts.files["pdf"].name


def test_html_screenshot_in_headless_chromium_is_not_blank(seed, english, tmp_path):
    from PIL import Image

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (make test installs it)")
        pytest.skip("chromium is not installed here; make test installs it (Debian package chromium)")
    for artifacts in (seed, english):
        shot = tmp_path / f"{artifacts.files['html'].stem}.png"
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--screenshot={shot}",
                "--window-size=1000,2400",
                artifacts.files["html"].as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        image = np.asarray(Image.open(shot).convert("L"))
        assert image.shape[0] >= 2000
        ink = (image < 200).mean()
        assert ink > 0.01, f"{shot.name}: {ink:.3%} ink"
        # text and a chart, not one flat colour: several grey levels in quantity
        levels = np.bincount(image.ravel() // 32, minlength=8)
        assert (levels > image.size * 0.001).sum() >= 3


# --- the data audit ---------------------------------------------------------------------------------


def test_the_audit_pdf_lists_the_figures_not_mapped(tmp_path):
    # extract --explain of the seed: two figures filed under no metric, 15天 and 30条 (a part: 农业 only)
    params = ReportParams.build(year=2015, as_of_month=7, region="荆州市")
    audit = run_report(params, tmp_path / "zh", notebook="audit.ipynb")
    # the page lays the table's cells out side by side: whole quotes are read in the HTML the PDF is made from
    words = re.sub(r"\s+", "", "".join(pdf_pages_text(audit.files["pdf"])))
    assert "读到但未归入任何指标的数字" in words and "未归入指标的原因" in words
    assert "15天" in words and "30条" in words and "只是总数的一部分" in words
    html = audit.files["html"].read_text(encoding="utf-8")
    assert "今年以来市发改委、市工商局、市国税局等单位月均驻点天数超过15天" in html
    assert "市农业局、市财政局、市人社局搜集有效项目信息近30条" in html
    params_en = ReportParams.build(year=2015, as_of_month=7, region="荆州市", language="en")
    english = run_report(params_en, tmp_path / "en", notebook="audit.ipynb")
    html = english.files["html"].read_text(encoding="utf-8")
    assert "Why not mapped" in html and "月均驻点天数超过15天" in html
    assert han_outside_quotes(html) == []


# --- the notebooks, from any working directory ---------------------------------------------------------


def _execute(notebook: str, tmp_path: Path, **parameters):
    output = tmp_path / f"out-{notebook}"
    return execute_with_papermill(settings.NOTEBOOKS_DIR / notebook, output, parameters, tmp_path)


def test_every_notebook_runs_from_another_directory_with_its_defaults(tmp_path):
    for notebook in ("county.ipynb", "audit.ipynb", "explore.ipynb", "counties.ipynb"):
        nb = _execute(notebook, tmp_path)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors == [], notebook


def test_a_misspelt_notebook_parameter_is_an_error_naming_the_allowed_ones(tmp_path):
    with pytest.raises(InputError, match=r"unknown notebook parameter 'dispersoin'; allowed: .*dispersion.*sigma"):
        _execute("report.ipynb", tmp_path, dispersoin=0.1)


def test_bad_source_leaves_no_half_written_report(tmp_path):
    params = ReportParams.build(source=str(tmp_path / "missing.txt"), year=2015, as_of_month=7)
    with pytest.raises(InputError, match="no such file or folder"):
        run_report(params, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
