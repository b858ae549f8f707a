"""Validation (docs/contract.md §3.3): population, exclusions by the first reason in order, and
every row of the table accounted for as measured, excluded, open or out_of_period.

The database is built by hand; each row is there for one reason (written next to it), some
rows hit several reasons so that the order is tested. Catalogue (custom config):
  A: 10 calendar_days from 2020-01-01;  B: 5 working_days from 2020-01-01;
  C: 1 months from 2024-01-01 (so C received before 2024 has no deadline).
Units: JC-NORD, JC-SYD, YS. JC-UKENDT is not a unit; ZZ is not a case area.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

import pandas as pd
import pytest

from sagstid.config import load_config
from sagstid.periods import Period
from sagstid.rules.deadlines import CatalogueArrays
from sagstid.source.db import connect
from sagstid.source.extract import extract_decisions, extract_units
from sagstid.validate.decisions import DECISION_REASONS, STATUSES, validate_decisions
from sagstid.validate.rows import parse_dates

CATALOGUE_TEXT = (
    "deadlines:\n"
    "  - {area: A, name: Område A, value: 10, unit: calendar_days, valid_from: 2020-01-01}\n"
    "  - {area: B, name: Område B, value: 5, unit: working_days, valid_from: 2020-01-01}\n"
    "  - {area: C, name: Område C, value: 1, unit: months, valid_from: 2024-01-01}\n"
)

M, X, O, P = "measured", "excluded", "open", "out_of_period"
N, S, U = "JC-NORD", "JC-SYD", "JC-UKENDT"

# (decision_id, unit, area, received, decided, sent, notice,
#  expected 2024, expected 2023, expected 2022) - expected = status or the exclusion reason
ROWS = [
    # plain measured row in 2024
    (1, N, "A", "2024-03-01", "2024-03-05", None, None, M, P, P),
    # id 2 twice, both decided in 2024: both duplicate_id in 2024
    (2, N, "A", "2024-02-01", "2024-02-05", None, None, "duplicate_id", P, P),
    (2, N, "A", "2024-02-01", "2024-02-05", None, None, "duplicate_id", P, P),
    # id 3 twice, one decided 2024, one 2023: the in-period copy is duplicate_id, the other
    # out_of_period (and the other way round in 2023)
    (3, N, "A", "2024-04-20", "2024-05-01", None, None, "duplicate_id", P, P),
    (3, N, "A", "2023-05-20", "2023-06-01", None, None, P, "duplicate_id", P),
    # unreadable decided_date: cannot be placed in a period -> invalid_date in EVERY period
    (4, N, "A", "2024-02-20", "31/02/2024", None, None, "invalid_date", "invalid_date", "invalid_date"),
    # unreadable received_date (30 Feb does not exist)
    (5, N, "A", "2024-02-30", "2024-03-10", None, None, "invalid_date", P, P),
    # unreadable delay_notice_date
    (6, N, "A", "2024-03-01", "2024-03-15", None, "i morgen", "invalid_date", P, P),
    # received NULL
    (7, N, "A", None, "2024-04-01", None, None, "missing_received", P, P),
    # decided 04-01 before received 04-10
    (8, N, "A", "2024-04-10", "2024-04-01", None, None, "decided_before_received", P, P),
    # unit not in units
    (9, U, "A", "2024-04-01", "2024-04-05", None, None, "unknown_unit", P, P),
    # area not in the catalogue
    (10, N, "ZZ", "2024-04-01", "2024-04-05", None, None, "no_deadline", P, P),
    # area C has no version valid on 2023-12-20 (starts 2024-01-01)
    (11, N, "C", "2023-12-20", "2024-01-10", None, None, "no_deadline", P, P),
    # id 12 twice, each also missing received and unknown unit: duplicate_id wins
    (12, U, "A", None, "2024-05-02", None, None, "duplicate_id", P, P),
    (12, U, "A", None, "2024-05-02", None, None, "duplicate_id", P, P),
    # unreadable received + unknown unit + unknown area: invalid_date wins
    (13, U, "ZZ", "31/02/2024", "2024-05-03", None, None, "invalid_date", P, P),
    # missing received + unknown unit: missing_received wins
    (14, U, "A", None, "2024-05-04", None, None, "missing_received", P, P),
    # decided before received + unknown unit + unknown area: decided_before_received wins
    (15, U, "ZZ", "2024-05-20", "2024-05-05", None, None, "decided_before_received", P, P),
    # unknown unit + unknown area: unknown_unit wins over no_deadline
    (16, U, "ZZ", "2024-05-01", "2024-05-06", None, None, "unknown_unit", P, P),
    # open: decided NULL
    (17, N, "A", "2024-02-01", None, None, None, O, O, O),
    # decided 2025: out of 2024
    (18, N, "A", "2024-12-20", "2025-01-02", None, None, P, P, P),
    # decided on the last day of 2023: measured in 2023 only
    (19, S, "A", "2023-12-20", "2023-12-31", None, None, P, M, P),
    # decided on the last day of 2024 (period end inclusive)
    (20, S, "A", "2024-12-20", "2024-12-31", None, None, M, P, P),
    # decided on the first day of 2024 (period start inclusive)
    (21, S, "B", "2023-12-27", "2024-01-01", None, None, M, P, P),
    # open with an unreadable received date: open, not in any population
    (22, S, "A", "31/02/2024", None, None, None, O, O, O),
    # decided 2023 with an unreadable received date: out of 2024, invalid_date in 2023
    (23, S, "A", "xx", "2023-05-01", None, None, P, "invalid_date", P),
    # id 24 twice, both decided 2022: out of 2024 and 2023, duplicate_id in 2022
    (24, S, "A", "2022-01-01", "2022-01-05", None, None, P, P, "duplicate_id"),
    (24, S, "A", "2022-01-01", "2022-01-05", None, None, P, P, "duplicate_id"),
    # id 25 twice, one copy with an unreadable decided_date: that copy is in every population
    # (duplicate_id wins over invalid_date); the 2023 copy is duplicate_id in 2023 only
    (25, S, "A", "2024-01-01", "31/02/2024", None, None, "duplicate_id", "duplicate_id", "duplicate_id"),
    (25, S, "A", "2023-05-20", "2023-06-01", None, None, P, "duplicate_id", P),
    # decided '2024-02-30': looks like 2024 text but cannot be read -> invalid_date everywhere
    (26, S, "A", "2024-02-01", "2024-02-30", None, None, "invalid_date", "invalid_date", "invalid_date"),
    # id 27 twice: decided in 2024 and still open: in-period copy duplicate_id, other copy open
    (27, S, "A", "2024-05-20", "2024-06-01", None, None, "duplicate_id", P, P),
    (27, S, "A", "2024-05-20", None, None, None, O, O, O),
    # unreadable sent_date
    (28, S, "A", "2024-03-10", "2024-03-20", "2024/03/20", None, "invalid_date", P, P),
    # decided the day it was received: not decided_before_received
    (29, S, "A", "2024-06-10", "2024-06-10", "2024-06-11", None, M, P, P),
    # area C received on its first valid day
    (30, N, "C", "2024-01-01", "2024-01-15", None, None, M, P, P),
]

PERIODS = {"2024": 7, "2023": 8, "2022": 9}  # period -> column of ROWS with its expectation


def decision_dict(row) -> dict:
    ident, unit, area, received, decided, sent, notice = row[:7]
    return {
        "decision_id": ident,
        "case_id": f"S-{ident}",
        "citizen_ref": "0101011234",
        "unit_code": unit,
        "case_area_code": area,
        "received_date": received,
        "decided_date": decided,
        "sent_date": sent,
        "delay_notice_date": notice,
    }


@pytest.fixture
def source(make_db):
    return make_db(decisions=[decision_dict(r) for r in ROWS])


@pytest.fixture
def catalogue(make_config):
    return CatalogueArrays.from_catalogue(load_config(make_config(deadlines=CATALOGUE_TEXT)).catalogue)


def validate(url, catalogue, year: int):
    period = Period.year(year)
    engine = connect(url)
    try:
        return validate_decisions(extract_decisions(engine, period), extract_units(engine), period, catalogue)
    finally:
        engine.dispose()


def expected_counts(column: int):
    statuses = Counter()
    reasons = Counter()
    for row in ROWS:
        value = row[column]
        if value in STATUSES:
            statuses[value] += 1
        else:
            statuses[X] += 1
            reasons[value] += 1
    return (
        {s: statuses.get(s, 0) for s in STATUSES},
        {r: reasons.get(r, 0) for r in DECISION_REASONS},
    )


def test_hand_counts_of_the_table():
    """The counts worked out by hand agree with the table above (guards the table itself)."""
    assert len(ROWS) == 36
    assert expected_counts(7) == (
        {M: 5, X: 21, O: 3, P: 7},
        {
            "duplicate_id": 7,
            "invalid_date": 6,
            "missing_received": 2,
            "decided_before_received": 2,
            "unknown_unit": 2,
            "no_deadline": 2,
        },
    )
    assert expected_counts(8) == (
        {M: 1, X: 6, O: 3, P: 26},
        {
            "duplicate_id": 3,
            "invalid_date": 3,
            "missing_received": 0,
            "decided_before_received": 0,
            "unknown_unit": 0,
            "no_deadline": 0,
        },
    )
    assert expected_counts(9) == (
        {M: 0, X: 5, O: 3, P: 28},
        {
            "duplicate_id": 3,
            "invalid_date": 2,
            "missing_received": 0,
            "decided_before_received": 0,
            "unknown_unit": 0,
            "no_deadline": 0,
        },
    )


@pytest.mark.parametrize("year", [2024, 2023, 2022])
def test_status_and_reason_counts(source, catalogue, year):
    validated = validate(source, catalogue, year)
    statuses, reasons = expected_counts(PERIODS[str(year)])
    assert validated.status_counts() == statuses
    assert validated.reason_counts() == reasons


@pytest.mark.parametrize("year", [2024, 2023, 2022])
def test_every_row_gets_its_own_status_and_reason(source, catalogue, year):
    """Per decision_id: the multiset of (status, reason) is the one chosen by hand."""
    validated = validate(source, catalogue, year)
    rows = validated.rows
    got = Counter(
        (int(i), str(s), None if pd.isna(r) else str(r))
        for i, s, r in zip(rows["decision_id"], rows["status"], rows["reason"], strict=False)
    )
    column = PERIODS[str(year)]
    expected = Counter(
        (row[0], row[column], None) if row[column] in STATUSES else (row[0], X, row[column]) for row in ROWS
    )
    # Only the rows decided in the period, or with a decided date there that cannot be read,
    # are read one by one; the others (open, out of the period, unreadable decided dates
    # elsewhere) are counted by the database and validated by count (validate/decision_table.py).
    assert not got - expected
    rest: Counter[tuple[str, str | None]] = Counter()
    for (_, s, r), n in (expected - got).items():
        rest[(s, r)] += n
    counted = validated.counted
    assert counted is not None
    totals = counted.groupby(["status", "reason"], observed=True, dropna=False)["rows"].sum()
    assert Counter({(str(s), None if pd.isna(r) else str(r)): int(n) for (s, r), n in totals.items()}) == rest


@pytest.mark.parametrize("year", [2024, 2023, 2022])
def test_every_row_of_the_table_is_accounted_for(source, catalogue, year):
    validated = validate(source, catalogue, year)
    counts = validated.status_counts()
    path = source.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        (table_rows,) = connection.execute("SELECT COUNT(*) FROM decisions").fetchone()
    assert table_rows == 36
    assert counts[M] + counts[X] + counts[O] + counts[P] == table_rows
    counted = validated.counted
    assert counted is not None
    assert len(validated.rows) + int(counted["rows"].sum()) == table_rows
    assert sum(validated.reason_counts().values()) == counts[X]


def test_unreadable_decided_date_is_excluded_in_every_period(source, catalogue):
    """'31/02/2024' (id 4) and '2024-02-30' (id 26) cannot be placed in a period: they are
    invalid_date in 2022, 2023 and 2024, and in a quarter, too."""
    for year in (2022, 2023, 2024, 2025):
        validated = validate(source, catalogue, year)
        rows = validated.rows
        read = rows[rows["decision_id"].isin([4, 26]).to_numpy()]
        assert set(read["status"].astype(str)) <= {X} and set(read["reason"].astype(str)) <= {"invalid_date"}
        # a row not read (its text is outside the period's range) is counted: no other row of
        # ROWS is an unreadable decided date but id 25's copy, which is a duplicate
        counted = validated.counted
        assert counted is not None
        unread = counted[(counted["reason"] == "invalid_date").to_numpy()]
        assert len(read) + int(unread["rows"].sum()) == 2, year
        assert set(unread["status"].astype(str)) <= {X}


def test_measured_rows_have_catalogue_entries_and_parsed_dates(source, catalogue):
    measured = validate(source, catalogue, 2024).measured
    assert sorted(measured["decision_id"].astype(int)) == [1, 20, 21, 29, 30]
    assert (measured["entry"] >= 0).all()
    by_id = measured.set_index("decision_id")
    # entries: A for 1, 20, 29; B for 21; C for 30
    assert {i: catalogue.areas[by_id.loc[i, "entry"]] for i in (1, 20, 21, 29, 30)} == {
        1: "A",
        20: "A",
        21: "B",
        29: "A",
        30: "C",
    }
    assert by_id.loc[21, "received_date"] == pd.Timestamp("2023-12-27")
    assert by_id.loc[21, "decided_date"] == pd.Timestamp("2024-01-01")


def test_quarter_period_population(source, catalogue):
    """2024 Q1 (Jan-Mar): decided in Q1 and valid: ids 1 (03-05), 21 (01-01), 30 (01-15)."""
    period = Period.quarter("2024Q1")
    engine = connect(source)
    try:
        validated = validate_decisions(
            extract_decisions(engine, period), extract_units(engine), period, catalogue
        )
    finally:
        engine.dispose()
    assert sorted(validated.measured["decision_id"].astype(int)) == [1, 21, 30]
    reasons = validated.reason_counts()
    # Q1 population exclusions: 2,2 (02-05) dup; 25 ('31/02/2024') dup;
    # 4, 26 (unreadable decided), 5 (03-10), 6 (03-15), 28 (03-20) invalid_date;
    # 11 (01-10) no_deadline
    assert reasons == {
        "duplicate_id": 3,
        "invalid_date": 5,
        "missing_received": 0,
        "decided_before_received": 0,
        "unknown_unit": 0,
        "no_deadline": 1,
    }


@pytest.mark.parametrize(
    "values, expected_invalid",
    [
        pytest.param(["2024-02-29", "2023-02-29", None], [False, True, False], id="leap-day"),
        pytest.param(["31/02/2024", "2024-1-5", "2024-01-05"], [True, True, False], id="formats"),
        pytest.param(["2024-02-30", "2024-13-01", "2024-12-31"], [True, True, False], id="30-feb-month-13"),
    ],
)
def test_parse_dates_marks_unreadable_text(values, expected_invalid):
    parsed, invalid = parse_dates(pd.Series(values, dtype=object))
    assert list(invalid) == expected_invalid
    for value, bad, day in zip(values, expected_invalid, parsed, strict=False):
        if value is None or bad:
            assert pd.isna(day)
        else:
            assert day == pd.Timestamp(value)


def test_parse_dates_accepts_sql_date_values():
    """A real SQL DATE column arrives as date objects (PostgreSQL, SQL Server): all readable."""
    import datetime as dt

    values = pd.Series([dt.date(2024, 1, 5), None, dt.date(2024, 2, 29)], dtype=object)
    parsed, invalid = parse_dates(values)
    assert list(invalid) == [False, False, False]
    assert parsed[0] == pd.Timestamp("2024-01-05") and pd.isna(parsed[1])
    assert parsed[2] == pd.Timestamp("2024-02-29")


def test_null_area_and_null_unit(make_db, catalogue):
    """case_area_code NULL: no catalogue entry -> no_deadline; unit_code NULL: not a unit ->
    unknown_unit; both NULL: unknown_unit comes first."""
    url = make_db(
        decisions=[
            decision_dict((1, N, None, "2024-03-01", "2024-03-05", None, None)),
            decision_dict((2, None, "A", "2024-03-01", "2024-03-05", None, None)),
            decision_dict((3, None, None, "2024-03-01", "2024-03-05", None, None)),
            decision_dict((4, N, "A", "2024-03-01", "2024-03-05", None, None)),
        ]
    )
    rows = validate(url, catalogue, 2024).rows.set_index("decision_id")
    assert {
        int(i): (str(s), None if pd.isna(r) else str(r))
        for i, s, r in zip(rows.index, rows["status"], rows["reason"], strict=False)
    } == {
        1: (X, "no_deadline"),
        2: (X, "unknown_unit"),
        3: (X, "unknown_unit"),
        4: (M, None),
    }
