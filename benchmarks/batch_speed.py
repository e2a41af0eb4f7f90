"""The monthly batch against the hand loop, on the shipped grid (not a timed test: it prints figures).

(a) the hand loop: for every run of the grid, the ``papermill`` CLI, then ``jupyter nbconvert --to html
    --no-input``, then the ``weasyprint`` CLI, one after another;
(b) ``jzanalysis batch GRID --out NEW_FOLDER``: cold (nothing cached), local workers;
(c) the same command again, nothing changed;
(d) the floor: the same notebooks' cell time (nbclient's per-cell timings, on kernels whose imports are
    done, analysis handed over as in the batch) plus HTML and PDF export time, one run after another
    in one warm process.

Prints (a)/(b), (c) and (b)/(d) per repetition, and the medians. Targets on 2 cores: (a)/(b) ≥ 6,
(c) < 1 s, (b) ≤ 1.5 × (d). Run: ``.venv/bin/python benchmarks/batch_speed.py [--repeat 3] [--grid batch.yaml]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jzanalysis import settings
from jzanalysis.batch import plan, read_grid

BIN = Path(sys.executable).parent


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _cpu() -> float:
    """CPU seconds (user + system) of this process and every child process it has collected so far."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def timed(function, *args):
    """(result, wall seconds, CPU seconds) of ``function(*args)``; the CPU includes child processes
    (papermill's kernels, the batch's template, workers and kernels: each level collects its children)."""
    cpu, wall = _cpu(), time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - wall, _cpu() - cpu


def hand_loop(jobs, folder: Path) -> float:
    """(a): papermill CLI → nbconvert CLI → weasyprint CLI for every run, as an analyst would by hand."""
    import yaml

    started = time.perf_counter()
    for number, job in enumerate(jobs):
        params = folder / f"{number}.yaml"
        params.write_text(yaml.safe_dump(job.params.notebook_parameters(), allow_unicode=True), encoding="utf-8")
        executed = folder / f"{number}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(job.path),
                str(executed),
                "-f",
                str(params),
                "-k",
                "jzanalysis",
                "--cwd",
                str(settings.NOTEBOOKS_DIR),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        if "html" in job.formats:
            subprocess.run(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                check=True,
                capture_output=True,
            )
        if "pdf" in job.formats:
            subprocess.run(
                [str(BIN / "weasyprint"), str(folder / f"{number}.html"), str(folder / f"{number}.pdf")],
                check=True,
                capture_output=True,
            )
    return time.perf_counter() - started


def batch(grid: Path, out: Path, workers: int | None) -> float:
    """(b) and (c): the command as a user runs it."""
    argv = [str(BIN / "jzanalysis"), "batch", str(grid), "--out", str(out)]
    if workers:
        argv += ["--workers", str(workers)]
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - started


def floor(jobs) -> tuple[float, float, float]:
    """(d): Σ cell time (warm kernels, analysis handed over) + Σ export time, in this one process.

    Returns (total, cells, exports)."""
    import nbformat

    from jzanalysis.batch import _analyses_for, _task
    from jzanalysis.batch.cache import run_key
    from jzanalysis.batch.worker import KERNEL_ENV, _prepare_context
    from jzanalysis.kernels import Template, forked_kernel_manager, stop_kernel
    from jzanalysis.runner import execute_notebook, export_html, export_pdf, normalise_notebook

    # a notebook declares only the parameters it uses; papermill warns of the rest, which the batch keeps quiet too
    logging.getLogger("papermill").setLevel(logging.ERROR)
    template = Template()
    template.wait_ready()
    blobs = _analyses_for(jobs, None)
    cells = exports = 0.0
    warm = False
    try:
        for number, job in enumerate(jobs):
            task = _task(job, run_key(job)[0], blobs, number)
            km = forked_kernel_manager(template, task["cwd"], KERNEL_ENV)
            try:
                _prepare_context(km, task)
                nb = nbformat.reads(task["notebook_json"], as_version=4)
                executed = execute_notebook(nb, task["parameters"], km=km, timing=True)
            finally:
                stop_kernel(km)
            for cell in executed.cells:
                timing = cell.metadata.get("execution", {})
                if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
                    begin = dt.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
                    end = dt.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
                    cells += (end - begin).total_seconds()
            if not warm:  # the exporters' first call loads templates and fonts: warm them first
                export_pdf(export_html(normalise_notebook(executed), job.title))
                warm = True
            started = time.perf_counter()
            html = export_html(normalise_notebook(executed), job.title)
            if "pdf" in job.formats:
                export_pdf(html)
            exports += time.perf_counter() - started
    finally:
        template.close()
    return cells + exports, cells, exports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=Path, default=settings.REPO_ROOT / "batch.yaml")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="batch workers (default: the number of cores)")
    parser.add_argument("--skip-hand", action="store_true", help="skip (a), the slowest part")
    args = parser.parse_args()
    jobs = plan(read_grid(args.grid))[0]
    print(f"grid {args.grid.name}: {len(jobs)} runs; {os.cpu_count()} cores; load average {_load()}", flush=True)
    rows = []
    for repetition in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="jz-bench-") as tmp:
            tmp = Path(tmp)
            a = None
            if not args.skip_hand:
                (tmp / "hand").mkdir()
                _, a, a_cpu = timed(hand_loop, jobs, tmp / "hand")
                print(f"  (a) hand loop            {a:7.1f} s   CPU {a_cpu:6.1f} s   (load {_load()})", flush=True)
            _, b, b_cpu = timed(batch, args.grid, tmp / "batch", args.workers)
            print(f"  (b) batch, cold          {b:7.1f} s   CPU {b_cpu:6.1f} s   (load {_load()})", flush=True)
            _, c, c_cpu = timed(batch, args.grid, tmp / "batch", args.workers)
            print(f"  (c) batch, unchanged     {c:7.2f} s   CPU {c_cpu:6.2f} s", flush=True)
            (d, cells, exports), _, d_cpu = timed(floor, jobs)
            print(
                f"  (d) floor                {d:7.1f} s   (cells {cells:.1f} s + exports {exports:.1f} s; "
                f"CPU of the whole step {d_cpu:.1f} s; load {_load()})",
                flush=True,
            )
            shutil.rmtree(tmp / "batch", ignore_errors=True)
            if a:
                print(f"      CPU: (a)/(b) = {a_cpu / b_cpu:.1f}", flush=True)
        rows.append((a, b, c, d))
        ratio = f"{a / b:5.1f}" if a else "  n/a"
        print(f"run {repetition + 1}: (a)/(b) = {ratio}   (c) = {c:.2f} s   (b)/(d) = {b / d:4.2f}", flush=True)
    if len(rows) > 1:
        med = [
            statistics.median(x for x in column if x is not None) if any(x is not None for x in column) else None
            for column in zip(*rows)
        ]
        a, b, c, d = med
        print(
            f"median: (a) {a or float('nan'):.1f} s, (b) {b:.1f} s, (c) {c:.2f} s, (d) {d:.1f} s;"
            f" (a)/(b) = {(a / b) if a else float('nan'):.1f}, (b)/(d) = {b / d:.2f}"
        )
    print("targets on 2 cores: (a)/(b) >= 6, (c) < 1 s, (b) <= 1.5 x (d)")


if __name__ == "__main__":
    main()
