import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jzanalysis.calendar import (
    check_as_of,
    time_progress,
    working_days_between,
    working_days_in_year,
    working_days_through,
)
from jzanalysis.errors import InputError


def test_2015_working_days_match_the_official_calendar():
    # 2015: 365 days − 104 weekend days − 11 holiday weekdays (incl. the Sep 3 victory-day break)
    # + make-up Saturdays/Sundays = 249, as published; 145 of them fall in January..July.
    assert working_days_in_year(2015) == 249
    assert working_days_through(2015, 7) == 145


def test_time_progress_three_bases_for_july_2015():
    assert time_progress(2015, 7, "months") == pytest.approx(7 / 12)  # 0.5833
    assert time_progress(2015, 7, "days") == pytest.approx(212 / 365)  # 31+28+31+30+31+30+31 = 212
    assert time_progress(2015, 7, "workdays") == pytest.approx(145 / 249)  # 0.5823


def test_hundred_days_claim_checked_against_calendar():
    # the seed's "全年有效工作日仅剩百天" against the official calendar (docs/report.md): 82 working days remain
    # from 2015-09-02 (publication), 104 from 2015-08-01, exactly 100 only from 2015-08-07.
    end = dt.date(2015, 12, 31)
    assert working_days_between(dt.date(2015, 9, 2), end) == 82
    assert working_days_between(dt.date(2015, 8, 1), end) == 104
    assert working_days_between(dt.date(2015, 8, 7), end) == 100
    assert working_days_between(dt.date(2015, 8, 6), end) == 101


@pytest.mark.parametrize("bad", [0, 12, 13, -1])
def test_as_of_outside_1_to_11_is_an_input_error(bad):
    with pytest.raises(InputError, match=r"1\.\.11"):
        check_as_of(bad)


def test_year_outside_official_calendar_is_a_clear_error():
    with pytest.raises(InputError, match="outside the official holiday calendar"):
        time_progress(2040, 7, "workdays")
    assert time_progress(2040, 6, "months") == 0.5  # the months basis needs no calendar


def test_unknown_basis():
    with pytest.raises(InputError, match="allowed: months, days, workdays"):
        time_progress(2015, 7, "weeks")


@settings(max_examples=80, deadline=None)
@given(st.dates(dt.date(2014, 1, 1), dt.date(2020, 12, 31)), st.integers(0, 800))
def test_working_days_between_agrees_with_chinese_calendar_day_by_day(start, length):
    # the bisection over a year's list must count what chinese_calendar counts, across year ends too
    end = min(start + dt.timedelta(days=length), dt.date(2020, 12, 31))
    expected = len(chinese_calendar.get_workdays(start, end, include_weekends=True))
    assert working_days_between(start, end) == expected


def test_working_days_between_edges():
    assert working_days_between(dt.date(2015, 10, 1), dt.date(2015, 10, 7)) == 0  # 国庆 holiday week
    assert working_days_between(dt.date(2015, 10, 10), dt.date(2015, 10, 10)) == 1  # make-up Saturday
    assert working_days_between(dt.date(2015, 8, 2), dt.date(2015, 8, 1)) == 0  # end before start
