"""Exports an analyst opens in Excel: the facts table as a workbook, metric labels beside the ids."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import InputError


def write_xlsx(facts, path: Path) -> Path:
    """Write ``facts`` (with ``label_zh``, ``label_en`` and ``region_en`` beside the ids) to ``path`` as one
    sheet named 数据, the header row frozen and columns sized to their text. Written to a temporary file
    first, so a failed write leaves no half a workbook."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from . import labelled_facts
    from .text import width

    path = check_xlsx_path(path)
    frame = labelled_facts(facts)
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in row])
    sheet.freeze_panes = "A2"
    for i, column in enumerate(frame.columns, start=1):
        longest = max([width(str(column))] + [width(str(v)) for v in frame[column].head(500) if not _missing(v)])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 6), 60)
    handle, tmp = tempfile.mkstemp(prefix=".partial-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        book.save(tmp)
        # mkstemp makes the file private (0600); the workbook gets the mode any new file of the user gets
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def check_xlsx_path(path: Path) -> Path:
    """A workbook path the user can be told about before any work: ``.xlsx``, in a folder that exists."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"--xlsx {path}: the file name must end in .xlsx")
    if not path.parent.is_dir():
        raise InputError(f"--xlsx {path}: no such folder {path.parent}")
    try:  # a folder that takes no new file (/proc, a read-only one) is found before the work, not after
        with tempfile.NamedTemporaryFile(prefix=".partial-", suffix=".xlsx", dir=path.parent):
            pass
    except OSError as exc:
        raise InputError(f"--xlsx {path}: cannot write in {path.parent} ({exc.strerror or exc})") from None
    return path


def _missing(value) -> bool:
    try:
        return value is None or value != value or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False
