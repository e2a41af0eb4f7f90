"""Cache keys: a run is redone only when something it reads has changed.

A run's key hashes everything its files depend on: the notebook's bytes, the parameters, the sha256 of
every input file (the bulletin or each file of the source folder, the raw-data manifest, county plans),
the package (version, git commit, and the bytes of every file of the package, region profiles
included), the Python version and the CJK font file. A run whose folder holds a ``run.json`` with the
same key, and files whose sha256 match it, is not executed again.

The grid's expansion (which counties, which months) is cached the same way, keyed by the grid and its
input files, so an unchanged batch does not even import pandas.

No pandas here: this module must stay cheap to import.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import platform
from pathlib import Path

from .. import __version__, settings
from ..runner import RUN_RECORD, _display_path

KEY_SCHEMA = 2  # 2: dependencies, templates, region profiles and calibration in the key
# jzanalysis.forecast.calibration.ENV_VAR, named here: importing the forecast package costs scipy and pandas
CALIBRATION_VARIABLE = "JZANALYSIS_CALIBRATION"
CACHE_DIR = ".jzanalysis"  # inside the output folder: plans and failed notebooks


@functools.lru_cache(maxsize=4096)
def _sha256(path: str, size: int, mtime_ns: int, inode: int = 0, ctime_ns: int = 0) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path: Path | str) -> str:
    """sha256 of a file (memoised on path, size, times and inode within one process: a file rewritten with
    its old modification time, or replaced by another, changes its inode or its ctime)."""
    stat = os.stat(path)
    return _sha256(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)


def stamp(path: Path | str) -> tuple[int, int, int, int] | None:
    """What says a file was not touched since: inode, size, modification and change time (a file moved away
    and back keeps its bytes and mtime, not its ctime). None when it is gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def input_files(params) -> list[Path]:
    """The files a run reads: its source (a file, or every file of the folder), county plans, and the
    raw-data manifest that vouches for files in data/raw/, and the analyst's corrections file. ``params``:
    anything with ``source``, ``county_plans`` and ``corrections`` (ReportParams, a Job)."""
    files: list[Path] = []
    source = Path(params.source)
    if source.is_dir():
        files.extend(sorted(p for p in source.iterdir() if p.is_file()))
    elif source.exists():
        files.append(source)
    if settings.RAW_DIR in source.resolve().parents or source.resolve() == settings.RAW_DIR:
        if settings.MANIFEST_PATH.is_file() and settings.MANIFEST_PATH not in files:
            files.append(settings.MANIFEST_PATH)
    if params.county_plans:
        files.append(Path(params.county_plans))
    # the analyst's corrections change the facts: the file given, else the default one when it exists
    corrections = getattr(params, "corrections", None)
    corrections = Path(corrections) if corrections else settings.CORRECTIONS_PATH
    if corrections.is_file():
        files.append(corrections)
    return files


def inputs_record(params) -> list[dict]:
    """``[{"path", "sha256"}]`` of :func:`input_files`, paths relative to the checkout where inside it."""
    return [{"path": _display_path(str(p)), "sha256": sha256_file(p)} for p in input_files(params)]


