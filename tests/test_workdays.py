"""Working days (docs/contract.md §3.1) and the n-th working day strictly after S (§3.2).

Every expected date is worked out by hand from a real calendar. Danish public holidays used
(the holidays package's Denmark calendar, as the contract defines it):
  2023: Skærtorsdag Thu 04-06, Langfredag Fri 04-07, 2. påskedag Mon 04-10,
        Store Bededag Fri 05-05, Kristi himmelfart Thu 05-18, 2. pinsedag Mon 05-29,
        25-26 Dec (Mon, Tue)
  2024: 1 Jan (Mon), Skærtorsdag Thu 03-28, Langfredag Fri 03-29, 2. påskedag Mon 04-01,
        (Store Bededag abolished: Fri 04-26 is a normal working day),
        Kristi himmelfart Thu 05-09, 2. pinsedag Mon 05-20, 25-26 Dec (Wed, Thu)
  2025: 1 Jan (Wed), Skærtorsdag Thu 04-17, Langfredag Fri 04-18, 2. påskedag Mon 04-21,
        Kristi himmelfart Thu 05-29, 2. pinsedag Mon 06-09, 25-26 Dec (Thu, Fri)
Closed days from the shipped config/calendar.yaml: 06-05 (Grundlovsdag), 12-24, 12-31 every
year, and 2025-05-30 (the Friday after Kristi himmelfart 2025).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sagstid.config import CalendarConfig, load_config
from sagstid.rules.workdays import WorkCalendar

YEARS = range(2022, 2028)


def d(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


@pytest.fixture
def shipped(config_dir) -> WorkCalendar:
    """The working-day calendar with the shipped calendar.yaml."""
    return WorkCalendar(load_config(config_dir).calendar, YEARS)


@pytest.fixture
def bare() -> WorkCalendar:
    """Weekends and public holidays only (no calendar.yaml)."""
    return WorkCalendar(CalendarConfig(), YEARS)


# --- is this a working day? -----------------------------------------------------------------

WORKING_DAY_CASES = [
    # (day, with shipped calendar.yaml, bare calendar, reason)
    ("2025-04-16", True, True, "Wed before Easter 2025"),
    ("2025-04-17", False, False, "Skærtorsdag 2025"),
    ("2025-04-18", False, False, "Langfredag 2025"),
    ("2025-04-21", False, False, "2. påskedag 2025"),
    ("2025-04-22", True, True, "Tue after Easter 2025"),
    ("2024-03-28", False, False, "Skærtorsdag 2024"),
    ("2024-03-29", False, False, "Langfredag 2024"),
    ("2024-04-01", False, False, "2. påskedag 2024"),
    ("2023-05-05", False, False, "Store Bededag 2023, still a holiday"),
    ("2024-04-26", True, True, "Store Bededag 2024 abolished: a plain Friday"),
    ("2024-05-09", False, False, "Kristi himmelfart 2024"),
    ("2024-05-10", True, True, "Fri after Kristi himmelfart 2024 (not closed in 2024)"),
    ("2025-05-29", False, False, "Kristi himmelfart 2025"),
    ("2025-05-30", False, True, "closed_dates 2025-05-30 only in calendar.yaml"),
    ("2024-05-20", False, False, "2. pinsedag 2024"),
    ("2025-06-09", False, False, "2. pinsedag 2025"),
    ("2025-06-05", False, True, "Grundlovsdag Thu: closed via calendar.yaml, not a public holiday"),
    ("2024-06-05", False, True, "Grundlovsdag Wed 2024: closed every year"),
    ("2024-12-24", False, True, "juleaftensdag Tue: closed every year"),
    ("2024-12-25", False, False, "1. juledag"),
    ("2024-12-26", False, False, "2. juledag"),
    ("2024-12-27", True, True, "Fri between Christmas and New Year"),
    ("2024-12-31", False, True, "nytårsaftensdag Tue: closed every year"),
    ("2025-01-01", False, False, "nytårsdag"),
    ("2025-05-01", True, True, "1 May is not a Danish public holiday"),
    ("2025-04-12", False, False, "Saturday"),
    ("2025-04-13", False, False, "Sunday"),
]


@pytest.mark.parametrize(
    "day, shipped_expected, bare_expected",
    [pytest.param(day, s, b, id=f"{day}-{why}") for day, s, b, why in WORKING_DAY_CASES],
)
def test_is_working_day(shipped, bare, day, shipped_expected, bare_expected):
    assert bool(shipped.is_working_day(np.array([d(day)]))[0]) is shipped_expected
    assert bool(bare.is_working_day(np.array([d(day)]))[0]) is bare_expected


# --- the n-th working day strictly after S -------------------------------------------------

ADD_WORKING_DAYS_CASES = [
    # (received S, n, expected with shipped calendar.yaml, reasoning)
    (
        "2025-04-11",
        5,
        "2025-04-23",
        "contract example: Fri 04-11; 17,18 Skærtorsdag/Langfredag, 21 2. påskedag -> 14,15,16,22,23",
    ),
    ("2025-04-12", 5, "2025-04-23", "Sat 04-12, S never counts -> 14,15,16,(17,18,21 holidays),22,23"),
    ("2025-04-13", 5, "2025-04-23", "Sun 04-13 -> 14,15,16,22,23"),
    ("2025-04-13", 1, "2025-04-14", "Sun 04-13, first working day strictly after is Mon 04-14"),
    ("2025-04-12", 1, "2025-04-14", "Sat 04-12 -> Mon 04-14 (not the Friday before)"),
    ("2025-04-11", 1, "2025-04-14", "Fri 04-11 counts not itself -> Mon 04-14"),
    (
        "2025-04-17",
        1,
        "2025-04-22",
        "received on Skærtorsdag: 18 Langfredag, 19-20 weekend, 21 2. påskedag -> Tue 22",
    ),
    ("2025-04-16", 1, "2025-04-22", "Wed 04-16: 17,18,21 holidays, 19,20 weekend -> Tue 22"),
    (
        "2024-03-27",
        2,
        "2024-04-03",
        "Wed 03-27 2024: 28,29 Skærtorsdag/Langfredag, 04-01 2. påskedag -> 04-02, 04-03",
    ),
    ("2024-03-25", 5, "2024-04-04", "Mon 03-25 2024: 26,27,(28,29,04-01 holidays),04-02,04-03,04-04"),
    ("2023-05-04", 1, "2023-05-08", "Thu 2023-05-04: Fri 05-05 Store Bededag 2023 -> Mon 05-08"),
    (
        "2024-04-25",
        1,
        "2024-04-26",
        "Thu 2024-04-25: Fri 04-26 is a working day from 2024 (no Store Bededag)",
    ),
    ("2023-05-03", 3, "2023-05-09", "Wed 2023-05-03: 04, (05 Store Bededag), 08, 09"),
    ("2024-04-24", 3, "2024-04-29", "Wed 2024-04-24: 25, 26 (working in 2024), 29"),
    ("2024-05-08", 1, "2024-05-10", "Wed 2024-05-08: Thu 05-09 Kristi himmelfart -> Fri 05-10"),
    (
        "2025-05-28",
        2,
        "2025-06-03",
        "Wed 2025-05-28: 29 Kristi himmelfart, 30 closed (calendar.yaml), 31/06-01 weekend -> 06-02, 06-03",
    ),
    ("2024-05-17", 1, "2024-05-21", "Fri 2024-05-17: 18,19 weekend, 20 2. pinsedag -> Tue 05-21"),
    (
        "2025-06-04",
        3,
        "2025-06-11",
        "Wed 2025-06-04: 05 Grundlovsdag closed, 06 (1), 07-08 weekend, 09 2. pinsedag, 10 (2), 11 (3)",
    ),
    (
        "2024-12-20",
        5,
        "2025-01-03",
        "Fri 2024-12-20: 23 (1), 24 closed, 25-26 jul, 27 (2), 30 (3), 31 closed, 01-01 nytår, 01-02 (4), 01-03 (5)",
    ),
    ("2024-02-29", 5, "2024-03-07", "Thu 2024-02-29: 03-01 (1), 04 (2), 05 (3), 06 (4), 07 (5)"),
    ("2024-02-28", 1, "2024-02-29", "Wed 2024-02-28 -> Thu 02-29 (a normal working day)"),
]


@pytest.mark.parametrize(
    "received, n, expected",
    [pytest.param(s, n, e, id=f"{s}+{n}wd") for s, n, e, _why in ADD_WORKING_DAYS_CASES],
)
def test_add_working_days_one_at_a_time(shipped, received, n, expected):
    result = shipped.add_working_days(np.array([d(received)]), np.array([n]))
    assert result[0] == d(expected)


def test_add_working_days_vectorised(shipped):
    """All the cases above in one call, in the order given."""
    start = np.array([d(s) for s, _, _, _ in ADD_WORKING_DAYS_CASES])
    n = np.array([n for _, n, _, _ in ADD_WORKING_DAYS_CASES])
    expected = np.array([d(e) for _, _, e, _ in ADD_WORKING_DAYS_CASES])
    np.testing.assert_array_equal(shipped.add_working_days(start, n), expected)


@pytest.mark.parametrize(
    "received, n, expected",
    [
        # Wed 2025-05-28: 29 Kristi himmelfart; without calendar.yaml Fri 30 is a working day
        pytest.param("2025-05-28", 2, "2025-06-02", id="kristi-himmelfart-2025-no-closed-day"),
        # Fri 2024-12-20: 23 (1), 24 (2, not closed), 25-26 jul, 27 (3), 30 (4), 31 (5)
        pytest.param("2024-12-20", 5, "2024-12-31", id="christmas-2024-no-closed-days"),
        # Wed 2025-06-04: 05 (1, Grundlovsdag not a public holiday), 06 (2), 09 2. pinsedag, 10 (3)
        pytest.param("2025-06-04", 3, "2025-06-10", id="grundlovsdag-not-closed"),
    ],
)
def test_add_working_days_without_calendar_yaml(bare, received, n, expected):
    assert bare.add_working_days(np.array([d(received)]), np.array([n]))[0] == d(expected)


# --- rolling forward ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        pytest.param("2025-04-16", "2025-04-16", id="working-day-stays"),
        pytest.param("2025-01-11", "2025-01-13", id="saturday-to-monday"),
        pytest.param("2025-04-18", "2025-04-22", id="langfredag-to-tue-after-2-paaskedag"),
        pytest.param("2025-05-29", "2025-06-02", id="kristi-himmelfart-and-closed-30-may"),
        pytest.param("2025-06-05", "2025-06-06", id="grundlovsdag-to-friday"),
        pytest.param("2024-12-24", "2024-12-27", id="juleaften-to-27-dec"),
        pytest.param("2024-12-31", "2025-01-02", id="nytaarsaften-to-2-jan"),
        pytest.param("2023-05-05", "2023-05-08", id="store-bededag-2023"),
        pytest.param("2024-04-26", "2024-04-26", id="store-bededag-2024-not-holiday"),
    ],
)
def test_roll_forward(shipped, day, expected):
    assert shipped.roll_forward(np.array([d(day)]))[0] == d(expected)


# --- closed_every_year edge cases ---------------------------------------------------------


def test_closed_29_february_in_non_leap_years_does_not_crash():
    calendar = WorkCalendar(CalendarConfig(closed_every_year=["02-29"]), [2023, 2024, 2025])
    days = np.array([d("2023-02-28"), d("2024-02-29"), d("2025-02-28"), d("2025-03-03")])
    # 2023-02-28 Tue working; 2024-02-29 Thu closed; 2025-02-28 Fri working; 2025-03-03 Mon working
    np.testing.assert_array_equal(calendar.is_working_day(days), [True, False, True, True])
    # Wed 2024-02-28 + 1 working day: Thu 29 closed -> Fri 2024-03-01
    assert calendar.add_working_days(np.array([d("2024-02-28")]), np.array([1]))[0] == d("2024-03-01")
    # Fri 2025-02-28 + 1 working day: no 29 Feb in 2025 -> Mon 2025-03-03
    assert calendar.add_working_days(np.array([d("2025-02-28")]), np.array([1]))[0] == d("2025-03-03")


def test_closed_dates_from_config_are_not_working_days():
    calendar = WorkCalendar(CalendarConfig(closed_dates=[dt.date(2025, 5, 2)]), [2025])
    # Fri 2025-05-02 closed; Thu 2025-05-01 open (1 May is no public holiday)
    np.testing.assert_array_equal(
        calendar.is_working_day(np.array([d("2025-05-01"), d("2025-05-02")])), [True, False]
    )
    # Wed 2025-04-30 + 2 working days: 05-01 (1), 05-02 closed, 3-4 weekend, 05-05 (2)
    assert calendar.add_working_days(np.array([d("2025-04-30")]), np.array([2]))[0] == d("2025-05-05")


def test_covering_spans_the_period_and_the_deadlines_after_it():
    """A calendar for a 2024 period must know the holidays of the year after (a deadline
    from a December 2024 receipt ends in January 2025)."""
    calendar = WorkCalendar.covering(CalendarConfig(), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    # 2025-01-01 is nytårsdag; 2025-04-18 Langfredag: both must be known
    np.testing.assert_array_equal(
        calendar.is_working_day(np.array([d("2025-01-01"), d("2025-04-18")])), [False, False]
    )
