"""A run's decisions are read in parts side by side on an Arrow path (docs/database.md, What a
run reads). Split by days: queries/decisions_in_part.sql for every part but the last, whose
end is the next part's start and not included, and decisions_in_period.sql for the last.
Split by rowids (SQLite, where the period's rows fill at least half their span):
queries/decisions_in_rows.sql over ranges that meet. Either way the parts together must give
exactly the rows the whole query gives, whatever text a date column holds at a part's bound. The independent method is the whole query run by SQLite itself (the sqlite3
module), and the frame pandas' own ``read_sql`` makes of it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from sagstid.periods import Period
from sagstid.schema import SQLITE_DDL
from sagstid.source import arrow as source_arrow
from sagstid.source import extract as source_extract
from sagstid.source.db import connect, reading_through
from sagstid.source.extract import day_parts, extract_decisions, row_parts
from sagstid.source.queries import load_query

PERIOD = Period.year(2025)
PREVIOUS = Period.year(2024)


def test_day_parts_by_hand() -> None:
    d = dt.date
    # 2024-01-01..2025-12-31 is 731 days (2024 a leap year); two parts: day 0 and day 731 // 2
    # = 365 after it, 2024-12-31; the last part ends on the last day itself
    assert day_parts(d(2024, 1, 1), d(2025, 12, 31), 2) == [
        (d(2024, 1, 1), d(2024, 12, 31)),
        (d(2024, 12, 31), d(2025, 12, 31)),
    ]
    # three days in eight parts: one day each
    assert day_parts(d(2025, 7, 1), d(2025, 7, 3), 8) == [
        (d(2025, 7, 1), d(2025, 7, 2)),
        (d(2025, 7, 2), d(2025, 7, 3)),
        (d(2025, 7, 3), d(2025, 7, 3)),
    ]
    assert day_parts(d(2025, 7, 1), d(2025, 7, 1), 8) == [(d(2025, 7, 1), d(2025, 7, 1))]
    assert day_parts(d(2025, 1, 1), d(2025, 12, 31), 1) == [(d(2025, 1, 1), d(2025, 12, 31))]


# decided_date values at and around the bounds of every split used below (2024-12-31 with
# two parts; 2024-07-01, 2025-07-02 with three, ...; every day with forty parts is a bound
# somewhere near these): text that is no date, times after the day, and SQLite numbers.
DECIDED: list[object] = [
    "2023-12-31",  # before the period: not read
    "2024-01-01",  # the first day
    "2024-07-01",
    "2024-06-30T23:59",
    "2024-07-01 08:00",
    "2024-12-30",
    "2024-12-30T23:59",  # after 2024-12-30, before 2024-12-31: the part ending at the bound
    "2024-12-31",  # a bound exactly: the later part only
    "2024-12-31 08:00",
    "2024-12-32",  # no such day, textually between 2024-12-31 and 2025-01-01
    "2024-12-3",  # a short text, before 2024-12-30
    "2025-01-01",
    "2025-02-30",
    "2025-07-02",
    "2025-12-31",  # the last day: read
    "2025-12-31T10:00",  # after the last day as text: not read
    "2026-01-01",
    20250304,  # an integer sorts before any text: never in the period
    20250304.5,
    None,
    "",
    "9999-12-31",
]
# by hand: the values above that compare >= '2024-01-01' and <= '2025-12-31' as text
READ = {
    "2024-01-01",
    "2024-07-01",
    "2024-06-30T23:59",
    "2024-07-01 08:00",
    "2024-12-30",
    "2024-12-30T23:59",
    "2024-12-31",
    "2024-12-31 08:00",
    "2024-12-32",
    "2024-12-3",
    "2025-01-01",
    "2025-02-30",
    "2025-07-02",
    "2025-12-31",
}


def _rows(variants: Callable[[int], object]) -> list[dict[str, object]]:
    rows = []
    for i, decided in enumerate(DECIDED, start=1):
        rows.append(
            {
                "decision_id": i,
                "case_id": f"S-{i}",
                "citizen_ref": "x",
                "unit_code": "JC-NORD",
                "case_area_code": "KH-ANS",
                "received_date": "2023-06-01",
                "decided_date": decided,
                "sent_date": decided,
                "delay_notice_date": None,
                "case_variant": variants(i),
            }
        )
    return rows


def _whole_query(url: str) -> list[tuple[object, ...]]:
    """decisions_in_period.sql over both years, run by SQLite itself."""
    sql = load_query("decisions_in_period").sql
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, {"date_from": "2024-01-01", "date_to": "2025-12-31"}).fetchall()


@pytest.mark.parametrize("plan", ["days", "rows"])
@pytest.mark.parametrize("parts", [1, 2, 3, 8, 40])
@pytest.mark.parametrize(
    "variants",
    [
        pytest.param(lambda i: "A", id="plain"),
        # NULL up to 2024-12-30 (rows 1-11), text later: with two parts or more the first
        # part's column is all NULL, which the driver types as a number; still a plain read
        pytest.param(lambda i: None if i < 12 else "B", id="null-early"),
        # numbers early, text later: every part is read exactly
        pytest.param(lambda i: i if i < 12 else "B", id="types-differ"),
    ],
)
def test_the_parts_are_the_whole_query(
    make_db: Callable[..., str],
    plan: str,
    parts: int,
    variants: Callable[[int], object],
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exact_reads: list[list[str]] = []  # the columns of every query read exactly
    exact_frame = source_arrow.sqlite_frame

    def spy(table: Any, names: Any) -> pd.DataFrame:
        exact_reads.append(list(names))
        return exact_frame(table, names)

    monkeypatch.setattr(source_arrow, "sqlite_frame", spy)
    url = make_db(decisions=_rows(variants))
    whole = _whole_query(url)
    assert {row[5] for row in whole} == READ and len(whole) == len(READ)  # the database agrees
    engine = connect(url)
    try:
        with reading_through("arrow"):
            read = extract_decisions(engine, PREVIOUS, through=PERIOD, parts=parts, plan=plan).in_period
        with reading_through("sqlalchemy"):
            reference = extract_decisions(engine, PREVIOUS, through=PERIOD).in_period
    finally:
        engine.dispose()
    exact = any("case_variant" in names for names in exact_reads)  # the decisions' own read
    assert exact == ("types-differ" in request.node.callspec.id)
    assert "reading through SQLAlchemy" not in caplog.text  # no part made the Arrow path give up
    assert sorted(read["decided_date"].tolist()) == sorted(READ)  # each row once, none lost
    assert sorted(read["decision_id"].tolist()) == sorted(int(row[0]) for row in whole)  # type: ignore[call-overload]
    # the frame read_sql makes of the whole query, column for column and dtype for dtype
    ordered = read.sort_values("decision_id", ignore_index=True)
    expected = reference.sort_values("decision_id", ignore_index=True)
    pd.testing.assert_frame_equal(ordered, expected, check_exact=True)


def test_parts_read_in_the_order_of_the_decided_date_index(make_db: Callable[..., str]) -> None:
    # With the index docs/database.md recommends, the whole query returns its rows in index
    # order (decided_date, then rowid); the parts joined in order return them so too.
    url = make_db(decisions=list(reversed(_rows(lambda i: "A"))))
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE INDEX ix_decided ON decisions (decided_date)")
    whole = _whole_query(url)
    engine = connect(url)
    try:
        with reading_through("arrow"):
            read = extract_decisions(engine, PREVIOUS, through=PERIOD, parts=8, plan="days").in_period
    finally:
        engine.dispose()
    assert read["decided_date"].tolist() == [row[5] for row in whole]
    assert read["decided_date"].tolist() == sorted(READ)  # text order, as the index holds it


def test_row_parts_by_hand() -> None:
    # rowids 5..14 (ten) in three ranges: starts 5 + 10k // 3 = 5, 8, 11
    assert row_parts(5, 14, 3) == [(5, 7), (8, 10), (11, 14)]
    assert row_parts(5, 14, 1) == [(5, 14)]
    assert row_parts(7, 8, 8) == [(7, 7), (8, 8)]  # no more ranges than rowids
    assert row_parts(3, 3, 8) == [(3, 3)]


def test_split_by_rowids_the_rows_come_in_the_tables_order(make_db: Callable[..., str]) -> None:
    # Read straight from the table, the rows come in rowid order, even with the index on
    # decided_date; the table is written here in reverse order of DECIDED.
    url = make_db(decisions=list(reversed(_rows(lambda i: "A"))))
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE INDEX ix_decided ON decisions (decided_date)")
        in_rowid_order = [
            row[0]
            for row in connection.execute(
                "SELECT decided_date FROM decisions NOT INDEXED "
                "WHERE decided_date >= '2024-01-01' AND decided_date <= '2025-12-31' ORDER BY rowid"
            )
        ]
    engine = connect(url)
    try:
        with reading_through("arrow"):
            read = extract_decisions(engine, PREVIOUS, through=PERIOD, parts=3, plan="rows").in_period
    finally:
        engine.dispose()
    assert read["decided_date"].tolist() == in_rowid_order
    # the table's order (DECIDED reversed), not the index's
    assert in_rowid_order == [day for day in reversed(DECIDED) if day in READ] != sorted(READ)


def _plan_read(url: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """The (whole query, part queries) each read of decisions made in a run's default plan."""
    reads: list[tuple[str, list[str]]] = []
    in_parts = source_extract.read_query_in_parts

    def spy(engine: Any, name: str, parameters: Any, parts: Any) -> pd.DataFrame:
        reads.append((name, [part for part, _ in parts]))
        return in_parts(engine, name, parameters, parts)

    monkeypatch.setattr(source_extract, "read_query_in_parts", spy)
    engine = connect(url)
    try:
        with reading_through("arrow"):
            extract_decisions(engine, PREVIOUS, through=PERIOD, parts=2)
    finally:
        engine.dispose()
    return reads


