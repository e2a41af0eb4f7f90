"""``index.html`` and ``manifest.json`` of an output folder, rebuilt from the runs' own ``run.json``.

Both list every published run in the folder (not only the last batch's), so two batches or reports
writing into one folder end with one consistent index. They are rebuilt under a lock and replaced
atomically; nothing in them depends on the time, so an unchanged folder gives the same bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import html
import json
import os
from pathlib import Path

from .. import __version__
from ..catalog_files import load_messages
from ..exporters import html_page
from ..notebook_registry import index_order
from ..run_folder import RUN_RECORD
from .cache import CACHE_DIR

FILE_ORDER = ("html", "pdf", "ipynb")


class IndexWords:
    """The index page's messages in one language (``zh`` or ``en``): the report catalogue's ``[batch_index]``
    table, read through :mod:`jzanalysis.catalog_files` (jzanalysis.report imports pandas, a second every
    batch would pay, an unchanged one too: it rewrites the index)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.messages = load_messages(language)

    def t(self, key: str, **values) -> str:
        return self.messages[key].format(**values)


def index_language(records: list[dict]) -> str:
    """English when every run listed is in English, else Chinese (the package's default)."""
    languages = {(record.get("parameters") or {}).get("language") or "zh" for record in records}
    return "en" if languages == {"en"} else "zh"


@contextlib.contextmanager
def folder_lock(out_dir: Path):
    """An exclusive lock on the output folder's index (short: held while the index is rewritten)."""
    folder = Path(out_dir) / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def published_runs(out_dir: Path) -> list[dict]:
    """Every run folder's record, newest snapshot first, then report, comparison, counties, audit."""
    records = []
    for folder in sorted(Path(out_dir).iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            record = json.loads((folder / RUN_RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("name") == folder.name:
            records.append(record)

    def order(record):
        p = record.get("parameters", {})
        return (
            -(p.get("year") or 0),
            -(p.get("as_of_month") or 0),
            index_order(record.get("notebook")),
            record["name"],
        )

    return sorted(records, key=order)


def _atomic_write(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)  # a full disk leaves no half-written temporary file


def index_html(records: list[dict], complete: bool = True) -> str:
    w = IndexWords(index_language(records))
    kind_label = {"html": "HTML", "pdf": "PDF", "ipynb": w.t("batch_index.notebook")}
    rows = []
    for record in records:
        p = record.get("parameters", {})
        snapshot = w.t("batch_index.snapshot", year=p.get("year"), month=p.get("as_of_month")) if p.get("year") else ""
        headline = "".join(
            f"<div><b>{html.escape(label)}</b> {html.escape(text)}</div>" for label, text in record.get("headline", [])
        )
        links = " · ".join(
            f'<a href="{html.escape(record["name"])}/{html.escape(info["file"])}">{kind_label.get(kind, kind)}</a>'
            for kind, info in sorted(
                record.get("outputs", {}).items(),
                key=lambda item: FILE_ORDER.index(item[0]) if item[0] in FILE_ORDER else 9,
            )
        )
        rows.append(
            f'<tr><td class="text">{html.escape(record.get("title", record["name"]))}</td>'
            f'<td>{html.escape(snapshot)}</td><td class="text">{headline}</td><td>{links}</td></tr>'
        )
    # said while a batch publishes into the folder (and left so when it was killed before its last rewrite)
    incomplete = "" if complete else f"<p><b>{html.escape(w.t('batch_index.incomplete'))}</b></p>"
    header = "".join(
        f'<th class="text">{html.escape(w.t(key))}</th>' if text else f"<th>{html.escape(w.t(key))}</th>"
        for key, text in (
            ("batch_index.col_report", True),
            ("batch_index.col_snapshot", False),
            ("batch_index.col_headline", True),
            ("batch_index.col_files", False),
        )
    )
    body = (
        f"<h1>{html.escape(w.t('batch_index.title'))}</h1>"
        f"<p>{html.escape(w.t('batch_index.count', n=len(records)))}</p>"
        f"{incomplete}"
        f"<table><thead><tr>{header}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<div class="provenance"><p>jzanalysis {html.escape(__version__)}</p></div>'
    )
    return html_page(w.t("batch_index.title"), body, w.t("batch_index.html_lang"))


def write_index(out_dir: Path, *, complete: bool = True) -> Path:
    """Rewrite ``index.html`` and ``manifest.json`` in ``out_dir`` from the published runs (none are written
    into a folder that has no run and no index yet).

    A batch rewrites both after each run it publishes with ``complete=False`` (``"complete": false`` in the
    manifest, a line in the index) and once more at its end: killed at any moment, the folder's manifest
    lists what is there with its current sha256, or says that a batch was cut short."""
    out_dir = Path(out_dir)
    if not published_runs(out_dir) and not (out_dir / "index.html").exists():
        return out_dir / "index.html"  # nothing published (a first run that failed): no empty index either
    with folder_lock(out_dir):
        records = published_runs(out_dir)
        index_bytes = index_html(records, complete).encode("utf-8")
        _atomic_write(out_dir / "index.html", index_bytes)
        inputs: set[tuple[str, str]] = set()  # (path, sha256): two runs that read two versions list both
        outputs: dict[str, str] = {"index.html": hashlib.sha256(index_bytes).hexdigest()}
        runs = []
        for record in records:
            for item in record.get("inputs", []):
                inputs.add((item["path"], item["sha256"]))
            files = {}
            for info in record.get("outputs", {}).values():
                files[f"{record['name']}/{info['file']}"] = info["sha256"]
            run_json = out_dir / record["name"] / RUN_RECORD
            files[f"{record['name']}/{RUN_RECORD}"] = hashlib.sha256(run_json.read_bytes()).hexdigest()
            outputs.update(files)
            runs.append(
                {
                    "name": record["name"],
                    "notebook": record.get("notebook"),
                    "key": record.get("key"),
                    "parameters": record.get("parameters"),
                    "inputs": record.get("inputs", []),
                    "outputs": sorted(files),
                }
            )
        manifest = {
            "jzanalysis": __version__,
            "complete": complete,
            "inputs": [{"path": k, "sha256": v} for k, v in sorted(inputs)],
            "outputs": [{"path": k, "sha256": v} for k, v in sorted(outputs.items())],
            "runs": runs,
        }
        _atomic_write(
            out_dir / "manifest.json",
            (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"),
        )
    return out_dir / "index.html"
