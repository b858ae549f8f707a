"""Decision metrics (docs/contract.md §3.3) and results.json (§4.4) on a hand-built database.

Catalogue (custom config): A 10 calendar_days, B 5 working_days, C 1 months, all from
2020-01-01; calendar.yaml closes 06-05 every year (nothing else). Period 2025-04-01..06-30.
Holidays used: 2025-04-17/18/21 (Easter), 2025-05-29 (Kristi himmelfart), 2025-06-09
(2. pinsedag). 2025-05-30 is a working day here (this config does not close it).

 id unit    area received    decided     notice      D (by hand)                       within days notified
  1 JC-NORD A    2025-04-01  2025-04-11  -           04-01+10 = 04-11                  yes    10   -
  2 JC-NORD A    2025-04-01  2025-04-12  2025-04-11  04-11                             no     11   yes (on D)
  3 JC-SYD  A    2025-04-07  2025-04-25  2025-04-18  04-07+10 = 04-17                  no     18   no (after D)
  4 JC-SYD  A    2025-05-01  2025-05-02  2025-05-01  05-11                             yes     1   - (within)
  5 JC-NORD B    2025-04-11  2025-04-23  -           14,15,16,22,23 -> 04-23           yes    12   -
  6 JC-NORD B    2025-04-11  2025-04-24  2025-04-14  04-23                             no     13   yes
  7 JC-SYD  B    2025-05-28  2025-06-06  -           30,02,03,04,(05 closed),06 -> 06-06 yes   9   -
  8 JC-SYD  B    2025-06-02  2025-06-12  -           03,04,(05),06,(09 pinse),10,11 -> 06-11 no 10  no (none)
  9 JC-NORD C    2025-03-31  2025-04-30  -           no 31 Apr -> 04-30                yes    30   -
 10 JC-SYD  C    2025-04-30  2025-05-30  -           05-30                             yes    30   -
 11 JC-NORD A    2025-06-25  2025-07-01  -           decided after the period: out_of_period
 12 JC-NORD ZZ   2025-04-01  2025-04-05  -           no catalogue area: excluded no_deadline
 13 YS      A    2025-06-20  (open)      -           open; YS has no measured decision
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from sagstid.measure.decisions import CONTRACT_METRICS, group_metrics
from sagstid.periods import Period
from sagstid.report.results_json import build_results, dumps

DEADLINES = (
    "deadlines:\n"
    "  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
    "  - {area: B, name: Område B, value: 5, unit: working_days, valid_from: 2020-01-01}\n"
    "  - {area: C, name: Område C, value: 1, unit: months, valid_from: 2020-01-01}\n"
)
CALENDAR = 'closed_every_year: ["06-05"]\n'
CPR = "0101011234"

DECISIONS = [
    (1, "JC-NORD", "A", "2025-04-01", "2025-04-11", None),
    (2, "JC-NORD", "A", "2025-04-01", "2025-04-12", "2025-04-11"),
    (3, "JC-SYD", "A", "2025-04-07", "2025-04-25", "2025-04-18"),
    (4, "JC-SYD", "A", "2025-05-01", "2025-05-02", "2025-05-01"),
    (5, "JC-NORD", "B", "2025-04-11", "2025-04-23", None),
    (6, "JC-NORD", "B", "2025-04-11", "2025-04-24", "2025-04-14"),
    (7, "JC-SYD", "B", "2025-05-28", "2025-06-06", None),
    (8, "JC-SYD", "B", "2025-06-02", "2025-06-12", None),
    (9, "JC-NORD", "C", "2025-03-31", "2025-04-30", None),
    (10, "JC-SYD", "C", "2025-04-30", "2025-05-30", None),
    (11, "JC-NORD", "A", "2025-06-25", "2025-07-01", None),
    (12, "JC-NORD", "ZZ", "2025-04-01", "2025-04-05", None),
    (13, "YS", "A", "2025-06-20", None, None),
]

# by hand, from the table in the module docstring
EXPECTED_DEADLINES = {
    1: "2025-04-11",
    2: "2025-04-11",
    3: "2025-04-17",
    4: "2025-05-11",
    5: "2025-04-23",
    6: "2025-04-23",
    7: "2025-06-06",
    8: "2025-06-11",
    9: "2025-04-30",
    10: "2025-05-30",
}

PERIOD = Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30))

# total: 10 decisions; within 1,4,5,7,9,10 = 6; exceeded 2,3,6,8 = 4; notified 2,6 = 2
# days 10,11,18,1,12,13,9,10,30,30: sum 144 -> mean 14.4; sorted 1,9,10,10,11,12,13,18,30,30
# -> median (11+12)/2 = 11.5
TOTAL = {
    "decisions": 10,
    "within_deadline": 6,
    "compliance_pct": 60.0,
    "exceeded": 4,
    "exceeded_notified": 2,
    "notice_pct": 50.0,
    "mean_days": 14.4,
    "median_days": 11.5,
}
BY_AREA = {
    # A: 1,2,3,4 -> within 1,4; exceeded 2,3; notified 2; days 10,11,18,1 mean 10, median 10.5
    "A": {
        "decisions": 4,
        "within_deadline": 2,
        "compliance_pct": 50.0,
        "exceeded": 2,
        "exceeded_notified": 1,
        "notice_pct": 50.0,
        "mean_days": 10.0,
        "median_days": 10.5,
    },
    # B: 5,6,7,8 -> within 5,7; exceeded 6,8; notified 6; days 12,13,9,10 mean 11, median 11
    "B": {
        "decisions": 4,
        "within_deadline": 2,
        "compliance_pct": 50.0,
        "exceeded": 2,
        "exceeded_notified": 1,
        "notice_pct": 50.0,
        "mean_days": 11.0,
        "median_days": 11.0,
    },
    # C: 9,10 -> both within; none exceeded -> notice_pct null; days 30,30
    "C": {
        "decisions": 2,
        "within_deadline": 2,
        "compliance_pct": 100.0,
        "exceeded": 0,
        "exceeded_notified": 0,
        "notice_pct": None,
        "mean_days": 30.0,
        "median_days": 30.0,
    },
}
BY_UNIT = {
    # JC-NORD: 1,2,5,6,9 -> within 1,5,9; exceeded 2,6 both notified; days 10,11,12,13,30
    # sum 76 -> mean 15.2, median 12
    "JC-NORD": {
        "decisions": 5,
        "within_deadline": 3,
        "compliance_pct": 60.0,
        "exceeded": 2,
        "exceeded_notified": 2,
        "notice_pct": 100.0,
        "mean_days": 15.2,
        "median_days": 12.0,
    },
    # JC-SYD: 3,4,7,8,10 -> within 4,7,10; exceeded 3,8 neither notified; days 18,1,9,10,30
    # sum 68 -> mean 13.6, sorted 1,9,10,18,30 -> median 10
    "JC-SYD": {
        "decisions": 5,
        "within_deadline": 3,
        "compliance_pct": 60.0,
        "exceeded": 2,
        "exceeded_notified": 0,
        "notice_pct": 0.0,
        "mean_days": 13.6,
        "median_days": 10.0,
    },
}
# unweighted mean over areas: (50 + 50 + 100) / 3, against the pooled 60
MEAN_AREA = 200.0 / 3.0


def row(ident, unit, area, received, decided, notice):
    return {
        "decision_id": ident,
        "case_id": f"S-{ident}",
        "citizen_ref": CPR,
        "unit_code": unit,
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
        "sent_date": decided,
        "delay_notice_date": notice,
    }


@pytest.fixture
def folder(make_config):
    return make_config(deadlines=DEADLINES, calendar=CALENDAR)


@pytest.fixture
def source(make_db):
    return make_db(decisions=[row(*r) for r in DECISIONS])


@pytest.fixture
def measurement(source, folder, measure):
    return measure(source, folder, PERIOD)


def assert_metrics(actual, expected, where):
    for name, value in expected.items():
        got = actual[name]
        if value is None:
            assert got is None or (isinstance(got, float) and math.isnan(got)), (where, name, got)
        else:
            assert got == pytest.approx(value, rel=1e-12, abs=1e-12), (where, name, got, value)


def test_each_deadline_and_outcome(measurement):
    cases = measurement.cases.set_index("decision_id")
    assert sorted(cases.index.astype(int)) == list(range(1, 11))
    got = {int(i): str(pd.Timestamp(v).date()) for i, v in cases["deadline_date"].items()}
    assert got == EXPECTED_DEADLINES
    within = {int(i): bool(v) for i, v in cases["within"].items()}
    assert within == {
        1: True,
        2: False,
        3: False,
        4: True,
        5: True,
        6: False,
        7: True,
        8: False,
        9: True,
        10: True,
    }
    notified = {int(i): bool(v) for i, v in cases["exceeded_notified"].items()}
    assert notified == {i: i in (2, 6) for i in range(1, 11)}
    days = {int(i): int(v) for i, v in cases["days"].items()}
    assert days == {1: 10, 2: 11, 3: 18, 4: 1, 5: 12, 6: 13, 7: 9, 8: 10, 9: 30, 10: 30}


def test_total(measurement):
    assert_metrics(measurement.total, TOTAL, "total")


def test_by_area(measurement):
    by_area = measurement.by_area.set_index("case_area_code")
    assert sorted(by_area.index) == ["A", "B", "C"]
    for area, expected in BY_AREA.items():
        assert_metrics(by_area.loc[area], expected, area)


def test_by_unit(measurement):
    by_unit = measurement.by_unit.set_index("unit_code")
    assert sorted(by_unit.index) == ["JC-NORD", "JC-SYD"]  # YS has no measured decision
    for unit, expected in BY_UNIT.items():
        assert_metrics(by_unit.loc[unit], expected, unit)


def test_mean_area_compliance_is_unweighted(measurement):
    assert measurement.mean_area_compliance_pct == pytest.approx(MEAN_AREA, rel=1e-12)
    assert measurement.total["compliance_pct"] == pytest.approx(60.0)


def test_accounting(measurement):
    assert measurement.status_counts() == {"measured": 10, "excluded": 1, "open": 1, "out_of_period": 1}
    assert measurement.reason_counts()["no_deadline"] == 1
    assert sum(measurement.reason_counts().values()) == 1


def test_results_json(measurement):
    text = dumps(build_results(PERIOD, measurement))
    data = json.loads(text)
    assert data["schema_version"] == 1
    assert data["period"] == {"from": "2025-04-01", "to": "2025-06-30"}
    decisions = data["decisions"]
    assert {"total", "mean_area_compliance_pct", "by_area", "by_unit", "excluded"} <= set(decisions)
    assert set(CONTRACT_METRICS) <= set(decisions["total"])
    assert_metrics(decisions["total"], TOTAL, "json total")
    for name in ("decisions", "within_deadline", "exceeded", "exceeded_notified"):
        assert type(decisions["total"][name]) is int, name
    # percentages 0-100, unrounded
    assert decisions["mean_area_compliance_pct"] == pytest.approx(MEAN_AREA, rel=1e-12)
    assert abs(decisions["mean_area_compliance_pct"] - MEAN_AREA) < 1e-9
    areas = {g["case_area_code"]: g for g in decisions["by_area"]}
    assert set(areas) == {"A", "B", "C"}
    for area, expected in BY_AREA.items():
        assert set(CONTRACT_METRICS) <= set(areas[area])
        assert_metrics(areas[area], expected, f"json {area}")
    assert areas["C"]["notice_pct"] is None  # null, not NaN or 0
    units = {g["unit_code"]: g for g in decisions["by_unit"]}
    assert set(units) == {"JC-NORD", "JC-SYD"}  # YS (only an open case) is left out
    for unit, expected in BY_UNIT.items():
        assert_metrics(units[unit], expected, f"json {unit}")
    assert decisions["excluded"]["no_deadline"] == 1
    assert decisions["excluded"].get("duplicate_id", 0) == 0
    # citizen_ref (may be a CPR number) never appears in a report
    assert CPR not in text
    assert "NaN" not in text


def test_no_decision_exceeded_gives_null_notice_pct(source, folder, measure):
    """May 2025: decided in May are 4 (05-02, within) and 10 (05-30, within)."""
    may = Period(dt.date(2025, 5, 1), dt.date(2025, 5, 31))
    m = measure(source, folder, may)
    assert_metrics(
        m.total,
        {
            "decisions": 2,
            "within_deadline": 2,
            "compliance_pct": 100.0,
            "exceeded": 0,
            "exceeded_notified": 0,
            "notice_pct": None,
            "mean_days": 15.5,
            "median_days": 15.5,
        },
        "May total",
    )  # days 1 and 30
    data = json.loads(dumps(build_results(may, m)))
    assert data["period"] == {"from": "2025-05-01", "to": "2025-05-31"}
    assert data["decisions"]["total"]["notice_pct"] is None
    assert {g["case_area_code"] for g in data["decisions"]["by_area"]} == {"A", "C"}
    assert {g["unit_code"] for g in data["decisions"]["by_unit"]} == {"JC-SYD"}
    assert data["decisions"]["mean_area_compliance_pct"] == pytest.approx(100.0)


def test_empty_period_gives_nulls_and_empty_lists(source, folder, measure):
    """2026 Q1: no decision at all. Counts 0, every ratio and mean null, no groups."""
    period = Period.quarter("2026Q1")
    m = measure(source, folder, period)
    data = json.loads(dumps(build_results(period, m)))
    total = data["decisions"]["total"]
    assert {k: total[k] for k in CONTRACT_METRICS} == {
        "decisions": 0,
        "within_deadline": 0,
        "compliance_pct": None,
        "exceeded": 0,
        "exceeded_notified": 0,
        "notice_pct": None,
        "mean_days": None,
        "median_days": None,
    }
    assert data["decisions"]["by_area"] == []
    assert data["decisions"]["by_unit"] == []
    assert data["decisions"]["mean_area_compliance_pct"] is None


def test_group_metrics_on_hand_rows():
    """group_metrics alone: 3 rows, two groups."""
    cases = pd.DataFrame(
        {
            "g": ["x", "x", "y"],
            "within": [True, False, False],
            "exceeded": [False, True, True],
            "exceeded_notified": [False, True, False],
            "days": np.array([4, 10, 7], dtype=np.int64),
            "working_days": np.array([2, 6, 5], dtype=np.int64),
        }
    )
    out = group_metrics(cases, ["g"]).set_index("g")
    # x: 2 decisions, 1 within (50 %), 1 exceeded and notified (100 %), days 4,10 -> 7, 7
    assert_metrics(
        out.loc["x"],
        {
            "decisions": 2,
            "within_deadline": 1,
            "compliance_pct": 50.0,
            "exceeded": 1,
            "exceeded_notified": 1,
            "notice_pct": 100.0,
            "mean_days": 7.0,
            "median_days": 7.0,
        },
        "x",
    )
    # y: 1 decision, exceeded, not notified: 0 %, notice 0 %
    assert_metrics(
        out.loc["y"],
        {
            "decisions": 1,
            "within_deadline": 0,
            "compliance_pct": 0.0,
            "exceeded": 1,
            "exceeded_notified": 0,
            "notice_pct": 0.0,
            "mean_days": 7.0,
            "median_days": 7.0,
        },
        "y",
    )
    total = group_metrics(cases, []).iloc[0]
    # all: 3 decisions, 1 within (33.3 %), 2 exceeded, 1 notified (50 %), days 4,10,7 -> 7, 7
    assert_metrics(
        total,
        {
            "decisions": 3,
            "within_deadline": 1,
            "compliance_pct": 100.0 / 3,
            "exceeded": 2,
            "exceeded_notified": 1,
            "notice_pct": 50.0,
            "mean_days": 7.0,
            "median_days": 7.0,
        },
        "all",
    )
