"""The promised date (sagstid/measure/promised.py), worked by hand.

 id unit area exceeded notified-in-time promised      decided     counts as
  1 U1   A    yes      yes              (none)        2025-05-20  missing
  2 U1   A    yes      yes              2025-05-10    2025-05-10  kept (decided on the day)
  3 U1   B    yes      yes              2025-05-10    2025-05-11  missed (one day after)
  4 U2   A    yes      yes              '2025-02-30'  2025-05-05  unreadable
  5 U2   A    yes      no               2025-05-01    2025-05-09  outside (not notified in time)
  6 U2   B    no       no               '10/05/2025'  2025-05-02  outside (within), unreadable
  7 U2   B    yes      yes              2025-06-01    2025-05-20  kept

Total: notified 1, 2, 3, 4, 7 = 5; promised (readable) 2, 3, 7 = 3; unreadable 4 = 1;
missing 1 = 1 (5 - 3 - 1); promised_pct 3/5 = 60; kept 2, 7 = 2; missed 3 = 1;
kept_pct 2/3.
U1: notified 3; promised 2 (2, 3); unreadable 0; missing 1; 2/3; kept 1 (2); missed 1; 50.
U2: notified 2 (4, 7); promised 1 (7); unreadable 1 (4); missing 0; 50; kept 1; missed 0; 100.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sagstid.measure.lateness import lateness
from sagstid.measure.promised import PROMISED_METRICS, promised, promised_groupings
from sagstid.schema import DECISION_DATE_COLUMNS, REQUIRED_COLUMNS

ROWS = [
    (1, "U1", "A", True, True, None, "2025-05-20", 3),
    (2, "U1", "A", True, True, "2025-05-10", "2025-05-10", 5),
    (3, "U1", "B", True, True, "2025-05-10", "2025-05-11", 6),
    (4, "U2", "A", True, True, "2025-02-30", "2025-05-05", 30),
    (5, "U2", "A", True, False, "2025-05-01", "2025-05-09", 2),
    (6, "U2", "B", False, False, "10/05/2025", "2025-05-02", 0),
    (7, "U2", "B", True, True, "2025-06-01", "2025-05-20", 9),
]


def cases(rows=ROWS):
    frame = pd.DataFrame(
        rows,
        columns=[
            "decision_id",
            "unit_code",
            "case_area_code",
            "exceeded",
            "exceeded_notified",
            "promised_date",
            "decided_date",
            "days_over",
        ],
    )
    frame["decided_date"] = pd.to_datetime(frame["decided_date"]).astype("datetime64[s]")
    return frame


def figures(row):
    return {name: row[name] for name in PROMISED_METRICS}


def check(got, expected):
    for name, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(got[name]), name
        else:
            assert got[name] == pytest.approx(value, rel=1e-12), (name, got[name], value)


def test_total_missing_kept_missed_unreadable():
    check(
        figures(promised(cases(), []).iloc[0]),
        {
            "notified": 5,
            "promised": 3,
            "promised_unreadable": 1,
            "promised_missing": 1,
            "promised_pct": 60.0,
            "kept": 2,
            "missed": 1,
            "kept_pct": 200.0 / 3.0,
        },
    )


def test_by_unit():
    table = promised(cases(), ["unit_code"]).set_index("unit_code")
    check(
        table.loc["U1"],
        {
            "notified": 3,
            "promised": 2,
            "promised_unreadable": 0,
            "promised_missing": 1,
            "promised_pct": 200.0 / 3.0,
            "kept": 1,
            "missed": 1,
            "kept_pct": 50.0,
        },
    )
    check(
        table.loc["U2"],
        {
            "notified": 2,
            "promised": 1,
            "promised_unreadable": 1,
            "promised_missing": 0,
            "promised_pct": 50.0,
            "kept": 1,
            "missed": 0,
            "kept_pct": 100.0,
        },
    )


def test_unreadable_promised_date_removes_the_decision_from_nothing():
    # rows 4 and 6 have unreadable promised dates; every other figure still counts them
    assert lateness(cases(), []).iloc[0]["decisions"] == 7
    assert lateness(cases(), []).iloc[0]["exceeded"] == 6
    # validation excludes rows with an unreadable date in DECISION_DATE_COLUMNS and the schema
    # check requires REQUIRED_COLUMNS: the optional promised date must be in neither
    assert "promised_date" not in DECISION_DATE_COLUMNS
    assert "promised_date" not in REQUIRED_COLUMNS["decisions"]


def test_without_the_column_and_without_promises():
    # a database without decisions.promised_date: every notified decision is "missing"
    row = promised(cases().drop(columns="promised_date"), []).iloc[0]
    check(
        figures(row),
        {
            "notified": 5,
            "promised": 0,
            "promised_unreadable": 0,
            "promised_missing": 5,
            "promised_pct": 0.0,
            "kept": 0,
            "missed": 0,
            "kept_pct": float("nan"),
        },
    )
    # U1/B has one notified decision, row 3; U2/A has row 4 (unreadable) and row 5 (not notified)
    by = promised_groupings(cases())["by_unit_area"].set_index(["unit_code", "case_area_code"])
    assert (by.loc[("U2", "A"), "notified"], by.loc[("U2", "A"), "promised_unreadable"]) == (1, 1)
    assert math.isnan(by.loc[("U2", "A"), "kept_pct"])
    nobody = promised(cases([ROWS[5]]), []).iloc[0]  # only a within decision
    assert nobody["notified"] == 0 and math.isnan(nobody["promised_pct"])


def test_sql_dates_are_read_too():
    frame = cases()
    frame["promised_date"] = pd.to_datetime(
        frame["promised_date"], format="%Y-%m-%d", errors="coerce"
    )  # 4, 6 -> NaT
    row = promised(frame, []).iloc[0]
    # as SQL DATE values the two unreadable texts arrive as NULL: missing, not unreadable
    check(
        figures(row),
        {
            "notified": 5,
            "promised": 3,
            "promised_unreadable": 0,
            "promised_missing": 2,
            "kept": 2,
            "missed": 1,
        },
    )
