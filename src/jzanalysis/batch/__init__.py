"""Batch runs: a declared grid of notebook × parameters, run once per change, on one machine or many.

The flow of :func:`run_batch`:

1. **Plan** (:mod:`.grid`): the grid is checked (every parameter, notebook, format, path) before
   anything runs, then expanded against the data (which counties, which months). The expansion is
   cached by the hash of the grid and its input files (:mod:`.cache`), so an unchanged batch needs
   no pandas and no extraction at all.
2. **Skip what is fresh**: a run whose key (notebook, parameters, input files' sha256, package, font)
   matches its published ``run.json`` and whose files are intact is not executed (``force`` re-runs).
3. **Analyse once**: every analysis the remaining notebooks will ask for is computed here once and
   handed to their kernels as a pickled artifact (:mod:`jzanalysis.analysis_cache`).
4. **Execute** (:mod:`.executors`): local worker processes with kernels forked from a warm template,
   or a Dask cluster; each result is published as soon as it arrives (:func:`jzanalysis.runner.publish`:
   one folder per run, renamed into place as a unit). A failing run does not stop the others.
5. **Index**: ``index.html`` and ``manifest.json`` rebuilt from every published run of the folder.

Ctrl-C (or SIGTERM) stops the batch: workers and kernels are killed, nothing half-written stays, and
running the same command again finishes only what was left.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import settings
from ..errors import InputError
from ..runner import publish, remove_stale_staging
from .cache import is_fresh, load_plan, plan_key, run_key, save_plan
from .executors import EXECUTORS, DaskExecutor, Executor, InlineExecutor, LocalExecutor
from .grid import GridSpec, Job, expand, monthly_grid, override, read_grid
from .index import write_index

__all__ = [
    "EXECUTORS",
    "BatchResult",
    "DaskExecutor",
    "Executor",
    "GridSpec",
    "InlineExecutor",
    "Job",
    "LocalExecutor",
    "monthly_grid",
    "override",
    "plan",
    "plan_batch",
    "read_grid",
    "run_batch",
    "run_jobs",
    "write_index",
]


class Interrupted(KeyboardInterrupt):
    """The batch was stopped by a signal (SIGINT or SIGTERM)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum


@dataclass
class BatchResult:
    jobs: list[Job]
    out_dir: Path
    done: list[Job] = field(default_factory=list)
    cached: list[Job] = field(default_factory=list)
    failed: list[tuple[Job, str, dict]] = field(default_factory=list)  # job, the one line, the error
    interrupted: int | None = None  # the signal number
    seconds: float = 0.0

    @property
    def index(self) -> Path:
        return self.out_dir / "index.html"

    @property
    def exit_status(self) -> int:
        """0 all published; 1 some run failed; 128 + signal (130 for Ctrl-C) when interrupted."""
        if self.interrupted:
            return 128 + self.interrupted
        return 1 if self.failed else 0

    def folder(self, job: Job) -> Path:
        return self.out_dir / job.name


def plan(spec: GridSpec, out_dir: Path | None = None, on_miss=None) -> tuple[list[Job], dict | None]:
    """The grid's jobs, from the plan cache in ``out_dir`` when the grid and its inputs are unchanged.

    Returns ``(jobs, analyses)``; ``analyses`` is None when the jobs came from the cache (then the
    analyses are computed only for the runs that must execute).
    """
    from .grid import check_spec

    key = plan_key(spec)
    if out_dir is not None:
        jobs = load_plan(out_dir, key)
        if jobs is not None:  # this very grid, with these very inputs, was checked and expanded before
            return jobs, None
    check_spec(spec)
    if on_miss is not None:
        on_miss()
    jobs, analyses = expand(spec)
    if out_dir is not None:
        save_plan(out_dir, key, jobs)
    return jobs, analyses


def plan_batch(analysis, *, scenarios: tuple[float, ...] = (), counties: bool = True, audit: bool = True) -> list[Job]:
    """The monthly set's jobs for an analysed parameter set (kept for scripts written against it)."""
    p = analysis.params
    spec = monthly_grid(
        source=p.source,
        scenarios=scenarios,
        counties=counties,
        audit=audit,
        year=p.year,
        as_of_month=p.as_of_month,
        methods=list(p.methods) if p.methods else None,
        dispersion=p.dispersion,
        county_plans=p.county_plans,
    )
    return expand(spec)[0]


def check_out_outside_sources(out_dir: Path, sources) -> None:
    """``--out`` inside a source folder is refused: the next run would read the generated pages as
    bulletins, and every run would change the inputs of the next (nothing ever cached)."""
    out_dir = Path(out_dir).resolve()
    for source in sources:
        folder = Path(source).resolve()
        if folder.is_dir() and (folder == out_dir or folder in out_dir.parents):
            raise InputError(
                f"--out {out_dir} is inside the source folder {folder}: the reports would be read as bulletins; "
                "allowed: a folder outside it"
            )


