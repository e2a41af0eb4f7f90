"""Batch planning (fast) and the county one-pager and data-audit notebooks run for real (slow)."""

from __future__ import annotations

import re

import nbformat
import pytest

from jzanalysis.batch import plan_batch, run_batch, write_index
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse
from jzanalysis.runner import ReportArtifacts, run_report


@pytest.fixture(scope="module")
def seed_analysis():
    return analyse(ReportParams.build(year=2015, as_of_month=7))


def test_batch_plans_report_scenarios_counties_and_audit(seed_analysis):
    jobs = plan_batch(seed_analysis, scenarios=(0.0, 0.5))
    # 1 report + 2 scenarios + 1 comparison + 9 county one-pagers + 1 audit
    assert len(jobs) == 14
    assert [j.stem for j in jobs[:3]] == ["forecast_2015_m07", "forecast_2015_m07_phi0", "forecast_2015_m07_phi0.5"]
    assert jobs[2].params.dispersion == 0.5
    counties = [j for j in jobs if j.notebook == "county.ipynb"]
    assert {j.params.region for j in counties} == {"公安县", "监利县", "石首市", "荆州开发区", "沙市区", "荆州区", "洪湖市", "松滋市", "江陵县"}
    assert jobs[-1].notebook == "audit.ipynb"
    assert len(plan_batch(seed_analysis, counties=False, audit=False)) == 1


def test_index_links_every_file(tmp_path, seed_analysis):
    job = plan_batch(seed_analysis)[0]
    artifacts = ReportArtifacts(notebook=tmp_path / "x.ipynb", files={"html": tmp_path / "x.html", "pdf": tmp_path / "x.pdf"})
    index = write_index([(job, artifacts)], tmp_path).read_text(encoding="utf-8")
    assert '<a href="x.html">HTML</a>' in index and '<a href="x.pdf">PDF</a>' in index
    assert "2015年1-7月招商引资进度与全年预测" in index


def _text(path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


@pytest.mark.slow
def test_county_one_pager_for_jiangling(tmp_path):
    params = ReportParams.build(year=2015, as_of_month=7, region="江陵县")
    artifacts = run_report(params, tmp_path, notebook="county.ipynb", stem="county", formats=("html",))
    text = _text(artifacts.files["html"])
    assert "江陵县：2015年1-7月新引进亿元以上项目" in text
    assert "精确 95% 区间 5.5–19.7" in text  # Garwood for 11: 5.49–19.68
    assert "在所列 9 个县市区中排第 9 位" in text
    assert "现有数字不足以说明该县市区与全市平均水平有差异" in text  # inside the funnel: no claim
    # one page: the county's own dot-and-interval chart, not the city funnel plot as well
    assert artifacts.files["html"].read_text(encoding="utf-8").count("<img") == 1
    # nothing on stderr (a font fallback warning would be printed into the report)
    nb = nbformat.read(artifacts.notebook, as_version=4)
    assert [o.text for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr"] == []


@pytest.mark.slow
def test_audit_notebook_lists_what_was_stripped(tmp_path):
    params = ReportParams.build(year=2015, as_of_month=7)
    artifacts = run_report(params, tmp_path, notebook="audit.ipynb", stem="audit", formats=("html",))
    text = _text(artifacts.files["html"])
    assert "数据核查" in text and "欧洲杯外围买球网" in text and '"));' in text.replace("&quot;", '"')
    assert "没有同一指标、同一时期、同一地区的数值冲突" in text


@pytest.mark.slow
def test_parallel_workers_each_report_their_own_county(tmp_path, seed_analysis):
    # two kernels at once: each one-pager must carry its own county's figures (Garwood 95% for
    # 23 → 14.58–34.51, 22 → 13.79–33.31, 11 → 5.49–19.68, shown to one decimal), and no worker may hang on the
    # other's kernel
    wanted = {"公安县": "14.6–34.5", "石首市": "13.8–33.3", "江陵县": "5.5–19.7"}
    jobs = [j for j in plan_batch(seed_analysis) if j.params.region in wanted]
    assert len(jobs) == 3
    done = run_batch(jobs, tmp_path, formats=("html",), workers=2)
    assert len(done) == 3
    for job, artifacts in done:
        text = _text(artifacts.files["html"])
        region = job.params.region
        assert f"{region}：2015年1-7月新引进亿元以上项目" in text
        assert f"精确 95% 区间 {wanted[region]}" in text
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(artifacts.files["html"].name in index for _, artifacts in done)
