"""Time each stage of the report pipeline on the seed bulletin and print them side by side.

Medians of repeated runs (the machine is noisy), with each stage's share of the whole and the ratio of
in-process rendering to the nbconvert/papermill command-line tools, which is why the runner uses the
Python APIs. Run: ``.venv/bin/python benchmarks/pipeline_timings.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jzanalysis import settings
from jzanalysis.params import ReportParams
from jzanalysis.pipeline import analyse
from jzanalysis.runner import execute_with_papermill, export_html, export_pdf


def timed(function, repeat: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    params = ReportParams.build(year=2015, as_of_month=7)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t_analyse, _ = timed(lambda: analyse(params), args.repeat)
        rows.append(("analyse (extract, forecast, compare)", t_analyse))
        notebook = settings.NOTEBOOKS_DIR / "report.ipynb"
        t_exec, executed = timed(
            lambda: execute_with_papermill(
                notebook, tmp / "out.ipynb", params.notebook_parameters(), settings.NOTEBOOKS_DIR
            ),
            args.repeat,
        )
        rows.append(("papermill execute (Python API)", t_exec))
        t_html, html_text = timed(lambda: export_html(executed, "bench"), args.repeat)
        rows.append(("nbconvert HTML (in-process)", t_html))
        t_pdf, _ = timed(lambda: export_pdf(html_text, tmp / "out.pdf"), args.repeat)
        rows.append(("WeasyPrint PDF", t_pdf))
        cli = Path(sys.executable).parent / "jupyter-nbconvert"
        t_cli, _ = timed(
            lambda: subprocess.run(
                [str(cli), "--to", "html", "--no-input", "--output-dir", str(tmp), str(tmp / "out.ipynb")],
                check=True,
                capture_output=True,
            ),
            args.repeat,
        )
    total = sum(t for _, t in rows)
    print(f"{'stage':<40}{'median s':>10}{'share':>8}")
    for name, seconds in rows:
        print(f"{name:<40}{seconds:>10.3f}{seconds / total:>8.0%}")
    print(f"{'whole report (sum of stages)':<40}{total:>10.3f}")
    print()
    print(f"{'HTML: nbconvert CLI vs in-process':<40}{t_cli:>10.3f}{'':>8}  ratio {t_cli / t_html:,.0f}x")


if __name__ == "__main__":
    main()