def _stamps(job: Job, since: dict) -> dict[str, tuple | None]:
    """The stamp of each input file of ``job``: the one taken before planning when there is one."""
    from .cache import input_files, stamp

    return {str(path): since.get(str(path)) or stamp(path) for path in input_files(job)}


def input_stamps(spec: GridSpec) -> dict[str, tuple | None]:
    """Stamps of every file the grid reads (each file of a source folder), before anything is read."""
    from .cache import stamp
    from .grid import input_paths

    stamps = {}
    for name in input_paths(spec):
        path = Path(name)
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in files:
            stamps[str(file)] = stamp(file)
    if settings.MANIFEST_PATH.is_file():
        stamps[str(settings.MANIFEST_PATH)] = stamp(settings.MANIFEST_PATH)
    return stamps


def _changed_input(job: Job, stamps: dict) -> str | None:
    """The first input file of ``job`` added, removed or touched since ``stamps`` were taken, else None."""
    from .cache import input_files, stamp

    now = {str(path): stamp(path) for path in input_files(job)}
    for path in sorted(set(now) | set(stamps)):
        if now.get(path) != stamps.get(path):
            return path
    return None


def _owners_file(out_dir: Path, owner: str) -> Path:
    import hashlib

    from .cache import CACHE_DIR

    return Path(out_dir) / CACHE_DIR / "grids" / f"{hashlib.sha256(owner.encode()).hexdigest()[:16]}.json"