def _decided(days: list[str]) -> list[dict[str, object]]:
    row = _rows(lambda i: "A")[0]
    return [{**row, "decision_id": i, "decided_date": day} for i, day in enumerate(days, start=1)]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        # 6 of 8 rows in the period, rowids 2..7 (six): they fill the span, read by rowids
        (["2023-05-01"] + ["2024-03-01"] * 3 + ["2025-03-01"] * 3 + ["2026-02-01"], "decisions_in_rows"),
        # 2 of the rowids 1..5 in the period: fewer than half of five, read by days
        (["2024-03-01", "2023-01-01", "2023-01-01", "2023-01-01", "2025-03-01"], "decisions_in_period"),
        # 3 of rowids 1..5: at least half, by rowids
        (["2024-03-01", "2023-01-01", "2025-01-01", "2023-01-01", "2025-03-01"], "decisions_in_rows"),
        # no row in the period: by days (nothing to read either way)
        (["2023-01-01", "2026-01-01"], "decisions_in_period"),
    ],
)
def test_rowids_where_the_period_fills_half_its_span(
    make_db: Callable[..., str], monkeypatch: pytest.MonkeyPatch, days: list[str], expected: str
) -> None:
    reads = _plan_read(make_db(decisions=_decided(days)), monkeypatch)
    assert [name for name, _ in reads] == [expected]


