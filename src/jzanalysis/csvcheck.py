"""Checks of a user's CSV table, each failure one line naming the file line (the header is line 1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import InputError


def require_columns(frame: pd.DataFrame, origin: str, required: Sequence[str], rows_needed: str) -> pd.DataFrame:
    """A copy of ``frame`` (index 0..n-1) when it has the ``required`` columns and a row; otherwise one
    line naming the missing columns, or saying what rows are needed.

    >>> require_columns(pd.DataFrame({"year": [2015]}), "pairs.csv", ["year", "metric"], "need pairs")
    Traceback (most recent call last):
    ...
    jzanalysis.errors.InputError: pairs.csv: missing column(s) metric; required: year, metric
    """
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"{origin}: missing column(s) {', '.join(missing)}; required: {', '.join(required)}")
    if frame.empty:
        raise InputError(f"{origin}: no rows; {rows_needed}")
    return frame.copy().reset_index(drop=True)


def to_numbers(frame: pd.DataFrame, origin: str, required: Iterable[str], optional: Iterable[str] = ()) -> None:
    """Make ``required`` columns numeric (every cell a number) and the ``optional`` ones present in ``frame``
    numeric where filled, in place; the first cell that is no number is an InputError.

    >>> frame = pd.DataFrame({"year": ["2015", "x"]})
    >>> to_numbers(frame, "pairs.csv", ["year"])
    Traceback (most recent call last):
    ...
    jzanalysis.errors.InputError: pairs.csv line 3: year must be a number, got 'x'
    """
    optional = [c for c in optional if c in frame.columns]
    for col in (*required, *optional):
        numeric = pd.to_numeric(frame[col], errors="coerce")
        bad = numeric.isna() & frame[col].notna() if col in optional else numeric.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{origin} line {i + 2}: {col} must be a number, got {frame[col].iloc[i]!r}")
        frame[col] = numeric


def positive_where_given(frame: pd.DataFrame, messages: dict[str, str]) -> list[tuple[pd.Series, str]]:
    """Checks (for :func:`first_failure`) that each optional column of ``messages`` present in ``frame`` is
    > 0 where filled; the message says what the column means."""
    return [(frame[c].notna() & ~(frame[c] > 0), message) for c, message in messages.items() if c in frame.columns]


def first_failure(
    frame: pd.DataFrame, origin: str, checks: Sequence[tuple[pd.Series, str]], shown: Callable[[pd.Series], str]
) -> None:
    """Raise for the first check (a boolean Series marking bad rows, and its message) that any row fails,
    naming the row's line and what it holds (``shown(row)``)."""
    for bad, message in checks:
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{origin} line {i + 2}: {message}; got {shown(frame.iloc[i])}")
