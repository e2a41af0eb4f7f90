"""The package outside a checkout: a wheel built from this repository, installed into a fresh virtualenv
with the locked runtime dependencies (no dev group, no extras: no JupyterLab), renders the seed report
from a working directory outside the checkout, with no kernel spec installed and a new home folder.

Real build, real install, real kernel, papermill and WeasyPrint (about a minute with a warm uv cache).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jzanalysis import __version__, settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "000_f5510f0c233d12e8.txt"


def _uv() -> str:
    uv = ROOT / ".tools" / "bin" / "uv"
    found = str(uv) if uv.is_file() else shutil.which("uv")
    if found is None:
        pytest.skip("uv is not installed (make setup puts it in .tools/bin): cannot build and install the wheel")
    return found


def _run(argv: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, argv))} failed ({done.returncode}):\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, working directory, the report run, its environment) after build, install and `jzanalysis report`."""
    uv = _uv()
    base = tmp_path_factory.mktemp("wheel")
    dist, venv, work, home = base / "dist", base / "venv", base / "cwd", base / "home"
    for folder in (work, home):
        folder.mkdir()

    _run([uv, "build", "--wheel", "--out-dir", dist, ROOT], cwd=base)
    (wheel,) = dist.glob("jzanalysis-*.whl")
    requirements = base / "requirements.txt"
    # the runtime dependencies at the versions of uv.lock (what `make setup` installs, less dev and extras)
    export = ["export", "--project", ROOT, "--frozen", "--no-dev", "--no-hashes", "--no-emit-project"]
    _run([uv, *export, "--output-file", requirements], cwd=base)
    _run([uv, "venv", "--quiet", "--python", sys.executable, venv], cwd=base)
    _run([uv, "pip", "install", "--python", venv / "bin" / "python", "-r", requirements, wheel], cwd=base)

    shutil.copyfile(SEED, work / "seed.txt")
    # what a user has after `pip install`: the venv's commands, a home of their own (no Jupyter folders,
    # no kernel spec), nothing of the checkout on any path
    env = {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    report = _run([venv / "bin" / "jzanalysis", "report", "--source", "seed.txt"], cwd=work, env=env)
    return venv, work, report, env


def _site_packages(venv: Path) -> Path:
    (site,) = venv.glob("lib/python3.*/site-packages")
    return site


def test_installed_package_is_not_the_checkout(installed):
    venv, work, _, env = installed
    site = _site_packages(venv)
    probe = "import importlib.util, jzanalysis.settings as s; print(s.CHECKOUT, s.NOTEBOOKS_DIR, s.REPORTS_DIR); print(importlib.util.find_spec('jupyterlab'))"
    out = _run([venv / "bin" / "python", "-c", probe], cwd=work, env=env).stdout.splitlines()
    assert out[0] == f"None {site / 'jzanalysis' / 'notebooks'} {work / 'reports'}"
    assert out[1] == "None"  # JupyterLab is the extra `lab`, not a runtime dependency
    assert sorted(p.name for p in (site / "jzanalysis" / "notebooks").iterdir()) == [
        "audit.ipynb",
        "counties.ipynb",
        "county.ipynb",
        "explore.ipynb",
        "report.ipynb",
    ]
    # no kernel spec named jzanalysis anywhere: the runner starts its kernel from its own Python
    assert not (venv / "share" / "jupyter" / "kernels" / "jzanalysis").exists()


def test_report_from_the_wheel(installed):
    _, work, report, _ = installed
    (folder,) = (work / "reports").glob("forecast_2015_m07-*")
    html, pdf = folder / f"{folder.name}.html", folder / f"{folder.name}.pdf"
    assert f"html: {html}" in report.stdout and f"pdf: {pdf}" in report.stdout
    assert html.stat().st_size > 0 and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is not installed (make setup installs poppler-utils)")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 500  # the report's own words, in Chinese
    # the headline as the seed states it: 174 projects by July, 71.6% of the plan, which is 174 / 0.716 ≈ 243
    assert "1-7月完成174个，为全年计划243个的71.6%" in text
    # provenance names the commit the wheel was built from (this checkout's), not "unknown"
    commit = settings.checkout_commit() or __version__
    assert f"jzanalysis {__version__}，代码版本 {commit}，" in text
    assert "unknown" not in text and str(ROOT) not in text


def test_nothing_points_back_to_the_checkout(installed):
    _, work, _, _ = installed
    outputs = [p for p in (work / "reports").rglob("*") if p.is_file() and p.suffix != ".pdf"]
    assert {p.suffix for p in outputs} >= {".html", ".ipynb", ".json"}
    for path in outputs:
        # the test's own folders (the working directory, the venv) may lie beside the checkout (CI clones
        # into /tmp, where pytest's folders are too): they are where the user ran the report, so they count out
        text = path.read_text(encoding="utf-8", errors="replace").replace(str(work.parent), "<test folder>")
        assert str(ROOT) not in text, f"{path.relative_to(work)} names the checkout {ROOT}"
        # nor the folder of checkouts (/work/…): a path that starts there, not one that passes through a "work"
        beside = re.search(r"(?<![\w./-])" + re.escape(f"{ROOT.parent}/"), text)
        assert beside is None, f"{path.relative_to(work)} names {text[beside.start() : beside.start() + 80]}"