def test_a_table_without_rowid_is_read_by_days(
    make_db: Callable[..., str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    head, table = SQLITE_DDL.split("CREATE TABLE decisions (", 1)
    table = table.replace("decision_id INTEGER,", "decision_id INTEGER PRIMARY KEY,", 1)
    ddl = head + "CREATE TABLE decisions (" + table.replace("\n);", "\n) WITHOUT ROWID;", 1)
    days = ["2024-03-01", "2024-04-01", "2025-05-01"]
    reads = _plan_read(make_db(decisions=_decided(days), ddl=ddl), monkeypatch)
    assert reads == [("decisions_in_period", ["decisions_in_part", "decisions_in_period"])]
    assert "WARNING" not in caplog.text


@pytest.mark.parametrize("batch_rows", [None, 1024], ids=["sagstid-batches", "driver-default-batches"])
def test_a_column_null_in_the_first_thousand_rows(
    make_db: Callable[..., str], monkeypatch: pytest.MonkeyPatch, batch_rows: int | None
) -> None:
    # SQLite's Arrow driver types a column from its first batch (1,024 rows by default): a
    # column NULL in all of them and text later (case_variant registered only lately) fails the
    # plain read. Read in sagstid's batches of a million rows, the driver types it from all of
    # them, and the read stays plain; in batches of 1,024 the driver fails, and the part is read
    # exactly, with the same frame.
    rows = [
        {
            "decision_id": i,
            "case_id": f"S-{i}",
            "citizen_ref": "x",
            "unit_code": "JC-NORD",
            "case_area_code": "KH-ANS",
            "received_date": "2025-01-02",
            "decided_date": "2025-03-01",
            "sent_date": "2025-03-01",
            "delay_notice_date": None,
            "case_variant": None if i <= 1100 else "B",
        }
        for i in range(1, 1111)
    ]
    url = make_db(decisions=rows)
    if batch_rows is not None:
        monkeypatch.setattr(source_arrow, "_SQLITE_BATCH_ROWS", batch_rows)
    batches: list[int | None] = []
    exact: list[bool] = []
    fetch_once, exact_frame = source_arrow._fetch_once, source_arrow.sqlite_frame

    def spy_fetch(dialect: str, target: str, sql: str, values: Any, batch_rows: int | None) -> Any:
        if "case_variant" in sql and "typeof" not in sql:
            batches.append(batch_rows)
        return fetch_once(dialect, target, sql, values, batch_rows)

    def spy_exact(table: Any, names: Any) -> pd.DataFrame:
        exact.append("case_variant" in names)
        return exact_frame(table, names)

    monkeypatch.setattr(source_arrow, "_fetch_once", spy_fetch)
    monkeypatch.setattr(source_arrow, "sqlite_frame", spy_exact)
    engine = connect(url)
    try:
        with reading_through("arrow"):
            read = extract_decisions(engine, PERIOD, parts=1).in_period
        with reading_through("sqlalchemy"):
            reference = extract_decisions(engine, PERIOD).in_period
    finally:
        engine.dispose()
    assert batches == [batch_rows or 1 << 20]  # the plain read, once
    assert exact == ([] if batch_rows is None else [True])  # read exactly only when it failed
    assert read["case_variant"].isna().sum() == 1100 and (read["case_variant"] == "B").sum() == 10
    pd.testing.assert_frame_equal(read, reference, check_exact=True)
