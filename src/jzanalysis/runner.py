"""Runner: a parameterized notebook → executed notebook (papermill) → HTML (nbconvert) → PDF (WeasyPrint).

One run, in three steps that the CLI's ``report`` and every batch worker share:

1. :func:`execute_notebook`: papermill's Python API on a kernel we start (a new process, or one forked
   from a warm template, see :mod:`jzanalysis.kernels`), on private Unix sockets, never saving the
   notebook after each cell. A cell that raised :class:`~jzanalysis.errors.InputError` becomes an
   InputError (one line, exit status 2); any other error a :class:`NotebookFailed` naming the cell.
2. :func:`render`: the executed notebook stripped of what changes from run to run (papermill's and
   nbclient's timings, paths of temporary files), then HTML and PDF rendered in this process. The same
   inputs give byte-identical files (the exporters: :mod:`jzanalysis.exporters`).
3. :func:`publish` (:mod:`jzanalysis.run_folder`): the run's files (notebook, HTML, PDF and ``run.json`` with the parameters) written
   into one staging folder and moved into place as a unit: the run's folder is either the old set or
   the new one, never a mix. Folder and file names carry a hash of the notebook and parameters, so two
   parameter sets never share a name.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .errors import InputError
from .exporters import EXPORTERS, check_formats, export_html, export_pdf, html_page, report_css
from .kernels import KERNEL_NAME, spawned_kernel_manager, stop_kernel
from .run_folder import (
    DEFAULT_FORMATS,
    RUN_RECORD,
    STAGING_PREFIX,
    canonical_parameters,
    display_path,
    path_part,
    publish,
    remove_stale_staging,
    report_stem,
    report_title,
    run_name,
    staging_folder,
    staging_path,
)

# papermill (two seconds to import), nbformat (two, its jsonschema) and jzanalysis.report (pandas) are imported
# inside the functions that run a notebook: a batch and the CLI import this module for its names without
# running anything here.
# The names above from exporters and run_folder are this module's too (scripts and the CLI import them from here).
__all__ = [
    "DEFAULT_FORMATS",
    "EXPORTERS",
    "RUN_RECORD",
    "STAGING_PREFIX",
    "NotebookFailed",
    "ReportArtifacts",
    "canonical_parameters",
    "check_formats",
    "display_path",
    "execute_notebook",
    "execute_with_papermill",
    "export_html",
    "export_pdf",
    "html_page",
    "normalise_notebook",
    "path_part",
    "publish",
    "remove_stale_staging",
    "render",
    "report_css",
    "report_stem",
    "report_title",
    "run_name",
    "run_report",
    "staging_folder",
    "staging_path",
]

# papermill, nbformat and jzanalysis.report (pandas) are imported inside the functions that use them: each
# costs up to seconds, and an unchanged batch imports this module without running anything.
if TYPE_CHECKING:  # nbformat costs seconds to import (jsonschema's format checkers): only where used
    import nbformat

    from .params import ReportParams


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


# --- one run's files ------------------------------------------------------------------------------


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
