"""Flow and backlog per month (sagstid/measure/flow.py), worked by hand.

Period 2025-02-01..2025-04-15, so the months are February (ends 02-28), March (03-31) and April,
cut at the period's last day (ends 04-15).

 id unit area received    decided     deadline
  1 U1   A    2025-01-20  2025-02-10  2025-01-30  received before the period, decided in Feb
  2 U1   A    2025-01-25  (open)      2025-02-04  open at every month's end, always overdue
  3 U1   A    2025-02-28  2025-03-01  2025-03-10  received on Feb's last day: open at Feb's end
  4 U1   B    2025-03-31  2025-03-31  2025-04-10  decided on March's last day: not open then
  5 U2   A    2025-04-15  (open)      2025-04-25  received on the period's last day
  6 U2   A    2025-04-16  2025-04-20  2025-04-26  received after the period: in no figure
  7 U2   B    2025-02-01  2025-04-16  2025-03-01  decided the day after the period ends
  8 U2   B    2024-12-01  2025-01-31  2024-12-11  decided before the period: in no figure
  9 U1   A    2025-03-05  2025-04-01  2025-03-15  open at March's end, decided in April

Ages (month end - received, calendar days): row 2: 02-28 -> 34 (31 Jan 25..Feb 25, +3),
03-31 -> 65 (34 + 31), 04-15 -> 80; row 3: 02-28 -> 0; row 5: 04-15 -> 0; row 7: 02-28 -> 27,
03-31 -> 58 (28 + 30), 04-15 -> 73; row 9: 03-31 -> 26.

Total:
 Feb: received 3, 7 = 2; decided 1 = 1; clearance 50; open 2 (34), 3 (0), 7 (27) = 3,
      median 27, mean 61/3; overdue: 2 (02-04 < 02-28) = 1 (row 7's 03-01 is not < 02-28).
 Mar: received 4, 9 = 2; decided 3, 4 = 2; clearance 100; open 2 (65), 7 (58), 9 (26) = 3,
      median 58, mean 149/3; overdue all three (02-04, 03-01, 03-15 < 03-31) = 3.
 Apr: received 5 = 1 (6 is after 04-15); decided 9 = 1 (6, 7 after 04-15); clearance 100;
      open 2 (80), 5 (0), 7 (73) = 3, median 73, mean 51; overdue 2 and 7 = 2.
U1:
 Feb: received 3; decided 1; clearance 100; open 2 (34), 3 (0): median = mean = 17; overdue 1.
 Mar: received 4, 9; decided 3, 4; clearance 100; open 2 (65), 9 (26): 45.5 both; overdue 2.
 Apr: received none -> clearance NaN (not infinite) though 9 is decided; open 2 (80); overdue 1.
U2:
 Feb: received 7; decided none -> clearance 0; open 7 (27); overdue 0.
 Mar: received none and decided none -> clearance NaN; open 7 (58); overdue 1.
 Apr: received 5; decided none (7 on 04-16) -> 0; open 5 (0), 7 (73): 36.5 both; overdue 1.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from sagstid.measure.flow import FLOW_METRICS, flow, flow_by_month, month_ends

ROWS = [
    (1, "U1", "A", "2025-01-20", "2025-02-10", "2025-01-30"),
    (2, "U1", "A", "2025-01-25", None, "2025-02-04"),
    (3, "U1", "A", "2025-02-28", "2025-03-01", "2025-03-10"),
    (4, "U1", "B", "2025-03-31", "2025-03-31", "2025-04-10"),
    (5, "U2", "A", "2025-04-15", None, "2025-04-25"),
    (6, "U2", "A", "2025-04-16", "2025-04-20", "2025-04-26"),
    (7, "U2", "B", "2025-02-01", "2025-04-16", "2025-03-01"),
    (8, "U2", "B", "2024-12-01", "2025-01-31", "2024-12-11"),
    (9, "U1", "A", "2025-03-05", "2025-04-01", "2025-03-15"),
]
START, END = dt.date(2025, 2, 1), dt.date(2025, 4, 15)
NAN = float("nan")

TOTAL = {
    "2025-02": {
        "received": 2,
        "decided": 1,
        "clearance_pct": 50.0,
        "open": 3,
        "open_median_days": 27.0,
        "open_mean_days": 61 / 3,
        "open_overdue": 1,
    },
    "2025-03": {
        "received": 2,
        "decided": 2,
        "clearance_pct": 100.0,
        "open": 3,
        "open_median_days": 58.0,
        "open_mean_days": 149 / 3,
        "open_overdue": 3,
    },
    "2025-04": {
        "received": 1,
        "decided": 1,
        "clearance_pct": 100.0,
        "open": 3,
        "open_median_days": 73.0,
        "open_mean_days": 51.0,
        "open_overdue": 2,
    },
}
BY_UNIT = {
    ("U1", "2025-02"): {
        "received": 1,
        "decided": 1,
        "clearance_pct": 100.0,
        "open": 2,
        "open_median_days": 17.0,
        "open_mean_days": 17.0,
        "open_overdue": 1,
    },
    ("U1", "2025-03"): {
        "received": 2,
        "decided": 2,
        "clearance_pct": 100.0,
        "open": 2,
        "open_median_days": 45.5,
        "open_mean_days": 45.5,
        "open_overdue": 2,
    },
    ("U1", "2025-04"): {
        "received": 0,
        "decided": 1,
        "clearance_pct": NAN,
        "open": 1,
        "open_median_days": 80.0,
        "open_mean_days": 80.0,
        "open_overdue": 1,
    },
    ("U2", "2025-02"): {
        "received": 1,
        "decided": 0,
        "clearance_pct": 0.0,
        "open": 1,
        "open_median_days": 27.0,
        "open_mean_days": 27.0,
        "open_overdue": 0,
    },
    ("U2", "2025-03"): {
        "received": 0,
        "decided": 0,
        "clearance_pct": NAN,
        "open": 1,
        "open_median_days": 58.0,
        "open_mean_days": 58.0,
        "open_overdue": 1,
    },
    ("U2", "2025-04"): {
        "received": 1,
        "decided": 0,
        "clearance_pct": 0.0,
        "open": 2,
        "open_median_days": 36.5,
        "open_mean_days": 36.5,
        "open_overdue": 1,
    },
}


def cases(rows=ROWS):
    frame = pd.DataFrame(
        rows,
        columns=[
            "decision_id",
            "unit_code",
            "case_area_code",
            "received_date",
            "decided_date",
            "deadline_date",
        ],
    )
    for column in ("received_date", "decided_date", "deadline_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    for column in ("unit_code", "case_area_code"):  # as validation leaves them
        frame[column] = frame[column].astype("category")
    return frame


def assert_figures(row, expected, where):
    for name, value in expected.items():
        got = row[name]
        if isinstance(value, float) and math.isnan(value):
            assert math.isnan(got), (where, name, got)
        else:
            assert got == pytest.approx(value, rel=1e-12), (where, name, got, value)


def test_month_ends_cut_at_the_period_end():
    assert [(m, str(a), str(b)) for m, a, b in month_ends(START, END)] == [
        ("2025-02", "2025-02-01", "2025-02-28"),
        ("2025-03", "2025-03-01", "2025-03-31"),
        ("2025-04", "2025-04-01", "2025-04-15"),
    ]
    # a period starting mid-month still measures that whole calendar month's receipts
    assert [str(a) for _, a, _ in month_ends(dt.date(2024, 2, 10), dt.date(2024, 2, 29))] == ["2024-02-01"]


def test_total_backlog_around_the_period_edges():
    table = flow_by_month(cases(), START, END, [])
    assert list(table["month"]) == ["2025-02", "2025-03", "2025-04"]
    assert [str(d.date()) for d in table["month_end"]] == ["2025-02-28", "2025-03-31", "2025-04-15"]
    for _, row in table.iterrows():
        assert_figures(row, TOTAL[row["month"]], row["month"])
    for column in ("received", "decided", "open", "open_overdue"):
        assert table[column].dtype == np.int64


def test_by_unit_with_months_without_receipts():
    table = flow_by_month(cases(), START, END, ["unit_code"])
    assert list(zip(table["unit_code"], table["month"], strict=False)) == list(BY_UNIT)
    for _, row in table.iterrows():
        assert_figures(row, BY_UNIT[(row["unit_code"], row["month"])], (row["unit_code"], row["month"]))


def test_unit_area_groups_and_all_groupings():
    tables = flow(cases(), START, END)
    assert set(tables) == {"total", "by_unit", "by_area", "by_unit_area"}
    unit_area = tables["by_unit_area"].set_index(["unit_code", "case_area_code", "month"])
    # U2/B holds rows 7 and 8 only: row 7 open at every month's end, nothing received after Feb
    assert list(unit_area.loc[("U2", "B"), "open"]) == [1, 1, 1]
    assert list(unit_area.loc[("U2", "B"), "received"]) == [1, 0, 0]
    # U1/B holds row 4 only: received and decided on 03-31, never open
    assert list(unit_area.loc[("U1", "B"), "open"]) == [0, 0, 0]
    assert list(unit_area.loc[("U1", "B"), "clearance_pct"])[1] == 100.0
    assert math.isnan(unit_area.loc[("U1", "B", "2025-02"), "open_median_days"])  # none open
    # the groupings add up: by area sums to the total, month by month
    by_area = tables["by_area"].groupby("month")[["received", "decided", "open", "open_overdue"]].sum()
    total = tables["total"].set_index("month")[["received", "decided", "open", "open_overdue"]]
    pd.testing.assert_frame_equal(by_area, total, check_names=False)
    assert list(tables["total"].columns) == ["month", "month_end", *FLOW_METRICS]


def test_unknown_deadline_is_open_but_not_overdue_and_empty_input():
    frame = cases(ROWS[1:2])  # row 2 alone
    frame["deadline_date"] = pd.NaT
    table = flow_by_month(frame, START, END, [])
    assert list(table["open"]) == [1, 1, 1]
    assert list(table["open_overdue"]) == [0, 0, 0]
    empty = flow_by_month(cases([]), START, END, ["unit_code"])
    assert empty.empty and list(empty.columns) == ["unit_code", "month", "month_end", *FLOW_METRICS]


def test_with_deadlines_from_the_catalogue():
    from sagstid.config import CalendarConfig, DeadlineCatalogue
    from sagstid.measure.flow import with_deadlines
    from sagstid.rules.deadlines import CatalogueArrays
    from sagstid.rules.workdays import WorkCalendar

    catalogue = CatalogueArrays.from_catalogue(
        DeadlineCatalogue.model_validate(
            {
                "deadlines": [
                    {
                        "area": "A",
                        "name": "Område A",
                        "value": 10,
                        "unit": "calendar_days",
                        "valid_from": "2020-01-01",
                    },
                    {
                        "area": "B",
                        "name": "Område B",
                        "value": 5,
                        "unit": "working_days",
                        "valid_from": "2020-01-01",
                    },
                ]
            }
        )
    )
    calendar = WorkCalendar(CalendarConfig(), range(2024, 2027))
    rows = cases(
        [
            (1, "U1", "A", "2025-01-25", None, None),  # 01-25 + 10 = 02-04
            # B, 5 working days strictly after Friday 2025-04-11: 14, 15, 16, (17, 18 Easter,
            # 21 2. påskedag), 22, 23 -> 04-23
            (2, "U1", "B", "2025-04-11", None, None),
            (3, "U1", "Z", "2025-04-11", None, None),  # no catalogue entry: NaT
        ]
    )
    got = with_deadlines(rows.drop(columns="deadline_date"), catalogue, calendar)["deadline_date"]
    assert [None if pd.isna(d) else str(d.date()) for d in got] == ["2025-02-04", "2025-04-23", None]


def test_groups_without_a_row_that_counts_are_left_out():
    # U3's only decision was decided before February (like row 8) and U4's was received after
    # the period (like row 6): neither counts in any month, so neither has rows
    extra = [
        (10, "U3", "A", "2024-11-01", "2025-01-15", "2024-11-11"),
        (11, "U4", "A", "2025-05-01", None, "2025-05-11"),
    ]
    table = flow_by_month(cases(ROWS + extra), START, END, ["unit_code"])
    assert sorted(set(table["unit_code"])) == ["U1", "U2"]
    assert table["received"].sum() == 5  # rows 3, 7, 4, 9, 5 as before


def day(value):
    return None if pd.isna(value) else value.date()


def test_against_a_case_by_case_count_on_random_data():
    """An independent method: each month's figures counted case by case in plain Python."""
    rng = np.random.default_rng(14)
    n = 400
    received = pd.Timestamp("2024-10-01") + pd.to_timedelta(rng.integers(0, 240, n), unit="D")
    took = rng.integers(0, 120, n)
    decided = received + pd.to_timedelta(took, unit="D")
    decided = decided.where(rng.random(n) > 0.1)  # a tenth still open
    deadline = received + pd.to_timedelta(rng.integers(5, 60, n), unit="D")
    frame = pd.DataFrame(
        {
            "unit_code": rng.choice(["U1", "U2", "U3"], n),
            "case_area_code": rng.choice(["A", "B"], n),
            "received_date": received.astype("datetime64[s]"),
            "decided_date": pd.Series(decided).astype("datetime64[s]"),
            "deadline_date": deadline.astype("datetime64[s]"),
        }
    )
    start, end = dt.date(2025, 1, 1), dt.date(2025, 4, 20)
    table = flow_by_month(frame, start, end, ["unit_code"]).set_index(["unit_code", "month"])
    records = frame.to_dict("records")
    for (unit, month), got in table.iterrows():
        first = dt.date.fromisoformat(month + "-01")
        last = got["month_end"].date()
        mine = [r for r in records if r["unit_code"] == unit]
        ages = [
            (last - day(r["received_date"])).days
            for r in mine
            if day(r["received_date"]) <= last
            and (day(r["decided_date"]) is None or day(r["decided_date"]) > last)
        ]
        overdue = [
            r
            for r in mine
            if day(r["received_date"]) <= last
            and (day(r["decided_date"]) is None or day(r["decided_date"]) > last)
            and day(r["deadline_date"]) < last
        ]
        received_n = sum(first <= day(r["received_date"]) <= last for r in mine)
        decided_n = sum(
            day(r["decided_date"]) is not None and first <= day(r["decided_date"]) <= last for r in mine
        )
        assert (got["received"], got["decided"], got["open"], got["open_overdue"]) == (
            received_n,
            decided_n,
            len(ages),
            len(overdue),
        ), (unit, month)
        assert got["open_median_days"] == pytest.approx(float(np.median(ages)))
        assert got["open_mean_days"] == pytest.approx(sum(ages) / len(ages))