@functools.cache
def code_fingerprint() -> str:
    """sha256 over every file of the installed package (code, region profiles, templates)."""
    digest = hashlib.sha256()
    for path in sorted(settings.PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            digest.update(path.relative_to(settings.PACKAGE_DIR).as_posix().encode() + b"\0")
            digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def _folder_fingerprint(folders, pattern: str = "*") -> str:
    """sha256 over the relative paths and bytes of the files matching ``pattern`` under ``folders``."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        digest.update(str(folder).encode() + b"\0")
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + sha256_file(path).encode())
    return digest.hexdigest()


@functools.cache
def installed_distributions() -> str:
    """sha256 over the name and version of every distribution installed where this Python imports from
    (the ``*.dist-info`` folders: a dependency upgraded or downgraded changes it), and the lock file of a
    checkout (the environment it was synced from)."""
    import sys

    names = set()
    for entry in sys.path:
        with contextlib.suppress(OSError):
            names.update(name for name in os.listdir(entry or ".") if name.endswith(".dist-info"))
    digest = hashlib.sha256("\n".join(sorted(names)).encode())
    lock = settings.CHECKOUT / "uv.lock" if settings.CHECKOUT else None
    if lock is not None and lock.is_file():
        digest.update(sha256_file(lock).encode())
    return digest.hexdigest()


def nbconvert_templates() -> str:
    """Fingerprint of the nbconvert templates the HTML export may use (every folder of Jupyter's template
    path: the environment's, the user's, ``JUPYTER_PATH``): an edited template changes the HTML."""
    from jupyter_core.paths import jupyter_path

    return _folder_fingerprint(jupyter_path("nbconvert", "templates"))


def region_profiles() -> str | None:
    """Fingerprint of the region profiles outside the package (``JZ_REGIONS_DIR``); the package's own are in
    :func:`code_fingerprint`."""
    folder = os.environ.get("JZ_REGIONS_DIR")
    return _folder_fingerprint([folder], "*.toml") if folder else None


def calibration() -> str | None:
    """sha256 of the calibration file named by ``JZANALYSIS_CALIBRATION`` (the default forecast's parameters);
    None: the packaged one (in :func:`code_fingerprint`). A missing file: the run itself will say so."""
    path = os.environ.get(CALIBRATION_VARIABLE)
    if not path:
        return None
    try:
        return sha256_file(path)
    except OSError:
        return f"missing:{path}"


@functools.cache
def _fixed_environment() -> dict:
    try:
        font = settings.cjk_font_path()
        font_id = f"{font.name}:{sha256_file(font)[:16]}"
    except Exception:  # no font: the run itself will say so
        font_id = "none"
    return {
        "jzanalysis": __version__,
        "git": settings.git_commit(),
        "code": code_fingerprint(),
        "python": platform.python_version(),
        "font": font_id,
        "distributions": installed_distributions(),
    }


def environment() -> dict:
    """What else a run's bytes depend on: package, commit, Python, font, the installed dependencies and
    nbconvert's templates, the region profiles of ``JZ_REGIONS_DIR`` and the calibration file in use."""
    return {
        **_fixed_environment(),
        "nbconvert_templates": nbconvert_templates(),
        "regions": region_profiles(),
        "calibration": calibration(),
    }


def run_key(job) -> tuple[str, list[dict]]:
    """``(key, inputs)`` of a job: the hash that decides whether it must run, and its input files."""
    inputs = inputs_record(job)
    payload = {
        "schema": KEY_SCHEMA,
        "notebook": job.notebook,
        "notebook_sha256": sha256_file(job.path),
        "parameters": job.canonical,
        "formats": list(job.formats),
        "title": job.title,
        "inputs": inputs,
        "environment": environment(),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest(), inputs


def published_record(out_dir: Path, name: str) -> dict | None:
    """The ``run.json`` of a published run, or None when absent or unreadable."""
    try:
        return json.loads((Path(out_dir) / name / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_fresh(out_dir: Path, name: str, key: str) -> bool:
    """True when ``out_dir/name`` holds a complete run with this key and untouched files."""
    record = published_record(out_dir, name)
    if not record or record.get("key") != key:
        return False
    for info in record.get("outputs", {}).values():
        path = Path(out_dir) / name / info.get("file", "")
        try:
            if sha256_file(path) != info.get("sha256"):
                return False
        except OSError:
            return False
    return True


# --- the expansion of a grid -----------------------------------------------------------------------


def plan_key(spec) -> str:
    """Hash of a grid and every file its expansion reads."""
    from .grid import input_paths

    files = []
    for path in input_paths(spec):
        p = Path(path)
        candidates = sorted(x for x in p.iterdir() if x.is_file()) if p.is_dir() else [p] if p.exists() else []
        files.extend((_display_path(str(x)), sha256_file(x)) for x in candidates)
    notebooks = sorted({run["notebook_path"] for run in spec.runs})
    payload = {
        "schema": KEY_SCHEMA,
        "grid": spec.to_json(),
        "files": files,
        "environment": environment(),
        "notebooks": [(n, sha256_file(n)) for n in notebooks if Path(n).is_file()],
        "raw_manifest": sha256_file(settings.MANIFEST_PATH) if settings.MANIFEST_PATH.is_file() else None,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load_plan(out_dir: Path, key: str):
    from .grid import Job

    path = Path(out_dir) / CACHE_DIR / "plans" / f"{key[:32]}.json"
    try:
        return [Job.from_json(item) for item in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_plan(out_dir: Path, key: str, jobs) -> None:
    folder = Path(out_dir) / CACHE_DIR / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key[:32]}.json"
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps([job.to_json() for job in jobs], ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
