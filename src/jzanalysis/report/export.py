"""Exports an analyst opens in Excel: the facts table as a workbook or a CSV, metric labels beside the ids.

Text is written as text: a quote or a file name that starts with ``=`` is never a formula. In the workbook every
text cell has openpyxl's string type; in the CSV a text cell that starts with ``= + - @``, a tab or a carriage
return gets a leading ``'`` (OWASP's rule against CSV injection), which Excel shows as the text itself.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from ..errors import InputError
from . import labelled_facts
from .text import width


def write_xlsx(facts, path: Path) -> Path:
    """Write ``facts`` (with ``label_zh``, ``label_en`` and ``region_en`` beside the ids) to ``path`` as one
    sheet named 数据, the header row frozen and columns sized to their text. Written to a temporary file
    first, so a failed write leaves no half a workbook."""
    # openpyxl (about a tenth of a second): only an Excel workbook needs it
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    path = check_xlsx_path(path)
    frame = labelled_facts(facts)
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([_as_text(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.value = _as_text(cell.value)
                cell.data_type = "s"  # "=1+2…" set as a value is a formula; as a string it is the text
    for cell in sheet[1]:
        cell.data_type = "s"
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


def write_excel_csv(facts, stream) -> None:
    """``facts`` with their labels as CSV for Excel: a byte-order mark (without it Excel on Windows reads GBK),
    and text cells that Excel would run as a formula escaped (see :func:`csv_text`)."""
    frame = labelled_facts(facts)
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(lambda v: csv_text(v) if isinstance(v, str) else v)
    stream.write("\ufeff")
    frame.to_csv(stream, index=False)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """A text cell Excel shows as written: ``'`` before one that starts with ``= + - @``, a tab or a carriage
    return (OWASP's rule against CSV injection).

    >>> csv_text("=SUM(A1:A9)"), csv_text("@SUM(A1)"), csv_text("公安县")
    ("'=SUM(A1:A9)", "'@SUM(A1)", '公安县')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def _as_text(value: str) -> str:
    """``value`` without the control characters a workbook cannot hold (each becomes U+FFFD)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # openpyxl: see write_xlsx

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


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
    """True for None, NaN, pd.NA and NaT (a bulletin without a year has a year of pd.NA)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False