def test_a_row_without_a_unit_is_a_group_of_its_own_after_the_units():
    # row 7 (U2/B) with its unit missing: its figures move from U2 to a group of their own,
    # labelled missing and sorted after every unit; as categorical and as plain text alike
    for as_text in (False, True):
        frame = cases()
        frame["unit_code"] = frame["unit_code"].astype(object)
        frame.loc[frame["decision_id"] == ROWS[6][0], "unit_code"] = None
        frame["unit_code"] = frame["unit_code"].astype("str" if as_text else "category")
        table = flow_by_month(frame, START, END, ["unit_code"])
        units = list(dict.fromkeys(table["unit_code"]))
        assert units[:-1] == ["U1", "U2"] and pd.isna(units[-1]), units
        missing = table[table["unit_code"].isna()]
        assert list(missing["open"]) == [1, 1, 1] and list(missing["received"]) == [1, 0, 0]
        whole = flow_by_month(cases(), START, END, ["unit_code"]).set_index(["unit_code", "month"])
        u2 = table[table["unit_code"] == "U2"].set_index(["unit_code", "month"])
        assert list(u2["open"]) == [o - 1 for o in whole.loc["U2", "open"]]


# --- every month's figures counted at once: the same as counting each month on its own ------------


def _month_by_month(frame: pd.DataFrame, start: dt.date, end: dt.date, keys: list[str]) -> pd.DataFrame:
    """flow_by_month worked out independently, the plain way: each month's masks, and pandas'
    grouped count, median and mean of the open rows' ages."""
    received, decided = frame["received_date"], frame["decided_date"]
    usable = (
        received.notna()
        & (received <= pd.Timestamp(end))
        & (decided.isna() | (decided >= pd.Timestamp(start.replace(day=1))))
    )
    rows = frame[usable].assign(**{k: frame[k].astype(object).fillna("~missing") for k in keys}, one=0)
    group = [*keys] if keys else ["one"]
    parts = []
    for label, first, stop in month_ends(start, end):
        first_day, stop_day = pd.Timestamp(first), pd.Timestamp(stop)
        r, d, due = rows["received_date"], rows["decided_date"], rows["deadline_date"]
        still_open = (r <= stop_day) & ~(d <= stop_day)
        month = rows.assign(
            received=(r >= first_day) & (r <= stop_day),
            decided=(d >= first_day) & (d <= stop_day),
            open=still_open,
            open_overdue=still_open & (due < stop_day),
            age=((stop_day - r).dt.days).where(still_open),
        )
        table = month.groupby(group).agg(
            received=("received", "sum"),
            decided=("decided", "sum"),
            open=("open", "sum"),
            open_overdue=("open_overdue", "sum"),
            open_median_days=("age", "median"),
            open_mean_days=("age", "mean"),
        )
        parts.append(table.reset_index().assign(month=label))
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values([*keys, "month"], kind="stable").reset_index(drop=True)
    return out[
        [*keys, "month", "received", "decided", "open", "open_overdue", "open_median_days", "open_mean_days"]
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_all_months_at_once_as_month_by_month(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 3000
    day0 = np.datetime64("2024-10-01")
    received = day0 + rng.integers(0, 300, n).astype("timedelta64[D]")
    decided = received + rng.integers(-5, 120, n).astype("timedelta64[D]")  # a few before received
    decided[rng.random(n) < 0.15] = np.datetime64("NaT")  # still open
    deadline = received + rng.integers(0, 60, n).astype("timedelta64[D]")
    deadline[rng.random(n) < 0.05] = np.datetime64("NaT")  # no deadline known
    frame = pd.DataFrame(
        {
            "unit_code": rng.choice(["U2", "U1", "U3"], n),
            "case_area_code": pd.Series(rng.choice(["B", "A", None], n, p=[0.5, 0.45, 0.05]), dtype="str"),
            "received_date": received.astype("datetime64[s]"),
            "decided_date": decided.astype("datetime64[s]"),
            "deadline_date": deadline.astype("datetime64[s]"),
        }
    )
    start, end = dt.date(2025, 1, 1), dt.date(2025, 6, 20)  # the last month ends mid-month
    for keys in ([], ["unit_code"], ["unit_code", "case_area_code"]):
        got = flow_by_month(frame, start, end, keys)
        reference = _month_by_month(frame, start, end, keys)
        assert len(got) == len(reference) and len(got) > 0
        for key in keys:  # the missing code is a group of its own, last
            assert got[key].astype(object).fillna("~missing").tolist() == reference[key].tolist()
        assert got["month"].tolist() == reference["month"].tolist()
        for column in ("received", "decided", "open", "open_overdue"):
            assert got[column].tolist() == reference[column].astype(np.int64).tolist(), column
        for column in ("open_median_days", "open_mean_days"):
            np.testing.assert_array_equal(got[column].to_numpy(), reference[column].to_numpy(dtype=float))
