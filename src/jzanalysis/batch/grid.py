"""The grid: which notebooks run with which parameters, declared in a YAML file and checked up front.

A grid file (the shipped ``batch.yaml`` is the monthly set)::

    defaults:                  # every run's parameters (any field of ReportParams) and formats
      source: data/raw/        # paths are relative to the grid file's folder
      formats: [html, pdf]
    runs:
      - notebook: report.ipynb             # one run
      - notebook: report.ipynb             # one run per value: the scenarios
        vary: {dispersion: [0, 0.5]}
      - notebook: county.ipynb
        vary: {region: each-county}        # every county with a figure in the data
      - notebook: report.ipynb
        vary: {source: each-bulletin}      # look-back: one run per bulletin of the folder, at its month
        params: {metrics: [projects_100m]} # a run's own parameters, over the defaults

``vary`` takes lists (the runs are their product) or one of the words ``each-county`` (for ``region``)
and ``each-bulletin`` (for ``source``: every bulletin file of the source folder, each at its own
as-of month; nothing when the folder holds a single bulletin, which the other runs already cover).
Runs with the same notebook and parameters are one run. ``notebook`` is a file in ``notebooks/`` or in
the grid's folder (or the folder a top-level ``notebooks:`` names, relative to the grid), never a path out
of it. A grid is bounded (:data:`MAX_GRID_BYTES`, no YAML aliases, :data:`MAX_DEPTH`, :data:`MAX_RUNS`) and
every value is checked for its parameter's kind before anything is hashed.

Everything is validated before the first kernel starts: parameters (``ReportParams``, finite numbers),
notebooks, formats; then every run's analysis is computed once, so bad data fails in a second too.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..params import ReportParams

from .. import settings
from ..errors import InputError
from ..runner import EXPORTERS, check_formats, run_name

# Which analyses a notebook's kernel asks ``pipeline.analyse`` for (its ``forecast`` flag): the batch
# computes exactly these once and hands them over. A notebook not listed computes its own.
NOTEBOOK_ANALYSES: dict[str, tuple[bool, ...]] = {
    "report.ipynb": (True,),
    "counties.ipynb": (False,),
    "county.ipynb": (False,),
    "audit.ipynb": (),
}
EACH_COUNTY = "each-county"
EACH_BULLETIN = "each-bulletin"

#: What a grid file may be: its size, how deep its YAML nests, how many runs it asks for (``--max-runs``
#: raises the last). A grid is a short hand-written file; these stop a file built to be huge (a YAML
#: "billion laughs", a list of a million values) before anything is hashed, expanded or run.
MAX_GRID_BYTES = 1 << 20
MAX_DEPTH = 20
MAX_RUNS = 1000
MAX_NOTEBOOK_BYTES = 32 << 20


class Job:
    """One notebook run of a batch: the notebook, resolved parameters, a readable stem and a title.

    ``params`` may be given as the dict of a cached plan: then it becomes a ReportParams only when
    needed (an unchanged batch checks every run without importing pydantic or pandas).
    """

    def __init__(
        self,
        notebook: str,
        params,
        stem: str,
        title: str,
        formats: tuple[str, ...] = ("html", "pdf"),
        notebook_path: Path | None = None,
        headline: tuple = (),
        *,
        name: str | None = None,
        canonical: dict | None = None,
    ) -> None:
        self.notebook, self.stem, self.title = notebook, stem, title
        self.formats, self.notebook_path, self.headline = tuple(formats), notebook_path, tuple(headline)
        self._params = None if isinstance(params, dict) else params
        self._data = params if isinstance(params, dict) else None
        self._name, self._canonical = name, canonical

    def __repr__(self) -> str:
        return f"Job({self.notebook!r}, {self.name!r})"

    @property
    def params(self):
        if self._params is None:
            from ..params import ReportParams

            self._params = ReportParams(**self._data)
        return self._params

    @property
    def source(self) -> str:
        return self._data["source"] if self._params is None else self._params.source

    @property
    def county_plans(self) -> str | None:
        return self._data.get("county_plans") if self._params is None else self._params.county_plans

    @property
    def corrections(self) -> str | None:
        return self._data.get("corrections") if self._params is None else self._params.corrections

    @property
    def canonical(self) -> dict:
        """The parameters as they name the run (see :func:`jzanalysis.runner.canonical_parameters`)."""
        if self._canonical is None:
            from ..runner import canonical_parameters

            self._canonical = canonical_parameters(self.params)
        return self._canonical

    @property
    def name(self) -> str:
        """Folder and file name: the stem plus a hash of notebook and parameters."""
        if self._name is None:
            self._name = run_name(self.stem, self.notebook, self.params, self.formats)
        return self._name

    @property
    def path(self) -> Path:
        return self.notebook_path or settings.NOTEBOOKS_DIR / self.notebook

    @property
    def analyses(self) -> tuple[bool, ...]:
        return () if self.notebook_path else NOTEBOOK_ANALYSES.get(self.notebook, ())

    def describe(self) -> str:
        """``county.ipynb [region=江陵县, 2015-07]``: the notebook and what sets this run apart."""
        extra = []
        if self.notebook == "county.ipynb":
            extra.append(f"region={self.params.region}")
        if self.params.dispersion is not None:
            extra.append(f"dispersion={self.params.dispersion:g}")
        extra.append(f"{self.params.year}-{self.params.as_of_month:02d}")
        return f"{self.notebook} [{', '.join(extra)}]"

    def to_json(self) -> dict:
        return {
            "notebook": self.notebook,
            "params": self.params.model_dump(mode="json"),
            "stem": self.stem,
            "title": self.title,
            "formats": list(self.formats),
            "notebook_path": str(self.notebook_path) if self.notebook_path else None,
            "headline": [list(item) for item in self.headline],
            "name": self.name,
            "canonical": self.canonical,
        }

    @classmethod
    def from_json(cls, data: dict) -> Job:
        return cls(
            notebook=data["notebook"],
            params=data["params"],
            stem=data["stem"],
            title=data["title"],
            formats=tuple(data["formats"]),
            notebook_path=Path(data["notebook_path"]) if data.get("notebook_path") else None,
            headline=tuple(tuple(item) for item in data.get("headline", [])),
            name=data["name"],
            canonical=data["canonical"],
        )


# --- reading a grid --------------------------------------------------------------------------------


@dataclass
class GridSpec:
    """A grid before expansion: defaults and run entries, paths already made absolute."""

    defaults: dict[str, Any]
    formats: tuple[str, ...]
    runs: list[dict[str, Any]]
    origin: str = "grid"
    max_runs: int = MAX_RUNS

    def to_json(self) -> dict:
        return {"defaults": self.defaults, "formats": list(self.formats), "runs": self.runs}


_RUN_KEYS = {"notebook", "vary", "params", "formats", "title"}
_TOP_KEYS = ("defaults", "runs", "notebooks")
_PATH_FIELDS = ("source", "county_plans", "corrections")

# The parameters a grid may set and the kind of value each takes (ReportParams' fields), checked here
# so that a value of the wrong kind is one line before pydantic (which would read `true` as 1.0) sees it.
_PARAMETER_KINDS = {
    "source": "path",
    "county_plans": "path",
    "corrections": "path",
    "year": "whole",
    "as_of_month": "whole",
    "dispersion": "number",
    "sigma": "number",
    "region": "text",
    "compare_metric": "text",
    "language": "text",
    "metrics": "texts",
    "methods": "texts",
    "plans": "plans",
}
_KIND_WORDS = {
    "path": "a path (text)",
    "whole": "a whole number",
    "number": "a number",
    "text": "a text",
    "texts": "a list of texts",
    "plans": "a mapping of metric id to a number",
}


def _yaml_loader():
    """PyYAML's safe loader, refusing aliases (so no "billion laughs" and no self-reference) and nesting
    deeper than :data:`MAX_DEPTH` (so no recursion error)."""
    import yaml

    class GridLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise InputError(
                    f"line {mark.line + 1}: anchors and aliases (&name, *name) are not allowed in a grid; "
                    "write the values out"
                )
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    mark = self.peek_event().start_mark
                    raise InputError(f"line {mark.line + 1}: nested deeper than {MAX_DEPTH} levels")
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return GridLoader


def _load_yaml(path: Path):
    import yaml

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_GRID_BYTES + 1)
    except OSError as exc:
        raise InputError(f"grid file {path} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_GRID_BYTES:
        raise InputError(f"{path} is larger than {MAX_GRID_BYTES // 1024} KB; a grid is a short YAML file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; a grid is a YAML file in UTF-8") from None
    try:
        return yaml.load(text, Loader=_yaml_loader())  # a SafeLoader, with limits
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path} is not a readable YAML grid: {first}") from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        raise InputError(f"{path} is not a readable YAML grid: {type(exc).__name__}") from None


def read_grid(path: Path, *, max_runs: int = MAX_RUNS) -> GridSpec:
    """Read and check a grid YAML file (size, structure, kinds of values, names, paths, number of runs);
    one InputError line when it is wrong. Nothing is hashed or expanded before these checks."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such grid file: {path}")
    data = _load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list) or not data["runs"]:
        raise InputError(f"{path}: a grid needs a non-empty list `runs:` (see batch.yaml)")
    unknown = [key for key in data if key not in _TOP_KEYS]
    if unknown:
        raise InputError(f"{path}: unknown top-level key {_shown(unknown[0])}; allowed: {', '.join(_TOP_KEYS)}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise InputError(f"{path}: `defaults:` must be a mapping of parameters")
    defaults = dict(defaults)
    formats = defaults.pop("formats", ["html", "pdf"])
    _check_parameters(defaults, f"{path}: defaults")
    base = path.resolve().parent
    notebooks = _user_notebooks(data.get("notebooks"), base, path)
    spec = GridSpec(
        defaults=_absolute_paths(defaults, base, path),
        formats=_formats(formats, path),
        runs=[_read_run(entry, number, base, path, notebooks) for number, entry in enumerate(data["runs"], 1)],
        origin=str(path),
        max_runs=max_runs,
    )
    check_size(spec)
    return spec


def _shown(value, limit: int = 60) -> str:
    """A value from the user's file as a message shows it: repr, shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_parameters(values, where: str) -> None:
    """Every key a parameter, every value of its kind (a bool is no number)."""
    if not isinstance(values, dict):
        raise InputError(f"{where}: parameters must be a mapping of name to value")
    for key, value in values.items():
        _check_parameter(key, value, where)


def _number(value, whole: bool) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not whole or isinstance(value, int)


_KIND_CHECKS = {
    "path": lambda v: isinstance(v, str) and v != "" and "\0" not in v,
    "whole": lambda v: _number(v, True),
    "number": lambda v: _number(v, False),
    "text": lambda v: isinstance(v, str),
    "texts": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "plans": lambda v: isinstance(v, dict) and all(isinstance(k, str) and _number(x, False) for k, x in v.items()),
}


def _check_parameter(key, value, where: str) -> None:
    kind = _PARAMETER_KINDS.get(key) if isinstance(key, str) else None
    if kind is None:
        allowed = ", ".join(sorted(_PARAMETER_KINDS))
        raise InputError(f"{where}: unknown parameter {_shown(key)}; allowed: {allowed} (and formats in defaults)")
    if value is None and key in ("county_plans", "year", "as_of_month", "dispersion", "sigma", "region", "methods"):
        return  # None: the default (from the data, calibrated, every method)
    if not _KIND_CHECKS[kind](value):
        raise InputError(f"{where}: {key} must be {_KIND_WORDS[kind]}, got {_shown(value)}")


def _user_notebooks(value, base: Path, where) -> Path:
    """The folder the grid's own notebooks come from: ``notebooks:`` (relative to the grid), else the grid's
    folder. A notebook is a file of the package's notebooks or of this folder, nothing else."""
    if value is None:
        return base
    if not isinstance(value, str) or not value or "\0" in value:
        raise InputError(f"{where}: `notebooks:` must name a folder, got {_shown(value)}")
    folder = (base / value).resolve()
    if not folder.is_dir():
        raise InputError(f"{where}: `notebooks:` {_shown(value)} is not a folder")
    return folder


def _notebook_in(folder: Path, name: str) -> Path | None:
    """``folder/name`` when it is a file inside ``folder`` (links resolved), else None."""
    folder = folder.resolve()
    candidate = (folder / name).resolve()
    if folder not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def _check_notebook_file(path: Path, shown: str, where) -> None:
    """A notebook must be a Jupyter notebook (JSON with cells); what the file holds is never quoted."""
    import json

    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise InputError(f"{where}: notebook {shown} is larger than {MAX_NOTEBOOK_BYTES >> 20} MB")
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{where}: notebook {shown} cannot be read ({exc.strerror or type(exc).__name__})") from None
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise InputError(f"{where}: {shown} is not a Jupyter notebook (.ipynb JSON with cells)")


def _formats(value, where) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: formats must be a list, allowed: {', '.join(EXPORTERS)}")
    return check_formats(tuple(value))


def _absolute_paths(values: dict, base: Path, where) -> dict:
    values = dict(values)
    for key in _PATH_FIELDS:
        if isinstance(values.get(key), str):
            values[key] = str((base / values[key]).resolve())
    return values


def _read_run(entry, number: int, base: Path, where, notebooks: Path | None = None) -> dict:
    notebooks = notebooks or base
    if isinstance(entry, str):
        entry = {"notebook": entry}
    if not isinstance(entry, dict) or "notebook" not in entry:
        raise InputError(f"{where}: run {number} needs `notebook:` (e.g. report.ipynb)")
    unknown = [key for key in entry if key not in _RUN_KEYS]
    if unknown:
        raise InputError(
            f"{where}: run {number} has unknown key {_shown(unknown[0])}; allowed: {', '.join(sorted(_RUN_KEYS))}"
        )
    notebook = entry["notebook"]
    if not isinstance(notebook, str) or not notebook.endswith(".ipynb") or "\0" in notebook:
        raise InputError(f"{where}: run {number}: notebook must be the name of a .ipynb file, got {_shown(notebook)}")
    shown = _shown(notebook)
    notebook_path = _notebook_in(settings.NOTEBOOKS_DIR, notebook) if "/" not in notebook else None
    if notebook_path is None:
        notebook_path = _notebook_in(notebooks, notebook)
        if notebook_path is None:
            raise InputError(
                f"{where}: run {number}: no notebook {shown} in {settings.NOTEBOOKS_DIR} or in {notebooks} "
                "(the grid's folder, or its `notebooks:` folder)"
            )
        notebook = notebook_path.name
    _check_notebook_file(notebook_path, shown, f"{where}: run {number}")
    vary = entry.get("vary") or {}
    if not isinstance(vary, dict):
        raise InputError(f"{where}: run {number}: `vary:` must map a parameter to a list of values")
    for key, values in vary.items():
        if (values == EACH_COUNTY and key == "region") or (values == EACH_BULLETIN and key == "source"):
            continue
        if not isinstance(values, list) or not values:
            raise InputError(
                f"{where}: run {number}: vary {_shown(key)} must be a non-empty list (or region: {EACH_COUNTY}, "
                f"source: {EACH_BULLETIN})"
            )
        for value in values:
            _check_parameter(key, value, f"{where}: run {number}: vary")
    params = entry.get("params") or {}
    _check_parameters(params, f"{where}: run {number}: params")
    params = _absolute_paths(params, base, where)
    vary = {
        k: ([str((base / v).resolve()) for v in vs] if k in _PATH_FIELDS and isinstance(vs, list) else vs)
        for k, vs in vary.items()
    }
    run = {"notebook": notebook, "notebook_path": str(notebook_path), "vary": vary, "params": params}
    if "formats" in entry:
        run["formats"] = list(_formats(entry["formats"], where))
    if "title" in entry:
        if not isinstance(entry["title"], str):
            raise InputError(f"{where}: run {number}: title must be a text, got {_shown(entry['title'])}")
        run["title"] = entry["title"]
    return run


def check_size(spec: GridSpec) -> int:
    """The number of runs the grid's lists multiply to (each-county and each-bulletin counted once); more
    than ``spec.max_runs`` is one InputError line naming ``--max-runs``. Returns the count."""
    total = 0
    largest = (0, 0, "")
    for number, run in enumerate(spec.runs, 1):
        sizes = [len(v) for v in run["vary"].values() if isinstance(v, list)]
        count = math.prod(sizes) if sizes else 1
        total += count
        if count > largest[1]:
            largest = (number, count, " × ".join(map(str, sizes)) or "1")
    if total > spec.max_runs:
        raise InputError(
            f"{spec.origin}: the grid asks for {total:,} runs (run {largest[0]}: {largest[2]}); at most "
            f"{spec.max_runs:,} (--max-runs N allows more)"
        )
    return total


def monthly_grid(
    *,
    source: str | None = None,
    scenarios: tuple[float, ...] = (),
    counties: bool = True,
    audit: bool = True,
    formats: tuple[str, ...] = ("html", "pdf"),
    sigma_scenarios: tuple[float, ...] = (),
    **defaults,
) -> GridSpec:
    """The monthly set as the command-line flags describe it (no grid file): report, scenarios,
    county comparison, one-pager per county, audit."""
    runs: list[dict] = [{"notebook": "report.ipynb", "vary": {}, "params": {}}]
    if scenarios:
        runs.append({"notebook": "report.ipynb", "vary": {"dispersion": list(scenarios)}, "params": {}})
    if sigma_scenarios:
        runs.append({"notebook": "report.ipynb", "vary": {"sigma": list(sigma_scenarios)}, "params": {}})
    if counties:
        runs.append({"notebook": "counties.ipynb", "vary": {}, "params": {}})
        runs.append({"notebook": "county.ipynb", "vary": {"region": EACH_COUNTY}, "params": {}})
    if audit:
        runs.append({"notebook": "audit.ipynb", "vary": {}, "params": {}})
    for run in runs:
        run["notebook_path"] = str(settings.NOTEBOOKS_DIR / run["notebook"])
    values = {k: v for k, v in defaults.items() if v is not None}
    values["source"] = str(Path(source).resolve()) if source else str(settings.SEED_BULLETIN)
    return GridSpec(defaults=values, formats=check_formats(formats), runs=runs, origin="command line")


def override(spec: GridSpec, **values) -> GridSpec:
    """The grid with command-line parameters (those not None) over its defaults."""
    defaults = dict(spec.defaults)
    for key, value in values.items():
        if value is not None:
            defaults[key] = str(Path(value).resolve()) if key in _PATH_FIELDS else value
    return GridSpec(defaults=defaults, formats=spec.formats, runs=spec.runs, origin=spec.origin, max_runs=spec.max_runs)


# --- checking and expanding ------------------------------------------------------------------------


def _check_finite(values: dict, where: str) -> None:
    for key, value in values.items():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, float) and not math.isfinite(item):
                raise InputError(f"{where}: {key} must be a finite number, got {item}")


