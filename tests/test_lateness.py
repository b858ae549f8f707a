"""How late (sagstid/measure/lateness.py), worked by hand.

 id unit area exceeded days_over  band (default bounds 1, 8, 22, 64)
  1 U1   A    no       0          - (within)
  2 U1   A    yes      1          1-7   (the first day over)
  3 U1   A    yes      7          1-7   (upper edge)
  4 U1   B    yes      8          8-21  (lower edge)
  5 U2   A    yes      21         8-21  (exactly three weeks: not "more than three weeks")
  6 U2   A    yes      22         22-63 (the first day more than three weeks late)
  7 U2   B    yes      63         22-63
  8 U2   B    yes      64         64+
  9 U2   B    yes      0          unbanded (measured at the sent date, decided in time, never sent)
 10 U2   B    no       0          -

Total: decisions 10, exceeded 8 (2-9); 1-7: 2, 3 = 2; 8-21: 4, 5 = 2; 22-63: 6, 7 = 2;
64+: 8 = 1; unbanded: 9 = 1 (2 + 2 + 2 + 1 + 1 = 8). Very late (> 21): 6, 7, 8 = 3:
3/10 = 30 % of decisions, 3/8 = 37.5 % of exceeded.
U1: decisions 4, exceeded 3; 1-7: 2; 8-21: 1; others 0; very late 0 -> 0 % and 0 %.
U2: decisions 6, exceeded 5; 8-21: 1 (5); 22-63: 2; 64+: 1; unbanded 1; very late 3 -> 50 %, 60 %.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sagstid.measure.lateness import (
    band_labels,
    band_names,
    check_bands,
    lateness,
    lateness_columns,
    lateness_groupings,
)

ROWS = [
    (1, "U1", "A", False, 0),
    (2, "U1", "A", True, 1),
    (3, "U1", "A", True, 7),
    (4, "U1", "B", True, 8),
    (5, "U2", "A", True, 21),
    (6, "U2", "A", True, 22),
    (7, "U2", "B", True, 63),
    (8, "U2", "B", True, 64),
    (9, "U2", "B", True, 0),
    (10, "U2", "B", False, 0),
]


def cases(rows=ROWS):
    frame = pd.DataFrame(
        rows, columns=["decision_id", "unit_code", "case_area_code", "exceeded", "days_over"]
    )
    frame["unit_code"] = frame["unit_code"].astype("category")
    return frame


def test_band_names_and_labels():
    assert band_names((1, 8, 22, 64)) == ["late_1_7", "late_8_21", "late_22_63", "late_64_plus"]
    assert band_labels((1, 8, 22, 64)) == ["1-7", "8-21", "22-63", "64+"]
    assert band_labels((1, 2, 10)) == ["1", "2-9", "10+"]
    for bad in ((0, 8), (8, 8), (8, 1), (), (1.5, 3)):
        with pytest.raises(ValueError):
            check_bands(bad)


def test_total_band_edges():
    row = lateness(cases(), []).iloc[0]
    assert {c: row[c] for c in lateness_columns()[:-2]} == {
        "decisions": 10,
        "exceeded": 8,
        "late_1_7": 2,
        "late_8_21": 2,
        "late_22_63": 2,
        "late_64_plus": 1,
        "late_unbanded": 1,
        "very_late": 3,
    }
    assert row["very_late_pct"] == pytest.approx(30.0)
    assert row["very_late_of_exceeded_pct"] == pytest.approx(37.5)


def test_by_unit():
    table = lateness(cases(), ["unit_code"]).set_index("unit_code")
    assert list(
        table.loc[
            "U1",
            [
                "decisions",
                "exceeded",
                "late_1_7",
                "late_8_21",
                "late_22_63",
                "late_64_plus",
                "late_unbanded",
                "very_late",
            ],
        ]
    ) == [4, 3, 2, 1, 0, 0, 0, 0]
    assert list(
        table.loc[
            "U2",
            [
                "decisions",
                "exceeded",
                "late_1_7",
                "late_8_21",
                "late_22_63",
                "late_64_plus",
                "late_unbanded",
                "very_late",
            ],
        ]
    ) == [6, 5, 0, 1, 2, 1, 1, 3]
    assert table.loc["U1", "very_late_pct"] == 0.0
    assert table.loc["U1", "very_late_of_exceeded_pct"] == 0.0
    assert table.loc["U2", "very_late_pct"] == pytest.approx(50.0)
    assert table.loc["U2", "very_late_of_exceeded_pct"] == pytest.approx(60.0)


def test_configured_bands_and_no_exceeded():
    # bounds 1, 15: rows 2, 3, 4 (1, 7, 8 over) -> 1-14; rows 5-8 (21, 22, 63, 64) -> 15+
    # very late after 62 days: 63 and 64 -> 2
    row = lateness(cases(), [], bounds=[1, 15], very_late_after=62).iloc[0]
    assert (row["late_1_14"], row["late_15_plus"], row["late_unbanded"]) == (3, 4, 1)
    assert row["very_late"] == 2
    within = lateness(cases([ROWS[0]]), []).iloc[0]
    assert within["exceeded"] == 0 and within["very_late_pct"] == 0.0
    assert math.isnan(within["very_late_of_exceeded_pct"])  # undefined, not 0


def test_groupings():
    tables = lateness_groupings(cases())
    by_unit_area = tables["by_unit_area"].set_index(["unit_code", "case_area_code"])
    # U2/B: rows 7, 8, 9, 10 -> exceeded 7, 8, 9; 22-63: 7; 64+: 8; unbanded: 9
    assert list(
        by_unit_area.loc[
            ("U2", "B"), ["decisions", "exceeded", "late_22_63", "late_64_plus", "late_unbanded"]
        ]
    ) == [4, 3, 1, 1, 1]
    assert int(tables["by_area"]["exceeded"].sum()) == 8
    assert lateness(cases([]), ["unit_code"]).empty


def test_against_plain_python_on_random_data():
    """An independent method: each decision's band by a chain of comparisons."""
    import random

    rng = random.Random(14)
    rows = [
        (i, rng.choice(["U1", "U2"]), "A", over > 0, over)
        for i, over in enumerate(rng.choice([0, 0, 0, *range(1, 100)]) for _ in range(500))
    ]
    got = lateness(cases(rows), ["unit_code"]).set_index("unit_code")
    for unit in ("U1", "U2"):
        overs = [over for _, u, _, late, over in rows if u == unit and late]
        expected = {
            "late_1_7": sum(1 <= d <= 7 for d in overs),
            "late_8_21": sum(8 <= d <= 21 for d in overs),
            "late_22_63": sum(22 <= d <= 63 for d in overs),
            "late_64_plus": sum(d >= 64 for d in overs),
            "very_late": sum(d > 21 for d in overs),
            "exceeded": len(overs),
        }
        assert {name: got.loc[unit, name] for name in expected} == expected
