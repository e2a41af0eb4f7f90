"""Reading a grid file: YAML within bounds, every key, notebook, format and value of its kind checked before
anything is hashed or expanded; and the grids the command line describes (:func:`monthly_grid`,
:func:`override`). The file's syntax is described in :mod:`jzanalysis.batch.grid`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import yaml

from ... import settings
from ...errors import InputError
from ...exporters import EXPORTERS, check_formats
from .jobs import EACH_BULLETIN, EACH_COUNTY, MAX_DEPTH, MAX_GRID_BYTES, MAX_NOTEBOOK_BYTES, MAX_RUNS, GridSpec

_RUN_KEYS = {"notebook", "vary", "params", "formats", "title"}
_TOP_KEYS = ("defaults", "runs", "notebooks")
PATH_FIELDS = ("source", "county_plans", "corrections")

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
    for key in PATH_FIELDS:
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
        k: ([str((base / v).resolve()) for v in vs] if k in PATH_FIELDS and isinstance(vs, list) else vs)
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
    return GridSpec(
        defaults=values, formats=check_formats(formats), runs=runs, origin="command line", overrides=dict(values)
    )


def override(spec: GridSpec, **values) -> GridSpec:
    """The grid with command-line parameters (those not None) over its defaults."""
    defaults = dict(spec.defaults)
    overrides = dict(spec.overrides)
    for key, value in values.items():
        if value is not None:
            defaults[key] = overrides[key] = str(Path(value).resolve()) if key in PATH_FIELDS else value
    return GridSpec(
        defaults=defaults,
        formats=spec.formats,
        runs=spec.runs,
        origin=spec.origin,
        max_runs=spec.max_runs,
        overrides=overrides,
    )
