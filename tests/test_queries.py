"""queries/: every shipped .sql file loads and parses; a broken file is refused with its path
and line; check_schema names a missing table or column (docs/contract.md §1)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sagstid.errors import InputError, QueryFileError, SchemaError
from sagstid.periods import Period
from sagstid.schema import SQLITE_DDL
from sagstid.source.db import check_schema, connect, read_query
from sagstid.source.extract import extract_decisions, extract_units
from sagstid.source.queries import load_query, parse_query_file


def test_queries_folder_is_not_empty(queries_dir):
    names = {p.stem for p in queries_dir.glob("*.sql")}
    assert {"decisions_in_period", "decisions_outside_period", "units"} <= names


def _shipped_files():
    from sagstid.paths import resource_dir

    return sorted(resource_dir("queries").glob("*.sql"))


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in _shipped_files()])
def test_every_shipped_query_parses(path):
    query = parse_query_file(path)
    assert query.name == path.stem
    assert query.sql.strip()
    assert load_query(path.stem).path == query.path


def test_query_parameters(queries_dir):
    assert load_query("decisions_in_period").parameters == {"date_from", "date_to"}
    assert load_query("decisions_outside_period").parameters == {"date_from", "date_to"}
    assert load_query("units").parameters == frozenset()


def test_decision_queries_never_read_citizen_ref():
    for name in ("decisions_in_period", "decisions_outside_period"):
        sql = "\n".join(line.split("--", 1)[0] for line in load_query(name).sql.splitlines())
        assert "citizen_ref" not in sql.lower(), name


def test_broken_sql_names_its_path_and_line(tmp_path):
    path = tmp_path / "broken.sql"
    path.write_text(
        "-- Broken on purpose.\n"  # line 1
        "-- The doubled '=' on line 5 is the error.\n"  # line 2
        "SELECT decision_id, unit_code\n"  # line 3
        "FROM decisions\n"  # line 4
        "WHERE decided_date = = :date_from\n"  # line 5  <- here
        "  AND unit_code IS NOT NULL\n",  # line 6
        encoding="utf-8",
    )
    with pytest.raises(QueryFileError) as info:
        parse_query_file(path)
    message = str(info.value)
    assert str(path) in message
    assert f"{path}:5" in message


def test_broken_sql_in_a_query_folder_is_refused(tmp_path):
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "units.sql").write_text("SELECT unit_code FROM units\n", encoding="utf-8")
    (folder / "decisions_in_period.sql").write_text(
        "SELECT decision_id\nFROM decisions\nWHERE decided_date IN (1, 2\nORDER BY decision_id\n",
        encoding="utf-8",
    )  # the list opened on line 3 is never closed; the parser stops at ORDER on line 4
    with pytest.raises(QueryFileError) as info:
        load_query("units", folder)
    message = str(info.value)
    assert "decisions_in_period.sql" in message
    assert "decisions_in_period.sql:4" in message


@pytest.mark.parametrize(
    "text, words",
    [
        pytest.param("", "no SQL", id="empty"),
        pytest.param("-- only a comment\n", "no SQL", id="only-comment"),
        pytest.param("SELECT 1;\nSELECT 2;\n", "one SQL statement", id="two-statements"),
    ],
)
def test_query_file_without_one_statement(tmp_path, text, words):
    path = tmp_path / "odd.sql"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError) as info:
        parse_query_file(path)
    assert str(path) in str(info.value)
    assert words in str(info.value)


def test_unknown_query_name(tmp_path):
    folder = tmp_path / "q"
    folder.mkdir()
    with pytest.raises(QueryFileError) as info:
        load_query("findes_ikke", folder)
    assert "findes_ikke.sql" in str(info.value)


def test_query_file_error_is_bad_input():
    assert issubclass(QueryFileError, InputError) and issubclass(SchemaError, InputError)


# --- check_schema ---------------------------------------------------------------------------


def _engine(url):
    return connect(url)


def test_complete_schema_passes(make_db):
    engine = _engine(make_db())
    try:
        check_schema(engine, ["units", "decisions", "complaints", "audit_samples"])
    finally:
        engine.dispose()


def test_missing_table_is_named(make_db):
    ddl = SQLITE_DDL.replace("CREATE TABLE complaints", "CREATE TABLE klager")
    ddl = ddl.replace("ON complaints", "ON klager")
    engine = _engine(make_db(ddl=ddl))
    try:
        check_schema(engine, ["units", "decisions"])  # complaints not asked for: fine
        with pytest.raises(SchemaError) as info:
            check_schema(engine, ["units", "decisions", "complaints"])
    finally:
        engine.dispose()
    assert "complaints" in str(info.value)
    assert "table complaints" in str(info.value)


def test_missing_column_is_named(make_db):
    ddl = SQLITE_DDL.replace(
        "    received_date DATE,\n    decided_date DATE,\n    sent_date",
        "    modtaget DATE,\n    decided_date DATE,\n    sent_date",
        1,
    )
    assert "modtaget" in ddl
    engine = _engine(make_db(ddl=ddl))
    try:
        with pytest.raises(SchemaError) as info:
            check_schema(engine, ["units", "decisions"])
    finally:
        engine.dispose()
    message = str(info.value)
    assert "decisions.received_date" in message
    # complaints.received_date is still there, so only the decisions column is named
    assert "complaints.received_date" not in message


def test_missing_table_and_column_named_together(make_db):
    ddl = (
        "CREATE TABLE units (unit_code TEXT, unit_name TEXT);\n"  # no unit_type
        "CREATE TABLE other (x INTEGER);\n"
    )
    engine = _engine(make_db(units=[], ddl=ddl))
    try:
        with pytest.raises(SchemaError) as info:
            check_schema(engine, ["units", "decisions"])
    finally:
        engine.dispose()
    message = str(info.value)
    assert "units.unit_type" in message
    assert "table decisions" in message


def test_column_names_are_matched_case_insensitively(make_db):
    """A DBA's upper-case column names (RECEIVED_DATE) are the same columns."""
    ddl = SQLITE_DDL.replace(
        "received_date DATE,\n    decided_date", "RECEIVED_DATE DATE,\n    decided_date", 1
    )
    engine = _engine(make_db(ddl=ddl))
    try:
        check_schema(engine, ["units", "decisions"])
    finally:
        engine.dispose()


