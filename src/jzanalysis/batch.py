"""Batch runs: the monthly set of reports from one parameter set.

A batch is a list of :class:`Job` (notebook, parameters, file stem) planned up front, so what will run is
known — and validated — before the first kernel starts: the forecast report, forecast scenarios over the
dispersion, the county comparison, a one-pager per county, and the data audit. An ``index.html`` lists
what was written.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from . import settings
from .params import ReportParams
from .pipeline import Analysis
from .runner import ReportArtifacts, report_stem, run_report


@dataclass(frozen=True)
class Job:
    """One notebook run of a batch."""

    notebook: str
    params: ReportParams
    stem: str
    title: str


def plan_batch(analysis: Analysis, *, scenarios: tuple[float, ...] = (), sigma_scenarios: tuple[float, ...] = (),
               counties: bool = True, audit: bool = True) -> list[Job]:
    """The jobs of a batch for an analysed parameter set (year and month already resolved).

    ``scenarios``: extra forecast reports, one per overdispersion φ of counts, e.g. ``(0.0, 0.1, 0.5)``;
    ``sigma_scenarios``: one per spread σ of amounts. A scenario's file name, title and page header say it.
    """
    from .report import document_title

    params = analysis.params
    jobs = [Job("report.ipynb", params, report_stem(params), document_title("report.ipynb", params))]
    for field, values in (("dispersion", scenarios), ("sigma", sigma_scenarios)):
        for value in values:
            scenario = params.model_copy(update={field: value})
            jobs.append(Job("report.ipynb", scenario, report_stem(scenario), document_title("report.ipynb", scenario)))
    suffix = "" if params.language == "zh" else f"_{params.language}"
    snapshot = f"{params.year}_m{params.as_of_month:02d}"
    if counties and analysis.comparison is not None:
        jobs.append(Job("counties.ipynb", params, f"counties_{snapshot}{suffix}", document_title("counties.ipynb", params)))
        for county in analysis.comparison["counties"]:
            region = county["region"]
            one = params.model_copy(update={"region": region})
            jobs.append(Job("county.ipynb", one, f"county_{snapshot}_{region}{suffix}", document_title("county.ipynb", one)))
    if audit:
        jobs.append(Job("audit.ipynb", params, f"audit_{snapshot}{suffix}", document_title("audit.ipynb", params)))
    return jobs


def _run_job(job: Job, out_dir: Path, formats: tuple[str, ...]) -> ReportArtifacts:
    return run_report(job.params, out_dir, notebook=job.notebook, formats=formats, stem=job.stem)


def run_batch(jobs: list[Job], out_dir: Path | None = None, formats: tuple[str, ...] = ("html", "pdf"),
              progress=None, workers: int = 1) -> list[tuple[Job, ReportArtifacts]]:
    """Run every job into ``out_dir`` and write ``index.html`` linking the results.

    ``workers`` > 1 runs notebooks in separate processes (each with its own kernel): papermill changes
    the working directory of its process, so threads would not be safe. Each job still writes its files
    only when it has succeeded.
    """
    out_dir = Path(out_dir or settings.REPORTS_DIR).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    done: list[tuple[Job, ReportArtifacts]] = []
    if workers <= 1:
        for number, job in enumerate(jobs, 1):
            if progress:
                progress(f"[{number}/{len(jobs)}] {job.notebook} → {job.stem}")
            done.append((job, _run_job(job, out_dir, formats)))
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run_job, job, out_dir, formats) for job in jobs]
            for number, (job, future) in enumerate(zip(jobs, futures), 1):
                done.append((job, future.result()))
                if progress:
                    progress(f"[{number}/{len(jobs)}] {job.notebook} → {job.stem}")
    write_index(done, out_dir)
    return done


def write_index(done: list[tuple[Job, ReportArtifacts]], out_dir: Path) -> Path:
    """``index.html`` in ``out_dir``: one line per report with links to its files."""
    items = []
    for job, artifacts in done:
        links = " ".join(
            f'<a href="{html.escape(path.name)}">{kind.upper()}</a>' for kind, path in sorted(artifacts.files.items())
        )
        items.append(f"<li>{html.escape(job.title)} — {links}</li>")
    index = out_dir / "index.html"
    index.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>报告目录</title></head>'
        f"<body><h1>报告目录</h1><ul>{''.join(items)}</ul></body></html>\n",
        encoding="utf-8",
    )
    return index