def _params(values: dict, where: str) -> ReportParams:
    from ..params import ReportParams

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
        for key in _PATH_FIELDS:
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
            for key in _PATH_FIELDS:
                path = getattr(params, key)
                if path is not None and not Path(path).exists():
                    raise InputError(f"{where}: no such file or folder: {path}")


def expand(spec: GridSpec, analyse_fn=None) -> tuple[list[Job], dict]:
    """The grid's jobs (parameters resolved from the data) and the analyses computed on the way.

    Returns ``(jobs, analyses)`` where ``analyses`` maps ``(artifact key)`` → ``(params, forecast,
    Analysis)`` for every analysis a job's kernel will ask for.
    """
    from ..pipeline import analyse

    analyse_fn = analyse_fn or analyse
    check_spec(spec)
    computed: dict[str, tuple] = {}
    with _bulletins_read_once():
        jobs, analyses = _expand(spec, analyse_fn, computed)
    if len(jobs) > spec.max_runs:  # each-county and each-bulletin counted: the grid's real size
        raise InputError(
            f"{spec.origin}: the grid expands to {len(jobs):,} runs; at most {spec.max_runs:,} (--max-runs N allows more)"
        )
    return jobs, analyses


@contextlib.contextmanager
def _bulletins_read_once():
    """While a grid expands, each source is extracted once, not once per analysis (the analyses of one
    grid differ in region, dispersion, month: never in what the bulletins say)."""
    from .. import pipeline

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
    from ..analysis_cache import artifact_key

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
        flags = NOTEBOOK_ANALYSES.get(notebook, ()) if own else ()
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
                stem=_stem(notebook, resolved, values, run),
                title=run.get("title") or _title(notebook, resolved),
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
    from ..sources.read import BULLETIN_SUFFIXES

    path = Path(source)
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in BULLETIN_SUFFIXES)


