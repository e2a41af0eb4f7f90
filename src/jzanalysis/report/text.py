"""Plain-text tables for the command line, aligned by display width (a Chinese character takes two columns).

>>> print(text_table([["公安县", "23"], ["荆州开发区", "21"]], ["region", "value"], align="lr"))
region      value
公安县         23
荆州开发区     21
"""

from __future__ import annotations

from wcwidth import wcswidth

from .format import Formatter

#: The language of the command line's tables: their headers are English, so their words are too ("over 99%").
TABLE_LANGUAGE = "en"


def table_formatter() -> Formatter:
    """The formatter of a command-line table's cells (:data:`TABLE_LANGUAGE`)."""
    return Formatter(TABLE_LANGUAGE)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters 2, combining marks 0)."""
    w = wcswidth(text)
    return len(text) if w < 0 else w


def pad(text: str, columns: int, align: str = "l") -> str:
    gap = max(columns - width(text), 0)
    return text + " " * gap if align == "l" else " " * gap + text


def text_table(rows, headers, align: str | None = None, gap: int = 2) -> str:
    """Rows of strings under ``headers``; ``align`` has one letter per column, ``l`` or ``r`` (default: the
    first column left, the others right)."""
    rows = [[str(cell) for cell in row] for row in rows]
    headers = [str(h) for h in headers]
    align = align or "l" + "r" * (len(headers) - 1)
    widths = [max([width(headers[i])] + [width(r[i]) for r in rows]) for i in range(len(headers))]
    sep = " " * gap
    lines = [sep.join(pad(h, widths[i], align[i]) for i, h in enumerate(headers)).rstrip()]
    lines += [sep.join(pad(cell, widths[i], align[i]) for i, cell in enumerate(r)).rstrip() for r in rows]
    return "\n".join(lines)
