"""The expected wait per case area (sagstid/measure/expected_wait.py), worked by hand.

A = 2025-06-30, window 6 months: A - 6 months = 2024-12-30, so decisions decided from
2024-12-31 to 2025-06-30 count; days in the window = 1 (Dec 31) + 31 + 28 + 31 + 30 + 31 + 30
= 182. Minimum count 5 here.

Area A, 6 decisions in the window (just above the minimum), days 3, 10, 7, 30, 12, 5 (one of
them decided on 2024-12-31, the window's first day); two outside it that would change every
figure if counted: decided 2024-12-30 (1000 days) and 2025-07-01 (500 days).
  sorted 3, 5, 7, 10, 12, 30. share 0.9: k = ceil(5.4) = 6 -> 30; 0.8: k = ceil(4.8) = 5 -> 12;
  0.5: k = 3 -> 7 (an interpolated median would be 8.5).
  open backlog 3: 3 / (6 / 182) = 91 days.
Area B, 4 decisions (just below): no figure, though it has 2 open cases.
Area C, 5 decisions (exactly the minimum), days 1, 2, 3, 4, 100: 0.9: k = ceil(4.5) = 5 -> 100;
  0.8: k = 4 -> 4. No open case: projected 0 days.
Area D, 20 decisions, days 1..20: k = ceil(0.9 * 20) = 18 -> 18 days. 7 open: 7 * 182 / 20 = 63.7 -> 64 days.
Area E: no recent decision, 1 open case: decisions 0, no figure.
Area F: published (``areas``) with neither: a row with zeros and no figure.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sagstid.measure.expected_wait import (
    WAIT_COLUMNS,
    expected_wait,
    order_k,
    window_start,
)

AS_OF = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)


def decision(area, decided, days):
    decided = dt.date.fromisoformat(decided)
    return (area, decided - days * DAY, decided)


DECIDED = (
    [
        decision("A", "2024-12-31", 3),
        decision("A", "2025-02-14", 10),
        decision("A", "2025-03-03", 7),
        decision("A", "2025-04-30", 30),
        decision("A", "2025-06-30", 12),
        decision("A", "2025-05-20", 5),
        decision("A", "2024-12-30", 1000),
        decision("A", "2025-07-01", 500),
    ]
    + [decision("B", "2025-03-01", d) for d in (1, 2, 3, 4)]
    + [decision("C", "2025-04-01", d) for d in (100, 4, 3, 2, 1)]
    + [decision("D", "2025-06-01", d) for d in range(20, 0, -1)]
)
OPEN = ["A", "A", "A", "B", "B", "D", "D", "D", "D", "D", "D", "D", "E"]


def frames():
    decided = pd.DataFrame(DECIDED, columns=["case_area_code", "received_date", "decided_date"])
    for column in ("received_date", "decided_date"):
        decided[column] = pd.to_datetime(decided[column]).astype("datetime64[s]")
    decided["case_area_code"] = decided["case_area_code"].astype("category")
    return decided, pd.DataFrame({"case_area_code": pd.Categorical(OPEN)})


def run(**options):
    decided, open_cases = frames()
    return expected_wait(decided, open_cases, AS_OF, min_count=5, areas=["F"], **options).set_index(
        "case_area_code"
    )


def test_window():
    assert window_start(AS_OF, 6) == dt.date(2024, 12, 30)
    assert window_start(dt.date(2025, 8, 31), 6) == dt.date(2025, 2, 28)  # no 31 February
    assert window_start(dt.date(2024, 8, 31), 6) == dt.date(2024, 2, 29)
    assert window_start(dt.date(2025, 3, 15), 3) == dt.date(2024, 12, 15)


def test_order_k_is_exact():
    assert 0.55 * 100 > 55  # floating point: a plain ceil would give k = 56
    assert list(order_k(0.55, np.array([100]))) == [55]
    # 0.9: 20 -> 18; 6 -> ceil(5.4) = 6; 5 -> ceil(4.5) = 5; 1 -> ceil(0.9) = 1; 0 -> 0
    assert list(order_k(0.9, np.array([20, 6, 5, 1, 0]))) == [18, 6, 5, 1, 0]
    assert list(order_k(0.8, np.array([6, 5, 10]))) == [5, 4, 8]
    with pytest.raises(ValueError):
        order_k(0.0, np.array([1]))


def test_areas_above_at_and_below_the_minimum():
    table = run()
    assert list(table.columns) == list(WAIT_COLUMNS[1:])
    assert list(table.index) == ["A", "B", "C", "D", "E", "F"]
    assert list(table["decisions"]) == [6, 4, 5, 20, 0, 0]
    assert list(table["enough"]) == [True, False, True, True, False, False]
    assert list(table["open"]) == [3, 2, 0, 7, 1, 0]
    assert table.loc["A", "days_within"] == 30.0
    assert table.loc["C", "days_within"] == 100.0
    assert table.loc["D", "days_within"] == 18.0
    assert table.loc["A", "projected_days"] == 91.0
    assert table.loc["C", "projected_days"] == 0.0
    assert table.loc["D", "projected_days"] == 64.0
    assert table.loc["A", "daily_decisions"] == pytest.approx(6 / 182)
    for area in ("B", "E", "F"):  # "for få sager": no figure at all
        assert math.isnan(table.loc[area, "days_within"])
        assert math.isnan(table.loc[area, "projected_days"])


def test_share_is_configurable_without_interpolation():
    table = run(share=0.8)
    assert (table.loc["A", "days_within"], table.loc["C", "days_within"]) == (12.0, 4.0)
    assert run(share=0.5).loc["A", "days_within"] == 7.0


def test_minimum_count_moves_the_line():
    decided, open_cases = frames()
    table = expected_wait(decided, open_cases, AS_OF, min_count=6).set_index("case_area_code")
    assert list(table["enough"]) == [True, False, False, True, False]  # C (5) now below
    assert math.isnan(table.loc["C", "days_within"])
    assert table.loc["A", "days_within"] == 30.0


def test_against_sorting_each_area_by_hand_on_random_data():
    """An independent method: per area, sort the processing times and take the k-th, with k
    from exact fractions (no numpy)."""
    import random
    from fractions import Fraction

    rng = random.Random(14)
    rows = []
    for _ in range(600):
        area = rng.choice("PQRS")
        decided = AS_OF - rng.randrange(0, 240) * DAY
        rows.append((area, decided - rng.randrange(0, 90) * DAY, decided))
    decided = pd.DataFrame(rows, columns=["case_area_code", "received_date", "decided_date"])
    for column in ("received_date", "decided_date"):
        decided[column] = pd.to_datetime(decided[column]).astype("datetime64[s]")
    open_cases = pd.DataFrame({"case_area_code": [rng.choice("PQRS") for _ in range(50)]})
    begin = dt.date(2024, 12, 30)
    for share in (0.9, 0.8, 0.55):
        table = expected_wait(decided, open_cases, AS_OF, share=share, min_count=5).set_index(
            "case_area_code"
        )
        for area in "PQRS":
            days = sorted((d - r).days for a, r, d in rows if a == area and begin < d <= AS_OF)
            k = math.ceil(Fraction(str(share)) * len(days))
            assert table.loc[area, "decisions"] == len(days)
            assert table.loc[area, "days_within"] == days[k - 1], (share, area)
            backlog = sum(a == area for a in open_cases["case_area_code"])
            assert table.loc[area, "projected_days"] == math.ceil(Fraction(backlog * 182, len(days)))


@pytest.mark.parametrize("share", [0.5, 0.9, 1.0])
def test_kth_shortest_as_sorting_each_area_in_python(share: float) -> None:
    # random decisions in areas given as text, one without an area (in no area): each area's
    # figure is the k-th shortest of its days, worked out here by sorting each area's list
    rng = np.random.default_rng(11)
    rows = 4000
    decided_day = np.datetime64("2025-01-01") + rng.integers(-30, 200, rows).astype("timedelta64[D]")
    days = rng.integers(0, 90, rows)
    areas = rng.choice(["B", "A", "C", "D"], rows, p=[0.5, 0.3, 0.199, 0.001]).astype(object)
    areas[7] = None
    decided = pd.DataFrame(
        {
            "case_area_code": pd.Series(areas, dtype="str"),
            "received_date": (decided_day - days.astype("timedelta64[D]")).astype("datetime64[s]"),
            "decided_date": decided_day.astype("datetime64[s]"),
        }
    )
    table = expected_wait(decided, pd.DataFrame({"case_area_code": ["A"]}), AS_OF, share=share, min_count=1)
    begin = np.datetime64(window_start(AS_OF, 6))
    inside = (decided_day > begin) & (decided_day <= np.datetime64(AS_OF))
    for area in ("A", "B", "C", "D"):
        own = sorted(int(d) for d, a, i in zip(days, areas, inside, strict=True) if a == area and i)
        row = table.set_index("case_area_code").loc[area]
        assert row["decisions"] == len(own)
        assert row["days_within"] == own[math.ceil(round(share * len(own), 9)) - 1]
    assert table["decisions"].sum() == int(inside.sum()) - int(inside[7])  # the one without an area