def _stem(notebook: str, params: ReportParams, values: dict, run: dict) -> str:
    from ..runner import report_stem

    snapshot = f"{params.year}_m{params.as_of_month:02d}"
    language = "" if params.language == "zh" else f"_{params.language}"
    if notebook == "report.ipynb":
        return report_stem(params)  # a scenario (φ, σ, a plan) and the language say so
    if notebook == "county.ipynb":
        return f"county_{snapshot}_{params.region}{language}"
    return f"{Path(notebook).stem}_{snapshot}{language}"


def _title(notebook: str, params: ReportParams) -> str:
    from ..runner import report_title

    return report_title(notebook, params)  # in the report's language; a scenario says which


def headline(notebook: str, analysis) -> list[tuple[str, str]]:
    """The figures the index shows for a run: (label, text) pairs, the very words and rounding of the
    report itself (jzanalysis.report: the default forecast, its verdict; a county's share of the city)."""
    from ..report import Report

    items: list[tuple[str, str]] = []
    if analysis is None:
        return items
    report = Report(analysis)
    c, f = report.c, report.f
    dates = [d.isoformat() for d in getattr(analysis, "publication_dates", [])]
    if dates:
        items.append((c.t("audit.col_date"), dates[-1]))
    if notebook == "report.ipynb":
        for m in report.metrics:
            _, verdict = report.verdict_text(m)
            text = (
                f"{f.period(m.as_of)} {f.stated(m.ytd, m.unit)}；{verdict}；"
                f"{f.value(m.forecast.point, m.unit, m.whole)}（80% {f.interval(m.forecast.interval80, m.unit, m.whole)}）"
            )
            items.append((c.metric(m.metric), text))
    elif notebook == "county.ipynb" and report.counties is not None:
        row = next((r for r in report.counties.rows if r.name == analysis.params.region), None)
        if row is not None:
            items.append(
                (
                    c.metric(report.counties.metric),
                    f"{f.stated(row.value, report.counties.unit)}，{c.t('counties.col_share')} "
                    f"{f.share(row.share_of_city)}，{c.t('counties.col_rank')} {report.rank_text(row)}",
                )
            )
    elif notebook == "counties.ipynb" and report.counties is not None:
        items.append((c.metric(report.counties.metric), report.county_findings()[0]))
    elif notebook == "audit.ipynb":
        dataset = analysis.dataset
        items.append(
            ("核查", f"{len(dataset.extractions)} 个文件，{len(dataset.facts)} 条数字，{len(dataset.warnings)} 条提示")
        )
    return items
