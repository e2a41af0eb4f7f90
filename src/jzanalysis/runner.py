"""Runner: a parameterized notebook → executed notebook (papermill) → HTML (nbconvert) → PDF (WeasyPrint).

One run, in three steps that the CLI's ``report`` and every batch worker share:

1. :func:`execute_notebook`: papermill's Python API on a kernel we start (a new process, or one forked
   from a warm template, see :mod:`jzanalysis.kernels`), on private Unix sockets, never saving the
   notebook after each cell. A cell that raised :class:`~jzanalysis.errors.InputError` becomes an
   InputError (one line, exit status 2); any other error a :class:`NotebookFailed` naming the cell.
2. :func:`render`: the executed notebook stripped of what changes from run to run (papermill's and
   nbclient's timings, paths of temporary files), then HTML and PDF rendered in this process. The same
   inputs give byte-identical files.
3. :func:`publish`: the run's files (notebook, HTML, PDF and ``run.json`` with the parameters) written
   into one staging folder and moved into place as a unit: the run's folder is either the old set or
   the new one, never a mix. Folder and file names carry a hash of the notebook and parameters, so two
   parameter sets never share a name.

Exporters are a small registry, in the spirit of nbconvert's.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import html
import json
import os
import re
import secrets
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .errors import InputError

if TYPE_CHECKING:  # nbformat costs seconds to import (jsonschema's format checkers): only where used
    import nbformat

    from .params import ReportParams

# The kernel of every run: always this process's own Python (kernels.own_kernel_spec_manager), so an
# installed package needs no kernel spec; a user-level "python3" spec could point at another Python that
# has no jzanalysis. The same name is the notebooks' kernel in JupyterLab (make setup installs its spec).
KERNEL_NAME = "jzanalysis"

# Under load ipykernel sometimes logs "KeyboardInterrupt caught in kernel" while jupyter_client shuts it
# down after the last cell; the run has succeeded by then. What matters of the kernel (a cell's error,
# a dead kernel) reaches us through the notebook and papermill, not through the kernel's own log.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]

STAGING_PREFIX = ".partial-"
RUN_RECORD = "run.json"


class NotebookFailed(RuntimeError):
    """A notebook cell raised something that is not the user's input error (a bug): keep the details."""

    def __init__(self, notebook: str, cell: int | None, ename: str, evalue: str, line: str = "") -> None:
        self.notebook, self.cell, self.ename, self.evalue, self.line = notebook, cell, ename, evalue, line
        where = f" in cell {cell}" if cell is not None else ""
        where += f" ({line[:60]})" if line else ""
        super().__init__(f"{notebook} failed{where}: {ename}: {evalue}".strip())


# --- execution -------------------------------------------------------------------------------------


def _engine():
    """papermill's nbclient engine, on a kernel manager we started (and shut down ourselves)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class StartedKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            kwargs.pop("input_path", None)
            client = PapermillNotebookClient(
                nb_man,
                km=kwargs.pop("km"),
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            # the client cleans up its channels; the kernel itself is stopped by execute_notebook
            client.owns_km = False
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    if "jzanalysis" not in papermill_engines._engines:
        papermill_engines.register("jzanalysis", StartedKernelEngine)
    return "jzanalysis"


def execute_notebook(
    notebook: Path | nbformat.NotebookNode,
    parameters: dict,
    *,
    cwd: Path | str | None = None,
    km=None,
    env: dict[str, str] | None = None,
    timing: bool = False,
) -> nbformat.NotebookNode:
    """Execute ``notebook`` (a path or a notebook node) with papermill and return the executed notebook.

    ``km``: a started kernel manager to run on (a batch worker's pre-started kernel); otherwise a new
    kernel is started in ``cwd`` with ``env`` added to its environment. Either way the kernel is stopped
    when the notebook is done. ``timing``: keep nbclient's per-cell timings (benchmarks).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .kernels import spawned_kernel_manager, stop_kernel

    name = (
        notebook.name if isinstance(notebook, Path) else notebook.metadata.get("jzanalysis", {}).get("name", "notebook")
    )
    source = str(notebook) if isinstance(notebook, Path) else notebook
    cwd = str(cwd or settings.NOTEBOOKS_DIR)
    if km is None:
        km = spawned_kernel_manager(cwd, env)
    try:
        executed = papermill.execute_notebook(
            source,
            None,
            parameters=parameters,
            engine_name=_engine(),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            request_save_on_cell_execute=False,
            log_output=False,
            km=km,
            record_timing=timing,
        )
    except PapermillExecutionError as exc:
        if exc.ename in ("InputError", "RawFileChanged"):
            raise InputError(exc.evalue) from None
        raise NotebookFailed(
            name,
            _source_cell_number(notebook, exc),
            exc.ename,
            exc.evalue,
            exc.source.strip().splitlines()[0] if exc.source and exc.source.strip() else "",
        ) from None
    except RuntimeError as exc:  # the kernel died or did not answer
        raise NotebookFailed(name, None, type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "") from None
    finally:
        stop_kernel(km)
    return executed


def _source_cell_number(notebook, exc) -> int | None:
    """1-based position of the failing cell in the source notebook (as JupyterLab shows it), found by its
    source; papermill's own count includes the cell it injects."""
    import nbformat

    try:
        nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, Path) else notebook
    except (OSError, ValueError):
        return exc.exec_count
    for number, cell in enumerate(nb.cells, 1):
        if cell.cell_type == "code" and cell.source == exc.source:
            return number
    return exc.exec_count


