"""Exporters: an executed notebook as one self-contained HTML page (nbconvert), and that page as a PDF
(WeasyPrint), both with the report stylesheet; a small registry of the formats, in the spirit of nbconvert's."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from typing import TYPE_CHECKING

from . import settings
from .errors import InputError

# nbconvert, traitlets and WeasyPrint are imported inside the exporters: each costs up to seconds, and a batch
# imports this module (for the formats) without exporting anything itself.
if TYPE_CHECKING:
    import nbformat


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
