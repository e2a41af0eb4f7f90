"""Time progress: the share of the year elapsed by the end of month M, three ways.

"时间过半任务过半" compares task progress with time progress. Months are the bulletins' own basis;
calendar days and working days (China's official calendar with 调休 make-up days, from
``chinese_calendar``) are the finer ones.

>>> round(time_progress(2015, 7, "months"), 4)
0.5833
>>> working_days_through(2015, 7), working_days_in_year(2015)
(145, 249)
"""

from __future__ import annotations

import bisect
import calendar as _stdlib_calendar
import datetime as dt
import functools

import chinese_calendar

from . import bounds
from .errors import InputError

BASES = ("months", "days", "workdays")


def check_month(month: int, allowed: tuple[int, int] = bounds.MONTHS, name: str = "month") -> int:
    """``month`` as an int when it is a whole number inside ``allowed`` (1..12 by default), else a one-line
    InputError naming the range.

    >>> check_month(7)
    7
    >>> check_month(13)
    Traceback (most recent call last):
    ...
    jzanalysis.errors.InputError: month must be a whole number 1..12, got 13
    """
    if isinstance(month, bool):  # True is 1 to Python, not a month to anyone
        raise InputError(f"{name} must be a whole number {bounds.describe(allowed)}, got {month!r}")
    return int(bounds.check_range(name, month, allowed, whole=True))


def check_as_of(as_of: int) -> int:
    """Validate a January..M month count for forecasting: 1..11 (12 means the year is over, nothing is left
    to forecast)."""
    return check_month(as_of, bounds.AS_OF, "as-of month")


def month_end(year: int, month: int) -> dt.date:
    """Last day of ``month`` in ``year``."""
    return dt.date(year, month, _stdlib_calendar.monthrange(year, month)[1])


def _check_calendar_year(year: int) -> None:
    first, last = _calendar_range()
    if not first <= year <= last:
        raise InputError(
            f"year {year} is outside the official holiday calendar ({first}-{last}) known to chinese_calendar; "
            "pass the working-day counts explicitly or use the months basis"
        )


@functools.cache
def _calendar_range() -> tuple[int, int]:
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


@functools.cache
def _workday_ordinals(year: int) -> tuple[int, ...]:
    # chinese_calendar checks each day one by one (~60 µs a day): list a year once, then count by bisection
    days = chinese_calendar.get_workdays(dt.date(year, 1, 1), dt.date(year, 12, 31), include_weekends=True)
    return tuple(d.toordinal() for d in days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Official working days from ``start`` to ``end``, both included (调休 Saturdays count).

    >>> working_days_between(dt.date(2015, 8, 1), dt.date(2015, 12, 31))  # 249 − 145
    104
    """
    _check_calendar_year(start.year)
    _check_calendar_year(end.year)
    if end < start:
        return 0
    count = 0
    for year in range(start.year, end.year + 1):
        ordinals = _workday_ordinals(year)
        count += bisect.bisect_right(ordinals, end.toordinal()) - bisect.bisect_left(ordinals, start.toordinal())
    return count


def working_days_in_year(year: int) -> int:
    """Official working days in ``year``; 249 for 2015."""
    return working_days_between(dt.date(year, 1, 1), dt.date(year, 12, 31))


def working_days_through(year: int, month: int) -> int:
    """Official working days from 1 January to the end of ``month``; 145 for 2015 through July."""
    return working_days_between(dt.date(year, 1, 1), month_end(year, month))


def time_progress(year: int, as_of: int, basis: str = "months") -> float:
    """Share of ``year`` elapsed at the end of month ``as_of`` (0..1).

    ``basis``: ``months`` (as_of/12), ``days`` (calendar days) or ``workdays`` (official working days).
    For 2015 through July: 7/12 = 0.5833, 212/365 = 0.5808, 145/249 = 0.5823.
    """
    check_month(as_of)
    if basis == "months":
        return as_of / 12
    if basis == "days":
        elapsed = (month_end(year, as_of) - dt.date(year, 1, 1)).days + 1
        total = 366 if _stdlib_calendar.isleap(year) else 365
        return elapsed / total
    if basis == "workdays":
        return working_days_through(year, as_of) / working_days_in_year(year)
    raise InputError(f"unknown time-progress basis {basis!r}; allowed: {', '.join(BASES)}")
