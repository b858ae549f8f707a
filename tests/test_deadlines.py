"""Deadline dates (docs/contract.md §3.2): units, month ends, rolling, and the catalogue versions.

Every expected date is worked out by hand (weekday and holiday facts: see test_workdays.py's
docstring; the shipped calendar.yaml closes 06-05, 12-24, 12-31 and 2025-05-30).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sagstid.config import DEADLINE_UNITS, CalendarConfig, load_config
from sagstid.report.labels import deadline_text
from sagstid.rules.deadlines import (
    NO_ENTRY,
    CatalogueArrays,
    add_months,
    deadline_dates,
    deadlines_for,
)
from sagstid.rules.workdays import WorkCalendar

YEARS = range(2018, 2028)


def d(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def unit_index(name: str) -> int:
    return DEADLINE_UNITS.index(name)


@pytest.fixture
def shipped_config(config_dir):
    return load_config(config_dir)


@pytest.fixture
def shipped_calendar(shipped_config) -> WorkCalendar:
    return WorkCalendar(shipped_config.calendar, YEARS)


@pytest.fixture
def catalogue(shipped_config) -> CatalogueArrays:
    return CatalogueArrays.from_catalogue(shipped_config.catalogue)


# --- months ---------------------------------------------------------------------------------

MONTH_CASES = [
    # (start, months, expected, reasoning)
    ("2025-01-31", 1, "2025-02-28", "contract example: no 31 Feb in 2025 -> last day 28"),
    ("2024-01-31", 1, "2024-02-29", "leap year: no 31 Feb -> last day 29"),
    ("2023-03-31", 1, "2023-04-30", "no 31 Apr -> 30"),
    ("2024-05-31", 1, "2024-06-30", "no 31 Jun -> 30"),
    ("2024-08-31", 6, "2025-02-28", "Aug + 6 = Feb 2025 (not leap) -> 28"),
    ("2023-08-31", 6, "2024-02-29", "Aug + 6 = Feb 2024 (leap) -> 29"),
    ("2024-02-29", 12, "2025-02-28", "29 Feb + 12 months: no 29 Feb 2025 -> 28"),
    ("2024-02-29", 1, "2024-03-29", "29 Feb + 1 month: 29 Mar exists"),
    ("2024-02-29", 48, "2028-02-29", "29 Feb + 4 years: 2028 is a leap year"),
    ("2024-11-30", 3, "2025-02-28", "Nov + 3 = Feb 2025 -> 28"),
    ("2025-10-31", 3, "2026-01-31", "Oct + 3 crosses the year, 31 Jan exists"),
    ("2024-12-15", 2, "2025-02-15", "mid-month, across the year"),
    ("2024-01-30", 1, "2024-02-29", "30 Jan + 1 in a leap year -> 29 Feb"),
    ("2025-03-31", 2, "2025-05-31", "31 May exists"),
]


@pytest.mark.parametrize(
    "start, months, expected",
    [pytest.param(s, m, e, id=f"{s}+{m}m") for s, m, e, _why in MONTH_CASES],
)
def test_add_months(start, months, expected):
    assert add_months(np.array([d(start)]), np.array([months]))[0] == d(expected)


def test_add_months_vectorised():
    start = np.array([d(s) for s, _, _, _ in MONTH_CASES])
    months = np.array([m for _, m, _, _ in MONTH_CASES])
    expected = np.array([d(e) for _, _, e, _ in MONTH_CASES])
    np.testing.assert_array_equal(add_months(start, months), expected)


# --- deadline_dates: every unit, with and without roll_to_working_day -------------------------

DEADLINE_CASES = [
    # (start, value, unit, roll, expected D with the shipped calendar.yaml, reasoning)
    # working days (roll has no effect: the n-th working day is a working day)
    (
        "2025-04-11",
        5,
        "working_days",
        False,
        "2025-04-23",
        "contract example: 14,15,16,(17,18,21 holidays),22,23",
    ),
    ("2025-04-11", 5, "working_days", True, "2025-04-23", "same; roll changes nothing"),
    ("2025-04-12", 5, "working_days", False, "2025-04-23", "Saturday receipt: 14,15,16,22,23"),
    ("2025-04-13", 5, "working_days", False, "2025-04-23", "Sunday receipt: 14,15,16,22,23"),
    (
        "2024-12-20",
        5,
        "working_days",
        False,
        "2025-01-03",
        "23, (24 closed, 25-26), 27, 30, (31 closed, 1 Jan), 2, 3",
    ),
    ("2024-02-29", 5, "working_days", False, "2024-03-07", "03-01, 04, 05, 06, 07"),
    ("2023-05-04", 1, "working_days", False, "2023-05-08", "Fri 05-05 Store Bededag 2023"),
    ("2024-04-25", 1, "working_days", False, "2024-04-26", "Fri 04-26 2024 is a working day"),
    # weeks
    ("2024-02-29", 1, "weeks", False, "2024-03-07", "29 Feb + 7 days"),
    ("2024-06-30", 4, "weeks", False, "2024-07-28", "Sun + 28 days = Sun, no roll"),
    ("2024-03-18", 2, "weeks", False, "2024-04-01", "Mon + 14 = 2. påskedag 2024, no roll"),
    ("2024-03-18", 2, "weeks", True, "2024-04-02", "2. påskedag 2024 rolls to Tue 04-02"),
    ("2024-12-17", 1, "weeks", True, "2024-12-27", "Tue 12-24 closed, 25-26 jul -> Fri 27"),
    # months
    ("2024-01-31", 1, "months", False, "2024-02-29", "leap year month end"),
    ("2025-01-31", 1, "months", False, "2025-02-28", "contract example"),
    ("2024-08-31", 6, "months", False, "2025-02-28", "Aug 31 + 6 months"),
    ("2024-02-29", 12, "months", False, "2025-02-28", "29 Feb + 12 months"),
    (
        "2024-02-29",
        1,
        "months",
        True,
        "2024-04-02",
        "03-29 Langfredag 2024, 30-31 weekend, 04-01 2. påskedag -> Tue 04-02",
    ),
    ("2024-02-29", 1, "months", False, "2024-03-29", "Langfredag, no roll"),
    ("2025-01-31", 1, "months", True, "2025-02-28", "Fri 02-28 is a working day"),
    # calendar days
    ("2025-01-01", 10, "calendar_days", False, "2025-01-11", "Sat, no roll"),
    ("2025-01-01", 10, "calendar_days", True, "2025-01-13", "Sat 01-11 rolls to Mon 01-13"),
    ("2025-04-11", 10, "calendar_days", False, "2025-04-21", "2. påskedag, no roll"),
    ("2025-04-11", 10, "calendar_days", True, "2025-04-22", "2. påskedag rolls to Tue 04-22"),
    ("2025-05-26", 10, "calendar_days", False, "2025-06-05", "Grundlovsdag, no roll"),
    ("2025-05-26", 10, "calendar_days", True, "2025-06-06", "Grundlovsdag closed -> Fri 06-06"),
    ("2025-05-20", 10, "calendar_days", False, "2025-05-30", "closed day 2025-05-30, no roll"),
    (
        "2025-05-20",
        10,
        "calendar_days",
        True,
        "2025-06-02",
        "Fri 05-30 closed (calendar.yaml), 31/01 weekend -> Mon 06-02",
    ),
    (
        "2025-05-19",
        10,
        "calendar_days",
        True,
        "2025-06-02",
        "Thu 05-29 Kristi himmelfart, 30 closed, weekend -> Mon 06-02",
    ),
    ("2024-12-14", 10, "calendar_days", True, "2024-12-27", "12-24 closed, 25-26 jul -> Fri 27"),
    ("2024-12-21", 10, "calendar_days", True, "2025-01-02", "12-31 closed, 1 Jan -> Thu 01-02"),
    ("2023-04-25", 10, "calendar_days", True, "2023-05-08", "Fri 05-05 Store Bededag 2023 -> Mon"),
    ("2024-04-16", 10, "calendar_days", True, "2024-04-26", "Fri 04-26 2024 is a working day"),
    ("2024-02-19", 10, "calendar_days", False, "2024-02-29", "counts 29 Feb as a day"),
    ("2025-02-19", 10, "calendar_days", False, "2025-03-01", "no 29 Feb in 2025"),
]


def _case_id(case) -> str:
    start, value, unit, roll, _e, _why = case
    return f"{start}+{value}{unit}{'-roll' if roll else ''}"


@pytest.mark.parametrize(
    "start, value, unit, roll, expected",
    [pytest.param(*case[:5], id=_case_id(case)) for case in DEADLINE_CASES],
)
def test_deadline_date(shipped_calendar, start, value, unit, roll, expected):
    result = deadline_dates(
        np.array([d(start)]),
        np.array([value]),
        np.array([unit_index(unit)], dtype=np.int8),
        np.array([roll]),
        shipped_calendar,
    )
    assert result[0] == d(expected)


def test_deadline_dates_vectorised_mixed_units(shipped_calendar):
    """All cases above in one call: the masks per unit must not leak into each other."""
    start = np.array([d(c[0]) for c in DEADLINE_CASES])
    value = np.array([c[1] for c in DEADLINE_CASES])
    unit = np.array([unit_index(c[2]) for c in DEADLINE_CASES], dtype=np.int8)
    roll = np.array([c[3] for c in DEADLINE_CASES])
    expected = np.array([d(c[4]) for c in DEADLINE_CASES])
    np.testing.assert_array_equal(deadline_dates(start, value, unit, roll, shipped_calendar), expected)


def test_deadline_dates_accept_second_resolution(shipped_calendar):
    """Validation hands over datetime64[s]; the result is the same day."""
    start = np.array(["2025-04-11T00:00:00"], dtype="datetime64[s]")
    result = deadline_dates(
        start,
        np.array([5]),
        np.array([unit_index("working_days")], dtype=np.int8),
        np.array([False]),
        shipped_calendar,
    )
    assert result.astype("datetime64[D]")[0] == d("2025-04-23")


# --- the catalogue: version valid on S, unknown areas ---------------------------------------

LOOKUP_CASES = [
    # (area, received, expected (value, unit) or None for NO_ENTRY, reasoning)
    ("KH-ANS", "2024-06-30", (4, "weeks"), "last day of the 4-week version (valid_to inclusive)"),
    ("KH-ANS", "2024-07-01", (3, "weeks"), "first day of the 3-week version"),
    ("KH-ANS", "2015-01-01", (4, "weeks"), "valid_from inclusive"),
    ("KH-ANS", "2014-12-31", None, "before the first version"),
    ("KH-ANS", "2030-01-01", (3, "weeks"), "open-ended version"),
    ("SHY-ANS", "2019-06-30", None, "SHY-ANS starts 2019-07-01"),
    ("SHY-ANS", "2019-07-01", (3, "weeks"), "first day of SHY-ANS"),
    ("XX-UKENDT", "2024-05-01", (4, "weeks"), "area not in the catalogue: the default entry"),
    ("AKTINDSIGT", "2024-12-20", (7, "working_days"), "single open-ended version"),
    ("FOEP", "2024-08-31", (6, "months"), "months area"),
    ("BOLIGLAN", "2025-05-06", (30, "calendar_days"), "calendar days with roll"),
]


@pytest.mark.parametrize(
    "area, received, expected",
    [pytest.param(a, r, e, id=f"{a}-{r}") for a, r, e, _why in LOOKUP_CASES],
)
def test_lookup_one_at_a_time(catalogue, area, received, expected):
    entry = catalogue.lookup(pd.Series([area]), np.array([d(received)]))[0]
    if expected is None:
        assert entry == NO_ENTRY
    else:
        assert entry != NO_ENTRY
        assert catalogue.areas[entry] == area or (area == "XX-UKENDT" and catalogue.is_default[entry])
        assert (int(catalogue.value[entry]), DEADLINE_UNITS[catalogue.unit[entry]]) == expected


def test_lookup_vectorised_unsorted_rows_and_missing_start(catalogue):
    """Rows in any order, mixed areas, a NaT start: each finds its own entry."""
    areas = [a for a, _, _, _ in LOOKUP_CASES][::-1] + ["KH-ANS"]
    starts = [d(r) for _, r, _, _ in LOOKUP_CASES][::-1] + [np.datetime64("NaT", "D")]
    expected = [e for _, _, e, _ in LOOKUP_CASES][::-1] + [None]
    entries = catalogue.lookup(pd.Series(areas), np.array(starts, dtype="datetime64[s]"))
    got = [
        None if e == NO_ENTRY else (int(catalogue.value[e]), DEADLINE_UNITS[catalogue.unit[e]])
        for e in entries
    ]
    assert got == expected
    for area, entry in zip(areas, entries, strict=False):
        if entry != NO_ENTRY:
            assert catalogue.areas[entry] == area or (area == "XX-UKENDT" and catalogue.is_default[entry])


END_TO_END_CASES = [
    # (area, received, expected D, reasoning) - through lookup + deadlines_for, shipped config
    ("KH-ANS", "2024-06-30", "2024-07-28", "Sun 06-30: 4-week version, +28 = Sun 07-28, no roll"),
    ("KH-ANS", "2024-07-01", "2024-07-22", "Mon 07-01: 3-week version, +21 = Mon 07-22"),
    ("AKTINDSIGT", "2024-12-20", "2025-01-07", "7 wd from Fri 12-20: 23, 27, 30, 01-02, 01-03, 01-06, 01-07"),
    (
        "ENK-85",
        "2025-04-11",
        "2025-05-07",
        "15 wd from Fri 04-11: 14,15,16, 22,23,24,25, 28,29,30, 05-01, 05-02, 05, 06, 07",
    ),
    ("AKUT-HJ", "2025-04-17", "2025-04-23", "2 wd from Skærtorsdag: 18, 21 holidays -> 22, 23"),
    ("FOEP", "2024-08-31", "2025-02-28", "6 months from 31 Aug"),
    ("REVA", "2024-11-30", "2025-02-28", "3 months from 30 Nov"),
    ("JAF", "2023-12-31", "2024-02-29", "2 months from 31 Dec into a leap February"),
    ("BOLIGLAN", "2025-05-06", "2025-06-06", "30 cd = Thu 06-05 Grundlovsdag closed -> Fri 06-06"),
    ("DANSK-UDD", "2025-05-06", "2025-06-05", "30 cd = Grundlovsdag, no roll"),
    ("TILBAGEMELD", "2024-12-14", "2024-12-27", "10 cd = 12-24 closed, 25-26 jul -> Fri 27"),
    (
        "TILBAGEMELD",
        "2025-05-19",
        "2025-06-02",
        "10 cd = 05-29 Kristi himmelfart, 30 closed, weekend -> Mon 06-02",
    ),
    ("TILBAGEMELD", "2025-01-01", "2025-01-13", "10 cd = Sat 01-11 -> Mon 01-13"),
    ("SHY-ANS", "2019-07-01", "2019-07-22", "3 weeks from Mon 2019-07-01"),
]


def test_deadlines_for_through_the_catalogue(catalogue, shipped_calendar):
    areas = pd.Series([c[0] for c in END_TO_END_CASES])
    start = np.array([d(c[1]) for c in END_TO_END_CASES])
    entry = catalogue.lookup(areas, start)
    assert (entry != NO_ENTRY).all()
    result = deadlines_for(catalogue, entry, start, shipped_calendar)
    expected = np.array([d(c[2]) for c in END_TO_END_CASES])
    mismatches = [
        (c[0], c[1], str(r), c[2]) for c, r in zip(END_TO_END_CASES, result, strict=False) if r != d(c[2])
    ]
    assert not mismatches, mismatches
    np.testing.assert_array_equal(result, expected)


def test_catalogue_version_switch_later_receipt_has_earlier_deadline(catalogue, shipped_calendar):
    """KH-ANS: 4 weeks to 2024-06-30, 3 weeks from 2024-07-01, so the application received a
    day later has a deadline six days earlier (07-28 vs 07-22)."""
    start = np.array([d("2024-06-30"), d("2024-07-01")])
    entry = catalogue.lookup(pd.Series(["KH-ANS", "KH-ANS"]), start)
    result = deadlines_for(catalogue, entry, start, shipped_calendar)
    np.testing.assert_array_equal(result, [d("2024-07-28"), d("2024-07-22")])


def test_describe_in_danish(catalogue):
    entry = catalogue.lookup(
        pd.Series(["KH-ANS", "KH-ANS", "AKTINDSIGT", "FOEP", "BOLIGLAN"]),
        np.array([d("2024-06-30"), d("2024-07-01"), d("2024-01-01"), d("2024-01-01"), d("2024-01-01")]),
    )
    rules = [((int(catalogue.value[e]), DEADLINE_UNITS[catalogue.unit[e]]),) for e in entry]
    assert [deadline_text(r) for r in rules] == [
        "4 uger",
        "3 uger",
        "7 arbejdsdage",
        "6 måneder",
        "30 kalenderdage",
    ]
    assert deadline_text(((4, "weeks"), (3, "weeks"))) == "4 uger / 3 uger"


def test_working_day_deadline_without_closed_days():
    """Without calendar.yaml, Fri 2024-12-20 + 5 working days: 23, 24, 27, 30, 31."""
    calendar = WorkCalendar(CalendarConfig(), YEARS)
    result = deadline_dates(
        np.array([d("2024-12-20")]),
        np.array([5]),
        np.array([unit_index("working_days")], dtype=np.int8),
        np.array([False]),
        calendar,
    )
    assert result[0] == d("2024-12-31")