def test_extra_columns_are_ignored(make_db):
    ddl = SQLITE_DDL.replace(
        "    case_variant TEXT\n);\nCREATE TABLE complaints",
        "    case_variant TEXT,\n    sagsbehandler TEXT\n);\nCREATE TABLE complaints",
        1,
    )
    assert "sagsbehandler" in ddl
    url = make_db(
        ddl=ddl,
        decisions=[
            {
                "decision_id": 1,
                "unit_code": "JC-NORD",
                "case_area_code": "KH-ANS",
                "received_date": "2024-03-01",
                "decided_date": "2024-03-05",
                "sagsbehandler": "abc",
            }
        ],
    )
    engine = _engine(url)
    try:
        check_schema(engine, ["units", "decisions"])
        extract = extract_decisions(engine, Period.year(2024))
    finally:
        engine.dispose()
    assert extract.rows == 1
    assert "sagsbehandler" not in extract.in_period.columns


def test_extract_reads_each_row_exactly_once(make_db):
    """in_period (read) and outside (counted) are disjoint and together the whole table: decided
    2023-12-31, 2024-01-01, 2024-12-31, 2025-01-01, NULL and '31/02/2024' -> 2 in 2024, 4
    outside."""
    decided = ["2023-12-31", "2024-01-01", "2024-12-31", "2025-01-01", None, "31/02/2024"]
    url = make_db(
        decisions=[
            {
                "decision_id": i,
                "unit_code": "JC-NORD",
                "case_area_code": "KH-ANS",
                "received_date": "2023-12-01",
                "decided_date": d,
            }
            for i, d in enumerate(decided, start=1)
        ]
    )
    engine = _engine(url)
    try:
        extract = extract_decisions(engine, Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
        units = extract_units(engine)
    finally:
        engine.dispose()
    assert sorted(extract.in_period["decision_id"]) == [2, 3]
    # the other four are counted, one per decided_date value (each row its own value here)
    outside = extract.outside.sort_values("row_count", kind="stable")
    assert sorted("NULL" if pd.isna(d) else d for d in outside["decided_date"]) == [
        "2023-12-31",
        "2025-01-01",
        "31/02/2024",
        "NULL",
    ]
    assert list(outside["row_count"]) == [1, 1, 1, 1]
    assert extract.rows == 6
    assert len(extract.duplicates) == 0  # no id occurs twice, none is missing
    assert sorted(units["unit_code"]) == ["JC-NORD", "JC-SYD", "YS"]


def test_read_query_requires_its_parameters(make_db):
    engine = _engine(make_db())
    try:
        with pytest.raises(ValueError) as info:
            read_query(engine, "decisions_in_period", date_from="2024-01-01")
    finally:
        engine.dispose()
    assert "date_to" in str(info.value)
