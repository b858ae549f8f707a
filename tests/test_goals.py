"""Targets against a baseline (sagstid/measure/goals.py), worked by hand.

The straight line runs from the end of the baseline year to the end of the target year.
Baseline 2023, target 2027, as of 2025-12-31: elapsed = 2024 (366 days) + 2025 (365) = 731 of
366 + 365 + 365 + 365 = 1461 days. A 40 % cut of 100 handling complaints: goal 60, expected by
now 100 - 40 x 731 / 1461 = 100 - 20.0137 = 79.9863. So 79 is just met and 80 just missed.

The fastholdelsesprocent raised to the level 80 from 70 in 2024 by 2026, as of 2025-12-31:
elapsed 365 of 730 days = 0.5, expected 75: 75.0 is met (on the line), 74.9 is not.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sagstid.measure.goals import (
    FIGURE_COLUMNS,
    GOAL_COLUMNS,
    Goal,
    elapsed_share,
    evaluate_goals,
    yearly_complaint_figures,
)

YEAR_END = dt.date(2025, 12, 31)
MID_YEAR = dt.date(2025, 6, 30)  # day 181 of 365


def figures(rows):
    """rows: (measure, unit_code, year, value, complete, projected)."""
    return pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))


def one(goal, rows, as_of=YEAR_END):
    table = evaluate_goals([goal], figures(rows), as_of)
    assert list(table.columns) == list(GOAL_COLUMNS)
    return table.iloc[0]


CUT = Goal("handling_complaints", baseline_year=2023, target_year=2027, reduction=0.4)
EXPECTED_CUT = 100 - 40 * 731 / 1461


def test_elapsed_share():
    assert elapsed_share(2023, 2027, YEAR_END) == pytest.approx(731 / 1461)
    assert elapsed_share(2023, 2027, dt.date(2023, 12, 31)) == 0.0
    assert elapsed_share(2023, 2027, dt.date(2023, 6, 1)) == 0.0  # before: clipped
    assert elapsed_share(2023, 2027, dt.date(2029, 1, 1)) == 1.0  # after: clipped


@pytest.mark.parametrize("count, status", [(79, "met"), (80, "not_met")])
def test_reduction_goal_just_met_and_just_missed(count, status):
    row = one(
        CUT,
        [
            ("handling_complaints", None, 2023, 100.0, True, 100.0),
            ("handling_complaints", None, 2025, float(count), True, float(count)),
        ],
    )
    assert row["baseline"] == 100.0
    assert row["goal"] == pytest.approx(60.0)
    assert row["expected"] == pytest.approx(EXPECTED_CUT)
    assert 79 < row["expected"] < 80
    assert row["current"] == count
    assert row["status"] == status


@pytest.mark.parametrize("share, status", [(75.0, "met"), (74.9, "not_met")])
def test_level_goal_that_should_rise(share, status):
    goal = Goal("upheld_pct", baseline_year=2024, target_year=2026, level=80)
    row = one(
        goal, [("upheld_pct", None, 2024, 70.0, True, 70.0), ("upheld_pct", None, 2025, share, True, share)]
    )
    assert row["elapsed_share"] == pytest.approx(0.5)
    assert row["expected"] == pytest.approx(75.0)
    assert row["status"] == status


def test_part_year_uses_the_projected_count():
    # as of 2025-06-30: elapsed 366 + 181 = 547 of 1461 -> expected 100 - 40 x 547 / 1461 = 85.02;
    # 40 so far projects to 40 x 365 / 181 = 80.66 for the year: met
    row = one(
        CUT,
        [
            ("handling_complaints", None, 2023, 100.0, True, 100.0),
            ("handling_complaints", None, 2025, 40.0, False, 40 * 365 / 181),
        ],
        MID_YEAR,
    )
    assert row["expected"] == pytest.approx(100 - 40 * 547 / 1461)
    assert row["current"] == pytest.approx(80.66, abs=0.01)
    assert row["status"] == "met"


def test_unit_goals_and_missing_figures():
    rows = [
        ("handling_complaints", None, 2023, 100.0, True, 100.0),
        ("handling_complaints", "U1", 2023, 10.0, True, 10.0),
        ("handling_complaints", "U1", 2025, 8.0, True, 8.0),
        ("handling_medhold", None, 2023, 12.0, True, 12.0),
        ("upheld_pct", None, 2025, 70.0, False, 70.0),
    ]
    goals = [
        # U1: 10 -> goal 5; expected 10 - 5 x 731 / 1461 = 7.50; 8 > 7.50: not met
        Goal("handling_complaints", 2023, 2027, reduction=0.5, unit_code="U1"),
        Goal("handling_complaints", 2023, 2027, reduction=0.5, unit_code="U2"),  # no figures
        Goal("handling_medhold", 2023, 2025, reduction=0.5),  # baseline, but no 2025 figure
        Goal("upheld_pct", 2025, 2026, level=80),  # baseline year not over
    ]
    table = evaluate_goals(goals, figures(rows), YEAR_END)
    assert list(table["status"]) == ["not_met", "no_baseline", "no_figure", "no_baseline"]
    assert table.iloc[0]["expected"] == pytest.approx(10 - 5 * 731 / 1461)
    assert table.iloc[2]["goal"] == pytest.approx(6.0) and table.iloc[2]["expected"] == pytest.approx(6.0)


def test_goal_checks():
    with pytest.raises(ValueError):
        Goal("handling_complaints", 2023, 2027)  # neither reduction nor level
    with pytest.raises(ValueError):
        Goal("handling_complaints", 2023, 2027, reduction=0.4, level=60)
    with pytest.raises(ValueError):
        Goal("upheld_pct", 2023, 2027, reduction=0.1)  # should rise: a level only
    with pytest.raises(ValueError):
        Goal("handling_complaints", 2025, 2025, reduction=0.4)
    with pytest.raises(ValueError):
        Goal("complaints_everywhere", 2023, 2027, level=1)
    assert (
        Goal.from_dict(
            {"measure": "handling_complaints", "baseline_year": 2023, "target_year": 2027, "reduction": 0.4}
        )
        == CUT
    )


# Complaint rows for yearly_complaint_figures, as of 2025-06-30, units U1 and U2:
#  id unit kind     received    answered    outcome  receipt_reason
#   1 U1   handling 2024-03-01  2024-03-20  full     -             handling 2024; medhold 2024
#   2 U1   handling 2024-12-20  2025-01-10  partial  -             handling 2024; medhold 2025
#   3 U2   handling 2024-05-05  2024-05-25  upheld   -             handling 2024
#   4 U1   handling 2025-02-01  -           -        -             handling 2025
#   5 U1   handling 2025-07-01  -           -        -             received after E: nothing
#   6 U2   handling 2025-03-01  -           -        duplicate_id  not countable: nothing
#   7 U1   decision 2024-01-10  2024-02-01  upheld   -             judged 2024, upheld
#   8 U1   decision 2024-06-01  2024-06-20  full     -             judged 2024
#   9 U2   decision 2024-08-01  2024-08-15  rejected -             not judged
#  10 U2   decision 2025-01-05  2025-02-01  upheld   -             judged 2025, upheld
#  11 U1   decision 2025-03-01  2025-07-15  upheld   -             answered after E: not judged
#  12 U2   decision 2023-11-01  2024-01-05  partial  -             judged 2024 (answer year);
#                                                                  makes 2023 a year with data
COMPLAINTS = [
    (1, "U1", "handling", "2024-03-01", "2024-03-20", "full", None),
    (2, "U1", "handling", "2024-12-20", "2025-01-10", "partial", None),
    (3, "U2", "handling", "2024-05-05", "2024-05-25", "upheld", None),
    (4, "U1", "handling", "2025-02-01", None, None, None),
    (5, "U1", "handling", "2025-07-01", None, None, None),
    (6, "U2", "handling", "2025-03-01", None, None, "duplicate_id"),
    (7, "U1", "decision", "2024-01-10", "2024-02-01", "upheld", None),
    (8, "U1", "decision", "2024-06-01", "2024-06-20", "full", None),
    (9, "U2", "decision", "2024-08-01", "2024-08-15", "rejected", None),
    (10, "U2", "decision", "2025-01-05", "2025-02-01", "upheld", None),
    (11, "U1", "decision", "2025-03-01", "2025-07-15", "upheld", None),
    (12, "U2", "decision", "2023-11-01", "2024-01-05", "partial", None),
]
# handling_complaints (by received year): total 2023 0, 2024 3 (1, 2, 3), 2025 1 (4);
#   U1 0, 2 (1, 2), 1 (4); U2 0, 1 (3), 0.
# handling_medhold (full/partial handling, by answer year): total 0, 1 (1), 1 (2); U1 0, 1, 1;
#   U2 0, 0, 0.
# upheld_pct (decision complaints judged, by answer year): 2024 total 7, 8, 12 -> 1/3;
#   U1 7, 8 -> 50; U2 12 -> 0. 2025: 10 -> total 100, U2 100; U1 none (11 after E) -> no row.
# 2025 is not complete: counts are projected by 365 / 181; shares are not.
FIGURES = {
    ("handling_complaints", None): [0, 3, 1],
    ("handling_complaints", "U1"): [0, 2, 1],
    ("handling_complaints", "U2"): [0, 1, 0],
    ("handling_medhold", None): [0, 1, 1],
    ("handling_medhold", "U1"): [0, 1, 1],
    ("handling_medhold", "U2"): [0, 0, 0],
}


def test_yearly_complaint_figures():
    rows = pd.DataFrame(
        COMPLAINTS,
        columns=[
            "complaint_id",
            "unit_code",
            "complaint_kind",
            "received_date",
            "answered_date",
            "outcome",
            "receipt_reason",
        ],
    )
    for column in ("received_date", "answered_date"):
        rows[column] = pd.to_datetime(rows[column]).astype("datetime64[s]")
    table = yearly_complaint_figures(rows, ["U1", "U2"], MID_YEAR)
    assert list(table.columns) == list(FIGURE_COLUMNS)
    got = {}
    for (measure, unit), part in table.groupby(["measure", table["unit_code"].fillna("-")]):
        got[(measure, None if unit == "-" else unit)] = part.sort_values("year")
    for key, values in FIGURES.items():
        part = got[key]
        assert list(part["year"]) == [2023, 2024, 2025], key
        assert list(part["value"]) == values, key
        assert list(part["complete"]) == [True, True, False], key
        assert list(part["projected"])[2] == pytest.approx(values[2] * 365 / 181), key
    upheld = {
        unit: dict(zip(part["year"], part["value"], strict=False))
        for (measure, unit), part in got.items()
        if measure == "upheld_pct"
    }
    assert upheld[None] == pytest.approx({2024: 100 / 3, 2025: 100.0})
    assert upheld["U1"] == pytest.approx({2024: 50.0})
    assert upheld["U2"] == pytest.approx({2024: 0.0, 2025: 100.0})
    share_2025 = table[(table["measure"] == "upheld_pct") & (table["year"] == 2025)]
    assert list(share_2025["projected"]) == [100.0, 100.0]  # a share is not projected
    # and the goals read these figures: U1 handling 2024 = 2, halve by 2026; as of 2025-06-30
    # elapsed 181 of 730 days, expected 2 - 1 x 181 / 730 = 1.752; current 365 / 181 = 2.017
    row = evaluate_goals(
        [Goal("handling_complaints", 2024, 2026, reduction=0.5, unit_code="U1")], table, MID_YEAR
    ).iloc[0]
    assert row["expected"] == pytest.approx(2 - 181 / 730)
    assert row["current"] == pytest.approx(365 / 181)
    assert row["status"] == "not_met"
