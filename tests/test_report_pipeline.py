"""The real pipeline end to end: papermill runs the report notebook in a kernel, nbconvert renders the
HTML, WeasyPrint the PDF; then the outputs are read back as a reader would (pdftotext, pdffonts)."""

from __future__ import annotations

import re
import shutil
import subprocess

import nbformat
import pytest

from jzanalysis import settings
from jzanalysis.errors import InputError
from jzanalysis.params import ReportParams
from jzanalysis.runner import run_report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    params = ReportParams.build(year=2015, as_of_month=7)
    artifacts = run_report(params, out)
    return artifacts


def test_report_files_are_written(seed_report):
    # one folder per parameter set, named by the snapshot and a hash of the parameters
    assert re.fullmatch(r"forecast_2015_m07-[0-9a-f]{8}", seed_report.folder.name)
    assert seed_report.notebook.name == f"{seed_report.folder.name}.ipynb"
    assert set(seed_report.files) == {"html", "pdf"}
    for path in seed_report.files.values():
        assert path.stat().st_size > 10_000
    assert (seed_report.folder / "run.json").is_file()
    leftovers = [p.name for p in seed_report.folder.parent.iterdir() if p.name.startswith(".partial-")]
    assert leftovers == []


def test_executed_notebook_has_no_errors_or_missing_glyph_warnings(seed_report):
    nb = nbformat.read(seed_report.notebook, as_version=4)
    parameters = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert parameters, "papermill injected no parameters cell"
    assert "as_of_month = 7" in parameters[0].source
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output
            # anything a cell writes to stderr (a missing glyph, a font fallback) lands in the report
            assert not (output.output_type == "stream" and output.name == "stderr"), output.text


def test_html_reads_right(seed_report):
    html = seed_report.files["html"].read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "荆州市2015年1-7月招商引资进度与全年预测" in text
    assert "公安县" in text and "江陵县" in text
    assert "298.8" in text and "1,370.4" in text  # straight line by working days: 174×249/145, 798×249/145
    assert "243.0" in text  # implied plan 174/0.716
    assert "欧洲杯外围买球网" in text  # listed in the source section as stripped spam ...
    assert "完成全年计划的概率约为" in text
    assert "import " not in text and "nr." not in text  # ... and no code
    assert "Out[" not in text and "analyst-only" not in text


def test_pdf_embeds_a_cjk_font_and_gives_back_the_text(seed_report):
    if not shutil.which("pdftotext"):
        pytest.fail("poppler-utils is not installed (make test installs it)")
    pdf = str(seed_report.files["pdf"])
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    family = settings.cjk_font_family().replace(" ", "-")  # pdffonts writes WenQuanYi-Micro-Hei
    cjk_rows = [line for line in fonts.splitlines() if family in line]
    assert cjk_rows, fonts
    assert all(" yes " in row for row in cjk_rows), fonts  # emb column
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("公安县", "监利县", "江陵县", "298.8", "1,370.4", "全年预测", "完成全年计划的概率约为"):
        assert expected in text, expected
    pages = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert "A4" in pages


def test_bad_source_leaves_no_half_written_report(tmp_path):
    params = ReportParams.build(source=str(tmp_path / "missing.txt"), year=2015, as_of_month=7)
    with pytest.raises(InputError, match="no such file or folder"):
        run_report(params, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_source_notebooks_carry_no_outputs():
    for path in settings.NOTEBOOKS_DIR.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged parameters"
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name
