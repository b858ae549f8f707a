"""The Arrow read path (sagstid/source/arrow.py) gives the very frame the SQLAlchemy path gives.

The reference is the existing path itself: ``sagstid.source.db.read_query`` with ``reading_through("sqlalchemy")`` (``pd.read_sql_query``
through SQLAlchemy) on the same database, query and parameters. Frames are compared with
``assert_frame_equal(check_exact=True)``: same columns, same dtypes, same values, same index.
A few tests also state by hand what the SQLite driver returns for each stored value (the
sqlite3 module returns a stored integer as int, a real as float, text as str, NULL as None), so
that the comparison cannot pass merely because both paths went wrong together.

SQLite is dynamically typed: a column declared DATE has NUMERIC affinity, so the text
'20250304' is stored as the integer 20250304, 20250304.5 stays a real, and '' and
'0001-01-01' stay text; a column declared INTEGER keeps a non-numeric text such as 'JC-NORD'
as text. ADBC's SQLite driver infers each column's type from its first batch of rows (1,024 by
default; sagstid reads in batches of a million rows), so the bad rows are placed both first and
after 1,500 good rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from servers import copy_database

from sagstid.schema import SQLITE_DDL
from sagstid.source import arrow as source_arrow
from sagstid.source.db import connect, read_query, reading_through
from sagstid.source.queries import load_query

MIXED_DATES = ["2025-03-04", 20250304, 20250304.5, None, "", "0001-01-01"]
PARAMS = {
    "date_from": "2025-01-01",
    "date_to": "2025-12-31",
    "date_before": "2025-12-31",  # decisions_in_part.sql: up to, not including
    "date_after": "2026-01-01",  # complaint_case_areas.sql: the day after date_to
    "row_from": 2,  # decisions_in_rows.sql: a range of rowids, both ends included
    "row_to": 1400,
    "as_of": "2025-06-30",
    "decision_id": 3,  # the one-row reads of sagstid explain
    "complaint_id": 1,
    "not_before": "1995-01-01",  # decisions_first_day.sql
    "id_from": 2,  # decision_duplicates_in_part.sql and _from.sql: a range of decision_id
    "id_before": 1400,
    "parts": 4,  # decision_id_bounds.sql
}
GOOD_ROWS = 1500  # more than ADBC's first batch of 1,024 rows


def _decision(i: int, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "decision_id": i,
        "case_id": f"S-2025-{i:07d}",
        "citizen_ref": "x",
        "unit_code": "JC-NORD",
        "case_area_code": "KH-ANS",
        "received_date": "2025-02-03",
        "decided_date": "2025-02-10",
        "sent_date": "2025-02-11",
        "delay_notice_date": None,
    }
    row.update(values)
    return row


def _good(n: int, start: int = 1) -> list[dict[str, object]]:
    # Every 7th row has a delay notice, every 5th is open (not decided), every 11th is decided
    # in 2024 (outside the period): all three queries of decisions get rows.
    return [
        _decision(
            i,
            decided_date=None if i % 5 == 0 else "2024-12-30" if i % 11 == 0 else "2025-02-10",
            delay_notice_date="2025-02-05" if i % 7 == 0 else None,
        )
        for i in range(start, start + n)
    ]


def _bad(start: int) -> list[dict[str, object]]:
    """One row per mixed value, in every date column, plus a unit code stored as an integer."""
    rows = []
    for k, value in enumerate(MIXED_DATES):
        rows.append(
            _decision(
                start + k,
                received_date=value,
                decided_date=value,
                sent_date=value,
                delay_notice_date=value,
                unit_code=7 if k % 2 else "JC-SYD",
            )
        )
    return rows


def _reference(url: str, name: str) -> pd.DataFrame:
    query = load_query(name)
    engine = connect(url)
    try:
        with reading_through("sqlalchemy"):
            return read_query(engine, name, **{k: PARAMS[k] for k in query.parameters})
    finally:
        engine.dispose()


def _arrow(url: str, name: str) -> pd.DataFrame:
    from sagstid.source.db import absent_columns

    query = load_query(name)
    engine = sa.create_engine(url)
    try:  # an optional column the table lacks is read as NULL, as read_query does
        sql = query.without(absent_columns(engine, query.optional_columns))
    finally:
        engine.dispose()
    frame = source_arrow.read_frame(url, sql, {k: PARAMS[k] for k in query.parameters})
    assert frame is not None, "a SQLite file or PostgreSQL URL has an Arrow path"
    return frame


# Read only where the table has the optional column promised_date (tests/test_read_paths.py
# runs it through both paths on the demo, which has it).
NEEDS_OPTIONAL_COLUMN = {
    "decisions_in_period_promised",
    "decisions_in_part_promised",
    "decisions_in_rows_promised",
}


# Read only from SQLite (source/extract.py asks the dialect first): SQLite's rowid.
SQLITE_ONLY = {"decision_id_bounds", "decisions_row_span", "decisions_in_rows", "decisions_in_rows_promised"}


def _same_for_every_query(url: str) -> None:
    for name in sorted(p.stem for p in load_query("units").path.parent.glob("*.sql")):
        if name in NEEDS_OPTIONAL_COLUMN or (name in SQLITE_ONLY and not url.startswith("sqlite")):
            continue
        pd.testing.assert_frame_equal(_arrow(url, name), _reference(url, name), check_exact=True, obj=name)


def _stored(url: str, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(sa.engine.make_url(url).database) as connection:
        return connection.execute(sql).fetchall()


# --- clean data ---------------------------------------------------------------------------------


def test_every_query_same_on_clean_data(
    make_db: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sagstid.source.arrow")
    url = make_db(
        decisions=_good(GOOD_ROWS),
        complaints=[
            {
                "complaint_id": 1,
                "case_id": "S-2025-0000003",
                "unit_code": "JC-NORD",
                "complaint_kind": "afgoerelse",
                "via_ombudsman": 0,
                "insured_unemployed": 0,
                "five_day_rule": 0,
                "received_date": "2025-03-01",
                "answered_date": None,
            }
        ],
        audit_samples=[(1, "S-2025-0000001", "JC-NORD", "KH-ANS", "2025-04-01", 1, 1, 1)],
    )
    _same_for_every_query(url)
    assert "reading exactly" not in caplog.text  # clean data: the plain (quick) read
    frame = _arrow(url, "decisions_in_period")
    # Decided in the period: rows 1..1500 less the open ones (every 5th: 300) and those decided
    # in 2024 (every 11th not also every 5th: 136 - 27 = 109): 1500 - 300 - 109 = 1091.
    assert len(frame) == 1091
    assert frame["decision_id"].dtype == "int64"
    assert frame["received_date"].tolist()[:1] == ["2025-02-03"]


def test_empty_result_is_object_columns_as_read_sql_gives(make_db: Callable[..., str]) -> None:
    url = make_db(decisions=[])
    frame = _arrow(url, "decisions_in_period")
    assert len(frame) == 0 and set(frame.dtypes.astype(str)) == {"object"}
    pd.testing.assert_frame_equal(frame, _reference(url, "decisions_in_period"), check_exact=True)


def test_exact_read_same_as_plain_read_on_clean_data(make_db: Callable[..., str]) -> None:
    """The wrapped (exact) read, used when bad rows may be present, on data without any."""
    url = make_db(decisions=_good(50))
    sql = load_query("decisions_in_period").sql
    names = source_arrow.output_columns(sql)
    assert names == [
        "decision_id",
        "case_id",
        "unit_code",
        "case_area_code",
        "received_date",
        "decided_date",
        "sent_date",
        "delay_notice_date",
        "case_variant",  # optional (docs/contract.md §1.3); the test table has it
    ]
    text, values = source_arrow.to_positional(sql, PARAMS, "?")
    path = sa.engine.make_url(url).database
    exact = source_arrow.sqlite_frame(
        source_arrow._fetch("sqlite", path, source_arrow.sqlite_wrapped(text, names), values), names
    )
    pd.testing.assert_frame_equal(exact, _reference(url, "decisions_in_period"), check_exact=True)


# --- SQLite's dynamic typing ------------------------------------------------------------------


@pytest.mark.parametrize("bad_first", [True, False], ids=["bad-rows-first", "bad-rows-late"])
@pytest.mark.parametrize("date_type", ["DATE", "TEXT"])
def test_mixed_storage_classes_same_frames(
    make_db: Callable[..., str], bad_first: bool, date_type: str
) -> None:
    ddl = SQLITE_DDL.replace(" DATE", f" {date_type}").replace(
        "unit_code TEXT,\n    case_area", "unit_code INTEGER,\n    case_area"
    )
    good = _good(GOOD_ROWS, start=100)
    bad = _bad(start=10_000)
    url = make_db(decisions=bad + good if bad_first else good + bad, ddl=ddl)

    stored = _stored(
        url,
        "SELECT typeof(received_date), typeof(unit_code) FROM decisions "
        "WHERE decision_id >= 10000 ORDER BY decision_id",
    )
    # A DATE column (NUMERIC affinity) stores 20250304 as an integer and 20250304.5 as a real;
    # a TEXT column stores both as text. The INTEGER unit_code column keeps the text 'JC-SYD'
    # as text and 7 as an integer.
    number = "text" if date_type == "TEXT" else None
    assert stored == [
        ("text", "text"),
        (number or "integer", "integer"),
        (number or "real", "text"),
        ("null", "integer"),
        ("text", "text"),
        ("text", "integer"),
    ]

    _same_for_every_query(url)

    # By hand, the bad rows each query returns. SQLite compares a DATE (NUMERIC affinity)
    # column with the text parameter '2025-01-01' as stored: an integer or real sorts before
    # any text, '' and '0001-01-01' sort before '2025...'. In a TEXT column '20250304' sorts
    # after '2025-12-31' (fifth character '0' > '-').
    def bad(name: str, column: str) -> list[object]:
        frame = _arrow(url, name)
        rows = frame[frame["decision_id"].to_numpy() >= 10_000].sort_values("decision_id")
        return [None if pd.isna(v) else v for v in rows[column].tolist()]

    assert bad("decisions_in_period", "decided_date") == ["2025-03-04"]
    as_text = date_type == "TEXT"
    # decisions_outside_period counts rows per (unit_code, decided_date); the bad rows are the
    # groups of unit 7 and of the JC-SYD values the good rows (all JC-NORD) never take
    outside = _arrow(url, "decisions_outside_period")
    groups = outside[(outside["unit_code"] != "JC-NORD").to_numpy()]
    assert sorted(
        (
            (str(u), None if pd.isna(d) else d)
            for u, d in groups[["unit_code", "decided_date"]].itertuples(index=False)
        ),
        key=repr,
    ) == sorted(
        zip(
            ["7", "JC-SYD", "7", "JC-SYD", "7"],
            ["20250304", "20250304.5", None, "", "0001-01-01"]
            if as_text
            else [20250304, 20250304.5, None, "", "0001-01-01"],
            strict=True,
        ),
        key=repr,
    )
    # open as of 2025-06-30: decided_date NULL or after it ('2025-03-04' is not)
    assert bad("open_decisions", "decided_date") == (["20250304", "20250304.5", None] if as_text else [None])
    assert bad("open_decisions", "unit_code") == ([7, "JC-SYD", 7] if as_text else [7])


def test_mixed_values_read_as_sqlite3_returns_them(
    make_db: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    """By hand: the values of one DATE column holding every kind of value, on both paths."""
    caplog.set_level(logging.DEBUG, logger="sagstid.source.arrow")
    url = make_db(decisions=_good(GOOD_ROWS) + _bad(start=10_000))
    sql = (
        "SELECT decision_id, unit_code, received_date FROM decisions "
        "WHERE decision_id >= :first ORDER BY decision_id"
    )
    frame = source_arrow.read_frame(url, sql, {"first": 10_000})
    assert frame is not None
    assert "reading exactly" in caplog.text
    assert frame["received_date"].tolist() == ["2025-03-04", 20250304, 20250304.5, None, "", "0001-01-01"]
    assert [type(v).__name__ for v in frame["received_date"]] == [
        "str",
        "int",
        "float",
        "NoneType",
        "str",
        "str",
    ]
    # unit_code is TEXT in the contract's DDL: the integer 7 was stored as the text '7'
    assert frame["unit_code"].tolist() == ["JC-SYD", "7", "JC-SYD", "7", "JC-SYD", "7"]
    with connect(url).connect() as connection:
        reference = pd.read_sql_query(sa.text(sql), connection, params={"first": 10_000})
    pd.testing.assert_frame_equal(frame, reference, check_exact=True)


def test_reals_blobs_and_empty_columns(make_db: Callable[..., str]) -> None:
    """Reals keep every digit (0.1 + 0.2 is 0.30000000000000004, not 0.3), a blob comes back
    as bytes, an integer column with NULLs is float64, a column of NULLs is None objects."""
    ddl = "CREATE TABLE t (id INTEGER, r REAL, b BLOB, n INTEGER, z TEXT, m);"
    rows = [(i, 1.5, None, i if i % 2 else None, None, "x") for i in range(1, GOOD_ROWS)]
    rows += [(9001, 0.1 + 0.2, b"\x00\xff", None, None, 3), (9002, 1e300, b"ok", 5, None, 2.5)]
    url = make_db(units=[], ddl=ddl, t=rows)
    sql = "SELECT id, r, b, n, z, m FROM t"
    frame = source_arrow.read_frame(url, sql, {})
    assert frame is not None
    assert frame["r"].iloc[-2] == 0.30000000000000004 and frame["r"].iloc[-1] == 1e300
    assert frame["b"].iloc[-2:].tolist() == [b"\x00\xff", b"ok"]
    assert frame["n"].dtype == "float64" and frame["n"].iloc[-1] == 5.0
    assert frame["z"].dtype == object and frame["z"].isna().all()
    assert frame["m"].iloc[-3:].tolist() == ["x", 3, 2.5]
    with connect(url).connect() as connection:
        reference = pd.read_sql_query(sa.text(sql), connection)
    pd.testing.assert_frame_equal(frame, reference, check_exact=True)


def test_numeric_looking_text_is_read_exactly(make_db: Callable[..., str]) -> None:
    """Case numbers that are digits only, stored as text: the plain read cannot tell them from
    converted integers, so the exact read is used; the frame keeps them as text."""
    rows = [_decision(i, case_id=str(100000 + i)) for i in range(1, 30)]
    url = make_db(decisions=rows)
    frame = _arrow(url, "decisions_in_period")
    assert frame["case_id"].tolist()[:2] == ["100001", "100002"]
    pd.testing.assert_frame_equal(frame, _reference(url, "decisions_in_period"), check_exact=True)


# --- parameters and dialects ----------------------------------------------------------------


def test_named_parameters_become_positional() -> None:
    sql = (
        "-- :not_a_parameter in a comment\n"
        "SELECT a FROM t WHERE d >= :date_from AND d <= :date_to OR e = :date_from -- :x\n"
        "AND f::date = g"
    )
    text, values = source_arrow.to_positional(sql, {"date_from": "2025-01-01", "date_to": "2025-12-31"}, "?")
    assert text.split("\n")[1].strip() == "SELECT a FROM t WHERE d >= ? AND d <= ? OR e = ?"
    assert values == ("2025-01-01", "2025-12-31", "2025-01-01")
    text, values = source_arrow.to_positional(sql, {"date_from": "2025-01-01", "date_to": "2025-12-31"}, "$")
    assert text.split("\n")[1].strip() == "SELECT a FROM t WHERE d >= $1 AND d <= $2 OR e = $1"
    assert "f::date = g" in text
    # PostgreSQL: ISO date texts are bound as dates (ADBC would send text, not comparable)
    assert values == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValueError, match="date_to"):
        source_arrow.to_positional(sql, {"date_from": "2025-01-01"}, "?")


def test_no_arrow_path_returns_none(tmp_path: Path, make_db: Callable[..., str]) -> None:
    url = make_db()
    assert source_arrow.arrow_dialect(url) == "sqlite"
    assert source_arrow.arrow_dialect("postgresql+psycopg://u@localhost/db") == "postgresql"
    for other in (
        "mssql+pyodbc://@DSN",
        "sqlite://",
        "sqlite:///:memory:",
        f"sqlite:///{tmp_path / 'missing.sqlite'}",
        url + "?mode=ro",
        "not a url",
    ):
        assert source_arrow.arrow_dialect(other) is None, other
        assert source_arrow.read_frame(other, "SELECT unit_code FROM units", {}) is None
    assert not (tmp_path / "missing.sqlite").exists()  # not created by the attempt
    # a driver that is not installed: no Arrow path either
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(source_arrow, "_available", lambda module: False)
        assert source_arrow.arrow_dialect(url) is None
        assert source_arrow.read_frame(url, "SELECT unit_code FROM units", {}) is None
    # a query whose columns cannot be named is left to SQLAlchemy
    assert source_arrow.read_frame(url, "SELECT * FROM units", {}) is None
    assert source_arrow.read_frame(url, "SELECT unit_code, unit_code FROM units", {}) is None


def test_sql_error_raises_arrow_read_error(make_db: Callable[..., str]) -> None:
    url = make_db()
    with pytest.raises(source_arrow.ArrowReadError, match="no such table"):
        source_arrow.read_frame(url, "SELECT a FROM no_such_table", {})


def test_connection_error_names_no_password() -> None:
    """Port 1 on this machine refuses at once; the message must not carry the password."""
    url = "postgresql+psycopg://sagstid:s3cret-pw@127.0.0.1:1/sagstid"
    with pytest.raises(source_arrow.ArrowReadError) as raised:
        source_arrow.read_frame(url, "SELECT unit_code FROM units", {})
    assert "s3cret-pw" not in str(raised.value)
    assert raised.value.__suppress_context__  # a traceback does not print the driver error


# --- PostgreSQL -----------------------------------------------------------------------------------


def test_every_query_same_on_postgres(make_db: Callable[..., str], postgres_db: str) -> None:
    """Real DATE and INTEGER columns (tests/servers.py copies the SQLite rows): dates come back
    as datetime.date objects on both paths, int4 columns and the CASE flag as int64."""
    complaints = [
        {
            "complaint_id": 1,
            "case_id": "S-2025-0000003",
            "unit_code": "JC-NORD",
            "complaint_kind": "afgoerelse",
            "via_ombudsman": 0,
            "insured_unemployed": 0,
            "five_day_rule": 0,
            "received_date": "2025-03-01",
            "answered_date": None,
        }
    ]
    source = make_db(
        decisions=_good(60),
        complaints=complaints,
        audit_samples=[(1, "S-2025-0000001", "JC-NORD", "KH-ANS", "2025-04-01", 1, 1, 1)],
    )
    copy_database(source, postgres_db)
    assert source_arrow.arrow_dialect(postgres_db) == "postgresql"
    _same_for_every_query(postgres_db)
    frame = _arrow(postgres_db, "open_decisions")
    # open as of 2025-06-30: the undecided rows, every 5th of 1..60 = 12 rows
    assert len(frame) == 12
    assert frame["received_date"].iloc[0] == dt.date(2025, 2, 3)
    assert frame["decision_id"].dtype == "int64" and frame["decided_date"].isna().all()
    # a name used twice stays twice, as read_sql keeps it
    sql = "SELECT decision_id, decision_id, case_id FROM decisions WHERE decided_date = :day"
    twice = source_arrow.read_frame(postgres_db, sql, {"day": "2025-02-10"})
    with connect(postgres_db).connect() as connection:
        reference = pd.read_sql_query(sa.text(sql), connection, params={"day": "2025-02-10"})
    assert twice is not None and list(twice.columns) == ["decision_id", "decision_id", "case_id"]
    pd.testing.assert_frame_equal(twice, reference, check_exact=True)