def execute_with_papermill(notebook: Path, output: Path, parameters: dict, cwd: Path) -> nbformat.NotebookNode:
    """Execute ``notebook`` on a new kernel and write the executed notebook to ``output``."""
    import nbformat

    executed = execute_notebook(Path(notebook), parameters, cwd=cwd)
    nbformat.write(executed, str(output))
    return executed


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what differs between two runs of the same inputs: timings, and papermill's temporary paths."""
    meta = nb.metadata.get("papermill", {})
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        meta.pop(key, None)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id
        cell.metadata.pop("execution", None)
        cell_meta = cell.metadata.get("papermill", {})
        for key in ("start_time", "end_time", "duration"):
            cell_meta.pop(key, None)
    nb.metadata.pop("jzanalysis", None)
    return nb


# --- exporters -------------------------------------------------------------------------------------


def report_css() -> str:
    """Stylesheet shared by the HTML and the PDF: the one CJK font, A4 pages, images that fit the page."""
    font_url = settings.cjk_font_path().as_uri()
    family = settings.cjk_font_family()
    return f"""
@font-face {{ font-family: "{family}"; src: url("{font_url}"); }}
@page {{ size: A4; margin: 16mm 14mm 18mm 14mm;
        @bottom-center {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; }} }}
html {{ font-family: "{family}", "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       font-size: 10.5pt; line-height: 1.55; color: #222; }}
body {{ max-width: 190mm; margin: 0 auto; padding: 0 4mm; }}
h1 {{ font-size: 19pt; border-bottom: 2px solid #1f4e79; padding-bottom: 4px; color: #1f4e79; }}
h2 {{ font-size: 14pt; color: #1f4e79; margin-top: 1.4em; break-after: avoid; }}
h3 {{ font-size: 11.5pt; break-after: avoid; }}
img {{ max-width: 100%; height: auto; break-inside: avoid; }}
table {{ border-collapse: collapse; margin: 0.6em 0; font-size: 9pt; break-inside: auto; }}
th, td {{ border: 1px solid #bbb; padding: 2px 6px; text-align: right; vertical-align: top; }}
th {{ background: #eef3f8; }}
td.text, th.text {{ text-align: left; }}
td {{ white-space: nowrap; }}
td.text {{ white-space: normal; }}
.anchor-link {{ display: none; }}
tr {{ break-inside: avoid; }}
blockquote {{ margin: 0.4em 0 0.4em 0.8em; padding-left: 0.6em; border-left: 3px solid #ccc; color: #444; }}
.headline {{ background: #f3f7fb; border: 1px solid #c9d9ea; padding: 6px 10px; }}
.provenance {{ font-size: 8pt; color: #555; border-top: 1px solid #ccc; margin-top: 2em; word-break: break-all; }}
.jp-OutputPrompt, .jp-InputPrompt, .prompt {{ display: none; }}
pre {{ white-space: pre-wrap; font-size: 8.5pt; }}
"""


