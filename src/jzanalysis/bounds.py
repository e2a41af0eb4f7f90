"""Plausible ranges of every number a user, a file or a bulletin can give, in one place.

A number outside its range is an :class:`~jzanalysis.errors.InputError` whose message says the range,
before it reaches a model: a forecast from a count of 10^17 or a plan of 1e-300 is not a forecast.

- years 1990..2100; an as-of month 1..11 (a full year has nothing left to forecast); months 1..12
- a figure per unit: counts (个, 条, 次, 人) 0..1,000,000; amounts (亿元) 0..1,000,000 (100 万亿元, about
  China's annual GDP); rates (%) 0..100; days (天) 0..366
- an annual plan 0.01..1,000,000 in the metric's unit; a percent of plan 0.01..1000; a growth -100..10000 %
- the dispersion φ 0..1 (counts: var = μ + φμ² per month) and the spread σ 0..1 (amounts: of the log
  remainder); the simulation study in docs/forecasting.md found nothing above 0.7 useful, and above 1 the
  amount model's mean leaves its own 80% interval
- working days 1..366; a seasonal profile share 0 < share <= 1

>>> check_range("dispersion", 0.3, DISPERSION)
0.3
>>> check_range("dispersion", 1e308, DISPERSION)
Traceback (most recent call last):
...
jzanalysis.errors.InputError: dispersion must be a number 0..1, got 1e+308
>>> fmt(1e6), fmt(0.01), fmt(2100)
('1,000,000', '0.01', '2100')
"""

from __future__ import annotations

import math
import numbers

from .errors import InputError

YEAR = (1990, 2100)
AS_OF = (1, 11)
MONTHS = (1, 12)
DISPERSION = (0.0, 1.0)
SIGMA = (0.0, 1.0)
PLAN = (0.01, 1_000_000.0)
PLAN_PCT = (0.01, 1000.0)
YOY_PCT = (-100.0, 10_000.0)
WORKING_DAYS = (1, 366)

_COUNT = (0.0, 1_000_000.0)
#: Range of a figure by the unit of its metric (see :mod:`jzanalysis.metrics`): the one table of units and
#: their limits, for a figure a bulletin states as much as for one a user or a file gives. 人 counts people
#: of a metric (驻点人数, staff stationed away): a count like any other; % is a rate (开工率, the share of
#: projects started), so never above 100 (a growth or a percent of plan is not a figure of a metric: see
#: YOY_PCT and PLAN_PCT).
VALUE_BY_UNIT: dict[str, tuple[float, float]] = {
    "个": _COUNT,
    "条": _COUNT,
    "次": _COUNT,
    "人": _COUNT,
    "亿元": (0.0, 1_000_000.0),
    "%": (0.0, 100.0),
    "天": (0.0, 366.0),
}
#: The largest figure of each unit (a figure above it is beyond any plausible one of a bulletin).
UPPER_BY_UNIT: dict[str, float] = {unit: high for unit, (_low, high) in VALUE_BY_UNIT.items()}


def fmt(value: float) -> str:
    """A bound as a person writes it: 1,000,000 not 1e+06; 0.01 not 1e-02; a year as 2100."""
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    return f"{value:g}"


def shown_value(value) -> str:
    """A value in a message as given: 1.111111111111111e+18 (not 1.11111e+18), 'abc' quoted, 2015 bare."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    try:
        return repr(float(value))
    except (TypeError, ValueError, OverflowError):
        return repr(value)


def describe(bounds: tuple[float, float]) -> str:
    """``lo..hi`` for a message."""
    return f"{fmt(bounds[0])}..{fmt(bounds[1])}"


def in_range(value, bounds: tuple[float, float]) -> bool:
    """True for a finite real number inside ``bounds`` (NaN and infinities are never inside)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return math.isfinite(number) and bounds[0] <= number <= bounds[1]


def check_range(name: str, value, bounds: tuple[float, float], *, whole: bool = False, unit: str = "") -> float:
    """``value`` as a number when it is inside ``bounds``, else a one-line InputError naming the range."""
    kind = "a whole number" if whole else "a number"
    unit_text = f" {unit}" if unit else ""
    if not in_range(value, bounds) or (whole and not float(value).is_integer()):
        shown = shown_value(value)
        raise InputError(f"{name} must be {kind} {describe(bounds)}{unit_text}, got {shown}")
    return int(value) if whole else float(value)
