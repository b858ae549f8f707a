"""Measurement periods: both ends inclusive, year / quarter constructors, the period before
(for comparison) and the Danish label. Expected values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from sagstid.errors import InputError
from sagstid.periods import Period, parse_date


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_year():
    period = Period.year(2024)
    assert (period.start, period.end) == (D("2024-01-01"), D("2024-12-31"))
    assert period.days == 366  # 2024 is a leap year
    assert period.label == "2024"
    assert Period.year(2025).days == 365


@pytest.mark.parametrize(
    "text, start, end, label",
    [
        pytest.param("2025Q1", "2025-01-01", "2025-03-31", "1. kvartal 2025", id="Q1"),
        pytest.param("2025Q2", "2025-04-01", "2025-06-30", "2. kvartal 2025", id="Q2"),
        pytest.param("2025Q3", "2025-07-01", "2025-09-30", "3. kvartal 2025", id="Q3"),
        pytest.param("2025Q4", "2025-10-01", "2025-12-31", "4. kvartal 2025", id="Q4"),
        pytest.param("2024Q1", "2024-01-01", "2024-03-31", "1. kvartal 2024", id="Q1-leap"),
    ],
)
def test_quarter(text, start, end, label):
    period = Period.quarter(text)
    assert (period.start, period.end) == (D(start), D(end))
    assert period.label == label


def test_quarter_days_in_a_leap_year():
    assert Period.quarter("2024Q1").days == 31 + 29 + 31
    assert Period.quarter("2025Q1").days == 31 + 28 + 31


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2025Q5", id="Q5"),
        pytest.param("2025Q0", id="Q0"),
        pytest.param("2025-Q3", id="dash"),
        pytest.param("Q3 2025", id="reversed"),
        pytest.param("25Q3", id="two-digit-year"),
        pytest.param("2025", id="year-only"),
        pytest.param("", id="empty"),
        pytest.param("2025K3", id="danish-K"),
    ],
)
def test_bad_quarter(text):
    with pytest.raises(InputError) as info:
        Period.quarter(text)
    message = str(info.value)
    assert repr(text) in message
    assert "YYYYQn" in message


@pytest.mark.parametrize(
    "period, previous",
    [
        # a year -> the year before (2023: 365 days although 2024 has 366)
        pytest.param(Period.year(2024), ("2023-01-01", "2023-12-31"), id="year"),
        # Q1 -> Q4 of the year before
        pytest.param(Period.quarter("2025Q1"), ("2024-10-01", "2024-12-31"), id="Q1-to-Q4"),
        pytest.param(Period.quarter("2025Q3"), ("2025-04-01", "2025-06-30"), id="Q3-to-Q2"),
        pytest.param(Period.quarter("2024Q2"), ("2024-01-01", "2024-03-31"), id="Q2-to-Q1-leap"),
        # a month -> the month before, whatever its length
        pytest.param(
            Period(D("2024-03-01"), D("2024-03-31")), ("2024-02-01", "2024-02-29"), id="month-leap-feb"
        ),
        pytest.param(Period(D("2025-03-01"), D("2025-03-31")), ("2025-02-01", "2025-02-28"), id="month-feb"),
        pytest.param(Period(D("2025-01-01"), D("2025-01-31")), ("2024-12-01", "2024-12-31"), id="january"),
        # half a year -> the half year before
        pytest.param(Period(D("2025-01-01"), D("2025-06-30")), ("2024-07-01", "2024-12-31"), id="half-year"),
        # two whole years -> the two years before
        pytest.param(Period(D("2023-01-01"), D("2024-12-31")), ("2021-01-01", "2022-12-31"), id="two-years"),
        # not whole months: the same number of days just before.
        # 2025-02-01..03-15 = 28 + 15 = 43 days; 43 days before 02-01 is 2024-12-20
        pytest.param(Period(D("2025-02-01"), D("2025-03-15")), ("2024-12-20", "2025-01-31"), id="43-days"),
        # a single day -> the day before
        pytest.param(Period(D("2025-03-10"), D("2025-03-10")), ("2025-03-09", "2025-03-09"), id="one-day"),
        # 2024-03-01..2024-03-10 (10 days) -> 2024-02-20..2024-02-29
        pytest.param(
            Period(D("2024-03-01"), D("2024-03-10")), ("2024-02-20", "2024-02-29"), id="ten-days-leap"
        ),
    ],
)
def test_previous(period, previous):
    before = period.previous()
    assert (before.start.isoformat(), before.end.isoformat()) == previous
    assert before.end == period.start - dt.timedelta(days=1)  # adjacent, no gap, no overlap


@pytest.mark.parametrize(
    "period, label",
    [
        pytest.param(Period(D("2025-02-01"), D("2025-03-15")), "01.02.2025-15.03.2025", id="days"),
        pytest.param(Period(D("2025-02-01"), D("2025-02-28")), "01.02.2025-28.02.2025", id="month"),
        pytest.param(Period(D("2025-01-01"), D("2025-06-30")), "1. halvår 2025", id="half-year"),
        pytest.param(Period(D("2025-07-01"), D("2025-12-31")), "2. halvår 2025", id="second-half"),
        # March-August is six whole months but not a half year
        pytest.param(Period(D("2025-03-01"), D("2025-08-31")), "01.03.2025-31.08.2025", id="not-a-half"),
        pytest.param(Period(D("2023-01-01"), D("2024-12-31")), "01.01.2023-31.12.2024", id="two-years"),
        # Feb-Apr is three whole months but not a calendar quarter
        pytest.param(Period(D("2025-02-01"), D("2025-04-30")), "01.02.2025-30.04.2025", id="not-a-quarter"),
        pytest.param(Period(D("2025-07-01"), D("2025-09-30")), "3. kvartal 2025", id="quarter-by-dates"),
    ],
)
def test_label(period, label):
    assert period.label == label


def test_end_before_start_is_refused():
    with pytest.raises(InputError) as info:
        Period(D("2025-03-01"), D("2025-02-28"))
    assert "2025-03-01" in str(info.value) and "2025-02-28" in str(info.value)


def test_parse_date():
    assert parse_date("2024-02-29", "--from") == D("2024-02-29")
    with pytest.raises(InputError) as info:
        parse_date("2025-02-29", "--from")
    assert "--from" in str(info.value) and "2025-02-29" in str(info.value)
    with pytest.raises(InputError) as info:
        parse_date("31/12/2024", "--to")
    assert "--to" in str(info.value) and "YYYY-MM-DD" in str(info.value)


@pytest.mark.parametrize(
    "text, start, end",
    [("2025H1", "2025-01-01", "2025-06-30"), ("2024h2", "2024-07-01", "2024-12-31")],
)
def test_half(text, start, end):
    period = Period.half(text)
    assert (period.start, period.end) == (D(start), D(end))
    assert period.slug == text.upper()


@pytest.mark.parametrize("text", ["2025H3", "2025-H1", "H1"])
def test_half_rejects(text):
    with pytest.raises(InputError, match="--half"):
        Period.half(text)


def test_last_year_and_year_to_date():
    # the same dates a year back; 29 February becomes 28 February
    assert Period.quarter("2025Q3").last_year() == Period(D("2024-07-01"), D("2024-09-30"))
    assert Period(D("2024-02-01"), D("2024-02-29")).last_year() == Period(D("2023-02-01"), D("2023-02-28"))
    assert Period(D("2023-02-01"), D("2023-02-28")).last_year() == Period(D("2022-02-01"), D("2022-02-28"))
    assert Period(D("2025-03-01"), D("2025-03-31")).last_year() == Period(D("2024-03-01"), D("2024-03-31"))
    # from 1 January of the period's (last) year to its last day
    assert Period.quarter("2025Q3").year_to_date() == Period(D("2025-01-01"), D("2025-09-30"))
    assert Period.year(2025).year_to_date() == Period.year(2025)
