"""report/words.py: Danish wording of numbers, percentages, dates and ISO weeks (expected texts
written by hand)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sagstid.report import words, xlsx


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (11870, 0, "11.870"),
        (1234567.891, 2, "1.234.567,89"),
        (92.5, 1, "92,5"),
        (-1234.5, 1, "-1.234,5"),
        (-0.04, 1, "0,0"),  # rounds to zero: no "-0,0"
        (5.1e-11, 2, "0,00"),  # the surge alert's tiny probability: never "5,1E-11"
        (1e16, 0, "10.000.000.000.000.000"),  # never scientific notation
        (None, 0, "–"),
        (float("nan"), 1, "–"),
        (float("inf"), 0, "–"),
    ],
)
def test_da_number(value: float, decimals: int, text: str) -> None:
    assert words.da_number(value, decimals) == text


def test_percentages_and_points() -> None:
    assert words.da_pct(91.66) == "91,7 %"
    assert words.da_pct(100) == "100,0 %"
    assert words.da_pct(None) == "–"
    assert words.da_pct_number(80) == "80" and words.da_pct_number(92.5) == "92,5"
    assert words.da_pp(1.23) == "+1,2 pp"
    assert words.da_pp(-0.8) == "-0,8 pp"
    assert words.da_pp(-0.04) == "0,0 pp"


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2025, 1, 2),
        dt.datetime(2025, 1, 2, 13, 5),
        pd.Timestamp("2025-01-02"),
        np.datetime64("2025-01-02"),
    ],
)
def test_da_date(day: object) -> None:
    assert words.da_date(day) == "02-01-2025"


def test_da_date_missing_and_period() -> None:
    assert words.da_date(None) == "–" and words.da_date(pd.NaT) == "–"
    period = words.da_period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert period == "01-01-2025 til 31-12-2025"


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("2025-W02",), "uge 2, 2025"),  # held.py's ISO label
        ((2025, 2), "uge 2, 2025"),
        # Monday 29-12-2025: 1-1-2026 is a Thursday, so this week is week 1 of 2026
        ((dt.date(2025, 12, 29),), "uge 1, 2026"),
        # Sunday 3-1-2021 closes week 53 of 2020 (2020 began on a Wednesday and was a leap year)
        ((dt.date(2021, 1, 3),), "uge 53, 2020"),
        ((pd.Timestamp("2025-03-12"),), "uge 11, 2025"),  # 12-3-2025 is the Wednesday of week 11
    ],
)
def test_da_week(args: tuple, text: str) -> None:
    assert words.da_week(*args) == text


def test_da_week_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        words.da_week(2025, 54)


def test_lists_and_counts() -> None:
    assert words.da_list([]) == ""
    assert words.da_list(["JC-NORD"]) == "JC-NORD"
    assert words.da_list(["JC-NORD", "BC-AFKL"]) == "JC-NORD og BC-AFKL"
    assert words.da_list(["A", "B", "C"]) == "A, B og C"
    assert words.da_list(["A", "B"], last="eller") == "A eller B"
    assert words.da_count(1, "afgørelse", "afgørelser") == "1 afgørelse"
    assert words.da_count(2968, "afgørelse", "afgørelser") == "2.968 afgørelser"
    assert words.da_count(0, "afgørelse", "afgørelser") == "0 afgørelser"


def test_xlsx_uses_the_same_functions() -> None:
    # one implementation: the old names in xlsx.py are the words.py functions
    assert xlsx.da_number is words.da_number
    assert xlsx.da_pct_number is words.da_pct_number
    assert xlsx.da_date is words.da_date