def html_page(title: str, body: str, lang: str = "zh-CN") -> str:
    """A whole HTML page around ``body`` with the report stylesheet (reports and the batch index)."""
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{report_css()}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def export_html(notebook: nbformat.NotebookNode, title: str, lang: str = "zh-CN") -> str:
    """The executed notebook as one self-contained HTML page with the code hidden (nbconvert)."""
    from nbconvert import HTMLExporter

    # exclude_input hides the code; the two prompt flags too, or "Out[n]:" stays on every output.
    from traitlets.config import Config

    config = Config()
    # Cells tagged analyst-only talk to the person running the notebook, not to the report's reader.
    config.TagRemovePreprocessor.remove_cell_tags = {"analyst-only"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(
        config=config,
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    body, _ = exporter.from_notebook_node(notebook)
    return html_page(title, body, lang)


def export_pdf(html_text: str, output: Path | None = None) -> bytes | None:
    """Render the report HTML to PDF with WeasyPrint (fonts embedded as CID fonts).

    Returns the PDF's bytes when ``output`` is None. The file identifier is derived from the content
    and no creation date is written, so the same HTML gives the same bytes.
    """
    from weasyprint import HTML

    document = HTML(string=html_text, base_url=str(settings.REPO_ROOT))
    identifier = hashlib.sha256(html_text.encode("utf-8")).hexdigest()[:32].encode()
    data = document.write_pdf(pdf_identifier=identifier)
    if output is None:
        return data
    Path(output).write_bytes(data)
    return None


EXPORTERS: dict[str, str] = {"html": ".html", "pdf": ".pdf"}


def check_formats(formats: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Validate output formats; a PDF needs the HTML it is rendered from."""
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; allowed: {', '.join(EXPORTERS)}")
    if not formats:
        raise InputError(f"no report format given; allowed: {', '.join(EXPORTERS)}")
    ordered = tuple(f for f in EXPORTERS if f in formats or (f == "html" and "pdf" in formats))
    return ordered


def render(
    notebook: Path | nbformat.NotebookNode,
    parameters: dict,
    *,
    title: str,
    formats: tuple[str, ...] = ("html", "pdf"),
    cwd: Path | str | None = None,
    km=None,
    env: dict[str, str] | None = None,
    after_execute: Callable[[], None] | None = None,
) -> dict[str, bytes]:
    """Execute and export one run; returns ``{"ipynb": bytes, "html": bytes, "pdf": bytes}``.

    ``after_execute`` is called once the kernel is done, before the exports: a batch worker starts its
    next kernel there, so that start-up overlaps the PDF rendering.
    """
    import nbformat

    formats = check_formats(formats)
    executed = execute_notebook(notebook, parameters, cwd=cwd, km=km, env=env)
    if after_execute is not None:
        after_execute()
    executed = normalise_notebook(executed)
    files = {"ipynb": nbformat.writes(executed).encode("utf-8")}
    html_text = None
    if "html" in formats:
        from .report import Catalogue

        html_text = export_html(
            executed, title=title, lang=Catalogue(parameters.get("language") or "zh").t("meta.html_lang")
        )
        files["html"] = html_text.encode("utf-8")
    if "pdf" in formats:
        files["pdf"] = export_pdf(html_text)
    return files


# --- names and publishing --------------------------------------------------------------------------


def report_stem(params: ReportParams) -> str:
    """Readable part of a forecast report's name: ``forecast_2015_m07``; a scenario or another language says
    so (``forecast_2015_m07_phi0.1``, ``forecast_2015_m07_en``; see :func:`jzanalysis.report.file_suffix`)."""
    from .report import file_suffix

    return f"forecast_{params.year}_m{params.as_of_month:02d}{file_suffix(params)}"


def _display_path(path: str | None) -> str | None:
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
    values["source"] = _display_path(values["source"])
    values["county_plans"] = _display_path(values.get("county_plans"))
    values["corrections"] = _display_path(values.get("corrections"))
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
    from .kernels import _alive

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
                stale = stale or not _alive(int(parts[2])) or (own and int(parts[2]) == os.getpid())
        except (ValueError, OSError):
            continue
        if stale:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() and not path.is_symlink() else path.unlink(
                missing_ok=True
            )
            removed.append(path)
    return removed


# --- one report ------------------------------------------------------------------------------------


@dataclass
class ReportArtifacts:
    """Files one report run produced (paths in its published folder)."""

    notebook: Path
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def folder(self) -> Path:
        return self.notebook.parent


def report_title(notebook: str, params: ReportParams) -> str:
    """The page title of a run's HTML, in the report's language (a scenario says so)."""
    from .report import document_title

    return document_title(notebook, params)


def run_report(
    params: ReportParams,
    out_dir: Path | None = None,
    *,
    notebook: str = "report.ipynb",
    formats: tuple[str, ...] = ("html", "pdf"),
    stem: str | None = None,
    title: str | None = None,
    record: dict | None = None,
) -> ReportArtifacts:
    """Execute ``notebooks/<notebook>`` with ``params`` and publish notebook, HTML and PDF in ``out_dir``.

    ``params`` must have year and as_of_month resolved (the CLI does so from the data) so the names say
    which snapshot they are. The files land in ``out_dir/<stem>-<hash>/`` only when all were produced.
    """
    formats = check_formats(formats)
    source_notebook = settings.NOTEBOOKS_DIR / notebook
    if not source_notebook.is_file():
        raise InputError(f"no notebook {notebook!r} in {settings.NOTEBOOKS_DIR}")
    out_dir = Path(out_dir or settings.REPORTS_DIR).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    name = run_name(stem or report_stem(params), notebook, params, formats)
    started = time.monotonic()
    files = render(
        source_notebook, params.notebook_parameters(), title=title or report_title(notebook, params), formats=formats
    )
    base = {"notebook": notebook, "parameters": canonical_parameters(params), "formats": list(formats)}
    published = publish(out_dir, name, files, {**base, **(record or {})})
    return ReportArtifacts(notebook=published.pop("ipynb"), files=published, seconds=time.monotonic() - started)
