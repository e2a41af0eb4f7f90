"""Runner: a parameterized notebook → executed notebook (papermill) → HTML (nbconvert) → PDF (WeasyPrint).

Executors and exporters are small registries, in the spirit of papermill's engines and nbconvert's
exporters, so another executor (say, a plain nbclient run) or format is one entry, not an if-chain.

Everything is written into a temporary folder next to the destination and moved into place only when
every format has been produced: a failed run never leaves a half-written report behind.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import settings
from .errors import InputError
from .params import ReportParams

# A kernel spec inside the virtualenv (make setup installs it): a user-level "python3" spec could
# point at another Python that has no jzanalysis.
KERNEL_NAME = "jzanalysis"


def _private_ipc_kernel_manager(socket_dir: str):
    """A kernel manager class whose kernel listens on Unix sockets inside ``socket_dir``.

    Why not TCP: jupyter_client picks free ports, releases them, and the kernel binds them a moment later;
    two batch workers starting kernels at once can pick the same port ("Address already in use", then
    "Kernel didn't respond"). Why a private directory: the default IPC socket name is ``kernel-ipc-N`` in
    the working directory, shared by every worker, and two workers then talk to each other's kernels.
    (Local sockets also spare the user ipykernel's warning about unencrypted TCP.)
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class PrivateIPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _private_transport(self):
            return "ipc"

        @default("ip")
        def _private_ip(self):
            return os.path.join(socket_dir, "kernel")

    return PrivateIPCKernelManager


# Under load ipykernel sometimes logs "KeyboardInterrupt caught in kernel" while jupyter_client shuts it
# down after the last cell; the run has succeeded by then. What matters of the kernel (a cell's error,
# a dead kernel) reaches us through the notebook and papermill, not through the kernel's own log.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


class NotebookFailed(RuntimeError):
    """A notebook cell raised something that is not the user's input error (a bug): keep the details."""


# --- executors -------------------------------------------------------------------------------------

def execute_with_papermill(notebook: Path, output: Path, parameters: dict, cwd: Path) -> nbformat.NotebookNode:
    """Execute ``notebook`` with papermill's Python API and return the executed notebook.

    ``request_save_on_cell_execute=False`` because papermill otherwise rewrites the whole output notebook
    after every cell; the result is written once at the end. A cell that raised
    :class:`~jzanalysis.errors.InputError` becomes an InputError here (one line, exit status 2).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # a short path: Unix socket names are limited to about 100 bytes
    with tempfile.TemporaryDirectory(prefix="jzk-", dir="/tmp" if os.path.isdir("/tmp") else None) as socket_dir:
        try:
            papermill.execute_notebook(
                str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME, cwd=str(cwd),
                progress_bar=False, request_save_on_cell_execute=False, log_output=False,
                kernel_manager_class=_private_ipc_kernel_manager(socket_dir), extra_arguments=KERNEL_ARGUMENTS,
            )
        except PapermillExecutionError as exc:
            if exc.ename in ("InputError", "RawFileChanged"):
                raise InputError(exc.evalue) from None
            raise NotebookFailed(f"{notebook.name} failed in cell {exc.exec_count}: {exc.ename}: {exc.evalue}") from exc
    return nbformat.read(output, as_version=4)


EXECUTORS: dict[str, Callable[..., nbformat.NotebookNode]] = {"papermill": execute_with_papermill}


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


def export_html(notebook: nbformat.NotebookNode, title: str, lang: str = "zh-CN") -> str:
    """The executed notebook as one self-contained HTML page with the code hidden (nbconvert)."""
    from nbconvert import HTMLExporter

    # exclude_input hides the code; the two prompt flags too, or "Out[n]:" stays on every output.
    from traitlets.config import Config

    config = Config()
    # Cells tagged analyst-only talk to the person running the notebook, not to the report's reader.
    config.TagRemovePreprocessor.remove_cell_tags = {"analyst-only"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, anchor_link_text="")
    body, _ = exporter.from_notebook_node(notebook)
    return (
        f"<!DOCTYPE html>\n<html lang=\"{html.escape(lang)}\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{report_css()}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def export_pdf(html_text: str, output: Path) -> None:
    """Render the report HTML to PDF with WeasyPrint (fonts embedded as CID fonts)."""
    from weasyprint import HTML

    HTML(string=html_text, base_url=str(settings.REPO_ROOT)).write_pdf(str(output))


EXPORTERS: dict[str, str] = {"html": ".html", "pdf": ".pdf"}


# --- the run ---------------------------------------------------------------------------------------

@dataclass
class ReportArtifacts:
    """Files one report run produced (paths in the destination folder)."""

    notebook: Path
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def report_stem(params: ReportParams) -> str:
    """File stem for a report: ``forecast_2015_m07``; a scenario or another language says so
    (``forecast_2015_m07_phi0.1``, ``forecast_2015_m07_en``; see :func:`jzanalysis.report.file_suffix`)."""
    from .report import file_suffix

    return f"forecast_{params.year}_m{params.as_of_month:02d}{file_suffix(params)}"


def run_report(params: ReportParams, out_dir: Path | None = None, *, notebook: str = "report.ipynb",
               formats: tuple[str, ...] = ("html", "pdf"), executor: str = "papermill",
               stem: str | None = None) -> ReportArtifacts:
    """Execute ``notebooks/<notebook>`` with ``params`` and write the notebook, HTML and PDF to ``out_dir``.

    ``params`` must have year and as_of_month resolved (the CLI does so from the data) so the file
    names say which snapshot they are.
    """
    if executor not in EXECUTORS:
        raise InputError(f"unknown executor {executor!r}; allowed: {', '.join(EXECUTORS)}")
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise InputError(f"unknown report format {unknown[0]!r}; allowed: {', '.join(EXPORTERS)}")
    if "pdf" in formats and "html" not in formats:
        formats = ("html", *formats)  # the PDF is rendered from that very HTML
    source_notebook = settings.NOTEBOOKS_DIR / notebook
    if not source_notebook.is_file():
        raise InputError(f"no notebook {notebook!r} in {settings.NOTEBOOKS_DIR}")
    out_dir = Path(out_dir or settings.REPORTS_DIR).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = stem or report_stem(params)
    started = dt.datetime.now()

    with tempfile.TemporaryDirectory(prefix=".partial-", dir=out_dir) as tmp:
        tmp_dir = Path(tmp)
        executed_path = tmp_dir / f"{stem}.ipynb"
        executed = EXECUTORS[executor](source_notebook, executed_path, params.notebook_parameters(), settings.NOTEBOOKS_DIR)
        produced = {"ipynb": executed_path}
        html_text = None
        if "html" in formats:
            from .report import Catalogue, document_title

            html_text = export_html(executed, title=document_title(notebook, params),
                                    lang=Catalogue(params.language).t("meta.html_lang"))
            produced["html"] = tmp_dir / f"{stem}.html"
            produced["html"].write_text(html_text, encoding="utf-8")
        if "pdf" in formats:
            produced["pdf"] = tmp_dir / f"{stem}.pdf"
            export_pdf(html_text, produced["pdf"])
        final = {}
        for kind, path in produced.items():
            destination = out_dir / path.name
            os.replace(path, destination)
            final[kind] = destination
    seconds = (dt.datetime.now() - started).total_seconds()
    return ReportArtifacts(notebook=final.pop("ipynb"), files=final, seconds=seconds)


def clear_outputs(notebook_path: Path) -> None:
    """Strip outputs and execution counts from a source notebook (they are never committed)."""
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.write(nb, notebook_path)


