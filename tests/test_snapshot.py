"""Open-case snapshot: statuses around an as-of date, working-day horizons over Easter
and Christmas, notices, exclusions with reasons, and the open-case share. Every expected value
is worked out by hand below, from a real SQLite database through queries/open_*.sql.

Catalogue (custom config): A 10 calendar_days, B 5 working_days, C 1 months, all from
2020-01-01. calendar.yaml closes 12-24 and 12-31 every year. measurement.yaml:
due_soon_working_days 3. A case is due soon when its deadline D >= A and the working days after
A up to and including D are at most 3.

Easter, as of A = Tuesday 2025-04-15. Working days after A: 04-16 (Wed); 17, 18 (Skærtorsdag,
Langfredag), 19-20 (weekend), 21 (2. påskedag) are not; 04-22 (Tue), 04-23 (Wed), 04-24 (Thu).
So due soon means D in 04-15..04-23 (04-23 is the 3rd working day); 04-24 is within.

 id  unit     area received    decided     notice      D (by hand)             state     missing
  1  JC-NORD  A    2025-04-01  -           -           04-11 < A: 4 days over  overdue   yes
  2  JC-NORD  A    2025-04-05  -           2025-04-14  04-15 = A (0 wd left)   due_soon  no (notified)
  3  JC-NORD  A    2025-04-13  -           -           04-23 (16,22,23: 3 wd)  due_soon  yes
  4  JC-SYD   A    2025-04-14  -           -           04-24 (4 wd)            within    no
  5  JC-SYD   A    2025-04-03  2025-04-16  2025-04-16  04-13 < A: 2 days over  overdue   yes: the
     decision and the notice come after A, so as of A it is open and not notified
  6  JC-SYD   A    2025-04-16  -           -           received after A: not_received
  7  JC-SYD   A    2025-02-30  -           -           unreadable date: excluded invalid_date
  8  JC-GHOST A    2025-04-01  -           -           unit not in units: unknown_unit
  9  JC-SYD   ZZ   2025-04-01  -           -           no catalogue entry: no_deadline
 10  JC-SYD   A    NULL        -           -           missing_received
 11  JC-SYD   A    2025-04-01  -           -           id 11 twice in the table: duplicate_id
 11  JC-SYD   A    2025-03-01  2025-03-05  -           (decided before A: not read at all)
 12  JC-SYD   A    2025-03-01  2025-04-10  -           decided before A: not read
 13  JC-SYD   B    2025-04-11  -           -           04-23 (§3.2's example) due_soon yes

Complaints as of A (decision complaints 4 weeks, handling 4 weeks, via Borgerrådgiveren 3):
 C1 JC-NORD decision, insured, five-day rule, received Wed 04-09, answered 2025-05-01 (after A;
    outcome unknown as of A): earliest deadline 5 working days: 10, 11, 14, 15, 16 -> 04-16;
    1 working day left -> due_soon, no notice -> missing
 C2 JC-NORD handling via Borgerrådgiveren, received 03-20 -> D 04-10 < A -> overdue (5 days),
    notice 04-08 -> notified
 C3 YS decision, not insured, received 04-01 -> D 04-29; 7 working days left -> within
 C4 YS kind 'klage' -> excluded invalid_kind
 C5 YS handling with its own deadline 2025-04-17 (a holiday): 1 working day (04-16) -> due_soon,
    no notice -> missing
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from sagstid.config import load_config
from sagstid.measure.open_cases import open_metrics, take_snapshot
from sagstid.report.results_json import dumps, open_cases_section
from sagstid.rules.deadlines import CatalogueArrays
from sagstid.source.db import connect
from sagstid.source.extract import extract_open_cases, extract_units

DEADLINES = (
    "deadlines:\n"
    "  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
    "  - {area: B, name: Område B, value: 5, unit: working_days, valid_from: 2020-01-01}\n"
    "  - {area: C, name: Område C, value: 1, unit: months, valid_from: 2020-01-01}\n"
)
CALENDAR = 'closed_every_year: ["12-24", "12-31"]\n'
CPR = "010101-1234"
EASTER = dt.date(2025, 4, 15)


def decision(ident, unit, area, received, decided=None, notice=None):
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


def complaint(
    ident,
    unit,
    kind,
    received,
    *,
    ombud=0,
    insured=0,
    five=0,
    deadline=None,
    answered=None,
    outcome=None,
    notice=None,
):
    return {
        "complaint_id": ident,
        "case_id": f"K-{ident}",
        "citizen_ref": CPR,
        "unit_code": unit,
        "complaint_kind": kind,
        "via_ombudsman": ombud,
        "insured_unemployed": insured,
        "five_day_rule": five,
        "received_date": received,
        "deadline_date": deadline,
        "answered_date": answered,
        "outcome": outcome,
        "delay_notice_date": notice,
    }


DECISIONS = [
    decision(1, "JC-NORD", "A", "2025-04-01"),
    decision(2, "JC-NORD", "A", "2025-04-05", notice="2025-04-14"),
    decision(3, "JC-NORD", "A", "2025-04-13"),
    decision(4, "JC-SYD", "A", "2025-04-14"),
    decision(5, "JC-SYD", "A", "2025-04-03", decided="2025-04-16", notice="2025-04-16"),
    decision(6, "JC-SYD", "A", "2025-04-16"),
    decision(7, "JC-SYD", "A", "2025-02-30"),
    decision(8, "JC-GHOST", "A", "2025-04-01"),
    decision(9, "JC-SYD", "ZZ", "2025-04-01"),
    decision(10, "JC-SYD", "A", None),
    decision(11, "JC-SYD", "A", "2025-04-01"),
    decision(11, "JC-SYD", "A", "2025-03-01", decided="2025-03-05"),
    decision(12, "JC-SYD", "A", "2025-03-01", decided="2025-04-10"),
    decision(13, "JC-SYD", "B", "2025-04-11"),
]
COMPLAINTS = [
    complaint(
        101, "JC-NORD", "decision", "2025-04-09", insured=1, five=1, answered="2025-05-01", outcome="full"
    ),
    complaint(102, "JC-NORD", "handling", "2025-03-20", ombud=1, notice="2025-04-08"),
    complaint(103, "YS", "decision", "2025-04-01"),
    complaint(104, "YS", "klage", "2025-04-01"),
    complaint(105, "YS", "handling", "2025-04-01", deadline="2025-04-17"),
]


@pytest.fixture
def folder(make_config):
    path = make_config(deadlines=DEADLINES, calendar=CALENDAR)
    (path / "measurement.yaml").write_text("due_soon_working_days: 3\n", encoding="utf-8")
    return path


@pytest.fixture
def snap_of(folder):
    config = load_config(folder)
    catalogue = CatalogueArrays.from_catalogue(config.catalogue)

    def run(db_url: str, as_of: dt.date):
        engine = connect(db_url)
        try:
            decisions, complaints = extract_open_cases(engine, as_of)
            return take_snapshot(decisions, complaints, extract_units(engine), config, catalogue, as_of)
        finally:
            engine.dispose()

    return run


@pytest.fixture
def easter(make_db, snap_of):
    return snap_of(make_db(decisions=DECISIONS, complaints=COMPLAINTS), EASTER)


def _by_id(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.assign(_id=frame[column].astype(int)).set_index("_id")


def test_open_decisions_around_easter(easter):
    rows = _by_id(easter.open_decisions, "decision_id")
    assert sorted(rows.index) == [1, 2, 3, 4, 5, 13]
    expected = {  # id: (deadline, state, days_open, days_over, working days left, missing)
        1: ("2025-04-11", "overdue", 14, 4, 0, True),
        2: ("2025-04-15", "due_soon", 10, 0, 0, False),
        3: ("2025-04-23", "due_soon", 2, 0, 3, True),
        4: ("2025-04-24", "within", 1, 0, 4, False),
        5: ("2025-04-13", "overdue", 12, 2, 0, True),
        13: ("2025-04-23", "due_soon", 4, 0, 3, True),
    }
    for ident, (deadline, state, days_open, over, left, missing) in expected.items():
        got = rows.loc[ident]
        assert str(pd.Timestamp(got["deadline_date"]).date()) == deadline, ident
        assert (
            got["state"],
            got["days_open"],
            got["days_over"],
            got["working_days_left"],
            bool(got["notice_missing"]),
        ) == (state, days_open, over, left, missing), ident


def test_open_complaints_get_the_earliest_possible_deadline(easter):
    rows = _by_id(easter.open_complaints, "complaint_id")
    assert sorted(rows.index) == [101, 102, 103, 105]
    expected = {
        101: ("2025-04-16", "due_soon", True),  # 5 working days: the earliest possible
        102: ("2025-04-10", "overdue", False),  # 3 weeks via Borgerrådgiveren, notified
        103: ("2025-04-29", "within", False),  # 4 weeks
        105: ("2025-04-17", "due_soon", True),  # its own deadline
    }
    for ident, (deadline, state, missing) in expected.items():
        got = rows.loc[ident]
        assert str(pd.Timestamp(got["deadline_date"]).date()) == deadline, ident
        assert (got["state"], bool(got["notice_missing"])) == (state, missing), ident


def test_every_row_read_is_accounted_for(easter):
    # decisions read: 1-11 (the open copy of 11) and 13 = 12 rows; 11's decided copy and 12
    # were decided before A and are not read
    assert easter.row_counts("decision") == {"open": 6, "excluded": 5, "not_received": 1, "closed": 0}
    assert easter.reason_counts("decision") == {
        "duplicate_id": 1,
        "invalid_date": 1,
        "missing_received": 1,
        "unknown_unit": 1,
        "no_deadline": 1,
    }
    assert easter.row_counts("complaint") == {"open": 4, "excluded": 1, "not_received": 0, "closed": 0}
    assert easter.reason_counts("complaint")["invalid_kind"] == 1
    assert sum(easter.row_counts("complaint").values()) == 5


def test_aggregates_per_unit_area_and_total(easter):
    section = open_cases_section(easter)
    assert section["as_of"] == "2025-04-15" and section["due_soon_working_days"] == 3
    # decisions 1,2,3,4,5,13: overdue 1,5; due soon 2,3,13; within 4; missing 1,3,5,13
    # open_within_pct = 100 * (6 - 2) / 6
    assert section["decisions"]["total"] == {
        "open": 6,
        "overdue": 2,
        "due_soon": 3,
        "within": 1,
        "notice_missing": 4,
        "open_within_pct": pytest.approx(400 / 6),
    }
    # A: 1,2,3,4,5 -> overdue 1,5; due 2,3; within 4; missing 1,3,5 -> 60 %; B: 13 -> 100 %
    by_area = {r["case_area_code"]: r for r in section["decisions"]["by_area"]}
    assert by_area["A"] == {
        "case_area_code": "A",
        "open": 5,
        "overdue": 2,
        "due_soon": 2,
        "within": 1,
        "notice_missing": 3,
        "open_within_pct": 60.0,
    }
    assert by_area["B"]["open"] == 1 and by_area["B"]["open_within_pct"] == 100.0
    # complaints 101,102,103,105: overdue 102; due 101,105; within 103; missing 101,105 -> 75 %
    assert section["complaints"]["total"] == {
        "open": 4,
        "overdue": 1,
        "due_soon": 2,
        "within": 1,
        "notice_missing": 2,
        "open_within_pct": 75.0,
    }
    # all 10 open cases: overdue 3, due soon 5, within 2, missing 6 -> 70 %
    assert section["total"] == {
        "open": 10,
        "overdue": 3,
        "due_soon": 5,
        "within": 2,
        "notice_missing": 6,
        "open_within_pct": 70.0,
    }
    # per unit, decisions and complaints together:
    # JC-NORD 1,2,3,101,102: overdue 1,102; due 2,3,101; missing 1,3,101 -> 3/5 = 60 %
    # JC-SYD 4,5,13: overdue 5; due 13; within 4; missing 5,13 -> 2/3
    # YS 103,105: due 105; within 103; missing 105 -> 100 %
    by_unit = {r["unit_code"]: r for r in section["by_unit"]}
    assert set(by_unit) == {"JC-NORD", "JC-SYD", "YS"}
    assert (
        by_unit["JC-NORD"]["open"],
        by_unit["JC-NORD"]["overdue"],
        by_unit["JC-NORD"]["due_soon"],
        by_unit["JC-NORD"]["notice_missing"],
    ) == (5, 2, 3, 3)
    assert by_unit["JC-NORD"]["open_within_pct"] == 60.0
    assert by_unit["JC-SYD"]["open_within_pct"] == pytest.approx(200 / 3)
    assert by_unit["YS"]["open_within_pct"] == 100.0
    json.loads(dumps(section))  # valid JSON, no NaN


def test_results_section_holds_no_case_or_citizen_data(easter):
    text = dumps(open_cases_section(easter))
    assert CPR not in text and "S-1" not in text and "K-101" not in text


def test_citizen_ref_is_never_read(easter):
    assert "citizen_ref" not in easter.decisions.columns
    assert "citizen_ref" not in easter.complaints.columns
    assert "citizen_ref" not in easter.cases().columns


def test_a_past_as_of_gives_the_same_answer_after_later_events(make_db, snap_of, easter):
    # the same cases after more happened: 1 and 3 decided and notified after A, 4 notified
    # after A, complaint 103 answered after A. As of A nothing may change.
    later = [dict(d) for d in DECISIONS]
    for d in later:
        if d["decision_id"] in (1, 3):
            d.update(decided_date="2025-04-20", sent_date="2025-04-20", delay_notice_date="2025-04-16")
        if d["decision_id"] == 4:
            d.update(delay_notice_date="2025-04-22")
    complaints = [dict(c) for c in COMPLAINTS]
    complaints[2].update(answered_date="2025-04-25", outcome="upheld")
    again = snap_of(make_db(decisions=later, complaints=complaints), EASTER)
    assert open_cases_section(again) == open_cases_section(easter)


CHRISTMAS = dt.date(2025, 12, 22)
# As of Monday 2025-12-22 with 3 working days: 12-23 (Tue) is one; 24 (closed), 25, 26
# (holidays), 27-28 (weekend) are not; 12-29 and 12-30 are; 31 (closed) and 2026-01-01 are not;
# 01-02 is the 4th. Due soon: D in 12-22 .. 2026-01-01. Area C is 1 month.
#  21  received 2025-11-21 -> D 12-21 (Sunday, before A)             overdue, 1 day over
#  22  received 2025-11-22 -> D 12-22 = A                            due_soon, 0 left
#  23  received 2025-11-30 -> D 12-30: 23, 29, 30                   due_soon, 3 left
#  24  received 2025-12-01 -> D 2026-01-01: still 3 (31, 1 Jan not) due_soon, 3 left
#  25  received 2025-12-02 -> D 2026-01-02: 4                       within, 4 left
CHRISTMAS_DECISIONS = [
    decision(21, "JC-NORD", "C", "2025-11-21"),
    decision(22, "JC-NORD", "C", "2025-11-22"),
    decision(23, "JC-NORD", "C", "2025-11-30"),
    decision(24, "JC-NORD", "C", "2025-12-01"),
    decision(25, "JC-NORD", "C", "2025-12-02"),
]


def test_working_day_horizon_over_christmas(make_db, snap_of):
    snap = snap_of(make_db(decisions=CHRISTMAS_DECISIONS), CHRISTMAS)
    rows = _by_id(snap.open_decisions, "decision_id")
    got = {
        i: (str(pd.Timestamp(r["deadline_date"]).date()), r["state"], int(r["working_days_left"]))
        for i, r in rows.iterrows()
    }
    assert got == {
        21: ("2025-12-21", "overdue", 0),
        22: ("2025-12-22", "due_soon", 0),
        23: ("2025-12-30", "due_soon", 3),
        24: ("2026-01-01", "due_soon", 3),
        25: ("2026-01-02", "within", 4),
    }
    assert int(rows.loc[21, "days_over"]) == 1
    # open_within_pct: 4 of 5 open cases have not passed their deadline
    assert open_cases_section(snap)["total"]["open_within_pct"] == 80.0


def test_open_metrics_of_no_cases_is_empty_and_total_is_null(make_db, snap_of):
    snap = snap_of(make_db(decisions=[decision(1, "JC-NORD", "A", "2025-05-01")]), EASTER)
    assert open_metrics(snap.open_decisions, ["unit_code"]).empty
    section = open_cases_section(snap)
    assert section["total"]["open"] == 0 and section["total"]["open_within_pct"] is None
    assert section["decisions"]["rows"]["not_received"] == 1
    assert not math.isnan(section["decisions"]["total"]["open"])
