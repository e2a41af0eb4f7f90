"""One way to turn results into JSON: what the CLI prints and what ``to_json`` methods return."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np


def jsonable(value):
    """``value`` with numpy scalars as Python numbers, NaN and ±inf as None (JSON has neither), dates and
    paths as strings, tuples as lists and dict keys as strings, recursively.

    >>> jsonable({"point": np.float64(298.3), "low": float("nan"), 7: (np.int64(174), dt.date(2015, 7, 31))})
    {'point': 298.3, 'low': None, '7': [174, '2015-07-31']}
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (dt.date, Path)):
        return str(value)
    return value
