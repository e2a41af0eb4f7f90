"""A run's name and folder: the readable stem and hash that name a run, its files published as a unit
(a staging folder renamed, or swapped atomically, into place), and the sweep of what killed runs left.

The name carries a hash of the notebook and parameters (and formats when not the default), so two parameter
sets never share a folder; the folder is either the old set of files or the new one, never a mix.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import string
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .exporters import check_formats
from .kernels import alive
from .notebook_registry import entry_of

# jzanalysis.report (pandas) is imported inside the functions that word a run: a batch whose runs are all
# fresh names and checks them without it.
if TYPE_CHECKING:
    from .params import ReportParams

STAGING_PREFIX = ".partial-"
RUN_RECORD = "run.json"


def report_stem(params: ReportParams) -> str:
    """Readable part of a forecast report's name: ``forecast_2015_m07``; a scenario or another language says
    so (``forecast_2015_m07_phi0.1``, ``forecast_2015_m07_en``; see :func:`jzanalysis.report.file_suffix`)."""
    return notebook_stem("report.ipynb", params)


def notebook_stem(notebook: str, params: ReportParams) -> str:
    """Readable part of the name of a run of ``notebook``: the ``stem`` of its registry entry filled in
    (``county_2015_m07_江陵县``, ``counties_2015_m07_en``; :data:`jzanalysis.notebook_registry.NOTEBOOKS`)."""
    entry = entry_of(notebook)
    fields = {
        "name": entry.name,
        "year": params.year,
        "month": params.as_of_month,
        "region": params.region,
        "language": "" if params.language == "zh" else f"_{params.language}",
    }
    if "suffix" in {field for _, field, _, _ in string.Formatter().parse(entry.stem)}:
        from .report import file_suffix  # pandas (see the note at the top)

        fields["suffix"] = file_suffix(params)
    return entry.stem.format(**fields)


def display_path(path: str | None) -> str | None:
    """A path as stored in names and records: relative to the checkout when inside it."""
    if path is None:
        return None
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(settings.REPO_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


def canonical_parameters(params: ReportParams) -> dict:
    """The parameters as they name a run: JSON-able, paths relative to the checkout when inside it."""
    values = params.notebook_parameters()
    values["source"] = display_path(values["source"])
    values["county_plans"] = display_path(values.get("county_plans"))
    values["corrections"] = display_path(values.get("corrections"))
    return values


DEFAULT_FORMATS = ("html", "pdf")


def run_name(stem: str, notebook: str, params: ReportParams, formats: tuple[str, ...] | None = None) -> str:
    """``<stem>-<8 hex>``: the hash covers the notebook and every parameter, so no two differ only in hash;
    and the formats when they are not the default (HTML and PDF): a run of the HTML alone is a folder of its
    own, so it never replaces (and removes) the PDF of the same parameters. The stem is made safe for a file
    name (see :func:`path_part`)."""
    named = {"notebook": notebook, "parameters": canonical_parameters(params)}
    if formats is not None and check_formats(formats) != DEFAULT_FORMATS:
        named["formats"] = list(check_formats(formats))
    payload = json.dumps(named, sort_keys=True, ensure_ascii=False)
    return f"{path_part(stem)}-{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:8]}"


def path_part(name: str) -> str:
    """``name`` (a stem with a region's name in it) as one safe part of a path: letters (Chinese too), digits,
    ``_ - .`` kept, anything else (``/``, ``\\``, a line break, ``:``) as ``_``; no leading dot; at most 100
    characters.

    >>> path_part("county_2015_m07_公安/县"), path_part("../etc"), path_part("a\\nb")
    ('county_2015_m07_公安_县', '_._etc', 'a_b')
    """
    safe = re.sub(r"[^\w.\-]", "_", name)[:100]
    return "_" + safe[1:] if safe.startswith(".") else safe or "_"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM):  # file system without RENAME_EXCHANGE
        return False
    raise OSError(code, os.strerror(code), str(b))


def staging_path(out_dir: Path, name: str) -> Path:
    """A unique staging folder's path in ``out_dir``: ``.partial-<name>-<host>-<pid>-<random>`` (not made)."""
    return out_dir / f"{STAGING_PREFIX}{name}-{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def staging_folder(out_dir: Path, name: str) -> Path:
    """A new, unique staging folder in ``out_dir`` (see :func:`staging_path`)."""
    folder = staging_path(out_dir, name)
    folder.mkdir(parents=True)
    return folder


def publish(out_dir: Path, name: str, files: dict[str, bytes], record: dict) -> dict[str, Path]:
    """Write a run's files and ``run.json`` into ``out_dir/<name>/`` as one unit.

    Written into a staging folder first, then renamed into place (or swapped atomically with the old
    folder, which is then removed). Returns ``{kind: path}`` of the published files.
    """
    out_dir = Path(out_dir)
    # The path is chosen before the ``try`` and the folder made inside it: a signal (Ctrl-C) arriving
    # just after the mkdir still finds the ``finally`` that removes it.
    staging = staging_path(out_dir, name)
    try:
        staging.mkdir(parents=True)
        outputs = {}
        for kind, data in files.items():
            path = staging / f"{name}.{kind}"
            path.write_bytes(data)
            outputs[kind] = {"file": path.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        record = {**record, "name": name, "outputs": outputs}
        (staging / RUN_RECORD).write_text(
            json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        destination = out_dir / name
        try:
            os.rename(staging, destination)
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
                raise
            if destination.is_dir() and _exchange(staging, destination):
                pass  # staging now holds the old set; removed below
            else:  # no atomic swap here: move the old set aside first
                aside = staging.with_name(staging.name + "-old")
                os.rename(destination, aside)
                os.rename(staging, destination)
                staging = aside
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {kind: out_dir / name / info["file"] for kind, info in outputs.items()}


def remove_stale_staging(out_dir: Path, max_age: float = 24 * 3600, *, own: bool = False) -> list[Path]:
    """Remove staging folders left by killed runs: this host's whose process is gone, any older than a day;
    with ``own``, this process's too (called when it publishes nothing any more: a batch's last sweep)."""
    removed = []
    host = socket.gethostname()
    if not Path(out_dir).is_dir():
        return removed
    for path in Path(out_dir).glob(f"{STAGING_PREFIX}*"):
        parts = path.name.removesuffix("-old").rsplit("-", 3)
        stale = False
        try:
            stale = time.time() - path.lstat().st_mtime > max_age
            if len(parts) == 4 and parts[1] == host:
                stale = stale or not alive(int(parts[2])) or (own and int(parts[2]) == os.getpid())
        except (ValueError, OSError):
            continue
        if stale:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() and not path.is_symlink() else path.unlink(
                missing_ok=True
            )
            removed.append(path)
    return removed


def report_title(notebook: str, params: ReportParams) -> str:
    """The page title of a run's HTML, in the report's language (a scenario says so)."""
    from .report import document_title  # pandas (see the note at the top)

    return document_title(notebook, params)