def drop_runs_left_out(out_dir: Path, owner: str, names: list[str]) -> list[str]:
    """Take the runs ``owner`` (a grid) published before and no longer has out of ``out_dir`` (moved into
    ``.jzanalysis/dropped/``, never deleted); runs another grid also has stay. Records ``names`` as the grid's
    runs. Returns the names taken out."""
    import json
    import os

    from .cache import CACHE_DIR

    record = _owners_file(out_dir, owner)
    try:
        before = set(json.loads(record.read_text(encoding="utf-8"))["runs"])
    except (OSError, ValueError, KeyError, TypeError):
        before = set()
    kept_by_others = set()
    for other in record.parent.glob("*.json") if record.parent.is_dir() else []:
        if other != record:
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                kept_by_others |= set(json.loads(other.read_text(encoding="utf-8"))["runs"])
    dropped = sorted(before - set(names) - kept_by_others)
    aside = Path(out_dir) / CACHE_DIR / "dropped"
    for name in dropped:
        folder = Path(out_dir) / name
        if "/" in name or name.startswith(".") or not folder.is_dir():
            continue
        aside.mkdir(parents=True, exist_ok=True)
        target = aside / name
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.rename(folder, target)
    record.parent.mkdir(parents=True, exist_ok=True)
    temporary = record.with_name(f".{record.name}.{os.getpid()}")
    temporary.write_text(json.dumps({"grid": owner, "runs": sorted(names)}, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, record)
    return dropped


def _failure_line(job: Job, error: dict) -> str:
    cell = f" cell {error['cell']}" if error.get("cell") is not None else ""
    cell += f" ({error['line'][:60]})" if error.get("line") else ""
    return f"failed: {job.describe()}{cell}: {error['ename']}: {error['evalue']}"


def _analyses_for(jobs: list[Job], analyses: dict | None) -> dict[str, bytes]:
    """Pickled artifacts (key → bytes) of every analysis the jobs' kernels ask for."""
    from ..analysis_cache import artifact_key, dumps
    from ..pipeline import analyse
    from .grid import _bulletins_read_once

    blobs: dict[str, bytes] = {}
    with _bulletins_read_once():
        for job in jobs:
            for flag in job.analyses:
                key = artifact_key(job.params, flag)
                if key in blobs:
                    continue
                analysis = analyses[key][2] if analyses and key in analyses else analyse(job.params, forecast=flag)
                blobs[key] = dumps(analysis, job.params, flag)[1]
    return blobs


def _task(job: Job, key: str, blobs: dict[str, bytes], number: int) -> dict:
    from ..analysis_cache import artifact_key

    return {
        "id": number,
        "name": job.name,
        "key": key,
        "notebook": job.notebook,
        "notebook_json": job.path.read_text(encoding="utf-8"),
        "parameters": job.params.notebook_parameters(),
        "title": job.title,
        "formats": list(job.formats),
        "cwd": str(settings.NOTEBOOKS_DIR),
        "artifacts": {k: blobs[k] for k in (artifact_key(job.params, f) for f in job.analyses)},
    }


def _on_signals():
    """Turn SIGTERM (and SIGINT) into :class:`Interrupted` in this thread while a batch runs."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    return lambda: [signal.signal(s, h) for s, h in previous.items()]


def run_jobs(
    jobs: list[Job],
    out_dir: Path | None = None,
    *,
    executor: Executor | None = None,
    force: bool = False,
    analyses: dict | None = None,
    progress=None,
    keys: dict | None = None,
    since: dict | None = None,
    owner: str | None = None,
) -> BatchResult:
    """Run the jobs that are not fresh in ``out_dir``, publish each, rebuild the index; never raises
    for a failing notebook (see :attr:`BatchResult.failed`).

    ``since``: the input files' stamps (:func:`.cache.stamp`) taken when the batch began reading them (before
    planning); a run whose inputs changed after that (edited, or moved away and back) is not published.
    ``owner``: the grid the jobs are (its file); runs it published before and no longer has are taken out of
    the folder (into ``.jzanalysis/dropped/``), so the index and manifest list the grid as it is."""
    from ..kernels import remove_stale_temp_dirs
    from .progress import Progress

    started = time.monotonic()
    out_dir = Path(out_dir or settings.REPORTS_DIR).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file, not a folder")
    check_out_outside_sources(out_dir, {job.source for job in jobs})
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out_dir)
    remove_stale_temp_dirs()
    executor = executor or LocalExecutor(workers=2)
    result = BatchResult(jobs=jobs, out_dir=out_dir)
    by_name: dict[str, tuple[Job, str, list]] = {}
    to_run: list[Job] = []
    for job in jobs:
        key, inputs = keys[job.name] if keys and job.name in keys else run_key(job)
        by_name[job.name] = (job, key, inputs)
        if not force and is_fresh(out_dir, job.name, key):
            result.cached.append(job)
        else:
            to_run.append(job)
    stamps = {job.name: _stamps(job, since or {}) for job in to_run}
    bar = progress if progress is not None else Progress(total=len(jobs), cached=len(result.cached))
    restore = _on_signals()
    try:
        if to_run:
            write_index(out_dir, complete=False)  # from here until the last rewrite: said to be incomplete
            executor.prepare()  # the template imports while we analyse
            blobs = _analyses_for(to_run, analyses)
            tasks = [_task(job, by_name[job.name][1], blobs, number) for number, job in enumerate(to_run)]

            def on_start(task):
                bar.start()

            def on_result(task, outcome):
                job, key, inputs = by_name[task["name"]]
                changed = _changed_input(job, stamps[job.name]) if outcome["ok"] else None
                if changed is not None:  # what the run read may not be what its key hashed: not published
                    outcome = {
                        "ok": False,
                        "error": {
                            "notebook": job.notebook,
                            "cell": None,
                            "ename": "InputChanged",
                            "evalue": f"{changed} changed during the run; run again",
                            "input_error": False,
                        },
                    }
                if outcome["ok"]:
                    publish(
                        out_dir,
                        job.name,
                        outcome["files"],
                        {
                            "key": key,
                            "notebook": job.notebook,
                            "title": job.title,
                            "parameters": job.canonical,
                            "formats": list(job.formats),
                            "inputs": inputs,
                            "headline": [list(item) for item in job.headline],
                        },
                    )
                    result.done.append(job)
                    write_index(out_dir, complete=False)  # the manifest lists it, with its sha256, at once
                    bar.finish(True)
                else:
                    line = _failure_line(job, outcome["error"])
                    result.failed.append((job, line, outcome["error"]))
                    bar.finish(False, line)

            executor.run(tasks, on_start, on_result)
    except Interrupted as exc:
        result.interrupted = exc.signum
    finally:
        executor.close()
        restore()
        bar.close()
        try:
            if owner is not None:
                drop_runs_left_out(out_dir, owner, [job.name for job in jobs])
            write_index(out_dir)
        finally:
            # nothing of this process publishes any more: what it staged and a signal cut short goes too
            remove_stale_staging(out_dir, own=True)
    result.seconds = time.monotonic() - started
    return result


def run_batch(
    grid: GridSpec | list[Job],
    out_dir: Path | None = None,
    *,
    executor: Executor | None = None,
    force: bool = False,
    progress=None,
) -> BatchResult:
    """Plan (or take) the jobs of a grid and run them into ``out_dir`` (default reports/)."""
    out_dir = Path(out_dir or settings.REPORTS_DIR).resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file, not a folder")
    if isinstance(grid, GridSpec):
        from .grid import input_paths

        check_out_outside_sources(out_dir, [*input_paths(grid), grid.defaults.get("source") or settings.SEED_BULLETIN])
    executor = executor or LocalExecutor(workers=2)
    since, owner = None, None
    try:
        if isinstance(grid, GridSpec):
            since = input_stamps(grid)  # before a byte of them is read
            owner = str(Path(grid.origin).resolve()) if Path(grid.origin).is_file() else grid.origin
            # a grid not planned before needs pandas and the analyses: start the kernel template now,
            # so its imports overlap ours
            jobs, analyses = plan(grid, out_dir, on_miss=executor.prepare)
        else:
            jobs, analyses = list(grid), None
    except BaseException:
        executor.close()
        raise
    return run_jobs(
        jobs, out_dir, executor=executor, force=force, analyses=analyses, progress=progress, since=since, owner=owner
    )
