"""Expanding a grid against the data: every combination of its lists, each county and each bulletin where
it asks, parameters resolved from the data, and the analyses computed once on the way."""

from __future__ import annotations

import contextlib
import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING

from ... import settings
from ...analysis_cache import artifact_key
from ...errors import InputError
from ...notebook_registry import entry_of
from .file import PATH_FIELDS
from .jobs import EACH_BULLETIN, EACH_COUNTY, GridSpec, Job
from .naming import headline, run_stem, run_title

if TYPE_CHECKING:
    from ...params import ReportParams


def _check_finite(values: dict, where: str) -> None:
    for key, value in values.items():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, float) and not math.isfinite(item):
                raise InputError(f"{where}: {key} must be a finite number, got {item}")


def _params(values: dict, where: str) -> ReportParams:
    from ...params import ReportParams  # pydantic: not for a batch whose plan is cached

    _check_finite(values, where)
    try:
        return ReportParams.build(**values)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def input_paths(spec: GridSpec) -> list[str]:
    """Every source and county-plans path the grid names (what the expansion depends on)."""
    paths = set()
    for run in spec.runs:
        merged = {**spec.defaults, **run["params"]}
        for key in PATH_FIELDS:
            values = run["vary"].get(key)
            if isinstance(values, list):
                paths.update(values)
            elif merged.get(key):
                paths.add(merged[key])
    return sorted(paths)


def check_spec(spec: GridSpec) -> None:
    """Validate every parameter combination of the grid without reading any data (fast)."""
    for number, run in enumerate(spec.runs, 1):
        where = f"{spec.origin}: run {number} ({run['notebook']})"
        fixed = {**spec.defaults, **run["params"]}
        lists = {k: v for k, v in run["vary"].items() if isinstance(v, list)}
        for combination in itertools.product(*lists.values()) if lists else [()]:
            values = {**fixed, **dict(zip(lists, combination))}
            params = _params(values, where)
            for key in PATH_FIELDS:
                path = getattr(params, key)
                if path is not None and not Path(path).exists():
                    raise InputError(f"{where}: no such file or folder: {path}")


def expand(spec: GridSpec, analyse_fn=None) -> tuple[list[Job], dict]:
    """The grid's jobs (parameters resolved from the data) and the analyses computed on the way.

    Returns ``(jobs, analyses)`` where ``analyses`` maps ``(artifact key)`` → ``(params, forecast,
    Analysis)`` for every analysis a job's kernel will ask for.
    """
    from ...pipeline import analyse  # pandas and the extraction: only when a grid is expanded

    analyse_fn = analyse_fn or analyse
    check_spec(spec)
    computed: dict[str, tuple] = {}
    with bulletins_read_once():
        jobs, analyses = _expand(spec, analyse_fn, computed)
    if len(jobs) > spec.max_runs:  # each-county and each-bulletin counted: the grid's real size
        raise InputError(
            f"{spec.origin}: the grid expands to {len(jobs):,} runs; at most {spec.max_runs:,} (--max-runs N allows more)"
        )
    return jobs, analyses


@contextlib.contextmanager
def bulletins_read_once():
    """While a grid expands, each source is extracted once, not once per analysis (the analyses of one
    grid differ in region, dispersion, month: never in what the bulletins say)."""
    from ... import pipeline  # pandas: only when a grid is expanded or analyses are computed

    original = pipeline.load_bulletins
    loaded: dict = {}

    def load(paths, *args, **kwargs):
        region = args[0] if args else kwargs.get("region")
        corrections = args[1] if len(args) > 1 else kwargs.get("corrections")
        key = (tuple(str(Path(p).resolve()) for p in paths), getattr(region, "name", region), corrections)
        if key not in loaded:
            loaded[key] = original(paths, *args, **kwargs)
        return loaded[key]

    pipeline.load_bulletins = load
    try:
        yield
    finally:
        pipeline.load_bulletins = original


def _expand(spec: GridSpec, analyse_fn, computed: dict) -> tuple[list[Job], dict]:
    def analysed(params: ReportParams, forecast: bool):
        key = artifact_key(params, forecast)
        if key not in computed:
            computed[key] = (params, forecast, analyse_fn(params, forecast=forecast))
        return computed[key][2]

    jobs: list[Job] = []
    seen: set[str] = set()
    for number, run in enumerate(spec.runs, 1):
        where = f"{spec.origin}: run {number} ({run['notebook']})"
        fixed = {**spec.defaults, **run["params"]}
        notebook = run["notebook"]
        notebook_path = Path(run["notebook_path"])
        own = notebook_path == settings.NOTEBOOKS_DIR / notebook
        flags = entry_of(notebook).analyses if own else ()
        for values in _combinations(fixed, run["vary"], where, analysed):
            params = _params(values, where)
            first = analysed(params, flags[0] if flags else False)
            resolved = first.params
            headline_analysis = first
            for flag in flags:  # the analyses the kernel will ask for, under the resolved parameters
                key = artifact_key(resolved, flag)
                if key not in computed:
                    computed[key] = (resolved, flag, analysed(params, flag))
                if flag:
                    headline_analysis = computed[key][2]
            job = Job(
                notebook=notebook,
                params=resolved,
                stem=run_stem(notebook, resolved),
                title=run.get("title") or run_title(notebook, resolved),
                formats=tuple(run.get("formats") or spec.formats),
                notebook_path=None if own else notebook_path,
                headline=tuple(headline(notebook, headline_analysis)),
            )
            if job.name not in seen:
                seen.add(job.name)
                jobs.append(job)
    wanted = {artifact_key(job.params, flag) for job in jobs for flag in job.analyses}
    return jobs, {key: value for key, value in computed.items() if key in wanted}


def _combinations(fixed: dict, vary: dict, where: str, analysed):
    lists = {k: v for k, v in vary.items() if isinstance(v, list)}
    combos = [dict(zip(lists, c)) for c in itertools.product(*lists.values())] if lists else [{}]
    for combo in combos:
        values = {**fixed, **combo}
        if vary.get("source") == EACH_BULLETIN:
            bulletins = _bulletins(values.get("source") or str(settings.SEED_BULLETIN))
            if len(bulletins) < 2:
                continue
            for bulletin in bulletins:
                each = {**values, "source": str(bulletin), "year": None, "as_of_month": None}
                yield from _regions(each, vary, where, analysed)
        else:
            yield from _regions(values, vary, where, analysed)


def _regions(values: dict, vary: dict, where: str, analysed):
    if vary.get("region") != EACH_COUNTY:
        yield values
        return
    base = _params(values, where)  # the comparison is the city's whatever unit the run is about
    analysis = analysed(base, False)
    if analysis.comparison is None:
        return
    for county in analysis.comparison["counties"]:
        yield {
            **values,
            "region": county["region"],
            "year": analysis.params.year,
            "as_of_month": analysis.params.as_of_month,
        }


def _bulletins(source: str) -> list[Path]:
    from ...sources.read import BULLETIN_SUFFIXES  # the sources package imports pandas

    path = Path(source)
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in BULLETIN_SUFFIXES)
